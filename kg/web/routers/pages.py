"""Home, list pages per class, label search, the ontology page. Lists and search have JSON twins
(`.json` or `?format=json`), like Datasette."""
from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request

from kg.web.apidoc import errors
from starlette.responses import RedirectResponse

from kg.web.common import (VARY_ACCEPT, PageError, json_response, lang_of, not_acceptable, page_number, render, root,
                           service, settings, wants_json)
from kg.web.conneg import ENTITY_TYPES, negotiate
from kg.web.i18n import translator
from kg.web.service import CLASSES

router = APIRouter()
# ?page= of the lists' JSON twins, for /openapi.json: page_number() reads and checks it (its own message on a bad one)
PAGE = Query(None, description="Page number, from 1 (50 items a page; past the last page: 404)",
             json_schema_extra={"type": "integer", "minimum": 1})


@router.api_route("/", methods=["GET", "HEAD"])
def home(request: Request):
    svc = service(request)
    queries, final = svc.examples(lang_of(request))
    examples = [{"key": k, "href": f"{root(request)}/sparql?{urlencode({'query': q})}"} for k, q in queries]
    stats = svc.graph_stats(wait=not svc.warms_in_background)
    # until warming has counted the quads (and built the index the examples take their parameters from) the page
    # leaves the figures out, and is not kept by the response cache
    return render(request, "home.html", {"counts": svc.class_counts(), "examples": examples, "stats": stats},
                  headers=None if stats and final else {"Cache-Control": "no-store"})


def _list(request: Request, slug: str, suffix: str | None):
    if slug not in CLASSES:
        raise HTTPException(404)
    page = page_number(request.query_params.get("page"))
    data = service(request).list_class(slug, lang_of(request), page)
    if data is None:
        raise PageError(404, "page_past_end", page=page)
    if wants_json(request, suffix):
        base = f"{root(request)}/{slug}.json"
        return json_response({**data, "count_means": translator("en")(f"count_{slug}").lower(),
                              "next": f"{base}?page={page + 1}" if page < data["pages"] else None}, VARY_ACCEPT)
    return render(request, "list.html", {"data": {**data, "count_label": f"count_{slug}"}}, headers=VARY_ACCEPT)


# One route per class keeps URLs short (/agencies) and the JSON twin next to it (/agencies.json).
for _slug in CLASSES:
    def _make(slug):
        def view(request: Request):
            return _list(request, slug, None)

        def view_json(request: Request, page: str = PAGE):
            return _list(request, slug, ".json")
        router.add_api_route(f"/{slug}", view, methods=["GET", "HEAD"], name=f"list_{slug}")
        router.add_api_route(f"/{slug}.json", view_json, methods=["GET", "HEAD"], name=f"list_{slug}_json",
                             responses=errors(400, 404))
    _make(_slug)


@router.api_route("/list/{slug}", methods=["GET", "HEAD"])
def list_generic(slug: str, request: Request):
    suffix = ".json" if slug.endswith(".json") else None
    return _list(request, slug.removesuffix(".json"), suffix)


def _search(request: Request, suffix: str | None):
    q = request.query_params.get("q", "")
    hits = service(request).search(q, lang_of(request)) if q.strip() else []
    if wants_json(request, suffix):
        return json_response({"q": q, "results": hits, "limit": 50}, VARY_ACCEPT)
    return render(request, "search.html", {"q": q, "hits": hits}, headers=VARY_ACCEPT)


@router.api_route("/search", methods=["GET", "HEAD"])
def search(request: Request):
    return _search(request, None)


@router.api_route("/search.json", methods=["GET", "HEAD"])
def search_json(request: Request, q: str = Query("", description="Text to find in names and alternative names; "
                                                                  "a piece of a Chinese name works (at most 50 results)")):
    return _search(request, ".json")


@router.api_route("/ontology", methods=["GET", "HEAD"])
def ontology(request: Request):
    """The ontology's page; RDF clients (by Accept) get a 303 to /ontology.ttl, .nt, .jsonld or .rdf."""
    chosen = negotiate(request.headers.get("accept"), list(ENTITY_TYPES))
    if chosen is None:
        return not_acceptable(request, list(ENTITY_TYPES))
    if chosen != "text/html":
        return RedirectResponse(f"{root(request)}/ontology.{ENTITY_TYPES[chosen]}", status_code=303,
                                headers={"Vary": "Accept"})
    return render(request, "ontology.html", {"o": service(request).ontology_view(lang_of(request)),
                                             "base": settings(request).base_iri}, headers={"Vary": "Accept"})
