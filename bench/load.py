#!/usr/bin/env python3
"""Load under a rebuild (issue 6): 8 clients for a fixed time against `kg serve`, while `kg build --full` runs.

    .venv/bin/python bench/load.py                      # 200 synthetic reports, 8 clients, 20 s
    .venv/bin/python bench/load.py --n 500 --clients 8 --duration 30

Everything runs on 127.0.0.1 in $TMPDIR/govkg-load/: kg synth N -> kg build -> kg dump -> kg serve on a free
port. Then `clients` threads, each one keep-alive connection and one request at a time, send a mix of
  sparql   GET /sparql with the researcher questions (bench/queries/*.rq, parameters resolved from the data)
  entity   entity pages (reports, agencies, instruments), HTML
  list     list pages (/reports, /agencies, /instruments, ... with ?page=)
  dump     dump downloads (the files of /dumps.json, body read in full)
for `duration` seconds, while a full rebuild of the corpus (every report rewritten, then a new generation
published) runs in parallel, restarted when it ends. Prints p50/p95/p99 per kind and the count of 5xx (0
expected) as a Markdown table. The server is stopped by its PID; the exit code is 1 when any 5xx was seen.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
KG = [sys.executable, "-m", "kg.cli"]


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args, env, timeout=3600):
    p = subprocess.run(KG + args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if p.returncode not in (0,):
        raise SystemExit(f"kg {' '.join(args)} failed ({p.returncode}): {p.stderr[-500:]}")
    return p


def pct(xs, q):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q / 100 * (len(xs) - 1))))]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=200, help="synthetic reports (default 200)")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--duration", type=float, default=20.0, help="seconds of load (default 20)")
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "govkg-load"))
    a = ap.parse_args(argv)

    import httpx
    import pyoxigraph as ox

    from scale import fill, load_queries, resolve_params  # bench/scale.py: the researcher questions

    work = Path(a.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVKG_")}
    env.update(GOVKG_BASE_IRI=base, GOVKG_DUMPS=str(work / "dumps"), GOVKG_QUARANTINE=str(work / "quarantine"))
    store, corpus = work / "store", work / "corpus"
    t0 = time.monotonic()
    run(["synth", str(a.n), str(corpus)], env)
    run(["build", str(corpus), "--store", f"oxigraph:{store}", "--quiet"], env)
    run(["dump", "--store", f"oxigraph:{store}"], env)
    print(f"prepared {a.n} reports in {time.monotonic() - t0:.0f} s", file=sys.stderr)

    gen = store / (store / "CURRENT").read_text().strip()
    oxs = ox.Store.read_only(str(gen))
    params = resolve_params(oxs)
    queries = {k: fill(q, params) for k, q in load_queries().items()}

    def iris(cls, limit=30):
        q = f"SELECT ?s WHERE {{ ?s a <https://w3id.org/govkg/def#{cls}> }} ORDER BY STR(?s) LIMIT {limit}"
        return [r["s"].value for r in oxs.query(q, use_default_graph_as_union=True)]

    entity_paths = [i.replace(base, "/") for c in ("Report", "Agency", "LegalInstrument") for i in iris(c)]
    del oxs
    list_paths = [f"/{slug}?page={p}" for slug in ("reports", "agencies", "instruments", "events", "initiatives")
                  for p in (1, 2)]

    log = open(work / "serve.log", "w")
    server = subprocess.Popen(KG + ["serve", "--store", f"oxigraph:{store}", "--host", "127.0.0.1", "--port",
                                    str(port), "--quiet"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    builds = []
    stop = threading.Event()
    lat = defaultdict(list)
    errors = defaultdict(int)      # 5xx
    other = defaultdict(int)       # 4xx / transport errors
    codes = defaultdict(int)       # (kind, status or exception) of everything that was not a success
    builder = None
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None:
                raise SystemExit(f"kg serve exited: {(work / 'serve.log').read_text()[-500:]}")
            time.sleep(0.2)
        dumps = [d["name"] for d in httpx.get(base + "dumps.json").json()["dumps"]]
        dump_paths = [f"/dumps/{n}" for n in dumps]

        def rebuild_loop():
            nonlocal builder
            while not stop.is_set():
                t = time.monotonic()
                builder = subprocess.Popen(KG + ["build", str(corpus), "--store", f"oxigraph:{store}", "--full",
                                                 "--quiet"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL, start_new_session=True)
                rc = builder.wait()
                builds.append((round(time.monotonic() - t, 1), rc))

        def client(k):
            rnd = random.Random(k)
            kinds = ["sparql"] * 4 + ["entity"] * 4 + ["list"] * 2 + ["dump"]
            with httpx.Client(base_url=base, timeout=60) as c:
                while not stop.is_set():
                    kind = rnd.choice(kinds)
                    if kind == "sparql":
                        name, q = rnd.choice(sorted(queries.items()))
                        req = dict(url="/sparql", params={"query": q},
                                   headers={"Accept": "application/sparql-results+json, text/turtle;q=0.9"})
                    elif kind == "entity":
                        req = dict(url=rnd.choice(entity_paths), headers={"Accept": "text/html"})
                    elif kind == "list":
                        req = dict(url=rnd.choice(list_paths), headers={"Accept": "text/html"})
                    else:
                        req = dict(url=rnd.choice(dump_paths))
                    t = time.perf_counter()
                    try:
                        r = c.get(**req)
                        r.read()
                    except httpx.HTTPError as exc:
                        other[kind] += 1
                        codes[(kind, type(exc).__name__)] += 1
                        continue
                    lat[kind].append((time.perf_counter() - t) * 1000)
                    if r.status_code >= 500:
                        errors[kind] += 1
                    elif r.status_code >= 400:
                        other[kind] += 1
                    if r.status_code >= 400:
                        codes[(kind, r.status_code)] += 1

        rb = threading.Thread(target=rebuild_loop, daemon=True)
        rb.start()
        time.sleep(1.0)   # the rebuild is under way before the load starts
        threads = [threading.Thread(target=client, args=(k,)) for k in range(a.clients)]
        t_load = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(a.duration)
        stop.set()
        for t in threads:
            t.join(120)
        elapsed = time.monotonic() - t_load
        if builder is not None and builder.poll() is None:   # the rebuild we started, by PID (its group)
            os.killpg(builder.pid, signal.SIGTERM)
            builder.wait(30)
        rb.join(30)
    finally:
        stop.set()
        if server.poll() is None:
            os.kill(server.pid, signal.SIGTERM)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                os.kill(server.pid, signal.SIGKILL)
                server.wait(10)
        log.close()

    total = sum(len(v) for v in lat.values())
    print(f"\n{a.clients} clients for {a.duration:g} s on {a.n} synthetic reports, during `kg build --full` "
          f"(rebuilds finished meanwhile: {len([b for b in builds if b[1] == 0])}, "
          f"durations s: {[b[0] for b in builds]}); {total} requests, {total / elapsed:.0f} req/s\n")
    print("| kind | requests | p50 ms | p95 ms | p99 ms | 5xx | other errors |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for kind in ("sparql", "entity", "list", "dump"):
        xs = lat.get(kind, [])
        print(f"| {kind} | {len(xs)} | {pct(xs, 50):.1f} | {pct(xs, 95):.1f} | {pct(xs, 99):.1f} | "
              f"{errors[kind]} | {other[kind]} |")
    all_xs = [x for v in lat.values() for x in v]
    print(f"| all | {len(all_xs)} | {pct(all_xs, 50):.1f} | {pct(all_xs, 95):.1f} | {pct(all_xs, 99):.1f} | "
          f"{sum(errors.values())} | {sum(other.values())} |")
    if codes:
        print("\nnot successful: " + ", ".join(f"{k} {c}: {n}" for (k, c), n in sorted(codes.items(), key=str)))
    return 1 if sum(errors.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
