"""One behaviour suite for every store backend (memory, oxigraph on disk, remote SPARQL 1.1 / Virtuoso)."""
from __future__ import annotations

import csv
import gzip
import io
import json
import xml.etree.ElementTree as ET

import pytest
import rdflib
from rdflib import Literal, URIRef

from kg.store.base import QueryError, QueryTimeout
from kg.store.oxicore import GRAPH_TYPES, SELECT_TYPES
from tests.store.conftest import BASE, GRAPHS

EX = "http://example.org/v#"
P, Q = URIRef(EX + "p"), URIRef(EX + "q")
G1, G2, G3 = GRAPHS + "report/1", GRAPHS + "report/2", GRAPHS + "entities"


def s(i):
    return URIRef(f"{BASE}id/thing/{i}")


def fill(store):
    with store.transaction() as tx:
        tx.replace_graph(G1, [(s(i), P, Literal(i)) for i in range(10)])
        tx.replace_graph(G2, [(s(i), P, Literal(i)) for i in range(5, 15)]          # 5..9 also in G1
                         + [(s(1), Q, Literal("一", lang="zh-Hans"))])
        tx.replace_graph(G3, [(s(0), Q, Literal("plain"))])


def count(store, where="?s <%s> ?o" % P, **kw):
    r = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}", **kw)
    return int(r.rows[0]["n"])


def test_replace_graph_replaces(store):
    fill(store)
    assert store.graph_names() == sorted([G1, G2, G3])
    with store.transaction() as tx:
        tx.replace_graph(G1, [(s(100), P, Literal(100))])
    r = store.query(f"SELECT ?s ?o WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}")
    assert [(row["s"], int(row["o"])) for row in r.rows] == [(s(100), 100)]
    assert count(store, f"GRAPH <{G2}> {{ ?s ?p ?o }}") == 11


def test_transaction_that_raises_changes_nothing(store):
    fill(store)
    before = count(store)
    with pytest.raises(RuntimeError):
        with store.transaction() as tx:
            tx.replace_graph(G1, [])
            tx.remove_graph(G2)
            raise RuntimeError("boom")
    assert count(store) == before
    assert store.graph_names() == sorted([G1, G2, G3])


def test_remove_graph_and_update(store):
    fill(store)
    with store.transaction() as tx:
        tx.remove_graph(G2)
        tx.update(f"DELETE WHERE {{ GRAPH <{G3}> {{ ?s ?p ?o }} }}")
        tx.add(G3, [(s(5), Q, Literal("x"))])
        tx.add(G3, [(s(5), Q, Literal("x"))])   # set semantics
    assert store.graph_names() == sorted([G1, G3])
    assert count(store, f"GRAPH <{G3}> {{ ?s ?p ?o }}") == 1


def test_remove_subject_keeps_the_order_of_operations(store):
    """remove_subject() acts after everything done before it in the transaction, whether those changes were
    written yet or wait (the on-disk store keeps additions for one bulk load and filters them instead)."""
    fill(store)
    with store.transaction() as tx:
        tx.add(G3, [(s(100), P, Literal("a")), (s(100), Q, Literal("b")), (s(101), P, Literal("c"))])
        tx.remove_subject(G3, str(s(100)))                     # added just before
        tx.remove_subject(G3, str(s(0)))                       # stored before the transaction
        tx.add_ntriples(G1, f"<{s(102)}> <{P}> \"d\" .\n")     # text waiting for the bulk load
        tx.remove_subject(G1, str(s(102)))
        tx.remove_subject(G1, str(s(3)))
        tx.remove_subject(G2, str(s(99)))                      # absent: nothing happens
        tx.remove_subject(G2, str(s(5)))
        tx.add(G2, [(s(5), P, Literal(5))])                   # removed then added again: present
    got = {g: {(str(r["s"]), str(r["o"])) for r in store.query(
        f"SELECT ?s ?o WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}").rows} for g in (G1, G2, G3)}
    assert got[G3] == {(str(s(101)), "c")}
    assert {str(s(102)), str(s(3))}.isdisjoint(x for x, _ in got[G1]) and len(got[G1]) == 9
    assert (str(s(5)), "5") in got[G2] and len(got[G2]) == 11


def test_union_default_graph_and_datasets(store):
    fill(store)
    assert count(store) == 20                                  # the union: 10 + 10 (5 triples in both graphs)
    assert count(store, default_graphs=[G1]) == 10
    assert count(store, "GRAPH ?g { ?s ?p ?o }", named_graphs=[G2, G3]) == 12
    r = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", named_graphs=[G2])
    assert [str(row["g"]) for row in r.rows] == [G2]


def test_result_kinds_and_terms(store):
    fill(store)
    r = store.query(f"SELECT ?o WHERE {{ <{s(1)}> <{Q}> ?o }}")
    assert r.kind == "select" and r.rows == [{"o": Literal("一", lang="zh-Hans")}]
    r = store.query(f"SELECT ?o WHERE {{ <{s(0)}> <{Q}> ?o }}")
    assert r.rows[0]["o"] == Literal("plain") and r.rows[0]["o"].datatype is None
    r = store.query(f"SELECT ?x ?o WHERE {{ <{s(0)}> <{Q}> ?o OPTIONAL {{ ?o <{P}> ?x }} }}")
    assert "x" not in r.rows[0]                              # unbound variables are absent
    assert store.query(f"ASK {{ <{s(3)}> <{P}> 3 }}").boolean is True
    assert store.query(f"ASK {{ <{s(3)}> <{P}> 4 }}").boolean is False
    r = store.query(f"CONSTRUCT {{ ?s <{Q}> ?o }} WHERE {{ GRAPH <{G1}> {{ ?s <{P}> ?o }} }}")
    assert r.kind == "graph" and len(r.triples) == 10 and (s(2), Q, Literal(2)) in r.triples


def test_row_cap_sets_truncated(store):
    fill(store)
    r = store.query(f"SELECT ?s WHERE {{ ?s <{P}> ?o }}", max_rows=3)
    assert len(r.rows) == 3 and r.truncated
    r = store.query(f"SELECT ?s WHERE {{ GRAPH <{G1}> {{ ?s <{P}> ?o }} }}", max_rows=10)
    assert len(r.rows) == 10 and not r.truncated
    res = store.query_serialized(f"SELECT ?s WHERE {{ ?s <{P}> ?o }}", "application/sparql-results+json",
                                 max_rows=4, timeout_s=10)
    assert res.truncated and len(json.loads(res.body)["results"]["bindings"]) == 4
    res = store.query_serialized(f"CONSTRUCT {{ ?s <{P}> ?o }} WHERE {{ ?s <{P}> ?o }}", "application/n-triples",
                                 max_rows=4, timeout_s=10)
    assert res.truncated and res.body.count(b"\n") == 4


@pytest.mark.parametrize("media_type", list(SELECT_TYPES))
def test_select_serialisations(store, media_type):
    fill(store)
    q = f"SELECT ?s ?o WHERE {{ GRAPH <{G2}> {{ ?s ?p ?o }} }} ORDER BY ?s ?o"
    res = store.query_serialized(q, media_type, timeout_s=10)
    assert res.media_type == media_type and not res.truncated
    text = res.body.decode()
    if media_type.endswith("json"):
        doc = json.loads(text)
        assert doc["head"]["vars"] == ["s", "o"] and len(doc["results"]["bindings"]) == 11
        assert {"type": "literal", "value": "一", "xml:lang": "zh-hans"} in [
            {**b["o"], **({"xml:lang": b["o"]["xml:lang"].lower()} if "xml:lang" in b["o"] else {})}
            for b in doc["results"]["bindings"]]
    elif media_type.endswith("xml"):
        root = ET.fromstring(res.body)
        assert len(root.findall(".//{http://www.w3.org/2005/sparql-results#}result")) == 11
    elif media_type == "text/csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["s", "o"] and len(rows) == 12
    else:
        lines = text.strip("\n").split("\n")
        assert lines[0] == "?s\t?o" and len(lines) == 12 and lines[1].startswith("<")


@pytest.mark.parametrize("media_type", list(SELECT_TYPES))
def test_ask_serialisations(store, media_type):
    fill(store)
    res = store.query_serialized(f"ASK {{ ?s <{P}> 3 }}", media_type, timeout_s=10)
    assert b"true" in res.body


@pytest.mark.parametrize("media_type", list(GRAPH_TYPES))
def test_construct_serialisations(store, media_type):
    fill(store)
    res = store.query_serialized(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}",
                                 media_type, timeout_s=10)
    assert res.media_type == media_type
    fmt = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
           "application/rdf+xml": "xml", "application/n-quads": "nquads", "application/trig": "trig"}[media_type]
    ds = rdflib.Dataset()
    ds.parse(data=res.body, format=fmt)
    assert sum(1 for _ in ds.quads((None, None, None, None))) == 10


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }",
    "select * where { service <http://127.0.0.1:9/x> { ?s ?p ?o } }",
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "DROP ALL",
    "LOAD <http://127.0.0.1:9/x>",
    "SELECT * WHERE { ?s ?p ?o",
    "SELEC * WHERE { ?s ?p ?o }",
])
def test_refused_and_malformed_queries(store, query):
    with pytest.raises(QueryError):
        store.query_serialized(query, "application/sparql-results+json", timeout_s=10)
    with pytest.raises(QueryError):
        store.query(query)


def test_service_inside_a_literal_is_fine(store):
    fill(store)
    r = store.query(f'SELECT ?s WHERE {{ ?s <{Q}> ?o FILTER(?o != "SERVICE") }}')
    assert len(r.rows) == 2


def test_timeout(store):
    with store.transaction() as tx:
        tx.replace_graph(G1, [(s(i), P, Literal(i)) for i in range(3000)])
    q = f"SELECT * WHERE {{ ?a <{P}> ?b . ?c <{P}> ?d }}"    # 9 million rows
    with pytest.raises(QueryTimeout):
        store.query_serialized(q, "application/sparql-results+json", timeout_s=0.2)
    # the store still answers afterwards
    res = store.query_serialized(f"ASK {{ ?s <{P}> 1 }}", "application/sparql-results+json", timeout_s=10)
    assert b"true" in res.body


@pytest.mark.parametrize("fmt,rdflib_fmt", [("ntriples", "nt"), ("nquads", "nquads"), ("turtle", "turtle"),
                                            ("jsonld", "json-ld"), ("trig", "trig")])
def test_dump_formats_parse_back(store, fmt, rdflib_fmt):
    fill(store)
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb") as gz:
        n = store.dump(gz, fmt)
    data = gzip.decompress(buf.getvalue())
    if fmt in ("nquads", "trig"):
        ds = rdflib.Dataset()
        ds.parse(data=data, format=rdflib_fmt)
        assert n == sum(1 for _ in ds.quads((None, None, None, None))) == 22
        assert len(ds.graph(URIRef(G2))) == 11
    else:
        g = rdflib.Graph().parse(data=data, format=rdflib_fmt)
        assert n == len(g) == 17                         # each triple once: 15 + 2


def test_generation_changes_on_commit(store):
    before = store.generation()
    fill(store)
    assert store.generation() != before


def test_add_ntriples_is_add(store):
    """Transaction.add_ntriples / replace_graph_ntriples (the bulk path for N-Triples text) mean add / replace_graph."""
    nt = "".join(f"<{s(i)}> <{P}> \"{i}\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n" for i in range(6))
    nt += f'<{s(1)}> <{Q}> "一\\n二"@zh-Hans .\r\n\n'
    with store.transaction() as tx:
        tx.replace_graph(G1, [(s(99), P, Literal(99))])
        tx.add_ntriples(G1, nt)
        tx.add_ntriples(G1, nt.encode())                  # set semantics: nothing twice
        tx.replace_graph_ntriples(G2, f"<{s(7)}> <{P}> <{s(8)}>.\n")
    assert count(store, f"GRAPH <{G1}> {{ ?s ?p ?o }}") == 8
    r = store.query(f"SELECT ?o WHERE {{ GRAPH <{G1}> {{ <{s(1)}> <{Q}> ?o }} }}")
    assert r.rows[0]["o"] == Literal("一\n二", lang="zh-Hans")
    assert store.query(f"ASK {{ GRAPH <{G1}> {{ <{s(3)}> <{P}> 3 }} }}").boolean
    assert count(store, f"GRAPH <{G2}> {{ ?s ?p ?o }}") == 1
    with store.transaction() as tx:
        tx.replace_graph_ntriples(G2, "")
    assert count(store, f"GRAPH <{G2}> {{ ?s ?p ?o }}") == 0


def test_select_with_limit_under_the_cap_is_not_truncated(store):
    fill(store)
    res = store.query_serialized(f"SELECT ?s WHERE {{ ?s <{P}> ?o }} ORDER BY ?s LIMIT 4",
                                 "application/sparql-results+json", max_rows=4, timeout_s=10)
    assert not res.truncated and len(json.loads(res.body)["results"]["bindings"]) == 4
    res = store.query_serialized(f"SELECT ?s WHERE {{ ?s <{P}> ?o }} LIMIT 5", "text/csv", max_rows=4, timeout_s=10)
    assert res.truncated and res.body.count(b"\n") == 5     # header + 4 rows
