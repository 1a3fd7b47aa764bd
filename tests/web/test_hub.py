"""An entity with thousands of incoming links renders one page per property, counted, never fetched whole."""

import pytest
from fastapi.testclient import TestClient
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg.rdf.namespaces import GK, OA
from kg.store.memory import MemoryStore
from kg.web.app import create_app
from kg.web.service import PAGE_SIZE

from conftest import TEST_BASE, load_fixture, make_settings

N = 3000


@pytest.fixture(scope="module")
def hub():
    store = MemoryStore()
    load_fixture(store, TEST_BASE)
    hub = URIRef(TEST_BASE + "id/instrument/i1")
    triples = []
    for i in range(N):
        ini = URIRef(f"{TEST_BASE}id/report/big/initiative/{i:05d}")
        triples += [(ini, RDF.type, GK.Initiative), (ini, GK.cites, hub),
                    (ini, RDFS.label, Literal(f"举措{i:05d}", lang="zh-Hans"))]
        if i < 45:
            ann = URIRef(f"{TEST_BASE}id/report/big/annotation/{i:05d}")
            triples += [(ann, OA.hasBody, hub)]
    with store.transaction() as tx:
        tx.add(TEST_BASE + "graph/report/big", triples)
    calls = []
    orig = store.query

    def counting_query(sparql, **kw):  # record how many rows each page query asks the store for
        res = orig(sparql, **kw)
        calls.append(len(res.rows) + len(res.triples))
        return res
    store.query = counting_query
    with TestClient(create_app(store, make_settings())) as c:
        yield c, calls


def test_hub_page_is_paged(hub):
    client, calls = hub
    calls.clear()
    r = client.get("/doc/instrument/i1", headers={"Accept": "text/html"})
    assert r.status_code == 200
    assert max(calls) < 500  # no query brought back the thousands of links
    assert f"<small class=\"muted\">{N + 3}</small>" in r.text  # gk:cites: N initiatives + r1, r2, n1
    assert r.text.count("/doc/report/big/initiative/") == PAGE_SIZE


def test_hub_pages_partition_the_links(hub):
    """Every citing node is on exactly one page: the pages come in the store's order of one generation (no ORDER
    BY, which costs seconds on disk for a law cited thousands of times), so they must not overlap or skip."""
    import re
    client, _ = hub
    prop = str(GK.cites)
    everyone = {f"/doc/report/big/initiative/{i:05d}" for i in range(N)} | {
        "/doc/report/r1", "/doc/report/r1/initiative/n1", "/doc/report/r2"}
    pages = -(-len(everyone) // PAGE_SIZE)
    seen: list[str] = []
    for page in range(1, pages + 1):
        r = client.get("/doc/instrument/i1", params={"prop": prop, "page": page}, headers={"Accept": "text/html"})
        assert r.status_code == 200 and f"{page} / {pages}" in r.text
        on_page = set(re.findall(r'href="(/doc/report/(?:big/initiative/\d+|r[12](?:/initiative/n1)?))"', r.text))
        on_page &= everyone   # the page's other sections link reports too (r1, r2): count each link once
        seen += sorted(x for x in on_page if x.startswith("/doc/report/big/"))
    assert len(seen) == len(set(seen)) == N, "pages overlap or skip citing initiatives"
    # the page beyond the end is clamped, never an error
    assert client.get("/doc/instrument/i1", params={"prop": prop, "page": 99999}).status_code == 200


def test_hub_rdf_is_capped(hub):
    from kg.web.service import RDF_INCOMING_CAP
    client, _ = hub
    from rdflib import Graph
    g = Graph().parse(data=client.get("/doc/instrument/i1.nt").text, format="nt")
    assert len(list(g.subjects(GK.cites, URIRef(TEST_BASE + "id/instrument/i1")))) <= RDF_INCOMING_CAP


def test_hub_evidence_paged(hub):
    client, _ = hub
    r = client.get("/doc/instrument/i1", params={"epage": 2}, headers={"Accept": "text/html"})
    assert "2 / 3" in r.text  # 46 annotations, 20 per page


def test_a_class_too_large_to_sort_is_paged_in_store_order(monkeypatch):
    """Past SORTED_LIST_MAX members a list page reads one page from the store instead of every label; its pages
    still partition the class, and the page says it is not sorted by name."""
    import re

    from kg.web import service as service_module
    monkeypatch.setattr(service_module, "SORTED_LIST_MAX", 100)
    store = MemoryStore()
    n = 130
    triples = []
    for i in range(n):
        ini = URIRef(f"{TEST_BASE}id/report/many/initiative/{i:04d}")
        triples += [(ini, RDF.type, GK.Initiative), (ini, RDFS.label, Literal(f"举措{i:04d}", lang="zh-Hans"))]
    with store.transaction() as tx:
        tx.add(TEST_BASE + "graph/report/many", triples)
    seen = []
    with TestClient(create_app(store, make_settings())) as client:
        pages = -(-n // service_module.LIST_PAGE_SIZE)
        for page in range(1, pages + 1):
            r = client.get("/initiatives", params={"page": page, "lang": "en"}, headers={"Accept": "text/html"})
            assert r.status_code == 200 and f"{page} / {pages}" in r.text and "Too many to sort by name" in r.text
            seen += re.findall(r'href="/doc/report/many/initiative/(\d+)"', r.text)
        assert sorted(seen) == [f"{i:04d}" for i in range(n)]      # every one once: no overlap, no gap
        doc = client.get("/initiatives.json", params={"page": 1}).json()
        assert doc["total"] == n and doc["sorted"] is False
    monkeypatch.setattr(service_module, "SORTED_LIST_MAX", 1000)
    with TestClient(create_app(store, make_settings())) as client:
        doc = client.get("/initiatives.json", params={"page": 1}).json()
        assert doc["sorted"] is True
        labels = [it["label"] for it in doc["items"]]
        assert labels == sorted(labels) and labels[0] == "举措0000"


def test_instrument_view_keeps_only_what_the_page_shows():
    """A law cited by many reports: the page lists the newest 100 reports and the 50 agencies with most reports and
    says how many more there are; the view (remembered per generation for hubs) holds no more rows than that."""
    import re

    from rdflib import XSD

    from kg.web import analytics
    from kg.web.i18n import translator

    store = MemoryStore()
    law = URIRef(TEST_BASE + "id/instrument/many")
    with store.transaction() as tx:
        tx.add(TEST_BASE + "graph/entities", [(law, RDF.type, GK.LegalInstrument),
                                              (law, RDFS.label, Literal("某某法", lang="zh-Hans"))])
        for i in range(150):
            rep = URIRef(f"{TEST_BASE}id/report/r{i:03d}")
            agency = URIRef(f"{TEST_BASE}id/agency/a{i % 60:02d}")
            tx.add(f"{TEST_BASE}graph/report/r{i:03d}", [
                (rep, RDF.type, GK.Report), (rep, GK.cites, law), (rep, GK.issuedBy, agency),
                (rep, GK.yearCovered, Literal(str(2000 + i % 20), datatype=XSD.gYear))])
    settings = make_settings()
    with TestClient(create_app(store, settings)) as client:
        html = client.get("/doc/instrument/many", headers={"Accept": "text/html"}).text
        view = analytics.instrument_view(client.app.state.service, str(law), "en", translator("en"))
    assert view["n_reports"] == 150 and len(view["reports"]) == 100
    assert view["n_agencies"] == 60 and len(view["agencies"]) == 50
    assert [r["year"] for r in view["reports"]] == sorted((r["year"] for r in view["reports"]), reverse=True)
    assert view["reports"][0]["year"] == "2019" and all(a["n"] in (2, 3) for a in view["agencies"])
    assert sum(d["n"] for d in view["by_year"]) == 150
    table = html.split('class="list citing-reports"', 1)[1].split("</table>", 1)[0]
    assert len(re.findall(r"<tr><td>\d{4}</td>", table)) == 100
    assert "+50 " in html and "+10 " in html      # the reports and the agencies not listed, counted
