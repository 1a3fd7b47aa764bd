"""The GovKG web app: linked-data pages, SPARQL endpoint, dumps and dataset descriptions.

    create_app(store=None, settings=None) -> FastAPI

Routes are thin (routers/); every query lives in service.py. One ASGI middleware adds what every response
needs: security headers, CORS, ETag/Last-Modified with 304, bodiless HEAD, and a 500 page without details.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import re
import time
from collections import OrderedDict
from contextlib import asynccontextmanager
from email.utils import formatdate
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kg.config import Settings
from kg.publish.dumps import MANIFEST
from kg.store.base import Store, open_store
from kg.web.apidoc import API_ROUTES, ERROR_JSON, content
from kg.web.common import (HERE, LANG_COOKIE, env, etag_in, http_error_response, not_modified_since,
                           validation_error_response, wants_json_errors)
from kg.web.i18n import DEFAULT_LANG, lang_from_header, pick_lang, translator
from kg.web.routers import entity, pages, publish, research, sparql
from kg.web.service import KGService, return_freed_memory

log = logging.getLogger("kg.web")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
    (b"access-control-allow-origin", b"*"),  # public read-only data, no credentials
    (b"access-control-expose-headers", b"ETag, Last-Modified, Content-Location, Link, X-GovKG-Truncated, X-GovKG-Limits, "
     b"X-GovKG-Other-Matches, X-GovKG-Reports-Per-Year, Retry-After"),
]
PREFLIGHT_HEADERS = [   # with Allow and Access-Control-Allow-Methods, which depend on the address
    (b"access-control-allow-headers", b"Accept, Accept-Language, Content-Type, If-None-Match, If-Modified-Since"),
    (b"access-control-max-age", b"86400"),
]
SECURITY_NAMES = frozenset(h for h, _ in SECURITY_HEADERS)
# Paths whose answers do not depend on the store alone (own validators, or never cached).
NO_STORE_ETAG = ("/sparql", "/healthz", "/static/", "/dumps/")   # a dump file has its own validators (its SHA-256)
# Answers that also depend on files beside the store (the dump manifest): validators yes, server-side cache no.
NO_RESPONSE_CACHE = ("/catalog", "/.well-known/void", "/dumps")   # /dumps, /dumps.json: the list harvesters poll


def _manifest_stamp(settings: Settings) -> tuple[str, float]:
    """(what identifies the dump manifest's current version, its mtime); ("", 0) when there is none."""
    try:
        st = os.stat(Path(settings.dumps_dir) / MANIFEST)
    except OSError:
        return "", 0.0
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}", st.st_mtime


def _cache_limit_bytes() -> int:
    """GOVKG_RESPONSE_CACHE_MB (default 64; 0 turns the response cache off)."""
    try:
        return max(0, int(float(os.environ.get("GOVKG_RESPONSE_CACHE_MB", "64")) * 1024 * 1024))
    except ValueError:
        return 64 * 1024 * 1024


class ResponseCache:
    """Rendered responses of one data generation, LRU, bounded by bytes.

    Data only changes when the store's generation changes and the generation is part of every key, so an entry is
    never stale: when a new generation shows up the old entries are dropped at once. Used from the event loop
    thread only (the middleware), so it needs no lock. Several server processes each keep their own: they agree,
    because each key says which generation it was rendered from."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.max_entry = max(1, max_bytes // 16)   # one huge page must not evict everything else
        self.entries: OrderedDict[str, tuple] = OrderedDict()
        self.size = 0
        self.gen: str | None = None
        self.hits = self.misses = 0

    def _sync(self, gen: str) -> None:
        if gen != self.gen:
            self.entries.clear()
            self.size = 0
            self.gen = gen

    def get(self, gen: str, key: str):
        self._sync(gen)
        e = self.entries.get(key)
        if e is None:
            self.misses += 1
            return None
        self.entries.move_to_end(key)
        self.hits += 1
        return e

    def put(self, gen: str, key: str, status: int, headers: list, body: bytes) -> None:
        if gen != self.gen:   # rendered from a generation that is no longer the live one
            return
        cost = len(body) + sum(len(k) + len(v) for k, v in headers) + len(key) + 200
        if cost > self.max_entry:
            return
        old = self.entries.pop(key, None)
        if old is not None:
            self.size -= old[3]
        self.entries[key] = (status, headers, body, cost)
        self.size += cost
        while self.size > self.max_bytes and self.entries:
            _, ev = self.entries.popitem(last=False)
            self.size -= ev[3]


CACHEABLE_STATUS = (200, 301, 303, 404)
_LANG_COOKIE_RE = re.compile(LANG_COOKIE + r"=([^;]*)")


class Warmer:
    """Computes the per-generation statistics (counts, sorted lists, the citation index) in a background thread as
    soon as a new generation is seen (at start-up, when a request sees one, or by polling CURRENT every 2 s), so no
    user request pays for them after a build. Only for the on-disk store (the server's); tests on the memory store
    compute them on use."""

    def __init__(self, state):
        import threading
        self.state = state
        self.wake = threading.Event()
        self.stopping = False
        self.thread = None
        self.enabled = (os.environ.get("GOVKG_WARM", "1") != "0"
                        and type(state.store).__name__ == "OxigraphStore")

    def start(self) -> None:
        import threading
        if not self.enabled or (self.thread is not None and self.thread.is_alive() and not self.stopping):
            return
        if self.thread is not None:   # a second start-up of the app: the stopped thread ends, a new one starts
            self.thread.join(timeout=5)
        self.stopping = False
        self.wake.clear()
        self.state.service.warms_in_background = True
        try:   # before the first request: templates compiled, and what was saved for the live generation loaded
            for name in env.list_templates(filter_func=lambda n: n.endswith(".html")):
                env.get_template(name)
            self.state.service.load_saved(self.state.store.generation())
        except Exception:  # noqa: BLE001  (the thread computes it instead)
            log.exception("loading the saved per-generation statistics failed")
        self.thread = threading.Thread(target=self._run, name="govkg-warm", daemon=True)
        self.thread.start()

    def poke(self) -> None:
        self.wake.set()

    def stop(self) -> None:
        self.stopping = True
        self.wake.set()

    def _run(self) -> None:
        warmed = None
        while not self.stopping:
            try:
                gen = self.state.store.generation()
                if gen != warmed:
                    self.state.service.warm()
                    warmed = gen
                    return_freed_memory()
            except Exception:  # noqa: BLE001  (the store is being replaced: try again on the next round)
                log.exception("warming the per-generation statistics failed")
            self.wake.wait(2.0)
            self.wake.clear()


class WebMiddleware:
    def __init__(self, app, get_state):
        self.app = app
        self.get_state = get_state  # -> (store, templates-ready app) ; resolved lazily, the app is built later
        self._gen_seen: dict[str, float] = {}
        limit = _cache_limit_bytes()
        self.cache = ResponseCache(limit) if limit else None
        self._inflight: dict[str, asyncio.Future] = {}
        # The headers of the 200 each validator was last sent with (bounded, oldest out): a later If-None-Match
        # hit is answered 304 with them without rendering, also for answers the page cache does not keep.
        self._validated: OrderedDict[str, list] = OrderedDict()

    VALIDATED_MAX = 4096

    def _remember(self, etag: str, hdrs: list) -> None:
        if any(k.lower() == b"set-cookie" for k, _ in hdrs):
            return   # a 304 must not set the cookie again
        self._validated[etag] = [h for h in hdrs if h[0].lower() not in (b"content-length", b"content-type")]
        self._validated.move_to_end(etag)
        while len(self._validated) > self.VALIDATED_MAX:
            self._validated.popitem(last=False)

    def _changed_at(self, store: Store, gen: str) -> float:
        """When the data of `gen` was published, as the store says (the same for every server process); else the
        time this process first saw it, a stable lower bound. A generation not seen before also wakes the warmer."""
        seen = self._gen_seen.get(gen)
        if seen is None:
            seen = self._gen_seen[gen] = store.published_at(gen) or time.time()
            warmer = getattr(self.get_state(), "warmer", None)
            if warmer is not None:
                warmer.poke()
        return seen

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        method = scope["method"]
        path = scope["path"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}

        if method == "OPTIONS":  # CORS preflight or a plain OPTIONS: the same answer, no body
            # Allow names what this address takes (RFC 9110 §10.2.1); an address nothing answers is a 404
            routes = getattr(self.get_state(), "routes", [])
            methods = _methods_at(routes, scope)
            if not methods and len(path) > 1 and path.endswith("/"):   # GET redirects /x/ to /x: the same methods
                methods = _methods_at(routes, {**scope, "path": path.rstrip("/")})
            if not methods:
                await send({"type": "http.response.start", "status": 404,
                            "headers": SECURITY_HEADERS + [(b"content-length", b"0")]})
                await send({"type": "http.response.body", "body": b""})
                return
            allow = ", ".join(methods + ["OPTIONS"]).encode()
            await send({"type": "http.response.start", "status": 204, "headers": SECURITY_HEADERS + [
                (b"access-control-allow-methods", allow), *PREFLIGHT_HEADERS, (b"allow", allow)]})
            await send({"type": "http.response.body", "body": b""})
            return

        etag = last_modified = key = gen = None
        # If-None-Match: * and If-Modified-Since are answered once the route says the page exists (a 200): the
        # validators of this generation are only ever handed out with a 200, but a date can be sent for any URL
        answer_304 = False
        if method in ("GET", "HEAD") and not path.startswith(NO_STORE_ETAG):
            state = self.get_state()
            store = state.store
            gen = store.generation()
            cookie = headers.get("cookie", "")
            lang_cookie = ",".join(_LANG_COOKIE_RE.findall(cookie)) if LANG_COOKIE in cookie else ""
            # Everything a page depends on: data generation, URL, language choice, representation asked for.
            parts = [gen, path, scope.get("query_string", b"").decode("latin-1"), headers.get("accept", ""),
                     lang_cookie, lang_from_header(headers.get("accept-language")) or "", headers.get("host", "")]
            changed = self._changed_at(store, gen)
            beside = path.startswith(NO_RESPONSE_CACHE)
            if beside:   # the catalog and VoID also describe the dump files, which `kg dump` rewrites in place
                stamp, mtime = _manifest_stamp(state.settings)
                parts.append(stamp)
                changed = max(changed, mtime)
            key = "|".join(parts)
            etag = 'W/"' + hashlib.blake2b(key.encode("utf-8", "replace"), digest_size=16).hexdigest() + '"'
            last_modified = formatdate(changed, usegmt=True)
            inm = headers.get("if-none-match")
            if inm is not None:   # If-Modified-Since counts only without If-None-Match
                answer_304 = any(t.strip() == "*" for t in inm.split(","))
            else:
                answer_304 = not_modified_since(headers.get("if-modified-since"), changed)
            if inm is not None and etag_in(inm, etag):
                # A 304 carries the headers the 200 would (RFC 9110 §15.4.5: Vary, Content-Location, Cache-Control):
                # those it was sent with, remembered below; else from the cached response or rendering it.
                sent = self._validated.get(etag)
                if sent is not None:
                    await send({"type": "http.response.start", "status": 304, "headers": sent})
                    await send({"type": "http.response.body", "body": b""})
                    return
                answer_304 = True
            if self.cache is not None and beside:
                key = None
            if key is not None and self.cache is not None:
                hit = self.cache.get(gen, key)
                if hit is None and key in self._inflight:
                    # the same page is being rendered for another client: wait for it instead of rendering twice
                    try:
                        await asyncio.wait_for(asyncio.shield(self._inflight[key]), 60)
                    except Exception:  # noqa: BLE001  (its failure is not ours: render below)
                        pass
                    hit = self.cache.get(gen, key)
                if hit is not None:
                    status, hdrs, body, _ = hit
                    if answer_304 and status == 200:
                        status, hdrs, body = 304, [h for h in hdrs if h[0].lower() != b"content-length"], b""
                    await send({"type": "http.response.start", "status": status, "headers": hdrs})
                    await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})
                    return

        started = False
        not_modified = False   # a 200 turned into 304 (answer_304)
        capture = self.cache is not None and key is not None and key not in self._inflight
        if capture:
            done = self._inflight[key] = asyncio.get_running_loop().create_future()
        captured: dict = {"parts": []}

        async def send_wrapper(message):
            nonlocal started, not_modified
            if message["type"] == "http.response.start":
                started = True
                hdrs = [(k, v) for k, v in message.get("headers", []) if k.lower() not in SECURITY_NAMES]
                hdrs += SECURITY_HEADERS
                if etag and message["status"] == 200 and not any(k.lower() == b"etag" for k, _ in hdrs):
                    hdrs += [(b"etag", etag.encode()), (b"last-modified", last_modified.encode())]
                    self._remember(etag, hdrs)
                message = {**message, "headers": hdrs}
                if capture:
                    captured["status"], captured["headers"] = message["status"], hdrs
                if answer_304 and message["status"] == 200:
                    not_modified = True
                    message = {**message, "status": 304,
                               "headers": [h for h in hdrs if h[0].lower() != b"content-length"]}
            elif message["type"] == "http.response.body":
                if capture and "status" in captured:
                    captured["parts"].append(message.get("body", b""))
                    if not message.get("more_body", False):
                        _store(captured)
                if not_modified:
                    if message.get("more_body", False):
                        return
                    message = {"type": "http.response.body", "body": b""}
                elif method == "HEAD":
                    message = {**message, "body": b""}  # keep Content-Length, send no body
            await send(message)

        def _store(c):
            status, hdrs = c["status"], c["headers"]
            if status not in CACHEABLE_STATUS:
                return
            for k, v in hdrs:
                lk = k.lower()
                if lk == b"set-cookie" or (lk == b"cache-control" and (b"no-store" in v or b"private" in v)):
                    return
            self.cache.put(gen, key, status, hdrs, b"".join(c["parts"]))

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception:
            log.exception("unhandled error on %s %s", method, path)  # details stay in the server log
            if started:
                raise
            lang = (pick_lang(headers.get("cookie", "").partition(LANG_COOKIE + "=")[2][:2])
                    or lang_from_header(headers.get("accept-language")) or DEFAULT_LANG)
            t = translator(lang)
            html = "text/html" in headers.get("accept", "")
            if html:
                body = env.get_template("error.html").render(
                    t=t, lang=lang, status=500, title=t("error"), text=t("error_text"), root="", nav=[],
                    request=None, href=lambda i: i, url_with=lambda **kw: "?", other_lang="en" if lang == "zh" else "zh",
                    minimal=True).encode("utf-8")
                ctype = b"text/html; charset=utf-8"
            elif wants_json_errors(Request(scope)):   # whoever asked for JSON gets the error in JSON
                body = json.dumps({"error": t("error"), "problems": [t("error_text")]}, ensure_ascii=False).encode()
                ctype = b"application/json"
            else:
                body = b"500 Internal Server Error\nThe error has been logged.\n"
                ctype = b"text/plain; charset=utf-8"
            await send({"type": "http.response.start", "status": 500,
                        "headers": SECURITY_HEADERS + [(b"content-type", ctype),
                                                       (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})
        finally:
            if capture:
                self._inflight.pop(key, None)
                if not done.done():
                    done.set_result(None)


API_DESCRIPTION = ("Linked data from Chinese government reports. Machine-readable endpoints: SPARQL 1.1, "
                   "JSON twins of lists and search, stored queries as JSON/CSV, the citation network, entity "
                   "documents in RDF by content negotiation, dumps and dataset descriptions. HTML pages are not listed.")
def _document_api(app: FastAPI, routers) -> None:
    """Which routes /openapi.json lists (API_ROUTES), with a summary each, an operationId from the route's name and
    no developer docstrings. What they answer (media types, errors, parameters) the routes declare themselves."""
    import inspect
    from fastapi.routing import APIRoute
    seen = set()
    for r in [r for router in routers for r in router.routes]:
        if not isinstance(r, APIRoute):
            continue
        methods = frozenset(r.methods or ())
        if r.path in API_ROUTES and (r.path, methods) not in seen:
            seen.add((r.path, methods))
            r.include_in_schema = True
            r.summary = API_ROUTES[r.path].summary[1]
            r.operation_id = r.name
            doc = inspect.cleandoc(r.endpoint.__doc__ or "")
            if not r.description or r.description == doc:
                r.description = API_ROUTES[r.path].description[1]
        else:
            r.include_in_schema = False
    base_openapi = app.openapi

    def openapi():
        if app.openapi_schema is None:
            import warnings
            with warnings.catch_warnings():   # GET and HEAD of one route share its operationId
                warnings.simplefilter("ignore")
                spec = base_openapi()
            for path, ops in spec.get("paths", {}).items():
                ops.pop("head", None)   # GET and HEAD share one handler: list GET (and POST) only
                for op in ops.values():
                    # FastAPI adds a 422 to every route with parameters; ours answer 400 (documented by each route)
                    op.get("responses", {}).pop("422", None)
                    if path.endswith(".json"):   # the JSON twins answer errors in JSON (common.wants_json_errors)
                        for code, answer in op.get("responses", {}).items():
                            if code[:1] == "4":   # (browsers that ask for HTML get the error page)
                                answer["content"] = {**content(["application/json"], ERROR_JSON),
                                                     **content(["text/html"])}
            schemas = spec.get("components", {}).get("schemas", {})
            for name in ("HTTPValidationError", "ValidationError"):
                schemas.pop(name, None)
            if "components" in spec and not schemas:
                spec["components"].pop("schemas", None)
                if not spec["components"]:
                    spec.pop("components")
            app.openapi_schema = spec
        return app.openapi_schema
    app.openapi = openapi


def _allowed_methods(request: Request) -> str:
    """For a 405: the methods of every route at this path (/sparql has one route for GET and HEAD, one for POST)."""
    return ", ".join(_methods_at(request.app.state.routes, request.scope))


def _methods_at(routes, scope) -> list[str]:
    """The methods the routes matching scope's path take, in the order GET, HEAD, POST; [] when none matches."""
    from starlette.routing import Match
    methods: list[str] = []
    for route in routes:
        if route.matches({**scope, "method": "GET"})[0] != Match.NONE:
            # a mount (/static) names no methods: its files answer GET and HEAD
            methods += [m for m in (getattr(route, "methods", None) or ("GET", "HEAD")) if m not in methods]
    order = ["GET", "HEAD", "POST"]
    return sorted(methods, key=lambda m: (order.index(m) if m in order else 9, m))


def create_app(store: Store | None = None, settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    if store is None:
        store = open_store(settings.store)

    @asynccontextmanager
    async def lifespan(app):
        if app.state.sparql_pool._shutdown:   # a second start-up of this app (tests; an embedding server)
            sparql.new_pool(app)
        app.state.warmer.start()
        yield
        app.state.warmer.stop()
        app.state.sparql_pool.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(title="GovKG", version="1", docs_url=None, redoc_url=None, openapi_url="/openapi.json",
                  lifespan=lifespan, description=API_DESCRIPTION)
    app.state.settings = settings
    app.state.store = store
    app.state.service = KGService(store, settings)
    app.state.warmer = Warmer(app.state)
    sparql.setup(app)

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    routers = (pages.router, entity.router, research.router, sparql.router, publish.router)
    _document_api(app, routers)  # before include_router, which wraps the routes
    for r in routers:
        app.include_router(r)
    # every route, /openapi.json and /static too, for 405 and OPTIONS to read (FastAPI may keep included routers
    # as one wrapper each: their routes are taken from the routers themselves)
    app.state.routes = [r for router in routers for r in router.routes] + \
        [r for r in app.router.routes if isinstance(r, (Route, Mount))]

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        # in the page's language, saying what was wrong (405: which methods the address takes)
        if exc.status_code == 405:
            allowed = _allowed_methods(request)
            if allowed:
                exc = StarletteHTTPException(405, exc.detail, headers={**(exc.headers or {}), "Allow": allowed})
        return http_error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def bad_params(request: Request, exc: RequestValidationError):
        # which parameter, and why, in the page's language
        return validation_error_response(request, exc)

    app.add_middleware(WebMiddleware, get_state=lambda: app.state)
    return app
