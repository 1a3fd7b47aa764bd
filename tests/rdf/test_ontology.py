"""ontology/: parses, labels and comments in zh-Hans and en, SKOS schemes complete, mapping uses declared terms."""
from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kg.config import Settings
from kg.extract.model import INSTRUMENT_KINDS
from kg.rdf.mapping import map_extraction
from kg.rdf.namespaces import ELI, GK, KIND, KIND_SCHEME, LEVEL, LEVEL_SCHEME, SCHEMA
from kg.rdf.ontology import ontology_graph
from tests.rdf.samples import extraction_a

ORG = "http://www.w3.org/ns/org#"
CV = "http://data.europa.eu/m8g/"


@pytest.fixture(scope="module")
def onto():
    return ontology_graph()


def gk_terms(onto):
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return {s for k in kinds for s in onto.subjects(RDF.type, k) if str(s).startswith(str(GK))}


def langs(onto, s, p):
    return {o.language for o in onto.objects(s, p) if isinstance(o, Literal)}


def test_ontology_header(onto):
    ont = URIRef("https://w3id.org/govkg/def")
    assert (ont, RDF.type, OWL.Ontology) in onto
    assert onto.value(ont, OWL.versionInfo) is not None


def test_every_class_and_property_has_zh_and_en_label_and_comment(onto):
    terms = gk_terms(onto)
    assert len(terms) > 30
    for term in terms:
        assert {"zh-Hans", "en"} <= langs(onto, term, RDFS.label), term
        assert {"zh-Hans", "en"} <= langs(onto, term, RDFS.comment), term


def test_classes_and_alignments(onto):
    expected = {
        GK.Agency: {URIRef(ORG + "Organization"), URIRef(CV + "PublicOrganisation"), SCHEMA.GovernmentOrganization},
        GK.Report: {SCHEMA.Report, URIRef("http://xmlns.com/foaf/0.1/Document"), URIRef("http://www.w3.org/ns/prov#Entity")},
        GK.Initiative: {SCHEMA.Action},
        GK.LegalInstrument: {ELI.LegalResource, SCHEMA.Legislation},
        GK.Event: {SCHEMA.Event, URIRef(CV + "PublicEvent")},
        GK.ExtractionRun: {URIRef("http://www.w3.org/ns/prov#Activity")},
    }
    for cls, supers in expected.items():
        assert supers <= set(onto.objects(cls, RDFS.subClassOf)), cls
    for cls in (GK.Region, GK.Figure, GK.SourceText, GK.Section):
        assert (cls, RDF.type, OWL.Class) in onto
    cites_supers = set(onto.objects(GK.cites, RDFS.subPropertyOf))
    assert {DCTERMS.references, SCHEMA.citation} <= cites_supers and ELI.cites not in cites_supers
    assert (GK.yearCovered, RDFS.range, URIRef("http://www.w3.org/2001/XMLSchema#gYear")) in onto


def test_instrument_kind_scheme_is_complete(onto):
    scheme = URIRef(KIND_SCHEME)
    assert (scheme, RDF.type, SKOS.ConceptScheme) in onto
    assert langs(onto, scheme, DCTERMS.title) >= {"zh-Hans", "en"}
    tops = set(onto.objects(scheme, SKOS.hasTopConcept))
    assert tops == {KIND[code] for code in INSTRUMENT_KINDS}
    zh = {}
    for code in INSTRUMENT_KINDS:
        concept = KIND[code]
        assert (concept, RDF.type, SKOS.Concept) in onto
        assert str(onto.value(concept, SKOS.notation)) == code
        assert (concept, SKOS.inScheme, scheme) in onto
        assert langs(onto, concept, SKOS.prefLabel) == {"zh-Hans", "en"}
        assert langs(onto, concept, SKOS.definition) == {"zh-Hans", "en"}
        zh[code] = next(str(o) for o in onto.objects(concept, SKOS.prefLabel) if o.language == "zh-Hans")
    assert zh["law"] == "法律" and zh["admin_regulation"] == "行政法规" and zh["local_regulation"] == "地方性法规"
    assert zh["rules"] == "规章" and zh["party_regulation"] == "党内法规" and zh["other"] == "其他"
    assert "规范性文件" in zh["policy"]


def test_level_scheme(onto):
    scheme = URIRef(LEVEL_SCHEME)
    assert set(onto.objects(scheme, SKOS.hasTopConcept)) == {LEVEL.national, LEVEL.local}
    for concept in (LEVEL.national, LEVEL.local):
        assert langs(onto, concept, SKOS.prefLabel) == {"zh-Hans", "en"}


def test_mapping_uses_only_declared_gk_terms(onto):
    rg = map_extraction(extraction_a(), Settings(base_iri="https://data.example.org/"), source_name="a.txt")
    declared = gk_terms(onto)
    used = set()
    for s, p, o in (*rg.report, *rg.entities):
        if str(p).startswith(str(GK)):
            used.add(p)
        if p == RDF.type and str(o).startswith(str(GK)):
            used.add(o)
    assert used and used <= declared, used - declared
