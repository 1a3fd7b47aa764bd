"""Pre-gzipped N-Triples of each report graph ("pieces"), kept beside the dumps so a dump is mostly a concatenation.

Decoding the whole store is what makes a dump slow (pyoxigraph/RocksDB, ~40k triples/s). A dump keeps each report
graph it had to read from the store as one gzipped file; the next dumps copy the compressed bytes of the published
graphs (gzip members concatenate into one valid gzip stream) and read only the small graphs (entities, ontology,
build records) and the graphs changed since (no matching piece) from the store.

`save` makes a piece from N-Triples text, as a build holds it. kg build does not call it: gzipping every report in
the workers cost ~13 ms of CPU per report (1,000 reports; at 10,000 the build took 450 s instead of 316), about
what the first dump saves by not reading the graphs back. The tests use it to check that pieces equal the stored
graphs.

A piece is matched to the store by what the store itself says about the graph: its IRI and the one source-file hash
of its build record (graph/build: `<g> gk:sourceHash ?h`), both hashed into the file name
(`<sha256(graph)>.<sha256(source hash)>.<triples>.nt.gz`). A graph recorded with several source files (two files
of one report: the content is the last one written) or none is dumped from the store. The same file can give other
triples when the code changed; the extractor version is part of the source hash, so a piece of an older version
never matches. A dump is always the published generation; pieces only make it cheaper.
"""
from __future__ import annotations

import hashlib
import os
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

FOLDER = "pieces"   # under the dumps folder (settings.dumps_dir); not listed in the manifest, so never served
GZIP_LEVEL = 3      # as the dumps (kg.publish.dumps.GZIP_LEVEL): fast, and the concatenation compresses alike
# <graph key>.<source key>.<triples>.nt.gz: the N-Triples piece (saved by the build, or by a dump);
# <same>.<digest of the .nt.gz>.ttl.gz / .jsonld.gz: made from that exact piece by a dump (Turtle, and the node
# objects of a JSON-LD array without its brackets), so they can never outlive or mismatch it.
_NAME = re.compile(r"^(?P<nt>(?P<key>[0-9a-f]{32}\.[0-9a-f]{16})\.(?P<triples>[0-9]+))"
                   r"(?:\.nt|\.(?P<digest>[0-9a-f]{16})\.(?:ttl|jsonld))\.gz$")


@dataclass(frozen=True, slots=True)
class Piece:
    home: Path      # the pieces folder: one object shared by every piece (a dump holds 50,000 of these)
    name: str       # the N-Triples piece's file name
    triples: int

    @property
    def path(self) -> Path:
        return self.home / self.name

    def derived(self, kind: str, digest: str) -> Path:
        """Where the graph as `kind` (ttl, jsonld) made from the N-Triples piece whose digest() is `digest` is kept."""
        return self.home / (self.name.removesuffix(".nt.gz") + f".{digest}.{kind}.gz")


def digest(gz: bytes) -> str:
    return hashlib.sha256(gz).hexdigest()[:16]


def folder(dumps_dir: str | os.PathLike) -> Path:
    return Path(dumps_dir) / FOLDER


def _graph_key(graph: str) -> str:
    return hashlib.sha256(graph.encode()).hexdigest()[:32]


def _source_key(source_hash: str) -> str:
    return hashlib.sha256(source_hash.encode()).hexdigest()[:16]


def gzip_bytes(data: bytes) -> bytes:
    """One gzip member, no file name and time stamp 0: the same text always gives the same bytes."""
    z = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)
    return z.compress(data) + z.flush()


def canonical_ntriples(nt_text: str | bytes) -> tuple[bytes, int] | None:
    """The graph as the store gives it back, and its triple count; None when it holds a blank node (the store
    renames those, so a piece could not stand for the stored graph). It goes through an in-memory pyoxigraph store
    because storing normalises some literals (pyoxigraph 0.5 writes language tags in lower case, integer-derived types as xsd:integer),
    and written as pyoxigraph writes it, so that equal triples are equal lines in pieces and store-dumped graphs."""
    data = nt_text.encode() if isinstance(nt_text, str) else nt_text
    mem = ox.Store()
    mem.load(input=data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    if b"_:" in data and any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)
                             for q in mem.quads_for_pattern(None, None, None, None)):
        return None
    return mem.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b"", len(mem)


def prepare(nt_text: str | bytes) -> tuple[bytes, int] | None:
    """(gzip bytes, triple count) of a report graph's piece, or None when it cannot have one. The costly part of
    `save` (~6 ms a report, mostly the in-memory store): a build worker can run it, and the parent save_gzipped()."""
    canon = canonical_ntriples(nt_text)
    if canon is None:
        return None
    data, n = canon
    return gzip_bytes(data), n


def save(dumps_dir: str | os.PathLike, graph: str, nt_text: str | bytes, source_hash: str) -> Path | None:
    """Keep the report graph `graph`, as committed from the file whose hash is `source_hash`, as a piece.
    Call it after the transaction that wrote the graph is published. Returns the piece's path, or None when the
    graph cannot have one (blank nodes)."""
    prepared = prepare(nt_text)
    if prepared is None:
        return None
    gz, n = prepared
    return save_gzipped(dumps_dir, graph, source_hash, n, gz)


def save_gzipped(dumps_dir: str | os.PathLike, graph: str, source_hash: str, triples: int, gz: bytes, *,
                 replace: bool = True) -> Path:
    """Keep `gz` (gzipped canonical N-Triples of `triples` triples) as the piece of `graph` built from the file
    `source_hash`. With replace=False (a dump keeping what it read from the store) a piece already there, which a
    build may have just saved, stays."""
    final = folder(dumps_dir) / f"{_graph_key(graph)}.{_source_key(source_hash)}.{triples}.nt.gz"
    return write_file(final, gz, replace=replace)


def write_file(final: Path, gz: bytes, *, replace: bool = True) -> Path:
    """Written under a temporary name and renamed: never seen half-written."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".{final.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(gz)
        if replace:
            os.replace(tmp, final)
        else:
            try:
                os.link(tmp, final)
            except FileExistsError:
                pass
            tmp.unlink()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return final


def _entries(d: Path) -> Iterator[os.DirEntry]:
    """The files of the pieces folder, streamed (at 50,000 reports it holds 50,000-150,000); none when it does not
    exist yet."""
    try:
        with os.scandir(d) as entries:
            yield from entries
    except FileNotFoundError:
        return


def _listing(d: Path) -> dict[str, list[str]]:
    """"<graph key>.<source key>" -> the names of its N-Triples pieces (names, not Paths: a Path costs 4x the memory)."""
    out: dict[str, list[str]] = {}
    for e in _entries(d):
        m = _NAME.match(e.name)
        if m and m["digest"] is None:
            out.setdefault(m["key"], []).append(e.name)
    return out


def lookup(dumps_dir: str | os.PathLike, sources: dict[str, str]) -> dict[str, Piece]:
    """graph IRI -> its piece, for the graphs in `sources` (graph -> the source hash of its one build record) that
    have one."""
    home = folder(dumps_dir)
    listing = _listing(home)
    found: dict[str, Piece] = {}
    for graph, source_hash in sources.items():
        match = listing.get(f"{_graph_key(graph)}.{_source_key(source_hash)}")
        if match:   # several only if the count differs (a piece of other code): the newest
            name = max(match, key=lambda m: os.stat(home / m).st_mtime_ns if len(match) > 1 else 0)
            found[graph] = Piece(home, name, int(_NAME.match(name)["triples"]))
    return found


def collect_garbage(dumps_dir: str | os.PathLike, keep: dict[str, str], older_than: float) -> int:
    """Delete the pieces (of every kind) of graphs no longer published and of older versions of a graph, and
    temporary files left by a killed writer. `keep`: the N-Triples pieces one published generation uses (file
    name -> digest of its bytes), which keep the Turtle and JSON-LD made from those bytes; `older_than`: when that
    generation was read (a time.time()): a piece saved since may belong to a newer generation (a build running
    meanwhile), so it stays. Returns how many files went."""
    # Deleted once the listing is done (POSIX leaves readdir unspecified for a folder changed while it is read),
    # so only the doomed paths are held, as str (the folder has 50,000-150,000 files).
    doomed = []
    for e in _entries(folder(dumps_dir)):
        m = _NAME.match(e.name)
        if m:
            if m["digest"] is None:
                if e.name in keep:
                    continue
            elif keep.get(m["nt"] + ".nt.gz") == m["digest"]:   # made from the bytes of a kept N-Triples piece
                continue
        elif not (e.name.startswith(".") and ".tmp-" in e.name and _stale_tmp(e.name)):
            continue
        try:
            if e.stat().st_mtime < older_than:
                doomed.append(e.path)
        except FileNotFoundError:
            pass
    n = 0
    for path in doomed:
        try:
            if os.stat(path).st_mtime < older_than:   # again: a dump running meanwhile may have saved it anew
                os.unlink(path)
                n += 1
        except FileNotFoundError:
            pass
    return n


def _stale_tmp(name: str) -> bool:
    """A temporary file whose writing process is gone (a running build's are left alone)."""
    try:
        pid = int(name.rsplit(".tmp-", 1)[1])
        os.kill(pid, 0)
    except (ValueError, ProcessLookupError):
        return True
    except PermissionError:
        return False
    return False
