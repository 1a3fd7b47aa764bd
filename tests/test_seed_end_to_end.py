"""The whole chain on the seed report: extract -> RDF -> SHACL -> Oxigraph on disk -> SPARQL and HTTP.

Each assertion is a fact a reader can check in data/seed-xiamen-fao-2025.txt.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from rdflib import Graph, URIRef

from kg.rdf.namespaces import sparql_prefixes
from tests.conftest import SEED, SHARED, needs_shared

P = sparql_prefixes()
AGENCY = "厦门市人民政府外事办公室"


def select(store, body: str) -> list[dict]:
    return store.query(P + body).rows


def values(store, body: str, var: str = "x") -> set[str]:
    return {str(r[var]) for r in select(store, body) if var in r}


@pytest.fixture(scope="module")
def report(seed_store):
    rows = select(seed_store, "SELECT ?r WHERE { ?r a gk:Report }")
    assert len(rows) == 1
    return str(rows[0]["r"])


def test_report_header(seed_store, report):
    r = f"<{report}>"
    assert values(seed_store, f"SELECT ?x WHERE {{ {r} dct:title ?x }}") == {f"{AGENCY}关于2025年法治政府建设工作情况的报告"}
    assert values(seed_store, f"SELECT ?x WHERE {{ {r} gk:issuedBy/rdfs:label ?x }}") == {AGENCY}
    assert "市外办" in values(seed_store, f"SELECT ?x WHERE {{ {r} gk:issuedBy/skos:altLabel ?x }}")
    assert values(seed_store, f"SELECT ?x WHERE {{ {r} gk:docNumber ?x }}") == {"厦政外综〔2026〕18号"}
    assert values(seed_store, f"SELECT ?x WHERE {{ {r} gk:indexNumber ?x }}") == {"XM00128-30-01-2026-005"}
    year = select(seed_store, f"SELECT ?x WHERE {{ {r} gk:yearCovered ?x }}")[0]["x"]
    assert str(year) == "2025" and str(year.datatype).endswith("#gYear")
    assert values(seed_store, f"SELECT ?x WHERE {{ {r} dct:issued ?x }}") == {"2026-02-14"}
    addressees = values(seed_store, f"SELECT ?x WHERE {{ {r} gk:addressee/rdfs:label ?x }}")
    assert addressees == {"中共厦门市委员会", "厦门市人民政府"}


def test_initiatives_done_and_planned(seed_store, report):
    rows = select(seed_store, f"""SELECT ?title ?status WHERE {{
        <{report}> gk:hasInitiative ?i . ?i schema:name ?title ; schema:actionStatus ?status }}""")
    done = {str(r["title"]) for r in rows if str(r["status"]).endswith("CompletedActionStatus")}
    planned = {str(r["title"]) for r in rows if str(r["status"]).endswith("PotentialActionStatus")}
    for item in ("加强外事惠企服务", "协同推进涉外法治", "严格落实重大行政决策制度", "深化专项普法宣传", "创新涉外法治宣传"):
        assert any(item in t for t in done), item
    for item in ("加强理论武装", "提升工作质效", "落实工作责任"):
        assert any(item in t for t in planned), item
    assert not done & planned


def test_instruments_and_kinds(seed_store, report):
    rows = select(seed_store, f"""SELECT ?name ?kind WHERE {{
        <{report}> gk:cites ?i . ?i rdfs:label ?name ; eli:type_document/skos:notation ?kind }}""")
    kinds = {str(r["name"]): str(r["kind"]) for r in rows}
    expected = {
        "重大行政决策程序暂行条例": "admin_regulation",
        "中华人民共和国政府信息公开条例": "admin_regulation",
        "中华人民共和国领事保护与协助条例": "admin_regulation",
        "厦门市法治政府建设实施方案(2021-2025年)": "policy",
        "中华人民共和国宪法": "law",
        "中华人民共和国民法典": "law",
    }
    for name, kind in expected.items():
        assert kinds.get(name) == kind, (name, kinds)
    assert "中共厦门市人民政府外事办公室党组议事规则" in kinds
    assert "厦门市人民政府外事办公室主任办公会议制度" in kinds
    for generic in ("国家安全法律法规", "厦门市相关规定", "法律法规", "党内法规"):
        assert generic not in kinds


def test_events(seed_store, report):
    names = values(seed_store, f"SELECT ?x WHERE {{ <{report}> gk:mentionsEvent/rdfs:label ?x }}")
    for e in ("全民国家安全教育日", "宪法宣传周", "一带一路", "领事保护公益海报设计大赛", "2025厦门领事保护宣传月"):
        assert any(e in n for n in names), (e, names)
    # “4·15” is the day of the event, not part of its name (one node whichever way a report writes it)
    assert values(seed_store, 'SELECT ?x WHERE { ?e rdfs:label "全民国家安全教育日"@zh-Hans ; gk:recurringDay ?x }') \
        == {"--04-15"}


def test_every_fact_has_evidence_into_the_stored_text(seed_store, report):
    text = str(select(seed_store, f"SELECT ?t WHERE {{ <{report}> gk:hasText/gk:content ?t }}")[0]["t"])
    rows = select(seed_store, """SELECT ?body ?exact ?start ?end WHERE {
        ?a a oa:Annotation ; oa:hasBody ?body ; oa:hasTarget ?t .
        ?t oa:hasSelector ?q , ?p . ?q a oa:TextQuoteSelector ; oa:exact ?exact .
        ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end }""")
    assert len(rows) > 20
    for r in rows:
        assert text[int(r["start"]):int(r["end"])] == str(r["exact"])
    # every cited instrument, event and initiative has at least one annotation
    missing = select(seed_store, f"""SELECT ?x WHERE {{
        {{ <{report}> gk:cites ?x }} UNION {{ <{report}> gk:mentionsEvent ?x }} UNION {{ <{report}> gk:hasInitiative ?x }}
        FILTER NOT EXISTS {{ ?a oa:hasBody ?x }} }}""")
    assert not missing


def test_personal_contact_not_published(seed_store):
    import io
    buf = io.BytesIO()
    seed_store.dump(buf, "nquads")
    data = buf.getvalue().decode()
    assert "13860183130" not in data and "郑腾川" not in data
    assert "厦门市人民政府外事办公室" in data


def test_same_agency_is_one_node_across_reports(tmp_path, seed_settings):
    """Two reports by the same office: one agency node, one node per shared law."""
    from dataclasses import replace

    from kg.build import build
    from kg.store.base import open_store

    other = tmp_path / "reports"
    other.mkdir()
    (other / "a.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (other / "b.txt").write_text(
        "厦门市人民政府外事办公室关于2024年法治政府建设工作情况的报告\n市委、市政府:\n"
        "2024年,市外办深入学习《中华人民共和国政府信息公开条例》,开展宪法宣传周活动。\n"
        "厦门市人民政府外事办公室\n2025年2月10日\n", encoding="utf-8")
    s = replace(seed_settings, store=f"oxigraph:{tmp_path / 'store'}", quarantine=tmp_path / "q")
    store = open_store(s.store)
    try:
        summary = build([str(other)], store, s, progress=False)
        assert len(summary.accepted) == 2, summary.line()
        agencies = values(store, f'SELECT DISTINCT ?x WHERE {{ ?x a gk:Agency ; rdfs:label "{AGENCY}"@zh-Hans }}')
        assert len(agencies) == 1
        reports = values(store, f"SELECT ?x WHERE {{ ?x gk:issuedBy <{agencies.pop()}> }}")
        assert len(reports) == 2
        law = values(store, 'SELECT DISTINCT ?x WHERE { ?r gk:cites ?x . ?x rdfs:label "中华人民共和国政府信息公开条例"@zh-Hans }')
        assert len(law) == 1
        labels = select(store, 'SELECT (COUNT(*) AS ?n) WHERE { ?x rdfs:label "中华人民共和国政府信息公开条例"@zh-Hans }')
        assert int(labels[0]["n"]) == 1, "a shared node's label must be stored once"
    finally:
        store.close()


def _process_files_logging_gc(paths, settings):
    """kg.build.process_files, first writing this process's collector settings to $GOVKG_TEST_GC_LOG (module level:
    the pool pickles it by name for the forked workers)."""
    import gc
    import os

    import kg.build as kb
    with open(os.environ["GOVKG_TEST_GC_LOG"], "a") as fh:
        fh.write(f"{os.getpid()} {gc.get_threshold()} {gc.get_freeze_count() > 0}\n")
    return kb._real_process_files(paths, settings)


def test_the_build_workers_run_under_the_build_collector(tmp_path, seed_settings, monkeypatch):
    """The gain is in the forked workers: they must inherit the frozen pipeline and the thresholds."""
    import os
    from dataclasses import replace

    import kg.build as kb
    from kg.store.base import open_store

    reports = tmp_path / "reports"
    reports.mkdir()
    text = SEED.read_text(encoding="utf-8")
    for k in range(4):
        (reports / f"r{k}.txt").write_text(text.replace("2025", str(2020 + k)), encoding="utf-8")
    log = tmp_path / "gc.log"
    monkeypatch.setenv("GOVKG_TEST_GC_LOG", str(log))
    monkeypatch.setattr(kb, "_real_process_files", kb.process_files, raising=False)
    monkeypatch.setattr(kb, "process_files", _process_files_logging_gc)
    monkeypatch.setattr(kb, "VALIDATE_BATCH", 1)   # one report per task: both workers get some
    s = replace(seed_settings, store=f"oxigraph:{tmp_path / 'store'}", quarantine=tmp_path / "q")
    store = open_store(s.store)
    try:
        summary = kb.build([str(reports)], store, s, progress=False, jobs=2)
    finally:
        store.close()
    assert len(summary.accepted) == 4, summary.line()
    lines = log.read_text().splitlines()
    pids = {line.split()[0] for line in lines}
    assert str(os.getpid()) not in pids and len(lines) == 4   # all in worker processes
    assert all(line.split(" ", 1)[1] == f"{kb.BUILD_GC_THRESHOLD} True" for line in lines), lines


def test_build_tunes_the_collector_only_while_it_runs(tmp_path, seed_settings, monkeypatch):
    """The workers map and validate under kg build's collector settings (frozen pipeline, rarer collections); the
    process gets its own settings back after the build, and after a build that fails too."""
    import gc
    from dataclasses import replace

    import kg.build as kb
    from kg.store.base import open_store

    seen = []
    real = kb.process_files

    def spy(paths, settings):
        seen.append((gc.get_threshold(), gc.get_freeze_count() > 0))
        return real(paths, settings)

    monkeypatch.setattr(kb, "process_files", spy)
    before, frozen_before = gc.get_threshold(), gc.get_freeze_count()
    s = replace(seed_settings, store=f"oxigraph:{tmp_path / 'store'}", quarantine=tmp_path / "q")
    store = open_store(s.store)
    try:
        summary = kb.build([str(SEED)], store, s, progress=False, jobs=1)
        assert summary.accepted == [str(SEED)]
        assert seen == [(kb.BUILD_GC_THRESHOLD, True)]
        assert (gc.get_threshold(), gc.get_freeze_count()) == (before, frozen_before)

        def fail(*a, **kw):
            raise RuntimeError("disk full")

        monkeypatch.setattr(kb.BuildRecords, "remember", fail)
        with pytest.raises(RuntimeError):
            kb.build([str(SEED)], store, s, progress=False, jobs=1, full=True)
        assert (gc.get_threshold(), gc.get_freeze_count()) == (before, frozen_before)
    finally:
        store.close()


def test_broken_graph_is_rejected_and_not_stored(tmp_path, seed_settings, monkeypatch):
    from dataclasses import replace

    import kg.rdf.mapping as mapping
    from kg.build import build
    from kg.rdf.namespaces import DCTERMS, GK
    from kg.store.base import open_store

    real = mapping.map_extraction

    def broken(*a, **kw):
        rg = real(*a, **kw)
        rg.report.remove((URIRef(rg.report_iri), DCTERMS.title, None))   # a report must have a title
        rg.report.remove((URIRef(rg.report_iri), GK.issuedBy, None))     # and an issuer
        return rg

    monkeypatch.setattr(mapping, "map_extraction", broken)
    s = replace(seed_settings, store=f"oxigraph:{tmp_path / 'store'}", quarantine=tmp_path / "quarantine")
    store = open_store(s.store)
    try:
        summary = build([str(SEED)], store, s, progress=False, jobs=1)
        assert summary.rejected == [str(SEED)] and not summary.accepted
        assert summary.exit_code == 4
        assert not select(store, "SELECT ?r WHERE { ?r a gk:Report }")
        report = (tmp_path / "quarantine" / (SEED.name + ".validation.txt")).read_text(encoding="utf-8")
        assert "issuedBy" in report or "title" in report
    finally:
        store.close()


def test_http_sparql_and_agency_page(seed_store, seed_settings):
    from fastapi.testclient import TestClient

    from kg.web.app import create_app

    client = TestClient(create_app(store=seed_store, settings=seed_settings))
    q = P + f"""SELECT DISTINCT ?name WHERE {{ ?a rdfs:label "{AGENCY}"@zh-Hans .
        ?r gk:issuedBy ?a ; gk:cites ?i . ?i rdfs:label ?name }}"""
    r = client.get("/sparql", params={"query": q}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200
    names = {b["name"]["value"] for b in r.json()["results"]["bindings"]}
    assert {"中华人民共和国宪法", "中华人民共和国政府信息公开条例", "重大行政决策程序暂行条例"} <= names

    agency = values(seed_store, f'SELECT ?x WHERE {{ ?x a gk:Agency ; rdfs:label "{AGENCY}"@zh-Hans }}').pop()
    path = agency[len(seed_settings.base_iri) - 1:]
    page = client.get(path, headers={"Accept": "text/html"}, follow_redirects=True)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    for name in ("中华人民共和国政府信息公开条例", "重大行政决策程序暂行条例"):
        assert name in page.text
    ttl = client.get(path, headers={"Accept": "text/turtle"}, follow_redirects=True)
    assert ttl.status_code == 200
    g = Graph().parse(data=ttl.text, format="turtle")
    assert (URIRef(agency), None, None) in g


def test_home_examples_have_rows_on_the_sample(seed_store, seed_settings):
    """The sample `kg serve` publishes (one report, none of the defaults' agency, year or laws): the examples take
    their parameters from the data, so each one shows rows."""
    import html
    import re

    from fastapi.testclient import TestClient

    from kg.web import analytics
    from kg.web.app import create_app

    client = TestClient(create_app(store=seed_store, settings=seed_settings))
    analytics.citation_index(client.app.state.service)   # built as the warm thread builds it
    page = client.get("/", headers={"Accept": "text/html"}).text
    hrefs = [html.unescape(h) for h in re.findall(r'href="(/sparql\?query=[^"]+)"', page)]
    assert len(hrefs) == 5
    for href in hrefs:
        r = client.get(href, headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200 and r.json()["results"]["bindings"], href
    assert "2025" in hrefs[1] and "2023" not in hrefs[1]


@needs_shared()
def test_scorer_runs_on_the_dev_corpus(tmp_path):
    out = tmp_path / "score.json"
    kg = [sys.executable, "-m", "kg.cli", "extract", "{file}", "--format", "json"]
    done = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), "--gold", str(SHARED / "eval/dev/gold.jsonl"),
                           "--texts", str(SHARED / "corpus/dev"), "--cmd", " ".join(kg), "--json", str(out), "--quiet"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    figures = json.loads(out.read_text())["figures"]
    assert figures["failed"] == 0
    assert figures["spans_valid"] == 1.0
