"""/sparql over the real on-disk store (query worker processes, awaited from the event loop): answers, the row cap,
the time limit (503, the next query still answers), the per-client limit (429), refusals."""
from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from fastapi.testclient import TestClient
from rdflib import Literal, URIRef

from kg.store.oxigraph import OxigraphStore
from kg.web.app import create_app

from conftest import make_settings

P = URIRef("http://example.org/v#p")
HEAVY = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a <{P}> ?b . ?c <{P}> ?d . ?e <{P}> ?f }}"   # minutes


@pytest.fixture(scope="module")
def disk_store(tmp_path_factory):
    st = OxigraphStore(tmp_path_factory.mktemp("disk") / "s", workers=2)
    with st.transaction() as tx:
        tx.replace_graph("http://testserver/graph/report/1",
                         [(URIRef(f"http://testserver/id/x/{k}"), P, Literal(k)) for k in range(2000)])
    yield st
    st.close()


def test_answers_and_row_cap(disk_store):
    app = create_app(disk_store, make_settings(max_rows=500))
    with TestClient(app) as c:
        r = c.get("/sparql", params={"query": f"ASK {{ ?s <{P}> 7 }}"},
                  headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200 and r.json() == {"head": {}, "boolean": True}
        r = c.get("/sparql", params={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{P}> ?o }}", "format": "csv"})
        assert r.status_code == 200 and r.text.split() == ["n", "2000"]
        r = c.get("/sparql", params={"query": f"CONSTRUCT {{ ?s <{P}> ?o }} WHERE {{ ?s <{P}> ?o }}"},
                  headers={"Accept": "application/n-triples"})
        assert r.headers["x-govkg-truncated"] == "true" and r.text.count("\n") == 500
        r = c.get("/sparql", params={"query": f"SELECT ?s WHERE {{ ?s <{P}> ?o }}"},
                  headers={"Accept": "application/sparql-results+json"})
        assert r.headers["x-govkg-truncated"] == "true" and len(r.json()["results"]["bindings"]) == 500


def test_refusals(disk_store):
    app = create_app(disk_store, make_settings())
    with TestClient(app) as c:
        r = c.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }"})
        assert r.status_code == 400 and "SERVICE" in r.text
        r = c.post("/sparql", content="DROP ALL", headers={"Content-Type": "application/sparql-update"})
        assert r.status_code == 403
        r = c.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o"})
        assert r.status_code == 400 and "syntax" in r.text.lower()


def test_syntax_error_and_truncation_link_through_workers(disk_store):
    """The worker hands back the parser's own message too, so the position is told against the text as sent even
    when a BASE was put in front of it; a cut XML result links to the limits."""
    app = create_app(disk_store, make_settings(max_rows=5))
    with TestClient(app) as c:
        q = "SELECT * WHERE { ?s ?p <rel> .\n  ?s ?p"
        r = c.get("/sparql", params={"query": q})
        assert r.status_code == 400
        assert r.text.startswith("SPARQL syntax error at line 2, column 8 (the end of the query): the \"{\" at line 1, "
                                 "column 16 is not closed")
        r = c.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p <rel> . FILTER(?s = }"})
        assert r.status_code == 400 and "line 1, column 44" in r.text and "BASE" not in r.text
        r = c.get("/sparql", params={"query": f"SELECT ?s WHERE {{ ?s <{P}> ?o }}"},
                  headers={"Accept": "application/sparql-results+xml"})
        assert r.headers["x-govkg-truncated"] == "true"
        assert '<link href="http://testserver/sparql#limits"/></head>' in r.text and r.text.count("<result>") == 5


def test_time_limit_503_then_answers(disk_store):
    app = create_app(disk_store, make_settings(query_timeout_s=0.5))
    with TestClient(app) as c:
        t0 = time.monotonic()
        r = c.get("/sparql", params={"query": HEAVY})
        assert r.status_code == 503 and "time limit" in r.text
        assert "retry-after" not in r.headers   # the same query would only time out again
        assert time.monotonic() - t0 < 4.0
    # the same store's pool answers afterwards (with room for a replacement worker to start on a busy machine)
    with TestClient(create_app(disk_store, make_settings(query_timeout_s=30))) as c:
        r = c.get("/sparql", params={"query": f"ASK {{ ?s <{P}> 7 }}"})
        assert r.status_code == 200 and b"true" in r.content


def test_per_client_limit_429(disk_store):
    app = create_app(disk_store, make_settings(max_concurrent_per_client=1, query_timeout_s=1.5))

    async def go():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            slow = asyncio.create_task(c.get("/sparql", params={"query": HEAVY}))
            await asyncio.sleep(0.3)
            fast = await c.get("/sparql", params={"query": "ASK {}"})
            slow = await slow
            again = await c.get("/sparql", params={"query": "ASK {}"})   # the slot is free once the slow one ended
            return slow, fast, again
    slow, fast, again = asyncio.run(go())
    assert slow.status_code == 503
    assert fast.status_code == 429 and int(fast.headers["retry-after"]) > 0
    assert again.status_code == 200
