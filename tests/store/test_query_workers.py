"""Query worker processes awaited from the event loop (QueryWorkers.run_async, used by /sparql): same answers as the
blocking path, the time limit kills the query, a cancelled request kills its query, a busy pool makes a query wait
only up to its limit, a dead worker is an error and is replaced. Real worker processes on a real on-disk store."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import time

import pytest
from rdflib import Literal, URIRef

from kg.store.base import QueryTimeout, StoreError
from kg.store.oxigraph import OxigraphStore

P = URIRef("http://example.org/v#p")
JSON = "application/sparql-results+json"
HEAVY = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a <{P}> ?b . ?c <{P}> ?d . ?e <{P}> ?f }}"   # 2.7e10 rows: minutes
COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a <{P}> ?b }}"


@pytest.fixture
def store(tmp_path):
    st = OxigraphStore(tmp_path / "s", workers=1)
    with st.transaction() as tx:
        tx.replace_graph("http://example.org/kg/graph/report/1",
                         [(URIRef(f"http://example.org/kg/id/x/{k}"), P, Literal(f"line {k}\nnext")) for k in range(3000)])
    yield st
    st.close()


def request(store, sparql, media_type=JSON, max_rows=None):
    """What OxigraphStore sends its workers: the live generation and its folder, the query, the format, the cap."""
    gen = store.generation()
    return gen, str(store.path / gen), sparql, media_type, None, None, max_rows


def test_async_answer_is_the_blocking_answer(store):
    blocking = store._workers.run(request(store, COUNT), 10)
    awaited = asyncio.run(store._workers.run_async(request(store, COUNT), 10))
    assert awaited == blocking and json.loads(awaited.body)["results"]["bindings"][0]["n"]["value"] == "3000"


def test_async_time_limit_kills_the_query_and_the_pool_recovers(store):
    t0 = time.monotonic()
    with pytest.raises(QueryTimeout):
        asyncio.run(store._workers.run_async(request(store, HEAVY), 0.3))
    assert time.monotonic() - t0 < 5.0
    res = asyncio.run(store._workers.run_async(request(store, COUNT), 10))
    assert b'"3000"' in res.body


def test_cancelled_request_kills_its_query(store):
    """With one worker, the next query can only be answered if the cancelled one's worker was killed and replaced."""
    async def go():
        task = asyncio.create_task(store._workers.run_async(request(store, HEAVY), 60))
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return await store._workers.run_async(request(store, COUNT), 10)
    assert b'"3000"' in asyncio.run(go()).body


def test_busy_pool_waits_only_up_to_the_limit(store):
    async def go():
        heavy = asyncio.create_task(store._workers.run_async(request(store, HEAVY), 2.0))
        await asyncio.sleep(0.2)
        t0 = time.monotonic()
        with pytest.raises(QueryTimeout, match="free query worker"):
            await store._workers.run_async(request(store, COUNT), 0.3)
        waited = time.monotonic() - t0
        with pytest.raises(QueryTimeout):
            await heavy
        return waited
    assert asyncio.run(go()) < 1.5


def test_dead_worker_is_a_store_error_and_is_replaced(store):
    async def go():
        task = asyncio.create_task(store._workers.run_async(request(store, HEAVY), 60))
        await asyncio.sleep(0.3)
        for pid in _worker_pids():
            os.kill(pid, signal.SIGKILL)   # a worker this test's store started ("out of memory")
        with pytest.raises(StoreError, match="worker died"):
            await task
        return await store._workers.run_async(request(store, COUNT), 10)
    assert b'"3000"' in asyncio.run(go()).body


def _worker_pids() -> list[int]:
    """Our own query workers: children of this process running kg.store.query_workers."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        if ppid == os.getpid() and b"query_workers" in cmd:
            pids.append(int(entry))
    return pids


def test_ntriples_cap_cuts_at_a_line_across_many_chunks(store):
    """N-Triples go through pyoxigraph's own serialiser into a line-counting sink; the cap keeps exactly the first
    lines of the full answer, even when it falls deep inside the output and literals hold newlines."""
    q = f"CONSTRUCT {{ ?s <{P}> ?o }} WHERE {{ ?s <{P}> ?o }}"
    full = store.query_serialized(q, "application/n-triples", timeout_s=10, max_rows=10_000)
    capped = store.query_serialized(q, "application/n-triples", timeout_s=10, max_rows=2_345)
    assert not full.truncated and full.body.count(b"\n") == 3000
    assert capped.truncated and capped.body.count(b"\n") == 2_345
    assert full.body.startswith(capped.body)
    exact = store.query_serialized(q, "application/n-triples", timeout_s=10, max_rows=3000)
    assert not exact.truncated and exact.body == full.body
