"""Minter.read is the inverse of the minting methods: every kind of node kg mints is recognised, with its report."""
from kg.rdf.iris import Minter

BASE = "https://kg.example.org/govkg/"
M = Minter(BASE)


def test_every_minted_kind_is_read_back():
    report = M.report("idx:000014349/2024-00001")
    ann = M.annotation(report, M.agency("厦门市外事办公室"), 3, 9)
    cases = {
        M.agency("厦门市外事办公室"): ("agency", None),
        M.instrument("中华人民共和国行政许可法"): ("instrument", None),
        M.event("12·4国家宪法日"): ("event", None),
        M.region("350200"): ("region", None),
        report: ("report", None),
        M.graph(report): ("graph", report),
        M.text(report): ("text", report),
        M.text(report) + "#sha256": ("checksum", report),
        M.run(report): ("run", report),
        M.initiative(report, "推进依法行政"): ("initiative", report),
        M.figure(report, 10, 14): ("figure", report),
        M.section(report, "一、主要工作", 0): ("section", report),
        ann: ("annotation", report),
        ann + "#target": ("target", report),
        ann + "#quote": ("quote", report),
        ann + "#position": ("position", report),
        M.software("0.1.1"): ("software", None),
    }
    for iri, (kind, in_report) in cases.items():
        minted = M.read(iri)
        assert minted is not None, iri
        assert (minted.kind, minted.report) == (kind, in_report), iri
    assert M.read(M.region("350200")).key == "350200"
    assert M.read(M.software("0.1.1")).key == "0.1.1"


def test_other_iris_are_not_read_as_minted():
    report = M.report("file:a.txt")
    for iri in ("https://other.example.org/govkg/id/agency/abc",   # another base
                BASE + "id/agency/abc#x",                          # a fragment we never mint there
                BASE + "id/report/abc/other/def",                  # an unknown part of a report
                BASE + "id/report/abc/annotation/def#elsewhere",
                report + "/text#md5", report + "/run/x", BASE + "id/agency/", BASE + "id/software/govkg/1/2",
                BASE + "dataset", BASE):
        assert M.read(iri) is None, iri
