"""Issue 6, "nothing lost": hostile files through the whole `kg build` (the real CLI in a subprocess).

Each unreadable file costs one clear stderr line naming it and the problem; the good reports are stored; the
exit code tells what happened (2 unreadable, 4 rejected, 6 both); nothing prints a traceback.
"""
from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from kg.config import Settings

from .conftest import kg
from .inputs import PATHOLOGICAL, SCRIPT_TITLE, SEED, UNREADABLE, make_bad_folder

BASE = "http://testserver/"


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory, synth_corpus):
    tmp = tmp_path_factory.mktemp("bad")
    folder = tmp / "in"
    good = [SEED] + sorted(synth_corpus.glob("*.txt"))[:3]
    files = make_bad_folder(folder, good=good)
    store = tmp / "store"
    r = kg(["build", str(folder), "--store", f"oxigraph:{store}", "--base", BASE, "--quiet"], tmp, timeout=240)
    return {"tmp": tmp, "folder": folder, "files": files, "good": [folder / g.name for g in good],
            "store": store, "run": r}


def test_no_traceback_and_exit_code(bad_build):
    r = bad_build["run"]
    assert "Traceback" not in r.stdout + r.stderr, r.stderr
    assert r.returncode == 6, r.stderr   # 2 (unreadable) | 4 (malformed.html fails SHACL)


def test_one_clear_line_per_bad_file(bad_build):
    lines = bad_build["run"].stderr.splitlines()
    for name, problem in UNREADABLE.items():
        path = str(bad_build["files"][name])
        naming = [ln for ln in lines if path in ln and not ln.startswith("  unreadable:")]
        assert len(naming) == 1, (name, naming)
        assert naming[0].startswith("error: ") and problem in naming[0], naming[0]
        assert len(naming[0]) < 200, naming[0]
        # and once in the closing list
        assert lines.count(f"  unreadable: {path}") == 1
    path = str(bad_build["files"]["malformed.html"])
    naming = [ln for ln in lines if path in ln and not ln.startswith("  rejected:")]
    assert len(naming) == 1 and naming[0].startswith("rejected: ") and "SHACL" in naming[0], naming


def test_summary_line_counts(bad_build):
    accepted = len(bad_build["good"]) + len(PATHOLOGICAL) - 1   # all but malformed.html
    summary = [ln for ln in bad_build["run"].stderr.splitlines() if " accepted, " in ln]
    assert len(summary) == 1
    assert re.match(rf"^{accepted} accepted, 1 rejected, {len(UNREADABLE)} unreadable, 0 unchanged, 0 withdrawn in ",
                    summary[0]), summary[0]


def test_good_and_pathological_reports_are_stored(bad_build):
    from kg.store.oxigraph import OxigraphStore

    store = OxigraphStore(bad_build["store"])
    try:
        rows = store.query("""PREFIX gk: <https://w3id.org/govkg/def#>
            SELECT ?path ?g WHERE { GRAPH ?b { ?g gk:sourcePath ?path } }""").rows
        recorded = {str(r["path"]): str(r["g"]) for r in rows}
        graphs = set(store.graph_names())
    finally:
        store.close()
    # files are recorded by key: the root's digest and the path below it, never the server's directories
    from kg.build import root_token
    assert not any(str(bad_build["tmp"]) in p for p in recorded)
    key = root_token(str(bad_build["folder"])) + "/"
    expected = [p.name for p in bad_build["good"]] + [bad_build["files"][n].name for n in PATHOLOGICAL
                                                     if n != "malformed.html"]
    for name in expected:
        assert key + name in recorded, f"{name} not stored"
        assert recorded[key + name] in graphs
    for name in list(UNREADABLE) + ["malformed.html"]:
        assert key + bad_build["files"][name].name not in recorded


def test_script_title_is_stored_verbatim_and_escaped_when_served(bad_build):
    from fastapi.testclient import TestClient

    from kg.store.oxigraph import OxigraphStore
    from kg.web.app import create_app

    settings = replace(Settings(), base_iri=BASE, store=f"oxigraph:{bad_build['store']}",
                       quarantine=bad_build["tmp"] / "quarantine", dumps=bad_build["tmp"] / "dumps")
    store = OxigraphStore(bad_build["store"])
    try:
        rows = store.query("""PREFIX gk: <https://w3id.org/govkg/def#>
            SELECT ?r ?t WHERE { ?r a gk:Report ; ?p ?t . FILTER(isLiteral(?t) && CONTAINS(STR(?t), "<script>")) }""").rows
        assert rows, "the title made of script tags was not stored as a literal"
        reports = {str(r["r"]) for r in rows}
        with TestClient(create_app(store=store, settings=settings)) as client:
            for iri in reports:
                page = client.get(iri.replace(BASE, "/"), headers={"Accept": "text/html"})
                assert page.status_code == 200
                assert "<script>alert" not in page.text
                assert "&lt;script&gt;alert" in page.text
            listing = client.get("/reports", headers={"Accept": "text/html"})
            assert listing.status_code == 200 and "<script>alert" not in listing.text
            found = client.get("/search", params={"q": "alert"}, headers={"Accept": "text/html"})
            assert found.status_code == 200 and "<script>alert" not in found.text
    finally:
        store.close()
    assert SCRIPT_TITLE  # the literal the files carry


def test_unreadable_files_are_not_quarantined(bad_build):
    q = bad_build["tmp"] / "quarantine"
    names = {p.name for p in q.iterdir()} if q.is_dir() else set()
    assert names == {"malformed.html", "malformed.html.validation.txt"}


def test_lower_size_limit_is_configurable(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(SEED, folder / SEED.name)
    r = kg(["build", str(folder), "--store", f"oxigraph:{tmp_path / 'store'}", "--quiet"], tmp_path,
           GOVKG_MAX_SOURCE_BYTES="1000")
    assert r.returncode == 2, r.stderr
    assert f"error: {folder / SEED.name}: file too large" in r.stderr
    assert "Traceback" not in r.stderr


def test_second_build_changes_nothing(bad_build):
    """Incremental: every stored file is unchanged, also two files holding the same report; bad ones fail again."""
    tmp = bad_build["tmp"]
    r = kg(["build", str(bad_build["folder"]), "--store", f"oxigraph:{bad_build['store']}", "--base", BASE,
            "--quiet"], tmp, timeout=240)
    accepted = len(bad_build["good"]) + len(PATHOLOGICAL) - 1
    assert r.returncode == 6 and "Traceback" not in r.stderr
    assert re.search(rf"^0 accepted, 1 rejected, {len(UNREADABLE)} unreadable, {accepted} unchanged, 0 withdrawn",
                     r.stderr, re.M), r.stderr
