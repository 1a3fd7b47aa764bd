"""kg build saves the new generation's citation index beside the store; after a small rebuild it is the old index
with only the changed graphs re-read, and it equals the index computed from scratch."""
from __future__ import annotations

from dataclasses import replace

import pytest

from kg.build import build
from kg.config import Settings
from kg.publish import citations
from kg.store.oxigraph import OxigraphStore
from kg.synth import synthesize

BASE = "http://example.org/kg/"
LAW = "中华人民共和国行政许可法"


def derived(ix: citations.CitationIndex) -> dict:
    """What the pages and stored queries read from an index, order-free."""
    def sets(d):
        return {k: sorted(set(v)) for k, v in d.items()}
    return {"by_report": sets(ix.by_report), "by_inst": sets(ix.by_inst), "years": sets(ix.years),
            "issuers": sets(ix.issuers), "by_agency": sets(ix.by_agency), "kinds": sets(ix.kinds),
            "agencies": sorted(ix.agencies), "region_codes": sets(ix.region_codes), "alts": sets(ix.alts),
            "label": ix.label, "hubs": ix.hubs}


@pytest.fixture()
def corpus_store(tmp_path):
    corpus = tmp_path / "corpus"
    synthesize(16, corpus, truth=False)
    settings = replace(Settings(), base_iri=BASE, store=f"oxigraph:{tmp_path / 'store'}",
                       quarantine=tmp_path / "quarantine", dumps=tmp_path / "dumps")
    store = OxigraphStore(tmp_path / "store")
    yield corpus, store, settings
    store.close()


def test_build_saves_the_index_and_a_rebuild_updates_it(corpus_store, monkeypatch):
    corpus, store, settings = corpus_store
    assert len(build([str(corpus)], store, settings, jobs=1, progress=False).accepted) == 16
    gen = store.generation()
    saved = citations.load_saved_index(store, gen)
    assert saved is not None, "the build saved no citation index for the generation it published"
    assert derived(saved) == derived(citations.CitationIndex.from_store(store))

    calls = []
    real = citations.updated_tables
    monkeypatch.setattr(citations, "updated_tables", lambda snap, tables, graphs, touched: calls.append(
        (set(graphs), None if touched is None else set(touched))) or real(snap, tables, graphs, touched))

    # one report now cites one more law: its graph and the entities it describes are re-read, nothing else
    files = sorted(corpus.glob("*.txt"))
    text = files[3].read_text(encoding="utf-8")
    cut = text.index("。", len(text) // 2) + 1
    files[3].write_text(text[:cut] + f"认真贯彻落实《{LAW}》。" + text[cut:], encoding="utf-8")
    assert len(build([str(corpus)], store, settings, jobs=1, progress=False).accepted) == 1
    new = citations.load_saved_index(store, store.generation())
    want = citations.CitationIndex.from_store(store)
    assert new is not None and derived(new) == derived(want)
    law = [iri for iri, label in want.label.items() if label == LAW]
    assert law and law[0] in new.by_inst and law[0] not in saved.by_inst
    graphs, touched = calls[-1]
    assert len(graphs) == 1 and touched is not None and law[0] in touched
    assert len(touched & set(want.label)) < len(want.label) // 2, "a one-report rebuild re-read most entities"

    # another is withdrawn: entities may have been pruned anywhere, so the entity tables are read whole
    files[7].unlink()
    summary = build([str(corpus)], store, settings, jobs=1, progress=False)
    assert len(summary.withdrawn) == 1, summary.line()
    graphs, touched = calls[-1]
    assert len(graphs) == 1 and touched is None
    new = citations.load_saved_index(store, store.generation())
    assert new is not None and derived(new) == derived(citations.CitationIndex.from_store(store))
    assert len(new.by_report) == 15


def test_many_changes_recompute_from_scratch(corpus_store, monkeypatch):
    corpus, store, settings = corpus_store
    build([str(corpus)], store, settings, jobs=1, progress=False)
    for f in sorted(corpus.glob("*.txt"))[:8]:      # half the reports
        f.write_text(f.read_text(encoding="utf-8") + "\n加强行政执法监督。\n", encoding="utf-8")
    monkeypatch.setattr(citations, "updated_tables",
                        lambda *a: pytest.fail("half the graphs changed: the index should be computed anew"))
    build([str(corpus)], store, settings, jobs=1, progress=False)
    new = citations.load_saved_index(store, store.generation())
    assert new is not None and derived(new) == derived(citations.CitationIndex.from_store(store))


def test_a_store_without_a_folder_gets_no_file():
    from kg.store.memory import MemoryStore
    assert citations.refresh(MemoryStore(), None, set()) is False
