#!/usr/bin/env python3
"""The researcher queries on Virtuoso vs on `kg serve`, same data, same run.

    .venv/bin/python bench/scale.py --n 1000            # first: corpus, store and N-Quads dump in the work dir
    .venv/bin/python bench/virtuoso_compare.py --n 1000

Loads the N-Quads dump that bench/scale.py wrote (through our Store.dump) into a private Virtuoso (Debian
virtuoso-opensource 7.2, fresh DB dir, isql and HTTP bound to 127.0.0.1 on free ports, configured as in
shared/bench/bench.py), then times bench/queries/*.rq:
  ours        GET /sparql on `kg serve` over the on-disk store (keep-alive client)
  virtuoso    GET /sparql, keep-alive client (the ~40 ms stall on larger bodies that shared/bench/RESULTS.md
              describes shows up here), and with `Connection: close`
  v-isql      the same SPARQL through isql-vt, its `-- N msec` (whole ms; closest to engine time)
and the four researcher questions as stored queries (`GET /queries/<slug>.json` on `kg serve`, answered from the
per-generation citation index) against Virtuoso answering the SPARQL that each stored query shows (the same
question, same parameters). `kg serve` runs with its response cache off (GOVKG_RESPONSE_CACHE_MB=0), so every
request computes its answer; the first timed request waits until the index is ready.
Both servers are stopped by PID. Virtuoso's default graph is the union of all graphs, as ours is.
Results: bench/results/virtuoso-<N>.md (printed) and .json.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scale  # noqa: E402  (bench/scale.py: queries, parameters, server, timing)

from kg.store.virtuoso_server import Virtuoso  # noqa: E402  (the same launcher the tests use)


def virt_http(url: str, q: str, close: bool, client) -> int:
    graph = scale.is_graph_query(q)
    headers = {"Accept": scale.NTRIPLES if graph else scale.SELECT_JSON}
    if close:
        headers["Connection"] = "close"
    r = client.get(url, params={"query": q}, headers=headers)
    if r.status_code != 200:
        raise RuntimeError(f"HTTP {r.status_code}: {r.text[:200]}")
    if "X-SQL-State" in r.headers:
        raise RuntimeError(f"partial result: {r.headers.get('X-SQL-Message')}")
    if graph:
        return sum(1 for ln in r.content.split(b"\n") if ln.strip())
    return len(r.json()["results"]["bindings"])


def virt_isql(v: Virtuoso, q: str, runs: int) -> dict:
    body = "\n".join(ln for ln in q.splitlines() if not ln.strip().startswith("#"))
    stmt = f"SPARQL {body};"
    r = v.isql(" ".join([stmt] * (1 + runs)), timeout=1800)
    found = re.findall(r"(\d+) Rows\. -- (\d+) msec", r.stdout)
    if len(found) != 1 + runs:
        return {"error": (r.stdout + r.stderr)[-200:]}
    times = [int(ms) for _, ms in found[1:]]
    return {"median_ms": statistics.median(times), "first_ms": int(found[0][1]), "size": int(found[0][0]),
            "runs": len(times)}


STORED_CASES = ("instruments-cited-by-agency", "most-cited", "agencies-citing-both", "co-citation")


def stored_cases(params: dict) -> dict[str, tuple[str, dict, str]]:
    """name -> (slug, URL parameters, the SPARQL the stored query shows for them)."""
    from kg.web.queries import STORED
    from kg.web.service import iri_ref, literal
    given = {"instruments-cited-by-agency": {"agency": params["AGENCY"]}, "most-cited": {"year": params["YEAR"]},
             "agencies-citing-both": {"a": params["INST_A"], "b": params["INST_B"]},
             "co-citation": {"instrument": params["INST_A"]}}
    out = {}
    for slug in STORED_CASES:
        v = given[slug]
        terms = {k: (literal(x) if k == "year" else iri_ref(x)) for k, x in v.items()}
        out[slug] = (slug, v, STORED[slug].sparql(terms))
    return out


def wait_idle(pid: int, limit_s: float = 180.0) -> float:
    """Until the server has used < 50 ms of CPU in 1 s (its start-up warming done): seconds waited."""
    def cpu() -> float:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    t0 = time.time()
    last = cpu()
    while time.time() - t0 < limit_s:
        time.sleep(1.0)
        now = cpu()
        if now - last < 0.05:
            break
        last = now
    return time.time() - t0


def ours_stored(client, url: str, cases: dict) -> dict:
    out = {}
    for name, (slug, v, _) in cases.items():
        state = {}

        def one():
            r = client.get(f"{url}/queries/{slug}.json", params=v)
            if r.status_code != 200:
                raise RuntimeError(f"HTTP {r.status_code}: {r.text[:200]}")
            body = r.json()
            state["from"] = body.get("answered_from")
            return len(body["rows"])
        deadline = time.time() + 300
        while time.time() < deadline:   # until the background thread has the index (not what we time)
            one()
            if state.get("from") in (None, "index"):   # None: a server that does not say (an older version)
                break
            time.sleep(0.5)
        out[name] = scale.time_runs(one)
        out[name]["answered_from"] = state.get("from")
        scale.log(f"  ours stored {name}: {scale.fmt_ms(out[name].get('median_ms'))} ms "
                  f"({out[name].get('size')} rows, from {state.get('from')})")
    return out


def main(argv=None) -> int:
    import httpx
    import pyoxigraph as ox

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--work", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "govkg-scale"))
    ap.add_argument("--runs", type=int, default=10, help="isql runs per query (default 10)")
    ap.add_argument("--buffers", type=int, default=170000, help="Virtuoso NumberOfBuffers (8 KiB pages; default ~1.3 GiB)")
    ap.add_argument("--skip-ours", action="store_true", help="do not start kg serve")
    a = ap.parse_args(argv)
    if not shutil.which("virtuoso-t") or not shutil.which("isql-vt"):
        print("virtuoso-t / isql-vt not installed (Debian virtuoso-opensource)", file=sys.stderr)
        return 2
    work = Path(a.work) / str(a.n)
    dump, store = work / "dump.nq", work / "store"
    if not dump.exists() or not store.exists():
        print(f"{dump} or {store} missing: run bench/scale.py --n {a.n} first", file=sys.stderr)
        return 2
    mem = ox.Store()
    mem.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    params = scale.resolve_params(mem)
    queries = {k: scale.fill(q, params) for k, q in scale.load_queries().items()}
    R = {"n": a.n, "quads": len(mem), "params": params, "date": time.strftime("%Y-%m-%dT%H:%M:%S")}
    R["inproc_mem"] = scale.inproc_measure(ox, mem, scale.load_queries(), params)
    stored = stored_cases(params)
    R["stored_sparql"] = {k: q for k, (_, _, q) in stored.items()}
    del mem

    # Virtuoso wants the file alone in an allowed dir
    vdata = work / "virt-data"
    shutil.rmtree(vdata, ignore_errors=True)
    vdata.mkdir()
    os.link(dump, vdata / "dump.nq") if os.stat(dump).st_dev == os.stat(vdata).st_dev else shutil.copy(dump, vdata / "dump.nq")
    shutil.rmtree(work / "virt", ignore_errors=True)   # a fresh database every run
    v = Virtuoso(work / "virt", data_dir=vdata, buffers=a.buffers, max_query_mem="2G")
    try:
        scale.log(f"virtuoso: starting (isql {v.isql_port}, http {v.http_port}) ...")
        R["virtuoso"] = {"startup_s": round(v.start(), 2)}
        R["virtuoso"]["load_s"] = round(v.load("dump.nq"), 2)
        R["virtuoso"]["pid"] = v.proc.pid
        scale.log(f"virtuoso: loaded in {R['virtuoso']['load_s']} s")
        vk, vc, vi = {}, {}, {}
        with httpx.Client(timeout=300) as c:
            for name, q in queries.items():
                vk[name] = scale.time_runs(lambda: virt_http(v.url, q, False, c))
                vc[name] = scale.time_runs(lambda: virt_http(v.url, q, True, c))
                vi[name] = virt_isql(v, q, a.runs)
                scale.log(f"  virtuoso {name}: keep-alive {scale.fmt_ms(vk[name].get('median_ms'))} ms, close "
                          f"{scale.fmt_ms(vc[name].get('median_ms'))} ms, isql {vi[name].get('median_ms')} ms")
        sk, sc = {}, {}
        with httpx.Client(timeout=300) as c:
            for name, (_, _, q) in stored.items():
                sk[name] = scale.time_runs(lambda: virt_http(v.url, q, False, c))
                sc[name] = scale.time_runs(lambda: virt_http(v.url, q, True, c))
                scale.log(f"  virtuoso stored {name}: keep-alive {scale.fmt_ms(sk[name].get('median_ms'))} ms, "
                          f"close {scale.fmt_ms(sc[name].get('median_ms'))} ms ({sk[name].get('size')} rows)")
        R["virtuoso"].update(keepalive=vk, close=vc, isql=vi, mem=scale.proc_mem(v.proc.pid),
                             stored_keepalive=sk, stored_close=sc)
    finally:
        v.stop()
        shutil.rmtree(vdata, ignore_errors=True)

    if not a.skip_ours:
        srv = scale.Server(store, work / "serve-virtcmp.log")
        try:
            srv.wait_ready()
            with httpx.Client(timeout=120) as c:
                R["ours"] = scale.http_sparql(c, srv.url, scale.load_queries(), params)
            R["ours_mem"] = srv.mem()
        finally:
            srv.stop()
        srv = scale.Server(store, work / "serve-virtcmp-stored.log", env_extra={"GOVKG_RESPONSE_CACHE_MB": "0"})
        try:
            srv.wait_ready()
            R["ours_stored_idle_after_s"] = round(wait_idle(srv.proc.pid), 1)   # warm, as Virtuoso is
            with httpx.Client(timeout=120) as c:
                R["ours_stored"] = ours_stored(c, srv.url, stored)
        finally:
            srv.stop()

    L = [f"# Researcher queries: Virtuoso vs `kg serve`, {a.n:,} synthetic reports ({R['quads']:,} quads)", "",
         f"{R['date']} · Virtuoso load {R['virtuoso']['load_s']} s (start-up {R['virtuoso']['startup_s']} s), "
         f"RSS {R['virtuoso']['mem'].get('VmRSS', '?')} MB (NumberOfBuffers {a.buffers}); "
         f"kg serve RSS {R.get('ours_mem', {}).get('VmRSS', '?')} MB (with its query workers "
         f"{R.get('ours_mem', {}).get('VmRSS_total', '?')} MB). Median ms, warm. The machine is shared: compare "
         "within a row, not across runs.", "",
         "| query | rows ours / virtuoso | in-process mem +ser | ours HTTP | virtuoso HTTP keep-alive | "
         "virtuoso HTTP close | virtuoso isql | ours / virtuoso (close) |",
         "|---|---|---:|---:|---:|---:|---:|---:|"]
    for name in queries:
        o = R.get("ours", {}).get(name, {})
        k, c, i = (R["virtuoso"][x][name] for x in ("keepalive", "close", "isql"))
        m = R["inproc_mem"][name]["ser"]
        ratio = (f"{o['median_ms'] / c['median_ms']:.2f}×" if o.get("median_ms") and c.get("median_ms") else "–")
        rows = f"{o.get('size', '–')} / {k.get('size', k.get('error', '–'))}"
        L.append(f"| {name} | {rows} | {scale.fmt_ms(m.get('median_ms'))} | {scale.fmt_ms(o.get('median_ms'))} | "
                 f"{scale.fmt_ms(k.get('median_ms'))} | {scale.fmt_ms(c.get('median_ms'))} | "
                 f"{i.get('median_ms', i.get('error', '–'))} | {ratio} |")
    L += ["", "## Stored queries (the researcher questions)", "",
          "Median ms, warm. *ours*: `GET /queries/<slug>.json` on `kg serve`, response cache off, answered from the "
          "per-generation citation index (keep-alive client). *virtuoso*: the SPARQL the stored query shows, same "
          "parameters, `GET /sparql` as SPARQL-JSON. Target: ours ≤ virtuoso.", "",
          "| stored query | rows ours / virtuoso | answered from | ours HTTP | virtuoso keep-alive | virtuoso close | "
          "ours / virtuoso (best of the two) | met |", "|---|---|---|---:|---:|---:|---:|---|"]
    for name in stored:
        o = R.get("ours_stored", {}).get(name, {})
        k, c = R["virtuoso"]["stored_keepalive"][name], R["virtuoso"]["stored_close"][name]
        best = min((x["median_ms"] for x in (k, c) if x.get("median_ms") is not None), default=None)
        ratio = o["median_ms"] / best if o.get("median_ms") and best else None
        L.append(f"| {name} | {o.get('size', o.get('error', '–'))} / {k.get('size', k.get('error', '–'))} | "
                 f"{o.get('answered_from', '–')} | {scale.fmt_ms(o.get('median_ms'))} | "
                 f"{scale.fmt_ms(k.get('median_ms'))} | {scale.fmt_ms(c.get('median_ms'))} | "
                 f"{'–' if ratio is None else f'{ratio:.2f}×'} | "
                 f"{'–' if ratio is None else ('yes' if ratio <= 1 else '**no**')} |")
    md = "\n".join(L) + "\n"
    scale.RESULTS.mkdir(parents=True, exist_ok=True)
    (scale.RESULTS / f"virtuoso-{a.n}.md").write_text(md, encoding="utf-8")
    (scale.RESULTS / f"virtuoso-{a.n}.json").write_text(json.dumps(R, ensure_ascii=False, indent=1, default=str),
                                                        encoding="utf-8")
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
