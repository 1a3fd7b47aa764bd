"""kg.validate: real mappings conform; graphs broken on purpose do not, with a readable message; the fast engine,
pySHACL over the flattened shapes and pySHACL over shapes/ as written agree."""
from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from kg.config import ROOT, Settings
from kg.rdf.iris import Minter
from kg.rdf.mapping import map_extraction
from kg.rdf.namespaces import ELI, GK, KIND, OA, SCHEMA
from kg.rdf.shacl import ShapeSet, UnsupportedShape
from kg.validate import ENGINES, flatten_shapes, shapes_graph, validate
from tests.rdf.samples import extraction_a
from tests.validate.bench_support import synthetic_extraction

BASE = "https://data.example.org/"
MINT = Minter(BASE)
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")
XSD_NNI = URIRef("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")


@pytest.fixture
def mapped():
    return map_extraction(extraction_a(), Settings(base_iri=BASE), source_name="a.txt")


def first_annotation(g: Graph, body: URIRef) -> URIRef:
    return sorted(g.subjects(OA.hasBody, body))[0]


def selector(g: Graph, ann: URIRef, kind: URIRef) -> URIRef:
    target = g.value(ann, OA.hasTarget)
    return next(s for s in g.objects(target, OA.hasSelector) if (s, RDF.type, kind) in g)


# Each breakage: (name, function(report graph, entities graph, ReportGraphs), text expected in the report)
def no_title(r, e, rg):
    r.remove((rg.report_iri, DCTERMS.title, None))
    r.remove((rg.report_iri, RDFS.label, None))


def title_in_wrong_language(r, e, rg):
    r.add((rg.report_iri, DCTERMS.title, Literal("Report", lang="ja")))


def no_issuer(r, e, rg):
    r.remove((rg.report_iri, GK.issuedBy, None))


def kind_outside_scheme(r, e, rg):
    law = URIRef(MINT.instrument("中华人民共和国行政处罚法"))
    e.remove((law, ELI.type_document, None))
    e.add((law, ELI.type_document, KIND.treaty))


def year_not_gyear(r, e, rg):
    r.set((rg.report_iri, GK.yearCovered, Literal("2024", datatype=XSD_INTEGER)))


def bad_date(r, e, rg):
    r.set((rg.report_iri, DCTERMS.issued, Literal("2025年2月20日")))


def annotation_without_selectors(r, e, rg):
    law = URIRef(MINT.instrument("中华人民共和国行政处罚法"))
    target = r.value(first_annotation(r, law), OA.hasTarget)
    r.remove((target, OA.hasSelector, None))


def annotation_without_position(r, e, rg):
    law = URIRef(MINT.instrument("中华人民共和国行政处罚法"))
    ann = first_annotation(r, law)
    r.remove((r.value(ann, OA.hasTarget), OA.hasSelector, selector(r, ann, OA.TextPositionSelector)))


def start_not_before_end(r, e, rg):
    law = URIRef(MINT.instrument("中华人民共和国行政处罚法"))
    pos = selector(r, first_annotation(r, law), OA.TextPositionSelector)
    end = r.value(pos, OA.end)
    r.set((pos, OA.start, Literal(int(end), datatype=XSD_INTEGER)))


def negative_start(r, e, rg):
    law = URIRef(MINT.instrument("中华人民共和国行政处罚法"))
    r.set((selector(r, first_annotation(r, law), OA.TextPositionSelector), OA.start, Literal(-1, datatype=XSD_INTEGER)))


def offset_as_derived_type(r, e, rg):
    """xsd:nonNegativeInteger is what Web Annotation ranges offsets over, but not what the store publishes."""
    law = URIRef(MINT.instrument("中华人民共和国行政处罚法"))
    pos = selector(r, first_annotation(r, law), OA.TextPositionSelector)
    r.set((pos, OA.end, Literal(int(r.value(pos, OA.end)), datatype=XSD_NNI)))


def quote_not_in_text(r, e, rg):
    law = URIRef(MINT.instrument("中华人民共和国行政处罚法"))
    quote = selector(r, first_annotation(r, law), OA.TextQuoteSelector)
    r.set((quote, OA.exact, Literal("中华人民共和国行政许可法")))


def citation_without_evidence(r, e, rg):
    ghost = URIRef(MINT.instrument("无出处条例"))
    e.add((ghost, RDF.type, GK.LegalInstrument))
    e.add((ghost, RDFS.label, Literal("无出处条例", lang="zh-Hans")))
    e.add((ghost, SKOS.prefLabel, Literal("无出处条例", lang="zh-Hans")))
    e.add((ghost, ELI.type_document, KIND.admin_regulation))
    r.add((rg.report_iri, GK.cites, ghost))


def label_in_wrong_language(r, e, rg):
    agency = URIRef(MINT.agency("示例市司法局"))
    e.add((agency, SKOS.prefLabel, Literal("示例市司法局", lang="ja")))


def cites_a_non_instrument(r, e, rg):
    agency = URIRef(MINT.agency("示例市司法局"))
    r.add((rg.report_iri, GK.cites, agency))
    r.add((first_annotation(r, URIRef(MINT.agency("中共示例市委员会"))), OA.hasBody, agency))


def initiative_without_status(r, e, rg):
    for ini in list(r.subjects(RDF.type, GK.Initiative)):
        r.remove((ini, SCHEMA.actionStatus, None))
        break


def text_without_content(r, e, rg):
    r.remove((URIRef(MINT.text(str(rg.report_iri))), GK.content, None))


BREAKAGES = [
    (no_title, "a report needs a name"),
    (title_in_wrong_language, "tagged @zh-Hans or @en"),
    (no_issuer, "issuing agency"),
    (kind_outside_scheme, "instrument-kind scheme"),
    (year_not_gyear, "xsd:gYear"),
    (bad_date, "xsd:date"),
    (annotation_without_selectors, "two selectors"),
    (annotation_without_position, "TextPositionSelector"),
    (start_not_before_end, "less than oa:end"),
    (negative_start, "an xsd:integer >= 0"),
    (offset_as_derived_type, "an xsd:integer >= 0"),
    (quote_not_in_text, "is not the text at"),
    (citation_without_evidence, "no annotation"),
    (label_in_wrong_language, "@zh-Hans or @en"),
    (cites_a_non_instrument, "LegalInstrument"),
    (initiative_without_status, "status"),
    (text_without_content, "gk:content"),
]


@pytest.mark.parametrize("engine", ENGINES)
def test_real_mapping_conforms(mapped, engine):
    v = validate([mapped.report, mapped.entities], engine=engine)
    assert v.conforms, v.text
    assert v.results == [] and v.text == "Conforms"


@pytest.mark.parametrize("breakage,expected", BREAKAGES, ids=[b.__name__ for b, _ in BREAKAGES])
def test_broken_graph_fails_with_readable_message(mapped, breakage, expected):
    breakage(mapped.report, mapped.entities, mapped)
    v = validate([mapped.report, mapped.entities])
    assert not v.conforms
    assert expected in v.text, v.text
    for line in v.text.splitlines()[1:]:
        assert line.startswith(("Violation: <", "Error: <")), line   # focus node first, then path and message
    # pySHACL (the reference) agrees: same focus nodes and paths, over the flattened and the nested shapes.
    found = {(r.focus, r.path) for r in v.results}
    for engine in ("pyshacl", "pyshacl-nested"):
        other = validate([mapped.report, mapped.entities], engine=engine)
        assert not other.conforms
        assert {(r.focus, r.path) for r in other.results} == found, (engine, other.text, v.text)


def test_validation_result_names_focus_and_path(mapped):
    no_title(mapped.report, mapped.entities, mapped)
    v = validate(mapped.combined())
    result = next(r for r in v.results if r.path == "rdfs:label")
    assert result.focus == str(mapped.report_iri)
    assert f"<{mapped.report_iri}> rdfs:label: a report needs a name" in v.text


def test_optional_header_fields_may_be_missing():
    ex = extraction_a()
    ex.report.doc_number = ex.report.index_number = ex.report.published = ex.report.url = None
    ex.report.year_covered = None
    ex.report.region_code = None
    ex.contacts = []
    rg = map_extraction(ex, Settings(base_iri=BASE), source_name="a.txt")
    assert validate(rg.combined()).conforms


def test_text_without_a_title_gets_a_derived_label_and_conforms():
    ex = extraction_a()
    ex.report.title = None
    rg = map_extraction(ex, Settings(base_iri=BASE), source_name="a.txt")
    assert rg.report.value(rg.report_iri, DCTERMS.title) is None
    assert str(rg.report.value(rg.report_iri, RDFS.label)) == "示例市司法局2024年法治政府建设年度报告"
    assert validate(rg.combined()).conforms


def test_mapping_without_issuer_is_rejected():
    ex = extraction_a()
    ex.report.agency = None
    ex.agencies = [a for a in ex.agencies if a.role != "issuer"]
    v = validate(map_extraction(ex, Settings(base_iri=BASE), source_name="a.txt").combined())
    assert not v.conforms and "issuing agency" in v.text


def test_larger_report_conforms_with_every_engine():
    text = (ROOT / "data" / "seed-xiamen-fao-2025.txt").read_text(encoding="utf-8")
    rg = map_extraction(synthetic_extraction(text), Settings(base_iri=BASE), source_name="seed.txt")
    for engine in ENGINES:
        v = validate([rg.report, rg.entities], engine=engine)
        assert v.conforms, (engine, v.text)


def test_flattening_keeps_every_property_shape():
    SH = "http://www.w3.org/ns/shacl#"
    nested, flat = shapes_graph(), flatten_shapes(shapes_graph())
    props = set(nested.objects(None, URIRef(SH + "property")))
    assert props and all((p, URIRef(SH + "path"), None) in flat for p in props)
    assert len(flat) >= len(nested)


def test_fast_engine_refuses_shapes_it_does_not_implement():
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:p ; sh:or ( [ sh:datatype ex:a ] [ sh:datatype ex:b ] ) ] .
    """, format="turtle")
    with pytest.raises(UnsupportedShape):
        ShapeSet(shapes)


def test_seed_report_from_the_extractor_conforms():
    try:
        from kg.extract import extract
        from kg.source import read
    except ImportError:
        pytest.skip("the extractor (kg.extract.extract) is not written yet")
    seed = ROOT / "data" / "seed-xiamen-fao-2025.txt"
    ex = extract(read(seed))
    rg = map_extraction(ex, Settings(base_iri=BASE), source_name=seed.name)
    v = validate([rg.report, rg.entities])
    assert v.conforms, v.text
    assert set(rg.report.objects(rg.report_iri, GK.cites)), "the seed report cites instruments"
    assert "13860183130" not in rg.report.serialize(format="nt")


def test_the_graph_as_stored_conforms():
    """What is published is what the store gives back, not what the mapping made: Oxigraph normalises some literals
    (integer-derived datatypes, language-tag case). The seed report read back from a store still conforms."""
    from kg.extract import extract
    from kg.source import read
    from kg.store.memory import MemoryStore
    seed = ROOT / "data" / "seed-xiamen-fao-2025.txt"
    rg = map_extraction(extract(read(seed)), Settings(base_iri=BASE), source_name=seed.name)
    store = MemoryStore()
    with store.transaction() as tx:
        tx.replace_graph(str(rg.graph_iri), list(rg.report))
        tx.add(BASE + "graph/entities", list(rg.entities))
    stored = Graph()
    for row in store.query("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", max_rows=10**6).rows:
        stored.add((row["s"], row["p"], row["o"]))
    assert len(stored) == len(set(rg.report) | set(rg.entities))
    offsets = set(stored.objects(None, OA.start))
    assert offsets and {o.datatype for o in offsets} == {XSD_INTEGER}
    for engine in ENGINES:
        v = validate(stored, engine=engine)
        assert v.conforms, (engine, v.text[:2000])
