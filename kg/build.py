"""kg build: files -> read -> extract -> map -> validate -> store, one named graph per report.

Reports are processed in parallel worker processes; each worker returns plain N-Triples text, so nothing
heavy crosses the process boundary. The parent owns the store and writes in transactions: a report is either
fully in or fully out, and a crash leaves the last committed state.

Incremental: the sha256 of each file's bytes (with the extractor version) is kept in graph/build; an unchanged
file is skipped, a changed one replaces its graph, and a file that was built before but is gone is withdrawn.
A report that fails SHACL is quarantined with its validation report; what was published before stays.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from kg import __version__
from kg.config import Settings

SUPPORTED = {".txt", ".html", ".htm", ".shtml", ".docx", ".pdf"}
EXIT_OK, EXIT_FATAL, EXIT_UNREADABLE, EXIT_REJECTED = 0, 1, 2, 4   # unreadable and rejected add up (6)
COMMIT_EVERY = 500   # reports per transaction: a killed build loses at most one batch of work, never consistency


def graph_iri(settings: Settings, name: str) -> str:
    return f"{settings.base_iri}graph/{name}"


@dataclass
class Outcome:
    path: str
    status: str                 # accepted | rejected | unreadable | skipped
    message: str = ""
    file_hash: str = ""
    graph: str = ""
    report_nt: str = ""         # N-Triples of the report graph
    entities_nt: str = ""       # N-Triples of the shared-node descriptions
    validation: str = ""        # readable SHACL report when rejected


@dataclass
class Summary:
    accepted: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return (EXIT_UNREADABLE if self.unreadable else 0) | (EXIT_REJECTED if self.rejected else 0)

    def line(self) -> str:
        rate = len(self.accepted) / self.seconds if self.seconds else 0.0
        return (f"{len(self.accepted)} accepted, {len(self.rejected)} rejected, {len(self.unreadable)} unreadable, "
                f"{len(self.skipped)} unchanged, {len(self.withdrawn)} withdrawn in {self.seconds:.1f} s "
                f"({rate:.1f} reports/s)")


def find_reports(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED)
        elif p.exists():
            files.append(p)
        else:
            raise FileNotFoundError(f"{p}: no such file or folder")
    return files


def file_hash(path: Path) -> str:
    h = hashlib.sha256(f"govkg-{__version__}\n".encode())
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def process_file(path: str, settings: Settings) -> Outcome:
    """Worker: everything for one file, returning plain text. Never raises for bad input."""
    from kg.extract import extract
    from kg.rdf.mapping import map_extraction
    from kg.source import read
    from kg.source.model import SourceError
    from kg.validate import validate

    out = Outcome(path=path, status="unreadable")
    try:
        out.file_hash = file_hash(Path(path))
        src = read(path)
    except SourceError as exc:
        out.message = str(exc)
        return out
    except OSError as exc:
        out.message = f"{path}: cannot read: {exc.strerror or exc}"
        return out
    ex = extract(src)
    rg = map_extraction(ex, settings, source_name=Path(path).name)
    out.graph = rg.graph_iri
    v = validate([rg.report, rg.entities])
    if not v.conforms:
        out.status, out.validation = "rejected", v.text
        out.message = f"{path}: fails SHACL validation ({len(v.results)} violations)"
        return out
    out.status = "accepted"
    out.report_nt = rg.report.serialize(format="nt")
    out.entities_nt = rg.entities.serialize(format="nt")
    return out


def _triples(nt: str):
    g = Graph()
    g.parse(data=nt, format="nt")
    return list(g)


def _previous_builds(store, settings: Settings) -> dict[str, tuple[str, str]]:
    """source path -> (file hash, graph IRI) of what is in the store now."""
    q = f"""PREFIX gk: <https://w3id.org/govkg/def#>
SELECT ?g ?path ?hash WHERE {{ GRAPH <{graph_iri(settings, 'build')}> {{ ?g gk:sourcePath ?path ; gk:sourceHash ?hash }} }}"""
    return {str(r["path"]): (str(r["hash"]), str(r["g"])) for r in store.query(q).rows}


def _build_record(graph: str, path: str, fhash: str):
    from kg.rdf.namespaces import GK
    g = URIRef(graph)
    return [(g, GK.sourcePath, Literal(path)), (g, GK.sourceHash, Literal(fhash))]


def _quarantine(o: Outcome, settings: Settings) -> None:
    q = settings.quarantine_dir
    q.mkdir(parents=True, exist_ok=True)
    name = Path(o.path).name
    shutil.copyfile(o.path, q / name)
    (q / (name + ".validation.txt")).write_text(o.validation, encoding="utf-8")


ORPHANS = """PREFIX gk: <https://w3id.org/govkg/def#>
DELETE {{ GRAPH <{entities}> {{ ?e ?p ?o }} }}
WHERE {{ GRAPH <{entities}> {{ ?e ?p ?o }}
  FILTER NOT EXISTS {{ GRAPH ?g {{ ?x ?q ?e }} FILTER(?g != <{entities}> && ?g != <{ontology}>) }}
  FILTER NOT EXISTS {{ GRAPH <{entities}> {{ ?a gk:region ?e }} }} }}"""


def build(paths: list[str], store, settings: Settings, *, jobs: int | None = None, full: bool = False,
          progress: bool = True, log=print) -> Summary:
    from tqdm import tqdm

    from kg.rdf.ontology import ontology_graph

    t0 = time.monotonic()
    summary = Summary()
    files = find_reports(paths)
    previous = {} if full else _previous_builds(store, settings)
    build_g, entities_g, ontology_g = (graph_iri(settings, n) for n in ("build", "entities", "ontology"))

    todo: list[str] = []
    for f in files:
        key = str(f)
        if key in previous and previous[key][0] == file_hash(f):
            summary.skipped.append(key)
        else:
            todo.append(key)
    # Withdraw reports whose file was built from one of these roots before and is gone now.
    roots = [str(Path(p)) for p in paths]
    present = {str(f) for f in files}
    gone = [(p, g) for p, (_, g) in previous.items()
            if p not in present and any(p == r or p.startswith(r.rstrip("/") + "/") for r in roots)]

    jobs = jobs or max(1, min(os.cpu_count() or 1, 8))
    outcomes = []
    bar = tqdm(total=len(todo), unit="report", desc="build", disable=not progress, file=sys.stderr)
    with store.transaction() as tx:  # the ontology and withdrawals go with the first batch
        tx.replace_graph(ontology_g, list(ontology_graph()))
        for p, g in gone:
            tx.remove_graph(g)
            tx.update(f"DELETE WHERE {{ GRAPH <{build_g}> {{ <{g}> ?p ?o }} }}")
            summary.withdrawn.append(p)

    def commit(batch: list[Outcome]):
        with store.transaction() as tx:
            for o in batch:
                if o.status != "accepted":
                    continue
                tx.replace_graph(o.graph, _triples(o.report_nt))
                tx.add(entities_g, _triples(o.entities_nt))
                tx.update(f"DELETE WHERE {{ GRAPH <{build_g}> {{ <{o.graph}> ?p ?o }} }}")
                tx.add(build_g, _build_record(o.graph, o.path, o.file_hash))
            if summary.withdrawn or any(o.status == "accepted" and o.path in previous for o in batch):
                tx.update(ORPHANS.format(entities=entities_g, ontology=ontology_g))

    batch: list[Outcome] = []
    if jobs == 1 or len(todo) < 4:
        results = (process_file(p, settings) for p in todo)
        pool = None
    else:
        pool = ProcessPoolExecutor(max_workers=jobs)
        results = pool.map(process_file, todo, [settings] * len(todo), chunksize=8)
    try:
        for o in results:
            bar.update(1)
            if o.status == "accepted":
                summary.accepted.append(o.path)
                batch.append(o)
            elif o.status == "rejected":
                summary.rejected.append(o.path)
                _quarantine(o, settings)
                bar.write(f"rejected: {o.message}; report in {settings.quarantine_dir}", file=sys.stderr)
            else:
                summary.unreadable.append(o.path)
                bar.write(f"error: {o.message}", file=sys.stderr)
            if len(batch) >= COMMIT_EVERY:
                commit(batch)
                batch = []
        if batch:
            commit(batch)
        elif summary.withdrawn:
            commit([])
    finally:
        bar.close()
        if pool:
            pool.shutdown(cancel_futures=True)
    summary.seconds = time.monotonic() - t0
    return summary
