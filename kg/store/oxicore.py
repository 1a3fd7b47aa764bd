"""Query, serialisation and transactions over a pyoxigraph.Store: shared by the memory and on-disk backends."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from array import array
from contextlib import contextmanager
from typing import IO, Iterable, Iterator
from xml.sax.saxutils import escape as xml_escape

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.store.base import (QueryError, QuerySyntaxError, QueryTimeout, Result, Serialized, Store, StoreError,
                           Transaction)
from kg.store.sparql_errors import NOISE as _NOISE, empty, explain

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# Result media types we produce; the web tier negotiates among these.
SELECT_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}
DATASET_DUMPS = ("nquads", "trig")   # every quad with its graph; the other formats carry the union of all graphs
DUMP_FORMATS = {"nquads": ox.RdfFormat.N_QUADS, "ntriples": ox.RdfFormat.N_TRIPLES,
                "turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD}

# Strings, IRIs and comments are blanked (sparql_errors.NOISE) before looking for keywords, so "SERVICE" inside a
# literal is harmless.
# The keyword, not a prefixed name (schema:Service) or a variable (?service)
_FORBIDDEN = re.compile(r"(?<![\w:?$])SERVICE\b", re.I)
_UPDATE = re.compile(r"\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD)\b", re.I)
_FORM = re.compile(r"(?<![\w:?$])(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)
_FROM = re.compile(r"(?<![\w:?$])FROM\b", re.I)


def blank(sparql: str) -> str:
    """The query with strings, IRIs and comments blanked out: what is left are keywords, names and punctuation."""
    return _NOISE.sub(" ", sparql)


def query_form(sparql: str) -> str:
    """'select' | 'ask' | 'graph' (CONSTRUCT/DESCRIBE), read lexically without running anything."""
    m = _FORM.search(blank(sparql))
    if not m:
        raise QueryError("SPARQL syntax error: no SELECT, ASK, CONSTRUCT or DESCRIBE")
    return {"SELECT": "select", "ASK": "ask"}.get(m.group(1).upper(), "graph")


def check_query(sparql: str) -> None:
    """Refuse what a public read-only endpoint must never run. The engine's parser catches the rest."""
    bare = blank(sparql)
    if empty(sparql):
        raise QuerySyntaxError(explain(sparql, ""))
    if _FORBIDDEN.search(bare):
        raise QueryError("SERVICE (federated query) is not allowed on this endpoint: no outbound requests are made")
    if _UPDATE.search(bare) and not _FORM.search(bare):
        raise QueryError("this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP ...) is refused")


def to_rdflib(term) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        return Literal(term.value, datatype=None if dt == XSD_STRING else URIRef(dt))
    raise TypeError(f"unsupported term {term!r}")  # RDF-star triples are not produced by GovKG


def to_ox(term: Node):
    if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        return term
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


def _graphs(names: list[str] | None):
    try:
        return [ox.NamedNode(g) for g in names] if names else None
    except ValueError as exc:
        raise QueryError(f"not a graph IRI: {exc}") from None


def run_query(store: ox.Store, sparql: str, default_graphs=None, named_graphs=None):
    """Parse and start a query. The union of all graphs is the default graph unless a dataset is given, by the
    protocol (default-graph-uri) or by the query itself (FROM)."""
    check_query(sparql)
    kwargs = {}
    if default_graphs:
        kwargs["default_graph"] = _graphs(default_graphs)
    elif not _FROM.search(blank(sparql)):
        kwargs["use_default_graph_as_union"] = True
    if named_graphs:
        kwargs["named_graphs"] = _graphs(named_graphs)
    try:
        return store.query(sparql, **kwargs)
    except SyntaxError as exc:
        raise QuerySyntaxError(explain(sparql, str(exc)), str(exc)) from None
    except OSError as exc:
        raise StoreError(f"store error: {exc}") from None


# --- serialisation of SELECT results (our own, so that the row cap can cut the stream) -----------------

def _term_json(t) -> dict:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    d = {"type": "literal", "value": t.value}
    if t.language:
        d["xml:lang"] = t.language
    elif t.datatype.value != XSD_STRING:
        d["datatype"] = t.datatype.value
    return d


def _term_xml(t) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{xml_escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{xml_escape(t.value)}</bnode>"
    attrs = ""
    if t.language:
        attrs = f' xml:lang="{xml_escape(t.language)}"'
    elif t.datatype.value != XSD_STRING:
        attrs = f' datatype="{xml_escape(t.datatype.value)}"'
    return f"<literal{attrs}>{xml_escape(t.value)}</literal>"


def _term_tsv(t) -> str:
    return str(t)  # pyoxigraph's str() is the N-Triples / Turtle form the TSV format asks for


# The head link of a result cut at the row cap. A relative IRI, kept for callers without a page to point at (the
# command line); the web tier replaces it with the absolute IRI of its explanation of the limits (link_truncated).
TRUNCATED_LINK = "truncated"
_JSON_LINK = b'"link": ["' + TRUNCATED_LINK.encode() + b'"]'
_XML_LINK = b'<link href="' + TRUNCATED_LINK.encode() + b'"/>'


def link_truncated(body: bytes, media_type: str, href: str) -> bytes:
    """Point the head link of a truncated SPARQL JSON or XML result, as serialize_select writes it, at `href`.
    The head comes first and variable names hold no quotes, so the first match is the head's link."""
    if media_type == "application/sparql-results+json":
        return body.replace(_JSON_LINK, b'"link": ' + json.dumps([href]).encode(), 1)
    if media_type == "application/sparql-results+xml":
        return body.replace(_XML_LINK, f'<link href="{xml_escape(href, {chr(34): "&quot;"})}"/>'.encode(), 1)
    return body


def serialize_select(variables: list[str], rows: list[list], fmt: str, truncated: bool) -> bytes:
    if fmt == "json":
        doc = {"head": {"vars": variables}, "results": {"bindings": [
            {v: _term_json(t) for v, t in zip(variables, row) if t is not None} for row in rows]}}
        if truncated:
            doc["head"]["link"] = [TRUNCATED_LINK]  # SPARQL JSON allows links in head; also sent as a header
        return json.dumps(doc, ensure_ascii=False).encode()
    if fmt == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
        out += [f'<variable name="{v}"/>' for v in variables]
        if truncated:
            out.append(f'<link href="{TRUNCATED_LINK}"/>')   # the XML format's place for it: after the variables
        out.append("</head><results>")
        for row in rows:
            out.append("<result>")
            out += [f'<binding name="{v}">{_term_xml(t)}</binding>' for v, t in zip(variables, row) if t is not None]
            out.append("</result>")
        out.append("</results></sparql>\n")
        return "".join(out).encode()
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(variables)
        for row in rows:
            w.writerow(["" if t is None else t.value for t in row])
        return buf.getvalue().encode()
    if fmt == "tsv":
        lines = ["\t".join("?" + v for v in variables)]
        lines += ["\t".join("" if t is None else _term_tsv(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode()
    raise ValueError(fmt)


def serialize_ask(value: bool, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                f'<boolean>{"true" if value else "false"}</boolean></sparql>\n').encode()
    return (b"true\n" if value else b"false\n")


NATIVE_SELECT = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                 "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
_LIMIT = re.compile(r"\bLIMIT\s+(\d+)", re.I)


def top_level_limit(sparql: str) -> int | None:
    """The LIMIT of the outermost query (outside every brace), or None. Strings, IRIs and comments are blanked
    first, so a "LIMIT 5" inside a literal or a sub-select does not count."""
    bare = _NOISE.sub(" ", sparql)
    depth, outer = 0, []
    for ch in bare:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        outer.append(ch if depth == 0 and ch != "}" else " ")
    found = _LIMIT.findall("".join(outer))
    return int(found[-1]) if found else None


class _Capped(Exception):
    """Raised by _LineCapSink to stop pyoxigraph's serialiser once the row cap is passed."""


class _LineCapSink:
    """A file-like sink for pyoxigraph's serialiser of a line-based format (N-Triples: one triple per line): keeps
    the first `cap` lines and stops the serialiser past them, so the cap bounds the work, not only the answer."""

    def __init__(self, cap: int | None, tick):
        self.cap, self.tick = cap, tick
        self.parts: list[bytes] = []
        self.lines = 0
        self.truncated = False

    def write(self, data) -> int:
        if self.truncated:   # pyoxigraph may flush its buffer once more after we stopped it
            raise _Capped()
        data = bytes(data)
        self.parts.append(data)
        self.lines += data.count(b"\n")
        self.tick()
        if self.cap is not None and self.lines > self.cap:
            self.truncated = True
            raise _Capped()
        return len(data)

    def flush(self) -> None:
        pass

    def body(self) -> bytes:
        if not self.truncated:
            return b"".join(self.parts)
        last = self.parts[-1]
        keep = self.cap - (self.lines - last.count(b"\n"))   # lines of the last part that fit under the cap
        end = 0
        for _ in range(keep):
            end = last.index(b"\n", end) + 1
        return b"".join(self.parts[:-1]) + last[:end]


def execute_serialized(store: ox.Store, sparql: str, media_type: str, default_graphs=None, named_graphs=None,
                       max_rows: int | None = None, deadline: float | None = None) -> Serialized:
    """Run and serialise. `media_type` is one of SELECT_TYPES for SELECT/ASK, GRAPH_TYPES for CONSTRUCT/DESCRIBE;
    when it does not fit the query form the form's default is used (JSON, Turtle)."""
    res = run_query(store, sparql, default_graphs, named_graphs)

    def tick():
        if deadline is not None and time.monotonic() > deadline:
            raise QueryTimeout("query time limit reached")

    if isinstance(res, ox.QueryBoolean) or isinstance(res, bool):
        fmt = SELECT_TYPES.get(media_type, "json")
        mt = media_type if media_type in SELECT_TYPES else "application/sparql-results+json"
        return Serialized(serialize_ask(bool(res), fmt), mt)
    if isinstance(res, ox.QuerySolutions):
        fmt = SELECT_TYPES.get(media_type, "json")
        mt = media_type if media_type in SELECT_TYPES else "application/sparql-results+json"
        if max_rows is None or (limit := top_level_limit(sparql)) is not None and limit <= max_rows:
            # The row cap cannot be reached: pyoxigraph serialises in Rust (2-3x faster than row by row here).
            body = res.serialize(format=NATIVE_SELECT[fmt])
            tick()
            return Serialized(body, mt)
        variables = [v.value for v in res.variables]
        rows, truncated = [], False
        for i, sol in enumerate(res):
            if max_rows is not None and i >= max_rows:
                truncated = True
                break
            if i % 1000 == 0:
                tick()
            rows.append([sol[v] for v in variables])
        tick()
        return Serialized(serialize_select(variables, rows, fmt, truncated), mt, truncated)
    # CONSTRUCT / DESCRIBE
    rdf_format = GRAPH_TYPES.get(media_type)
    mt = media_type
    if rdf_format is None:
        rdf_format, mt = ox.RdfFormat.TURTLE, "text/turtle"
    if rdf_format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
        # One triple per line: pyoxigraph serialises in Rust and the sink counts lines (2-4x faster than row by row).
        sink = _LineCapSink(max_rows, tick)
        try:
            res.serialize(sink, format=rdf_format)
        except _Capped:
            pass
        tick()
        return Serialized(sink.body(), mt, sink.truncated)
    triples, truncated = [], False
    for i, t in enumerate(res):
        if max_rows is not None and i >= max_rows:
            truncated = True
            break
        if i % 1000 == 0:
            tick()
        triples.append(t)
    tick()
    return Serialized(ox.serialize(triples, format=rdf_format) or b"", mt, truncated)


def execute_result(store: ox.Store, sparql: str, default_graphs=None, named_graphs=None,
                   max_rows: int | None = None) -> Result:
    res = run_query(store, sparql, default_graphs, named_graphs)
    if isinstance(res, ox.QuerySolutions):
        variables = [v.value for v in res.variables]
        out = Result("select", vars=variables)
        for i, sol in enumerate(res):
            if max_rows is not None and i >= max_rows:
                out.truncated = True
                break
            out.rows.append({v: to_rdflib(sol[v]) for v in variables if sol[v] is not None})
        return out
    if isinstance(res, ox.QueryTriples):
        out = Result("graph")
        for i, t in enumerate(res):
            if max_rows is not None and i >= max_rows:
                out.truncated = True
                break
            out.triples.append((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        return out
    return Result("ask", boolean=bool(res))


class OxTransaction(Transaction):
    """Buffers changes and applies them in one pyoxigraph write at commit."""

    def __init__(self):
        self.ops: list[tuple] = []

    def replace_graph(self, graph, triples):
        self.ops.append(("drop", graph))
        self.add(graph, triples)

    def add(self, graph, triples):
        g = ox.NamedNode(graph)
        self.ops.append(("add", [ox.Quad(to_ox(s), to_ox(p), to_ox(o), g) for s, p, o in triples]))

    def remove_graph(self, graph):
        self.ops.append(("drop", graph))

    def update(self, sparql_update):
        self.ops.append(("update", sparql_update))

    def apply(self, store: ox.Store):
        # Store.update runs as one transaction; quads are added through an equivalent INSERT DATA so that the
        # whole batch commits (or fails) together.
        parts = []
        for op in self.ops:
            if op[0] == "drop":
                parts.append(f"DROP SILENT GRAPH <{op[1]}>")
            elif op[0] == "add" and op[1]:
                body = "\n".join(str(q.triple) + " ." for q in op[1])
                parts.append(f"INSERT DATA {{ GRAPH {op[1][0].graph_name} {{\n{body}\n}} }}")
            elif op[0] == "update":
                parts.append(op[1])
        if parts:
            store.update(" ;\n".join(parts))


class _View:
    """The pyoxigraph store a call works on; the disk store hands out one per published generation."""

    def __init__(self, ox_store: ox.Store, name: str = "0"):
        self.ox = ox_store
        self.name = name


class PyOxigraphStore(Store):
    """A Store over pyoxigraph. Subclasses may override `_view()` to hand out a different pyoxigraph store per call
    (the disk store does: one per published generation); each public call takes one view and keeps it to the end,
    so a call never mixes two states."""

    def __init__(self, ox_store: ox.Store):
        self._fixed = _View(ox_store)
        self._lock = threading.Lock()   # one writer at a time
        self._gen = 0

    def _view(self) -> _View:
        return self._fixed

    @property
    def ox(self) -> ox.Store:
        return self._view().ox

    def query(self, sparql, *, default_graphs=None, named_graphs=None, max_rows=None) -> Result:
        view = self._view()
        return execute_result(view.ox, sparql, default_graphs, named_graphs, max_rows)

    def query_serialized(self, sparql, media_type, *, default_graphs=None, named_graphs=None,
                         timeout_s=None, max_rows=None) -> Serialized:
        """In-process query under a time limit: the query runs in a daemon thread (pyoxigraph releases the GIL
        while it evaluates) and the caller stops waiting at the limit. pyoxigraph cannot cancel a query, so the
        thread stops at the next solution it yields after the deadline; a query that yields nothing for a long time
        (an aggregate over a cartesian product) keeps one CPU busy until it ends. Good enough for the memory store
        (tests, experiments); the disk store runs user queries in killable worker processes instead."""
        view = self._view()
        check_query(sparql)  # refuse before starting a thread
        if not timeout_s:
            return execute_serialized(view.ox, sparql, media_type, default_graphs, named_graphs, max_rows)
        deadline = time.monotonic() + timeout_s
        return run_with_deadline(
            lambda: execute_serialized(view.ox, sparql, media_type, default_graphs, named_graphs, max_rows, deadline),
            timeout_s)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        tx = OxTransaction()
        yield tx
        with self._lock:
            tx.apply(self._fixed.ox)
            self._gen += 1

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self._view().ox.named_graphs() if isinstance(g, ox.NamedNode))

    def dump(self, out: IO[bytes], fmt: str, *, count: bool = True) -> int:
        return dump_ox(self._view().ox, out, fmt, count=count)

    def __len__(self):
        return len(self._view().ox)

    def generation(self) -> str:
        return str(self._gen)

    def snapshot(self) -> "Store":
        return self


def run_with_deadline(fn, timeout_s: float):
    """Run fn() in a daemon thread; raise QueryTimeout if it has not finished after timeout_s."""
    box: dict = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the caller below
            # without its traceback: the frames hold pyoxigraph iterators, which must be dropped on this thread
            box["error"] = exc.with_traceback(None)

    worker = threading.Thread(target=target, name="sparql-query", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        raise QueryTimeout(f"the query ran longer than the {timeout_s:g} s limit")
    if "error" in box:
        raise box["error"]
    return box["value"]


# Counting the union of all graphs, each triple once (a bounded aggregate for VoID; not used by dumps).
UNION_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
SORT_MEMORY = "64M"   # sort(1)'s buffer; beyond it sort spills to temporary files


class LineCounter:
    """A write-through wrapper counting newlines: N-Triples and N-Quads hold one statement per line."""

    def __init__(self, out: IO[bytes]):
        self.out = out
        self.lines = 0

    def write(self, data) -> int:
        self.lines += bytes(data).count(b"\n")
        return self.out.write(data)

    def flush(self):
        if hasattr(self.out, "flush"):
            self.out.flush()


class LineHasher(LineCounter):
    """A write-through LineCounter that also keeps a 64-bit hash of every line (8 bytes a line, in PARTS arrays by
    the hash's low bits), so that repeated lines can be detected at the end without holding the lines themselves.
    Past SPILL_OVER hashes in memory the arrays are appended to one temporary file, part after part: the memory held
    stays bounded whatever the dump's size (43M triples at N = 50,000 would be 350 MB of hashes), and the final check
    holds one part at a time."""

    # 4,096 parts: the final check's set holds 1/4,096 of the lines (at N = 50,000, ~10k hashes, under 1 MB; with 256
    # parts its ~15 MB set was the dump's memory peak, bench/results/dump-speed-50000-session8.md). One spill file
    # for all of them, so the number of parts costs no file descriptors.
    PARTS = 4096
    SPILL_OVER = 1_000_000   # hashes (8 MB) held in memory before they are appended to the spill file

    def __init__(self, out: IO[bytes]):
        super().__init__(out)
        self.hashes = [array("q") for _ in range(self.PARTS)]
        self._held = 0
        self._spilled = None                # the spill file, once needed
        self._spills: list[array] = []      # per spill: the file offset where each part starts, and the end
        self._tail = b""

    def write(self, data) -> int:
        data = bytes(data)
        n = self.out.write(data)
        self.lines += data.count(b"\n")
        chunk = self._tail + data if self._tail else data
        cut = chunk.rfind(b"\n") + 1
        self._tail = chunk[cut:]
        if cut:
            lines = chunk[:cut].split(b"\n")
            lines.pop()
            parts, mask = self.hashes, self.PARTS - 1
            for h in map(hash, lines):
                parts[h & mask].append(h)
            self._held += len(lines)
            if self._held >= self.SPILL_OVER:
                self._spill()
        return n

    def _spill(self) -> None:
        if self._spilled is None:
            self._spilled = tempfile.TemporaryFile(prefix="govkg-hashes-")
        f = self._spilled
        f.seek(0, os.SEEK_END)
        offsets = array("q", [f.tell()])
        for part in self.hashes:
            part.tofile(f)
            offsets.append(offsets[-1] + len(part) * part.itemsize)
            del part[:]
        self._spills.append(offsets)
        self._held = 0

    def has_repeats(self) -> bool:
        """True when two lines hashed alike: a repeated line, or (odds about n^2 / 2^65) a hash collision. One
        part at a time goes through a set, so the set holds 1/PARTS of the lines. (The file goes with the hasher.)"""
        for k, held in enumerate(self.hashes):
            part = array("q")
            for offsets in self._spills:
                self._spilled.seek(offsets[k])
                part.frombytes(self._spilled.read(offsets[k + 1] - offsets[k]))
            part.extend(held)
            if len(set(part)) != len(part):
                return True
        return False

    def close(self) -> None:
        """Let go of the hashes and their spill file (before the caller's next step, which may need the disk)."""
        self.hashes, self._spills = [array("q") for _ in range(self.PARTS)], []
        if self._spilled is not None:
            self._spilled.close()
            self._spilled = None


def _union_ntriples(store: ox.Store, out: IO[bytes]) -> int:
    """Write the union of all graphs as N-Triples, each triple once; return the count.

    GovKG's layout keeps the graphs disjoint (a shared node is described once, in graph/entities), so the fast path
    is each graph serialised by pyoxigraph, in Rust, one after the other (graph IRI order), into a temporary file
    while a 64-bit hash of every line is kept. When no two lines hashed alike the file is copied to `out`; otherwise
    (a triple held by two graphs, or a hash collision) the exact path runs: `sort -u` of that file, byte order, in
    bounded memory. N-Triples holds one triple per line with one spelling per term, so equal lines are equal triples.
    (pyoxigraph's own DISTINCT would hold the whole set in memory: ~700-850 MB for 1M triples.)"""
    graphs = [ox.DefaultGraph()] + sorted(store.named_graphs(), key=lambda g: g.value)
    with tempfile.TemporaryFile() as tmp:
        sink = LineHasher(tmp)
        for g in graphs:
            store.dump(sink, ox.RdfFormat.N_TRIPLES, from_graph=g)
        tmp.flush()
        repeats = sink.has_repeats()
        sink.close()
        tmp.seek(0)
        if not repeats:
            shutil.copyfileobj(tmp, out, 1 << 20)
            return sink.lines
        return _sort_unique(tmp, out)


@contextmanager
def pipe_process(argv: list[str], name: str, error: type[Exception], **popen):
    """Run a filter process (sort, gzip) for the block, which feeds or drains its pipes: killed if the block
    fails, waited for either way, and a non-zero exit raised as `error` with what it printed on stderr."""
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, stderr=err, **popen)
        try:
            yield proc
            if proc.stdin:
                proc.stdin.close()
        except BaseException:
            proc.kill()
            raise
        finally:
            proc.wait()
        if proc.returncode != 0:
            err.seek(0)
            raise error(f"{name} failed ({proc.returncode}): {err.read().decode(errors='replace')[:500]}")


def _sort_unique(src: IO[bytes], out: IO[bytes]) -> int:
    """`sort -u` (C byte order, 64 MB buffer, spills to disk) of N-Triples in the file `src` into `out`."""
    sort = shutil.which("sort")
    if sort is None:
        raise StoreError("the union dumps need sort(1) (coreutils) when a triple is held by two graphs")
    env = dict(os.environ, LC_ALL="C")   # byte order: fast and the same on every machine
    with pipe_process([sort, "-u", "-S", SORT_MEMORY], "sort", StoreError, stdin=src, stdout=subprocess.PIPE,
                      env=env) as proc:
        sink = LineCounter(out)
        while chunk := proc.stdout.read(1 << 20):
            sink.write(chunk)
    return sink.lines


class _Counted:
    def __init__(self, it):
        self.it, self.n = it, 0

    def __iter__(self):
        for x in self.it:
            self.n += 1
            yield x


def dump_ox(store: ox.Store, out: IO[bytes], fmt: str, *, count: bool = True) -> int:
    """Serialise, streaming to `out`, in constant memory. Dataset formats (nquads, trig) carry every quad and are
    written by pyoxigraph in one pass; triple formats (ntriples, turtle, jsonld) carry the union of all graphs, each
    triple once, graph after graph (see _union_ntriples; Turtle and JSON-LD are re-serialised from that stream).
    Returns the statement count (`count` is accepted for the interface: counting is free here)."""
    rdf_format = DUMP_FORMATS[fmt]
    try:
        if fmt in DATASET_DUMPS:
            sink = LineCounter(out)
            store.dump(sink, rdf_format)
            return sink.lines if fmt == "nquads" else len(store)
        if fmt == "ntriples":
            return _union_ntriples(store, out)
        with tempfile.TemporaryFile() as nt:
            _union_ntriples(store, nt)
            nt.seek(0)
            triples = _Counted(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
            ox.serialize(triples, out, rdf_format)
            return triples.n
    except OSError as exc:
        raise StoreError(f"dump failed: {exc}") from None
