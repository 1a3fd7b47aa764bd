"""SPARQL 1.1 Protocol, query only: GET ?query=, POST form, POST direct; results by Accept or `format`;
protocol datasets; a service description on GET without a query; a query page for browsers.

Protection: size cap (413), per-client concurrency cap (429), per-query time limit (503) and row cap
(X-GovKG-Truncated, and a head link to the limits in SPARQL JSON and XML). The limits are announced on the query page
(/sparql#limits), in the service description (gk:queryTimeLimit ...) and in an X-GovKG-Limits header on every answer.
A slow query never blocks pages: the disk store's queries run in worker processes awaited from the event loop, other
stores' on a dedicated thread pool.
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qsl

from fastapi import APIRouter, Query, Request
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, VOID, XSD
from starlette.responses import Response

from kg.rdf.namespaces import GK, SD
from kg.store.base import QueryError, QuerySyntaxError, QueryTimeout, StoreError
from kg.store import oxicore
from kg.store.oxicore import GRAPH_TYPES, SELECT_TYPES, link_truncated
from kg.store.sparql_errors import empty, explain
from kg.web.apidoc import errors, ok, responses
from kg.web.httpserver import MAX_URL_BYTES
from kg.web.common import RDF_FORMATS, lang_of, render, service, settings
from kg.web.conneg import negotiate, prefers_html
from kg.web.i18n import translator

log = logging.getLogger("kg.web.sparql")
router = APIRouter()

SELECT_OFFERS = list(SELECT_TYPES)  # json first: the default
GRAPH_OFFERS = [m for m in GRAPH_TYPES if m not in ("application/n-quads", "application/trig")]
# `format=` (also `output=`, `results=`, used by some clients) tokens -> media type, per query form
FORMAT_TOKENS = {
    "select": {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
               "csv": "text/csv", "tsv": "text/tab-separated-values", "srj": "application/sparql-results+json",
               "srx": "application/sparql-results+xml"},
    "graph": {"turtle": "text/turtle", "ttl": "text/turtle", "n3": "text/turtle", "nt": "application/n-triples",
              "ntriples": "application/n-triples", "n-triples": "application/n-triples",
              "jsonld": "application/ld+json", "json-ld": "application/ld+json", "json": "application/ld+json",
              "xml": "application/rdf+xml", "rdf": "application/rdf+xml", "rdfxml": "application/rdf+xml",
              "rdf+xml": "application/rdf+xml"},
}
W3C_FORMATS = {
    "application/sparql-results+json": "SPARQL_Results_JSON", "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV", "text/tab-separated-values": "SPARQL_Results_TSV",
    "text/turtle": "Turtle", "application/n-triples": "N-Triples", "application/ld+json": "JSON-LD",
    "application/rdf+xml": "RDF_XML",
}
_RELATIVE_IRI = re.compile(r"<[^<>\s:]*>")
_HAS_BASE = re.compile(r"^\s*BASE\b", re.I | re.M)


def with_base(sparql: str, endpoint: str) -> str:
    """Relative IRIs in a query resolve against the endpoint URL (the protocol tests send `<s> <p> 1`).
    The store interface takes no base IRI, so a BASE is prepended, on the same line to keep error positions
    on later lines right, and only when the query seems to need one."""
    if _HAS_BASE.search(sparql) or not _RELATIVE_IRI.search(sparql):
        return sparql
    return f"BASE <{endpoint}> {sparql}"


class ClientLimiter:
    """At most `limit` queries running per client address. A slot is freed when the request ends, and a query
    does not outlive its request: the disk store kills the worker of a query whose request gave up, other stores
    stop at their own time limit; so a client cannot pile up runaway queries by disconnecting."""

    def __init__(self, limit: int):
        self.limit = limit
        self.active: dict[str, int] = {}
        self.lock = threading.Lock()

    def acquire(self, key: str) -> bool:
        with self.lock:
            if self.active.get(key, 0) >= self.limit:
                return False
            self.active[key] = self.active.get(key, 0) + 1
            return True

    def release(self, key: str) -> None:
        with self.lock:
            n = self.active.get(key, 0) - 1
            if n > 0:
                self.active[key] = n
            else:
                self.active.pop(key, None)


def setup(app) -> None:
    s = app.state.settings
    app.state.sparql_limiter = ClientLimiter(max(1, s.max_concurrent_per_client))
    new_pool(app)


def new_pool(app) -> None:
    """The threads that run queries of the stores without worker processes. Made again at each start-up (the
    app's lifespan shuts it down at the end), so an app started a second time still answers."""
    app.state.sparql_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="sparql")


class ProtocolError(Exception):
    """An error answer of the endpoint. `message` is what protocol clients get (English); `key` and `params`, when
    given, say it in the page's language on the query page (kg.web.i18n.STRINGS)."""

    def __init__(self, status: int, message: str, headers: dict | None = None, key: str | None = None, **params):
        self.status, self.message, self.headers = status, message, headers or {}
        self.key, self.params = key, params


def limits_header(s) -> str:
    """X-GovKG-Limits: the limits every answer of /sparql is under, as a structured-field dictionary (RFC 8941)."""
    return (f"time-s={s.query_timeout_s:g}, rows={s.max_rows}, query-bytes={s.max_query_bytes}, "
            f"concurrent-per-client={s.max_concurrent_per_client}")


def limits_href(request: Request) -> str:
    """Where the limits are explained: the query page's #limits section, an absolute IRI (the same URL without the
    fragment gives machines the service description, which states them too)."""
    return str(request.url.replace(query=None, fragment=None)) + "#limits"


def _text(status: int, message: str, headers: dict | None = None) -> Response:
    return Response(message.rstrip() + "\n", status_code=status, media_type="text/plain; charset=utf-8",
                    headers=headers or {})


def query_form(sparql: str) -> str:
    """'select' (SELECT/ASK) or 'graph' (CONSTRUCT/DESCRIBE): which family of result media types applies."""
    try:
        return "graph" if oxicore.query_form(sparql) == "graph" else "select"
    except QueryError:
        return "select"   # the store reports the syntax error itself


def _media_type(request: Request, params: list[tuple[str, str]], form: str) -> str:
    token = next((v for k, v in params if k in ("format", "output", "results") and v), None)
    offers = SELECT_OFFERS if form == "select" else GRAPH_OFFERS
    if token:
        token = token.strip().lower()
        if token in offers:
            return token
        if token in FORMAT_TOKENS[form]:
            return FORMAT_TOKENS[form][token]
        raise ProtocolError(400, f"unknown format {token!r}; use one of: {', '.join(FORMAT_TOKENS[form])}")
    # Lenient on Accept: a client that asks for a type this form cannot produce gets the form's default.
    return negotiate(request.headers.get("accept"), offers) or offers[0]


async def _read_request(request: Request) -> tuple[list[tuple[str, str]], str | None]:
    """(parameters, direct query body). Raises ProtocolError for anything the protocol rejects."""
    params = list(request.query_params.multi_items())
    if request.method != "POST":
        return params, None
    s = settings(request)
    ctype = request.headers.get("content-type", "")
    mt, *ps = [x.strip() for x in ctype.split(";")]
    mt = mt.lower()
    charset = next((p.split("=", 1)[1].strip().strip('"').lower() for p in ps if p.lower().startswith("charset=")), "utf-8")
    if mt == "application/sparql-update":
        raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not accepted")
    if mt not in ("application/x-www-form-urlencoded", "application/sparql-query"):
        raise ProtocolError(415, "POST a query as application/x-www-form-urlencoded (query=...) or as "
                                 "application/sparql-query (the query as the body)")
    if charset not in ("utf-8", "utf8"):
        raise ProtocolError(415, "queries must be sent in UTF-8")
    limit = s.max_query_bytes * 3 + 4096  # room for percent-encoding and dataset parameters
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limit:
        raise ProtocolError(413, f"request body too large (the query limit is {s.max_query_bytes} bytes)")
    body = await request.body()
    if len(body) > limit:
        raise ProtocolError(413, f"request body too large (the query limit is {s.max_query_bytes} bytes)")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, "the request body is not valid UTF-8") from None
    if mt == "application/sparql-query":
        return params, text
    return params + parse_qsl(text, keep_blank_values=True), None


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def run_query(request: Request, sparql_text: str, media_type: str, dgs: list[str], ngs: list[str]):
    """Run under the client's concurrency slot and the time limit. The disk store awaits its worker's pipe on the
    event loop; other stores run on the SPARQL thread pool. A syntax error is told against the text as sent (the
    BASE put in front of it moves no position)."""
    s = settings(request)
    if empty(sparql_text):
        raise ProtocolError(400, explain(sparql_text, ""))
    sparql = with_base(sparql_text, str(request.url.replace(query=None, fragment=None)))
    limiter: ClientLimiter = request.app.state.sparql_limiter
    key = _client(request)
    if not limiter.acquire(key):
        raise ProtocolError(429, f"too many concurrent queries from this client (limit "
                                 f"{s.max_concurrent_per_client}); retry shortly", {"Retry-After": "2"},
                            key="sparql_too_many", n=s.max_concurrent_per_client)
    store = service(request).store
    try:
        # The store stops the query at the limit; this outer limit also covers one that does not (a long first
        # row in the memory store). Cancelling the disk store's query kills its worker process.
        return await asyncio.wait_for(store.query_serialized_async(
            sparql, media_type, default_graphs=dgs or None, named_graphs=ngs or None, timeout_s=s.query_timeout_s,
            max_rows=s.max_rows, executor=request.app.state.sparql_pool), s.query_timeout_s + 1.0)
    except (asyncio.TimeoutError, QueryTimeout):
        # No Retry-After: the same query would time out again, and HTTP clients (urllib3's Retry) resend a 503
        # that carries one, each time costing a worker the whole limit.
        raise ProtocolError(503, f"the query ran longer than the time limit of {s.query_timeout_s:g} s; "
                                 "narrow it (LIMIT, more specific patterns) or download a dump",
                            key="sparql_timeout", s=f"{s.query_timeout_s:g}") from None
    except QuerySyntaxError as exc:
        message = explain(sparql_text, exc.raw, shift=len(sparql) - len(sparql_text)) if exc.raw else str(exc)
        raise ProtocolError(400, message) from None
    except QueryError as exc:
        raise ProtocolError(400, str(exc)) from None
    except StoreError as exc:
        log.error("store error: %s", exc)
        raise ProtocolError(503, "the store is unavailable; retry later", {"Retry-After": "30"},
                            key="sparql_unavailable") from None
    finally:
        limiter.release(key)


# --- how /openapi.json describes the endpoint (the handlers read the parameters themselves, from the query string
# and the body alike, as the protocol has them) ---------------------------------------------------------------
_FORMAT_DOC = ("Result format, instead of Accept (also as output= or results=): for SELECT/ASK "
               + ", ".join(FORMAT_TOKENS["select"]) + "; for CONSTRUCT/DESCRIBE " + ", ".join(FORMAT_TOKENS["graph"])
               + "; or a media type")
QUERY = Query(None, description="The SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE). Without one: the "
                                "service description (RDF), or the query page for browsers")
DEFAULT_GRAPHS = Query(None, alias="default-graph-uri",
                       description="A graph to make up the default graph (repeatable); none: the union of all graphs")
NAMED_GRAPHS = Query(None, alias="named-graph-uri", description="A named graph the query can see (repeatable)")
FORMAT = Query(None, description=_FORMAT_DOC)
_RESULT_TYPES = SELECT_OFFERS + GRAPH_OFFERS
_RESULTS_DOC = ("SELECT and ASK: SPARQL results (JSON, XML, CSV, TSV); CONSTRUCT and DESCRIBE: RDF (Turtle, N-Triples, "
                "JSON-LD, RDF/XML); by format=, else by Accept (a type the query form cannot give: its default, JSON "
                "or Turtle). X-GovKG-Truncated: true when rows were cut at the limit")
_RESULTS = ok(_RESULT_TYPES, _RESULTS_DOC)
_GET_RESULTS = ok(_RESULT_TYPES + ["text/html"],
                  _RESULTS_DOC + ". Without a query: the service description (RDF by Accept). Clients that ask for "
                  "text/html (browsers) get the query page, with the results of the query if one is given")
_ERRORS = errors(400, 403, 413, 415, 429, 503)
_POST_BODY = {"requestBody": {"required": True, "content": {
    "application/x-www-form-urlencoded": {"schema": {"type": "object", "required": ["query"], "properties": {
        "query": {"type": "string", "description": "The SPARQL query"},
        "default-graph-uri": {"type": "array", "items": {"type": "string"}},
        "named-graph-uri": {"type": "array", "items": {"type": "string"}},
        "format": {"type": "string", "description": _FORMAT_DOC}}}},
    "application/sparql-query": {"schema": {"type": "string", "description": "The SPARQL query itself"}}}}}


@router.api_route("/sparql", methods=["GET", "HEAD"], response_class=Response,
                  responses=responses(_GET_RESULTS, _ERRORS, errors(414)))
@router.api_route("/sparql/", methods=["GET", "HEAD"], include_in_schema=False)
async def sparql_get(request: Request, query: str = QUERY, default_graph_uri: list[str] = DEFAULT_GRAPHS,
                     named_graph_uri: list[str] = NAMED_GRAPHS, format: str = FORMAT):
    return await sparql(request)


@router.api_route("/sparql", methods=["POST"], response_class=Response, responses=responses(_RESULTS, _ERRORS),
                  openapi_extra=_POST_BODY)
@router.api_route("/sparql/", methods=["POST"], include_in_schema=False)
async def sparql_post(request: Request, default_graph_uri: list[str] = DEFAULT_GRAPHS,
                      named_graph_uri: list[str] = NAMED_GRAPHS, format: str = FORMAT):
    return await sparql(request)


async def sparql(request: Request):
    try:
        response = await _sparql(request)
    except ProtocolError as exc:
        response = _text(exc.status, exc.message, exc.headers)
    response.headers["X-GovKG-Limits"] = limits_header(settings(request))
    return response


async def _sparql(request: Request) -> Response:
    s = settings(request)
    params, direct = await _read_request(request)
    if any(k in ("update", "using-graph-uri", "using-named-graph-uri") for k, _ in params):
        raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not accepted")
    queries = [v for k, v in params if k == "query"] + ([direct] if direct is not None else [])
    if len(queries) > 1:
        raise ProtocolError(400, "exactly one query per request, please (got %d)" % len(queries))
    dgs = [v for k, v in params if k == "default-graph-uri"]
    ngs = [v for k, v in params if k == "named-graph-uri"]
    explicit_format = any(k in ("format", "output", "results") for k, _ in params)
    browser = (request.method != "POST" and not explicit_format
               and prefers_html(request.headers.get("accept"), SELECT_OFFERS + GRAPH_OFFERS))
    if not queries:
        if request.method == "POST":
            raise ProtocolError(400, "no query given (send query=... or a application/sparql-query body)")
        if browser:
            return await _page(request, None, dgs, ngs)
        return _service_description(request, params)
    sparql_text = queries[0]
    if len(sparql_text.encode("utf-8")) > s.max_query_bytes:
        raise ProtocolError(413, f"the query is longer than the limit of {s.max_query_bytes} bytes (UTF-8); "
                                 f"see {limits_href(request)}")
    if browser:
        return await _page(request, sparql_text, dgs, ngs)
    form = query_form(sparql_text)
    media_type = _media_type(request, params, form)
    res = await run_query(request, sparql_text, media_type, dgs, ngs)
    headers = {"Vary": "Accept", "Cache-Control": "no-store"}
    body = res.body
    if res.truncated:
        href = limits_href(request)
        headers["X-GovKG-Truncated"] = "true"
        headers["Link"] = f'<{href}>; rel="help"'
        body = link_truncated(body, res.media_type, href)
    mt = res.media_type + ("; charset=utf-8" if res.media_type.startswith("text/") else "")
    return Response(body, media_type=mt, headers=headers)


def _service_description(request: Request, params: list[tuple[str, str]]) -> Response:
    """SPARQL 1.1 Service Description: what this endpoint is and can do, and the dataset it serves."""
    endpoint = URIRef(str(request.url.replace(query=None, fragment=None)))
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    svc = BNode("service")
    g.add((svc, RDF.type, SD.Service))
    g.add((svc, SD.endpoint, endpoint))
    g.add((svc, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((svc, SD.feature, SD.UnionDefaultGraph))
    for mt, name in W3C_FORMATS.items():
        g.add((svc, SD.resultFormat, URIRef("http://www.w3.org/ns/formats/" + name)))
    # Limits: SPARQL Service Description has no terms for them; ours are described in ontology/govkg.ttl.
    s = settings(request)
    g.bind("gk", GK)
    g.add((svc, GK.queryTimeLimit, Literal(str(s.query_timeout_s), datatype=XSD.decimal)))
    g.add((svc, GK.resultRowLimit, Literal(s.max_rows, datatype=XSD.integer)))
    g.add((svc, GK.queryLengthLimit, Literal(s.max_query_bytes, datatype=XSD.integer)))
    g.add((svc, GK.concurrentQueryLimit, Literal(s.max_concurrent_per_client, datatype=XSD.integer)))
    g.add((svc, RDFS.comment, Literal(
        f"Read-only SPARQL 1.1 Query. A query may run for {s.query_timeout_s:g} s (then 503), may be "
        f"{s.max_query_bytes} bytes long (then 413; send long queries with POST, GET URLs stop at "
        f"{MAX_URL_BYTES} bytes with 414), returns at most {s.max_rows} rows or triples (the rest is cut: "
        f"X-GovKG-Truncated: true and a link in the result's head); {s.max_concurrent_per_client} queries at a "
        f"time per client (then 429).", lang="en")))
    g.add((svc, RDFS.comment, Literal(
        f"只读 SPARQL 1.1 查询。每个查询最多运行 {s.query_timeout_s:g} 秒（超时返回 503），查询文本最长 "
        f"{s.max_query_bytes} 字节（超出返回 413；长查询请用 POST，GET 网址超过 {MAX_URL_BYTES} 字节返回 414），"
        f"结果最多 {s.max_rows} 行或三元组（其余截断，并以 X-GovKG-Truncated: true 和结果头部的链接标明）；"
        f"每个客户端最多同时运行 {s.max_concurrent_per_client} 个查询（超出返回 429）。", lang="zh-Hans")))
    g.add((svc, RDFS.seeAlso, URIRef(limits_href(request))))
    ds = BNode("dataset")
    g.add((svc, SD.defaultDataset, ds))
    g.add((ds, RDF.type, SD.Dataset))
    dg = BNode("defaultGraph")
    g.add((ds, SD.defaultGraph, dg))
    g.add((dg, RDF.type, SD.Graph))
    for name in service(request).store.graph_names()[:10000]:
        ng = BNode()
        g.add((ds, SD.namedGraph, ng))
        g.add((ng, RDF.type, SD.NamedGraph))
        g.add((ng, SD.name, URIRef(name)))
    offers = [mt for mt, _ in RDF_FORMATS.values()]
    if any(k in ("format", "output", "results") and v for k, v in params):   # ?format=turtle, as for CONSTRUCT
        chosen = _media_type(request, params, "graph")
    else:
        chosen = negotiate(request.headers.get("accept"), offers) or "text/turtle"
    fmt = next((f for mt, f in RDF_FORMATS.values() if mt == chosen), None)
    if fmt is None:   # a graph type the service description is not written in
        chosen, fmt = "text/turtle", "turtle"
    mt = chosen + ("; charset=utf-8" if chosen.startswith("text/") else "")
    return Response(g.serialize(format=fmt, encoding="utf-8"), media_type=mt, headers={"Vary": "Accept"})


async def _page(request: Request, sparql_text: str | None, dgs: list[str], ngs: list[str]) -> Response:
    """The query page. With a query it also runs it here, so results show even without JavaScript."""
    result, error = None, None
    if sparql_text:
        form = query_form(sparql_text)
        mt = "application/sparql-results+json" if form == "select" else "text/turtle"
        try:
            res = await run_query(request, sparql_text, mt, dgs, ngs)
            if form == "select":
                doc = json.loads(res.body)
                result = {"kind": "ask", "boolean": doc["boolean"]} if "boolean" in doc else {
                    "kind": "select", "vars": doc["head"]["vars"], "rows": doc["results"]["bindings"][:1000],
                    "n": len(doc["results"]["bindings"]), "truncated": res.truncated}
            else:
                result = {"kind": "graph", "text": res.body.decode("utf-8")[:200000], "truncated": res.truncated}
        except ProtocolError as exc:
            t = translator(lang_of(request))
            if exc.key:
                error = t(exc.key).format(**exc.params)
            else:   # the parser's own words (a syntax error), introduced in the page's language
                error = (t("sparql_error_lead") + "\n" if lang_of(request) == "zh" else "") + exc.message
    examples = [{"key": k, "query": q} for k, q in service(request).examples(lang_of(request))[0]]
    # the same URL answers other clients with results or the service description: caches must key on Accept
    shown = sparql_text or examples[0]["query"]
    s = settings(request)
    limits = {"timeout": f"{s.query_timeout_s:g}", "rows": f"{s.max_rows:,}", "bytes": f"{s.max_query_bytes:,}",
              "kib": f"{s.max_query_bytes / 1024:g}", "concurrent": s.max_concurrent_per_client,
              "url": f"{MAX_URL_BYTES:,}"}
    return render(request, "query.html", {"query": shown, "examples": examples, "graph_query": query_form(shown) == "graph",
                                          "result": result, "error": error, "ran": bool(sparql_text),
                                          "limits": limits},
                  headers={"Vary": "Accept"})
