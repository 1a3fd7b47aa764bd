"""kg.rdf.mapping: deterministic IRIs, shared nodes, evidence annotations, privacy."""
from __future__ import annotations

from dataclasses import replace

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from kg.config import Settings
from kg.extract.model import Instrument
from kg.rdf.iris import Minter
from kg.rdf.mapping import SENTENCE_BOUNDARIES, map_extraction, quote_context
from kg.rdf.namespaces import ELI, GK, KIND, OA, SCHEMA
from kg.rdf.privacy import mask_personal
from kg.validate import validate

XSD_GYEAR = URIRef("http://www.w3.org/2001/XMLSchema#gYear")
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
from tests.rdf.samples import REPORT_A, extraction_a, extraction_b

BASE = "https://data.example.org/"
SETTINGS = Settings(base_iri=BASE, publish_personal_contacts=False)


@pytest.fixture(scope="module")
def graphs_a():
    return map_extraction(extraction_a(), SETTINGS, source_name="reports/a.txt")


def annotations(graph):
    """(body, exact, prefix, suffix, start, end) of every annotation in a report graph."""
    out = []
    for ann in graph.subjects(RDF.type, OA.Annotation):
        target = graph.value(ann, OA.hasTarget)
        sel = {graph.value(s, RDF.type): s for s in graph.objects(target, OA.hasSelector)}
        q, p = sel[OA.TextQuoteSelector], sel[OA.TextPositionSelector]
        out.append((graph.value(ann, OA.hasBody), str(graph.value(q, OA.exact)),
                    str(graph.value(q, OA.prefix) or ""), str(graph.value(q, OA.suffix) or ""),
                    int(graph.value(p, OA.start)), int(graph.value(p, OA.end))))
    return out


def stored_text(rg) -> str:
    return str(rg.report.value(URIRef(Minter(BASE).text(str(rg.report_iri))), GK.content))


def test_same_input_gives_identical_graphs_and_no_blank_nodes(graphs_a):
    again = map_extraction(extraction_a(), SETTINGS, source_name="elsewhere/a.txt")
    assert again.report_iri == graphs_a.report_iri
    assert again.graph_iri == URIRef(BASE + "graph/report/" + str(graphs_a.report_iri).rsplit("/", 1)[1])
    assert set(again.report) == set(graphs_a.report)
    assert set(again.entities) == set(graphs_a.entities)
    assert again.content_hash == graphs_a.content_hash
    for s, p, o in (*graphs_a.report, *graphs_a.entities):
        assert not isinstance(s, BNode) and not isinstance(o, BNode)
        if isinstance(s, URIRef) and not str(s).startswith(("https://w3id.org/govkg/", "https://schema.org/")):
            assert str(s).startswith(BASE)


def test_report_iri_from_index_number_and_natural_key(graphs_a):
    mint = Minter(BASE)
    assert graphs_a.report_iri == URIRef(mint.report("idx:SL001-2025-007"))
    b = map_extraction(extraction_b(), SETTINGS, source_name="b.txt")   # no index number: issuer|year|genre|title
    assert b.report_iri == URIRef(mint.report(Minter.report_key(None, "样本县人民政府", 2024, None,
                                                                "样本县人民政府2024年度法治政府建设报告", "b.txt")))


def test_content_hash_changes_with_the_extraction_and_the_privacy_setting(graphs_a):
    ex = extraction_a()
    ex.report.doc_number = "示司〔2025〕4号"
    assert map_extraction(ex, SETTINGS, source_name="a.txt").content_hash != graphs_a.content_hash
    public = replace(SETTINGS, publish_personal_contacts=True)
    assert map_extraction(extraction_a(), public, source_name="a.txt").content_hash != graphs_a.content_hash


def test_same_law_cited_by_two_reports_is_one_node(graphs_a):
    b = map_extraction(extraction_b(), SETTINGS, source_name="b.txt")
    cited_a = set(graphs_a.report.objects(graphs_a.report_iri, GK.cites))
    cited_b = set(b.report.objects(b.report_iri, GK.cites))
    law = URIRef(Minter(BASE).instrument("中华人民共和国行政处罚法"))
    assert law in cited_a and law in cited_b
    assert cited_a & cited_b == {law}
    # Both describe it the same way in the shared graph; report B adds its short form as an altLabel.
    assert (law, ELI.type_document, KIND.law) in graphs_a.entities and (law, ELI.type_document, KIND.law) in b.entities
    assert (law, SKOS.altLabel, Literal("行政处罚法", lang="zh-Hans")) in b.entities
    assert (law, SKOS.prefLabel, Literal("中华人民共和国行政处罚法", lang="zh-Hans")) in b.entities


def test_report_node(graphs_a):
    r, rep = graphs_a.report, graphs_a.report_iri
    assert r.value(rep, DCTERMS.title) == Literal("示例市司法局关于2024年法治政府建设工作情况的报告", lang="zh-Hans")
    assert r.value(rep, GK.yearCovered) == Literal("2024", datatype=XSD_GYEAR)
    assert r.value(rep, DCTERMS.issued) == Literal("2025-02-20", datatype=XSD_DATE)
    assert str(r.value(rep, GK.docNumber)) == "示司〔2025〕3号"
    assert r.value(rep, GK.issuedBy) == URIRef(Minter(BASE).agency("示例市司法局"))
    assert len(set(r.objects(rep, GK.addressee))) == 2
    assert r.value(rep, GK.region) == URIRef(BASE + "id/region/350299")
    assert len(set(r.objects(rep, GK.hasInitiative))) == 3
    assert len(set(r.objects(rep, GK.reportsFigure))) == 2
    assert str(r.value(rep, GK.sourceName)) == "a.txt"


def test_initiatives_status_section_and_links(graphs_a):
    r = graphs_a.report
    by_title = {str(r.value(i, SCHEMA.name)): i for i in r.subjects(RDF.type, GK.Initiative)}
    first, planned = by_title["健全行政执法制度"], by_title["深化普法宣传"]
    assert r.value(first, SCHEMA.actionStatus) == SCHEMA.CompletedActionStatus
    assert r.value(planned, SCHEMA.actionStatus) == SCHEMA.PotentialActionStatus
    assert r.value(r.value(first, GK.section), DCTERMS.title) == Literal("（一）完善制度体系", lang="zh-Hans")
    # The planned one sits under "二、…工作打算" although "（一）" headings repeat: the section is found by name.
    assert r.value(r.value(planned, GK.section), DCTERMS.title) == Literal("二、2025年工作打算", lang="zh-Hans")
    assert r.value(first, GK.cites) == URIRef(Minter(BASE).instrument("示例市行政规范性文件管理办法"))
    assert r.value(first, GK.mentionsAgency) == URIRef(Minter(BASE).agency("示例市市场监督管理局"))
    text = extraction_a().text
    own = text[text.index("一是健全"):text.index("开展联合检查。") + len("开展联合检查。")]
    assert first == URIRef(Minter(BASE).initiative(str(graphs_a.report_iri), own))


def test_every_fact_is_annotated_and_quotes_are_exact(graphs_a):
    text = stored_text(graphs_a)
    anns = annotations(graphs_a.report)
    bodies = {a[0] for a in anns}
    r, rep = graphs_a.report, graphs_a.report_iri
    facts = set()
    for p in (GK.cites, GK.mentionsAgency, GK.mentionsEvent, GK.hasInitiative, GK.reportsFigure):
        facts |= set(r.objects(rep, p))
    assert facts and facts <= bodies
    for body, exact, prefix, suffix, start, end in anns:
        assert exact == text[start:end]
        assert text[:start].endswith(prefix) and text[end:].startswith(suffix)
        assert len(prefix) <= 32 and len(suffix) <= 32
        assert not any(ch in prefix + suffix for ch in SENTENCE_BOUNDARIES)


def test_quote_context_stops_at_sentence_boundaries():
    text = "第一句话。第二句里有《某法》的引用；第三句"
    start = text.index("《某法》")
    prefix, suffix = quote_context(text, start, start + len("《某法》"))
    assert (prefix, suffix) == ("第二句里有", "的引用")
    assert quote_context(text, 0, 4) == ("", "")   # begins at the start, ends right before 。
    long = "甲" * 50 + "X" + "乙" * 50
    assert quote_context(long, 50, 51) == ("甲" * 32, "乙" * 32)


def test_mapped_graph_conforms(graphs_a):
    v = validate([graphs_a.report, graphs_a.entities])
    assert v.conforms, v.text
    b = map_extraction(extraction_b(), SETTINGS, source_name="b.txt")
    assert validate(b.combined()).conforms


def test_facts_without_a_span_are_dropped_not_published():
    ex = extraction_a()
    ex.instruments.append(Instrument("示例市某某规定", "某某规定", "rules", []))
    rg = map_extraction(ex, SETTINGS, source_name="a.txt")
    ghost = URIRef(Minter(BASE).instrument("示例市某某规定"))
    assert (rg.report_iri, GK.cites, ghost) not in rg.report
    assert any("示例市某某规定" in line for line in rg.dropped)
    assert validate(rg.combined()).conforms


def test_bad_spans_are_dropped_with_a_reason():
    ex = extraction_a()
    ex.events[0].spans = [(5, 3), (0, 10_000)]
    rg = map_extraction(ex, SETTINGS, source_name="a.txt")
    assert not set(rg.report.objects(rg.report_iri, GK.mentionsEvent))
    assert len([d for d in rg.dropped if d.startswith("event")]) >= 2


# -- privacy ------------------------------------------------------------------------------------------------

def test_contacts_are_masked_by_default_and_offsets_stay_valid(graphs_a):
    text = stored_text(graphs_a)
    assert len(text) == len(REPORT_A)
    dump = graphs_a.report.serialize(format="nt") + graphs_a.entities.serialize(format="nt")
    assert "13912345678" not in dump and "李明华" not in dump
    assert "＊＊＊ 电话：0592-1234567、＊＊＊＊＊＊＊＊＊＊＊" in text
    assert not list(graphs_a.report.objects(graphs_a.report_iri, GK.contactPhone))
    for _body, exact, _p, _s, start, end in annotations(graphs_a.report):
        assert exact == text[start:end]
    assert validate(graphs_a.combined()).conforms


def test_publishing_contacts_gives_office_phone_only():
    rg = map_extraction(extraction_a(), replace(SETTINGS, publish_personal_contacts=True), source_name="a.txt")
    phones = {str(p) for p in rg.report.objects(rg.report_iri, GK.contactPhone)}
    assert phones == {"0592-1234567"}
    assert stored_text(rg) == REPORT_A           # the text as published by the agency itself
    assert validate(rg.combined()).conforms


def test_mask_finds_mobiles_in_any_form_and_names_after_lianxiren():
    text = "联系人：张三丰，手机：１３８００１３８０００；另 139-1234-5678 和 +86 13712345678。座机 0592-5551234。"
    masked = mask_personal(text)
    assert len(masked) == len(text)
    assert "张三丰" not in masked and "１３８００１３８０００" not in masked
    assert "5678" not in masked and "13712345678" not in masked
    assert "0592-5551234" in masked


def test_a_short_form_that_is_only_a_type_word_is_evidence_not_a_label():
    """以下简称《条例》 names the law inside one report; as a label of the shared node it would name every 条例."""
    from kg.extract import extract
    from kg.source.model import SourceText
    text = ("本报告依据《中华人民共和国政府信息公开条例》(以下简称《条例》)编制。"
            "按照《条例》要求,本机关主动公开政府信息。依据《行政处罚法》开展执法。")
    rg = map_extraction(extract(SourceText(text=text, path="t.txt")), SETTINGS, source_name="t.txt")
    law = URIRef(Minter(BASE).instrument("中华人民共和国政府信息公开条例"))
    labels = {str(o) for o in rg.entities.objects(law, SKOS.altLabel)}
    assert "条例" not in labels
    quotes = {str(rg.report.value(URIRef(str(a) + "#quote"), OA.exact)) for a in rg.report.subjects(OA.hasBody, law)}
    assert "条例" in quotes          # its uses are still evidence for the law
    punish = URIRef(Minter(BASE).instrument("中华人民共和国行政处罚法"))
    assert Literal("行政处罚法", lang="zh-Hans") in set(rg.entities.objects(punish, SKOS.altLabel))
