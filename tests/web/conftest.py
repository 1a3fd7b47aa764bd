"""Fixtures: a MemoryStore loaded with fixture.trig (+ the ontology), apps over it, and a real uvicorn server."""
from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Dataset, URIRef

from kg.config import Settings
from kg.store.memory import MemoryStore
from kg.web.app import create_app

HERE = Path(__file__).resolve().parent
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
PROTOCOL_DIR = SHARED / "standards" / "sparql11-protocol"
TEST_BASE = "http://testserver/"


def load_fixture(store: MemoryStore, base: str) -> None:
    ds = Dataset()
    ds.parse(HERE / "fixture.trig", format="trig", publicID=base)
    with store.transaction() as tx:
        for g in ds.graphs():
            if len(g) and isinstance(g.identifier, URIRef) and str(g.identifier).startswith(base):
                tx.add(str(g.identifier), list(g))
        try:
            from kg.rdf.ontology import ontology_graph
            tx.add(base + "graph/ontology", list(ontology_graph()))
        except ImportError:  # the ontology module belongs to another stage; pages fall back to ontology/*.ttl
            pass


def load_protocol_data(store: MemoryStore) -> None:
    """data1..3.nt under the graph names the W3C manifest gives them (their rdfs:label)."""
    from rdflib import Graph
    with store.transaction() as tx:
        for i in (1, 2, 3):
            g = Graph().parse(PROTOCOL_DIR / f"data{i}.nt", format="nt")
            tx.add(f"http://kasei.us/2009/09/sparql/data/data{i}.rdf", list(g))


def make_settings(base: str = TEST_BASE, **kw) -> Settings:
    return Settings(base_iri=base, store="memory:", dumps=kw.pop("dumps", HERE / "_no_dumps"), **kw)


@pytest.fixture(scope="session")
def store():
    s = MemoryStore()
    load_fixture(s, TEST_BASE)
    return s


@pytest.fixture(scope="session")
def app(store):
    return create_app(store, make_settings())


@pytest.fixture(scope="session")
def session_client(app):
    with TestClient(app) as c:
        yield c


@pytest.fixture()
def client(session_client):
    """One client for the session, without the cookies of the test before (?lang=en sets a language cookie)."""
    session_client.cookies.clear()
    return session_client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server():
    """A real uvicorn on 127.0.0.1:<free port> with base_iri pointing at itself, plus the W3C protocol data."""
    import uvicorn
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    st = MemoryStore()
    load_fixture(st, base)
    if PROTOCOL_DIR.is_dir():
        load_protocol_data(st)
    app = create_app(st, make_settings(base))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield base.rstrip("/")
    server.should_exit = True
    thread.join(timeout=10)
