"""validate_many (one pySHACL run over many reports, as `kg build` workers use it) gives exactly validate()'s
verdicts and texts, report by report, whatever the other reports in the batch hold."""
from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.config import Settings
from kg.rdf.mapping import map_extraction
from kg.rdf.namespaces import GK, OA
from kg.validate import _disjoint_union, validate, validate_many
from tests.rdf.samples import extraction_a
from tests.validate.test_validate import BASE, BREAKAGES, MINT


def fresh():
    return map_extraction(extraction_a(), Settings(base_iri=BASE), source_name="a.txt")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from kg.synth import synthesize
    folder = tmp_path_factory.mktemp("synth")
    synthesize(3, folder)
    return sorted(folder.glob("*.txt"))


_CORPUS: list = []


@pytest.fixture(autouse=True)
def _corpus(corpus):
    _CORPUS[:] = corpus


def others(n=3):
    from kg.extract import extract
    from kg.source import read
    return [map_extraction(extract(read(str(f))), Settings(base_iri=BASE), source_name=f.name) for f in _CORPUS[:n]]


def same(batch):
    parts = [[rg.report, rg.entities] for rg in batch]
    many = validate_many(parts, engine="pyshacl")
    one = [validate(p, engine="pyshacl") for p in parts]
    assert [(v.conforms, v.text) for v in many] == [(v.conforms, v.text) for v in one]
    return many


def test_a_conforming_batch_is_validated_in_one_run_and_conforms():
    batch = [fresh(), *others()]
    assert _disjoint_union([[rg.report_triples(), rg.entity_triples()] for rg in batch]) is not None
    assert all(v.conforms for v in same(batch))


@pytest.mark.parametrize("breakage,expected", BREAKAGES, ids=[b.__name__ for b, _ in BREAKAGES])
def test_a_broken_report_in_a_batch_gets_its_own_verdict(breakage, expected):
    broken = fresh()
    breakage(broken.report, broken.entities, broken)
    v = same([fresh(), broken, *others(2)])
    assert [x.conforms for x in v] == [True, False, True, True]
    assert expected in v[1].text


def test_a_report_cannot_borrow_what_another_report_in_the_batch_says():
    """The same agency in two reports: one lost its labels and its type, the other has them. Alone the first
    fails; in a batch it must fail too (shared nodes are renamed apart in the union)."""
    agency = URIRef(MINT.agency("示例市司法局"))
    a, b = fresh(), fresh()
    for p in (RDFS.label, SKOS.prefLabel):
        a.entities.remove((agency, p, None))
    ann = next(iter(b.report.subjects(OA.hasBody, agency)))
    a.report.remove((ann, OA.hasBody, agency))            # its evidence is in b only
    a.entities.remove((agency, RDF.type, GK.Agency))      # its type is in b only
    v = same([a, b])
    assert not v[0].conforms and v[1].conforms


def test_a_shared_literal_focus_falls_back_to_one_by_one():
    a, b = fresh(), fresh()
    for rg in (a, b):
        rg.report.add((rg.report_iri, GK.cites, Literal("not a node")))
    parts = [[rg.report_triples(), rg.entity_triples()] for rg in (a, b)]
    assert _disjoint_union(parts) is None
    same([a, b])
