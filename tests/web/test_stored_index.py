"""The researcher stored queries answered from the per-generation CitationIndex give the same rows as the SPARQL
each page shows, on a real on-disk store built by `kg build` from `kg synth` reports; the index file saved for a
generation is reused by another process and ignored for another generation."""
from __future__ import annotations

import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kg.config import Settings
from kg.publish import citations
from kg.store.oxigraph import OxigraphStore
from kg.web import analytics, queries
from kg.web.app import create_app
from kg.web.service import KGService, iri_ref, literal

ROOT = Path(__file__).resolve().parents[2]
BASE = "http://testserver/"
N_REPORTS = 120


def kg(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "kg.cli", *args], cwd=ROOT, check=True, capture_output=True, timeout=600,
                   env={**__import__("os").environ, "GOVKG_BASE_IRI": BASE})


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stored-index")
    kg("synth", str(N_REPORTS), str(tmp / "corpus"))
    kg("build", str(tmp / "corpus"), "--store", f"oxigraph:{tmp / 'store'}", "--base", BASE, "--no-dumps", "--quiet")
    store = OxigraphStore(tmp / "store")
    svc = KGService(store, Settings(base_iri=BASE, store=f"oxigraph:{tmp / 'store'}"))
    yield tmp, store, svc
    store.close()


@contextmanager
def _store_queries(store):
    """The queries sent to the store inside the block (a list, filled as they run)."""
    run = []
    original = store.query
    store.query = lambda q, **kw: run.append(q) or original(q, **kw)
    try:
        yield run
    finally:
        del store.query


def _loaded_service(store, settings, gen) -> KGService:
    """A service as a server starts one: what is saved for the generation loaded, nothing computed on a
    request's behalf."""
    svc = KGService(store, settings)
    svc.warms_in_background = True
    svc.load_saved(gen)
    return svc


def _rows(columns, rows, ix) -> list[tuple]:
    """Rows as tuples of strings; a label column is blanked for IRIs with several rdfs:labels (SAMPLE may pick
    any of them)."""
    out = []
    for r in rows:
        vals = []
        for c in columns:
            v = queries._json_value(r.get(c))
            if c == "label":
                iri = str(r.get(columns[0]))
                if ix.n_labels.get(iri, 0) > 1:
                    v = "*"
            vals.append(v)
        out.append(tuple(vals))
    return out


def _same(slug, columns, got, want, limit, count_col) -> None:
    """Equal rows in the same order; where LIMIT cut through a run of equal counts (and labels), the rows of that
    last run may be any of the tied ones, so they are compared by count only."""
    assert len(got) == len(want), slug
    k = columns.index(count_col)
    assert [r[k] for r in got] == [r[k] for r in want], slug
    if len(want) == limit and want:
        last = want[-1][k]
        assert [r for r in got if r[k] != last] == [r for r in want if r[k] != last], slug
    else:
        assert got == want, slug


def _params(ix) -> list[tuple[str, dict]]:
    insts = sorted(ix.by_inst, key=lambda i: (-len(ix.by_inst[i]), i))
    ags = sorted(ix.by_agency, key=lambda a: (-len(ix.by_agency[a]), a))
    out = [("instruments-cited-by-agency", {"agency": a}) for a in ags[:3] + ags[-1:]]
    out += [("most-cited", {"year": y}) for y in sorted(ix.by_year)]
    out += [("agencies-citing-both", {"a": a, "b": b}) for a, b in [(insts[0], insts[1]), (insts[1], insts[5]),
                                                                   (insts[0], insts[-1])]]
    out += [("co-citation", {"instrument": i}) for i in insts[:3] + insts[-1:]]
    return out


LIMITS = {"instruments-cited-by-agency": (queries.ROW_LIMIT, "reports"), "most-cited": (50, "reports"),
          "agencies-citing-both": (queries.ROW_LIMIT, "reportsCitingA"), "co-citation": (50, "reports")}


def test_index_answers_equal_the_sparql(built):
    _, store, svc = built
    ix = citations.CitationIndex.from_store(store)
    assert len(ix.by_report) > N_REPORTS // 2 and len(ix.by_year) >= 2
    cases = _params(ix)
    assert {s for s, _ in cases} == set(queries.FROM_INDEX)
    nonempty = 0
    for slug, values in cases:
        terms = {k: (literal(v) if k == "year" else iri_ref(v)) for k, v in values.items()}
        res = store.query(queries.STORED[slug].sparql(terms), max_rows=queries.ROW_LIMIT)
        columns = [str(c) for c in res.vars]
        got_cols, got = queries.answer_from_index(ix, slug, values)
        assert got_cols == columns, slug
        limit, count_col = LIMITS[slug]
        _same(slug, columns, _rows(columns, got, ix), _rows(columns, res.rows, ix), limit, count_col)
        nonempty += bool(res.rows)
    assert nonempty >= len(cases) - 2     # the comparisons were not all of empty answers


def test_index_file_is_reused_and_keyed_by_generation(built):
    _, store, _ = built
    gen = store.generation()
    path = citations.cache_file(store, gen, "citation-index")
    path.unlink(missing_ok=True)
    first = citations.load_or_build(store)
    assert path.exists()
    again = citations.load_saved_index(store, gen)
    assert again.by_inst == first.by_inst and again.years == first.years and again.label == first.label
    assert citations.tables_from_json(path.read_bytes(), gen + "x") is None   # another generation: not used
    path.write_bytes(b"{not json")              # a damaged file is ignored and rewritten
    assert citations.load_or_build(store).by_report == first.by_report
    assert citations.tables_from_json(path.read_bytes(), gen) is not None


def test_stored_query_json_from_the_index_over_http(built):
    tmp, store, _ = built
    app = create_app(store, Settings(base_iri=BASE, store=f"oxigraph:{tmp / 'store'}"))
    with TestClient(app) as c:
        svc = app.state.service
        assert svc.warms_in_background
        deadline = time.time() + 60
        while analytics.citation_index(svc, wait=False) is None and time.time() < deadline:
            time.sleep(0.05)
        ix = analytics.citation_index(svc, wait=False)
        assert ix is not None, "the background thread did not build the index"
        inst = max(ix.by_inst, key=lambda i: (len(ix.by_inst[i]), i))
        r = c.get("/queries/co-citation.json", params={"instrument": inst})
        assert r.status_code == 200
        body = r.json()
        res = store.query(body["sparql"], max_rows=queries.ROW_LIMIT)   # the SPARQL the page shows
        want = _rows(body["columns"], res.rows, ix)
        got = [tuple(row[c] for c in body["columns"]) for row in body["rows"]]
        got = [tuple("*" if c == "label" and ix.n_labels.get(row[0], 0) > 1 else v
                     for c, v in zip(body["columns"], row)) for row in got]
        _same("co-citation", body["columns"], got, want, 50, "reports")
        # the HTML page still shows that SPARQL for researchers to copy
        page = c.get("/queries/co-citation", params={"instrument": inst}, headers={"Accept": "text/html"})
        assert page.status_code == 200 and "FILTER(?other != " in page.text


def test_hub_pages_saved_then_answered_without_store_queries(built):
    """What warming computed for the hubs is saved per generation; another process (or a restart) loads it and
    answers the most-cited instrument's page with no store query at all."""
    tmp, store, _ = built
    settings = Settings(base_iri=BASE, store=f"oxigraph:{tmp / 'store'}")
    warmed = KGService(store, settings)
    warmed.warm()
    gen = store.generation()
    assert citations.cache_file(store, gen, "hub-pages").exists()
    hub = analytics.citation_index(warmed).hubs[0]
    t = __import__("kg.web.i18n", fromlist=["translator"]).translator("en")
    want_entity, want_view = warmed.entity(hub, "en"), analytics.instrument_view(warmed, hub, "en", t)

    restarted = _loaded_service(store, settings, gen)
    with _store_queries(store) as queries_run:
        got_entity, got_view = restarted.entity(hub, "en"), analytics.instrument_view(restarted, hub, "en", t)
    assert queries_run == []
    assert got_entity["label"] == want_entity["label"] and got_entity["evidence"] == want_entity["evidence"]
    assert [(g.prop, g.total, [v.text for v in g.values]) for g in got_entity["incoming"]] == \
        [(g.prop, g.total, [v.text for v in g.values]) for g in want_entity["incoming"]]
    assert got_view["reports"][:100] == want_view["reports"][:100] and got_view["agencies"] == want_view["agencies"]


def test_network_edges_from_the_index_equal_the_sparql(built):
    _, store, svc = built
    ix = citations.CitationIndex.from_store(store)
    codes = sorted({c for cs in ix.region_codes.values() for c in cs})
    kinds = sorted({k for ks in ix.kinds.values() for k in ks})
    year = max(ix.by_year, key=lambda y: len(ix.by_year[y]))
    t = __import__("kg.web.i18n", fromlist=["translator"]).translator("en")
    cases = [{}, {"year": year}, {"region": codes[0][:2]}, {"kind": kinds[0]},
             {"year": year, "region": codes[-1], "kind": kinds[-1]}]
    nonempty = 0
    for f in cases:
        q = analytics.network(svc, "en", t, **f)["sparql"]       # no background thread: the index answers
        want = sorted((str(r["a"]), str(r["inst"]), int(r["n"])) for r in store.query(q).rows)
        prefix = None
        if "region" in f:
            prefix = f["region"].rstrip("0") if len(f["region"]) == 6 else f["region"]
        got = sorted((r["a"], r["inst"], r["n"]) for r in
                     analytics.network_edges(ix, f.get("year"), prefix, f.get("kind")))
        assert got == want, f
        nonempty += bool(want)
    assert nonempty >= 3


def test_graph_stats_never_hold_up_a_page_and_are_saved(built):
    """Counting quads reads every one: warming does it (as a query, other threads run meanwhile) and saves it for
    the generation; until then the home page leaves the figure out rather than wait; a restart loads it."""
    import threading

    tmp, store, _ = built
    settings = Settings(base_iri=BASE, store=f"oxigraph:{tmp / 'store'}")
    gen = store.generation()
    saved = citations.cache_file(store, gen, "graph-stats")
    saved.unlink(missing_ok=True)
    app = create_app(store, settings)
    svc = app.state.service
    counting, release = threading.Event(), threading.Event()
    real_count = svc._count

    def slow_count(q, memo=False):   # the warmer's quad count, held until the page has been served
        if "COUNT(*)" in q:
            counting.set()
            release.wait(60)
        return real_count(q, memo=memo)
    svc._count = slow_count
    try:
        with TestClient(app) as c:     # starts the warmer thread
            assert counting.wait(60), "warming never counted the quads"
            page = c.get("/", headers={"Accept": "text/html", "Accept-Language": "en"})
            assert page.status_code == 200 and "named graphs" not in page.text
            assert page.headers["cache-control"] == "no-store"     # not kept by the response cache either
            release.set()
            app.state.warmer.stop()
    finally:
        release.set()
    deadline = time.monotonic() + 60
    while svc.graph_stats(wait=False) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    stats = svc.graph_stats(wait=False)
    assert stats == {"quads": len(store), "graphs": len(store.graph_names())}
    assert saved.exists()
    restarted = KGService(store, settings)
    restarted.load_saved(gen)
    assert restarted.graph_stats(wait=False) == stats
    with TestClient(create_app(store, settings)) as c:
        page = c.get("/", headers={"Accept": "text/html", "Accept-Language": "en"})
    assert f"{stats['quads']} quads" in page.text


def test_the_warm_thread_hands_freed_memory_back_after_each_generation(built, monkeypatch):
    """Once a generation's statistics are computed, the warm thread trims the heap (glibc keeps what warming
    freed: a server's first run after a build stayed 90 MB above what it needed at 50,000 reports)."""
    import threading
    import types

    import kg.web.app as app_mod
    tmp, store, _ = built
    svc = KGService(store, Settings(base_iri=BASE, store=f"oxigraph:{tmp / 'store'}"))
    warmer = app_mod.Warmer(types.SimpleNamespace(store=store, service=svc))
    trimmed = []   # by this warmer's thread (other tests' servers may still be warming): were the stats done?

    def trim():
        if threading.current_thread() is warmer.thread:
            trimmed.append(svc.memo.peek(store.generation(), "graph_stats") is not None)

    monkeypatch.setattr(app_mod, "return_freed_memory", trim)
    assert warmer.enabled
    warmer.start()
    try:
        deadline = time.monotonic() + 60
        while not trimmed and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(2.5)   # one more round of the thread: the same generation is not warmed (nor trimmed) again
    finally:
        warmer.stop()
    assert trimmed == [True]


def test_handing_memory_back_is_skipped_without_glibc(monkeypatch):
    import ctypes

    from kg.web.service import return_freed_memory

    def no_libc(*_a, **_k):
        raise OSError("no such library")

    monkeypatch.setattr(ctypes, "CDLL", no_libc)
    assert return_freed_memory() is None   # no error: the server goes on without it


def test_a_bulk_build_saves_the_hub_pages_and_counts_a_small_rebuild_leaves_them_to_the_server(tmp_path):
    """After a build that wrote at least GOVKG_PRECOMPUTE_MIN_REPORTS reports, the new generation's hub pages and store
    counts are already saved: a server's first run answers the most-cited instrument's page and the home page's
    counts without a store query. After a smaller rebuild nothing is precomputed (it would multiply its time)."""
    import os
    corpus, spec = tmp_path / "corpus", f"oxigraph:{tmp_path / 'store'}"
    kg("synth", "12", str(corpus))
    env = {**os.environ, "GOVKG_BASE_IRI": BASE, "GOVKG_PRECOMPUTE_MIN_REPORTS": "10"}

    def build(*flags):
        return subprocess.run([sys.executable, "-m", "kg.cli", "build", str(corpus), "--store", spec, "--base", BASE,
                               "--no-dumps", *flags], cwd=ROOT, check=True, capture_output=True, text=True,
                              timeout=600, env=env).stderr

    assert "saving the hub pages" in build()
    store = OxigraphStore(tmp_path / "store")
    try:
        settings = Settings(base_iri=BASE, store=spec)
        gen = store.generation()
        assert citations.cache_file(store, gen, "hub-pages").exists()
        assert citations.cache_file(store, gen, "graph-stats").exists()
        svc = _loaded_service(store, settings, gen)
        with _store_queries(store) as queries_run:
            hub = analytics.citation_index(svc).hubs[0]
            t = __import__("kg.web.i18n", fromlist=["translator"]).translator("zh")
            assert svc.entity(hub, "zh") is not None and analytics.instrument_view(svc, hub, "zh", t)["reports"]
            assert svc.graph_stats(wait=False) == {"quads": len(store), "graphs": len(store.graph_names())}
        assert queries_run == []

        # one report changed: a new generation, its citation index saved, its pages left to the server
        first = sorted(corpus.glob("*.txt"))[0]
        first.write_text(first.read_text(encoding="utf-8") + "\n本报告另附说明。\n", encoding="utf-8")
        assert "saving the hub pages" not in build("--quiet")
        store.refresh()
        gen2 = store.generation()
        assert gen2 != gen
        assert citations.cache_file(store, gen2, "citation-index").exists()
        assert not citations.cache_file(store, gen2, "hub-pages").exists()
        assert not citations.cache_file(store, gen2, "graph-stats").exists()
    finally:
        store.close()
