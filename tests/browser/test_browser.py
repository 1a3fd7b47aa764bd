"""The site in a real browser (Debian chromium driven by Playwright): home → search → agency → instrument →
chart → stored query → CSV download → query page → run an example. Screenshots go to
test-artifacts/screenshots/ (gitignored)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kg.config import ROOT

CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "test-artifacts" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser

try:
    from playwright.sync_api import sync_playwright
    _PW = None
except ImportError as e:  # pragma: no cover - depends on the machine
    sync_playwright = None
    _PW = e


@pytest.fixture(scope="module")
def page():
    if sync_playwright is None:
        pytest.skip(f"the playwright package is not installed ({_PW}); pip install playwright")
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ctx = browser.new_context(viewport={"width": 1200, "height": 900}, locale="zh-CN", accept_downloads=True)
        pg = ctx.new_page()
        errors = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pg.errors = errors
        yield pg
        ctx.close()
        browser.close()


def shot(pg, name: str) -> None:
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_researcher_journey(page, live_site, tmp_path):
    base, _ = live_site
    pg = page
    pg.goto(base + "/?lang=zh")
    assert pg.locator("h1").first.inner_text().startswith("GovKG")
    shot(pg, "home")

    # search with a Chinese substring, open the agency
    box = pg.locator("form.search.big input[name=q]")
    box.fill("外事办公室")
    box.press("Enter")
    pg.wait_for_url("**/search?q=*")
    shot(pg, "search")
    pg.get_by_role("link", name="厦门市人民政府外事办公室", exact=True).first.click()
    pg.wait_for_selector("section.agency-cites")
    assert pg.locator("h1").inner_text() == "厦门市人民政府外事办公室"
    cites = pg.locator("section.agency-cites table.cited")
    assert cites.get_by_role("link", name="中华人民共和国政府信息公开条例").count() == 1
    bars = pg.locator("section.agency-cites svg.chart rect.bar")
    assert bars.count() >= 1 and bars.first.is_visible()
    shot(pg, "agency")

    # the instrument it cites: who cites it, chart by year, evidence one click away
    cites.get_by_role("link", name="中华人民共和国政府信息公开条例").click()
    pg.wait_for_selector("section.instrument-cites")
    assert pg.locator("h1").inner_text() == "中华人民共和国政府信息公开条例"
    chart = pg.locator("section.instrument-cites svg.chart")
    assert chart.is_visible() and chart.locator("rect.bar").count() >= 1
    ev = pg.locator("a.evidence-link").first
    assert "政府信息公开" in ev.inner_text()
    shot(pg, "instrument")
    ev.click()
    pg.wait_for_load_state()
    assert "/annotation/" in pg.url and pg.locator("h1").count() == 1

    # stored queries: list → one query → table rows → CSV download
    pg.goto(base + "/queries")
    shot(pg, "queries")
    pg.locator('a[href="/queries/most-cited"]').first.click()
    pg.wait_for_selector("table.results tbody tr")
    assert pg.locator("table.results tbody tr").count() >= 1
    assert "SELECT ?instrument" in pg.locator("pre.sparql").inner_text()
    shot(pg, "stored-query")
    with pg.expect_download() as dl:
        pg.locator("#dl-csv").click()
    path = tmp_path / "most-cited.csv"
    dl.value.save_as(path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")   # the BOM that makes Excel read UTF-8
    text = path.read_text("utf-8-sig")
    assert text.splitlines()[0] == "instrument,label,reports,agencies"
    assert len(text.splitlines()) >= 2 and "/id/instrument/" in text

    # the network view
    pg.goto(base + "/network")
    assert pg.locator("svg.network path.edge").count() >= 1
    shot(pg, "network")

    # the SPARQL query page: click an example, the script runs it and draws the table
    pg.goto(base + "/sparql")
    pg.locator("a.example").nth(1).click()
    pg.wait_for_selector("#results table tbody tr", timeout=15000)
    assert pg.locator("#results table tbody tr").count() >= 1
    shot(pg, "query")
    # typed queries: an ASK answer is labelled in the page's language, an error says first that it is in English
    pg.fill("#query", "ASK { ?s ?p ?o }")
    pg.locator("form button[type=submit]").first.click()
    pg.wait_for_selector("#results strong", timeout=15000)
    assert pg.locator("#results p").first.inner_text().startswith("ASK 结果: true")
    pg.fill("#query", "SELECT ?s WHERE { ?s ?p ?o } LIMT 5")
    pg.locator("form button[type=submit]").first.click()
    pg.wait_for_selector("#results pre.err", timeout=15000)
    err = pg.locator("#results pre.err").inner_text()
    assert err.startswith("查询未能运行") and '"LIMT" is not a SPARQL keyword' in err

    # English interface
    pg.goto(base + "/queries?lang=en")
    assert "Stored queries" in pg.locator("h1").inner_text()
    assert not [e for e in pg.errors if "Content Security Policy" in e], pg.errors
