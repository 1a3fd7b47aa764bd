"""Every IRI the data and the descriptions mint under the base dereferences: dataset/… (303 to the catalog or VoID),
graph/report/{h} (the named graph by content negotiation, 303 to the report page for browsers), graph/entities and
graph/ontology (303 to a document about them), graph/build (not published)."""
import hashlib
import json

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, URIRef
from rdflib.compare import to_isomorphic
from rdflib.namespace import RDF, VOID

from kg.rdf.namespaces import GK
from kg.store.memory import MemoryStore
from kg.web.app import create_app

from conftest import TEST_BASE, load_fixture, make_settings

HTML = "text/html"
TTL = "text/turtle"
RDF_TYPES = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"]
SUFFIX = {"text/turtle": "ttl", "application/n-triples": "nt", "application/ld+json": "jsonld",
          "application/rdf+xml": "rdf"}
SECRET = "/home/builder/secret-sources/厦门市司法局2023.pdf"


def _get(client, path, accept):
    return client.get(path, headers={"Accept": accept}, follow_redirects=False)


def _partition(kind: str, term) -> str:
    return f"/dataset/{kind}/{hashlib.sha256(str(term).encode()).hexdigest()[:12]}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The fixture data plus a graph/build record with a source path, and a dump manifest listing govkg.nt.gz."""
    d = tmp_path_factory.mktemp("dumps")
    body = b"<a:s> <a:p> <a:o> .\n"
    (d / "govkg.nt.gz").write_bytes(body)
    manifest = {"dumps": [{"name": "govkg.nt.gz", "path": str(d / "govkg.nt.gz"), "format": "ntriples",
                           "label": "N-Triples", "media_type": "application/n-triples", "encoding": "gzip",
                           "size": len(body), "sha256": hashlib.sha256(body).hexdigest(), "triples": 1,
                           "modified": "2026-01-01T00:00:00+00:00", "eu_file_type": "RDF_N_TRIPLES"}]}
    (d / "dumps.json").write_text(json.dumps(manifest))
    st = MemoryStore()
    load_fixture(st, TEST_BASE)
    with st.transaction() as tx:
        tx.add(TEST_BASE + "graph/build", [(URIRef(TEST_BASE + "graph/report/r1"), GK.sourcePath, Literal(SECRET)),
                                           (URIRef(TEST_BASE + "graph/report/r1"), GK.sourceHash, Literal("ab" * 32))])
    with TestClient(create_app(st, make_settings(dumps=d))) as c:
        yield c


# --- dataset/… -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/dataset", "/dataset/service/sparql"])
def test_dataset_303_to_catalog(client, path):
    r = _get(client, path, HTML)
    assert r.status_code == 303 and r.headers["location"] == "/catalog" and "Accept" in r.headers["vary"]
    for mt in RDF_TYPES:
        r = _get(client, path, mt)
        assert r.status_code == 303 and r.headers["location"] == f"/catalog.{SUFFIX[mt]}"
        assert "Accept" in r.headers["vary"]
    r = client.get(path, headers={"Accept": TTL})   # followed: the catalog describes the IRI
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    assert (URIRef(TEST_BASE + path.lstrip("/")), RDF.type, None) in Graph().parse(data=r.text, format="turtle")
    assert _get(client, path, "image/png").status_code == 406


def test_dataset_distribution(built):
    r = _get(built, "/dataset/distribution/govkg.nt.gz", HTML)
    assert r.status_code == 303 and r.headers["location"] == "/catalog" and "Accept" in r.headers["vary"]
    r = _get(built, "/dataset/distribution/govkg.nt.gz", TTL)
    assert r.status_code == 303 and r.headers["location"] == "/catalog.ttl"
    g = Graph().parse(data=built.get("/dataset/distribution/govkg.nt.gz", headers={"Accept": TTL}).text,
                      format="turtle")
    assert (URIRef(TEST_BASE + "dataset/distribution/govkg.nt.gz"), RDF.type, None) in g
    for name in ("govkg.ttl.gz", "dumps.json"):   # not in the manifest: not minted (yet: the 404 is not kept)
        r = _get(built, "/dataset/distribution/" + name, TTL)
        assert r.status_code == 404 and "no-store" in r.headers["cache-control"]
    assert _get(built, "/dataset/distribution/..%2Fdumps.json", TTL).status_code == 404


def test_dataset_partitions(client):
    for path in (_partition("class", GK.Report), _partition("property", RDF.type)):
        r = _get(client, path, HTML)
        assert r.status_code == 303 and r.headers["location"] == "/catalog" and "Accept" in r.headers["vary"]
        r = _get(client, path, TTL)
        assert r.status_code == 303 and r.headers["location"] == "/.well-known/void"
        assert "Accept" in r.headers["vary"]
        g = Graph().parse(data=client.get(path, headers={"Accept": TTL}).text, format="turtle")
        part = URIRef(TEST_BASE + path.lstrip("/"))
        assert (None, VOID.classPartition, part) in g or (None, VOID.propertyPartition, part) in g
    for path in (_partition("class", "http://example.org/NoSuchClass"), "/dataset/class/xyz",
                 "/dataset/other/" + "0" * 12, _partition("property", GK.Report)):
        assert _get(client, path, TTL).status_code == 404
        assert _get(client, path, HTML).status_code == 404


# --- graph/… -------------------------------------------------------------------------------------------------

def test_report_graph_303_for_browsers(client):
    r = _get(client, "/graph/report/r1", HTML)
    assert r.status_code == 303 and r.headers["location"] == "/doc/report/r1" and "Accept" in r.headers["vary"]
    r = _get(client, "/graph/report/r1", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    assert r.status_code == 303 and r.headers["location"] == "/doc/report/r1"


@pytest.mark.parametrize("accept", RDF_TYPES)
def test_report_graph_by_accept(client, accept):
    r = _get(client, "/graph/report/r1", accept)
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    assert "Accept" in r.headers["vary"]
    assert r.headers["content-location"] == f"/graph/report/r1.{SUFFIX[accept]}"
    fmt = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}[SUFFIX[accept]]
    assert len(Graph().parse(data=r.content, format=fmt)) > 0
    r2 = client.get(r.headers["content-location"], headers={"Accept": HTML})   # the suffix wins over Accept
    assert r2.status_code == 200 and r2.headers["content-type"].startswith(accept)


def test_report_graph_turtle_is_the_stored_graph(client, store):
    r = _get(client, "/graph/report/r1", TTL)
    served = Graph().parse(data=r.text, format="turtle")
    res = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{TEST_BASE}graph/report/r1> {{ ?s ?p ?o }} }}")
    stored = Graph()
    for t in res.triples:
        stored.add(t)
    assert len(stored) > 20
    assert to_isomorphic(served) == to_isomorphic(stored)
    assert (URIRef(TEST_BASE + "id/report/r1"), RDF.type, GK.Report) in served
    assert not any(str(s).startswith(TEST_BASE + "id/agency/") for s in served.subjects())   # graph/entities' part


def test_report_graph_unknown(client):
    for path in ("/graph/report/nope", "/graph/report/nope.ttl", "/graph/report/bad%3Ciri%3E", "/graph/report/r1.pdf"):
        assert _get(client, path, TTL).status_code == 404
        assert _get(client, path, HTML).status_code == 404
    assert _get(client, "/graph/report/r1", "image/png").status_code == 406


def test_graph_entities_303(client):
    r = _get(client, "/graph/entities", HTML)
    assert r.status_code == 303 and r.headers["location"] == "/dumps" and "Accept" in r.headers["vary"]
    r = _get(client, "/graph/entities", TTL)
    assert r.status_code == 303 and r.headers["location"] == "/.well-known/void" and "Accept" in r.headers["vary"]
    assert client.get("/graph/entities", headers={"Accept": TTL}).headers["content-type"].startswith("text/turtle")


def test_graph_ontology_303(client):
    r = _get(client, "/graph/ontology", HTML)
    assert r.status_code == 303 and r.headers["location"] == "/ontology" and "Accept" in r.headers["vary"]
    for mt in RDF_TYPES:
        r = _get(client, "/graph/ontology", mt)
        assert r.status_code == 303 and r.headers["location"] == f"/ontology.{SUFFIX[mt]}"
        followed = client.get(r.headers["location"])
        assert followed.status_code == 200 and followed.headers["content-type"].startswith(mt)
    assert _get(client, "/ontology.pdf", TTL).status_code == 404


@pytest.mark.parametrize("path", ["/graph/build", "/graph/build.ttl", "/graph/build.nt"])
@pytest.mark.parametrize("accept", [HTML, TTL, "application/n-triples", "*/*"])
def test_graph_build_not_published(built, path, accept):
    r = built.get(path, headers={"Accept": accept})
    assert r.status_code == 404
    assert "not published" in r.text
    for leak in ("secret-sources", "sourcePath", "sourceHash", "ab" * 32, ".pdf"):
        assert leak not in r.text


def test_every_minted_iri_dereferences(built):
    """The IRIs under the base in the catalog, VoID and the service description's sd:name all answer (graph/build
    with its 404 on purpose), for a browser and for an RDF client."""
    g = Graph()
    for path in ("/catalog.ttl", "/.well-known/void", "/sparql"):
        g.parse(data=built.get(path, headers={"Accept": TTL}).text, format="turtle")
    iris = {str(t) for triple in g for t in triple if isinstance(t, URIRef) and str(t).startswith(TEST_BASE)}
    paths = {"/" + i[len(TEST_BASE):].split("#")[0] for i in iris} - {"/graph/build"}
    assert {"/dataset", "/dataset/distribution/govkg.nt.gz", "/graph/report/r1", "/graph/entities"} <= paths
    for path in sorted(paths):
        for accept in (HTML, TTL):
            r = built.get(path, headers={"Accept": accept})
            assert r.status_code == 200, (path, accept, r.status_code)
