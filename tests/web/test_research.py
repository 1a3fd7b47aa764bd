"""Researcher views on the fixture: agency and instrument pages with charts, stored queries (HTML, JSON, CSV),
the citation network, OpenAPI and the offline API page, both UI languages."""
import csv
import io
from urllib.parse import quote

from conftest import TEST_BASE

HTML = {"Accept": "text/html"}
A1, A2 = TEST_BASE + "id/agency/a1", TEST_BASE + "id/agency/a2"
I1, I2, I3 = (TEST_BASE + f"id/instrument/i{n}" for n in (1, 2, 3))


def test_agency_page_lists_cited_instruments_with_chart(client):
    t = client.get("/doc/agency/a2?lang=zh", headers=HTML).text
    assert "引用的法律规范" in t and 'id="cites"' in t
    assert "中华人民共和国政府信息公开条例" in t and "中华人民共和国行政处罚法" in t
    assert '<svg class="chart"' in t and 'class="bar"' in t and 'data-category="2023"' in t
    assert "/queries/instruments-cited-by-agency.csv?agency=" in t
    # a1 cites i1 directly and through initiative n1: one report, counted once
    t1 = client.get("/doc/agency/a1", headers=HTML).text
    assert "中华人民共和国行政许可法" in t1
    assert "同一省份的机关" not in t1  # a1 is the only agency with a region in 35…: no peers to compare with
    assert "<script>alert" not in t1


def test_agency_page_in_english(client):
    t = client.get("/doc/agency/a1?lang=en", headers=HTML).text
    assert "What it cites" in t and "Citations by year" in t
    assert "law" in t  # the kind concept's English label from the ontology


def test_instrument_page_who_cites_with_evidence(client):
    t = client.get("/doc/instrument/i1?lang=zh", headers=HTML).text
    assert "谁在引用" in t and '<svg class="chart"' in t and 'class="bar"' in t
    assert 'href="/doc/agency/a1"' in t and 'href="/doc/agency/a2"' in t
    assert 'href="/doc/report/r1"' in t and 'href="/doc/report/r2"' in t
    assert "《中华人民共和国行政处罚法》" in t     # r1's quote of it, the evidence shown beside the report


def test_stored_queries_index_and_formats(client):
    t = client.get("/queries?lang=zh", headers=HTML).text
    for slug in ("instruments-cited-by-agency", "most-cited", "agencies-citing-both", "co-citation", "changes"):
        assert f'href="/queries/{slug}"' in t
    assert len(client.get("/queries.json").json()["queries"]) >= 5

    r = client.get("/queries/instruments-cited-by-agency", params={"agency": A2}, headers=HTML)
    assert r.status_code == 200 and "中华人民共和国政府信息公开条例" in r.text and "SELECT ?instrument" in r.text
    doc = client.get("/queries/instruments-cited-by-agency.json", params={"agency": A2}).json()
    assert {row["instrument"] for row in doc["rows"]} == {I1, I3}
    assert "gk:issuedBy <" + A2 + ">" in doc["sparql"]
    r = client.get("/queries/instruments-cited-by-agency.csv", params={"agency": "外事办公室"})
    assert r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith(b"\xef\xbb\xbfinstrument,")   # a BOM, so Excel reads UTF-8 (not GBK)
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert list(rows[0])[0] == "instrument"
    assert {x["label"] for x in rows} == {"中华人民共和国行政处罚法", "中华人民共和国政府信息公开条例"}
    assert client.get("/queries/instruments-cited-by-agency?format=json&agency=" + A2).json()["rows"]


def test_stored_queries_each_answer(client):
    assert client.get("/queries/most-cited.json", params={"year": "2023"}).json()["rows"][0]["instrument"] == I1
    both = client.get("/queries/agencies-citing-both.json", params={"a": I1, "b": I2}).json()
    assert [r["agency"] for r in both["rows"]] == [A1]
    co = client.get("/queries/co-citation.json", params={"instrument": "行政处罚法"}).json()
    assert {r["other"] for r in co["rows"]} == {I2, I3}
    cit = client.get("/queries/citing-agencies.json", params={"instrument": I1}).json()
    assert {r["agency"] for r in cit["rows"]} == {A1, A2}
    ch = client.get("/queries/changes.json", params={"from": "2022", "to": "2023"}).json()
    assert {r["status"] for r in ch["rows"]} == {"added"} and ch["params"]["to"] == "2023"
    # defaults: every stored query answers without parameters
    for slug in ("instruments-cited-by-agency", "most-cited", "agencies-citing-both", "co-citation", "changes"):
        assert client.get(f"/queries/{slug}.json").status_code == 200, slug


def _reports_in(client, year: str) -> int:
    q = ("SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a <https://w3id.org/govkg/def#Report> ; "
         f"<https://w3id.org/govkg/def#yearCovered> ?y FILTER(STR(?y) = \"{year}\") }}")
    r = client.get("/sparql", params={"query": q}, headers={"Accept": "application/sparql-results+json"})
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_changes_gives_its_denominators_and_warns_of_a_year_without_reports(client):
    """`changes` compares counts of reports: it says how many reports cover each year, and that a year with none
    makes every row "added" or "dropped" (a gap in the corpus, not a change in citing)."""
    n22, n23 = _reports_in(client, "2022"), _reports_in(client, "2023")
    assert n22 == 0 and n23 > 0   # the fixture: nothing for 2022
    ch = client.get("/queries/changes.json", params={"from": "2022", "to": "2023", "lang": "en"}).json()
    assert ch["reports_per_year"] == {"2022": 0, "2023": n23}
    assert len(ch["notes"]) == 1 and "No report covers 2022" in ch["notes"][0]
    mine = client.get("/queries/changes.json", params={"from": "2022", "to": "2023", "agency": A1, "lang": "en"}).json()
    assert mine["notes"] and all("of this agency" in n for n in mine["notes"])   # others may have reported
    assert all(isinstance(r["toReports"], int) and isinstance(r["change"], int) for r in ch["rows"])   # numbers
    csv_r = client.get("/queries/changes.csv", params={"from": "2022", "to": "2023"})
    assert csv_r.headers["x-govkg-reports-per-year"] == f"2022=0, 2023={n23}"
    page = client.get("/queries/changes", params={"from": "2022", "to": "2023", "lang": "zh"}, headers=HTML).text
    assert 'id="reports-per-year"' in page and "2022 年没有报告" in page and 'class="err year-without-reports"' in page
    both = client.get("/queries/changes.json", params={"from": "2023", "to": "2023"}).json()
    assert both["reports_per_year"] == {"2023": n23} and both["notes"] == []
    # the other stored queries carry no such fields
    assert "reports_per_year" not in client.get("/queries/most-cited.json", params={"year": "2023"}).json()


def test_stored_query_bad_input(client):
    assert client.get("/queries/nothing", headers=HTML).status_code == 404
    assert client.get("/queries/co-citation.json", params={"instrument": "没有这部法"}).status_code == 400
    r = client.get("/queries/co-citation", params={"instrument": '"}> DROP ALL'}, headers=HTML)
    assert r.status_code == 400
    assert client.get("/queries/most-cited.json", params={"year": "20x3"}).status_code == 400


def test_network(client):
    t = client.get("/network", headers=HTML).text
    assert '<svg class="chart network"' in t and 'class="edge"' in t and "厦门市司法局" in t
    doc = client.get("/network.json").json()
    assert {(e["agency"], e["instrument"]) for e in doc["edges"]} == {(A1, I1), (A1, I2), (A2, I1), (A2, I3)}
    assert client.get("/network.json", params={"kind": "admin_regulation"}).json()["edges"] == [
        {"agency": A2, "instrument": I3, "reports": 1}]
    assert client.get("/network.json", params={"year": "2019"}).json()["edges"] == []
    assert client.get("/network.json", params={"region": "35"}).json()["agencies"][0]["id"] == A1
    assert client.get("/network", params={"year": "2023", "lang": "en"}, headers=HTML).text.count("Citation network") >= 1


def test_openapi_and_docs(client):
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for p in ("/sparql", "/queries/{slug}.json", "/queries/{slug}.csv", "/network.json", "/search.json",
              "/doc/{path}"):
        assert p in paths, p
        assert all(op.get("summary") for op in paths[p].values()), p
    assert "/queries/{slug}" not in paths and "/" not in paths and "/network" not in paths
    t = client.get("/docs", headers=HTML).text
    assert "/queries/{slug}.json" in t and "cdn" not in t.lower()


def test_stored_query_names_the_other_entities_a_name_matched(client):
    """A piece of a name that several agencies share answers for one of them and names the others, with links
    to the same question about each; an exact name or an IRI has no others."""
    doc = client.get("/queries/instruments-cited-by-agency.json", params={"agency": "厦门市"}).json()
    chosen = doc["params"]["agency"]
    others = doc["other_matches"]["agency"]
    assert chosen in (A1, A2) and [o["iri"] for o in others] == [({A1, A2} - {chosen}).pop()]
    assert others[0]["label"] in ("厦门市司法局", "厦门市人民政府外事办公室") and others[0]["reports"] >= 1
    page = client.get("/queries/instruments-cited-by-agency", params={"agency": "厦门市"}, headers=HTML).text
    assert "还匹配" in page and f'agency={quote(others[0]["iri"], safe="")}' in page
    for exact in ("厦门市司法局", A1):
        assert client.get("/queries/instruments-cited-by-agency.json",
                          params={"agency": exact}).json()["other_matches"] == {}
    # the CSV has no room for it: a header says how many others there were (none for an exact name)
    assert client.get("/queries/instruments-cited-by-agency.csv",
                      params={"agency": "厦门市"}).headers["x-govkg-other-matches"] == "agency=1"
    assert "x-govkg-other-matches" not in client.get("/queries/instruments-cited-by-agency.csv",
                                                     params={"agency": A1}).headers


def test_network_degrees_count_the_whole_filtered_network():
    """An agency's degree is every instrument it cites, as an instrument's is every agency citing it, even when
    the drawing keeps only the top instruments: agency A cites 8 instruments, only 5 are drawn, its degree is 8."""
    from fastapi.testclient import TestClient
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF, RDFS

    from conftest import make_settings
    from kg.rdf.namespaces import GK
    from kg.store.memory import MemoryStore
    from kg.web.app import create_app

    b = TEST_BASE
    store = MemoryStore()
    a, other = URIRef(b + "id/agency/A"), URIRef(b + "id/agency/B")
    insts = [URIRef(b + f"id/instrument/n{k}") for k in range(8)]
    with store.transaction() as tx:
        tx.add(b + "graph/entities", [(x, RDF.type, GK.Agency) for x in (a, other)]
               + [(x, RDF.type, GK.LegalInstrument) for x in insts]
               + [(x, RDFS.label, Literal(f"法{k}", lang="zh-Hans")) for k, x in enumerate(insts)])
        for k, inst in enumerate(insts):
            r = URIRef(b + f"id/report/ra{k}")
            tx.add(b + f"graph/report/ra{k}", [(r, RDF.type, GK.Report), (r, GK.issuedBy, a), (r, GK.cites, inst)])
        r = URIRef(b + "id/report/rb")
        tx.add(b + "graph/report/rb", [(r, RDF.type, GK.Report), (r, GK.issuedBy, other), (r, GK.cites, insts[0])])
    with TestClient(create_app(store, make_settings())) as c:
        doc = c.get("/network.json", params={"top": "5"}).json()
    assert len(doc["instruments"]) == 5
    degrees = {n["id"]: n["degree"] for n in doc["agencies"]}
    assert degrees == {str(a): 8, str(other): 1}
    assert {n["id"]: n["degree"] for n in doc["instruments"]}[str(insts[0])] == 2


def test_network_json_takes_an_empty_year_as_every_year_like_the_page(client):
    every = client.get("/network.json").json()["edges"]
    assert client.get("/network.json", params={"year": ""}).json()["edges"] == every
    assert client.get("/network.json", params={"year": "20x3"}).status_code == 400
