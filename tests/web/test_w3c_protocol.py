"""The W3C SPARQL 1.1 Protocol tests that apply to a query-only service, run against the live server,
plus the three Service Description tests. Data: ../shared/standards/sparql11-protocol (skipped if absent)."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import httpx
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF

from kg.rdf.namespaces import SD

from conftest import PROTOCOL_DIR

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")

pytestmark = pytest.mark.skipif(not PROTOCOL_DIR.is_dir(), reason="shared/standards/sparql11-protocol not present")


def _load_tests():
    if not PROTOCOL_DIR.is_dir():
        return []
    g = Graph().parse(PROTOCOL_DIR / "manifest.ttl", format="turtle")
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    tests = []
    for test in Collection(g, g.value(manifest, MF.entries)):
        name = str(test).rsplit("#", 1)[-1]
        conn = g.value(g.value(test, MF.action), HT.requests)
        reqs = []
        for req in Collection(g, conn):
            headers = {}
            hl = g.value(req, HT.headers)
            if hl is not None:
                for h in Collection(g, hl):
                    headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
            body = g.value(req, HT.body)
            resp = g.value(req, HT.resp)
            reqs.append({
                "method": str(g.value(req, HT.methodName)), "path": str(g.value(req, HT.absolutePath)),
                "headers": headers, "body": str(g.value(body, CNT.chars)) if body is not None else None,
                "status": {str(s).rsplit("StatusCode", 1)[-1] for s in g.objects(resp, MF.expectedStatus)},
                "format": str(g.value(resp, MF.expectedFormat) or "") or None,
                "boolean": g.value(resp, MF.expectedBoolean),
            })
        tests.append((name, reqs))
    return tests


TESTS = _load_tests()
# Positive update tests need a writable endpoint: not applicable to a query-only service (shared README).
APPLICABLE = [(n, r) for n, r in TESTS if not n.startswith("update_")]


def test_manifest_has_the_expected_tests():
    assert len(TESTS) == 34
    assert len(APPLICABLE) == 27  # 7 basic + 6 dataset + 7 bad query + 7 bad update


def _check_format(resp: httpx.Response, fmt: str, boolean):
    ctype = resp.headers.get("content-type", "").split(";")[0]
    if fmt in ("boolean", "tabular"):
        if "json" in ctype:
            doc = resp.json()
            value = doc.get("boolean")
            assert ("boolean" in doc) if fmt == "boolean" else ("results" in doc)
        elif "xml" in ctype:
            root = ET.fromstring(resp.content)
            b = root.find("{http://www.w3.org/2005/sparql-results#}boolean")
            value = None if b is None else b.text == "true"
            assert (b is not None) if fmt == "boolean" else root.find(
                "{http://www.w3.org/2005/sparql-results#}results") is not None
        else:
            assert ctype in ("text/csv", "text/tab-separated-values"), ctype
            value = None
        if boolean is not None and fmt == "boolean":
            assert value == boolean.toPython()
    elif fmt == "RDF":
        rdf_fmt = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml",
                   "application/ld+json": "json-ld"}[ctype]
        Graph().parse(data=resp.content, format=rdf_fmt)


@pytest.mark.parametrize("name,requests", APPLICABLE, ids=[n for n, _ in APPLICABLE])
def test_protocol(live_server, name, requests):
    with httpx.Client(base_url=live_server, follow_redirects=False, timeout=20) as c:
        for req in requests:
            path = "/sparql/" + req["path"][len("/sparql/"):]
            body = req["body"].encode("utf-8") if req["body"] is not None else None
            resp = c.request(req["method"], path, headers=req["headers"], content=body)
            got = f"{resp.status_code // 100}xx"
            assert got in req["status"], f"{name}: {resp.status_code} {resp.text[:300]}"
            if req["format"] and got == "2xx":
                _check_format(resp, req["format"], req["boolean"])


# --- service description (service-description/manifest.ttl: returns-rdf, has-endpoint-triple, conforms-to-schema)

@pytest.fixture(scope="module")
def sd(live_server):
    resp = httpx.get(live_server + "/sparql", headers={"Accept": "text/turtle"})
    return resp, live_server + "/sparql"


def test_sd_returns_rdf(sd):
    resp, _ = sd
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/turtle")
    assert len(Graph().parse(data=resp.text, format="turtle")) > 0
    for accept, fmt in [("application/rdf+xml", "xml"), ("application/ld+json", "json-ld")]:
        r = httpx.get(sd[1], headers={"Accept": accept})
        assert len(Graph().parse(data=r.content, format=fmt)) > 0


def test_sd_has_endpoint_triple(sd):
    resp, endpoint = sd
    g = Graph().parse(data=resp.text, format="turtle")
    assert (None, SD.endpoint, URIRef(endpoint)) in g


def test_sd_conforms_to_schema(sd):
    resp, _ = sd
    g = Graph().parse(data=resp.text, format="turtle")
    services = list(g.subjects(RDF.type, SD.Service))
    assert len(services) == 1
    svc = services[0]
    assert g.value(svc, SD.supportedLanguage) == SD.SPARQL11Query
    assert all(isinstance(f, URIRef) for f in g.objects(svc, SD.resultFormat))
    ds = g.value(svc, SD.defaultDataset)
    assert (ds, RDF.type, SD.Dataset) in g
    assert (g.value(ds, SD.defaultGraph), RDF.type, SD.Graph) in g
    names = {g.value(ng, SD.name) for ng in g.objects(ds, SD.namedGraph)}
    assert URIRef("http://kasei.us/2009/09/sparql/data/data1.rdf") in names
    assert all(isinstance(n, URIRef) for n in names)
    # every sd: term used exists in the vocabulary's documented set
    known = {SD[t] for t in ("Service", "Dataset", "Graph", "NamedGraph", "endpoint", "supportedLanguage",
                             "resultFormat", "feature", "defaultDataset", "defaultGraph", "namedGraph", "name",
                             "SPARQL11Query", "UnionDefaultGraph")}
    used = {t for t in set(g.predicates()) | set(g.objects(None, RDF.type)) | set(g.objects(svc, SD.feature))
            | set(g.objects(svc, SD.supportedLanguage)) if str(t).startswith(str(SD))}
    assert used <= known, used - known
