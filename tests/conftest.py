"""Fixtures shared by the end-to-end tests: the seed report built into a real on-disk Oxigraph store."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kg.config import ROOT, Settings

SHARED = ROOT.parent / "shared"          # ../shared beside the checkout (read-only dev corpus, eval, standards)
SEED = ROOT / "data" / "seed-xiamen-fao-2025.txt"
TEST_BASE = "http://testserver/"          # FastAPI's TestClient host, so minted IRIs dereference in tests


def needs_shared():
    return pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not beside this checkout")


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory) -> Settings:
    tmp = tmp_path_factory.mktemp("seed")
    return replace(Settings(), base_iri=TEST_BASE, store=f"oxigraph:{tmp / 'store'}",
                   quarantine=tmp / "quarantine", dumps=tmp / "dumps")


@pytest.fixture(scope="session")
def seed_store(seed_settings):
    """data/ built once with `kg build`'s own code path into an on-disk store."""
    from kg.build import build
    from kg.store.base import open_store

    store = open_store(seed_settings.store)
    summary = build([str(ROOT / "data")], store, seed_settings, progress=False)
    assert summary.accepted and not summary.rejected and not summary.unreadable, summary.line()
    yield store
    store.close()
