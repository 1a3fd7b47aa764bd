"""HTML pages and their JSON twins: home, lists, search, entity and report pages, ontology, language switch."""
import json
import re

from conftest import TEST_BASE

HTML = {"Accept": "text/html"}


def test_home_counts_and_links(client):
    r = client.get("/", headers=HTML)
    assert r.status_code == 200
    for href in ["/agencies", "/instruments", "/events", "/reports", "/sparql?query=", "/dumps", "/catalog",
                 "/.well-known/void", "/ontology"]:
        assert f'href="{href}' in r.text, href
    assert re.search(r"<strong>3</strong><span>机关</span>", r.text)  # a1, a2, xss


def test_list_pages_and_json_twin(client):
    r = client.get("/instruments", headers=HTML)
    assert r.status_code == 200 and "中华人民共和国行政处罚法" in r.text and 'href="/doc/instrument/i1"' in r.text
    doc = client.get("/instruments.json").json()
    assert doc["total"] == 3 and doc["page"] == 1 and doc["next"] is None
    counts = {i["iri"]: i["count"] for i in doc["items"]}
    # reports that cite it (r1, r2), as its page counts them; initiative n1 cites it too but is not a report
    assert counts[TEST_BASE + "id/instrument/i1"] == 2 and doc["count_means"] == "citing reports"
    assert "引用报告数" in r.text
    assert client.get("/instruments?format=json").json()["total"] == 3
    assert client.get("/list/reports.json").json()["total"] == 2
    assert client.get("/list/nothing").status_code == 404


def test_list_pages_end_and_refuse_bad_numbers(client):
    # a harvester looping until there is no page must stop: past the last page is 404, not page 1 again
    assert client.get("/instruments.json?page=1").status_code == 200
    assert client.get("/instruments.json?page=2").status_code == 404
    for bad in ("0", "-1", "abc", "1.5"):
        r = client.get(f"/instruments.json?page={bad}")
        assert r.status_code == 400 and "page" in r.text, bad


def test_list_paging(client, store):
    from kg.web.service import KGService
    from conftest import make_settings
    svc = KGService(store, make_settings())
    p1 = svc.list_class("agencies", "zh", page=1, per_page=2)
    p2 = svc.list_class("agencies", "zh", page=2, per_page=2)
    assert p1["pages"] == 2 and len(p1["items"]) == 2 and len(p2["items"]) == 1
    assert not {i["iri"] for i in p1["items"]} & {i["iri"] for i in p2["items"]}


def test_list_counts_agree_with_the_entity_pages_before_and_after_the_citation_index():
    """A report citing a law only through one of its initiatives counts for that law, on the list page as on the
    law's own page; the same figures whether the list reads the store (index not ready) or the citation index."""
    from rdflib import RDF, RDFS, Literal, Namespace, URIRef

    from conftest import make_settings
    from kg.store.memory import MemoryStore
    from kg.web import analytics
    from kg.web.service import KGService
    gk, base = Namespace("https://w3id.org/govkg/def#"), "http://testserver/"
    law, ag = URIRef(base + "id/instrument/law"), URIRef(base + "id/agency/ag")
    other = URIRef(base + "id/instrument/a-law")   # cited by one report: ranks first only if initiatives are ignored
    store = MemoryStore()
    with store.transaction() as tx:
        tx.add(base + "graph/entities", [(law, RDF.type, gk.LegalInstrument), (law, RDFS.label, Literal("某法")),
                                         (other, RDF.type, gk.LegalInstrument), (other, RDFS.label, Literal("另法")),
                                         (ag, RDF.type, gk.Agency), (ag, RDFS.label, Literal("某局"))])
        for name, direct in (("direct", True), ("via", False)):
            rep, ini = URIRef(base + f"id/report/{name}"), URIRef(base + f"id/report/{name}/initiative/n1")
            triples = [(rep, RDF.type, gk.Report), (rep, gk.issuedBy, ag), (rep, gk.hasInitiative, ini),
                       (ini, RDF.type, gk.Initiative), (ini, gk.cites, law)]
            if direct:
                triples += [(rep, gk.cites, law), (rep, gk.cites, other)]
            tx.add(base + f"graph/report/{name}", triples)
    svc = KGService(store, make_settings())

    def counts(slug):
        return {i["iri"]: i["count"] for i in svc.list_class(slug, "zh")["items"]}

    assert analytics.citation_index(svc, wait=False) is None          # the list reads the store
    assert counts("instruments")[str(law)] == 2 and counts("agencies")[str(ag)] == 2
    analytics.citation_index(svc)                                      # now the index
    assert counts("instruments")[str(law)] == 2 and counts("agencies")[str(ag)] == 2
    from kg.web.i18n import translator
    assert analytics.instrument_view(svc, str(law), "zh", translator("zh"))["n_reports"] == 2
    # a stored query resolving a name picks, and names beside it, by the same count
    from kg.web import queries
    others = []
    assert queries.resolve_entity(svc, "instrument", "法", others=others) == str(law)
    assert others == [{"iri": str(other), "reports": 1}]


def test_search_chinese_substring(client):
    r = client.get("/search", params={"q": "处罚"}, headers=HTML)
    assert r.status_code == 200 and "中华人民共和国行政处罚法" in r.text
    hits = client.get("/search.json", params={"q": "外事"}).json()["results"]
    assert {h["iri"] for h in hits} == {TEST_BASE + "id/agency/a2", TEST_BASE + "id/report/r2"}
    # alternative labels count too
    assert client.get("/search.json", params={"q": "市外办"}).json()["results"][0]["iri"] == TEST_BASE + "id/agency/a2"
    assert client.get("/search.json", params={"q": '"}) } ; DROP ALL #'}).status_code == 200


def test_entity_page(client):
    r = client.get("/doc/instrument/i1", headers=HTML)
    t = r.text
    assert "<h1>中华人民共和国行政处罚法</h1>" in t
    assert "法律规范" in t                               # type label from the ontology
    assert 'href="/doc/report/r2"' in t                # incoming link
    assert "引用" in t                                  # property label (gk:cites) from the ontology, zh
    assert '<link rel="alternate" type="text/turtle" href="/doc/instrument/i1.ttl">' in t
    assert "/doc/instrument/i1.ttl" in r.headers["link"]
    # evidence: prefix + <mark>exact</mark> + suffix, and a link to the report
    assert "（一）严格落实</span><mark>《中华人民共和国行政处罚法》</mark><span class=\"ctx\">，全面推行行政裁量权" in t
    assert 'href="/doc/report/r1"' in t
    # embedded schema.org JSON-LD
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', t, re.S)
    doc = json.loads(m.group(1))
    assert doc["@type"] == "Legislation" and doc["name"] == "中华人民共和国行政处罚法"


def test_report_page(client):
    t = client.get("/doc/report/r1", headers=HTML).text
    assert "引用的法律规范" in t and "按章节列出的工作举措" in t
    assert t.index("一、2023年主要工作") < t.index("全面推行行政裁量权基准制度") < t.index("二、2024年工作计划")
    assert "已完成" in t and "计划" in t
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', t, re.S)
    doc = json.loads(m.group(1))
    assert doc["@type"] == "Report" and doc["temporalCoverage"] == "2023"
    assert {c["@id"] for c in doc["citation"]} == {TEST_BASE + "id/instrument/i1", TEST_BASE + "id/instrument/i2"}


def test_every_kind_of_node_has_a_page(client):
    for path in ["/doc/agency/a1", "/doc/event/e1", "/doc/region/350200", "/doc/report/r1/initiative/n1",
                 "/doc/report/r1/section/s1", "/doc/report/r1/text", "/doc/report/r1/annotation/q1"]:
        assert client.get(path, headers=HTML).status_code == 200, path
    for iri in ["https://w3id.org/govkg/def#Agency", "https://w3id.org/govkg/def#cites",
                "https://w3id.org/govkg/def/instrument-kind/law"]:
        r = client.get("/resource", params={"iri": iri}, headers=HTML)
        assert r.status_code == 200, iri
    r = client.get("/resource", params={"iri": "https://w3id.org/govkg/def/instrument-kind/law", "format": "ttl"})
    assert r.headers["content-type"].startswith("text/turtle")
    assert client.get("/resource", params={"iri": "urn:x:nothing"}, headers=HTML).status_code == 404


def test_language_switch_cookie(client):
    r = client.get("/doc/instrument/i1", params={"lang": "en"}, headers=HTML)
    assert "Links to this entity" in r.text and "cites" in r.text and "Legal instrument" in r.text
    assert "govkg_lang=en" in r.headers["set-cookie"]
    r2 = client.get("/agencies", headers=HTML, cookies={"govkg_lang": "en"})
    assert "<h1>Agencies" in r2.text
    r3 = client.get("/agencies", headers=HTML, cookies={"govkg_lang": "zh"})
    assert "<h1>机关" in r3.text
    assert 'href="/agencies?lang=en"' in r3.text  # the switch keeps the page
    client.cookies.clear()


def test_ontology_page_and_files(client):
    t = client.get("/ontology", headers=HTML).text
    assert "gk:Agency" in t and "org:Organization" in t and "/ontology.ttl" in t and "/shapes.ttl" in t
    assert "法律" in t  # SKOS kinds
    r = client.get("/ontology.ttl")
    assert r.status_code == 200 and "gk:LegalInstrument" in r.text
    r = client.get("/shapes.ttl")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")

