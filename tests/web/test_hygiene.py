"""Escaping, security headers, HEAD/OPTIONS, caching validators, errors without internals, publishing routes."""
import hashlib
import json
import os
import re
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, RDF, VOID

from kg.store.memory import MemoryStore
from kg.web.app import create_app

from conftest import TEST_BASE, load_fixture, make_settings

HTML = {"Accept": "text/html"}


def test_xss_in_labels_is_text(client):
    for url in ["/doc/agency/xss", "/agencies", "/search?q=恶意"]:
        t = client.get(url, headers=HTML).text
        assert "<script>alert" not in t, url
        assert "&lt;script&gt;alert(" in t, url
    t = client.get("/doc/agency/xss", headers=HTML).text
    # evidence quote parts are escaped too, and the ld+json block cannot be closed early
    assert "<img src=x" not in t and "&lt;img src=x onerror=alert(1)&gt;" in t
    assert "<b>bold</b>" not in t and "</mark><script>" not in t
    ld = t.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in ld


@pytest.mark.parametrize("url,accept", [
    ("/", "text/html"), ("/doc/instrument/i1", "text/html"), ("/doc/instrument/i1.ttl", "*/*"),
    ("/id/instrument/i1", "text/turtle"), ("/sparql?query=ASK%7B%7D", "*/*"), ("/nope", "text/html"),
    ("/static/style.css", "*/*"), ("/healthz", "*/*"), ("/sparql", "text/html"),
])
def test_security_headers_everywhere(client, url, accept):
    r = client.get(url, headers={"Accept": accept}, follow_redirects=False)
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"]


def test_no_inline_scripts(client):
    for url in ["/", "/sparql", "/doc/report/r1", "/ontology", "/dumps"]:
        t = client.get(url, headers=HTML).text
        for chunk in t.split("<script")[1:]:
            head = chunk.split(">", 1)[0]
            assert "src=" in head or 'type="application/ld+json"' in head, url
        assert " onclick=" not in t and "javascript:" not in t


def test_500_has_no_details():
    class Broken(MemoryStore):
        def query(self, *a, **kw):
            raise RuntimeError("secret internal detail /etc/passwd")
    app = create_app(Broken(), make_settings())
    with TestClient(app, raise_server_exceptions=False) as c:
        for accept in ("text/html", "*/*"):
            r = c.get("/", headers={"Accept": accept})
            assert r.status_code == 500
            assert "secret" not in r.text and "Traceback" not in r.text and "RuntimeError" not in r.text
            assert r.headers["x-content-type-options"] == "nosniff"
        # the JSON twins answer their errors in JSON, a 500 too
        for url, accept in (("/agencies.json", "*/*"), ("/agencies", "application/json")):
            r = c.get(url, headers={"Accept": accept})
            assert r.status_code == 500 and r.headers["content-type"].startswith("application/json"), url
            assert r.json()["error"] and "secret" not in r.text


def test_head_and_options(client):
    for url in ["/", "/doc/instrument/i1", "/agencies", "/sparql?query=ASK%7B%7D", "/robots.txt"]:
        g = client.get(url, headers=HTML)
        h = client.head(url, headers=HTML)
        assert h.status_code == g.status_code == 200, url
        assert h.content == b"" and h.headers["content-type"] == g.headers["content-type"]
    r = client.head("/id/instrument/i1", headers={"Accept": "text/turtle"}, follow_redirects=False)
    assert r.status_code == 303
    r = client.options("/doc/instrument/i1")   # Allow names what the address takes (RFC 9110 §10.2.1)
    assert r.status_code == 204 and r.headers["allow"] == "GET, HEAD, OPTIONS"
    assert r.headers["access-control-allow-methods"] == r.headers["allow"]
    assert client.post("/doc/instrument/i1").headers["allow"] == "GET, HEAD"   # what the 405 says too
    assert client.options("/sparql").headers["allow"] == "GET, HEAD, POST, OPTIONS"
    assert client.options("/openapi.json").headers["allow"] == "GET, HEAD, OPTIONS"
    assert client.options("/static/style.css").status_code == 204
    assert client.options("/no/such/address").status_code == 404
    assert client.options("/agencies/").headers["allow"] == "GET, HEAD, OPTIONS"   # GET redirects it to /agencies


def test_etag_304(client):
    r = client.get("/doc/instrument/i1", headers=HTML)
    etag = r.headers["etag"]
    assert r.headers["last-modified"]
    r2 = client.get("/doc/instrument/i1", headers={**HTML, "If-None-Match": etag})
    assert r2.status_code == 304 and r2.content == b""
    # a 304 carries the headers the 200 did (RFC 9110 §15.4.5), from the page cache or rendered anew
    for name in ("etag", "vary", "content-location"):
        assert r2.headers.get(name) == r.headers.get(name) and r.headers.get(name), name
    fresh = client.get("/catalog", headers=HTML)   # never in the page cache (it reads the dump manifest)
    import kg.web.routers.publish as publish_routes
    real, calls = publish_routes.catalog_graph, []
    publish_routes.catalog_graph = lambda request: calls.append(1) or real(request)
    try:   # the 304 comes from the headers the 200 was sent with: nothing is rendered for it
        again = client.get("/catalog", headers={**HTML, "If-None-Match": fresh.headers["etag"]})
    finally:
        publish_routes.catalog_graph = real
    assert again.status_code == 304 and again.headers["vary"] == fresh.headers["vary"] and again.content == b""
    assert calls == []
    # another representation or language is another validator
    r3 = client.get("/doc/instrument/i1", headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert r3.status_code == 200 and r3.headers["etag"] != etag
    assert client.get("/doc/instrument/i1?lang=en", headers={**HTML, "If-None-Match": etag}).status_code == 200
    client.cookies.clear()


def test_conditional_requests_compare_weakly_and_by_date(client):
    r = client.get("/doc/instrument/i1", headers=HTML)
    etag, lm = r.headers["etag"], r.headers["last-modified"]
    assert etag.startswith('W/"')
    # If-None-Match compares weakly: the strong form of the same tag matches too (RFC 9110 13.1.2)
    assert client.get("/doc/instrument/i1", headers={**HTML, "If-None-Match": etag[2:]}).status_code == 304
    assert client.get("/doc/instrument/i1", headers={**HTML, "If-None-Match": '"other", ' + etag}).status_code == 304
    # If-Modified-Since: not modified since the date it was given, modified since any earlier date
    assert client.get("/doc/instrument/i1", headers={**HTML, "If-Modified-Since": lm}).status_code == 304
    old = client.get("/doc/instrument/i1", headers={**HTML, "If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert old.status_code == 200 and old.content
    assert client.get("/doc/instrument/i1", headers={**HTML, "If-Modified-Since": "yesterday"}).status_code == 200
    # If-None-Match wins over If-Modified-Since
    r = client.get("/doc/instrument/i1", headers={**HTML, "If-None-Match": '"other"', "If-Modified-Since": lm})
    assert r.status_code == 200


def test_if_none_match_any_only_for_what_exists(client):
    # "*" matches any current representation: a page that exists is not modified, one that does not is still 404
    assert client.get("/doc/instrument/i1", headers={**HTML, "If-None-Match": "*"}).status_code == 304
    assert client.get("/doc/instrument/i1", headers={**HTML, "If-None-Match": "*"}).content == b""
    assert client.get("/doc/agency/ffffffffffffffff", headers={**HTML, "If-None-Match": "*"}).status_code == 404
    assert client.get("/no/such/page", headers={**HTML, "If-None-Match": "*"}).status_code == 404


def test_last_modified_is_the_generation_publish_time(tmp_path):
    """Every server process (and a restarted one) gives the same Last-Modified: the store's publish time."""
    from kg.store.oxigraph import OxigraphStore
    store = OxigraphStore(tmp_path / "store")
    load_fixture(store, TEST_BASE)
    gen = store.generation()
    published = 1577836800   # say the generation was published on 2020-01-01
    os.utime(store.path / gen / "READERS", (published, published))
    seen = []
    for _ in range(2):   # two apps: two processes, or one restarted
        with TestClient(create_app(store, make_settings())) as c:
            seen.append(c.get("/agencies", headers=HTML).headers["last-modified"])
    store.close()
    assert seen == ["Wed, 01 Jan 2020 00:00:00 GMT"] * 2


def test_catalog_validators_follow_the_dump_manifest(dumps_client, tmp_path):
    """`kg dump` rewrites the files the catalog describes without a new store generation: its ETag must change."""
    r = dumps_client.get("/catalog", headers={"Accept": "text/turtle"})
    etag = r.headers["etag"]
    assert dumps_client.get("/catalog", headers={"Accept": "text/turtle", "If-None-Match": etag}).status_code == 304
    manifest = tmp_path / "dumps" / "dumps.json"
    doc = json.loads(manifest.read_text())
    doc["dumps"][0]["modified"] = "2026-02-02T00:00:00+00:00"
    (tmp_path / "dumps" / "new.json").write_text(json.dumps(doc))
    (tmp_path / "dumps" / "new.json").replace(manifest)   # as kg dump replaces it
    r2 = dumps_client.get("/catalog", headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert r2.status_code == 200 and r2.headers["etag"] != etag and "2026-02-02" in r2.text


def test_sparql_page_varies_on_accept(client):
    for url in ("/sparql", "/sparql?query=ASK%7B%7D"):
        vary = {v.strip().lower() for v in client.get(url, headers=HTML).headers["vary"].split(",")}
        assert "accept" in vary, url


def test_etag_changes_with_data():
    store = MemoryStore()
    load_fixture(store, TEST_BASE)
    with TestClient(create_app(store, make_settings())) as c:
        etag = c.get("/agencies", headers=HTML).headers["etag"]
        with store.transaction() as tx:
            tx.add(TEST_BASE + "graph/entities", [(URIRef(TEST_BASE + "id/agency/new"), RDF.type,
                                                    URIRef("https://w3id.org/govkg/def#Agency"))])
        r = c.get("/agencies", headers={**HTML, "If-None-Match": etag})
        assert r.status_code == 200 and r.headers["etag"] != etag


def test_healthz_robots_sitemap(client):
    assert client.get("/healthz").json()["status"] == "ok"
    robots = client.get("/robots.txt").text
    assert "Sitemap: http://testserver/sitemap.xml" in robots and "Disallow: /sparql" in robots
    assert "Allow: /doc/" in robots
    sm = client.get("/sitemap.xml")
    assert sm.headers["content-type"].startswith("application/xml")
    assert "<loc>http://testserver/doc/instrument/i1</loc>" in sm.text   # the page, not the 303 identifier
    assert client.get("/sitemap-0.xml").text == sm.text   # one page: the index's page 0 is the sitemap itself
    assert client.get("/sitemap-1.xml").status_code == 404
    # every page of the site the sitemap lists answers, as a page
    site = [u for u in re.findall(r"<loc>http://testserver(/[^<]*)</loc>", sm.text) if not u.startswith("/doc/")]
    assert "/" in site and "/agencies" in site and "/queries" in site
    for url in site:
        r = client.get(url, headers=HTML)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), url


def test_catalog_and_void(client):
    r = client.get("/catalog", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=r.text, format="turtle")
    assert any(g.subjects(RDF.type, DCAT.Catalog)) and any(g.subjects(RDF.type, DCAT.Dataset))
    assert "Accept" in r.headers["vary"]
    r = client.get("/catalog", headers={"Accept": "application/ld+json"})
    assert len(Graph().parse(data=r.text, format="json-ld")) > 0
    assert client.get("/catalog", headers=HTML).headers["content-type"].startswith("text/html")
    assert client.get("/catalog.jsonld").headers["content-type"].startswith("application/ld+json")
    v = Graph().parse(data=client.get("/.well-known/void").text, format="turtle")
    ds = next(v.subjects(RDF.type, VOID.Dataset))
    assert v.value(ds, VOID.sparqlEndpoint) == URIRef("http://testserver/sparql")
    assert int(v.value(ds, VOID.triples)) > 0


@pytest.fixture()
def dumps_client(tmp_path, store):
    d = tmp_path / "dumps"
    d.mkdir()
    body = b"<a:s> <a:p> <a:o> <a:g> .\n"
    (d / "govkg.nq").write_bytes(body)
    (d / "unlisted.nq").write_bytes(b"not in the manifest")
    manifest = {"dumps": [{"name": "govkg.nq", "path": str(d / "govkg.nq"), "format": "nquads", "label": "N-Quads",
                           "media_type": "application/n-quads", "encoding": "identity", "size": len(body),
                           "sha256": hashlib.sha256(body).hexdigest(), "triples": 1, "modified": "2026-01-01T00:00:00+00:00",
                           "eu_file_type": "RDF_N_QUADS"}]}
    (d / "dumps.json").write_text(json.dumps(manifest))
    (tmp_path / "secret.txt").write_text("do not serve")
    with TestClient(create_app(store, make_settings(dumps=d))) as c:
        yield c


def test_dumps_listing_and_download(dumps_client, tmp_path):
    sha = hashlib.sha256(b"<a:s> <a:p> <a:o> <a:g> .\n").hexdigest()
    page = dumps_client.get("/dumps", headers=HTML).text
    assert "govkg.nq" in page and sha in page
    assert "1 个三元组" in dumps_client.get("/dumps?lang=zh", headers=HTML).text
    assert "1 triples" in dumps_client.get("/dumps?lang=en", headers=HTML).text
    assert dumps_client.get("/dumps.json").json()["dumps"][0]["sha256"] == sha
    # the list harvesters poll has validators that change when the manifest does
    listing = dumps_client.get("/dumps.json")
    etag = listing.headers["etag"]
    assert listing.headers["last-modified"]
    assert dumps_client.get("/dumps.json", headers={"If-None-Match": etag}).status_code == 304
    manifest = tmp_path / "dumps" / "dumps.json"
    manifest.write_text(manifest.read_text() + " ")   # `kg dump` rewrote it
    fresh = dumps_client.get("/dumps.json", headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["etag"] != etag
    r = dumps_client.get("/dumps/govkg.nq")
    assert r.status_code == 200 and r.content.startswith(b"<a:s>")
    assert r.headers["content-type"].startswith("application/n-quads")
    assert r.headers["etag"] == f'"{sha}"' and r.headers["last-modified"]
    r2 = dumps_client.get("/dumps/govkg.nq", headers={"If-None-Match": r.headers["etag"]})
    assert r2.status_code == 304 and r2.headers["cache-control"] == r.headers["cache-control"]
    assert dumps_client.get("/dumps/govkg.nq", headers={"If-None-Match": "*"}).status_code == 304
    r3 = dumps_client.get("/dumps/govkg.nq", headers={"If-Modified-Since": r.headers["last-modified"]})
    assert r3.status_code == 304
    g = Graph().parse(data=dumps_client.get("/catalog.ttl").text, format="turtle")
    assert (None, DCAT.downloadURL, URIRef("http://testserver/dumps/govkg.nq")) in g


@pytest.mark.parametrize("name", ["../secret.txt", "..%2Fsecret.txt", "%2e%2e%2fsecret.txt", "secret.txt", "nope.nq",
                                  "unlisted.nq", "dumps.json"])
def test_dumps_no_traversal(dumps_client, name):
    r = dumps_client.get("/dumps/" + name)
    assert r.status_code == 404
    assert b"do not serve" not in r.content


def test_dumps_written_by_kg_publish(tmp_path, store):
    """With kg.publish.dumps present, the page lists what write_dumps wrote and serves the .gz bytes as is."""
    dumps = pytest.importorskip("kg.publish.dumps")
    infos = dumps.write_dumps(store, tmp_path, make_settings())
    with TestClient(create_app(store, make_settings(dumps=tmp_path))) as c:
        listed = c.get("/dumps.json").json()["dumps"]
        assert {d["name"] for d in listed} == {i.name for i in infos}
        first = infos[0]
        r = c.get("/dumps/" + first.name)
        assert r.status_code == 200 and hashlib.sha256(r.content).hexdigest() == first.sha256
        assert r.headers["content-type"].startswith("application/gzip")
        assert "content-encoding" not in r.headers


def test_void_is_a_page_for_browsers_and_turtle_for_everyone_else(client):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    r = client.get("/.well-known/void", headers={"Accept": browser})
    assert r.headers["content-type"].startswith("text/html") and "void:Dataset" in r.text
    assert client.get("/.well-known/void", headers={"Accept": "*/*"}).headers["content-type"].startswith("text/turtle")
    assert client.get("/.well-known/void?lang=en", headers={"Accept": browser}).text.count("Dataset description") >= 1
    client.cookies.clear()


def test_if_modified_since_only_for_pages_that_exist(client):
    late = "Fri, 01 Jan 2100 00:00:00 GMT"
    assert client.get("/doc/instrument/i1", headers={**HTML, "If-Modified-Since": late}).status_code == 304
    assert client.get("/doc/agency/ffffffffffffffff", headers={**HTML, "If-Modified-Since": late}).status_code == 404
    assert client.get("/no/such/page", headers={**HTML, "If-Modified-Since": late}).status_code == 404


def test_void_and_catalog_are_computed_once_per_generation_and_manifest(dumps_client, tmp_path, monkeypatch):
    """VoID counts over the whole store: one computation serves every request until the data or the dumps change."""
    import kg.publish.void as void_module
    calls = []
    real = void_module.void_graph

    def counted(*a, **kw):
        calls.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(void_module, "void_graph", counted)
    first = dumps_client.get("/.well-known/void", headers={"Accept": "text/turtle"}).text
    again = dumps_client.get("/.well-known/void", headers={"Accept": "text/turtle"}).text
    assert len(calls) == 1 and first == again
    manifest = tmp_path / "dumps" / "dumps.json"
    doc = json.loads(manifest.read_text())
    doc["dumps"][0]["modified"] = "2026-03-03T00:00:00+00:00"
    (tmp_path / "dumps" / "new.json").write_text(json.dumps(doc))
    (tmp_path / "dumps" / "new.json").replace(manifest)
    dumps_client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert len(calls) == 2


def test_dumps_of_another_base_are_not_listed(tmp_path, store):
    """A manifest written from a store of another base IRI (another dataset's dumps in the folder) lists nothing:
    the server never describes or serves another dataset's files as its own (found by a product review)."""
    d = tmp_path / "dumps"
    d.mkdir()
    (d / "govkg.nq").write_bytes(b"<a:s> <a:p> <a:o> <a:g> .\n")
    entry = {"name": "govkg.nq", "path": str(d / "govkg.nq"), "format": "nquads", "label": "N-Quads",
             "media_type": "application/n-quads", "encoding": "identity", "size": 26, "sha256": "0" * 64,
             "triples": 1, "modified": "2026-01-01T00:00:00+00:00", "eu_file_type": "RDF_N_QUADS"}
    for base, listed in (("http://elsewhere.example/", 0), (TEST_BASE, 1)):
        (d / "dumps.json").write_text(json.dumps({"base_iri": base, "dumps": [entry]}))
        with TestClient(create_app(store, make_settings(dumps=d))) as c:
            assert len(c.get("/dumps.json").json()["dumps"]) == listed, base


def test_ontology_negotiates_and_json_varies_with_the_language(client):
    """/ontology sends RDF clients to the ontology's RDF (303, Vary: Accept), as graph/ontology does; JSON answers,
    which carry labels and titles in the request's language, say they vary with it (found by a product review)."""
    r = client.get("/ontology", headers={"Accept": "text/turtle"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("/ontology.ttl") and "Accept" in r.headers["vary"]
    assert client.get("/ontology", headers=HTML).headers["content-type"].startswith("text/html")
    for path in ("/queries.json", "/search.json?q=a", "/network.json", "/agencies.json"):
        assert "Accept-Language" in client.get(path).headers.get("vary", ""), path


def test_the_schema_org_url_of_a_resource_page_is_that_page(client):
    """/resource pages are addressed by ?iri=: their schema.org url keeps it (it pointed at a 404)."""
    page = client.get("/resource", params={"iri": "https://w3id.org/govkg/def#Agency", "lang": "en"}, headers=HTML)
    doc = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page.text, re.S).group(1))
    assert doc["url"].endswith("/resource?iri=https%3A%2F%2Fw3id.org%2Fgovkg%2Fdef%23Agency")
    assert client.get(doc["url"].replace("http://testserver", ""), headers=HTML).status_code == 200


def test_list_counts_are_numbers_and_dump_sizes_speak_the_language(client):
    """A list row whose count is zero says 0 (it was blank, and null in JSON)."""
    for slug in ("agencies", "instruments", "events", "reports", "initiatives"):
        items = client.get(f"/{slug}.json").json()["items"]
        assert items and all(isinstance(it["count"], int) for it in items), slug


def test_the_concept_schemes_are_linked_on_the_site(client):
    """The two SKOS schemes link to their /resource pages like every other term of the ontology (they left the
    site for w3id.org, which does not resolve them; found by a product review)."""
    page = client.get("/ontology", headers=HTML).text
    for scheme in ("https://w3id.org/govkg/def/level", "https://w3id.org/govkg/def/instrument-kind"):
        assert f'href="{scheme}"' not in page
        assert "/resource?iri=" + quote(scheme, safe="") in page
        assert client.get("/resource", params={"iri": scheme}, headers=HTML).status_code == 200


def test_void_has_suffixed_forms_like_the_catalog(client):
    for suffix, media_type in (("ttl", "text/turtle"), ("nt", "application/n-triples"), ("jsonld", "application/ld+json"),
                               ("rdf", "application/rdf+xml")):
        r = client.get(f"/.well-known/void.{suffix}")
        assert r.status_code == 200 and r.headers["content-type"].startswith(media_type), suffix
    assert client.get("/.well-known/void.xyz").status_code == 404


def test_a_second_start_up_of_the_app_answers_queries(store):
    """Started, stopped and started again (an embedding server, the tests), the app still runs SPARQL queries."""
    app = create_app(store, make_settings())
    for _ in range(2):
        with TestClient(app) as c:
            r = c.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "application/sparql-results+json"})
            assert r.status_code == 200 and r.json()["boolean"] is True


def test_a_406_varies_with_the_language_too(client):
    r = client.get("/ontology", headers={"Accept": "image/png"})
    assert r.status_code == 406 and "Accept" in r.headers["vary"] and "Accept-Language" in r.headers["vary"]


def test_pages_with_a_json_twin_give_it_for_accept_json(client):
    """One rule for every page that has a .json twin: Accept: application/json gets the twin, a browser the page,
    and both say they vary with Accept."""
    for url in ("/agencies", "/search?q=法", "/network", "/queries", "/queries/most-cited", "/dumps"):
        js = client.get(url, headers={"Accept": "application/json"})
        assert js.status_code == 200 and js.headers["content-type"].startswith("application/json"), url
        js.json()
        page = client.get(url, headers={"Accept": "text/html,*/*;q=0.8"})
        assert page.headers["content-type"].startswith("text/html"), url
        for r in (js, page):
            assert "Accept" in [v.strip() for v in r.headers["vary"].split(",")], url
    # and its errors in JSON, however the JSON was asked for
    for url, params, headers in (("/agencies", {"page": "999"}, {"Accept": "application/json"}),
                                 ("/agencies", {"page": "999", "format": "json"}, {}),
                                 ("/network", {"top": "abc"}, {"Accept": "application/json"})):
        r = client.get(url, params=params, headers=headers)
        assert r.status_code in (400, 404) and r.headers["content-type"].startswith("application/json"), url
        assert r.json()["error"]
