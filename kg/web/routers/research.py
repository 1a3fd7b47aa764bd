"""Researcher routes: stored queries (/queries, /queries/<slug>[.json|.csv]), the citation network
(/network[.json]) and an offline API page (/docs) built from /openapi.json."""
from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from starlette.responses import Response

from kg.web import analytics, queries
from kg.web.common import href_for, json_response, lang_of, render, root, service
from kg.web.i18n import API_PARAMS_ZH, API_ZH, STRINGS, translator

router = APIRouter()


def _given(request: Request) -> dict[str, str]:
    return {k: v for k, v in request.query_params.items() if k not in ("lang", "format")}


def _csv(data: dict) -> Response:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(data["columns"])
    for r in data["rows"]:
        w.writerow([r.get(c, "") for c in data["columns"]])
    name = data["query"] + ".csv"
    return Response(buf.getvalue().encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _stored(request: Request, slug: str, fmt: str | None):
    if slug not in queries.STORED:
        raise HTTPException(404)
    lang = lang_of(request)
    data = queries.run(service(request), slug, _given(request), lang)
    fmt = fmt or request.query_params.get("format")
    if fmt in ("json", "csv"):
        if data["problems"]:
            return Response("400 Bad Request\nnot found: " + "; ".join(data["problems"]) + "\n", status_code=400,
                            media_type="text/plain; charset=utf-8")
        if fmt == "csv":
            return _csv(data)
        return json_response({k: data[k] for k in ("query", "params", "other_matches", "sparql", "columns", "rows",
                                                   "truncated", "answered_from")})
    sq = queries.STORED[slug]
    qs = urlencode({k: v for k, v in data["params"].items() if v})
    _in_words(request, data, lang)
    def url_params(params: dict, name: str, value: str) -> str:   # the same query with one parameter changed
        return urlencode({**{k: v for k, v in params.items() if v}, name: value})

    ctx = {"sq": sq, "data": data, "qs": qs, "url_params": url_params,
           "json_href": f"{root(request)}/queries/{slug}.json" + ("?" + qs if qs else ""),
           "csv_href": f"{root(request)}/queries/{slug}.csv" + ("?" + qs if qs else ""),
           "editor_href": f"{root(request)}/sparql?" + urlencode({"query": data["sparql"]}) if data["sparql"] else None}
    return render(request, "stored_query.html", ctx, status_code=400 if data["problems"] else 200)


def _in_words(request: Request, data: dict, lang: str) -> None:
    """The HTML table in the UI's language: column headings in words (the SPARQL variable in the tooltip) and coded
    cells (instrument kinds, change statuses) as what they mean. JSON and CSV keep the variables and codes."""
    t = translator(lang)
    data["headings"] = [{"name": c, "label": t("col_" + c) if "col_" + c in STRINGS else c}
                        for c in data.get("columns", [])]
    kinds = None
    for row in data.get("cells", []):
        for c, cell in zip(data["columns"], row):
            if cell.get("iri") or not cell.get("text"):
                continue
            if c == "kind":
                kinds = kinds if kinds is not None else analytics._kinds(service(request), lang)
                label = kinds.get(cell["text"], {}).get("label")
            elif c == "status":
                label = t("change_" + cell["text"]) if "change_" + cell["text"] in STRINGS else None
            else:
                continue
            if label:
                cell["code"], cell["text"] = cell["text"], label


@router.api_route("/queries", methods=["GET", "HEAD"], include_in_schema=False)
def queries_index(request: Request):
    lang = lang_of(request)
    items = [{"slug": s, "title": q.title(lang), "description": q.description(lang),
              "params": [p.name for p in q.params]} for s, q in queries.STORED.items()]
    if request.query_params.get("format") == "json":
        return json_response({"queries": items})
    return render(request, "queries.html", {"items": items})


@router.api_route("/queries.json", methods=["GET", "HEAD"], summary="List the stored queries",
                  description="Slug, title and parameter names of every stored query; "
                              "each runs at /queries/{slug}.json and /queries/{slug}.csv.")
def queries_index_json(request: Request):
    lang = lang_of(request)
    return json_response({"queries": [{"slug": s, "title": q.title(lang), "description": q.description(lang),
                                       "params": [p.name for p in q.params],
                                       "json": f"{root(request)}/queries/{s}.json",
                                       "csv": f"{root(request)}/queries/{s}.csv"}
                                      for s, q in queries.STORED.items()]})


_QDOC = ("Parameters by query: instruments-cited-by-agency: agency; most-cited: year; agencies-citing-both: a, b; "
         "co-citation: instrument; citing-agencies: instrument; changes: agency (optional), from, to. Agencies and "
         "instruments are given as an IRI or a piece of their Chinese name; empty parameters take a default.")


@router.api_route("/queries/{slug}.json", methods=["GET", "HEAD"], summary="Run a stored query (JSON)",
                  description="Columns, rows (IRIs and literals as strings) and the SPARQL text that ran. " + _QDOC)
def stored_json(slug: str, request: Request,
                agency: str | None = Query(None, description="agency IRI or name"),
                instrument: str | None = Query(None, description="instrument IRI or name"),
                a: str | None = Query(None, description="instrument A"), b: str | None = Query(None, description="instrument B"),
                year: str | None = Query(None, pattern=r"^\d{4}$"),
                from_: str | None = Query(None, alias="from", pattern=r"^\d{4}$"),
                to: str | None = Query(None, pattern=r"^\d{4}$")):
    return _stored(request, slug, "json")


@router.api_route("/queries/{slug}.csv", methods=["GET", "HEAD"], summary="Run a stored query (CSV)",
                  description="The same rows as the JSON form, as UTF-8 CSV with a header row. " + _QDOC)
def stored_csv(slug: str, request: Request,
               agency: str | None = None, instrument: str | None = None, a: str | None = None,
               b: str | None = None, year: str | None = None, from_: str | None = Query(None, alias="from"),
               to: str | None = None):
    return _stored(request, slug, "csv")


@router.api_route("/queries/{slug}", methods=["GET", "HEAD"], include_in_schema=False)
def stored_html(slug: str, request: Request):
    return _stored(request, slug, None)


def _network(request: Request, as_json: bool):
    svc = service(request)
    lang = lang_of(request)
    q = request.query_params
    try:
        top = int(q.get("top", "25"))
    except ValueError:
        top = 25
    data = analytics.network(svc, lang, translator(lang), year=q.get("year", ""), region=q.get("region", ""),
                             kind=q.get("kind", ""), top=top, href=lambda i: href_for(request, i))
    if as_json:
        return json_response({k: v for k, v in data.items() if k != "svg"})
    return render(request, "network.html", {"net": data, "options": analytics.filter_options(svc, lang)})


@router.api_route("/network", methods=["GET", "HEAD"], include_in_schema=False)
def network_html(request: Request):
    return _network(request, False)


@router.api_route("/network.json", methods=["GET", "HEAD"], summary="Agency–instrument citation network",
                  description="Edges agency → instrument weighted by the number of citing reports, limited to "
                              "the top-N agencies and instruments by degree.")
def network_json(request: Request, year: str | None = Query(None, pattern=r"^\d{4}$"),
                 region: str | None = Query(None, description="region code or its prefix, e.g. 35 or 350200"),
                 kind: str | None = Query(None, description="instrument kind notation: law, admin_regulation, …"),
                 top: int = Query(25, ge=5, le=60)):
    return _network(request, True)


@router.api_route("/docs", methods=["GET", "HEAD"], include_in_schema=False)
def api_docs(request: Request):
    """The API described by /openapi.json, rendered on the server: works offline and under the CSP."""
    spec = request.app.openapi()
    zh = lang_of(request) == "zh"   # /openapi.json stays English (for machines); the page speaks the UI's language
    ops = []
    for path, methods in spec.get("paths", {}).items():
        summary_zh, description_zh = API_ZH.get(path, ("", ""))
        for m, op in methods.items():
            if m.upper() not in ("GET", "POST"):
                continue
            ops.append({"method": m.upper(), "path": path,
                        "summary": summary_zh if zh and summary_zh else op.get("summary", ""),
                        "description": (description_zh if zh and summary_zh else op.get("description", "")),
                        "params": [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                                    "description": (API_PARAMS_ZH.get(p["name"], "") if zh
                                                    else p.get("description", ""))}
                                   for p in op.get("parameters", [])]})
    info = dict(spec.get("info", {}))
    if zh:
        info["description"] = translator("zh")("api_description")
    return render(request, "api.html", {"ops": ops, "info": info})
