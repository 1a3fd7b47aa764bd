"""/sparql over HTTP against pyoxigraph in process on the same store, and against rdflib as rdflib-endpoint runs it.

    .venv/bin/python bench/query_overhead.py --store /tmp/h2/store [--runs 60] [--rdflib] [--rdflib-timeout 120]
    .venv/bin/python bench/query_overhead.py --store /tmp/h2/store --rdflib --rdflib-store /tmp/small/store
    .venv/bin/python bench/query_overhead.py --store /tmp/h2/store --baseline-checkout /tmp/before   # before/after

A script that prints ratios, not a timed test. Per query (ASK {} for the route's fixed cost, then bench/queries/*.rq
with parameters picked from the data by bench/scale.py), three ways, interleaved (one of each, again ...) so load
from other jobs on a shared machine hits all alike; the load average is printed:

  in process  pyoxigraph on the same on-disk store opened read-only here: execute + native serialisation
              (SPARQL-JSON / N-Triples): the floor
  worker      OxigraphStore.query_serialized in this process: the server's query path without HTTP
              (a killable worker process, the row cap, our serialisation)
  HTTP        GET /sparql on `kg serve` (127.0.0.1, free port, stopped by PID), one keep-alive http.client
              connection, body read; started with GOVKG_WARM=0 (no statistics warmed for pages at startup: a
              one-off job after each new generation that holds the GIL for tens of seconds)

Target (issue 5): HTTP median <= 1.2 x in process + 2 ms.

--rdflib: a child process loads the store's N-Quads (dumped by pyoxigraph) into an in-memory
rdflib.Dataset(default_union=True), as rdflib-endpoint serves a graph, and runs q1 and q3 there (query + SPARQL-JSON
serialisation, no HTTP: that only favours rdflib), each bounded by --rdflib-timeout (SIGALRM; "> N s" when a run
does not finish). Target: /sparql >= 100x faster. --rdflib-store runs rdflib on another (smaller) store when the
big one does not fit in rdflib; the table says which store and size each figure is for.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import scale  # noqa: E402  (query parameters, the server, the store's live generation)

SELECT_JSON, NTRIPLES = scale.SELECT_JSON, scale.NTRIPLES
FACTOR, PLUS_MS = scale.TARGETS["sparql_factor"], scale.TARGETS["sparql_plus_ms"]
RDFLIB_QUERIES = ("q1", "q3")
# No page statistics warmed in a thread at startup: that one-off job holds the GIL for tens of seconds after a new
# generation appears, and would be timed here as /sparql latency (this script requests no pages).
# The server's 10 s query limit is a policy, not part of the overhead being measured: q4 takes ~17 s in process at
# N = 10,000, so the limit is raised here to time it like the others.
SERVER_ENV = {"GOVKG_WARM": "0", "GOVKG_QUERY_TIMEOUT": "120"}
RDFLIB_SPEEDUP = 100


def log(msg: str) -> None:
    print(f"[query_overhead {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def interleaved_times(fns: list, runs: int, budget_s: float) -> list[list[float]]:
    """Wall ms of each function, run in turn (one warm-up each); fewer runs when a round is slow."""
    for fn in fns:
        fn()   # warm-up (a worker process may start here)
    t0 = time.perf_counter()
    for fn in fns:
        fn()
    one_round = time.perf_counter() - t0
    runs = max(3, min(runs, int(budget_s / max(one_round, 1e-6))))
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, ts in zip(fns, times):
            t = time.perf_counter()
            fn()
            ts.append((time.perf_counter() - t) * 1000)
    return times


def p10(ts: list[float]) -> float:
    """The 10th percentile: what a request costs when the neighbours leave the CPUs alone."""
    return sorted(ts)[len(ts) // 10]


class SparqlClient:
    """GET /sparql on one keep-alive connection (http.client: the lightest client, so the figure is the server's)."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def get(self, query: str, accept: str) -> bytes:
        path = "/sparql?" + urllib.parse.urlencode({"query": query})
        for attempt in (1, 2):
            try:
                self.conn.request("GET", path, headers={"Accept": accept})
                r = self.conn.getresponse()
                body = r.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()   # the server closed an idle keep-alive connection: reconnect once
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
                if attempt == 2:
                    raise
        if r.status != 200:
            raise RuntimeError(f"HTTP {r.status}: {body[:200]!r}")
        return body


class CheckoutServer(scale.Server):
    """`kg serve` from another checkout of the code (--baseline-checkout), to time before and after in one run."""

    def __init__(self, store: Path, logfile: Path, checkout: Path):
        self.port = scale.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.logfile = open(logfile, "w")
        cmd = [sys.executable, "-m", "kg.cli", "serve", "--store", f"oxigraph:{store}", "--host", "127.0.0.1",
               "--port", str(self.port), "--quiet"]
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd, cwd=checkout, stdout=self.logfile, stderr=subprocess.STDOUT,
                                     start_new_session=True, env=dict(os.environ, **SERVER_ENV))
        self.startup_s = None


def measure(store_path: Path, runs: int, budget_s: float, baseline: Path | None) -> dict:
    import pyoxigraph as ox

    from kg.store.oxigraph import OxigraphStore

    ro = ox.Store.read_only(scale.live_rocksdb(store_path))
    quads = len(ro)
    params = scale.resolve_params(ro)
    queries = {"ask": "ASK {}", **{k: scale.fill(q, params) for k, q in scale.load_queries().items()}}
    store = OxigraphStore(store_path)
    work = Path(tempfile.mkdtemp(prefix="govkg-query-overhead-"))
    servers = [scale.Server(store_path, work / "serve.log", env_extra=SERVER_ENV)]
    if baseline:
        servers.append(CheckoutServer(store_path, work / "serve-baseline.log", baseline))
    out = {"store": str(store_path), "quads": quads, "load_start": os.getloadavg()[0], "queries": {},
           "baseline": str(baseline) if baseline else None}
    try:
        for srv in servers:
            srv.wait_ready()
        client = SparqlClient(servers[0].port)
        old_client = SparqlClient(servers[1].port) if baseline else None
        for name, q in queries.items():
            graph = scale.is_graph_query(q)
            accept = NTRIPLES if graph else SELECT_JSON

            def in_process():
                r = ro.query(q, use_default_graph_as_union=True)
                return r.serialize(format=ox.RdfFormat.N_TRIPLES if graph else ox.QueryResultsFormat.JSON)

            def worker():
                return store.query_serialized(q, accept, timeout_s=300, max_rows=10_000).body

            def over_http():
                return client.get(q, accept)

            fns = [in_process, worker, over_http] + ([lambda: old_client.get(q, accept)] if baseline else [])
            times = interleaved_times(fns, runs, budget_s)
            inproc, work_ms, http_ms, *old = [statistics.median(ts) for ts in times]
            out["queries"][name] = {"in_process": inproc, "worker": work_ms, "http": http_ms,
                                    "http_baseline": old[0] if old else None, "bytes": len(over_http()),
                                    "runs": len(times[0]), "p10": [p10(ts) for ts in times]}
            log(f"{name}: in process {inproc:.2f} ms, worker {work_ms:.2f} ms, HTTP {http_ms:.2f} ms"
                + (f", HTTP baseline {old[0]:.2f} ms" if old else ""))
        out["load_end"] = os.getloadavg()[0]
    finally:
        for srv in servers:
            srv.stop()
        store.close()
    out["params"] = params
    return out


# ---- rdflib, in a child process (its memory goes away with it; a hard kill bounds it) -------------------------

def rdflib_child(nquads: str, queries_file: str, timeout_s: int) -> None:
    """Load, then per query: a first run under SIGALRM, then up to 2 more while within the timeout; JSON lines."""
    import rdflib

    class Timeout(Exception):
        pass

    def alarm(signum, frame):
        raise Timeout()

    signal.signal(signal.SIGALRM, alarm)
    t = time.perf_counter()
    ds = rdflib.Dataset(default_union=True)
    ds.parse(nquads, format="nquads")
    print(json.dumps({"loaded_s": time.perf_counter() - t}), flush=True)
    for name, q in json.loads(Path(queries_file).read_text(encoding="utf-8")).items():
        times, rows = [], None
        try:
            while len(times) < 3 and sum(times) < timeout_s * 1000:
                signal.alarm(timeout_s)
                t = time.perf_counter()
                res = ds.query(q)
                rows = len(res)
                res.serialize(format="json")   # what rdflib-endpoint sends
                times.append((time.perf_counter() - t) * 1000)
                signal.alarm(0)
        except Timeout:
            pass
        signal.alarm(0)
        print(json.dumps({"query": name, "runs_ms": times, "rows": rows}), flush=True)


def measure_rdflib(store_path: Path, names: tuple[str, ...], timeout_s: int) -> dict:
    import pyoxigraph as ox

    ro = ox.Store.read_only(scale.live_rocksdb(store_path))
    params = scale.resolve_params(ro)
    queries = {k: scale.fill(q, params) for k, q in scale.load_queries().items() if k in names}
    out = {"store": str(store_path), "quads": len(ro), "queries": {}}
    with tempfile.TemporaryDirectory(prefix="govkg-rdflib-") as tmp:
        nq = Path(tmp) / "store.nq"
        ro.dump(str(nq), format=ox.RdfFormat.N_QUADS)
        del ro
        qf = Path(tmp) / "queries.json"
        qf.write_text(json.dumps(queries), encoding="utf-8")
        log(f"rdflib: loading {out['quads']:,} quads into rdflib.Dataset ...")
        proc = subprocess.Popen([sys.executable, __file__, "--rdflib-child", str(nq), str(qf), str(timeout_s)],
                                stdout=subprocess.PIPE, text=True)
        budget = 900 + len(queries) * timeout_s * 3
        try:
            stdout, _ = proc.communicate(timeout=budget)
        except subprocess.TimeoutExpired:
            proc.kill()   # the child this function started
            stdout, _ = proc.communicate()
    for line in stdout.splitlines():
        msg = json.loads(line)
        if "loaded_s" in msg:
            out["loaded_s"] = msg["loaded_s"]
            log(f"rdflib: loaded in {msg['loaded_s']:.0f} s")
        else:
            out["queries"][msg["query"]] = msg
            log(f"rdflib {msg['query']}: {msg['runs_ms']} ms, {msg['rows']} rows")
    return out


# ---- report ----------------------------------------------------------------------------------------------------

def _ms(v: float) -> str:
    return f"{v:,.2f}" if v < 100 else f"{v:,.0f}"


def report(R: dict, rdf: dict | None, timeout_s: int) -> str:
    L = [f"## /sparql vs pyoxigraph in process: {R['store']} ({R['quads']:,} quads)", "",
         f"{time.strftime('%Y-%m-%dT%H:%M:%S')} · {os.cpu_count()} CPUs · load average {R['load_start']:.2f} at start, "
         f"{R.get('load_end', float('nan')):.2f} at end · `bench/query_overhead.py`", "",
         f"Median ms, interleaved. Target: HTTP ≤ {FACTOR} × in process + {PLUS_MS:.0f} ms (ratio = HTTP / bound).", "",
         "| query | in process | worker (no HTTP) | HTTP | HTTP − in process | bound | ratio | met |"
         + (" HTTP, baseline checkout |" if R["baseline"] else ""),
         "|---|---:|---:|---:|---:|---:|---:|---|" + ("---:|" if R["baseline"] else "")]
    if R["baseline"]:
        L[4:4] = [f"Last column: the same requests, interleaved, to a second server run from {R['baseline']}.", ""]
    for name, m in R["queries"].items():
        bound = FACTOR * m["in_process"] + PLUS_MS
        ok = m["http"] <= bound
        old = f" {_ms(m['http_baseline'])} |" if m.get("http_baseline") is not None else ""
        L.append(f"| {name} | {_ms(m['in_process'])} | {_ms(m['worker'])} | {_ms(m['http'])} | "
                 f"{m['http'] - m['in_process']:.2f} | {_ms(bound)} | {m['http'] / bound:.2f}× | "
                 f"{'yes' if ok else '**no**'} |{old}")
    L += ["", "The same runs, 10th percentile (ms): the cost with less of the other jobs' load in it.", "",
          "| query | runs | in process | worker | HTTP | HTTP − in process | bound | met |"
          + (" HTTP, baseline checkout |" if R["baseline"] else ""),
          "|---|---:|---:|---:|---:|---:|---:|---|" + ("---:|" if R["baseline"] else "")]
    for name, m in R["queries"].items():
        inproc, work_ms, http_ms, *old = m["p10"]
        bound = FACTOR * inproc + PLUS_MS
        L.append(f"| {name} | {m['runs']} | {_ms(inproc)} | {_ms(work_ms)} | {_ms(http_ms)} | {http_ms - inproc:.2f} | "
                 f"{_ms(bound)} | {'yes' if http_ms <= bound else '**no**'} |" + (f" {_ms(old[0])} |" if old else ""))
    if rdf is not None:
        L += ["", f"## /sparql vs rdflib (as rdflib-endpoint runs it): rdflib on {rdf['store']} "
                  f"({rdf['quads']:,} quads), /sparql on {R['store']} ({R['quads']:,} quads)", "",
              f"rdflib: rdflib.Dataset(default_union=True) in memory, loaded from the store's N-Quads in "
              f"{rdf.get('loaded_s', float('nan')):.0f} s; query + SPARQL-JSON, in process (no HTTP); at most 3 runs, "
              f"each stopped at {timeout_s} s. Target: /sparql ≥ {RDFLIB_SPEEDUP}× faster.", "",
              "| query | rdflib ms (runs) | rdflib rows | /sparql HTTP ms | rdflib / HTTP | met |", "|---|---:|---:|---:|---:|---|"]
        same = rdf["quads"] == R["quads"]
        if not same:   # rdflib on a smaller store: its time is a lower bound, the ratio no verdict on the target
            L[-3] += " On different data the ratio is only a lower bound, so no verdict is given."
        for name in RDFLIB_QUERIES:
            r, h = rdf["queries"].get(name), R["queries"].get(name, {}).get("http")
            if r is None or h is None:
                L.append(f"| {name} | not run | – | – | – | – |")
                continue
            if r["runs_ms"]:
                med = statistics.median(r["runs_ms"])
                speed = med / h
                L.append(f"| {name} | {_ms(med)} ({len(r['runs_ms'])}) | {r['rows']} | {_ms(h)} | {speed:,.0f}× | "
                         f"{('yes' if speed >= RDFLIB_SPEEDUP else '**no**') if same else '–'} |")
            else:
                L.append(f"| {name} | > {timeout_s * 1000:,} (did not finish) | – | {_ms(h)} | "
                         f"> {timeout_s * 1000 / h:,.0f}× | yes |")
    return "\n".join(L) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", type=Path, help="an on-disk store built by `kg build` (oxigraph generations)")
    ap.add_argument("--runs", type=int, default=60, help="interleaved rounds per query (fewer for slow queries)")
    ap.add_argument("--budget", type=float, default=20.0, help="seconds per query at most (about)")
    ap.add_argument("--rdflib", action="store_true", help="also run q1 and q3 on rdflib in memory")
    ap.add_argument("--rdflib-store", type=Path, help="run rdflib on this (smaller) store instead")
    ap.add_argument("--rdflib-timeout", type=int, default=120)
    ap.add_argument("--baseline-checkout", type=Path,
                    help="also time a server run from this checkout (e.g. the previous commit), interleaved")
    ap.add_argument("--out", type=Path, help="also write the markdown here")
    ap.add_argument("--rdflib-child", nargs=3, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.rdflib_child:
        rdflib_child(a.rdflib_child[0], a.rdflib_child[1], int(a.rdflib_child[2]))
        return 0
    if not a.store or not (a.store / "CURRENT").exists():
        print("query_overhead: --store must name an on-disk store built by `kg build` (no CURRENT file found)",
              file=sys.stderr)
        return 2
    R = measure(a.store, a.runs, a.budget, a.baseline_checkout)
    rdf = measure_rdflib(a.rdflib_store or a.store, RDFLIB_QUERIES, a.rdflib_timeout) if a.rdflib else None
    md = report(R, rdf, a.rdflib_timeout)
    print(md)
    if a.out:
        a.out.write_text(md, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
