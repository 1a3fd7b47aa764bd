#!/usr/bin/env python3
"""Page and /sparql speed of `kg serve` on an existing store, against the issue-5 targets.

    .venv/bin/python bench/page_speed.py --store /tmp/srv/store
    .venv/bin/python bench/page_speed.py --store /tmp/govkg-scale/1000/store --duration 5 --out bench/results/page-speed.md
    .venv/bin/python bench/page_speed.py --store ... --no-cache      # the server with its response cache off

A script that prints ratios, not a timed test. It opens the store read-only in this process (to pick the pages
and to time the researcher queries in process), then starts `kg serve` on 127.0.0.1:<free port> and measures:

  cold     the first request of every page of a group, one client (what a cache cannot hide: rendering cost);
           the most-cited instrument's page is measured first, as the first request after start-up
  c1, c8   wrk (else a bounded httpx loader) cycling over the group's URLs, 1 and 8 connections
           groups: report pages (many distinct), agency pages (the busiest), the most-cited instrument, list pages
  sparql   GET /sparql median per bench query (bench/queries/*.rq) vs the same query run in process on the same
           store with pyoxigraph (execute + serialise); also ASK {} for the fixed cost of the route
  rss      the server's RSS with its query workers (VmRSS sum), after all of that

Targets (issue 5): entity pages p50 <= 5 ms and >= 1,500 req/s at 8 clients; the most-cited instrument's page
p50 <= 50 ms; /sparql median <= 1.2 x in process + 2 ms; server RSS <= 600 MB.
Everything runs on 127.0.0.1 and is bounded in time; the server is stopped by its PID.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import scale  # noqa: E402  (bench/scale.py: query parameters, timing helpers, wrk driver, memory of a process tree)

GK = scale.GK
SELECT_JSON = scale.SELECT_JSON
NTRIPLES = scale.NTRIPLES
T = scale.TARGETS


def log(msg: str) -> None:
    print(f"[page_speed {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


Server = scale.Server


# ---- what to ask for ---------------------------------------------------------------------------------------------

def pick(ox_store, n_reports: int) -> dict:
    """The pages to request and the query parameters, from the data."""
    def rows(q):
        return list(ox_store.query(q, use_default_graph_as_union=True))

    P = f"PREFIX gk: <{GK}>\n"
    params = scale.resolve_params(ox_store)
    reports = [r["r"].value for r in rows(P + f"SELECT ?r WHERE {{ ?r a gk:Report }} ORDER BY ?r LIMIT {n_reports}")]
    agencies = [r["a"].value for r in rows(P + "SELECT ?a (COUNT(?r) AS ?n) WHERE { ?r gk:issuedBy ?a } "
                                               "GROUP BY ?a ORDER BY DESC(?n) ?a LIMIT 20")]
    base = reports[0].split("id/report/")[0] if reports else scale.BASE
    return {"params": params, "reports": reports, "agencies": agencies, "hub": params["INST_A"], "base": base}


def page_path(iri: str, base: str) -> str:
    assert iri.startswith(base + "id/"), iri
    return "/doc/" + iri[len(base) + 3:] + ".html"


# ---- measuring ---------------------------------------------------------------------------------------------------

def pctl(xs: list[float], q: float):
    if not xs:
        return None
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q / 100 * (len(xs) - 1))))]


def sequential(client, url: str, paths: list[str], n: int | None = None, budget_s: float = 60.0) -> dict:
    """One client, one request at a time; n requests cycling over paths (default: each path once)."""
    n = n or len(paths)
    lat, codes, size, t_end = [], {}, 0, time.perf_counter() + budget_s
    for k in range(n):
        t = time.perf_counter()
        r = client.get(url + paths[k % len(paths)], headers={"Accept": "text/html"})
        lat.append((time.perf_counter() - t) * 1000)
        codes[r.status_code] = codes.get(r.status_code, 0) + 1
        size = max(size, len(r.content))
        if time.perf_counter() > t_end:
            break
    return {"p50_ms": statistics.median(lat), "p99_ms": pctl(lat, 99), "max_ms": max(lat), "n": len(lat),
            "codes": codes, "max_bytes": size}


def load(url: str, paths: list[str], conns: int, duration: int, work: Path) -> dict:
    if shutil.which("wrk"):
        return scale.wrk_load(url, paths, conns, duration, work)
    return scale.httpx_load(url, paths, conns, duration)


def inproc(ox_store, queries: dict[str, str], params: dict) -> dict:
    import pyoxigraph as ox
    out = {}
    for name, q in queries.items():
        q = scale.fill(q, params)
        graph = scale.is_graph_query(q)

        def exec_ser():
            r = ox_store.query(q, use_default_graph_as_union=True)
            return len(r.serialize(format=ox.RdfFormat.N_TRIPLES if graph else ox.QueryResultsFormat.JSON))
        out[name] = scale.time_runs(exec_ser)
        log(f"  in process {name}: {scale.fmt_ms(out[name].get('median_ms'))} ms")
    return out


def http_sparql(client, url: str, queries: dict[str, str], params: dict) -> dict:
    out = {}
    for name, q in queries.items():
        q = scale.fill(q, params)
        accept = NTRIPLES if scale.is_graph_query(q) else SELECT_JSON

        def one():
            r = client.get(url + "/sparql", params={"query": q}, headers={"Accept": accept})
            if r.status_code != 200:
                raise RuntimeError(f"HTTP {r.status_code}: {r.text[:200]}")
            return len(r.content)
        out[name] = scale.time_runs(one)
        log(f"  HTTP {name}: {scale.fmt_ms(out[name].get('median_ms'))} ms")
    return out


def run(a) -> dict:
    import httpx
    import pyoxigraph as ox

    store = Path(a.store)
    work = Path(tempfile.mkdtemp(prefix="govkg-page-speed-"))
    R: dict = {"store": str(store), "date": time.strftime("%Y-%m-%dT%H:%M:%S"), "cache": not a.no_cache,
               "duration_s": a.duration, "machine": f"{os.cpu_count()} CPU, load {os.getloadavg()[0]:.2f} at start"}
    queries = scale.load_queries()
    ro = ox.Store.read_only(scale.live_rocksdb(store))
    sel = pick(ro, a.reports)
    base = a.base or sel["base"]
    R["base"], R["params"] = base, sel["params"]
    log(f"store {store}: base {base}, {len(sel['reports'])} report pages, hub {sel['hub']}")
    log("researcher queries in process (same store, read-only) ...")
    ASK = {"ask": "ASK {}"}
    R["inproc"] = inproc(ro, {**ASK, **queries}, sel["params"])
    del ro

    env = {"GOVKG_RESPONSE_CACHE_MB": "0"} if a.no_cache else {}
    srv = Server(store, work / "serve.log", base, env)
    try:
        srv.wait_ready()
        R["startup_s"] = round(srv.startup_s, 2)
        log(f"kg serve on {srv.url} (pid {srv.proc.pid}), ready in {srv.startup_s:.1f} s")
        groups = {   # the hub first: its cold request is then the first request after start-up
            "most-cited instrument": [page_path(sel["hub"], base)],
            "report pages": [page_path(i, base) for i in sel["reports"]],
            "agency pages": [page_path(i, base) for i in sel["agencies"]],
            "list pages": [f"/{slug}?page={p}" for slug in ("reports", "agencies", "instruments", "initiatives")
                           for p in (1, 2, 3)],
        }
        R["groups"] = {}
        with httpx.Client(timeout=120) as client:
            for name, paths in groups.items():
                log(f"{name}: cold pass over {len(paths)} URL(s) ...")
                g = {"urls": len(paths), "cold": sequential(client, srv.url, paths, budget_s=a.cold_budget)}
                g["warm_seq"] = sequential(client, srv.url, paths, n=max(20, min(200, len(paths))), budget_s=30)
                R["groups"][name] = g
            log("/sparql ...")
            R["sparql"] = http_sparql(client, srv.url, {**ASK, **queries}, sel["params"])
        for name, paths in groups.items():
            g = R["groups"][name]
            for c in (1, 8):
                log(f"{name}: load, {c} connection(s), {a.duration} s ...")
                g[f"c{c}"] = load(srv.url, paths, c, a.duration, work)
        R["rss"] = scale.tree_mem(srv.proc.pid)
    finally:
        srv.stop()
        shutil.rmtree(work, ignore_errors=True)
    return R


# ---- report --------------------------------------------------------------------------------------------------

def _ms(v) -> str:
    return scale.fmt_ms(v)


def _ratio(v, limit) -> str:
    return "–" if v is None or not limit else f"{v / limit:.2f}×"


def markdown(R: dict) -> str:
    L = [f"# Page speed: `kg serve` on {R['store']}", "",
         f"{R['date']} · {R['machine']} · response cache {'on' if R['cache'] else 'off'} · load tests "
         f"{R['duration_s']} s each · `bench/page_speed.py`", "",
         "Ratio: measured / target (≤ 1 meets a latency or memory limit; ≥ 1 meets a throughput floor).", "",
         "| what | clients | p50 ms | p99 ms | req/s | target | ratio | met |", "|---|---:|---:|---:|---:|---|---:|---|"]
    for name, g in R.get("groups", {}).items():
        entity = name in ("report pages", "agency pages")
        hub = name == "most-cited instrument"
        c = g["cold"]
        bad = {k: v for k, v in c["codes"].items() if k != 200}
        tgt = f"p50 ≤ {T['hub_p50_ms']:.0f} ms" if hub else "–"
        L.append(f"| {name}: first request of each ({c['n']} URLs, ≤ {c['max_bytes'] / 1024:,.0f} KiB)"
                 f"{' non-200 ' + json.dumps(bad) if bad else ''} | 1 | {_ms(c['p50_ms'])} | {_ms(c['p99_ms'])} | – | "
                 f"{tgt} | {_ratio(c['p50_ms'], T['hub_p50_ms']) if hub else '–'} | "
                 f"{scale.verdict(c['p50_ms'] <= T['hub_p50_ms']) if hub else '–'} |")
        w = g["warm_seq"]
        L.append(f"| {name}: again, sequential ({w['n']} requests) | 1 | {_ms(w['p50_ms'])} | {_ms(w['p99_ms'])} | – | "
                 f"{tgt} | {_ratio(w['p50_ms'], T['hub_p50_ms']) if hub else '–'} | "
                 f"{scale.verdict(w['p50_ms'] <= T['hub_p50_ms']) if hub else '–'} |")
        for c in (1, 8):
            x = g.get(f"c{c}")
            if not x:
                continue
            if not x.get("requests"):   # wrk prints 0 latencies when nothing completed
                x = {**x, "p50_ms": None, "p99_ms": None}
            errs = f", socket errors {json.dumps(x['socket_errors'])}" if x.get("socket_errors") and any(
                x["socket_errors"].values()) else ""
            what = f"| {name}: {x['tool'].split(' ')[0]} ({x.get('requests') or 0:,} requests, {x.get('non2xx', 0)} non-2xx{errs})"
            if entity and c == 8 and x.get("rps") is not None:
                ok = x["p50_ms"] <= T["page_p50_ms"] and x["rps"] >= T["page_rps"] and not x.get("non2xx")
                L.append(f"{what} | {c} | {_ms(x.get('p50_ms'))} | {_ms(x.get('p99_ms'))} | {x['rps']:,.0f} | "
                         f"p50 ≤ {T['page_p50_ms']:.0f} ms, ≥ {T['page_rps']:,.0f} req/s | "
                         f"{_ratio(x['p50_ms'], T['page_p50_ms'])}, {_ratio(x['rps'], T['page_rps'])} | {scale.verdict(ok)} |")
            else:
                rps = "–" if x.get("rps") is None else f"{x['rps']:,.0f}"
                L.append(f"{what} | {c} | {_ms(x.get('p50_ms'))} | {_ms(x.get('p99_ms'))} | {rps} | – | – | – |")
    if R.get("rss"):
        m = R["rss"]
        L.append(f"| server RSS ({m['processes']} processes: main {m.get('VmRSS', 0):,.0f} MB + query workers) | – | – | – "
                 f"| – | ≤ {T['rss_mb']:.0f} MB | {_ratio(m['VmRSS_total'], T['rss_mb'])} | "
                 f"{scale.verdict(m['VmRSS_total'] <= T['rss_mb'])} ({m['VmRSS_total']:,.0f} MB) |")
    L += ["", "## /sparql vs pyoxigraph in process (same store)", "",
          "Median ms, warm. *in process*: pyoxigraph on the same on-disk store, read-only, execute + serialise "
          "(SPARQL-JSON / N-Triples). *HTTP*: `GET /sparql`, keep-alive client, body read. "
          f"Target: HTTP ≤ {T['sparql_factor']} × in process + {T['sparql_plus_ms']:.0f} ms; ratio = HTTP / that bound.", "",
          "| query | in process | HTTP | HTTP − in process | bound | ratio | met |", "|---|---:|---:|---:|---:|---:|---|"]
    for q, h in R.get("sparql", {}).items():
        ip = R.get("inproc", {}).get(q, {})
        hm, im = h.get("median_ms"), ip.get("median_ms")
        if hm is None or im is None:
            L.append(f"| {q} | {_ms(im)} | {_ms(hm)} | – | – | – | {h.get('error') or ip.get('error') or ''} |")
            continue
        bound = T["sparql_factor"] * im + T["sparql_plus_ms"]
        L.append(f"| {q} | {_ms(im)} | {_ms(hm)} | {_ms(hm - im)} | {_ms(bound)} | {hm / bound:.2f}× | "
                 f"{scale.verdict(hm <= bound)} |")
    L.append("")
    return "\n".join(L)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--store", required=True, help="an oxigraph store folder (kg build --store oxigraph:PATH)")
    ap.add_argument("--base", help="the base IRI the store was built with (default: read from a report IRI)")
    ap.add_argument("--duration", type=int, default=8, help="seconds per load test (default 8)")
    ap.add_argument("--reports", type=int, default=200, help="distinct report pages to cycle over (default 200)")
    ap.add_argument("--cold-budget", type=float, default=120.0, help="seconds at most per cold pass")
    ap.add_argument("--no-cache", action="store_true", help="start the server with GOVKG_RESPONSE_CACHE_MB=0")
    ap.add_argument("--out", help="also write the Markdown table here (and the raw numbers next to it as .json)")
    a = ap.parse_args(argv)
    R = run(a)
    md = markdown(R)
    if a.out:
        Path(a.out).write_text(md + "\n", encoding="utf-8")
        Path(a.out).with_suffix(".json").write_text(json.dumps(R, ensure_ascii=False, indent=1, default=str) + "\n")
    print(md, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
