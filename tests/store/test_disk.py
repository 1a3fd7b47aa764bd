"""Oxigraph on disk: readers see whole generations, interrupted or killed writers leave the last whole state."""
from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from kg.store.base import QueryTimeout
from kg.store.oxigraph import CURRENT, OxigraphStore

ROOT = Path(__file__).resolve().parents[2]
EX = "http://example.org/v#"
P = URIRef(EX + "p")


def graph(i):
    return f"http://example.org/kg/graph/report/{i}"


def triples(i, version, n=100):
    return [(URIRef(f"http://example.org/kg/id/x/{i}/{k}"), P, Literal(f"v{version}")) for k in range(n)]


def write_round(store, version, graphs=20, n=100):
    with store.transaction() as tx:
        for i in range(graphs):
            tx.replace_graph(graph(i), triples(i, version, n))


def versions(store):
    """{graph: (triple count, set of versions)}"""
    rows = store.query(f"SELECT ?g (COUNT(*) AS ?n) (GROUP_CONCAT(DISTINCT ?v) AS ?vs) "
                       f"WHERE {{ GRAPH ?g {{ ?s <{P}> ?v }} }} GROUP BY ?g").rows
    return {str(r["g"]): (int(r["n"]), str(r["vs"])) for r in rows}


def test_reader_sees_old_state_until_commit_then_all_of_new(tmp_path):
    writer = OxigraphStore(tmp_path / "s")
    reader = OxigraphStore(tmp_path / "s")
    write_round(writer, 1)
    assert set(v for _, v in versions(reader).values()) == {"v1"}
    pinned = reader.snapshot()
    with writer.transaction() as tx:
        for i in range(20):
            tx.replace_graph(graph(i), triples(i, 2))
        tx.remove_graph(graph(0))
        # mid-transaction: nothing of it is visible
        assert set(v for _, v in versions(reader).values()) == {"v1"} and len(versions(reader)) == 20
    after = versions(reader)                     # the next call notices CURRENT changed
    assert len(after) == 19 and set(v for _, v in after.values()) == {"v2"}
    assert all(n == 100 for n, _ in after.values())
    # a snapshot taken before keeps the old generation
    old = versions(pinned)
    assert len(old) == 20 and set(v for _, v in old.values()) == {"v1"}
    assert pinned.generation() != reader.generation() == writer.generation()
    pinned.close()
    writer.close()
    reader.close()


def test_exception_in_transaction_leaves_old_state_and_no_debris(tmp_path):
    store = OxigraphStore(tmp_path / "s")
    write_round(store, 1)
    gen = store.generation()
    with pytest.raises(ValueError):
        with store.transaction() as tx:
            tx.replace_graph(graph(1), [])
            raise ValueError
    assert store.generation() == gen
    assert versions(store)[graph(1)] == (100, "v1")
    assert sorted(p.name for p in (tmp_path / "s").glob("gen-*")) == [gen]
    store.close()


def test_old_generations_are_removed_unless_read(tmp_path):
    store = OxigraphStore(tmp_path / "s")
    write_round(store, 1)
    pinned = store.snapshot()                     # holds gen-000001
    for v in range(2, 6):
        write_round(store, v, graphs=2)
    names = sorted(p.name for p in (tmp_path / "s").glob("gen-*"))
    assert names == ["gen-000001", "gen-000004", "gen-000005"]   # pinned, previous, live
    assert versions(pinned)[graph(7)] == (100, "v1")
    pinned.close()
    del pinned
    write_round(store, 6, graphs=2)
    assert sorted(p.name for p in (tmp_path / "s").glob("gen-*")) == ["gen-000005", "gen-000006"]
    store.close()


def test_half_written_generation_is_ignored_and_removed(tmp_path):
    store = OxigraphStore(tmp_path / "s")
    write_round(store, 1)
    debris = tmp_path / "s" / "gen-000042"
    debris.mkdir()
    (debris / "000001.sst").write_bytes(b"garbage")
    assert versions(store)[graph(3)] == (100, "v1")
    write_round(store, 2, graphs=1)
    assert not debris.exists()
    assert (tmp_path / "s" / CURRENT).read_text().strip() == "gen-000002"   # numbers of unpublished generations are reused
    store.close()


def test_bulk_first_build_and_batches(tmp_path):
    store = OxigraphStore(tmp_path / "s")
    t0 = time.monotonic()
    with store.transaction() as tx:
        for i in range(300):
            tx.replace_graph(graph(i), triples(i, 1, n=1000))     # 300k quads: goes through the bulk loader
    assert len(store) == 300_000
    with store.transaction() as tx:                               # a second, small batch on top
        tx.replace_graph(graph(5), triples(5, 2, n=10))
        tx.update(f"DELETE WHERE {{ GRAPH <{graph(6)}> {{ ?s ?p ?o }} }}")
    assert len(store) == 300_000 - 1000 - 990
    assert versions(store)[graph(5)] == (10, "v2")
    print(f"300k quads in {time.monotonic() - t0:.1f} s")
    store.close()


def ntriples(i, version, n=100):
    return "".join(f"<{s}> <{p}> {o.n3()} .\n" for s, p, o in triples(i, version, n))


def test_ntriples_through_the_bulk_loader_keep_the_order_of_operations(tmp_path):
    # Enough N-Triples text for several bulk loads in one transaction, with a graph replaced again in between and
    # a shared graph added to many times: the result is what the operations say, in their order.
    store = OxigraphStore(tmp_path / "s")
    shared = "http://example.org/kg/graph/entities"
    with store.transaction() as tx:
        for i in range(250):
            tx.replace_graph_ntriples(graph(i), ntriples(i, 1, n=1000))
            tx.add_ntriples(shared, ntriples(10_000, 1, n=50))        # the same lines every time
            if i in (3, 120):     # the graph before: still pending, or written already
                tx.replace_graph_ntriples(graph(i - 1), ntriples(i - 1, 2, n=10))
    assert len(store) == 248 * 1000 + 2 * 10 + 50
    v = versions(store)
    assert v[graph(2)] == v[graph(119)] == (10, "v2") and v[graph(249)] == (1000, "v1") and v[shared] == (50, "v1")
    with store.transaction() as tx:                                  # a small change on top: Store.load
        tx.replace_graph_ntriples(graph(4), ntriples(4, 3, n=5))
    assert versions(store)[graph(4)] == (5, "v3") and len(store) == 247 * 1000 + 2 * 10 + 5 + 50
    store.close()


def test_timeout_kills_worker_and_pool_recovers(tmp_path):
    store = OxigraphStore(tmp_path / "s", workers=1)
    write_round(store, 1, graphs=30)    # 3000 triples
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a <{P}> ?b . ?c <{P}> ?d . ?e <{P}> ?f }}"   # 2.7e10 rows
    t0 = time.monotonic()
    with pytest.raises(QueryTimeout):
        store.query_serialized(q, "application/sparql-results+json", timeout_s=0.2)
    assert time.monotonic() - t0 < 5.0   # stopped at the limit, not after the 2.7e10-row join (minutes); generous for busy CI machines
    res = store.query_serialized(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a <{P}> ?b }}",
                                 "application/sparql-results+json", timeout_s=10)
    assert b'"3000"' in res.body
    store.close()


CHILD = textwrap.dedent("""
    import sys
    from rdflib import Literal, URIRef
    from kg.store.oxigraph import OxigraphStore
    path, version = sys.argv[1], sys.argv[2]
    store = OxigraphStore(path)
    P = URIRef("http://example.org/v#p")
    print("started", flush=True)
    with store.transaction() as tx:
        for i in range(60):
            tx.replace_graph(f"http://example.org/kg/graph/report/{i}",
                             [(URIRef(f"http://example.org/kg/id/x/{i}/{k}"), P, Literal("v" + version))
                              for k in range(500)])
        if version.endswith("3"):
            tx.remove_graph("http://example.org/kg/graph/report/59")
    print("committed", flush=True)
""")


def test_sigkill_mid_transaction_leaves_last_whole_state(tmp_path):
    path = tmp_path / "s"
    store = OxigraphStore(path)
    with store.transaction() as tx:
        for i in range(60):
            tx.replace_graph(graph(i), triples(i, 0, n=500))
    rng = random.Random(7)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    outcomes = []
    # how long a whole transaction takes here, so the kills land before, during and after the commit
    t0 = time.monotonic()
    subprocess.run([sys.executable, "-c", CHILD, str(path), "0"], env=env, check=True, capture_output=True)
    whole = time.monotonic() - t0
    for attempt in range(1, 9):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(attempt)], env=env,
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "started"
        time.sleep(rng.uniform(0.0, whole * 1.2))
        child.kill()
        child.wait()
        state = versions(store)
        seen = {v for _, v in state.values()}
        assert len(seen) == 1, state                       # one whole state, never a mix
        assert all(n == 500 for n, _ in state.values())   # every graph fully in
        version = seen.pop()
        expected_graphs = 59 if version[-1] == "3" else 60
        assert len(state) == expected_graphs
        outcomes.append(version)
    print(f"transaction {whole:.1f} s; states after each kill:", outcomes)
    # the store still takes writes, and the debris of killed writers is gone
    write_round(store, 99, graphs=1)
    gens = sorted(p.name for p in path.glob("gen-*"))
    assert len(gens) <= 3, gens
    store.close()
