"""Dumps of the whole dataset: N-Triples, N-Quads, Turtle and JSON-LD, gzip-compressed, with checksums.

All four files come from one snapshot of the store (one published generation). Decoding the store is slow
(~40k triples/s), so report graphs come from their pieces when they have one (kg.publish.pieces: gzipped N-Triples
kept per report graph, saved by the build, or by an earlier dump): the N-Triples dump is the pieces' gzip members
copied as they are (members concatenate into one gzip stream) with the other graphs compressed here; N-Quads is the
same text with each line's graph added, through gzip(1); Turtle and JSON-LD are re-serialised by pyoxigraph from the
N-Triples dump just written. A report graph without a piece is read from the store and kept as one. Stores that are
not pyoxigraph ones (the remote store) dump themselves through Store.dump.

Everything streams (memory stays constant whatever the size of the dataset; a piece is one report graph). Each file
is written under a temporary name and renamed into place, and the manifest (dumps.json) last, so a reader never
sees a half-written dump or a manifest that names files that are not there yet.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import logging
import os
import shutil
import subprocess
import tempfile
import time
import zlib
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from kg.config import Settings
from kg.publish import pieces as pieces_mod
from kg.store.base import Store
from kg.store.oxicore import DUMP_FORMATS, LineCounter, LineHasher, _Counted, pipe_process

SOURCE_HASH = "https://w3id.org/govkg/def#sourceHash"   # graph/build: <report graph> gk:sourceHash "file hash"

MANIFEST = "dumps.json"
# Measured on 190-220 MB of N-Triples: level 1 and 3 compress at about the same speed (0.75-1.3 s CPU), level 5
# takes ~2x that for 10 % smaller files and level 6 more again. 3 keeps the compressor far below the store's decoding.
GZIP_LEVEL = 3


@dataclass(frozen=True)
class DumpFormat:
    key: str            # Store.dump format name
    filename: str
    media_type: str     # of the uncompressed content
    label: str
    eu_file_type: str   # http://publications.europa.eu/resource/authority/file-type/…  (for DCAT dct:format)
    dataset: bool       # named graphs kept (N-Quads) rather than the union of all graphs


FORMATS = [
    DumpFormat("ntriples", "govkg.nt.gz", "application/n-triples", "N-Triples (union of all graphs), gzip",
               "RDF_N_TRIPLES", False),
    DumpFormat("nquads", "govkg.nq.gz", "application/n-quads", "N-Quads (one named graph per report), gzip",
               "RDF_N_QUADS", True),
    DumpFormat("turtle", "govkg.ttl.gz", "text/turtle", "Turtle (union of all graphs), gzip", "RDF_TURTLE", False),
    DumpFormat("jsonld", "govkg.jsonld.gz", "application/ld+json", "JSON-LD (union of all graphs), gzip",
               "JSON_LD", False),
]


@dataclass
class DumpInfo:
    name: str            # file name
    path: str            # where it was written
    format: str          # Store.dump format key
    label: str
    media_type: str      # of the content once gunzipped
    encoding: str        # "gzip"
    size: int            # bytes of the .gz file
    sha256: str          # of the .gz file
    triples: int         # statements in the file (quads for N-Quads)
    modified: str        # ISO 8601 UTC
    eu_file_type: str

    def to_json(self) -> dict:
        return asdict(self)


def _sha256_file(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
            size += len(block)
    return h.hexdigest(), size


@contextmanager
def _gzip_pipe(raw):
    """A writable whose bytes end up gzipped in `raw` at GZIP_LEVEL: gzip(1) on another core, or Python's zlib
    here when there is none. Both write no name and no time stamp: the same data gives the same bytes."""
    gz_bin = shutil.which("gzip")
    if gz_bin is None:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=GZIP_LEVEL, mtime=0) as gz:
            yield gz
        return
    with pipe_process([gz_bin, f"-{GZIP_LEVEL}", "-n", "-c"], "gzip", OSError,
                      stdin=subprocess.PIPE, stdout=raw) as proc:
        yield proc.stdin


def _dump_gzip(store: Store, key: str, raw, known_count: int | None) -> int:
    """store.dump into `raw` (an open file), gzipped (_gzip_pipe)."""
    with _gzip_pipe(raw) as out:
        return store.dump(out, key, count=known_count is None)


def _finish(tmp: Path, final: Path, fmt: DumpFormat, count: int) -> DumpInfo:
    """fsync'd `tmp` renamed to `final` (a reader never sees half a file), described."""
    sha256, size = _sha256_file(tmp)   # from the page cache: ~0.05 s for 30 MB
    os.replace(tmp, final)
    return DumpInfo(name=fmt.filename, path=str(final), format=fmt.key, label=fmt.label,
                    media_type=fmt.media_type, encoding="gzip", size=size,
                    sha256=sha256, triples=count,
                    modified=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
                    eu_file_type=fmt.eu_file_type)


@contextmanager
def _temp_file(out_dir: Path, fmt: DumpFormat):
    """An open temporary file beside the dump, fsync'd on success, deleted on failure (unless renamed)."""
    tmp = out_dir / f".{fmt.filename}.tmp-{os.getpid()}"
    try:
        with open(tmp, "wb") as raw:
            yield tmp, raw
            raw.flush()
            os.fsync(raw.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_one(store: Store, fmt: DumpFormat, out_dir: Path, known_count: int | None) -> DumpInfo:
    """The dump of one format straight from the store (Store.dump)."""
    with _temp_file(out_dir, fmt) as (tmp, raw):
        n = _dump_gzip(store, fmt.key, raw, known_count)
    return _finish(tmp, out_dir / fmt.filename, fmt, n if n >= 0 else known_count)


# --- dumps from pieces --------------------------------------------------------------------------------------------

@dataclass
class _Plan:
    """What a dump of one snapshot is made of: every graph in order, each from its piece when it has one."""
    ox_store: object                      # the snapshot's pyoxigraph store
    graphs: list[str | None]              # None (the default graph) then the named graphs' IRIs in order
    pieces: dict[str, pieces_mod.Piece]   # graph IRI -> its piece (filled in as graphs without one are dumped)
    sources: dict[str, str]               # graph IRI -> its one source hash: the graphs that can have a piece
    pieces_home: Path | None              # the dumps folder whose pieces/ these are
    pieces_dir: Path | None = None        # its pieces/ folder: one Path shared by every Piece of the plan
    still_published: object = None        # () -> whether the snapshot is still the store's live generation
    digests: dict[str, str] = field(default_factory=dict)   # graph IRI -> digest of its piece as first read


def _plan(snap: Store, settings: Settings | None, pieces_home: Path | None) -> _Plan | None:
    """None when the store is not a pyoxigraph one (the remote store dumps itself, graph by graph)."""
    view = getattr(snap, "_view", None)
    ox_store = getattr(view(), "ox", None) if view else None
    if ox_store is None:
        return None
    named = sorted(g.value for g in ox_store.named_graphs() if isinstance(g, ox.NamedNode))
    found: dict[str, pieces_mod.Piece] = {}
    sources: dict[str, str] = {}
    if settings is not None and pieces_home is not None:
        build_g = ox.NamedNode(f"{settings.base_iri}graph/build")
        several: set[str] = set()
        for q in ox_store.quads_for_pattern(None, ox.NamedNode(SOURCE_HASH), None, build_g):
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.Literal):
                g = q.subject.value
                if g in sources:
                    several.add(g)
                sources[g] = q.object.value
        for g in several:
            del sources[g]
        found = pieces_mod.lookup(pieces_home, sources)
    return _Plan(ox_store, [None] + named, found, sources, pieces_home,
                 pieces_mod.folder(pieces_home) if pieces_home is not None else None)


def _graph(iri: str | None):
    return ox.NamedNode(iri) if iri is not None else ox.DefaultGraph()


class _GzipMember:
    """A writable that compresses what it is given into one gzip member on `raw` (close() ends the member), and
    passes the text on to `also` (line counting and hashing)."""

    def __init__(self, raw, also):
        self.raw, self.also = raw, also
        self.z = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)

    def write(self, data) -> int:
        data = bytes(data)
        self.also.write(data)
        self.raw.write(self.z.compress(data))
        return len(data)

    def flush(self):
        pass   # the member is complete only at close()

    def close(self):
        self.raw.write(self.z.flush())


class _Discard:
    def write(self, data) -> int:
        return len(data)

    def flush(self):
        pass


def _read_piece(plan: _Plan, iri: str | None) -> tuple[bytes, bytes] | None:
    """(gzip bytes, text) of the graph's N-Triples piece; None (and the piece dropped from the plan) when it is gone,
    damaged (not the count of lines its name says) or not the bytes an earlier step of this dump read (a build
    replaced it meanwhile): the graph is then read from the store."""
    piece = plan.pieces.get(iri)
    if piece is None:
        return None
    try:
        data = piece.path.read_bytes()
        text = zlib.decompress(data, 31)
    except (OSError, zlib.error):
        text = None
    if text is not None and text.count(b"\n") == piece.triples:
        d = pieces_mod.digest(data)
        if plan.digests.setdefault(iri, d) == d:
            return data, text
    del plan.pieces[iri]
    return None


def _union_from_pieces(plan: _Plan, raw) -> int | None:
    """The N-Triples union into `raw` as gzip members: a piece's bytes as they are, the other graphs compressed
    here. A report graph without a piece (a store built before pieces, or by another tool) gets one now, so the
    next dump finds it. Every line's hash is kept (LineHasher): returns the triple count, or None when two lines
    hashed alike (a triple in two graphs): the caller then writes the exact dump from the store (sort -u)."""
    hasher = LineHasher(_Discard())
    for iri in plan.graphs:
        had_piece = iri in plan.pieces   # and _read_piece refused it when it returns None (damaged or gone)
        piece = _read_piece(plan, iri)
        if piece is not None:
            raw.write(piece[0])
            hasher.write(piece[1])   # only to count and hash the lines
        elif iri in plan.sources:    # a report graph (~1,000 triples): read from the store, kept as a piece
            buf = io.BytesIO()
            plan.ox_store.dump(buf, ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(iri))
            text = buf.getvalue()
            data = pieces_mod.gzip_bytes(text)
            raw.write(data)
            hasher.write(text)
            n = text.count(b"\n")
            # only while the snapshot is the live generation: a build may have rewritten the graph since. A piece
            # a build saved meanwhile stays; a damaged one is replaced by what the store holds.
            if plan.still_published():
                path = pieces_mod.save_gzipped(plan.pieces_home, iri, plan.sources[iri], n, data, replace=had_piece)
                plan.pieces[iri] = pieces_mod.Piece(plan.pieces_dir, path.name, n)
                plan.digests[iri] = pieces_mod.digest(data)
        else:
            member = _GzipMember(raw, hasher)
            plan.ox_store.dump(member, ox.RdfFormat.N_TRIPLES, from_graph=_graph(iri))
            member.close()
    repeats = hasher.has_repeats()
    hasher.close()
    return None if repeats else hasher.lines


class _AddGraph:
    """Turns N-Triples text into N-Quads of graph `iri` on the way to `out`: the graph name goes before each line's
    final " ." (N-Triples escapes newlines in literals, so every line ends " .\n"). Lines may arrive split."""

    def __init__(self, out, iri: str):
        self.out, self.suffix, self.tail = out, b" <" + iri.encode() + b"> .\n", b""

    def write(self, data) -> int:
        chunk = self.tail + bytes(data)
        cut = chunk.rfind(b"\n") + 1
        self.tail = chunk[cut:]
        if cut:
            self.out.write(chunk[:cut].replace(b" .\n", self.suffix))
        return len(data)

    def flush(self):
        pass


def _nquads_from_pieces(plan: _Plan, out) -> int:
    """N-Quads into `out` (gzip's stdin): each graph's N-Triples, from its piece or the store, with its graph name
    added to every line (_AddGraph)."""
    sink = LineCounter(out)
    for iri in plan.graphs:
        target = _AddGraph(sink, iri) if iri is not None else sink
        piece = _read_piece(plan, iri)
        if piece is not None:
            target.write(piece[1])
        else:
            plan.ox_store.dump(target, ox.RdfFormat.N_TRIPLES, from_graph=_graph(iri))
    return sink.lines


def _reserialize(union_nt_gz: Path, raw, rdf_format) -> int:
    """Turtle or JSON-LD of the exact N-Triples union just written (the same snapshot), gzipped into `raw`."""
    with gzip.open(union_nt_gz, "rb") as src, _gzip_pipe(raw) as out:
        triples = _Counted(ox.parse(src, format=ox.RdfFormat.N_TRIPLES))
        ox.serialize(triples, out, rdf_format)
    return triples.n


class _Unbracket:
    """Passes JSON text through without its outer [ ]: pyoxigraph writes a graph as one JSON-LD array of node
    objects, and the dump splices those of every graph into one array."""

    def __init__(self, out):
        self.out, self.started, self.held = out, False, b""

    def write(self, data) -> int:
        data = bytes(data)
        n = len(data)
        if not self.started:
            data = data.lstrip()
            if not data:
                return n
            data, self.started = data[1:], True   # the opening [
        data = self.held + data
        cut = len(data.rstrip())
        cut = max(cut - 1, 0)                      # hold back what may be the closing ] (and spaces after it)
        self.out.write(data[:cut])
        self.held = data[cut:]
        return n

    def flush(self):
        pass


def _serialize_graph(nt: IO[bytes], out, kind: str) -> None:
    """N-Triples of one graph re-serialised as Turtle, or as JSON-LD node objects without the array's brackets."""
    triples = ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)
    if kind == "ttl":
        ox.serialize(triples, out, ox.RdfFormat.TURTLE)
    else:
        ox.serialize(triples, _Unbracket(out), ox.RdfFormat.JSON_LD)


def _serialized_from_pieces(plan: _Plan, raw, kind: str) -> None:
    """Turtle (kind "ttl") or JSON-LD ("jsonld") graph after graph as gzip members, once the N-Triples union showed
    no triple in two graphs (so the graphs' serialisations together are the union): a report graph's from its piece
    of that kind, made from its N-Triples piece the first time and kept; the other graphs' from the store. Turtle
    documents concatenate into one; JSON-LD graphs are spliced into one array."""
    comma = pieces_mod.gzip_bytes(b",")
    first = True
    if kind == "jsonld":
        raw.write(pieces_mod.gzip_bytes(b"["))
    for iri in plan.graphs:
        piece = plan.pieces.get(iri)
        data = None
        if piece is not None and iri in plan.digests:   # the N-Triples piece the union was made of
            if piece.triples == 0:
                continue
            path = piece.derived(kind, plan.digests[iri])
            try:
                data = path.read_bytes()
            except FileNotFoundError:
                got = _read_piece(plan, iri)
                if got is not None:
                    body = io.BytesIO()
                    _serialize_graph(io.BytesIO(got[1]), body, kind)
                    data = pieces_mod.gzip_bytes(body.getvalue())
                    pieces_mod.write_file(path, data, replace=False)
        if data is not None:
            if kind == "jsonld" and not first:
                raw.write(comma)
            raw.write(data)
            first = False
            continue
        with tempfile.TemporaryFile() as nt:   # a graph without a piece, read from the store in bounded memory
            sink = LineCounter(nt)
            plan.ox_store.dump(sink, ox.RdfFormat.N_TRIPLES, from_graph=_graph(iri))
            if not sink.lines:
                continue
            nt.seek(0)
            if kind == "jsonld" and not first:
                raw.write(comma)
            member = _GzipMember(raw, _Discard())
            _serialize_graph(nt, member, kind)
            member.close()
            first = False
    if kind == "jsonld":
        raw.write(pieces_mod.gzip_bytes(b"]"))


def _union(snap: Store, plan: _Plan, raw) -> tuple[int, bool]:
    """The N-Triples union into `raw`: (triple count, whether no triple is in two graphs)."""
    n = _union_from_pieces(plan, raw)
    if n is not None:
        return n, True
    raw.seek(0)   # a triple in two graphs: the exact (sorted, unique) union from the store
    raw.truncate()
    return _dump_gzip(snap, "ntriples", raw, None), False


def _write_from_plan(snap: Store, plan: _Plan, wanted: list[DumpFormat], out: Path) -> list[DumpInfo]:
    by_key = {f.key: f for f in wanted}
    infos: list[DumpInfo] = []
    union_path: Path | None = None   # the N-Triples union (the dump, or a temporary file)
    union_count = 0
    disjoint = False                 # no triple in two graphs: Turtle and JSON-LD can be made graph by graph
    scratch: Path | None = None
    try:
        if by_key.keys() & {"ntriples", "turtle", "jsonld"}:
            nt = FORMATS[0]
            if "ntriples" in by_key:
                with _temp_file(out, nt) as (tmp, raw):
                    union_count, disjoint = _union(snap, plan, raw)
                info = _finish(tmp, out / nt.filename, nt, union_count)
                infos.append(info)
                union_path = Path(info.path)
            else:   # only for Turtle or JSON-LD
                union_path = scratch = out / f".union.nt.gz.tmp-{os.getpid()}"
                with open(scratch, "wb") as raw:
                    union_count, disjoint = _union(snap, plan, raw)
        for fmt in FORMATS[1:]:
            if fmt.key not in by_key:
                continue
            with _temp_file(out, fmt) as (tmp, raw):
                if fmt.key == "nquads":
                    with _gzip_pipe(raw) as gz:
                        n = _nquads_from_pieces(plan, gz)
                elif disjoint:
                    _serialized_from_pieces(plan, raw, "ttl" if fmt.key == "turtle" else "jsonld")
                    n = union_count
                else:
                    n = _reserialize(union_path, raw, DUMP_FORMATS[fmt.key])
            infos.append(_finish(tmp, out / fmt.filename, fmt, n))
    finally:
        if scratch is not None:
            scratch.unlink(missing_ok=True)
    return infos


def write_dumps(store: Store, out_dir: str | os.PathLike, settings: Settings | None = None,
                formats: list[str] | None = None, pieces_home: str | os.PathLike | None = None) -> list[DumpInfo]:
    """Write every dump (or those named in `formats`) and the manifest; return what was written.

    Report graphs come from their pieces (kg.publish.pieces) kept under `pieces_home` (a dumps folder; default
    settings.dumps_dir) when they match the store, the rest from the store; pieces of graphs no longer published
    are deleted afterwards. Without settings (no base IRI to find graph/build) everything comes from the store."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if pieces_home is None and settings is not None:
        pieces_home = settings.dumps_dir
    wanted = [f for f in FORMATS if not formats or f.key in formats]
    started = time.time()   # pieces older than this that the snapshot does not use are of older generations
    snap = store.snapshot()
    generation = snap.generation()
    try:
        plan = _plan(snap, settings, Path(pieces_home) if pieces_home else None)
        if plan is not None:
            plan.still_published = lambda: store.generation() == generation
            infos = _write_from_plan(snap, plan, wanted, out)
        else:
            infos = []
            union_count = None   # the triple formats hold the same triples: count them once
            for fmt in wanted:
                info = _write_one(snap, fmt, out, None if fmt.dataset else union_count)
                if not fmt.dataset and union_count is None:
                    union_count = info.triples
                infos.append(info)
    finally:
        if snap is not store:
            snap.close()
    manifest = {"generation": generation, "base_iri": settings.base_iri if settings else None,
                "dumps": [i.to_json() for i in infos]}
    tmp = out / f".{MANIFEST}.tmp-{os.getpid()}"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    os.replace(tmp, out / MANIFEST)
    if plan is not None and plan.pieces_home is not None:
        # the N-Triples pieces this dump read, which keep the Turtle/JSON-LD made from their bytes (a dump of some
        # formats only keeps the others)
        keep = {p.name: plan.digests[g] for g, p in plan.pieces.items() if g in plan.digests}
        pieces_mod.collect_garbage(plan.pieces_home, keep, older_than=started)
    return infos


@lru_cache(maxsize=64)
def _warn_once(message: str) -> None:
    """Logged once per process: the web tier reads the manifest on every request of the dumps and descriptions."""
    logging.getLogger(__name__).warning(message)


def read_manifest(out_dir: str | os.PathLike, base_iri: str | None = None) -> list[DumpInfo]:
    """The dumps last written to out_dir (empty when none): what the web tier lists and the catalog describes.
    With `base_iri`, dumps written from a store of another base are none: never another dataset's files."""
    try:
        doc = json.loads((Path(out_dir) / MANIFEST).read_text())
    except FileNotFoundError:
        return []
    if base_iri is not None and doc.get("base_iri") not in (None, base_iri):
        _warn_once(f"{Path(out_dir) / MANIFEST}: dumps of {doc.get('base_iri')}, not of this dataset ({base_iri}): "
                   "not listed")
        return []
    return [DumpInfo(**d) for d in doc.get("dumps", [])]
