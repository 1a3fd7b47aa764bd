"""Dump throughput and memory: N synthetic triples into a store (or a store built by `kg build`), then
`write_dumps`, timed, in a fresh process for each way of dumping.

    .venv/bin/python bench/dump_speed.py --triples 1000000 [--store oxigraph|memory] [--formats ntriples,nquads]
    .venv/bin/python bench/dump_speed.py --existing /tmp/h4/store      # e.g. after:
        .venv/bin/python -m kg.cli synth 1000 /tmp/h4/corpus
        .venv/bin/python -m kg.cli build /tmp/h4/corpus --store oxigraph:/tmp/h4/store --no-dumps --quiet

On the on-disk store each run times four ways, in this order, each in its own process (pieces: kg.publish.pieces):
  store    every graph read from the store (no pieces: what a dump cost before pieces)
  first    the first dump with an empty pieces folder: read from the store, keeping a piece per report graph
  pieces   report graphs from their pieces, the small graphs (entities, ontology, build records) from the store
  refresh  one report graph's piece forgotten (as a rebuild of one report leaves it), then dumped again
The synthetic store gets a build record (gk:sourceHash) per report graph, as `kg build` writes, so pieces apply.

Prints a table: triples/s of each dump (gzip included; wall and CPU time of the dumping process, gzip(1) runs
beside it on another core) and the peak RSS (VmHWM) of the dumping process, with ratios against the targets
(>= 300k triples/s for N-Triples gzip; <= 300 MB peak RSS) and against the store way in the same run.
The machine is shared: the load average is printed, and CPU time is the steadier figure.

    --load-compare   also time the first-build load paths into a fresh generation: tx.add (Python terms ->
                     Quad objects -> bulk_extend) against tx.add_ntriples (N-Triples text -> pyoxigraph bulk_load) The data is loaded in a separate
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


def build_records(n: int, per_report: int = 200):
    """graph/build as kg.build writes it: <report graph> gk:sourceHash "…" (what pieces are matched by)."""
    import pyoxigraph as ox
    build_g = ox.NamedNode(f"{BASE}graph/build")
    source_hash = ox.NamedNode("https://w3id.org/govkg/def#sourceHash")
    for r in range(-(-n // per_report)):
        yield ox.Quad(ox.NamedNode(f"{BASE}graph/report/{r:016x}"), source_hash, ox.Literal(f"sha256-{r}"), build_g)


def load(path: str, n: int) -> float:
    from kg.store.oxigraph import OxigraphStore
    t0 = time.monotonic()
    store = OxigraphStore(path)
    with store.transaction() as tx:
        # straight to the generation's pyoxigraph store: the bench measures dumps, not rdflib conversion
        tx._ox.bulk_extend(synthetic_quads(n))
        tx._ox.bulk_extend(build_records(n))
    store.close()
    return time.monotonic() - t0


def load_compare(n: int) -> None:
    """First build into a fresh generation: the two ways a transaction can take a report's triples."""
    import pyoxigraph as ox
    from kg.store.oxigraph import OxigraphStore
    per_graph: dict = {}
    for q in synthetic_quads(n):
        per_graph.setdefault(q.graph_name.value, []).append((q.subject, q.predicate, q.object))
    nts = {g: ox.serialize([ox.Triple(*t) for t in ts], format=ox.RdfFormat.N_TRIPLES) for g, ts in per_graph.items()}
    print(f"first build of {n:,} quads in {len(nts)} graphs into a fresh on-disk generation; load average "
          f"{os.getloadavg()[0]:.2f}\n")
    print("| path | wall s | CPU s | quads/s (wall) | quads/s (CPU) |")
    print("|---|---:|---:|---:|---:|")
    for label, how in [("tx.replace_graph(parsed terms)  [as kg.build]", "terms"),
                       ("tx.replace_graph_ntriples(bytes)", "nt")]:
        with tempfile.TemporaryDirectory(prefix="govkg-loadcmp-") as tmp:
            store = OxigraphStore(os.path.join(tmp, "s"))
            t0, c0 = time.monotonic(), time.process_time()
            with store.transaction() as tx:
                for g, data in nts.items():
                    if how == "terms":   # what kg.build does: parse N-Triples into terms, hand them over
                        tx.replace_graph(g, [(t.subject, t.predicate, t.object)
                                             for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)])
                    else:
                        tx.replace_graph_ntriples(g, data)
            w, c = time.monotonic() - t0, time.process_time() - c0
            assert len(store) == n
            store.close()
        print(f"| {label} | {w:.2f} | {c:.2f} | {n / w:,.0f} | {n / c:,.0f} |")
    print()


MODES = ["store", "first", "pieces", "refresh"]


def dump(store_kind: str, path: str, n: int, formats: list[str], mode: str, home: str) -> dict:
    """One way of dumping (see MODES) in this process; `home` is the dumps folder holding pieces/."""
    from kg.config import Settings
    from kg.publish import pieces
    from kg.publish.dumps import write_dumps
    if store_kind == "memory":
        from kg.store.memory import MemoryStore
        store = MemoryStore()
        store.ox.bulk_extend(synthetic_quads(n))
        store.ox.bulk_extend(build_records(n))
    else:
        from kg.store.oxigraph import OxigraphStore
        store = OxigraphStore(path)
    settings = replace(Settings(), base_iri=BASE, dumps=Path(home))
    if mode == "refresh":
        one = next(g for g in store.graph_names() if "/graph/report/" in g)
        pieces.forget(home, [one])
    out = tempfile.mkdtemp(prefix="govkg-dumps-")
    rows = []
    for fmt in formats:
        t0, c0 = time.monotonic(), time.process_time()
        info, = write_dumps(store, out, None if mode == "store" else settings, formats=[fmt])
        rows.append({"format": fmt, "seconds": time.monotonic() - t0, "cpu": time.process_time() - c0,
                     "triples": info.triples, "bytes": info.size})
    peak = peak_rss_mb()
    store.close()
    return {"rows": rows, "peak_rss_mb": peak}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--store", choices=["oxigraph", "memory"], default="oxigraph")
    ap.add_argument("--existing", help="an on-disk store built by `kg build` (base IRI %s) instead of synthetic quads"
                    % BASE)
    ap.add_argument("--formats", default="ntriples,nquads")
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--load-compare", action="store_true")
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    a = ap.parse_args()
    formats = a.formats.split(",")
    if a.load_compare and not a.child:
        load_compare(min(a.triples, 400_000))
    if a.child:
        kind, path, mode, home = a.child
        print(json.dumps(dump(kind, path, a.triples, formats, mode, home)))
        return
    kind = "oxigraph" if a.existing else a.store
    modes = a.modes.split(",") if kind == "oxigraph" else ["store", "first"]
    results = {}
    with tempfile.TemporaryDirectory(prefix="govkg-dumpbench-") as tmp:
        path = a.existing or os.path.join(tmp, "store")
        if kind == "oxigraph" and not a.existing:
            secs = load(path, a.triples)
            print(f"loaded {a.triples:,} quads into {path} in {secs:.1f} s ({a.triples / secs:,.0f}/s)")
        home = os.path.join(tmp, "dumps")   # the pieces live here, shared by the runs in order
        for mode in modes:
            out = subprocess.run([sys.executable, __file__, "--triples", str(a.triples), "--formats", a.formats,
                                  "--child", kind, path, mode, home], check=True, capture_output=True, text=True).stdout
            results[mode] = json.loads(out.strip().splitlines()[-1])
    from kg.publish.dumps import GZIP_LEVEL
    what = f"store built by kg build at {a.existing}" if a.existing else f"{kind} store, {a.triples:,} synthetic quads"
    print(f"\n{what}, gzip -{GZIP_LEVEL}; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs\n")
    print("| way | dump | statements | MB (gz) | wall s | CPU s | statements/s (wall) | /s (CPU) | vs target 300k/s | "
          "vs store, same run | peak RSS MB |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    base = {r["format"]: r for r in results.get("store", {}).get("rows", [])}
    for mode, res in results.items():
        for r in res["rows"]:
            tps = r["triples"] / r["seconds"]
            cps = r["triples"] / r["cpu"] if r["cpu"] else 0
            b = base.get(r["format"])
            vs = f"{b['seconds'] / r['seconds']:.2f}×" if b else "-"
            print(f"| {mode} | {r['format']} | {r['triples']:,} | {r['bytes'] / 1e6:.1f} | {r['seconds']:.2f} | "
                  f"{r['cpu']:.2f} | {tps:,.0f} | {cps:,.0f} | {tps / TARGET_TPS:.2f}× | {vs} | "
                  f"{res['peak_rss_mb']:.0f} |")
    worst = max(res["peak_rss_mb"] for res in results.values())
    print(f"\nhighest peak RSS of a dumping process: {worst:.0f} MB ({worst / TARGET_RSS_MB:.2f}× the "
          f"{TARGET_RSS_MB} MB budget)")


if __name__ == "__main__":
    main()
