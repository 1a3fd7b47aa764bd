"""Cost of running /sparql queries in killable worker processes (OxigraphStore.query_serialized) against running
them in process on the same generation (pyoxigraph + our serialiser, no time limit).

    .venv/bin/python bench/query_overhead.py [--reports 2000] [--runs 200]

Target: worker median <= 1.2 x in-process median + 2 ms.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dump_speed import BASE, synthetic_quads  # noqa: E402

QUERIES = {
    "entity page (CONSTRUCT, ~30 triples)": "CONSTRUCT {{ <{s}> ?p ?o }} WHERE {{ <{s}> ?p ?o }}",
    "small SELECT (LIMIT 10)": "SELECT ?s ?o WHERE {{ ?s <https://w3id.org/govkg/def#p1> ?o }} LIMIT 10",
    "1,000 rows SELECT": "SELECT ?s ?o WHERE {{ ?s <https://w3id.org/govkg/def#p1> ?o }} LIMIT 1000",
    "aggregate (GROUP BY over all)": "SELECT ?p (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }} GROUP BY ?p",
}


def median_ms(fn, runs):
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=200)
    a = ap.parse_args()
    from kg.store.oxicore import execute_serialized
    from kg.store.oxigraph import OxigraphStore
    with tempfile.TemporaryDirectory() as tmp:
        store = OxigraphStore(Path(tmp) / "s", workers=2)
        with store.transaction() as tx:
            tx._ox.bulk_extend(synthetic_quads(a.reports * 200))
        live = store._view().ox
        subject = f"{BASE}id/report/{7:016x}/initiative/{3:012x}"
        mt = "application/sparql-results+json"
        print(f"{a.reports * 200:,} quads on disk; median of {a.runs} runs\n")
        print("| query | in process ms | worker ms | ratio | budget (1.2x + 2 ms) | ok |")
        print("|---|---:|---:|---:|---:|---|")
        for name, template in QUERIES.items():
            q = template.format(s=subject)
            media = "application/n-triples" if q.startswith("CONSTRUCT") else mt
            runs = a.runs if "aggregate" not in name else max(5, a.runs // 20)
            inproc = median_ms(lambda: execute_serialized(live, q, media), runs)
            worker = median_ms(lambda: store.query_serialized(q, media, timeout_s=30), runs)
            budget = 1.2 * inproc + 2
            print(f"| {name} | {inproc:.2f} | {worker:.2f} | {worker / inproc:.2f}x | {budget:.2f} | "
                  f"{'yes' if worker <= budget else 'NO'} |")
        store.close()


if __name__ == "__main__":
    main()
