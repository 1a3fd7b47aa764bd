"""Dumps of the whole dataset: N-Triples, N-Quads, Turtle and JSON-LD, gzip-compressed, with checksums.

Everything streams: the store serialises (in Rust for Oxigraph) into a gzip(1) process (`gzip -3 -n`), which
compresses on another core while the store decodes, so memory stays constant whatever the size of the dataset;
without gzip(1) Python's zlib does it in process at the same level. Each file is written under a temporary name and
renamed into place, and the manifest (dumps.json) last, so a reader never sees a half-written dump or a manifest
that names files that are not there yet. All four files come from one snapshot of the store.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from kg.config import Settings
from kg.store.base import Store
from kg.store.oxicore import pipe_process

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


def _dump_gzip(store: Store, key: str, raw, known_count: int | None) -> int:
    """store.dump into `raw` (an open file) through gzip(1) at GZIP_LEVEL, or Python's zlib when there is none.
    Both write no name and no time stamp: the same data gives the same bytes on every run (with the same gzip)."""
    gz_bin = shutil.which("gzip")
    if gz_bin is None:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=GZIP_LEVEL, mtime=0) as gz:
            return store.dump(gz, key, count=known_count is None)
    with pipe_process([gz_bin, f"-{GZIP_LEVEL}", "-n", "-c"], "gzip", OSError,
                      stdin=subprocess.PIPE, stdout=raw) as proc:
        n = store.dump(proc.stdin, key, count=known_count is None)
    return n


def _write_one(store: Store, fmt: DumpFormat, out_dir: Path, known_count: int | None) -> DumpInfo:
    final = out_dir / fmt.filename
    tmp = out_dir / f".{fmt.filename}.tmp-{os.getpid()}"
    try:
        with open(tmp, "wb") as raw:
            n = _dump_gzip(store, fmt.key, raw, known_count)
            raw.flush()
            os.fsync(raw.fileno())
        sha256, size = _sha256_file(tmp)   # from the page cache: ~0.05 s for 30 MB
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    count = n if n >= 0 else known_count
    return DumpInfo(name=fmt.filename, path=str(final), format=fmt.key, label=fmt.label,
                    media_type=fmt.media_type, encoding="gzip", size=size,
                    sha256=sha256, triples=count,
                    modified=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
                    eu_file_type=fmt.eu_file_type)


def write_dumps(store: Store, out_dir: str | os.PathLike, settings: Settings | None = None,
                formats: list[str] | None = None) -> list[DumpInfo]:
    """Write every dump (or those named in `formats`) and the manifest; return what was written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    snap = store.snapshot()
    try:
        infos: list[DumpInfo] = []
        union_count = None   # the triple formats hold the same triples: count them once (N-Triples, by lines)
        for fmt in FORMATS:
            if formats and fmt.key not in formats:
                continue
            info = _write_one(snap, fmt, out, None if fmt.dataset else union_count)
            if not fmt.dataset and union_count is None:
                union_count = info.triples
            infos.append(info)
        generation = snap.generation()
    finally:
        if snap is not store:
            snap.close()
    manifest = {"generation": generation, "base_iri": settings.base_iri if settings else None,
                "dumps": [i.to_json() for i in infos]}
    tmp = out / f".{MANIFEST}.tmp-{os.getpid()}"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    os.replace(tmp, out / MANIFEST)
    return infos


def read_manifest(out_dir: str | os.PathLike) -> list[DumpInfo]:
    """The dumps last written to out_dir (empty when none): what the web tier lists and the catalog describes."""
    try:
        doc = json.loads((Path(out_dir) / MANIFEST).read_text())
    except FileNotFoundError:
        return []
    return [DumpInfo(**d) for d in doc.get("dumps", [])]
