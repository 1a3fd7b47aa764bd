#!/usr/bin/env python3
"""Where `kg build` spends its time, stage by stage, on synthetic reports (one process, no pool).

    .venv/bin/python bench/build_stages.py            # 200 reports
    .venv/bin/python bench/build_stages.py --n 500 --store   # also the parent's side: parse N-Triples, store writes
    .venv/bin/python bench/build_stages.py --n 1000 --gc     # a worker's CPU under the default collector vs kg build's

Per report: read (kg.source) · extract · map (kg.rdf.mapping) · validate (kg.validate) · serialise the two graphs
to N-Triples (what a worker sends back); with --store, the parent's side too: write the N-Triples text to a fresh on-disk
store in one transaction, as kg.build.commit does. Prints ms per report
per stage, the share of each, and the implied ceiling in reports/s for 1 and for all CPUs. Validation is timed
both ways: one report per pySHACL run, and in batches of VALIDATE_BATCH as kg build runs it (the totals use that).
"""
from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--store", action="store_true", help="also time the parent's parse + store writes")
    ap.add_argument("--gc", action="store_true",
                    help="only compare a worker's CPU per report (kg.build.process_files) under Python's default "
                         "garbage-collector settings and under kg build's, batch by batch alternately")
    a = ap.parse_args(argv)
    if a.gc:
        return compare_gc(a.n, a.seed)

    from kg.build import VALIDATE_BATCH, graph_iri
    from kg.config import Settings
    from kg.extract import extract
    from kg.rdf.mapping import map_extraction
    from kg.source import read
    from kg.synth import synthesize
    from kg.validate import validate, validate_many

    tmp = Path(tempfile.mkdtemp(prefix="govkg-stages-"))
    synthesize(a.n, tmp / "corpus", seed=a.seed)
    settings = replace(Settings(), store=f"oxigraph:{tmp / 'store'}")
    files = sorted((tmp / "corpus").glob("*.txt"))
    # warm-up: imports, shapes, gazetteers
    src = read(str(files[0]))
    validate(map_extraction(extract(src), settings, source_name=files[0].name).report)

    T = {k: [] for k in ("read", "extract", "map", "validate", "serialise", "store")}
    triples = []
    outs = []
    mapped = []
    for f in files:
        t0 = time.perf_counter()
        src = read(str(f))
        t1 = time.perf_counter()
        ex = extract(src)
        t2 = time.perf_counter()
        rg = map_extraction(ex, settings, source_name=f.name)
        t3 = time.perf_counter()
        v = validate([rg.report_triples(), rg.entity_triples()])   # one report per pySHACL run (kg build batches them)
        t4 = time.perf_counter()
        rnt, ent = rg.ntriples()   # as kg.build does (kg.rdf.mapping.to_ntriples)
        t5 = time.perf_counter()
        for k, d in zip(("read", "extract", "map", "validate", "serialise"), (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
            T[k].append(d)
        triples.append(len(rg.report_triples()) + len(rg.entity_triples()))
        if not v.conforms:
            print(f"{f.name}: rejected: {v.text.splitlines()[0]}", file=sys.stderr)
        outs.append((rg.graph_iri, rnt, ent))
        mapped.append(rg)

    # As kg build validates: VALIDATE_BATCH reports per pySHACL run (kg.validate.validate_many).
    t = time.perf_counter()
    for k in range(0, len(mapped), VALIDATE_BATCH):
        validate_many([[rg.report_triples(), rg.entity_triples()] for rg in mapped[k:k + VALIDATE_BATCH]])
    T["validate (batched)"] = [(time.perf_counter() - t) / len(mapped)] * len(mapped)

    if a.store:
        from kg.store.base import open_store
        store = open_store(settings.store)
        t = time.perf_counter()
        seen: set[str] = set()   # as kg.build.commit: an entity triple once per transaction
        with store.transaction() as tx:
            for g, rnt, ent in outs:
                tx.replace_graph_ntriples(g, rnt)
                new = [line for line in ent.split("\n") if line and line not in seen]
                seen.update(new)
                tx.add_ntriples(graph_iri(settings, "entities"), "\n".join(new))
        T["store"] = [(time.perf_counter() - t) / len(outs)] * len(outs)
        store.close()

    # kg build's workers validate in batches: the batched figure replaces the one-by-one one in the totals.
    counted = [k for k in T if k != "validate"]
    total = sum(statistics.mean(T[k]) for k in counted if T[k])
    worker = sum(statistics.mean(T[k]) for k in ("read", "extract", "map", "validate (batched)", "serialise"))
    parent = sum(statistics.mean(T[k]) for k in ("store",) if T[k])
    cpus = os.cpu_count() or 1
    print(f"# kg build by stage: {a.n} synthetic reports, one process, {statistics.mean(triples):.0f} triples per report\n")
    print("| stage | where | ms/report (mean) | p50 | share |")
    print("|---|---|---:|---:|---:|")
    for k, v in T.items():
        if not v:
            continue
        where = "parent" if k == "store" else "worker"
        share = f"{statistics.mean(v) / total:.0%}" if k in counted else "(not in totals)"
        print(f"| {k} | {where} | {statistics.mean(v) * 1000:.2f} | {statistics.median(v) * 1000:.2f} | {share} |")
    print(f"\nworker side {worker * 1000:.1f} ms/report → ceiling {1 / worker:.0f} reports/s per CPU, "
          f"{cpus / worker:.0f} on {cpus} CPUs")
    if parent:
        print(f"parent side {parent * 1000:.1f} ms/report (serial) → ceiling {1 / parent:.0f} reports/s whatever the CPUs")
    return 0


def compare_gc(n: int, seed: int) -> int:
    """kg.build.process_files (read, extract, map, validate in one pySHACL run, serialise: a worker's whole job) on
    batches of VALIDATE_BATCH reports, alternating the default collector (nothing frozen, thresholds 700/10/10)
    and kg.build._build_gc(); the same process and period for both, so the machine's load weighs on both alike."""
    import gc

    from kg.build import VALIDATE_BATCH, _build_gc, _warm, process_files
    from kg.config import Settings
    from kg.synth import synthesize

    tmp = Path(tempfile.mkdtemp(prefix="govkg-stages-gc-"))
    synthesize(n, tmp / "corpus", seed=seed)
    files = [str(f) for f in sorted((tmp / "corpus").glob("*.txt"))]
    settings = Settings()
    _warm()
    process_files(files[:VALIDATE_BATCH], settings)   # warm-up: caches, lazy imports
    default = gc.get_threshold()
    cpu = {"default collector": [], "kg build's collector": []}
    batches = [files[k:k + VALIDATE_BATCH] for k in range(VALIDATE_BATCH, len(files), VALIDATE_BATCH)]
    for k, batch in enumerate(batches):
        build_gc = k % 2 == 1
        gc.collect()
        with (_build_gc() if build_gc else contextlib.nullcontext()):
            t = time.process_time()
            process_files(batch, settings)
            cpu["kg build's collector" if build_gc else "default collector"].append(
                (time.process_time() - t) * 1000 / len(batch))
    base = statistics.median(cpu["default collector"])
    print(f"# A worker's CPU per report, default collector ({default}) vs kg build's\n")
    print(f"{n} synthetic reports, batches of {VALIDATE_BATCH} alternately; python {sys.version.split()[0]}; "
          f"load {os.getloadavg()[0]:.1f}\n")
    print("| collector | batches | ms CPU/report (median) | mean | ratio |")
    print("|---|---:|---:|---:|---:|")
    for k, v in cpu.items():
        print(f"| {k} | {len(v)} | {statistics.median(v):.2f} | {statistics.mean(v):.2f} | "
              f"{statistics.median(v) / base:.2f}× |")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
