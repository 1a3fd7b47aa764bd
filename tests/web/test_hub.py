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
