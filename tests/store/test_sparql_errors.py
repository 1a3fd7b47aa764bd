"""kg.store.sparql_errors: pyoxigraph's syntax errors told as one sentence, the line with a caret, the expectation."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.store.base import QueryError, QuerySyntaxError
from kg.store.memory import MemoryStore
from kg.store.sparql_errors import explain


def raw(query: str) -> str:
    try:
        ox.Store().query(query)
    except SyntaxError as exc:
        return str(exc)
    raise AssertionError(f"parsed: {query}")


def told(query: str) -> str:
    return explain(query, raw(query))


@pytest.mark.parametrize("query,first", [
    ("SELECT * WHERE {?s ?p ?o", 'line 1, column 25 (the end of the query): the "{" at line 1, column 16 is not closed'),
    ('SELECT * { ?s ?p "abc }', "the string starting at line 1, column 18 is not closed"),
    ("ASK { ?s ?p ?o } }", 'the "}" at line 1, column 18 closes nothing'),
    ("SELECT * { ?s ?p ?o FILTER(?o > 3 }", 'the "}" at line 1, column 35 closes nothing'),
    ("PREFIX : <http://x/>\nSELECT * { ?s foo:bar ?o }", 'line 2, column 22: the prefix "foo:" is not declared'),
    ("SELECT * { ?s ?p <http://x y> }", "line 1, column 30: <http://x y> is not a valid IRI"),
    ("SELECT ?x WHERE { ?s ?p ?o } GROUP BY ?s", "the SELECT contains a variable that is unbound"),
    ("CONSTRUCT { ?s ?p ?o WHERE { ?s ?p ?o }", 'line 1, column 22: expected one of: "," "." ";" or "}", found "WHERE"'),
    # a misspelt keyword is named where it is, whatever position the parser stopped at
    ("SELECT ?s WHERE { ?s ?p ?o } LIMT 5", 'line 1, column 30: "LIMT" is not a SPARQL keyword (did you mean LIMIT?)'),
    ("SELCT ?s WHERE { ?s ?p ?o }", 'line 1, column 1: "SELCT" is not a SPARQL keyword (did you mean SELECT?)'),
    ("SELECT * WHERE {\n  ?s ?p ?o FILTR(?o > 1) }", 'line 2, column 12: "FILTR" is not a SPARQL keyword'),
    # selected beside an aggregate without GROUP BY (SPARQL 1.1 §11.4): said so, not "a variable is unbound"
    ("SELECT ?x (COUNT(*) AS ?n) WHERE { ?x ?p ?o }",
     "?x is selected in a grouped query (an aggregate or GROUP BY) but not grouped: write GROUP BY ?x, or select "
     "SAMPLE(?x) instead"),
    ("SELECT ?x ?y (COUNT(*) AS ?n) WHERE { ?x ?y ?o } GROUP BY ?x", "?y is selected in a grouped query"),
    ("SELECT ?s WHERE { ?s ?p ?o } GROUP BY ?p", "not grouped: write GROUP BY ?p ?s,"),
    # ORDER or GROUP without BY: said where the BY is missing, not at the far place the parser stopped
    ("SELECT ?s WHERE { ?s ?p ?o } ORDER ?s", "line 1, column 30: ORDER must be followed by BY"),
    ("SELECT ?s WHERE { ?s ?p ?o } ORDER ?s LIMIT 5", "line 1, column 30: ORDER must be followed by BY"),
    # words SPARQL 1.2 / Oxigraph accept, and dotted prefixes, are not typos: the real mistake is named
    ('VERSION "1.2"\nSELECT ?s WHERE { ?s ?p ?o } LIMT 5', 'line 2, column 30: "LIMT" is not a SPARQL keyword'),
])
def test_sentences(query, first):
    text = told(query)
    assert text.startswith("SPARQL syntax error at ") and first in text.splitlines()[0], text
    assert "\\u{" not in text and "[_]" not in text and "{|" not in text and len(text.splitlines()) <= 4


def test_words_that_are_not_typos_are_not_called_typos():
    """Variables, prefixed names, language tags, numbers and the words inside strings are never "not a keyword";
    a lone keyword the parser expects at the end is said ("BY" after ORDER)."""
    for query in ('PREFIX ex: <http://x/> SELECT * { ?s ex:foo "bar baz"@zh-Hans ; ex:n 1e10 . _:b1 a ex:C FILTER(?s',
                  'SELECT ?s WHERE { ?s ?p "LIMT SELCT" '):
        assert "not a SPARQL keyword" not in told(query), query
    dotted = told("PREFIX dc.t: <http://purl.org/dc/terms/>\nSELECT ?s WHERE { ?s dc.t:title ?o } LIMIT")
    assert "not a SPARQL keyword" not in dotted and '"dc"' not in dotted


def test_caret_under_the_column_counts_wide_characters():
    q = 'SELECT * {\n  ?s ?p "中文" ?o }'
    lines = told(q).splitlines()
    assert lines[1] == '    ?s ?p "中文" ?o }'
    col = int(lines[0].split("column ")[1].split()[0].rstrip(":"))
    assert lines[2] == "  " + " " * (col - 1 + 2) + "^"   # two CJK characters, each two cells wide


def test_keyword_lists_at_the_end_are_left_out():
    text = told("SELECT * { ?s ?p ?o . ?s ?p ?o2 ?x }")   # pyoxigraph: "expected BIND" at the end: misleading
    assert "BIND" not in text and "the end of the query" in text


def test_long_line_is_cut_around_the_position():
    q = "SELECT * WHERE { " + " ".join(f"?s{i} ?p ?o ." for i in range(200)) + " ?s ?p"
    lines = told(q).splitlines()
    assert len(lines[1]) < 110 and lines[1].startswith("  …") and lines[2].endswith("^")


def test_shift_takes_the_prefix_off_line_one():
    q = "SELECT * WHERE {?s ?p ?o"
    base = "BASE <http://example.org/> "
    assert explain(q, raw(base + q), shift=len(base)) == explain(q, raw(q))


def test_unknown_format_is_passed_on_and_empty_query():
    assert explain("SELECT", "something else") == "SPARQL syntax error: something else"
    assert "the query is empty" in explain("  # nothing\n", "")


def test_store_raises_explained_syntax_errors():
    store = MemoryStore()
    with pytest.raises(QuerySyntaxError) as exc:
        store.query_serialized("SELECT * WHERE {?s ?p ?o", "application/sparql-results+json")
    assert str(exc.value).startswith("SPARQL syntax error at line 1, column 25") and exc.value.raw.startswith("error at 1:25")
    with pytest.raises(QueryError, match="the query is empty"):
        store.query_serialized("", "application/sparql-results+json")
