"""Dumps of the whole dataset: N-Triples, N-Quads, Turtle and JSON-LD, gzip-compressed, with checksums.

Everything streams: the store serialises (in Rust for Oxigraph) into a gzip stream that writes through a hashing
file, so memory stays constant whatever the size of the dataset. Each file is written under a temporary name and
renamed into place, and the manifest (dumps.json) last, so a reader never sees a half-written dump or a manifest
that names files that are not there yet. All four files come from one snapshot of the store.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from kg.config import Settings
from kg.store.base import Store

MANIFEST = "dumps.json"
GZIP_LEVEL = 5   # level 6 halves throughput for 10 % smaller files on N-Triples; 5 keeps the store the bottleneck


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


class _HashingFile:
    """Write-through file wrapper that hashes and counts the (compressed) bytes."""

    def __init__(self, raw):
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self.raw.write(data)

    def flush(self):
        self.raw.flush()


def _write_one(store: Store, fmt: DumpFormat, out_dir: Path, known_count: int | None) -> DumpInfo:
    final = out_dir / fmt.filename
    tmp = out_dir / f".{fmt.filename}.tmp-{os.getpid()}"
    try:
        with open(tmp, "wb") as raw:
            hashed = _HashingFile(raw)
            # mtime=0: the same data gives the same bytes (and checksum) on every run
            with gzip.GzipFile(filename="", mode="wb", fileobj=hashed, compresslevel=GZIP_LEVEL, mtime=0) as gz:
                n = store.dump(gz, fmt.key, count=known_count is None)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    count = n if n >= 0 else known_count
    return DumpInfo(name=fmt.filename, path=str(final), format=fmt.key, label=fmt.label,
                    media_type=fmt.media_type, encoding="gzip", size=hashed.size,
                    sha256=hashed.sha256.hexdigest(), triples=count,
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
