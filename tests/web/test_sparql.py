"""SPARQL 1.1 Protocol endpoint: forms, formats, datasets, errors, limits, CORS, service description."""
import asyncio
import csv
import io
import time
import xml.etree.ElementTree as ET

import httpx
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef

from kg.rdf.namespaces import SD
from kg.store.memory import MemoryStore
from kg.web.app import create_app

from conftest import TEST_BASE, load_fixture, make_settings

Q_SELECT = "PREFIX gk: <https://w3id.org/govkg/def#> SELECT ?r WHERE { ?r a gk:Report } ORDER BY ?r"
Q_CONSTRUCT = "PREFIX gk: <https://w3id.org/govkg/def#> CONSTRUCT { ?r a gk:Report } WHERE { ?r a gk:Report }"


@pytest.mark.parametrize("accept,ctype", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
])
def test_select_formats_by_accept(client, accept, ctype):
    r = client.get("/sparql", params={"query": Q_SELECT}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(ctype)
    assert "testserver/id/report/r1" in r.text


def test_select_format_parameter_and_qvalues(client):
    r = client.get("/sparql", params={"query": Q_SELECT, "format": "csv"}, headers={"Accept": "application/json"})
    rows = list(csv.reader(io.StringIO(r.text)))
    assert r.headers["content-type"].startswith("text/csv") and rows[0] == ["r"] and len(rows) == 3
    r = client.get("/sparql", params={"query": Q_SELECT},
                   headers={"Accept": "application/sparql-results+json;q=0.5, application/sparql-results+xml"})
    assert r.headers["content-type"].startswith("application/sparql-results+xml")
    ET.fromstring(r.content)


@pytest.mark.parametrize("accept,fmt", [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                                        ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")])
def test_construct_formats(client, accept, fmt):
    r = client.post("/sparql", content=Q_CONSTRUCT.encode(), headers={"Content-Type": "application/sparql-query",
                                                                      "Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    g = Graph().parse(data=r.content, format=fmt)
    assert len(g) == 2


def test_ask_json_and_form_post(client):
    r = client.post("/sparql", data={"query": "ASK { ?s ?p ?o }"})
    assert r.status_code == 200 and r.json()["boolean"] is True


def test_unknown_graphs_are_empty(client):
    r = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }", "default-graph-uri": "http://nowhere.example/g"})
    assert r.json()["boolean"] is False
    r = client.get("/sparql", params={"query": "SELECT ?s { GRAPH ?g { ?s ?p ?o } } LIMIT 1",
                                      "named-graph-uri": "http://nowhere.example/g"})
    assert r.json()["results"]["bindings"] == []


def test_named_graph_dataset(client):
    r = client.get("/sparql", params={"query": "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }",
                                      "named-graph-uri": TEST_BASE + "graph/report/r2"})
    assert [b["g"]["value"] for b in r.json()["results"]["bindings"]] == [TEST_BASE + "graph/report/r2"]


def test_syntax_error_is_400_with_message(client):
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p "})
    assert r.status_code == 400 and "syntax" in r.text.lower()


def test_syntax_error_names_line_column_and_what_is_wrong(client):
    """One sentence with the position, the line with a caret, the parser's expectation without its grammar dump."""
    r = client.get("/sparql", params={"query": "SELECT * WHERE {?s ?p ?o"})
    assert r.status_code == 400
    lines = r.text.splitlines()
    assert lines[0] == ('SPARQL syntax error at line 1, column 25 (the end of the query): the "{" at line 1, '
                        'column 16 is not closed: "}" is missing.')
    assert lines[1] == "  SELECT * WHERE {?s ?p ?o" and lines[2] == " " * 26 + "^"
    assert lines[3].startswith("The parser expected one of:") and '"}"' in lines[3]
    assert len(lines) == 4 and "\\u{" not in r.text and "[_]" not in r.text
    r = client.get("/sparql", params={"query": "PREFIX : <http://x/>\nSELECT * { ?s foo:bar ?o }"})
    assert r.status_code == 400
    assert r.text.startswith('SPARQL syntax error at line 2, column 22: the prefix "foo:" is not declared')


@pytest.mark.parametrize("query", ["", "   ", "# only a comment\n"])
def test_empty_query_says_so(client, query):
    r = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 400 and "the query is empty" in r.text
    r = client.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 400 and "the query is empty" in r.text


def test_syntax_error_position_ignores_the_base_put_in_front(client):
    """A query with a relative IRI is run with a BASE prepended on its first line: positions are still the user's."""
    q = "SELECT * WHERE { ?s ?p <rel> . ?s ?p"
    r = client.get("/sparql", params={"query": q})
    assert r.status_code == 400
    assert r.text.startswith(f"SPARQL syntax error at line 1, column {len(q) + 1} (the end of the query)")
    assert "BASE" not in r.text and r.text.splitlines()[1] == "  " + q


@pytest.mark.parametrize("req", [
    dict(method="GET", url="/sparql", params={"update": "CLEAR ALL"}),
    dict(method="POST", url="/sparql", data={"update": "INSERT DATA { <a:a> <a:b> <a:c> }"}),
    dict(method="POST", url="/sparql", content=b"CLEAR ALL", headers={"Content-Type": "application/sparql-update"}),
    dict(method="GET", url="/sparql", params={"query": "LOAD <http://example.org/x.ttl>"}),
    dict(method="GET", url="/sparql", params={"query": "CLEAR ALL"}),
    dict(method="GET", url="/sparql", params={"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}),
])
def test_updates_load_service_refused(client, req):
    r = client.request(**req)
    assert 400 <= r.status_code < 500, r.text


def test_put_405_and_media_types(client):
    assert client.put("/sparql", params={"query": "ASK {}"}).status_code == 405
    r = client.post("/sparql", content=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    r = client.post("/sparql", content="ASK {}".encode("utf-16"),
                    headers={"Content-Type": "application/sparql-query; charset=UTF-16"})
    assert r.status_code in (400, 415)
    r = client.get("/sparql?query=ASK%20%7B%7D&query=ASK%20%7B%7D")
    assert r.status_code == 400


def test_query_too_large_413(store):
    with TestClient(create_app(store, make_settings(max_query_bytes=500))) as c:
        big = "ASK {} #" + "x" * 500
        assert c.post("/sparql", data={"query": big}).status_code == 413
        assert c.get("/sparql", params={"query": big}).status_code == 413
        assert c.post("/sparql", content=big.encode(), headers={"Content-Type": "application/sparql-query"}).status_code == 413
        assert c.post("/sparql", data={"query": "ASK {} #" + "x" * 400}).status_code == 200


def test_cors_and_preflight(client):
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert r.headers["access-control-allow-origin"] == "*"
    r = client.options("/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST",
                                          "Access-Control-Request-Headers": "content-type"})
    assert r.status_code == 204 and "POST" in r.headers["access-control-allow-methods"]
    assert "Content-Type" in r.headers["access-control-allow-headers"]


def test_service_description(client):
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    g = Graph().parse(data=r.text, format="turtle")
    assert list(g.subject_objects(SD.endpoint))[0][1] == URIRef("http://testserver/sparql")
    assert (None, SD.name, URIRef(TEST_BASE + "graph/report/r1")) in g
    assert len(list(g.objects(None, SD.resultFormat))) >= 8
    # the query page links it with ?format=, which a browser (Accept: text/html first) follows to the Turtle
    page = client.get("/sparql", headers={"Accept": "text/html"}).text
    assert 'href="/sparql?format=turtle"' in page
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    for token, mt in (("turtle", "text/turtle"), ("jsonld", "application/ld+json"), ("nt", "application/n-triples")):
        r = client.get("/sparql", params={"format": token}, headers=browser)
        assert r.status_code == 200 and r.headers["content-type"].startswith(mt), token
    assert client.get("/sparql", params={"format": "png"}, headers=browser).status_code == 400


def test_limits_are_announced(client):
    """In the service description (our terms, described in the ontology), in a header, on the page in both languages."""
    from rdflib import Literal
    from rdflib.namespace import RDFS, XSD
    from kg.rdf.namespaces import GK
    from kg.rdf.ontology import ontology_graph
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=r.text, format="turtle")
    svc = g.value(None, SD.endpoint, URIRef("http://testserver/sparql"), any=False) or next(g.subjects(SD.endpoint, None))
    assert g.value(svc, GK.queryTimeLimit) == Literal("10.0", datatype=XSD.decimal)
    assert g.value(svc, GK.resultRowLimit).toPython() == 10000
    assert g.value(svc, GK.queryLengthLimit).toPython() == 65536
    assert g.value(svc, GK.concurrentQueryLimit).toPython() == 4
    assert g.value(svc, RDFS.seeAlso) == URIRef("http://testserver/sparql#limits")
    assert {c.language for c in g.objects(svc, RDFS.comment)} == {"en", "zh-Hans"}
    onto = ontology_graph()
    for term in (GK.queryTimeLimit, GK.resultRowLimit, GK.queryLengthLimit, GK.concurrentQueryLimit):
        assert (term, RDFS.domain, SD.Service) in onto and (term, RDFS.comment, None) in onto
    limits = "time-s=10, rows=10000, query-bytes=65536, concurrent-per-client=4"
    assert r.headers["x-govkg-limits"] == limits
    assert client.get("/sparql", params={"query": "ASK {}"}).headers["x-govkg-limits"] == limits
    assert client.get("/sparql", params={"query": "ASK {"}).headers["x-govkg-limits"] == limits
    en = client.get("/sparql?lang=en", headers={"Accept": "text/html"}).text
    assert 'id="limits"' in en and "A query may run for 10 s" in en and "at most 10,000 rows" in en
    assert "65,536 bytes" in en and "Send long queries with POST" in en and "65,535 bytes gets 414" in en
    zh = client.get("/sparql?lang=zh", headers={"Accept": "text/html"}).text
    assert "使用限制" in zh and "每个查询最多运行 10 秒" in zh and "结果最多 10,000 行" in zh


def test_query_page_for_browsers(client):
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    r = client.get("/sparql", headers=browser)
    assert r.status_code == 200 and "<textarea" in r.text and "/static/query.js" in r.text
    assert "cdn" not in r.text.lower() and "https://unpkg" not in r.text
    r = client.get("/sparql", params={"query": Q_SELECT}, headers=browser)  # rendered server side too
    assert "http://testserver/id/report/r1" in r.text and "<table" in r.text
    assert client.get("/static/query.js").status_code == 200


def _slow_store(delay: float):
    class Slow(MemoryStore):
        def query_serialized(self, sparql, media_type, **kw):
            if "#slow" in sparql:
                time.sleep(delay)
            return super().query_serialized(sparql, media_type, **kw)
    s = Slow()
    load_fixture(s, TEST_BASE)
    return s


def test_per_client_concurrency_429():
    app = create_app(_slow_store(1.0), make_settings(max_concurrent_per_client=1))

    async def go():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            slow = asyncio.create_task(c.get("/sparql", params={"query": "ASK {} #slow"}))
            await asyncio.sleep(0.3)
            fast = await c.get("/sparql", params={"query": "ASK {}"})
            return (await slow), fast
    slow, fast = asyncio.run(go())
    assert slow.status_code == 200
    assert fast.status_code == 429 and int(fast.headers["retry-after"]) > 0


def test_timeout_503():
    app = create_app(_slow_store(2.5), make_settings(query_timeout_s=0.5))
    with TestClient(app) as c:
        t0 = time.monotonic()
        r = c.get("/sparql", params={"query": "ASK {} #slow"})
        assert r.status_code == 503 and "time limit" in r.text
        assert time.monotonic() - t0 < 2.4
        # a page still answers while the slow query occupies its thread
        assert c.get("/healthz").status_code == 200


def test_row_cap_marks_truncation():
    store = MemoryStore()
    load_fixture(store, TEST_BASE)
    app = create_app(store, make_settings(max_rows=3))
    with TestClient(app) as c:
        r = c.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }"})
        assert r.headers["x-govkg-truncated"] == "true"
        href = "http://testserver/sparql#limits"
        assert r.headers["link"] == f'<{href}>; rel="help"'
        doc = r.json()
        assert len(doc["results"]["bindings"]) == 3 and doc["head"]["link"] == [href]
        r = c.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }"}, headers={"Accept": "application/sparql-results+xml"})
        assert r.headers["x-govkg-truncated"] == "true"
        head = ET.fromstring(r.content).find("{http://www.w3.org/2005/sparql-results#}head")
        assert [e.get("href") for e in head.iter("{http://www.w3.org/2005/sparql-results#}link")] == [href]
        assert len(ET.fromstring(r.content).findall(".//{http://www.w3.org/2005/sparql-results#}result")) == 3
        # the link resolves: the page's #limits section for people, the service description for machines
        page = c.get(href.split("#")[0], headers={"Accept": "text/html", "Accept-Language": "en"})
        assert page.status_code == 200 and 'id="limits"' in page.text and "at most 3 rows" in page.text
        sd = c.get(href.split("#")[0], headers={"Accept": "text/turtle"})
        assert "resultRowLimit 3" in sd.text
        r = c.get("/sparql", params={"query": "ASK {}"})
        assert "x-govkg-truncated" not in r.headers and "link" not in r.headers
        r = c.get("/sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 2"}, headers={"Accept": "application/sparql-results+xml"})
        assert "x-govkg-truncated" not in r.headers and b"<link" not in r.content


# --- a real client against a real server -------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_sparqlwrapper_select(live_server, fmt):
    from SPARQLWrapper import SPARQLWrapper
    sw = SPARQLWrapper(live_server + "/sparql")
    sw.setQuery(Q_SELECT)
    sw.setReturnFormat(fmt)
    res = sw.query().convert()
    if fmt == "json":
        assert len(res["results"]["bindings"]) == 2
    elif fmt == "xml":
        assert len(res.getElementsByTagName("result")) == 2
    else:
        text = res.decode() if isinstance(res, bytes) else res
        assert text.count("/id/report/r") == 2


@pytest.mark.parametrize("fmt", ["turtle", "n3", "json-ld", "xml"])
def test_sparqlwrapper_construct(live_server, fmt):
    from SPARQLWrapper import SPARQLWrapper
    sw = SPARQLWrapper(live_server + "/sparql")
    sw.setQuery(Q_CONSTRUCT)
    sw.setReturnFormat({"json-ld": "json-ld", "xml": "xml", "turtle": "turtle", "n3": "n3"}[fmt])
    res = sw.query().convert()
    g = res if isinstance(res, Graph) else Graph().parse(data=res, format={"turtle": "turtle", "n3": "turtle",
                                                                           "json-ld": "json-ld"}[fmt])
    assert len(g) == 2


def test_sparqlwrapper_ntriples_and_post(live_server):
    from SPARQLWrapper import POST, SPARQLWrapper
    r = httpx.get(live_server + "/sparql", params={"query": Q_CONSTRUCT}, headers={"Accept": "application/n-triples"})
    assert len(Graph().parse(data=r.text, format="nt")) == 2
    sw = SPARQLWrapper(live_server + "/sparql")
    sw.setMethod(POST)
    sw.setQuery("ASK { ?s ?p ?o }")
    sw.setReturnFormat("json")
    assert sw.query().convert()["boolean"] is True


def test_sparqlwrapper_sees_400(live_server):
    from SPARQLWrapper import SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed
    sw = SPARQLWrapper(live_server + "/sparql")
    sw.setQuery("SELECT * WHERE {")
    sw.setReturnFormat("json")
    with pytest.raises(QueryBadFormed):
        sw.query()


def test_query_page_offers_downloads_in_formats_the_query_has(client):
    """SELECT/ASK results download as CSV or JSON, CONSTRUCT/DESCRIBE graphs as Turtle or N-Triples; every link the
    page shows is answered with 200."""
    import re
    from urllib.parse import quote
    for query, shown, hidden in [("SELECT * WHERE { ?s ?p ?o } LIMIT 1", "dl-table", "dl-graph"),
                                 ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "dl-graph", "dl-table")]:
        page = client.get("/sparql?query=" + quote(query), headers={"Accept": "text/html"}).text
        assert re.search(f'id="{shown}">', page) and re.search(f'id="{hidden}" hidden>', page)
        block = re.search(f'id="{shown}">(.*?)</span>', page, re.S).group(1)
        links = re.findall(r'href="([^"]+)"', block)
        assert len(links) == 2
        for link in links:
            assert client.get(link.replace("&amp;", "&")).status_code == 200, link
