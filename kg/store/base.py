"""One small interface in front of every store: embedded Oxigraph on disk (default), in memory, remote SPARQL 1.1.

Data layout in every store:
    graph/report/{h}   one named graph per report: everything read from that report alone
    graph/entities     one description of each shared node (agency, instrument, event, region): types,
                       labels, kinds. Shared, so that a label is stored once however many reports cite it
                       (in a union default graph a triple held by two graphs would be counted twice).
    graph/ontology     ontology/ and the SKOS schemes, so labels of classes and kinds can be shown
    graph/build        bookkeeping: the content hash of each report graph (for incremental builds)

Queries see the union of all graphs as their default graph unless a protocol dataset is given.
Writes go through `Store.transaction()`: everything in one transaction becomes visible at once, or not at all.
"""
from __future__ import annotations

import asyncio
import functools
from abc import ABC, abstractmethod
from concurrent.futures import Executor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import IO, Iterable, Iterator

from rdflib.term import Node


class StoreError(Exception):
    """The store failed (unreachable, corrupt, locked). The message is fit for a user."""


class QueryError(Exception):
    """The query is wrong (syntax, forbidden operation). The message is fit for a user: HTTP 400."""


class QuerySyntaxError(QueryError):
    """A syntax error, explained (kg.store.sparql_errors); `raw` keeps the parser's own message, so a caller that
    changed the query before running it (the web tier's BASE) can explain it again against the text it was given."""

    def __init__(self, message: str, raw: str | None = None):
        super().__init__(message)
        self.raw = raw


class QueryTimeout(Exception):
    """The query ran past its time limit: HTTP 503 (or 504) with a clear message."""


@dataclass
class Result:
    """A query result as rdflib terms. kind: 'select' | 'ask' | 'graph'."""
    kind: str
    vars: list[str] = field(default_factory=list)
    rows: list[dict[str, Node]] = field(default_factory=list)   # select: var -> term (unbound vars absent)
    boolean: bool | None = None                                 # ask
    triples: list[tuple[Node, Node, Node]] = field(default_factory=list)  # construct / describe
    truncated: bool = False                                     # rows were cut at the row cap


@dataclass
class Serialized:
    """A query result already serialised for an HTTP response."""
    body: bytes
    media_type: str
    truncated: bool = False


class Transaction(ABC):
    @abstractmethod
    def replace_graph(self, graph: str, triples: Iterable[tuple[Node, Node, Node]]) -> None:
        """Drop the named graph and put these triples in it."""

    @abstractmethod
    def add(self, graph: str, triples: Iterable[tuple[Node, Node, Node]]) -> None:
        """Add triples to a named graph (set semantics: a triple already there is not added twice)."""

    @abstractmethod
    def remove_graph(self, graph: str) -> None: ...

    def remove_subject(self, graph: str, subject: str) -> None:
        """Remove every triple of `subject` (an IRI) from a named graph, after every change made so far in the
        transaction. This default is a SPARQL DELETE WHERE."""
        self.update(f"DELETE WHERE {{ GRAPH <{graph}> {{ <{subject}> ?p ?o }} }}")

    def add_ntriples(self, graph: str, data: bytes | str) -> None:
        """Add N-Triples text (one triple a line, as pyoxigraph or rdflib write it) to a named graph. Same meaning
        as add(); the on-disk store hands the bytes to pyoxigraph's bulk loader without making a Python object per
        term (the build's workers already produce N-Triples). This default parses and calls add()."""
        import pyoxigraph as ox
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.add(graph, [(t.subject, t.predicate, t.object) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)])

    def replace_graph_ntriples(self, graph: str, data: bytes | str) -> None:
        """replace_graph() with the triples given as N-Triples text (see add_ntriples)."""
        self.remove_graph(graph)
        self.add_ntriples(graph, data)

    @abstractmethod
    def update(self, sparql_update: str) -> None:
        """Run a SPARQL Update inside the transaction (used for housekeeping such as dropping orphan entities)."""


class Store(ABC):
    @abstractmethod
    def query(self, sparql: str, *, default_graphs: list[str] | None = None,
              named_graphs: list[str] | None = None, max_rows: int | None = None) -> Result:
        """Run a read-only query in process and return rdflib terms. For bounded queries (pages, stats)."""

    @abstractmethod
    def query_serialized(self, sparql: str, media_type: str, *, default_graphs: list[str] | None = None,
                         named_graphs: list[str] | None = None, timeout_s: float | None = None,
                         max_rows: int | None = None) -> Serialized:
        """Run a user's query (from /sparql) under a time limit and serialise it in `media_type`.

        Raises QueryError for syntax errors and for anything but SELECT/ASK/CONSTRUCT/DESCRIBE (updates, LOAD,
        SERVICE ...), QueryTimeout past `timeout_s`.
        """

    async def query_serialized_async(self, sparql: str, media_type: str, *, default_graphs: list[str] | None = None,
                                     named_graphs: list[str] | None = None, timeout_s: float | None = None,
                                     max_rows: int | None = None, executor: Executor | None = None) -> Serialized:
        """`query_serialized` for the event loop. By default the blocking call runs on `executor` (a thread pool);
        a store that can wait for its answer without a thread (the disk store's worker pipes) overrides this."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(executor, functools.partial(
            self.query_serialized, sparql, media_type, default_graphs=default_graphs, named_graphs=named_graphs,
            timeout_s=timeout_s, max_rows=max_rows))

    @abstractmethod
    def transaction(self) -> AbstractContextManager[Transaction]:
        """Writes; committed when the block exits normally, discarded when it raises or the process dies."""

    @abstractmethod
    def graph_names(self) -> list[str]: ...

    @abstractmethod
    def dump(self, out: IO[bytes], fmt: str, *, count: bool = True) -> int:
        """Stream the whole dataset to `out` and return the statement count.

        'nquads' | 'trig': every quad, one named graph per report. 'ntriples' | 'turtle' | 'jsonld': the union of
        all graphs, each triple once. With count=False a format that cannot be counted while writing returns -1
        (saves a second pass when the caller already knows the count from the N-Triples dump)."""

    def __len__(self) -> int:  # number of quads
        r = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(r.rows[0]["n"]) if r.rows else 0

    def generation(self) -> str:
        """An opaque value that changes whenever committed data changes (for ETags and cache invalidation)."""
        return "0"

    def published_at(self, generation: str) -> float | None:
        """When `generation` was published (Unix time), the same for every process that reads the store; None when
        the store cannot say (the web tier then uses the time it first saw the generation)."""
        return None

    def snapshot(self) -> "Store":
        """A read-only view that keeps seeing the state of this moment, for several queries that must agree (one
        page, one set of dumps). Stores whose reads are always of one whole state return themselves."""
        return self

    def close(self) -> None:
        pass


def open_store(spec: str) -> Store:
    """'oxigraph:PATH' | 'memory:' | 'http(s)://host/sparql' (remote SPARQL 1.1 Query/Update/GSP store)."""
    if spec.startswith("memory:"):
        from kg.store.memory import MemoryStore
        return MemoryStore()
    if spec.startswith(("http://", "https://")):
        from kg.store.remote import RemoteStore
        return RemoteStore(spec)
    path = spec.split(":", 1)[1] if spec.startswith("oxigraph:") else spec
    from kg.store.oxigraph import OxigraphStore
    return OxigraphStore(path)
