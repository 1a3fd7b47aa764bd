"""A remote SPARQL 1.1 store (Query and Update protocols), tested against Virtuoso Open Source 7 from Debian.

Settings (environment):
    GOVKG_STORE                 the query endpoint, e.g. http://127.0.0.1:8890/sparql (public, read-only)
    GOVKG_REMOTE_UPDATE_URL     where updates go; default: the query endpoint with "-auth" appended
                                (Virtuoso's /sparql-auth, which runs updates as the authenticated user)
    GOVKG_REMOTE_USER / GOVKG_REMOTE_PASSWORD   credentials for the update endpoint (Virtuoso: dba)
    GOVKG_REMOTE_AUTH           digest (default; what Virtuoso's /sparql-auth asks for) | basic
    GOVKG_REMOTE_GRAPHS         the prefix of the graphs that belong to us (default {base}graph/)

What Virtuoso does, as found with the test fixture (tests/store/virtuoso.py):
  * The anonymous /sparql user may not update (SR186) and may not use SERVICE (SQ070). Updates work through
    /sparql-auth with HTTP digest auth as dba; /sparql-graph-crud-auth (Graph Store Protocol) works the same way but
    changes one graph per request, so a transaction is sent as ONE SPARQL Update request instead
    (DROP SILENT GRAPH + INSERT DATA ... ; ...), which Virtuoso runs as one SQL transaction.
  * With no FROM / default-graph-uri the default graph is the union of all graphs, as in our other stores, but
    that includes Virtuoso's own graphs (virtrdf#, the endpoint's service description, ...). So graph_names() and
    the dumps keep to the graphs under our prefix; user queries over the union can see Virtuoso's system triples.
  * A query time limit: Virtuoso's `timeout` parameter (ms) interrupts the query on the server ("anytime" query:
    partial result flagged with X-SQL-State S1TAT, which we turn into QueryTimeout), and the client stops waiting
    at the limit too. The server reacts with a granularity of about a second.

Queries are parsed locally first (pyoxigraph on an empty store): syntax errors and the query form are known without
a round trip, and the same SERVICE/update refusals apply as in the other stores. Results come back as SPARQL JSON
(SELECT/ASK) or N-Triples (CONSTRUCT/DESCRIBE) and are re-serialised by the same code as the local stores, so the row
cap, the truncated flag and the media types behave identically whatever the backend.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from typing import IO, Iterator

import httpx
import pyoxigraph as ox

from kg.config import Settings
from kg.store.base import QueryError, QueryTimeout, Result, Serialized, Store, StoreError, Transaction
from kg.store.oxicore import (DUMP_FORMATS, GRAPH_TYPES, SELECT_TYPES, XSD_STRING, check_query, query_form,
                              serialize_ask, serialize_select, to_ox, to_rdflib)



def _json_term(b: dict):
    t = b["type"]
    if t == "uri":
        return ox.NamedNode(b["value"])
    if t == "bnode":
        return ox.BlankNode(b["value"])
    if "xml:lang" in b:
        return ox.Literal(b["value"], language=b["xml:lang"])
    dt = b.get("datatype")
    if t == "typed-literal" or (dt and dt != XSD_STRING):
        return ox.Literal(b["value"], datatype=ox.NamedNode(dt))
    return ox.Literal(b["value"])


class RemoteTransaction(Transaction):
    def __init__(self):
        self.parts: list[str] = []

    def replace_graph(self, graph, triples):
        self.remove_graph(graph)
        self.add(graph, triples)

    def add(self, graph, triples):
        body = "\n".join(f"{to_ox(s)} {to_ox(p)} {to_ox(o)} ." for s, p, o in triples)
        if body:
            self.parts.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}")

    def remove_graph(self, graph):
        self.parts.append(f"DROP SILENT GRAPH <{graph}>")

    def update(self, sparql_update):
        self.parts.append(sparql_update)


class RemoteStore(Store):
    def __init__(self, endpoint: str, *, update_url: str | None = None, user: str | None = None,
                 password: str | None = None, graph_prefix: str | None = None, auth: str | None = None,
                 http_timeout_s: float = 600):
        env = os.environ.get
        self.endpoint = endpoint
        self.update_url = update_url or env("GOVKG_REMOTE_UPDATE_URL") or endpoint + "-auth"
        user = user or env("GOVKG_REMOTE_USER")
        password = password if password is not None else env("GOVKG_REMOTE_PASSWORD", "")
        kind = (auth or env("GOVKG_REMOTE_AUTH", "digest")).lower()
        self._auth = None if not user else (httpx.DigestAuth(user, password) if kind == "digest"
                                            else httpx.BasicAuth(user, password))
        self.graph_prefix = graph_prefix or env("GOVKG_REMOTE_GRAPHS") or Settings().base_iri + "graph/"
        self._http = httpx.Client(timeout=http_timeout_s)
        self._gen = 0

    # --- protocol ------------------------------------------------------------------------------------------

    def _post_query(self, sparql: str, accept: str, default_graphs, named_graphs, timeout_s=None) -> httpx.Response:
        data: dict = {"query": sparql}
        if default_graphs:
            data["default-graph-uri"] = list(default_graphs)
        if named_graphs:
            data["named-graph-uri"] = list(named_graphs)
        if timeout_s:
            data["timeout"] = str(max(1, int(timeout_s * 1000)))   # Virtuoso: stop on the server too
        try:
            r = self._http.post(self.endpoint, data=data, headers={"Accept": accept},
                                timeout=httpx.Timeout(timeout_s or self._http.timeout.read, connect=10))
        except httpx.TimeoutException:
            raise QueryTimeout(f"the query ran longer than the {timeout_s:g} s limit") from None
        except httpx.HTTPError as exc:
            raise StoreError(f"the SPARQL endpoint {self.endpoint} is unreachable: {exc}") from None
        if r.headers.get("x-sql-state") == "S1TAT":   # Virtuoso "anytime" partial result
            raise QueryTimeout(f"the query ran longer than the {timeout_s:g} s limit")
        if r.status_code == 400:
            raise QueryError(f"the SPARQL endpoint refused the query: {r.text[:500]}")
        if r.status_code >= 400:
            raise StoreError(f"the SPARQL endpoint answered {r.status_code}: {r.text[:500]}")
        return r

    def _select_rows(self, sparql, default_graphs, named_graphs, timeout_s=None):
        r = self._post_query(sparql, "application/sparql-results+json", default_graphs, named_graphs, timeout_s)
        doc = r.json()
        if "boolean" in doc:
            return None, doc["boolean"]
        variables = doc["head"].get("vars", [])
        return variables, [{k: _json_term(v) for k, v in b.items()} for b in doc["results"]["bindings"]]

    def _triples(self, sparql, default_graphs=None, named_graphs=None, timeout_s=None) -> Iterator[ox.Triple]:
        r = self._post_query(sparql, "application/n-triples", default_graphs, named_graphs, timeout_s)
        try:
            for t in ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES):
                yield t.triple if isinstance(t, ox.Quad) else t
        except SyntaxError as exc:
            raise StoreError(f"the SPARQL endpoint sent unreadable N-Triples: {exc}") from None

    # --- Store ---------------------------------------------------------------------------------------------

    def query(self, sparql, *, default_graphs=None, named_graphs=None, max_rows=None) -> Result:
        check_query(sparql)
        form = query_form(sparql)   # lexically: the query never runs here, in the web process
        if form == "graph":
            out = Result("graph")
            for i, t in enumerate(self._triples(sparql, default_graphs, named_graphs)):
                if max_rows is not None and i >= max_rows:
                    out.truncated = True
                    break
                out.triples.append((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
            return out
        variables, rows = self._select_rows(sparql, default_graphs, named_graphs)
        if variables is None:
            return Result("ask", boolean=bool(rows))
        out = Result("select", vars=variables)
        if max_rows is not None and len(rows) > max_rows:
            rows, out.truncated = rows[:max_rows], True
        out.rows = [{k: to_rdflib(v) for k, v in row.items()} for row in rows]
        return out

    def query_serialized(self, sparql, media_type, *, default_graphs=None, named_graphs=None,
                         timeout_s=None, max_rows=None) -> Serialized:
        check_query(sparql)
        form = query_form(sparql)   # lexically: the query never runs here, in the web process
        if form == "graph":
            rdf_format, mt = GRAPH_TYPES.get(media_type), media_type
            if rdf_format is None:
                rdf_format, mt = ox.RdfFormat.TURTLE, "text/turtle"
            triples, truncated = [], False
            for i, t in enumerate(self._triples(sparql, default_graphs, named_graphs, timeout_s)):
                if max_rows is not None and i >= max_rows:
                    truncated = True
                    break
                triples.append(t)
            return Serialized(ox.serialize(triples, format=rdf_format) or b"", mt, truncated)
        fmt = SELECT_TYPES.get(media_type, "json")
        mt = media_type if media_type in SELECT_TYPES else "application/sparql-results+json"
        variables, rows = self._select_rows(sparql, default_graphs, named_graphs, timeout_s)
        if variables is None:
            return Serialized(serialize_ask(bool(rows), fmt), mt)
        truncated = max_rows is not None and len(rows) > max_rows
        rows = rows[:max_rows] if truncated else rows
        return Serialized(serialize_select(variables, [[r.get(v) for v in variables] for r in rows], fmt, truncated),
                          mt, truncated)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        tx = RemoteTransaction()
        yield tx
        if not tx.parts:
            return
        try:
            r = self._http.post(self.update_url, data={"update": " ;\n".join(tx.parts)}, auth=self._auth)
        except httpx.HTTPError as exc:
            raise StoreError(f"the SPARQL update endpoint {self.update_url} is unreachable: {exc}") from None
        if r.status_code in (401, 403):
            raise StoreError(f"the SPARQL update endpoint {self.update_url} refused our credentials "
                             f"(set GOVKG_REMOTE_USER / GOVKG_REMOTE_PASSWORD): {r.status_code}")
        if r.status_code >= 400:
            raise StoreError(f"the SPARQL update failed ({r.status_code}): {r.text[:500]}")
        self._gen += 1

    def graph_names(self) -> list[str]:
        _, rows = self._select_rows(
            f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{self.graph_prefix}")) }}',
            None, None)
        return sorted(r["g"].value for r in rows)

    def __len__(self) -> int:
        _, rows = self._select_rows(
            f'SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{self.graph_prefix}")) }}',
            None, None)
        return int(rows[0]["n"].value) if rows else 0

    def dump(self, out: IO[bytes], fmt: str, *, count: bool = True) -> int:
        """One request per graph (our graphs only), so no response is bigger than a graph. For the union formats a
        triple is written with the first graph (in name order) that holds it: the server skips it in later graphs,
        so the client keeps nothing in memory."""
        rdf_format = DUMP_FORMATS[fmt]
        n = 0
        first = True
        if fmt == "jsonld":
            out.write(b"[")
        for g in self.graph_names():
            if fmt in ("nquads", "trig"):
                q = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"
            else:
                q = (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} FILTER NOT EXISTS {{ "
                     f'GRAPH ?h {{ ?s ?p ?o }} FILTER(?h != <{g}> && STR(?h) < "{g}" && '
                     f'STRSTARTS(STR(?h), "{self.graph_prefix}")) }} }}')
            triples = list(self._triples(q))
            n += len(triples)
            if not triples:
                continue
            if fmt in ("nquads", "trig"):
                gn = ox.NamedNode(g)
                body = ox.serialize([ox.Quad(t.subject, t.predicate, t.object, gn) for t in triples],
                                    format=rdf_format)
            else:
                body = ox.serialize(triples, format=rdf_format)
            if fmt == "jsonld":   # one JSON array for the whole file: splice the per-graph arrays together
                body = body.strip()[1:-1]
                if not body:
                    continue
                if not first:
                    out.write(b",")
            out.write(body)
            first = False
        if fmt == "jsonld":
            out.write(b"]")
        return n

    def generation(self) -> str:
        return str(self._gen)

    def close(self) -> None:
        self._http.close()
