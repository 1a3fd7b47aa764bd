"""A report that fails SHACL goes to the quarantine folder with its validation report, and what was published
before from the same file stays exactly as it was. Plus the bookkeeping of incremental builds (kg.build)."""
from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from kg.build import EXIT_REJECTED, build
from kg.config import Settings

from .conftest import graph_digests
from .inputs import REPORT, variant

GOOD_HTML = ("<html><head><meta charset='utf-8'><title>厦门市某某局关于2025年法治政府建设工作情况的报告</title></head>"
             "<body><article>" + "".join(f"<p>{ln}</p>" for ln in REPORT.splitlines()) + "</article></body></html>")
# Real input that fails the shapes: a broken page whose issuing agency the extractor cannot find (gk:issuedBy).
BROKEN_HTML = ("<html><head><meta charset='utf-8'><title>厦门市某某局关于2025年法治政府建设工作情况的报告</title>"
               "<body><div><p>一、2025年主要工作<table><tr><td>（一）加强组织领导。<p>认真学习《中华人民共和国行政复议法》"
               "<div><span></div></b></i></table></table><p>二、2026年工作计划<p>开展宪法宣传周活动<!-- unclosed comment"
               "<p>厦门市某某局<br>2026年1月20日<div <p <<>>")


def _settings(tmp: Path) -> Settings:
    return replace(Settings(), base_iri="http://testserver/", store=f"oxigraph:{tmp / 'store'}",
                   quarantine=tmp / "quarantine", dumps=tmp / "dumps")


def _build(folder: Path, tmp: Path, **kw):
    from kg.store.oxigraph import OxigraphStore

    store = OxigraphStore(tmp / "store")
    try:
        return build([str(folder)], store, _settings(tmp), jobs=1, progress=False, log=lambda *a: None, **kw)
    finally:
        store.close()


def test_shacl_failure_is_quarantined_and_the_published_version_stays(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    page = folder / "report.html"
    page.write_text(GOOD_HTML, encoding="utf-8")
    first = _build(folder, tmp_path)
    assert first.accepted == [str(page)] and first.exit_code == 0, first.line()
    before = graph_digests(tmp_path / "store")

    page.write_text(BROKEN_HTML, encoding="utf-8")   # a new version of the same file, which fails SHACL
    second = _build(folder, tmp_path)
    assert second.rejected == [str(page)] and not second.accepted and second.exit_code == EXIT_REJECTED
    err = capsys.readouterr().err
    assert f"rejected: {page}: fails SHACL validation" in err
    q = tmp_path / "quarantine"
    assert (q / "report.html").read_text(encoding="utf-8") == BROKEN_HTML
    validation = (q / "report.html.validation.txt").read_text(encoding="utf-8")
    assert "Violation" in validation and "issuedBy" in validation

    after = graph_digests(tmp_path / "store")
    reports = {g for g in before if "/graph/report/" in g}
    assert reports and {g: before[g] for g in reports} == {g: after[g] for g in after if "/graph/report/" in g}
    assert before["http://testserver/graph/build"] == after["http://testserver/graph/build"]

    third = _build(folder, tmp_path)   # still broken: tried again, rejected again, the old version still there
    assert third.rejected == [str(page)]
    assert graph_digests(tmp_path / "store") == after


def test_forced_shacl_failure_with_a_broken_mapping(tmp_path, monkeypatch):
    """Whatever the reason the shapes fail (here: a mapping that forgets every gk:issuedBy), nothing is stored."""
    import kg.rdf.mapping as mapping
    from kg.rdf.namespaces import GK

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(REPORT, encoding="utf-8")
    real = mapping.map_extraction

    def broken(*a, **kw):
        rg = real(*a, **kw)
        rg.report.remove((None, GK.issuedBy, None))
        return rg

    monkeypatch.setattr(mapping, "map_extraction", broken)
    s = _build(folder, tmp_path)
    assert s.rejected == [str(folder / "a.txt")] and not s.accepted
    assert "issuedBy" in (tmp_path / "quarantine" / "a.txt.validation.txt").read_text(encoding="utf-8")
    assert not [g for g in graph_digests(tmp_path / "store") if "/graph/report/" in g]


def test_edited_file_that_becomes_another_report_replaces_it(tmp_path):
    """A file whose year changes mints another report IRI: the old graph must go, not stay beside the new one."""
    folder = tmp_path / "in"
    folder.mkdir()
    f = folder / "r.txt"
    f.write_text(REPORT, encoding="utf-8")
    _build(folder, tmp_path)
    first = {g for g in graph_digests(tmp_path / "store") if "/graph/report/" in g}
    f.write_text(REPORT.replace("2025年", "2024年"), encoding="utf-8")
    s = _build(folder, tmp_path)
    assert s.accepted == [str(f)]
    second = {g for g in graph_digests(tmp_path / "store") if "/graph/report/" in g}
    assert len(first) == len(second) == 1 and first != second
    assert _build(folder, tmp_path).skipped == [str(f)]


def test_two_files_of_one_report_are_both_unchanged_and_withdrawn_one_at_a_time(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(REPORT, encoding="utf-8")
    (folder / "b.txt").write_text(REPORT, encoding="utf-8")       # same report, same graph
    (folder / "c.txt").write_text(variant("司法局"), encoding="utf-8")
    s1 = _build(folder, tmp_path)
    assert len(s1.accepted) == 3
    d1 = graph_digests(tmp_path / "store")
    assert len([g for g in d1 if "/graph/report/" in g]) == 2
    s2 = _build(folder, tmp_path)
    assert len(s2.skipped) == 3 and not s2.accepted, s2.line()
    (folder / "a.txt").unlink()
    s3 = _build(folder, tmp_path)
    assert s3.withdrawn == [str(folder / "a.txt")] and not s3.accepted
    d3 = graph_digests(tmp_path / "store")
    assert {g: v for g, v in d3.items() if "/graph/report/" in g} == {g: v for g, v in d1.items() if "/graph/report/" in g}
    (folder / "b.txt").unlink()
    s4 = _build(folder, tmp_path)
    assert s4.withdrawn == [str(folder / "b.txt")]
    assert len([g for g in graph_digests(tmp_path / "store") if "/graph/report/" in g]) == 1
    assert _build(folder, tmp_path).skipped == [str(folder / "c.txt")]


@pytest.mark.parametrize("kind", ["oxigraph", "memory"])
def test_build_records_of_two_files_with_other_bytes_are_replaced_whole_and_withdrawn(tmp_path, kind):
    """One report from two files with different bytes: graph/build holds both paths and both hashes, read back
    from the store (no saved copy, as after an upgrade, and always for the in-memory and remote stores). A change
    of one file replaces the graph's records whole, and withdrawing both leaves none behind."""
    from kg.store.memory import MemoryStore
    from kg.store.oxigraph import OxigraphStore

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(REPORT, encoding="utf-8")
    (folder / "b.txt").write_text(REPORT + "\n", encoding="utf-8")     # the same report, other bytes
    store = OxigraphStore(tmp_path / "store") if kind == "oxigraph" else MemoryStore()
    settings = _settings(tmp_path)
    records_graph = settings.base_iri + "graph/build"

    def run():
        for saved in (tmp_path / "store").glob("web-cache/build-records*"):
            saved.unlink()      # records read from the store
        return build([str(folder)], store, settings, jobs=1, progress=False, log=lambda *a: None)

    def records():
        return sorted((str(r["p"]).rsplit("#", 1)[-1], str(r["o"])) for r in store.query(
            f"SELECT ?p ?o WHERE {{ GRAPH <{records_graph}> {{ ?g ?p ?o }} }}").rows)

    try:
        assert len(run().accepted) == 2
        first = records()
        assert [p for p, _ in first] == ["sourceHash", "sourceHash", "sourcePath", "sourcePath"]
        (folder / "b.txt").write_text(REPORT + "\n\n", encoding="utf-8")
        assert run().accepted == [str(folder / "b.txt")]
        second = records()
        assert [p for p, _ in second] == ["sourceHash", "sourceHash", "sourcePath", "sourcePath"]
        assert second != first
        (folder / "a.txt").unlink()
        (folder / "b.txt").unlink()
        assert len(run().withdrawn) == 2
        assert records() == []
    finally:
        store.close()


def test_a_crashing_extractor_costs_one_file_not_the_build(tmp_path, monkeypatch, capsys):
    import kg.extract as extract_pkg

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(REPORT, encoding="utf-8")
    (folder / "boom.txt").write_text(variant("司法局"), encoding="utf-8")
    real = extract_pkg.extract

    def flaky(src):
        if src.path.endswith("boom.txt"):
            raise RecursionError("maximum recursion depth exceeded")
        return real(src)

    monkeypatch.setattr(extract_pkg, "extract", flaky)
    s = _build(folder, tmp_path)
    assert s.accepted == [str(folder / "a.txt")] and s.unreadable == [str(folder / "boom.txt")]
    assert f"error: {folder / 'boom.txt'}: cannot process (RecursionError" in capsys.readouterr().err


def test_a_rebuild_reads_only_files_whose_stamp_changed(tmp_path, monkeypatch):
    """kg.build_records: an untouched file is not read again; a file rewritten with the same size and its mtime set
    back is still seen (its ctime moved) and rebuilt; an unreadable saved copy of the records only costs time."""
    import os

    import kg.build_records as br

    monkeypatch.setattr(br, "RACY_NS", 0)       # the files here are seconds old; trust their stamps at once
    folder = tmp_path / "in"
    folder.mkdir()
    a, b = folder / "a.txt", folder / "b.txt"
    a.write_text(REPORT, encoding="utf-8")
    b.write_text(variant("司法局"), encoding="utf-8")
    assert len(_build(folder, tmp_path).accepted) == 2
    saved = list((tmp_path / "store" / "web-cache").glob(br.SAVED_NAME + "-*"))
    assert len(saved) == 1

    hashed: list[str] = []
    real = br.file_hash
    monkeypatch.setattr(br, "file_hash", lambda p: hashed.append(str(p)) or real(p))
    s = _build(folder, tmp_path)
    assert sorted(s.skipped) == [str(a), str(b)] and hashed == [], (s.line(), hashed)

    st = os.stat(a)
    edited = REPORT.replace("2025年", "2024年")
    assert len(edited.encode()) == st.st_size      # same size ...
    a.write_text(edited, encoding="utf-8")
    os.utime(a, ns=(st.st_atime_ns, st.st_mtime_ns))   # ... and the old mtime: only ctime tells
    s = _build(folder, tmp_path)
    assert s.accepted == [str(a)] and s.skipped == [str(b)], s.line()

    saved = list((tmp_path / "store" / "web-cache").glob(br.SAVED_NAME + "-*"))
    assert len(saved) == 1                          # the new generation's copy; the old one is gone
    saved[0].write_text("{not json", encoding="utf-8")
    hashed.clear()
    s = _build(folder, tmp_path)
    assert sorted(s.skipped) == [str(a), str(b)] and sorted(hashed) == [str(a), str(b)], s.line()
    hashed.clear()
    assert len(_build(folder, tmp_path).skipped) == 2 and hashed == []    # the copy was saved again


def test_saved_build_records_equal_the_store(tmp_path, monkeypatch):
    """The copy a build saves is what graph/build holds, after adds, replacements, two files of one report and a
    withdrawal: it is never a second truth."""
    import kg.build_records as br
    from kg.store.oxigraph import OxigraphStore

    monkeypatch.setattr(br, "RACY_NS", 0)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(REPORT, encoding="utf-8")
    (folder / "b.txt").write_text(REPORT, encoding="utf-8")
    (folder / "c.txt").write_text(variant("司法局"), encoding="utf-8")

    def check():
        store = OxigraphStore(tmp_path / "store")
        try:
            kept = br.BuildRecords.read(store, "http://testserver/graph/build")
            assert not kept.dirty, "no saved copy for the live generation"
            monkeypatch.setattr(br, "_saved_file", lambda *a: None)
            fresh = br.BuildRecords.read(store, "http://testserver/graph/build")
            monkeypatch.undo()
            monkeypatch.setattr(br, "RACY_NS", 0)
            assert kept.graphs == fresh.graphs and fresh.graphs
        finally:
            store.close()

    _build(folder, tmp_path)
    check()
    (folder / "c.txt").write_text(variant("司法局").replace("2025年", "2024年"), encoding="utf-8")
    _build(folder, tmp_path)
    check()
    (folder / "a.txt").unlink()
    assert _build(folder, tmp_path).withdrawn == [str(folder / "a.txt")]
    check()


def test_records_written_by_paths_before_0_1_1_are_replaced_and_their_gone_files_withdrawn(tmp_path):
    """A store whose graph/build still names files by their path: the next build rewrites those records as keys
    (no directory of the server stays published) and withdraws the report of a file that is gone."""
    from kg.store.oxigraph import OxigraphStore

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(REPORT, encoding="utf-8")
    (folder / "c.txt").write_text(variant("司法局"), encoding="utf-8")
    assert len(_build(folder, tmp_path).accepted) == 2
    build_g = "http://testserver/graph/build"
    store = OxigraphStore(tmp_path / "store")
    try:   # turn the records back into what 0.1.0 wrote: sourcePath = the file's path
        rows = store.query(f"PREFIX gk: <https://w3id.org/govkg/def#> SELECT ?g ?k WHERE {{ GRAPH <{build_g}> "
                           f"{{ ?g gk:sourcePath ?k }} }}").rows
        with store.transaction() as tx:
            for r in rows:
                name = str(r["k"]).rsplit("/", 1)[-1]
                tx.update(f'PREFIX gk: <https://w3id.org/govkg/def#> DELETE {{ GRAPH <{build_g}> {{ <{r["g"]}> '
                          f'gk:sourcePath ?k }} }} INSERT {{ GRAPH <{build_g}> {{ <{r["g"]}> gk:sourcePath '
                          f'"{folder / name}" }} }} WHERE {{ GRAPH <{build_g}> {{ <{r["g"]}> gk:sourcePath ?k }} }}')
    finally:
        store.close()
    shutil.rmtree(tmp_path / "store" / "web-cache", ignore_errors=True)   # no saved copy: read the store
    (folder / "a.txt").unlink()
    s = _build(folder, tmp_path)
    assert s.withdrawn == [str(folder / "a.txt")], s.line()
    store = OxigraphStore(tmp_path / "store")
    try:
        keys = [str(r["k"]) for r in store.query(
            f"PREFIX gk: <https://w3id.org/govkg/def#> SELECT ?k WHERE {{ GRAPH <{build_g}> {{ ?g gk:sourcePath ?k }} }}").rows]
    finally:
        store.close()
    assert keys and all(k.startswith("root-") for k in keys) and not any(str(tmp_path) in k for k in keys)


def test_a_store_built_under_another_base_iri_is_refused_and_untouched(tmp_path):
    """A build under another base would find none of the store's records (they are named after the base) and
    publish every report a second time under new IRIs; it is refused with the two bases named, and nothing changes.
    Found by a README review: `kg build --base …` on the sample store doubled its reports."""
    from kg.build import BuildError
    from kg.store.oxigraph import OxigraphStore

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "report.txt").write_text(REPORT, encoding="utf-8")
    assert len(_build(folder, tmp_path).accepted) == 1
    before = graph_digests(tmp_path / "store")
    store = OxigraphStore(tmp_path / "store")
    try:
        with pytest.raises(BuildError) as err:
            build([str(folder)], store, replace(_settings(tmp_path), base_iri="http://elsewhere.example/"), jobs=1,
                  progress=False, log=lambda *a: None)
    finally:
        store.close()
    assert "http://testserver/" in str(err.value) and "http://elsewhere.example/" in str(err.value)
    assert graph_digests(tmp_path / "store") == before
    assert _build(folder, tmp_path).skipped   # under its own base the store builds on as before
