"""Dump throughput and memory: N synthetic triples into a store, then `write_dumps`, timed, in a fresh process.

    .venv/bin/python bench/dump_speed.py --triples 1000000 [--store oxigraph|memory] [--formats ntriples,nquads]

Prints a table: triples/s of each dump (gzip included) and the peak RSS (VmHWM) of the dumping process, with ratios
against the targets (>= 300k triples/s for N-Triples gzip; <= 300 MB peak RSS). The data is loaded in a separate
process, so the loader's memory does not count against the dump. The memory store has to load in the dumping
process, so its RSS includes the whole dataset.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET_TPS = 300_000
TARGET_RSS_MB = 300
BASE = "http://127.0.0.1:8000/"


def synthetic_quads(n: int, per_report: int = 200):
    """Report graphs shaped like ours: long IRIs, Chinese text literals, links to a shared pool of instruments."""
    import pyoxigraph as ox
    rnd = random.Random(20240601)
    preds = [ox.NamedNode(f"https://w3id.org/govkg/def#p{i}") for i in range(24)]
    xsd_int = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    for i in range(n):
        if i % per_report == 0:
            r = i // per_report
            g = ox.NamedNode(f"{BASE}graph/report/{r:016x}")
            report = f"{BASE}id/report/{r:016x}"
        s = ox.NamedNode(f"{report}/initiative/{(i % per_report) // 8:012x}")
        kind = i % 3
        if kind == 0:
            o = ox.Literal(f"推进严格规范公正文明执法，举措 {i}，完善行政执法程序", language="zh-Hans")
        elif kind == 1:
            o = ox.NamedNode(f"{BASE}id/instrument/{rnd.randrange(2000):016x}")
        else:
            o = ox.Literal(str(i), datatype=xsd_int)
        yield ox.Quad(s, preds[i % 24], o, g)


def peak_rss_mb() -> float:
    """VmHWM of this process. (getrusage's ru_maxrss is not used: Linux carries it over fork+exec, so a child
    would report the loader's peak of its parent.)"""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load(path: str, n: int) -> float:
    from kg.store.oxigraph import OxigraphStore
    t0 = time.monotonic()
    store = OxigraphStore(path)
    with store.transaction() as tx:
        # straight to the generation's pyoxigraph store: the bench measures dumps, not rdflib conversion
        tx._ox.bulk_extend(synthetic_quads(n))
    store.close()
    return time.monotonic() - t0


def dump(store_kind: str, path: str, n: int, formats: list[str]) -> dict:
    from kg.config import Settings
    from kg.publish.dumps import write_dumps
    if store_kind == "memory":
        from kg.store.memory import MemoryStore
        store = MemoryStore()
        store.ox.bulk_extend(synthetic_quads(n))
    else:
        from kg.store.oxigraph import OxigraphStore
        store = OxigraphStore(path)
    out = tempfile.mkdtemp(prefix="govkg-dumps-")
    rows = []
    for fmt in formats:
        t0 = time.monotonic()
        info, = write_dumps(store, out, replace(Settings(), base_iri=BASE), formats=[fmt])
        rows.append({"format": fmt, "seconds": time.monotonic() - t0, "triples": info.triples, "bytes": info.size})
    peak = peak_rss_mb()
    store.close()
    return {"rows": rows, "peak_rss_mb": peak}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--store", choices=["oxigraph", "memory"], default="oxigraph")
    ap.add_argument("--formats", default="ntriples,nquads")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args()
    formats = a.formats.split(",")
    if a.child:
        print(json.dumps(dump(a.child[0], a.child[1], a.triples, formats)))
        return
    with tempfile.TemporaryDirectory(prefix="govkg-dumpbench-") as tmp:
        path = os.path.join(tmp, "store")
        if a.store == "oxigraph":
            secs = load(path, a.triples)
            print(f"loaded {a.triples:,} quads into {path} in {secs:.1f} s ({a.triples / secs:,.0f}/s)")
        out = subprocess.run([sys.executable, __file__, "--triples", str(a.triples), "--formats", a.formats,
                              "--child", a.store, path], check=True, capture_output=True, text=True).stdout
    res = json.loads(out.strip().splitlines()[-1])
    print(f"\n{a.store} store, {a.triples:,} synthetic quads, gzip level of kg.publish.dumps\n")
    print("| dump | statements | MB (gz) | s | statements/s | vs target 300k/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in res["rows"]:
        tps = r["triples"] / r["seconds"]
        print(f"| {r['format']} | {r['triples']:,} | {r['bytes'] / 1e6:.1f} | {r['seconds']:.2f} | {tps:,.0f} | "
              f"{tps / TARGET_TPS:.2f}× |")
    print(f"\npeak RSS of the dumping process: {res['peak_rss_mb']:.0f} MB "
          f"({res['peak_rss_mb'] / TARGET_RSS_MB:.2f}× the {TARGET_RSS_MB} MB budget)")


if __name__ == "__main__":
    main()
