"""What the store records about the files it was built from, as kg build reads and keeps it.

graph/build holds, for each report graph, the files it was built from and the sha256 of each (gk:sourcePath,
gk:sourceHash). A file is named by its record key (kg.build.find_reports): a digest of the folder named to
`kg build` and the path below it, so the server's directory layout is not published with the data. That graph is the truth. Reading it back costs seconds on a large disk store (Oxigraph decodes two
unique strings per file: 7 s for 50,000 files), and hashing every file costs seconds more, so kg build also saves a
copy of the records for each generation it publishes, with each file's stamp (size, mtime, ctime, inode) when it
was hashed. The next build starts from that copy when it belongs to the live generation (any other writer makes a
new generation, so a stale copy is never used) and hashes only the files whose stamp changed, as git's index and
rsync do. The copy is only a shortcut: missing, unreadable or for a store without a folder (memory, remote), the
records are read from the store and every file is hashed.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from kg import __version__
from kg.rdf.namespaces import GK

SAVED_NAME = "build-records"
# A file changed less than this long ago is not trusted by its stamp: a second write within the same timestamp tick
# could go unseen ("racy git"); it is hashed again next time.
RACY_NS = 2_000_000_000


def file_hash(path: str | Path) -> str:
    h = hashlib.sha256(f"govkg-{__version__}\n".encode())
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_stamp(path: str | Path) -> list[int] | None:
    """What changes when a file's bytes may have: size, mtime, ctime (which no tool can set back) and inode. None
    for a file changed in the last RACY_NS. Take it before reading the bytes: a later write then changes it."""
    st = os.stat(path)
    if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) < RACY_NS:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


RECORDS_QUERY = f"PREFIX gk: <{GK}>\n" + \
    "SELECT ?g ?path ?hash WHERE {{ GRAPH <{build}> {{ ?g gk:sourcePath ?path ; gk:sourceHash ?hash }} }}"


class BuildRecords:
    """graph IRI -> {record key: sha256}, as graph/build holds it, plus the stamps of the files hashed."""

    def __init__(self, graphs: dict[str, dict[str, str]], stamps: dict[str, list] | None = None):
        self.graphs = graphs
        self.build_graph: str | None = None   # graph/build under the base IRI the records were read for
        self.stamps = stamps or {}  # record key -> file_stamp() + [the sha256 the file had with that stamp]
        self.dirty = False          # something the saved copy lacks (or there is none)

    @classmethod
    def read(cls, store, build_graph: str) -> BuildRecords:
        """The live generation's records: its saved copy, else graph/build itself."""
        saved = _saved_file(store, store.generation())
        if saved is not None and saved.exists():
            try:
                data = json.loads(saved.read_bytes())
                # the copy of records kept under this base IRI (another base's are not this build's: see kg.build)
                if data["version"] == __version__ and data.get("build") == build_graph:
                    out = cls({g: dict(files) for g, files in data["graphs"].items()}, data["stamps"])
                    out.build_graph = build_graph
                    return out
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                pass   # read from the store instead, and saved again at the end
        graphs: dict[str, dict[str, str]] = {}
        for r in store.query(RECORDS_QUERY.format(build=build_graph)).rows:
            graphs.setdefault(str(r["g"]), {})[str(r["path"])] = str(r["hash"])
        out = cls(graphs)
        out.dirty = True
        out.build_graph = build_graph
        return out

    def by_key(self) -> dict[str, tuple[set[str], list[str]]]:
        """record key -> (file hashes, graph IRIs). Normally one graph and one hash per file. Two files can hold
        the same report (the .html and the .txt of one page: one natural key, one graph); the graph then carries
        both keys and both hashes, and a file is unchanged when its hash is among them. A store written before
        stale graphs were withdrawn can give a file several graphs: it gets no hashes then, so it is rebuilt,
        which cleans that up."""
        out: dict[str, tuple[set[str], list[str]]] = {}
        for g, files in self.graphs.items():
            for key, fhash in files.items():
                if key in out:
                    out[key] = (set(), out[key][1] + [g])
                else:
                    out[key] = ({fhash}, [g])
        return out

    # -- kept in step with what kg build writes to graph/build --

    def forget(self, graph: str) -> None:
        self.graphs.pop(graph, None)

    def add(self, graph: str, key: str, fhash: str) -> None:
        self.graphs.setdefault(graph, {})[key] = fhash

    # -- file hashes by stamp --

    def hash(self, path: str, key: str, recorded: str | None) -> str:
        """The sha256 of the file at `path` (record key `key`): `recorded` (its hash in the records) when its stamp
        is the one saved with it."""
        stamp = file_stamp(path)
        if recorded is not None and stamp is not None and self.stamps.get(key) == stamp + [recorded]:
            return recorded
        h = file_hash(path)
        self.remember(key, stamp, h)
        return h

    def remember(self, key: str, stamp: list[int] | None, fhash: str) -> None:
        """The stamp a file had before the bytes that gave `fhash` were read."""
        if stamp is None:
            self.dirty |= self.stamps.pop(key, None) is not None
        elif self.stamps.get(key) != stamp + [fhash]:
            self.stamps[key] = stamp + [fhash]
            self.dirty = True

    def save(self, store, changed_generation: bool) -> None:
        """Saved as the live generation's copy (written atomically; copies of other generations are removed)."""
        from kg.publish.citations import save_cache_file

        if not (changed_generation or self.dirty):
            return
        path = _saved_file(store, store.generation())
        if path is None:
            return
        recorded = {k for files in self.graphs.values() for k in files}
        stamps = {k: s for k, s in self.stamps.items() if k in recorded}
        data = {"version": __version__, "build": self.build_graph, "graphs": self.graphs, "stamps": stamps}
        save_cache_file(path, SAVED_NAME, json.dumps(data, ensure_ascii=False).encode())


def _saved_file(store, gen: str) -> Path | None:
    from kg.publish.citations import cache_file
    return cache_file(store, gen, SAVED_NAME)
