"""Dumps stream, checksum, count and parse back; VoID and the sitemap describe what is in the store."""
from __future__ import annotations

import gzip
import hashlib
import json
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, VOID

from kg.config import Settings
from kg.publish.dumps import MANIFEST, read_manifest, write_dumps
from kg.publish.sitemap import SITE_PAGES, sitemap_xml
from kg.publish.void import void_graph
from kg.rdf.namespaces import GK
from kg.store.memory import MemoryStore
from kg.store.oxigraph import OxigraphStore

BASE = "http://example.org/kg/"
SETTINGS = replace(Settings(), base_iri=BASE)
RDFLIB_FORMAT = {"ntriples": "nt", "nquads": "nquads", "turtle": "turtle", "jsonld": "json-ld"}


def fill(store, reports=30):
    """`reports` report graphs of 5 triples plus a shared entities graph; one triple is in two graphs."""
    with store.transaction() as tx:
        for i in range(reports):
            r = URIRef(f"{BASE}id/report/{i}")
            agency = URIRef(f"{BASE}id/agency/{i % 3}")
            tx.replace_graph(f"{BASE}graph/report/{i}", [
                (r, RDF.type, GK.Report), (r, GK.issuedBy, agency),
                (r, RDFS.label, Literal(f"报告 {i}\n第二行", lang="zh-Hans")),
                (r, GK.yearCovered, Literal(str(2020 + i % 5), datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYear"))),
                (agency, RDF.type, GK.Agency)])   # the same triple in several graphs: once in the union dumps
        tx.replace_graph(f"{BASE}graph/entities", [
            (URIRef(f"{BASE}id/agency/{a}"), RDFS.label, Literal(f"机构 {a}", lang="zh-Hans")) for a in range(3)])
    return 30 * 4 + 3 + 3, 30 * 5 + 3     # distinct triples, quads


@pytest.fixture(params=["memory", "oxigraph"])
def store(request, tmp_path):
    s = MemoryStore() if request.param == "memory" else OxigraphStore(tmp_path / "store")
    yield s
    s.close()


def test_dumps_parse_back_and_count(store, tmp_path):
    triples, quads = fill(store)
    infos = write_dumps(store, tmp_path / "dumps", SETTINGS)
    assert [i.format for i in infos] == ["ntriples", "nquads", "turtle", "jsonld"]
    for info in infos:
        data = open(info.path, "rb").read()
        assert info.size == len(data)
        assert info.sha256 == hashlib.sha256(data).hexdigest()
        if info.format == "nquads":
            ds = rdflib.Dataset()
            ds.parse(data=gzip.decompress(data), format="nquads")
            n = sum(1 for _ in ds.quads((None, None, None, None)))
            assert n == info.triples == quads
            assert len(ds.graph(URIRef(f"{BASE}graph/report/7"))) == 5
        else:
            g = rdflib.Graph().parse(data=gzip.decompress(data), format=RDFLIB_FORMAT[info.format])
            assert len(g) == info.triples == triples, info.format
    manifest = json.loads((tmp_path / "dumps" / MANIFEST).read_text())
    assert manifest["generation"] == store.generation()
    assert [d.name for d in read_manifest(tmp_path / "dumps")] == [i.name for i in infos]
    assert not [p for p in (tmp_path / "dumps").iterdir() if p.name.startswith(".")]   # no temp files left


def test_dumps_are_reproducible(store, tmp_path):
    fill(store)
    a = write_dumps(store, tmp_path / "a", SETTINGS, formats=["ntriples", "nquads"])
    b = write_dumps(store, tmp_path / "b", SETTINGS, formats=["ntriples", "nquads"])
    assert [i.sha256 for i in a] == [i.sha256 for i in b]


def test_empty_store_dumps(store, tmp_path):
    infos = write_dumps(store, tmp_path, SETTINGS)
    assert all(i.triples == 0 for i in infos)


def test_void_partitions(store, tmp_path):
    triples, _ = fill(store)
    dumps = write_dumps(store, tmp_path, SETTINGS, formats=["ntriples"])
    g = void_graph(store, SETTINGS, dumps)
    ds = URIRef(BASE + "dataset")
    assert int(g.value(ds, VOID.triples)) == triples
    assert int(g.value(ds, VOID.entities)) == 33          # 30 reports + 3 agencies
    classes = {g.value(p, VOID["class"]): int(g.value(p, VOID.entities)) for p in g.objects(ds, VOID.classPartition)}
    assert classes == {GK.Report: 30, GK.Agency: 3}
    props = {g.value(p, VOID.property): int(g.value(p, VOID.triples)) for p in g.objects(ds, VOID.propertyPartition)}
    assert props[GK.issuedBy] == 30 and props[RDFS.label] == 33
    assert g.value(ds, VOID.sparqlEndpoint) == URIRef(BASE + "sparql")
    assert g.value(ds, VOID.dataDump) == URIRef(BASE + "dumps/govkg.nt.gz")
    assert (ds, VOID.vocabulary, URIRef(str(GK))) in g


def test_sitemap_lists_entities_and_pages(store):
    fill(store)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.fromstring(sitemap_xml(store, SETTINGS))
    locs = [e.text for e in root.findall("s:url/s:loc", ns)]
    site = [BASE + p for p in SITE_PAGES]
    assert locs[:len(site)] == site and BASE in site and BASE + "agencies" in site   # home and lists first
    entities = locs[len(site):]
    assert len(entities) == 33 and all(u.startswith(BASE + "doc/") for u in entities)   # pages, not 303 identifiers
    index = ET.fromstring(sitemap_xml(store, SETTINGS, per_page=10))
    assert index.tag.endswith("sitemapindex")
    pages = [e.text for e in index.findall("s:sitemap/s:loc", ns)]
    n_pages = -(-(len(site) + 33) // 10)
    assert pages == [f"{BASE}sitemap-{n}.xml" for n in range(n_pages)]
    seen = []
    for n in range(n_pages):
        page = [e.text for e in ET.fromstring(sitemap_xml(store, SETTINGS, page=n, per_page=10)).findall("s:url/s:loc", ns)]
        assert len(page) == (10 if n < n_pages - 1 else (len(site) + 33) - 10 * (n_pages - 1))
        seen += page
    assert seen == locs   # the same sequence, cut into pages: nothing twice, nothing lost
    with pytest.raises(ValueError):
        sitemap_xml(store, SETTINGS, page=n_pages, per_page=10)


def test_built_graphs_are_disjoint(seed_store, tmp_path):
    """The layout keeps report graphs, graph/entities, graph/ontology and graph/build disjoint (a shared node is
    described once, in graph/entities), which is what lets the N-Triples dump write graph after graph: its count
    (each triple once) equals the number of quads. When this fails the dump is still right (sort -u), only slower."""
    info, = write_dumps(seed_store, tmp_path, SETTINGS, formats=["ntriples"])
    assert info.triples == len(seed_store)
    lines = gzip.decompress(open(info.path, "rb").read()).splitlines()
    assert len(lines) == len(set(lines)) == info.triples


def test_void_dataset_is_the_catalogs_and_says_when_its_data_was_published(tmp_path):
    import os
    from datetime import datetime, timezone

    from rdflib.namespace import DCTERMS

    from kg.publish.catalog import TITLE, catalog_graph
    st = OxigraphStore(tmp_path / "store")
    try:
        with st.transaction() as tx:
            tx.add(BASE + "graph/report/1", [(URIRef(BASE + "id/report/1"), RDF.type, GK.Report)])
        os.utime(tmp_path / "store" / st.generation() / "READERS", (1577836800, 1577836800))   # 2020-01-01
        dumps = [{"name": "govkg.nt.gz", "size": 10, "sha256": "0" * 64, "media_type": "application/n-triples",
                  "triples": 1, "modified": "2021-06-01T00:00:00+00:00"}]
        g = void_graph(st, SETTINGS, dumps)
        cat = catalog_graph(st, SETTINGS, dumps)
    finally:
        st.close()
    ds = URIRef(BASE + "dataset")
    assert {str(t) for t in g.objects(ds, DCTERMS.title)} == set(TITLE.values())
    modified = g.value(ds, DCTERMS.modified)
    assert modified.toPython() == datetime(2020, 1, 1, tzinfo=timezone.utc)   # the data's, not the dump's
    # the catalog says the same of the same dataset: merged, the two descriptions give one dct:modified
    assert set((g + cat).objects(ds, DCTERMS.modified)) == {modified}
