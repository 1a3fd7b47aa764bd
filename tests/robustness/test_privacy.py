"""Privacy through the real pipeline: the seed report's contact line names a person and a mobile number
（联系人：郑腾川 电话：2856010、13860183130）. After `kg build` + `kg dump` neither is in any dump nor in any served
page of the report; with GOVKG_PUBLISH_PERSONAL_CONTACTS=1 they are published (so the check can see them)."""
from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from .conftest import Server, free_port, kg
from .inputs import SEED

NAME, MOBILE = "郑腾川", "13860183130"
MOBILE_FORMS = [MOBILE, "138-6018-3130", "138 6018 3130"]


def _dump_texts(folder: Path) -> dict[str, str]:
    out = {}
    for p in sorted(folder.iterdir()):
        if p.is_file():
            data = p.read_bytes()
            if p.suffix == ".gz":
                data = gzip.decompress(data)
            out[p.name] = data.decode("utf-8", "replace")
    return out


def _build_dump_serve(tmp: Path, serve: bool = True, **env) -> tuple[dict[str, str], dict[str, str]]:
    import httpx

    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    store = tmp / "store"
    r = kg(["build", str(SEED), "--store", f"oxigraph:{store}", "--base", base, "--quiet"], tmp, **env)
    assert r.returncode == 0, r.stderr
    r = kg(["dump", "--store", f"oxigraph:{store}", "--base", base, "--out", str(tmp / "dumps")], tmp, **env)
    assert r.returncode == 0, r.stderr
    dumps = _dump_texts(tmp / "dumps")
    assert dumps
    pages = {}
    if not serve:
        return dumps, pages
    with Server(store, tmp, port=port, **env) as srv, httpx.Client(base_url=srv.url, timeout=30,
                                                                 follow_redirects=True) as c:
        # every subject minted for the report, in HTML and in Turtle, plus the lists and the search
        q = "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?s), \"%sid/\")) }" % base
        subjects = c.get("/sparql", params={"query": q}, headers={"Accept": "text/csv"}).text.split()[1:]
        assert subjects
        for path in sorted({iri.split("#")[0].replace(base, "/") for iri in subjects}):
            # HTML for every page; the RDF forms for the report and its text, where the contact line is
            for accept in ("text/html",) + (("text/turtle", "application/ld+json") if path.count("/") <= 4 else ()):
                resp = c.get(path, headers={"Accept": accept})
                assert resp.status_code == 200, (path, resp.status_code)
                pages[f"{path} {accept}"] = resp.text
        for path in ("/reports", "/agencies"):
            resp = c.get(path)
            assert resp.status_code == 200
            pages[path] = resp.text
        for word in (NAME, MOBILE):   # the search page echoes the query; its results must not hold it
            resp = c.get("/search.json", params={"q": word})
            assert resp.status_code == 200
            pages[f"/search.json?q={word}"] = str(resp.json()["results"])
    return dumps, pages


def _leaks(texts: dict[str, str]) -> list[str]:
    return [f"{k}: {w}" for k, t in texts.items() for w in [NAME] + MOBILE_FORMS if w in t]


@pytest.mark.slow
def test_personal_contact_is_in_no_dump_and_no_page(tmp_path):
    dumps, pages = _build_dump_serve(tmp_path)
    assert not _leaks(dumps), _leaks(dumps)
    assert not _leaks(pages), _leaks(pages)[:10]
    # the public office number stays
    assert any("2856010" in t for t in dumps.values())


@pytest.mark.slow
def test_publishing_contacts_is_an_explicit_choice(tmp_path):
    dumps, _ = _build_dump_serve(tmp_path, serve=False, GOVKG_PUBLISH_PERSONAL_CONTACTS="1")
    assert any(NAME in t for t in dumps.values()) and any(MOBILE in t for t in dumps.values())
