#!/usr/bin/env python3
"""Scale benchmark (issue 5): kg synth -> kg build -> kg serve on N synthetic reports, measured against targets.

    .venv/bin/python bench/scale.py                       # N = 1000 and 10000
    .venv/bin/python bench/scale.py --n 1000              # one size
    .venv/bin/python bench/scale.py --big                 # adds N = 50000
    .venv/bin/python bench/scale.py --n 1000 --skip rebuild,load --reuse

A script that prints ratios, not a timed test. Per N it measures:
  build    full `kg build` (read, extract, map, SHACL, store) in reports/s            target >= 50 reports/s
  rebuild  `kg build` again: nothing changed; one report changed; it changed back     target <= 5 s (one changed)
  store    on-disk size, quads
  inproc   the store dumped through our Store.dump, loaded into an in-memory pyoxigraph, the researcher queries
           (bench/queries/*.rq) run in process: execute + serialise, as a server must (the reference);
           also in process on the on-disk store, read-only (where the storage costs go)
  serve    `kg serve` on 127.0.0.1:<free port> over the same store:
  sparql     GET /sparql median latency per query (keep-alive client, body read)    target <= 1.2 x in-process + 2 ms
  pages      entity page HTML p50: reports (many distinct), the most-cited instrument, the busiest agency
  load       wrk (else an httpx loader) on report pages, 8 connections                target p50 <= 5 ms, >= 1,500 req/s
             (most-cited instrument page p50 <= 50 ms)
  rss        the server's RSS (VmRSS, VmHWM) after all of that                         target <= 600 MB

Everything runs on 127.0.0.1 and is bounded in time; the server it starts is stopped by its PID.
Results: bench/results/scale-<N>.md (printed too) and scale-<N>.json.
Work files: $TMPDIR/govkg-scale/<N>/ (corpus, store, dump), kept for --reuse.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
QUERIES = ROOT / "bench" / "queries"
RESULTS = ROOT / "bench" / "results"
BASE = "http://127.0.0.1:8000/"   # minted IRIs; the server dereferences /id/... on whatever port it listens
GK = "https://w3id.org/govkg/def#"
STAGES = ("synth", "build", "rebuild", "inproc", "serve", "sparql", "pages", "load")
SELECT_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"

TARGETS = {
    "build_rate": 50.0,          # reports/s, full build incl. extraction and SHACL
    "rebuild_one_s": 5.0,        # s, rebuild after one report changed
    "sparql_factor": 1.2,        # HTTP median <= 1.2 x in-process + 2 ms
    "sparql_plus_ms": 2.0,
    "page_p50_ms": 5.0,          # entity page HTML p50 at 8 connections
    "page_rps": 1500.0,          # requests/s at 8 connections
    "hub_p50_ms": 50.0,          # most-cited instrument's page p50
    "rss_mb": 600.0,             # server RSS while serving
}


def kg_cmd() -> list[str]:
    return [sys.executable, "-m", "kg.cli"]


def log(msg: str) -> None:
    print(f"[scale {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def du_bytes(path: Path) -> int:
    """Bytes on disk under path, each inode once (store generations share files through hard links)."""
    total, seen = 0, set()
    for p in Path(path).rglob("*"):
        try:
            st = p.lstat()
        except OSError:
            continue
        if p.is_file() and (st.st_dev, st.st_ino) not in seen:
            seen.add((st.st_dev, st.st_ino))
            total += st.st_blocks * 512
    return total


def proc_mem(pid: int) -> dict:
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                k, v = line.split(":", 1)
                out[k] = round(int(v.split()[0]) / 1024, 1)
    except OSError:
        pass
    return out


def tree_mem(pid: int) -> dict:
    """VmRSS of a process and all its descendants (kg serve runs SPARQL queries in worker processes)."""
    kids: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(d.name))
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo += kids.get(p, [])
    mems = [proc_mem(p) for p in seen]
    return {"processes": len(seen), "VmRSS_total": round(sum(m.get("VmRSS", 0) for m in mems), 1),
            "VmHWM_total": round(sum(m.get("VmHWM", 0) for m in mems), 1), **proc_mem(pid)}


def live_rocksdb(store: Path) -> str:
    """The RocksDB folder to open read-only: kg.store.oxigraph keeps generations (CURRENT names the live one)."""
    cur = Path(store) / "CURRENT"
    try:
        name = cur.read_text().strip()
    except OSError:
        return str(store)
    return str(Path(store) / name) if name.startswith("gen-") and (Path(store) / name).is_dir() else str(store)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fmt_ms(v) -> str:
    if v is None:
        return "–"
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def verdict(ok) -> str:
    return "–" if ok is None else ("yes" if ok else "**no**")


# ---- build ---------------------------------------------------------------------------------------------------

SUMMARY = re.compile(r"(\d+) accepted, (\d+) rejected, (\d+) unreadable, (\d+) unchanged, (\d+) withdrawn")


def run_build(corpus: Path, store: Path, jobs: int | None, timeout: float, full: bool = False) -> dict:
    cmd = kg_cmd() + ["build", str(corpus), "--store", f"oxigraph:{store}", "--base", BASE, "--quiet"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    if full:
        cmd.append("--full")
    env = dict(os.environ, GOVKG_QUARANTINE=str(store.parent / "quarantine"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:.0f} s", "seconds": timeout}
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out = {"seconds": round(wall, 2), "exit": p.returncode,
           "peak_rss_mb": round(peak / 1024, 1) if peak > before else None}
    m = SUMMARY.search(p.stderr)
    if m:
        out.update(zip(("accepted", "rejected", "unreadable", "unchanged", "withdrawn"), map(int, m.groups())))
    else:
        out["error"] = (p.stderr.strip().splitlines() or ["no summary line"])[-1][:300]
    tail = [ln for ln in p.stderr.splitlines() if ln.startswith(("rejected", "error", "  rejected", "  unreadable"))]
    if tail:
        out["problems_sample"] = tail[:5]
    return out


def change_one(path: Path) -> str:
    """Insert one sentence into a report (a real content change, so extraction and graph change); return the
    original text."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    for k, ln in enumerate(lines):
        if ln.startswith(("一是", "(一)")) or "年," in ln[:8]:
            lines[k] = ln + "同时,对照上级要求开展自查,补齐工作短板。"
            break
    else:
        lines.insert(2, "同时,对照上级要求开展自查,补齐工作短板。")
    path.write_text("\n".join(lines), encoding="utf-8")
    return text


# ---- queries ---------------------------------------------------------------------------------------------------

def load_queries() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(QUERIES.glob("*.rq"))}


def is_graph_query(q: str) -> bool:
    body = "\n".join(ln for ln in q.splitlines() if not ln.lstrip().startswith("#"))
    return bool(re.search(r"\b(CONSTRUCT|DESCRIBE)\b", body, re.I))


def resolve_params(ox_store) -> dict[str, str]:
    """Pick the query parameters from the data: the busiest agency, the hub and the 10th instrument, a report."""
    def one(q):
        rows = list(ox_store.query(q, use_default_graph_as_union=True))
        return rows

    P = f"PREFIX gk: <{GK}>\n"
    ag = one(P + "SELECT ?a (COUNT(?r) AS ?n) WHERE { ?r gk:issuedBy ?a } GROUP BY ?a ORDER BY DESC(?n) STR(?a) LIMIT 1")
    ins = one(P + "SELECT ?i (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a gk:Report ; gk:cites ?i } "
                  "GROUP BY ?i ORDER BY DESC(?n) STR(?i) LIMIT 10")
    rep = one(P + 'SELECT ?r WHERE { ?r a gk:Report ; gk:sourceName "synth-000000.txt" } LIMIT 1') or \
        one(P + "SELECT ?r WHERE { ?r a gk:Report } ORDER BY STR(?r) LIMIT 1")
    yr = one(P + "SELECT ?y (COUNT(?r) AS ?n) WHERE { ?r gk:yearCovered ?y } GROUP BY ?y ORDER BY DESC(?n) LIMIT 1")
    if not (ag and ins and rep):
        raise RuntimeError("the store holds no reports with issuers and citations; nothing to query")
    return {
        "AGENCY": ag[0]["a"].value, "AGENCY_REPORTS": str(ag[0]["n"].value),
        "INST_A": ins[0]["i"].value, "INST_A_REPORTS": str(ins[0]["n"].value),
        "INST_B": ins[min(9, len(ins) - 1)]["i"].value,
        "REPORT": rep[0]["r"].value,
        "YEAR": "2021" if not yr else ("2021" if _has_year(ox_store, "2021") else yr[0]["y"].value),
    }


def _has_year(ox_store, y: str) -> bool:
    q = (f'PREFIX gk: <{GK}> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> '
         f'ASK {{ ?r gk:yearCovered "{y}"^^xsd:gYear }}')
    return bool(ox_store.query(q, use_default_graph_as_union=True))


def fill(q: str, params: dict[str, str]) -> str:
    for k, v in params.items():
        q = q.replace("{{" + k + "}}", v)
    return q


def time_runs(fn, budget_s: float = 20.0, min_runs: int = 5, max_runs: int = 30) -> dict:
    """One warm-up, then >= min_runs timed runs, up to max_runs while the total stays under 0.5 s (fewer for
    queries slower than budget_s / min_runs)."""
    try:
        t = time.perf_counter()
        size = fn()
        first = time.perf_counter() - t
    except Exception as exc:  # noqa: BLE001
        return {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
    n_min = min_runs if first * min_runs <= budget_s else max(1, int(budget_s / max(first, 1e-9)))
    times = []
    while True:
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
        if len(times) >= max_runs or (len(times) >= n_min and sum(times) >= 0.5) or \
                (len(times) >= n_min and first * min_runs > budget_s):
            break
    return {"median_ms": statistics.median(times) * 1000, "min_ms": min(times) * 1000,
            "first_ms": first * 1000, "runs": len(times), "size": size}


def inproc_measure(ox, store, queries: dict[str, str], params) -> dict:
    out = {}
    for name, q in queries.items():
        q = fill(q, params)
        graph = is_graph_query(q)

        def exec_only():
            return len(list(store.query(q, use_default_graph_as_union=True)))

        def exec_ser():
            r = store.query(q, use_default_graph_as_union=True)
            body = r.serialize(format=ox.RdfFormat.N_TRIPLES if graph else ox.QueryResultsFormat.JSON)
            return len(body)

        out[name] = {"exec": time_runs(exec_only), "ser": time_runs(exec_ser)}
        log(f"  in-process {name}: {fmt_ms(out[name]['ser'].get('median_ms'))} ms "
            f"({out[name]['exec'].get('size')} rows)")
    return out


# ---- server --------------------------------------------------------------------------------------------------

class Server:
    """`kg serve` on a free loopback port, stopped by its PID (used by every bench script that needs a server)."""

    def __init__(self, store: Path, logfile: Path, base: str = BASE, env_extra: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.logfile = open(logfile, "w")
        env = dict(os.environ, GOVKG_BASE_IRI=base, **(env_extra or {}))
        cmd = kg_cmd() + ["serve", "--store", f"oxigraph:{store}", "--base", base, "--host", "127.0.0.1",
                          "--port", str(self.port), "--quiet"]
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.logfile, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.startup_s = None

    def wait_ready(self, timeout: float = 120.0) -> float:
        import httpx
        while time.perf_counter() - self.t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"kg serve exited with {self.proc.returncode}; see {self.logfile.name}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code < 500:
                    self.startup_s = time.perf_counter() - self.t0
                    return self.startup_s
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"kg serve not ready after {timeout:.0f} s; see {self.logfile.name}")

    def mem(self) -> dict:
        return tree_mem(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)   # by PID: the process this script started
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.logfile.close()


def http_sparql(client, url: str, queries: dict[str, str], params) -> dict:
    out = {}
    for name, q in queries.items():
        q = fill(q, params)
        accept = NTRIPLES if is_graph_query(q) else SELECT_JSON
        state = {}

        def one():
            r = client.get(url + "/sparql", params={"query": q}, headers={"Accept": accept})
            if r.status_code != 200:
                raise RuntimeError(f"HTTP {r.status_code}: {r.text[:200]}")
            state["truncated"] = r.headers.get("X-GovKG-Truncated")
            body = r.content
            if accept == NTRIPLES:
                return sum(1 for ln in body.split(b"\n") if ln.strip())
            return len(json.loads(body)["results"]["bindings"])

        out[name] = time_runs(one)
        out[name]["truncated"] = state.get("truncated")
        log(f"  HTTP {name}: {fmt_ms(out[name].get('median_ms'))} ms ({out[name].get('size')} rows)")
    return out


def page_path(iri: str) -> str:
    assert iri.startswith(BASE + "id/"), iri
    return "/doc/" + iri[len(BASE) + 3:] + ".html"


def seq_latency(client, url: str, paths: list[str], n: int, timeout_s: float = 60.0) -> dict:
    lat, codes, t_end = [], {}, time.perf_counter() + timeout_s
    for k in range(n):
        p = paths[k % len(paths)]
        t = time.perf_counter()
        r = client.get(url + p, headers={"Accept": "text/html"})
        lat.append((time.perf_counter() - t) * 1000)
        codes[r.status_code] = codes.get(r.status_code, 0) + 1
        if time.perf_counter() > t_end:
            break
    lat.sort()
    return {"p50_ms": statistics.median(lat), "p99_ms": lat[min(len(lat) - 1, int(len(lat) * 0.99))],
            "n": len(lat), "codes": codes, "bytes": len(r.content)}


WRK_LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], {["Accept"] = "text/html"})
end
"""


def _wrk_ms(s: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s|m)", s)
    v, u = float(m.group(1)), m.group(2)
    return v / 1000 if u == "us" else v if u == "ms" else v * 1000 if u == "s" else v * 60000


def wrk_load(url: str, paths: list[str], conns: int, duration: int, work: Path) -> dict:
    script = work / "paths.lua"
    script.write_text(WRK_LUA % ", ".join(json.dumps(p) for p in paths))
    cmd = ["wrk", f"-t{min(2, conns)}", f"-c{conns}", f"-d{duration}s", "--latency", "--timeout", "10s",
           "-s", str(script), url]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    out = {"tool": "wrk", "conns": conns, "duration_s": duration}
    m = re.search(r"Requests/sec:\s+([\d.]+)", p.stdout)
    out["rps"] = float(m.group(1)) if m else None
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}%\s+(\S+)", p.stdout, re.M)
        out[f"p{pct}_ms"] = _wrk_ms(m.group(1)) if m else None
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", p.stdout)
    out["non2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"(\d+) requests in", p.stdout)
    out["requests"] = int(m.group(1)) if m else None
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", p.stdout)
    if m:
        out["socket_errors"] = dict(zip(("connect", "read", "write", "timeout"), map(int, m.groups())))
    if out["rps"] is None:
        out["error"] = (p.stdout + p.stderr)[-300:]
    return out


def httpx_load(url: str, paths: list[str], conns: int, duration: int) -> dict:
    """Closed-loop load without wrk: `conns` keep-alive connections, each one request at a time."""
    import httpx

    async def main():
        lat, bad = [], 0
        stop = time.perf_counter() + duration
        limits = httpx.Limits(max_connections=conns, max_keepalive_connections=conns)
        async with httpx.AsyncClient(base_url=url, limits=limits, timeout=10) as c:
            async def worker(k):
                nonlocal bad
                i = k
                while time.perf_counter() < stop:
                    t = time.perf_counter()
                    r = await c.get(paths[i % len(paths)], headers={"Accept": "text/html"})
                    lat.append((time.perf_counter() - t) * 1000)
                    bad += r.status_code >= 400
                    i += conns
            t0 = time.perf_counter()
            await asyncio.gather(*(worker(k) for k in range(conns)))
            wall = time.perf_counter() - t0
        lat.sort()
        return {"tool": "httpx (client-bound: the Python client limits req/s)", "conns": conns,
                "duration_s": duration, "rps": len(lat) / wall, "p50_ms": statistics.median(lat),
                "p99_ms": lat[int(len(lat) * 0.99)], "non2xx": bad, "requests": len(lat)}

    return asyncio.run(main())


# ---- one size ------------------------------------------------------------------------------------------------

def run_size(n: int, a) -> dict:
    import pyoxigraph as ox

    work = Path(a.work) / str(n)
    corpus, store, dump = work / "corpus", work / "store", work / "dump.nq"
    work.mkdir(parents=True, exist_ok=True)
    R: dict = {"n": n, "seed": a.seed, "date": dt.datetime.now().isoformat(timespec="seconds"),
               "machine": f"{platform.node()} {os.cpu_count()} CPU, Python {platform.python_version()}, "
                          f"pyoxigraph {ox.__version__}", "work": str(work)}
    skip = set(a.skip)

    # synth
    marker = corpus / ".synth"
    want = f"{n} {a.seed}"
    if "synth" not in skip and not (a.reuse and marker.exists() and marker.read_text() == want):
        from kg.synth import synthesize
        shutil.rmtree(corpus, ignore_errors=True)
        t = time.perf_counter()
        synthesize(n, corpus, seed=a.seed)
        R["synth"] = {"seconds": round(time.perf_counter() - t, 2)}
        R["synth"]["rate"] = round(n / R["synth"]["seconds"])
        marker.write_text(want)
        log(f"N={n}: synthesized in {R['synth']['seconds']} s ({R['synth']['rate']}/s)")
    build_timeout = a.build_timeout or 300 + n / 5

    # full build
    if "build" not in skip and not (a.reuse and (store / "CURRENT").exists()):
        shutil.rmtree(store, ignore_errors=True)
        shutil.rmtree(work / "quarantine", ignore_errors=True)
        log(f"N={n}: kg build (timeout {build_timeout:.0f} s) ...")
        b = run_build(corpus, store, a.jobs, build_timeout)
        if "accepted" in b:
            b["rate"] = round(b["accepted"] / b["seconds"], 1)
        R["build"] = b
        log(f"  build: {b}")
    if store.exists():
        R["store"] = {"bytes": du_bytes(store)}

    # rebuilds
    if "rebuild" not in skip and store.exists():
        log(f"N={n}: rebuilds ...")
        r = {"unchanged": run_build(corpus, store, a.jobs, build_timeout)}
        f0 = corpus / "synth-000000.txt"
        original = change_one(f0)
        try:
            r["one_changed"] = run_build(corpus, store, a.jobs, build_timeout)
        finally:
            f0.write_text(original, encoding="utf-8")
        r["changed_back"] = run_build(corpus, store, a.jobs, build_timeout)
        R["rebuild"] = r
        log(f"  rebuild: {r}")
        R["store"] = {"bytes": du_bytes(store)}

    queries = load_queries()
    mem_store, params = None, None
    if "inproc" not in skip and store.exists():
        log(f"N={n}: dump through the Store interface, load in memory, queries in process ...")
        t = time.perf_counter()
        via = "kg.store (Store.dump nquads)"
        try:
            from kg.store.base import open_store
            st = open_store(f"oxigraph:{store}")
            try:
                with open(dump, "wb") as f:
                    count = st.dump(f, "nquads")
            finally:
                st.close()
        except Exception as exc:  # noqa: BLE001 - the store module may not exist yet: say so and go on
            via = f"pyoxigraph read-only dump (Store.dump failed: {type(exc).__name__}: {str(exc)[:120]})"
            s = ox.Store.read_only(live_rocksdb(store))
            s.dump(str(dump), format=ox.RdfFormat.N_QUADS)
            count = None
            del s
        dump_s = time.perf_counter() - t
        mem_store = ox.Store()
        t = time.perf_counter()
        mem_store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
        load_s = time.perf_counter() - t
        quads = len(mem_store)
        params = resolve_params(mem_store)
        R["data"] = {"quads": quads, "dump_bytes": dump.stat().st_size, "dump_s": round(dump_s, 2),
                     "dump_via": via, "dump_count": count, "mem_load_s": round(load_s, 2), "params": params}
        log(f"  {quads} quads; params {params}")
        R["inproc_mem"] = inproc_measure(ox, mem_store, queries, params)
        if not a.no_disk_inproc:
            disk = ox.Store.read_only(live_rocksdb(store))
            R["inproc_disk"] = {k: v["ser"] for k, v in inproc_measure(ox, disk, queries, params).items()}
            del disk

    # server
    if "serve" not in skip and store.exists():
        import httpx
        srv = Server(store, work / "serve.log")
        try:
            log(f"N={n}: kg serve on {srv.url} (pid {srv.proc.pid}) ...")
            srv.wait_ready()
            R["serve"] = {"startup_s": round(srv.startup_s, 2), "pid": srv.proc.pid, "mem_start": srv.mem()}
            if params is None:
                params = resolve_params(ox.Store.read_only(live_rocksdb(store)))  # read-only beside the server (reads only)
            with httpx.Client(timeout=120) as client:
                if "sparql" not in skip:
                    R["sparql_http"] = http_sparql(client, srv.url, queries, params)
                if "pages" not in skip or "load" not in skip:
                    rows = client.get(srv.url + "/sparql", headers={"Accept": SELECT_JSON}, params={
                        "query": f"PREFIX gk: <{GK}> SELECT ?r WHERE {{ ?r a gk:Report }} LIMIT 1000"}).json()
                    reports = [page_path(b["r"]["value"]) for b in rows["results"]["bindings"]]
                    hub, busiest = page_path(params["INST_A"]), page_path(params["AGENCY"])
                if "pages" not in skip:
                    log("  entity pages, one client ...")
                    R["pages"] = {
                        "report": seq_latency(client, srv.url, reports, 300),
                        "hub_instrument": seq_latency(client, srv.url, [hub], 20, timeout_s=120),
                        "busiest_agency": seq_latency(client, srv.url, [busiest], 30, timeout_s=120),
                    }
                    log(f"  pages: { {k: round(v['p50_ms'], 2) for k, v in R['pages'].items()} }")
            if "load" not in skip:
                log(f"  load: report pages, 8 connections, {a.duration} s ...")
                if shutil.which("wrk"):
                    R["load"] = {"c8": wrk_load(srv.url, reports, 8, a.duration, work),
                                 "c1": wrk_load(srv.url, reports, 1, max(3, a.duration // 2), work)}
                else:
                    R["load"] = {"c8": httpx_load(srv.url, reports, 8, a.duration)}
                log(f"  load: {R['load']}")
            R["serve"]["mem_end"] = srv.mem()
        finally:
            srv.stop()
    return R


# ---- report --------------------------------------------------------------------------------------------------

def markdown(R: dict) -> str:
    T = TARGETS
    n = R["n"]
    L = [f"# Scale benchmark: {n:,} synthetic reports", "",
         f"{R['date']} · {R['machine']} · seed {R['seed']} · `bench/scale.py` · work files `{R['work']}`", ""]
    rows = []
    if "synth" in R:
        rows.append(("kg synth", f"{R['synth']['rate']:,} reports/s", "≥ 2,000/s", verdict(R['synth']['rate'] >= 2000)))
    b = R.get("build")
    if b:
        if "rate" in b:
            rows.append(("full `kg build` (read, extract, map, SHACL, store)",
                         f"{b['rate']:,} reports/s ({b['accepted']:,} accepted, {b.get('rejected', 0)} rejected, "
                         f"{b.get('unreadable', 0)} unreadable in {b['seconds']:,} s)",
                         f"≥ {T['build_rate']:.0f} reports/s", verdict(b["rate"] >= T["build_rate"])))
            if b.get("peak_rss_mb"):
                rows.append(("build: peak RSS of the largest process", f"{b['peak_rss_mb']:,} MB", "", "–"))
        else:
            rows.append(("full `kg build`", f"failed: {b.get('error')}", f"≥ {T['build_rate']:.0f} reports/s", "**no**"))
    rb = R.get("rebuild")
    if rb:
        def s(x):
            return f"{x['seconds']} s" + (f" ({x.get('accepted')} rebuilt, {x.get('unchanged')} unchanged)"
                                          if "accepted" in x else f" ({x.get('error')})")
        rows.append(("rebuild, nothing changed", s(rb["unchanged"]), "", "–"))
        one = rb["one_changed"]
        rows.append(("rebuild after one report changed", s(one), f"≤ {T['rebuild_one_s']:.0f} s",
                     verdict("accepted" in one and one["seconds"] <= T["rebuild_one_s"])))
        rows.append(("rebuild after it changed back", s(rb["changed_back"]), f"≤ {T['rebuild_one_s']:.0f} s",
                     verdict("accepted" in rb["changed_back"] and rb["changed_back"]["seconds"] <= T["rebuild_one_s"])))
    if "store" in R:
        q = R.get("data", {}).get("quads")
        rows.append(("store on disk", f"{R['store']['bytes'] / 2**20:,.1f} MiB" + (f" ({q:,} quads, "
                     f"{q / n:,.0f} per report)" if q else ""), "", "–"))
    if "data" in R:
        d = R["data"]
        rows.append(("dump (N-Quads) → in-memory pyoxigraph", f"dump {d['dump_s']} s ({d['dump_bytes'] / 2**20:,.1f} MiB, "
                     f"via {d['dump_via']}), load {d['mem_load_s']} s", "", "–"))
    sv = R.get("serve")
    if sv:
        rows.append(("`kg serve` start-up", f"{sv['startup_s']} s", "", "–"))
        end = sv.get("mem_end") or {}
        if end:
            rows.append(("server RSS after the run: main process VmRSS / VmHWM; with its "
                         f"{end.get('processes', 1) - 1} query worker(s), sum of VmRSS / VmHWM",
                         f"{end.get('VmRSS', 0):,.0f} / {end.get('VmHWM', 0):,.0f} MB; "
                         f"{end.get('VmRSS_total', 0):,.0f} / {end.get('VmHWM_total', 0):,.0f} MB",
                         f"≤ {T['rss_mb']:.0f} MB", verdict(end.get("VmHWM_total", 1e9) <= T["rss_mb"])))
    L += ["| measure | value | target | met |", "|---|---|---|---|"]
    L += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    L.append("")

    if "inproc_mem" in R or "sparql_http" in R:
        p = R.get("data", {}).get("params", {})
        L += ["## Researcher queries: `/sparql` over HTTP vs pyoxigraph in process", "",
              "Median ms, warm (≥ 5 runs, up to 30 within 0.5 s). *in-mem exec*: execute and iterate the rows; "
              "*in-mem +ser*: execute and serialise to SPARQL-JSON / N-Triples bytes (what a server must do), the "
              "reference of the target; *disk +ser*: the same on the on-disk store, read-only, in process; "
              "*HTTP*: `GET /sparql` on `kg serve` (keep-alive client, whole body read and parsed). "
              f"Target: HTTP ≤ {T['sparql_factor']}× in-mem +ser + {T['sparql_plus_ms']:.0f} ms.", "",
              f"Parameters: agency `{p.get('AGENCY', '?')}` ({p.get('AGENCY_REPORTS', '?')} reports), hub instrument "
              f"`{p.get('INST_A', '?')}` (cited by {p.get('INST_A_REPORTS', '?')} reports), B `{p.get('INST_B', '?')}`, "
              f"report `{p.get('REPORT', '?')}`, year {p.get('YEAR', '?')}.", "",
              "| query | rows | in-mem exec | in-mem +ser | disk +ser | HTTP | HTTP / in-mem +ser | met |",
              "|---|---:|---:|---:|---:|---:|---:|---|"]
        names = sorted(set(R.get("inproc_mem", {})) | set(R.get("sparql_http", {})))
        for q in names:
            im = R.get("inproc_mem", {}).get(q, {})
            ex, ser = im.get("exec", {}), im.get("ser", {})
            dk = R.get("inproc_disk", {}).get(q, {})
            h = R.get("sparql_http", {}).get(q, {})
            ratio = ok = None
            if h.get("median_ms") is not None and ser.get("median_ms"):
                ratio = h["median_ms"] / ser["median_ms"]
                ok = h["median_ms"] <= T["sparql_factor"] * ser["median_ms"] + T["sparql_plus_ms"]
            size = ex.get("size", h.get("size"))
            note = ""
            if h.get("size") is not None and ex.get("size") is not None and h["size"] != ex["size"]:
                note = f" (HTTP {h['size']}{', truncated' if h.get('truncated') else ''})"
            if h.get("error"):
                note += f" HTTP error: {h['error'][:80]}"
            L.append(f"| {q} | {size if size is not None else '–'}{note} | {fmt_ms(ex.get('median_ms'))} | "
                     f"{fmt_ms(ser.get('median_ms'))} | {fmt_ms(dk.get('median_ms'))} | {fmt_ms(h.get('median_ms'))} | "
                     f"{'–' if ratio is None else f'{ratio:.2f}×'} | {verdict(ok)} |")
        L.append("")

    pg, ld = R.get("pages"), R.get("load")
    if pg or ld:
        L += ["## Entity pages (HTML)", "", "| page | clients | p50 ms | p99 ms | req/s | target | met |",
              "|---|---:|---:|---:|---:|---|---|"]
        if pg:
            r = pg["report"]
            L.append(f"| report pages ({r['n']} requests over {min(r['n'], 1000)} reports, one client) | 1 | "
                     f"{fmt_ms(r['p50_ms'])} | {fmt_ms(r['p99_ms'])} | – | – | – |")
            h = pg["hub_instrument"]
            L.append(f"| most-cited instrument (hub, {h['bytes'] / 1024:,.0f} KiB) | 1 | {fmt_ms(h['p50_ms'])} | "
                     f"{fmt_ms(h['p99_ms'])} | – | p50 ≤ {T['hub_p50_ms']:.0f} ms | {verdict(h['p50_ms'] <= T['hub_p50_ms'])} |")
            g = pg["busiest_agency"]
            L.append(f"| busiest agency | 1 | {fmt_ms(g['p50_ms'])} | {fmt_ms(g['p99_ms'])} | – | – | – |")
            bad = {k: v for p in pg.values() for k, v in p["codes"].items() if k != 200}
            if bad:
                L.append(f"| non-200 answers | | | | | | {bad} |")
        if ld:
            for key, x in ld.items():
                c = x["conns"]
                tgt = f"p50 ≤ {T['page_p50_ms']:.0f} ms, ≥ {T['page_rps']:,.0f} req/s" if c == 8 else "–"
                ok = None
                if c == 8 and x.get("rps") is not None:
                    ok = x["p50_ms"] <= T["page_p50_ms"] and x["rps"] >= T["page_rps"] and not x.get("non2xx")
                errs = ", socket errors " + json.dumps(x["socket_errors"]) if x.get("socket_errors") else ""
                L.append(f"| report pages, {x['tool']} {x['duration_s']} s ({x.get('requests') or 0:,} requests, "
                         f"{x.get('non2xx', 0)} non-2xx{errs}) | {c} | {fmt_ms(x.get('p50_ms'))} | {fmt_ms(x.get('p99_ms'))} | "
                         f"{'–' if x.get('rps') is None else format(x['rps'], ',.0f')} | {tgt} | {verdict(ok)} |")
        L.append("")
    return "\n".join(L)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", default="1000,10000", help="comma-separated corpus sizes (default 1000,10000)")
    ap.add_argument("--big", action="store_true", help="also N = 50000")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--skip", default="", help=f"comma-separated stages to skip: {','.join(STAGES)}")
    ap.add_argument("--reuse", action="store_true", help="keep an existing corpus and store of the same N and seed")
    ap.add_argument("--jobs", type=int, default=None, help="kg build --jobs (default: its own)")
    ap.add_argument("--duration", type=int, default=10, help="seconds per load test (default 10)")
    ap.add_argument("--build-timeout", type=float, default=None, help="seconds per kg build (default 300 + N/5)")
    ap.add_argument("--no-disk-inproc", action="store_true", help="skip the in-process run on the on-disk store")
    ap.add_argument("--work", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "govkg-scale"))
    a = ap.parse_args(argv)
    a.skip = [s for s in a.skip.split(",") if s]
    unknown = set(a.skip) - set(STAGES)
    if unknown:
        ap.error(f"unknown stage(s): {', '.join(sorted(unknown))}")
    sizes = [int(x) for x in a.n.split(",") if x] + ([50000] if a.big else [])
    RESULTS.mkdir(parents=True, exist_ok=True)
    for n in sizes:
        R = run_size(n, a)
        md = markdown(R)
        (RESULTS / f"scale-{n}.md").write_text(md + "\n", encoding="utf-8")
        (RESULTS / f"scale-{n}.json").write_text(json.dumps(R, ensure_ascii=False, indent=1, default=str) + "\n",
                                                 encoding="utf-8")
        print(md, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
