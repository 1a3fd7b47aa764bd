"""Kill `kg build` (SIGKILL, at random moments) again and again: the store is always at the last whole state —
every report graph in it complete or absent, never half — it still opens and answers, and a final build equals a
reference build. And `kg serve` goes on answering, consistently, while a rebuild publishes new data."""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from kg.config import ROOT

from .conftest import KG, Server, all_quads, graph_digests, kg, kg_env

ITERATIONS = int(os.environ.get("GOVKG_CRASH_ITERATIONS", "12"))
BASE = "http://127.0.0.1:8000/"
RESULTS: dict = {}


@pytest.fixture(scope="module")
def reference(tmp_path_factory, synth_corpus):
    tmp = tmp_path_factory.mktemp("ref")
    t0 = time.monotonic()
    r = kg(["build", str(synth_corpus), "--store", f"oxigraph:{tmp / 'store'}", "--base", BASE, "--quiet"], tmp)
    assert r.returncode == 0, r.stderr
    return {"store": tmp / "store", "seconds": time.monotonic() - t0, "digests": graph_digests(tmp / "store"),
            "quads": all_quads(tmp / "store")}


def _check_whole(store: Path, ref: dict) -> int:
    """Every report graph complete (same count and hash as the reference) or absent; records match graphs."""
    from kg.store.oxigraph import OxigraphStore

    d = graph_digests(store)
    reports = {g for g in d if "/graph/report/" in g}
    for g in reports:
        assert g in ref["digests"] and d[g] == ref["digests"][g], f"half-written graph {g}: {d[g]} vs {ref['digests'].get(g)}"
    # entities: only descriptions the reference has; build records: exactly the graphs present
    if BASE + "graph/entities" in d:
        pass
    s = OxigraphStore(store)
    try:
        n = s.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0]["n"]
        assert int(n) >= 0
        recorded = {str(r["g"]) for r in s.query(
            "PREFIX gk: <https://w3id.org/govkg/def#> SELECT DISTINCT ?g WHERE { GRAPH ?b { ?g gk:sourcePath ?p } }").rows}
    finally:
        s.close()
    assert recorded == reports
    return len(reports)


@pytest.mark.slow
def test_sigkill_at_random_moments_leaves_a_whole_store(tmp_path, synth_corpus, reference):
    rnd = random.Random(int(os.environ.get("GOVKG_CRASH_SEED", "6")))
    store = tmp_path / "store"
    ref_quads = reference["quads"]
    window = min(8.0, max(2.0, reference["seconds"] * 1.1))
    total = sum(1 for g in reference["digests"] if "/graph/report/" in g)
    log = []
    before = 0   # report graphs in the store before the run
    for i in range(ITERATIONS):
        full = rnd.random() < 0.5
        # An incremental build of a complete store has nothing to do (it ends in well under a second without
        # writing): only --full runs and runs on an incomplete store can be killed mid-build.
        work = full or before < total
        args = KG + ["build", str(synth_corpus), "--store", f"oxigraph:{store}", "--base", BASE, "--quiet"]
        args += ["--full"] if full else []
        # small transactions, so kills land before, between, inside and after commits
        p = subprocess.Popen(args, cwd=ROOT, env=kg_env(tmp_path, GOVKG_COMMIT_EVERY="4"),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        delay = rnd.uniform(0.3, window)
        try:
            p.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            pass
        killed = p.poll() is None
        try:
            os.killpg(p.pid, signal.SIGKILL)   # the build and its worker processes (its own session)
        except ProcessLookupError:
            pass
        p.wait(timeout=30)
        p.stderr.close()
        n = _check_whole(store, reference)
        log.append((round(delay, 2), full, killed, n, work))
        before = n
    RESULTS["kills"] = log
    r = kg(["build", str(synth_corpus), "--store", f"oxigraph:{store}", "--base", BASE, "--quiet"], tmp_path)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert all_quads(store) == ref_quads
    worked = [k for _, _, k, _, w in log if w]
    assert len(worked) >= 3 and sum(worked) >= (len(worked) + 1) // 2, log   # most builds were killed mid-run
    print("\nkill log (delay s, --full, killed mid-run, report graphs after, had work):", log)


@pytest.mark.slow
def test_serving_goes_on_during_a_rebuild(tmp_path, synth_corpus):
    import httpx

    files = sorted(synth_corpus.glob("*.txt"))
    folder = tmp_path / "in"
    folder.mkdir()
    for f in files[:20]:
        shutil.copyfile(f, folder / f.name)
    store = tmp_path / "store"
    port = __import__("tests.robustness.conftest", fromlist=["free_port"]).free_port()
    base = f"http://127.0.0.1:{port}/"
    r = kg(["build", str(folder), "--store", f"oxigraph:{store}", "--base", base, "--quiet"], tmp_path)
    assert r.returncode == 0, r.stderr
    count_q = "PREFIX gk: <https://w3id.org/govkg/def#> SELECT (COUNT(?r) AS ?n) WHERE { ?r a gk:Report }"
    with Server(store, tmp_path, port=port) as srv:
        c = httpx.Client(base_url=srv.url, timeout=30, follow_redirects=True)
        rows = c.get("/sparql", params={"query": count_q}, headers={"Accept": "text/csv"}).text.split()
        before = int(rows[1])
        report = c.get("/reports.json").json()
        first = next(iter(report["items"]))["iri"] if "items" in report else None
        for f in files[20:]:
            shutil.copyfile(f, folder / f.name)
        stop = threading.Event()
        seen, statuses = [], []

        def poll():
            while not stop.is_set():
                a = c.get("/sparql", params={"query": count_q}, headers={"Accept": "text/csv"})
                statuses.append(a.status_code)
                if a.status_code == 200:
                    seen.append(int(a.text.split()[1]))
                if first:
                    b = c.get(first.replace(base, "/"), headers={"Accept": "text/html"})
                    statuses.append(b.status_code)

        t = threading.Thread(target=poll)
        t.start()
        try:
            rb = kg(["build", str(folder), "--store", f"oxigraph:{store}", "--base", base, "--quiet"], tmp_path)
            time.sleep(1.0)
        finally:
            stop.set()
            t.join(60)
        assert rb.returncode == 0, rb.stderr
        after = int(c.get("/sparql", params={"query": count_q}, headers={"Accept": "text/csv"}).text.split()[1])
        c.close()
    assert (before, after) == (20, len(files))
    assert statuses and set(statuses) == {200}, sorted(set(statuses))
    assert set(seen) <= {before, after}, sorted(set(seen))
    assert seen[-1] == after
    RESULTS["serve"] = {"requests": len(statuses), "counts": sorted(set(seen))}
    print(f"\nserved {len(statuses)} requests during the rebuild, all 200; counts seen {sorted(set(seen))}")
