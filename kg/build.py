"""kg build: files -> read -> extract -> map -> validate -> store, one named graph per report.

Reports are processed in parallel worker processes, a chunk of files per task; a worker maps its chunk and
validates it in one pySHACL run (kg.validate.validate_many: the same verdicts as report by report) and returns
plain N-Triples text, so nothing heavy crosses the process boundary. A handful of files is processed in process.
The parent owns the store and writes in transactions: a report is either fully in or fully out, and a crash leaves
the last committed state.

Incremental: the sha256 of each file's bytes (with the extractor version) is kept in graph/build; an unchanged
file is skipped (kg.build_records: a file whose stamp did not change is not even read), a changed one replaces
its graph, and a file that was built before but is gone is withdrawn.
A report that fails SHACL is quarantined with its validation report; what was published before stays.
A build that changes nothing writes nothing (no new store generation); the ontology graph is rewritten only when
it differs from ontology/. Entity descriptions left without any report pointing at them are dropped: after a
small rebuild only those the replaced or withdrawn graphs pointed at are checked, after a large one (or --full)
all of them (and after any withdrawal).
"""
from __future__ import annotations

import gc
import hashlib
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef

from kg.build_records import BuildRecords, file_hash, file_stamp
from kg.config import Settings
from kg.rdf.namespaces import GK

SUPPORTED = {".txt", ".html", ".htm", ".shtml", ".docx", ".pdf"}
EXIT_OK, EXIT_FATAL, EXIT_UNREADABLE, EXIT_REJECTED = 0, 1, 2, 4   # unreadable and rejected add up (6)
# Reports per transaction: a killed build loses at most one batch of work, never consistency.
COMMIT_EVERY = int(os.environ.get("GOVKG_COMMIT_EVERY", "500") or 500)
# After a build that wrote or withdrew at least this many reports, the server's per-generation values (the hub
# pages, the quad and graph counts) are computed and saved by the build too, so a server started after it only
# loads them (at 50,000: the most-cited law's page 9 ms on its first request, not 1.2 s; bench/results/
# page-speed-50000-first-serve-session9.md). Their cost is mostly fixed (per hub): 9.6 s of a 10,000-report build
# (7 %), 3.2 s of a 1,000-report one (23 %), so smaller builds, and a one-report rebuild above all, leave them to
# the running server's warm thread.
PRECOMPUTE_MIN_REPORTS = int(os.environ.get("GOVKG_PRECOMPUTE_MIN_REPORTS", "2000") or 2000)


def graph_iri(settings: Settings, name: str) -> str:
    return f"{settings.base_iri}graph/{name}"


class BuildError(Exception):
    """A build that must not start, said in one line a user can act on."""


# Build records kept under another base IRI: their graph is named <base>graph/build like ours.
OTHER_BASE_QUERY = f"""PREFIX gk: <{GK}>
SELECT ?g WHERE {{{{
  GRAPH ?g {{{{ ?report gk:sourcePath ?path }}}} FILTER(STRENDS(STR(?g), "/graph/build") && ?g != <{{build}}>)
}}}} LIMIT 1"""


def _check_base(store, settings: Settings, build_g: str) -> None:
    """Refuse to build into a store built under another base IRI: its records would not be found under this one,
    so every report would be published a second time under new IRIs beside the old ones."""
    found = store.query(OTHER_BASE_QUERY.format(build=build_g)).rows
    if found:
        other = str(found[0]["g"])[:-len("graph/build")]
        raise BuildError(f"the store {settings.store} holds reports published under the base IRI {other}, and this "
                         f"build mints IRIs under {settings.base_iri}: build into a new store (--store "
                         f"oxigraph:PATH), or set GOVKG_BASE_IRI (or --base) to {other}")


@dataclass
class Outcome:
    path: str
    status: str                 # accepted | rejected | unreadable | skipped
    message: str = ""
    file_hash: str = ""
    file_stamp: list[int] | None = None   # file_stamp() taken before the file was read (kg.build_records)
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


def root_token(root: str) -> str:
    """What build records call a folder or file named on the command line: a digest of its absolute path, so the
    server's directory layout is not published with the data (graph/build is in the store, and so in /sparql)."""
    return "root-" + hashlib.sha256(os.path.abspath(root).encode("utf-8", "surrogateescape")).hexdigest()[:16]


def find_reports(paths: list[str]) -> dict[str, str]:
    """The report files named or found under the folders named: {path: record key}, the key being the root's token
    and the path below it (root-1f…/2024/a.txt; a file named itself: its token alone)."""
    files: dict[str, str] = {}
    for p in map(Path, paths):
        token = root_token(str(p))
        if p.is_dir():
            # os.walk reads the file types from the directory entries: no stat per file (seconds at 50,000)
            found = [os.path.join(root, name) for root, _dirs, names in os.walk(p) for name in names
                     if os.path.splitext(name)[1].lower() in SUPPORTED]
            base = len(str(p).rstrip(os.sep)) + 1
            for f in sorted(found):
                files.setdefault(f, token + "/" + f[base:].replace(os.sep, "/"))
        elif p.exists():
            files.setdefault(str(p), token)
        else:
            raise FileNotFoundError(f"{p}: no such file or folder")
    return files


# Reports a worker maps before validating them together in one pySHACL run (kg.validate.validate_many): pySHACL's
# fixed cost per run is paid once per batch instead of once per report.
VALIDATE_BATCH = int(os.environ.get("GOVKG_VALIDATE_BATCH", "32") or 32)


def process_file(path: str, settings: Settings) -> Outcome:
    """Worker: everything for one file, returning plain text. Never raises for bad input: an unreadable file and
    an unexpected failure of extraction or mapping on it both come back as an "unreadable" outcome whose message
    names the file and the problem in one line."""
    return process_files([path], settings)[0]


def process_files(paths: list[str], settings: Settings) -> list[Outcome]:
    """Worker: process_file() of each path, in order, with the same outcomes; the mapped reports are validated
    together (see VALIDATE_BATCH)."""
    from kg.validate import validate_many

    outs: list[Outcome] = []
    pending: list[tuple[Outcome, object]] = []   # (outcome, ReportGraphs) mapped, waiting for validation
    for path in paths:
        out, rg = _read_map(path, settings)
        outs.append(out)
        if rg is not None:
            pending.append((out, rg))
    if not pending:
        return outs
    parts = [[rg.report_triples(), rg.entity_triples()] for _, rg in pending]
    try:
        verdicts = validate_many(parts)
    except Exception:  # noqa: BLE001 -- one report's strange data must cost that report, not its batch
        verdicts = [None] * len(pending)
    for (out, rg), v in zip(pending, verdicts):
        try:
            _finish(out, rg, v)
        except Exception as exc:  # a bug on strange input must cost one file, not the build
            _failed(out, exc)
    return outs


def _failed(out: Outcome, exc: Exception) -> Outcome:
    detail = " ".join(str(exc).split())[:200]
    out.status = "unreadable"
    out.message = f"{out.path}: cannot process ({type(exc).__name__}{': ' + detail if detail else ''})"
    return out


def _read_map(path: str, settings: Settings):
    """(outcome, ReportGraphs), or (an "unreadable" outcome, None)."""
    from kg.source import read
    from kg.source.model import SourceError

    out = Outcome(path=path, status="unreadable")
    try:
        out.file_stamp = file_stamp(path)
        src = read(path)                       # checks the size limit before reading anything
        out.file_hash = file_hash(Path(path))  # after read(): a 200 MB file is refused without hashing it
    except SourceError as exc:
        out.message = str(exc)
        return out, None
    except OSError as exc:
        out.message = f"{path}: cannot read: {exc.strerror or exc}"
        return out, None
    try:
        from kg.extract import extract
        from kg.rdf import mapping

        ex = extract(src)
        rg = mapping.map_extraction(ex, settings, source_name=Path(path).name)
        out.graph = str(rg.graph_iri)
        return out, rg
    except Exception as exc:  # a bug on strange input must cost one file, not the build
        return _failed(out, exc), None


def _finish(out: Outcome, rg, v) -> Outcome:
    from kg.validate import validate
    if v is None:
        v = validate([rg.report_triples(), rg.entity_triples()])
    if not v.conforms:
        out.status, out.validation = "rejected", v.text
        out.message = f"{out.path}: fails SHACL validation ({len(v.results)} violations)"
        return out
    out.report_nt, out.entities_nt = rg.ntriples()
    out.status = "accepted"
    return out


def _warm() -> None:
    """Import the pipeline and compile the shapes once, before worker processes are forked from this one (they
    inherit it all instead of each paying for it)."""
    import kg.extract  # noqa: F401
    import kg.rdf.mapping  # noqa: F401
    import kg.source  # noqa: F401
    from kg import validate as v
    try:
        engine = v.default_engine()
        if engine == "fast":
            v._fast_shapes()
        elif engine in v.ENGINES:
            v._pyshacl_shapes(engine == "pyshacl")
            v._shapes_facts()
            import pyshacl  # noqa: F401
    except Exception:  # noqa: BLE001 -- a broken shapes file is reported per report by validate()
        pass


# Python's cyclic garbage collector during a build: a young-generation collection every 20,000 container objects
# instead of 700. Extraction, mapping and pySHACL allocate hundreds of thousands of short-lived dicts, tuples and
# lists per batch, nearly all freed by reference counting; with the default the collector ran thousands of times
# per batch and its older generations kept walking the imported pipeline (rdflib, pySHACL, the gazetteers).
# Measured alternately in one worker (bench/build_stages.py --gc, bench/results/build-gc.md): 21.1 -> 16.7 ms CPU
# per report.
BUILD_GC_THRESHOLD = (20_000, 20, 20)


@contextmanager
def _build_gc():
    """The collector settings of a build, restored after it. gc.freeze() moves everything alive now (the warmed-up
    pipeline) out of the collector's sight: the collections of this process and of the workers forked from it
    (which inherit it) never walk those objects again, and the workers' copy-on-write pages stay shared."""
    old, frozen_by_caller = gc.get_threshold(), gc.get_freeze_count() > 0
    gc.freeze()
    gc.set_threshold(*BUILD_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*old)
        if not frozen_by_caller:   # unfreeze() would release the caller's frozen objects too
            gc.unfreeze()


def _build_record(graph: str, key: str, fhash: str):
    g = URIRef(graph)
    return [(g, GK.sourcePath, Literal(key)), (g, GK.sourceHash, Literal(fhash))]


def _quarantine(o: Outcome, settings: Settings) -> None:
    q = settings.quarantine_dir
    q.mkdir(parents=True, exist_ok=True)
    name = Path(o.path).name
    shutil.copyfile(o.path, q / name)
    (q / (name + ".validation.txt")).write_text(o.validation, encoding="utf-8")


# No PREFIX: the in-memory store joins a transaction's updates with ";", after which pyoxigraph refuses one.
ORPHANS = """DELETE {{ GRAPH <{entities}> {{ ?e ?p ?o }} }}
WHERE {{ {values}GRAPH <{entities}> {{ ?e ?p ?o }}
  FILTER NOT EXISTS {{ GRAPH ?g {{ ?x ?q ?e }} FILTER(?g != <{entities}> && ?g != <{ontology}>) }}
  FILTER NOT EXISTS {{ GRAPH <{entities}> {{ ?a <https://w3id.org/govkg/def#region> ?e }} }} }}"""
# Past this many report graphs replaced or withdrawn in one commit, the orphan check scans every entity (as one
# query) instead of only those the old graphs pointed at.
ORPHAN_SCAN_OVER = 64


def _referenced(store, graphs: list[str]) -> set[str]:
    """IRIs the given graphs (as committed now) point at: the entities that may lose their last reference."""
    out: set[str] = set()
    for k in range(0, len(graphs), 16):
        values = " ".join(f"<{g}>" for g in graphs[k:k + 16])
        r = store.query(f"SELECT DISTINCT ?e WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?x ?q ?e }} FILTER(isIRI(?e)) }}")
        out.update(str(row["e"]) for row in r.rows if "e" in row)
    return out


def _ontology_stored(store, ontology_g: str, triples: list) -> bool:
    """Whether graph/ontology holds exactly these triples already (then it need not be written again)."""
    from rdflib import BNode
    if any(isinstance(t, BNode) for triple in triples for t in triple):
        return False      # blank nodes get new names on every parse: cannot compare, write it
    try:
        r = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{ontology_g}> {{ ?s ?p ?o }} }}")
    except Exception:  # noqa: BLE001 -- when in doubt, write it
        return False
    if r.truncated or len(r.rows) != len(triples):
        return False
    return {(row.get("s"), row.get("p"), row.get("o")) for row in r.rows} == set(triples)


def build(paths: list[str], store, settings: Settings, *, jobs: int | None = None, full: bool = False,
          progress: bool = True, log=print) -> Summary:
    from tqdm import tqdm

    from kg.rdf.ontology import ontology_graph

    t0 = time.monotonic()
    summary = Summary()
    files = find_reports(paths)
    build_g, entities_g, ontology_g = (graph_iri(settings, n) for n in ("build", "entities", "ontology"))
    records = BuildRecords.read(store, build_g)   # also with --full: withdrawals and stale graphs need them
    previous = records.by_key()
    if not previous:
        _check_base(store, settings, build_g)

    todo: list[str] = []
    kept: dict[str, list[tuple[str, str]]] = {}   # graph -> (record key, hash) of unchanged files recorded on it
    for path, key in files.items():
        try:
            h = None
            if not full and key in previous:
                hashes = previous[key][0]
                h = records.hash(path, key, next(iter(hashes)) if len(hashes) == 1 else None)
        except OSError:
            h = None          # gone or unreadable since it was listed: the worker reports it
        if h is not None and h in previous[key][0]:
            summary.skipped.append(path)
            kept.setdefault(previous[key][1][0], []).append((key, h))
        else:
            todo.append(path)
    # Withdraw reports whose file was built from one of these roots before and is gone now.
    roots = {root_token(p): p for p in paths}
    legacy = [str(Path(p)).rstrip("/") for p in paths]   # records before 0.1.1 name a file by its path

    def under_roots(k: str) -> bool:
        if k.startswith("root-"):
            return k.partition("/")[0] in roots
        return any(k == r or k.startswith(r + "/") for r in legacy)

    present = set(files.values()) | set(files)   # keys, and paths for the records written before keys
    gone = [(k, g) for k, (_, graphs) in previous.items() for g in graphs if k not in present and under_roots(k)]

    before = store.generation()
    # the citation index of the state this build starts from, to update rather than recompute (see the end)
    old_citations = _saved_citations(store, before) if todo or gone else None
    jobs = jobs or max(1, min(os.cpu_count() or 1, 8))
    bar = tqdm(total=len(todo), unit="report", desc="build", disable=not progress, file=sys.stderr)

    def forget(tx, g: str):
        # Not a SPARQL update: that would make the store write every report waiting for the transaction's bulk
        # load first, one report at a time.
        if g in records.graphs:    # a graph never recorded has no records to delete
            tx.remove_subject(build_g, g)
            records.forget(g)

    def record(tx, g: str, path: str, fhash: str):
        tx.add(build_g, _build_record(g, path, fhash))
        records.add(g, path, fhash)

    def set_records(tx, g: str, key: str | None = None, fhash: str = ""):
        """The build records of graph g: the unchanged files kept on it, plus the file (its key) that rewrote it."""
        forget(tx, g)
        recs = [r for r in kept.get(g, []) if r[0] != key] + ([(key, fhash)] if key else [])
        for k, h in recs:
            record(tx, g, k, h)

    # Withdrawals (rare) keep the scan of every entity: their graphs go in a transaction before the reports', so
    # a build killed in between must leave the next build a way to find what they pointed at.
    orphan_scan = full or bool(gone)
    ontology = list(ontology_graph())
    write_ontology = not _ontology_stored(store, ontology_g, ontology)
    changed: set[str] = set()   # report graphs written or removed: the citation index re-reads them
    # entities whose descriptions this build adds to or may prune: the citation index re-reads them (None: all)
    touched: set[str] | None = None if write_ontology or orphan_scan else set()
    if write_ontology or gone:
        with store.transaction() as tx:  # the ontology and withdrawals: a transaction of their own
            if write_ontology:
                tx.replace_graph(ontology_g, ontology)
            for k, g in gone:
                if kept.get(g):        # another file, unchanged, still holds this report: keep it, forget k
                    set_records(tx, g)
                else:
                    tx.remove_graph(g)
                    forget(tx, g)
                token, _, below = k.partition("/")    # said as the path it had under the root named now
                p = (os.path.join(roots[token], below) if below else roots[token]) if token in roots else k
                if p not in summary.withdrawn:
                    summary.withdrawn.append(p)
                changed.add(g)

    written: set[str] = set()   # report graphs written by this build

    def commit(batch: list[Outcome]):
        nonlocal touched
        accepted = [o for o in batch if o.status == "accepted"]
        check_orphans = bool(summary.withdrawn) or any(files[o.path] in previous for o in accepted)
        replaced = sorted({o.graph for o in accepted} | {old for o in accepted
                                                         for old in previous.get(files[o.path], (set(), []))[1]})
        scan = orphan_scan or len(replaced) > ORPHAN_SCAN_OVER
        candidates: set[str] = set()
        if check_orphans and not scan:
            candidates = _referenced(store, replaced)
        if check_orphans and scan:
            touched = None
        elif touched is not None:
            touched |= candidates
        if not accepted and not candidates and not (check_orphans and scan):
            return   # nothing to write: no new generation
        entity_lines: set[str] = set()   # entity triples already added in this transaction (see below)
        with store.transaction() as tx:
            for o in accepted:
                # The file was built before under another report IRI (its year, issuer or 索引号 changed):
                # withdraw that graph, or the old version would stay published beside the new one.
                for old in previous.get(files[o.path], (set(), []))[1]:
                    if old == o.graph or old in written:
                        continue
                    if kept.get(old):
                        set_records(tx, old)
                    else:
                        tx.remove_graph(old)
                        forget(tx, old)
                        changed.add(old)
                # the workers' N-Triples go to the store as text: no term objects are built in this process
                tx.replace_graph_ntriples(o.graph, o.report_nt)
                # Reports share agencies, instruments and regions: an entity triple most reports repeat is written
                # once per transaction (the store has set semantics, so the content is the same).
                new_lines = [line for line in o.entities_nt.split("\n") if line and line not in entity_lines]
                entity_lines.update(new_lines)
                if touched is not None:
                    touched.update(line[1:line.index(">")] for line in new_lines if line.startswith("<"))
                if new_lines:
                    tx.add_ntriples(entities_g, "\n".join(new_lines) + "\n")
                if o.graph in written:   # a second file of the same report in this build: both are recorded
                    record(tx, o.graph, files[o.path], o.file_hash)
                else:
                    set_records(tx, o.graph, files[o.path], o.file_hash)
                written.add(o.graph)
                changed.add(o.graph)
            if check_orphans and scan:
                tx.update(ORPHANS.format(entities=entities_g, ontology=ontology_g, values=""))
            elif candidates:
                values = " ".join(f"<{e}>" for e in sorted(candidates))
                tx.update(ORPHANS.format(entities=entities_g, ontology=ontology_g,
                                         values=f"VALUES ?e {{ {values} }}\n  "))

    batch: list[Outcome] = []

    def _record(o: Outcome):
        nonlocal batch
        bar.update(1)
        if o.status == "accepted":
            summary.accepted.append(o.path)
            batch.append(o)
            records.remember(files[o.path], o.file_stamp, o.file_hash)
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

    # Chunks of files per task: each worker maps a chunk and validates it in one pySHACL run; small enough that
    # both workers stay busy to the end.
    size = max(1, min(VALIDATE_BATCH, -(-len(todo) // (jobs * 4))))
    chunks = [todo[k:k + size] for k in range(0, len(todo), size)]
    pool = None
    if todo:
        _warm()
    with _build_gc():   # the workers fork inside: they inherit the frozen pipeline and the thresholds
        if jobs == 1 or len(todo) < 4:
            results = (o for chunk in chunks for o in process_files(chunk, settings))
        else:
            pool = ProcessPoolExecutor(max_workers=min(jobs, len(chunks)))
            results = (o for outs in pool.map(process_files, chunks, [settings] * len(chunks)) for o in outs)
        done: set[str] = set()
        try:
            try:
                for o in results:
                    done.add(o.path)
                    _record(o)
            except BrokenProcessPool:
                # A worker died (killed, out of memory): keep what was accepted, name the files not processed.
                for p in todo:
                    if p not in done:
                        _record(Outcome(path=p, status="unreadable",
                                        message=f"{p}: not processed: a worker process died (out of memory?)"))
            if batch:
                commit(batch)
            elif summary.withdrawn:
                commit([])
        finally:
            bar.close()
            if pool:
                pool.shutdown(cancel_futures=True)
    after = store.generation()
    if after != before:
        _refresh_citations(store, old_citations, changed, touched, log)
    if store.generation() == after:   # no other writer came in between: the records are this generation's
        records.save(store, changed_generation=after != before)
    if after != before and len(changed) >= PRECOMPUTE_MIN_REPORTS and store.generation() == after:
        _precompute_pages(store, settings, log, progress)
    summary.seconds = time.monotonic() - t0
    return summary


def _saved_citations(store, gen: str):
    from kg.publish import citations
    try:
        return citations.load_saved_tables(store, gen)
    except Exception:  # noqa: BLE001 -- only a head start: without it the index is computed from scratch
        return None


def _refresh_citations(store, old, changed: set[str], touched: set[str] | None, log) -> None:
    """The new generation's citation index, saved beside the store now rather than computed by the first server
    request after the build (a few seconds at 10,000 reports). Its failure costs only that head start."""
    from kg.publish import citations
    try:
        citations.refresh(store, old, changed, touched)
    except Exception as exc:  # noqa: BLE001 -- the data is published; the server computes the index itself
        log(f"warning: citation index not saved ({type(exc).__name__}: {exc}); the server will compute it")


def _precompute_pages(store, settings: Settings, log, progress: bool) -> None:
    """KGService.precompute() on the new generation, then the heap it used handed back (this process may go on:
    the dumps, or `kg serve --build`). Its failure costs only that head start."""
    from kg.publish import citations
    from kg.web.service import KGService, return_freed_memory
    if citations.cache_file(store, store.generation(), "hub-pages") is None:
        return   # a store with no folder of ours (remote, in memory): nothing could be saved for a server
    if progress:
        print("build: saving the hub pages and the quad and graph counts of the new generation for the server",
              file=sys.stderr)
    try:
        KGService(store, settings).precompute()
    except Exception as exc:  # noqa: BLE001 -- the data is published; the server computes them itself
        log(f"warning: hub pages and counts not saved ({type(exc).__name__}: {exc}); the server will compute them")
    finally:
        gc.collect()
        return_freed_memory()
