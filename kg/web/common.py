"""What every router needs: the service, the UI language, page rendering, RDF responses, links to IRIs."""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from rdflib import Graph
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from kg.rdf.namespaces import GK, KIND, LEVEL
from kg.web.i18n import DEFAULT_LANG, LANGS, pick_lang, translator
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


def service(request: Request) -> KGService:
    return request.app.state.service


def settings(request: Request):
    return request.app.state.settings


def root(request: Request) -> str:
    return request.scope.get("root_path", "").rstrip("/")


def lang_of(request: Request) -> str:
    """?lang= wins (and is remembered in a cookie by render()), then the cookie, then Accept-Language."""
    return (pick_lang(request.query_params.get("lang")) or pick_lang(request.cookies.get(LANG_COOKIE))
            or pick_lang((request.headers.get("accept-language") or "").split(",")[0]) or DEFAULT_LANG)


def href_for(request: Request, iri: str | None) -> str | None:
    """Where a link to `iri` should go: our document page for our IRIs and ontology terms, else the IRI itself."""
    if not iri:
        return None
    base = settings(request).base_iri
    if iri.startswith(base + "id/"):
        rest, _, frag = iri[len(base) + 3:].partition("#")
        return f"{root(request)}/doc/{rest}" + (f"#{frag}" if frag else "")
    if iri.startswith((str(GK), str(KIND), str(LEVEL))) or iri == "https://w3id.org/govkg/def":
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


def json_response(data, headers: dict | None = None) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, indent=1), media_type="application/json",
                    headers=headers or {})


def error_page(request: Request, status: int, title_key: str, text: str | None = None) -> Response:
    """An error as HTML for browsers, as text for everyone else; never with internals in it."""
    accept = request.headers.get("accept", "")
    t = translator(lang_of(request))
    if "text/html" in accept:
        return render(request, "error.html", {"status": status, "title": t(title_key), "text": text or ""},
                      status_code=status)
    return Response(f"{status} {t(title_key)}\n{text or ''}\n", status_code=status, media_type="text/plain; charset=utf-8")


def quote_path(p: str) -> str:
    return quote(p, safe="/#")


def page_number(value: str | None) -> int:
    """A 1-based page number from a query parameter (absent: 1); anything else is the client's error (400)."""
    if value is None or value == "":
        return 1
    try:
        page = int(value)
    except ValueError:
        page = 0
    if page < 1:
        raise HTTPException(400, f"page must be a whole number from 1 up, not {value[:20]!r}")
    return page
