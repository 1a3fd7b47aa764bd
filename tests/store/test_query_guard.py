"""The read-only guard and the dataset rules, on the engine the web tier uses (regressions from review)."""
import pytest
from rdflib import Literal, URIRef

from kg.store.base import QueryError
from kg.store.memory import MemoryStore
from kg.store.oxicore import check_query, query_form

P = URIRef("http://example.org/p")


@pytest.fixture
def store():
    s = MemoryStore()
    with s.transaction() as tx:
        tx.replace_graph("http://example.org/g1", [(URIRef("http://example.org/a"), P, Literal(1))])
        tx.replace_graph("http://example.org/g2", [(URIRef("http://example.org/b"), P, Literal(2)),
                                                   (URIRef("http://example.org/c"), P, Literal(3))])
    return s


@pytest.mark.parametrize("q", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }",
    # a '<' used as less-than and a later '>' must not hide the keyword between them as if it were an IRI
    "PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { VALUES ?a {1} FILTER(?a<2)SERVICE:x{?s?p?o}FILTER(?a>0) }",
    "select * where { service silent <http://127.0.0.1:9/x> { ?s ?p ?o } }",
])
def test_service_is_refused(q):
    with pytest.raises(QueryError, match="SERVICE"):
        check_query(q)


@pytest.mark.parametrize("q", [
    'SELECT * WHERE { ?s a <https://schema.org/Service> ; ?p "SERVICE" }',
    "PREFIX schema: <https://schema.org/> SELECT ?service WHERE { ?service a schema:Service }",
])
def test_service_as_a_name_is_fine(q):
    check_query(q)


def test_query_form_is_lexical():
    assert query_form("PREFIX x: <http://e/> # SELECT\n ASK { ?s ?p 'CONSTRUCT' }") == "ask"
    assert query_form("DESCRIBE <http://e/a>") == "graph"
    with pytest.raises(QueryError):
        query_form("INSERT DATA { <a:b> <a:c> <a:d> }")


def test_from_in_the_query_is_honoured(store):
    union = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    only_g2 = store.query("SELECT (COUNT(*) AS ?n) FROM <http://example.org/g2> WHERE { ?s ?p ?o }")
    assert int(union.rows[0]["n"]) == 3 and int(only_g2.rows[0]["n"]) == 2


def test_bad_graph_iri_is_a_query_error(store):
    with pytest.raises(QueryError):
        store.query_serialized("ASK { ?s ?p ?o }", "application/sparql-results+json", default_graphs=["not an iri"])
