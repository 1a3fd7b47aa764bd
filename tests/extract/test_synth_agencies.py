"""Mentioned agencies on synthetic reports (kg/synth.py writes the truth): every body the generator mentions by its
short form (区卫健局, 自治区教育厅, 市城管局 …) is found under its full name, and one body is one name across reports,
whether it is the issuer of one report or mentioned in another."""
from __future__ import annotations

from collections import defaultdict

from kg.extract import extract_text
from kg.rdf.iris import fold
from kg.synth import report

N, SEED = 150, 11


def test_mentioned_agency_recall_and_one_name_per_body():
    hit = total = 0
    names = defaultdict(set)       # true full name -> names the extractor gave it
    missed = []
    for i in range(N):
        _, text, truth = report(i, SEED)
        ex = extract_text(text)
        names[truth["agency"]].add(ex.report.agency)
        got = {fold(a.name): a.name for a in ex.agencies}
        by_surface = {s: a.name for a in ex.agencies for s in [a.surface] + a.aliases}
        for m in truth["agencies_mentioned"]:
            total += 1
            if fold(m["name"]) in got:
                hit += 1
                names[m["name"]].add(m["name"])
            else:
                missed.append((m["surface"], m["name"], by_surface.get(m["surface"])))
                names[m["name"]].add(by_surface.get(m["surface"]))
    assert total > 100
    assert hit / total >= 0.98, missed[:10]
    split = {k: v for k, v in names.items() if len(v) > 1}
    assert not split, list(split.items())[:5]
