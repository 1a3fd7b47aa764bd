"""Dereferencing: 303 from /id/ to /doc/, Accept and suffixes, Vary, 406, 404; rdflib following the 303."""
import pytest
from rdflib import Graph, URIRef

from kg.rdf.namespaces import GK
from kg.web.conneg import negotiate, prefers_html

OFFERS = ["text/html", "text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"]


@pytest.mark.parametrize("accept,expected", [
    (None, "text/html"),
    ("*/*", "text/html"),
    ("text/turtle", "text/turtle"),
    ("text/turtle;q=0.5, application/ld+json", "application/ld+json"),
    ("application/rdf+xml, text/html;q=0.9", "application/rdf+xml"),
    ("text/*;q=0.3, application/n-triples;q=0.2", "text/html"),
    ("image/png", None),
    ("text/html;q=0, text/turtle;q=0.1", "text/turtle"),
    ("application/x-turtle", "text/turtle"),
])
def test_negotiate(accept, expected):
    assert negotiate(accept, OFFERS) == expected


def test_prefers_html():
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert prefers_html(browser, ["application/sparql-results+json"])
    assert not prefers_html("*/*", ["application/sparql-results+json"])
    assert not prefers_html("application/sparql-results+json", ["application/sparql-results+json"])


@pytest.mark.parametrize("accept,location", [
    ("text/html", "/doc/instrument/i1"),
    ("text/turtle", "/doc/instrument/i1.ttl"),
    ("application/n-triples", "/doc/instrument/i1.nt"),
    ("application/ld+json", "/doc/instrument/i1.jsonld"),
    ("application/rdf+xml", "/doc/instrument/i1.rdf"),
])
def test_id_303_by_accept(client, accept, location):
    r = client.get("/id/instrument/i1", headers={"Accept": accept}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == location
    assert "Accept" in r.headers["vary"]


def test_id_suffix_overrides_accept(client):
    r = client.get("/id/instrument/i1.nt", headers={"Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/doc/instrument/i1.nt"


@pytest.mark.parametrize("suffix,ctype", [("ttl", "text/turtle"), ("nt", "application/n-triples"),
                                          ("jsonld", "application/ld+json"), ("rdf", "application/rdf+xml"),
                                          ("html", "text/html")])
def test_doc_suffix(client, suffix, ctype):
    r = client.get(f"/doc/instrument/i1.{suffix}", headers={"Accept": "application/rdf+xml"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(ctype)


def test_doc_conneg_sets_content_location(client):
    r = client.get("/doc/instrument/i1", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    assert r.headers["content-location"] == "/doc/instrument/i1.ttl"
    assert "Accept" in r.headers["vary"]


def test_406_for_unservable_type(client):
    r = client.get("/id/instrument/i1", headers={"Accept": "image/png"}, follow_redirects=False)
    assert r.status_code == 406
    r = client.get("/doc/instrument/i1", headers={"Accept": "application/pdf"})
    assert r.status_code == 406


def test_404_for_unknown_iri(client):
    r = client.get("/id/instrument/nope", headers={"Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 404 and "text/html" in r.headers["content-type"]
    assert client.get("/doc/agency/nope.ttl").status_code == 404
    assert client.get("/id/agency/bad%3Ciri%3E", follow_redirects=False).status_code == 404


def test_rdf_document_contents(client):
    g = Graph().parse(data=client.get("/doc/instrument/i1.ttl").text, format="turtle")
    i1 = URIRef("http://testserver/id/instrument/i1")
    assert (i1, None, GK.LegalInstrument) in g
    # incoming links and labels of linked nodes are part of the document
    assert (URIRef("http://testserver/id/report/r2"), GK.cites, i1) in g
    assert any(True for _ in g.objects(URIRef("http://testserver/id/report/r2"), URIRef(
        "http://www.w3.org/2000/01/rdf-schema#label")))


def test_annotation_document_includes_its_fragments(client):
    g = Graph().parse(data=client.get("/doc/report/r1/annotation/q1.nt").text, format="nt")
    quote = URIRef("http://testserver/id/report/r1/annotation/q1#quote")
    assert any(True for _ in g.objects(quote, URIRef("http://www.w3.org/ns/oa#exact")))


def test_rdflib_follows_303_live(live_server):
    iri = live_server + "/id/instrument/i1"
    g = Graph().parse(iri, format="turtle")
    assert (URIRef(iri), None, GK.LegalInstrument) in g
    g2 = Graph().parse(iri)  # rdflib's own Accept (RDF/XML first)
    assert (URIRef(iri), None, GK.LegalInstrument) in g2


def test_jsonld_is_compact_with_a_context_and_the_same_graph(client):
    import json as _json

    from rdflib import Graph
    doc = _json.loads(client.get("/doc/instrument/i1.jsonld").text)
    assert doc["@context"]["gk"] == "https://w3id.org/govkg/def#"
    text = _json.dumps(doc, ensure_ascii=False)
    assert '"gk:' in text and "https://w3id.org/govkg/def#cites" not in text
    ttl = Graph().parse(data=client.get("/doc/instrument/i1.ttl").text, format="turtle")
    assert Graph().parse(data=_json.dumps(doc), format="json-ld").isomorphic(ttl)


def test_dereferencing_keeps_the_query(client):
    r = client.get("/id/instrument/i1?lang=en", headers={"Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/doc/instrument/i1?lang=en"
    client.cookies.clear()


def test_an_alias_gives_way_to_what_it_names_when_that_is_on_offer():
    from kg.web.conneg import negotiate
    # application/json is JSON itself when JSON is offered, wherever it stands in the offers
    assert negotiate("application/json", ["application/ld+json", "application/json"]) == "application/json"
    assert negotiate("application/json", ["application/json", "application/ld+json"]) == "application/json"
    # and stands for JSON-LD where only that is offered
    assert negotiate("application/json", ["text/turtle", "application/ld+json"]) == "application/ld+json"


def test_generic_xml_and_json_mean_the_results_format_for_select():
    """application/xml (and text/xml) is RDF/XML for a graph and SPARQL XML results for a SELECT; application/json
    likewise JSON-LD or SPARQL JSON results (a product review found SELECT answering JSON to application/xml)."""
    from kg.web.conneg import negotiate
    results = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv"]
    assert negotiate("application/xml", results) == "application/sparql-results+xml"
    assert negotiate("text/xml", results) == "application/sparql-results+xml"
    assert negotiate("application/json", results) == "application/sparql-results+json"
    assert negotiate("application/xml", ["text/turtle", "application/rdf+xml"]) == "application/rdf+xml"
