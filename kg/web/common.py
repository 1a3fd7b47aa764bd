"""What every router needs: the service, the UI language, page rendering, RDF responses, links to IRIs."""
from __future__ import annotations

import email.utils
import json
import re
from pathlib import Path
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from markupsafe import Markup, escape
from rdflib import Graph
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from kg.rdf.namespaces import GK, KIND, KIND_SCHEME, LEVEL, LEVEL_SCHEME
from kg.web.conneg import negotiate
from kg.web.i18n import DEFAULT_LANG, LANGS, lang_from_header, pick_lang, translator
from kg.web.service import CLASSES, KGService

HERE = Path(__file__).resolve().parent
LANG_COOKIE = "govkg_lang"

RDF_FORMATS = {  # suffix -> (media type, rdflib serializer)
    "ttl": ("text/turtle", "turtle"),
    "nt": ("application/n-triples", "nt"),
    "jsonld": ("application/ld+json", "json-ld"),
    "rdf": ("application/rdf+xml", "xml"),
}

env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html", "xml"]),
                  trim_blocks=True, lstrip_blocks=True,
                  auto_reload=False)   # templates do not change while serving: no stat() per render
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


@pass_context
def _data_text(ctx, text):
    """`{{ label|zh }}`: on an English page, Chinese text from the data marked lang="zh-Hans" (WCAG 3.1.2: screen
    readers switch voice, browsers pick Chinese glyphs); unchanged on a Chinese page or for text without Han."""
    if text is None or ctx.get("lang") != "en" or not _HAN.search(str(text)):
        return text
    return Markup('<span lang="zh-Hans">') + escape(text) + Markup("</span>")   # escape() keeps Markup as it is


env.filters["zh"] = _data_text


def service(request: Request) -> KGService:
    return request.app.state.service


def settings(request: Request):
    return request.app.state.settings


def root(request: Request) -> str:
    return request.scope.get("root_path", "").rstrip("/")


def lang_of(request: Request) -> str:
    """?lang= wins (and is remembered in a cookie by render()), then the cookie, then Accept-Language."""
    return (pick_lang(request.query_params.get("lang")) or pick_lang(request.cookies.get(LANG_COOKIE))
            or lang_from_header(request.headers.get("accept-language")) or DEFAULT_LANG)


def href_for(request: Request, iri: str | None) -> str | None:
    """Where a link to `iri` should go: our document page for our IRIs and ontology terms, else the IRI itself."""
    if not iri:
        return None
    base = settings(request).base_iri
    if iri.startswith(base + "id/"):
        rest, _, frag = iri[len(base) + 3:].partition("#")
        return f"{root(request)}/doc/{rest}" + (f"#{frag}" if frag else "")
    if iri.startswith((str(GK), str(KIND), str(LEVEL))) or iri in ("https://w3id.org/govkg/def", KIND_SCHEME,
                                                                      LEVEL_SCHEME):
        return f"{root(request)}/resource?{urlencode({'iri': iri})}"
    return iri


def url_with(request: Request, **params) -> str:
    """The current URL with some query parameters replaced (None removes one)."""
    q = dict(request.query_params)
    for k, v in params.items():
        if v is None:
            q.pop(k, None)
        else:
            q[k] = str(v)
    return request.url.path + ("?" + urlencode(q) if q else "")


def json_script(data) -> Markup:
    """JSON safe inside <script type="application/ld+json">: no "</script>" can appear in it."""
    s = json.dumps(data, ensure_ascii=False, indent=1)
    return Markup(s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def render(request: Request, template: str, ctx: dict, status_code: int = 200, headers: dict | None = None) -> Response:
    lang = lang_of(request)
    t = translator(lang)
    page = env.get_template(template).render(
        request=request, lang=lang, other_lang="en" if lang == "zh" else "zh", t=t, langs=LANGS,
        href=lambda iri: href_for(request, iri), url_with=lambda **kw: url_with(request, **kw),
        root=root(request), nav=list(CLASSES), **ctx)
    resp = HTMLResponse(page, status_code=status_code, headers=headers or {})
    vary = resp.headers.get("vary")
    resp.headers["vary"] = ", ".join(x for x in [vary, "Accept-Language, Cookie"] if x)
    explicit = pick_lang(request.query_params.get("lang"))
    if explicit and explicit != pick_lang(request.cookies.get(LANG_COOKIE)):
        resp.set_cookie(LANG_COOKIE, explicit, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return resp


def _used_namespaces(graph: Graph) -> set[str]:
    """Namespaces of the predicates and classes the graph uses: the @context names these, not every bound prefix."""
    used = set()
    for _s, p, o in graph:
        for term in (p, o) if str(p) == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" else (p,):
            t = str(term)
            cut = max(t.rfind("#"), t.rfind("/"))
            used.add(t[:cut + 1])
    return used


def rdf_response(graph: Graph, suffix: str, headers: dict | None = None) -> Response:
    media_type, fmt = RDF_FORMATS[suffix]
    if fmt == "json-ld":   # compact, with the graph's prefixes as its @context: gk:cites rather than full IRIs
        used = _used_namespaces(graph)
        context = {p: str(ns) for p, ns in graph.namespaces() if p and str(ns) in used}
        body = graph.serialize(format=fmt, encoding="utf-8", context=context, auto_compact=True)
    else:
        body = graph.serialize(format=fmt, encoding="utf-8")
    mt = media_type + ("; charset=utf-8" if media_type.startswith("text/") else "")
    return Response(body, media_type=mt, headers=headers or {})


def json_response(data, headers: dict | None = None, status_code: int = 200) -> Response:
    """JSON, varying with the language as the pages do: labels, titles and messages are in the request's language."""
    resp = Response(json.dumps(data, ensure_ascii=False, indent=1), media_type="application/json",
                    headers=headers or {}, status_code=status_code)
    vary = resp.headers.get("vary")
    resp.headers["vary"] = ", ".join(x for x in [vary, "Accept-Language, Cookie"] if x)
    return resp


# Pages whose JSON twin may also be asked for by Accept: both forms say they depend on it, for shared caches
VARY_ACCEPT = {"Vary": "Accept"}


def wants_json(request: Request, suffix: str | None = None) -> bool:
    """The JSON twin of a page rather than the page: its .json address, ?format=json, or an Accept that prefers
    application/json to text/html (a browser's */* does not)."""
    return (suffix == ".json" or request.query_params.get("format") == "json"
            or negotiate(request.headers.get("accept"), ["text/html", "application/json"]) == "application/json")


def wants_json_errors(request: Request) -> bool:
    """Whoever asks for a JSON twin (wants_json: /….json, ?format=json, Accept) gets its errors in JSON too,
    unless a browser asks for HTML."""
    return (wants_json(request, ".json" if request.url.path.endswith(".json") else None)
            and "text/html" not in request.headers.get("accept", ""))


def error_page(request: Request, status: int, title_key: str, text: str | None = None) -> Response:
    """An error as HTML for browsers, as text for everyone else; never with internals in it."""
    accept = request.headers.get("accept", "")
    t = translator(lang_of(request))
    if "text/html" in accept:
        return render(request, "error.html", {"status": status, "title": t(title_key), "text": text or ""},
                      status_code=status)
    if wants_json_errors(request):
        return json_response({"error": t(title_key), "problems": [text] if text else []}, status_code=status)
    return Response(f"{status} {t(title_key)}\n{text or ''}\n", status_code=status, media_type="text/plain; charset=utf-8",
                    headers={"Vary": "Accept-Language, Cookie"})


class PageError(HTTPException):
    """An HTTP error whose explanation the error page gives in the UI's language: STRINGS[key] formatted with
    params. `detail` keeps the English sentence (logs, and anyone who reads exc.detail)."""

    def __init__(self, status_code: int, key: str, headers: dict | None = None, **params):
        self.key, self.params = key, params
        super().__init__(status_code, translator("en")(key).format(**params), headers=headers)


ERROR_TITLES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 406: "not_acceptable"}


def http_error_response(request: Request, exc: HTTPException) -> Response:
    """An HTTPException as an error page in the page's language: what went wrong, not just the status phrase."""
    import http
    lang = lang_of(request)
    t = translator(lang)
    status = exc.status_code
    title = ERROR_TITLES.get(status, "error")
    key = getattr(exc, "key", None)
    if key:
        text = t(key).format(**getattr(exc, "params", {}))
    elif status == 404:
        text = t("not_found_text")
    elif status == 405:
        allowed = (exc.headers or {}).get("Allow") or (exc.headers or {}).get("allow") or ""
        sep = "、" if lang == "zh" else ", "
        text = t("method_not_allowed_text").format(method=request.method,
                                                   allowed=sep.join(m.strip() for m in allowed.split(",") if m.strip()))
    elif status >= 500:
        text = None
    else:
        detail = str(exc.detail or "")
        try:
            phrase = http.HTTPStatus(status).phrase
        except ValueError:
            phrase = ""
        # a sentence of our own (English) is shown on English pages; a bare status phrase says nothing more
        text = detail if lang == "en" and detail and detail != phrase else t("error_status_text").format(status=status)
    resp = error_page(request, status, title, text)
    for k, v in (exc.headers or {}).items():
        resp.headers[k] = v
    return resp


def not_acceptable(request: Request, offers: list[str]) -> Response:
    """406, naming the media types there are, in the page's language."""
    text = translator(lang_of(request))("not_acceptable_text").format(offers=", ".join(offers))
    resp = error_page(request, 406, "not_acceptable", text)
    resp.headers["Vary"] = ", ".join(x for x in ["Accept", resp.headers.get("vary")] if x)   # and the language
    return resp


def param_problem(t, name: str, reason: str, value=None) -> str:
    """One sentence naming a bad parameter and why, the same wherever the check is made (FastAPI's validation or
    the route's own): Parameter year: must be a four-digit year such as 2023 (got “abc”)."""
    if value is None or isinstance(value, (dict, list)):
        return t("param_invalid_noinput").format(name=name, reason=reason)
    return t("param_invalid").format(name=name, reason=reason, value=str(value)[:60])


def problems_text(request: Request, problems: list[str]) -> str:
    return ("；" if lang_of(request) == "zh" else "; ").join(problems)


def bad_request(request: Request, problems: list[str], as_json: bool = False) -> Response:
    """400 for these problems (sentences from param_problem): JSON {"error", "problems"} when as_json and the
    client does not ask for HTML, else the error page (HTML for browsers, text for everyone else)."""
    from kg.web.conneg import prefers_html
    t = translator(lang_of(request))
    as_json = as_json or wants_json_errors(request)
    if as_json and not prefers_html(request.headers.get("accept"), ["application/json"]):
        resp = json_response({"error": t("bad_request"), "problems": problems}, status_code=400)
    else:
        resp = error_page(request, 400, "bad_request",
                          problems_text(request, problems) or t("error_status_text").format(status=400))
    if as_json:
        resp.headers["Vary"] = ", ".join(x for x in ["Accept", resp.headers.get("vary")] if x)
    return resp


def validation_error_response(request: Request, exc) -> Response:
    """FastAPI's RequestValidationError as a 400 that names each bad parameter and why, in the page's language."""
    t = translator(lang_of(request))
    lines = []
    for err in exc.errors():
        loc = [str(x) for x in err.get("loc", ())]
        name = loc[-1] if loc else "?"
        if loc and loc[0] == "path":
            name = t("param_in_path").format(name=name)
        ctx = err.get("ctx") or {}
        typ = err.get("type", "")
        if typ in ("int_parsing", "int_type", "int_from_float"):
            reason = t("v_int")
        elif typ in ("float_parsing", "float_type", "decimal_parsing"):
            reason = t("v_number")
        elif typ in ("bool_parsing", "bool_type"):
            reason = t("v_bool")
        elif typ in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
            bound = {"greater_than_equal": ("v_ge", "ge"), "greater_than": ("v_gt", "gt"),
                     "less_than_equal": ("v_le", "le"), "less_than": ("v_lt", "lt")}[typ]
            reason = t(bound[0]).format(n=ctx.get(bound[1], "?"))
        elif typ == "string_pattern_mismatch":
            pattern = str(ctx.get("pattern", ""))
            # the patterns routes declare, said in words; any other as the pattern
            worded = {r"^\d{4}$": "v_year", r"\d{4}": "v_year", r"^(\d{4})?$": "v_year", r"^(\d{2,6})?$": "v_region"}
            reason = t(worded[pattern]) if pattern in worded else t("v_pattern").format(pattern=pattern)
        elif typ == "string_too_long":
            reason = t("v_too_long").format(n=ctx.get("max_length", "?"))
        elif typ == "string_too_short":
            reason = t("v_too_short").format(n=ctx.get("min_length", "?"))
        elif typ == "missing":
            reason = t("v_missing")
        elif typ in ("enum", "literal_error"):
            reason = t("v_choice").format(expected=ctx.get("expected", ""))
        else:
            reason = t("v_other") if lang_of(request) == "zh" else (err.get("msg") or t("v_other"))
        lines.append(param_problem(t, name, reason, None if typ == "missing" else err.get("input")))
    return bad_request(request, lines)


def quote_path(p: str) -> str:
    return quote(p, safe="/#")


def etag_in(header: str, etag: str) -> bool:
    """If-None-Match lists `etag`, compared weakly (RFC 9110 13.1.2: W/"x" and "x" match)."""
    tag = etag.removeprefix("W/")
    return any(t.strip().removeprefix("W/") == tag for t in header.split(","))


def not_modified_since(header: str | None, changed: float) -> bool:
    """If-Modified-Since names a time at or after `changed` (HTTP dates are whole seconds); an unreadable date is
    ignored (RFC 9110 13.1.3)."""
    if not header:
        return False
    try:
        return int(changed) <= email.utils.parsedate_to_datetime(header).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return False


def page_number(value: str | None) -> int:
    """A 1-based page number from a query parameter (absent: 1); anything else is the client's error (400)."""
    if value is None or value == "":
        return 1
    try:
        page = int(value)
    except ValueError:
        page = 0
    if page < 1:
        raise PageError(400, "page_invalid", value=value[:20])
    return page
