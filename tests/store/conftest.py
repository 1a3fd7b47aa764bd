"""Store fixtures: the same behaviour suite runs against memory, Oxigraph on disk and a remote store (Virtuoso).

The Virtuoso instance is started once per session on free ports in a temporary folder (tests/store/virtuoso.py)
and stopped by PID; tests marked `virtuoso` are skipped with the reason when virtuoso-t is not installed.
"""
from __future__ import annotations

import pytest

from kg.store.virtuoso_server import ISQL_BIN, VIRTUOSO_BIN, Virtuoso

BASE = "http://example.org/kg/"
GRAPHS = BASE + "graph/"


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    if not VIRTUOSO_BIN or not ISQL_BIN:
        pytest.skip("virtuoso-t / isql-vt not installed (apt-get install virtuoso-opensource)")
    v = Virtuoso(tmp_path_factory.mktemp("virtuoso"))
    v.start()
    yield v
    v.stop()


def _remote(virtuoso):
    from kg.store.remote import RemoteStore
    store = RemoteStore(virtuoso.sparql_url, user="dba", password="dba", graph_prefix=GRAPHS)
    names = store.graph_names()
    if names:   # a clean slate: the server lives for the whole session
        with store.transaction() as tx:
            for g in names:
                tx.remove_graph(g)
    return store


@pytest.fixture(params=["memory", "oxigraph", pytest.param("remote", marks=pytest.mark.virtuoso)])
def store(request, tmp_path):
    if request.param == "memory":
        from kg.store.memory import MemoryStore
        s = MemoryStore()
    elif request.param == "oxigraph":
        from kg.store.oxigraph import OxigraphStore
        s = OxigraphStore(tmp_path / "store")
    else:
        s = _remote(request.getfixturevalue("virtuoso"))
    s.kind = request.param
    yield s
    s.close()
