"""Researcher routes: stored queries (/queries, /queries/<slug>[.json|.csv]), the citation network
(/network[.json]) and an offline API page (/docs) built from /openapi.json."""
from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Path, Query, Request
from starlette.responses import Response

from kg.web import analytics, queries
from kg.web.apidoc import ROUTES_BY_SPEC_PATH, errors, ok, responses
from kg.web.common import (VARY_ACCEPT, bad_request, href_for, json_response, lang_of, param_problem, problems_text,
                           render, root, service, wants_json)
from kg.web.i18n import API_PARAMS_ZH, STRINGS, translator

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
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    # A name matched more than one entity: the rows are the first's; CSV has no place to say so, the header does
    # (how many others, per parameter; the .json form lists them)
    others = {k: len(v) for k, v in (data.get("other_matches") or {}).items() if v}
    if others:
        headers["X-GovKG-Other-Matches"] = ", ".join(f"{k}={n}" for k, n in sorted(others.items()))
    if data.get("reports_per_year") is not None:   # the `changes` counts' denominators (the JSON has them too)
        headers["X-GovKG-Reports-Per-Year"] = ", ".join(f"{y}={n}" for y, n in data["reports_per_year"].items())
    # A byte-order mark first: Excel (the usual reader of these downloads) opens UTF-8 without one as the system
    # code page, GBK on Chinese Windows, and garbles every label. /sparql's CSV stays as the SPARQL spec writes it.
    return Response(("\ufeff" + buf.getvalue()).encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers=headers)


def _notes(t, data: dict) -> list[str]:
    """Warnings that go with the rows: a `changes` year that no report covers makes every row "added" or
    "dropped", which is about the corpus, not about citing."""
    per_year = data.get("reports_per_year")
    if not per_year:
        return []
    who = t("of_this_agency") if data["params"].get("agency") else ""
    return [t("year_without_reports").format(year=y, who=who) for y, n in per_year.items() if n == 0]


def _stored(request: Request, slug: str, fmt: str | None):
    if slug not in queries.STORED:
        raise HTTPException(404)
    lang = lang_of(request)
    t = translator(lang)
    data = queries.run(service(request), slug, _given(request), lang)
    # the same sentence for the same problem in every form, in the request's language
    data["problem_texts"] = [param_problem(t, name, t(why), value) for name, why, value in data["problems"]]
    data["notes"] = _notes(t, data)
    fmt = fmt or request.query_params.get("format") or ("json" if wants_json(request) else None)
    if fmt in ("json", "csv"):
        if data["problems"]:
            return bad_request(request, data["problem_texts"], as_json=fmt == "json")
        if fmt == "csv":
            return _csv(data)
        keys = ("query", "params", "other_matches", "sparql", "columns", "rows", "truncated", "answered_from")
        extra = {"reports_per_year": data["reports_per_year"], "notes": data["notes"]} \
            if data.get("reports_per_year") is not None else {}
        return json_response({**{k: data[k] for k in keys}, **extra}, VARY_ACCEPT)
    sq = queries.STORED[slug]
    qs = urlencode({k: v for k, v in data["params"].items() if v})
    _in_words(request, data, lang)
    def url_params(params: dict, name: str, value: str) -> str:   # the same query with one parameter changed
        return urlencode({**{k: v for k, v in params.items() if v}, name: value})

    ctx = {"sq": sq, "data": data, "qs": qs, "url_params": url_params,
           "problems": problems_text(request, data["problem_texts"]),
           "json_href": f"{root(request)}/queries/{slug}.json" + ("?" + qs if qs else ""),
           "csv_href": f"{root(request)}/queries/{slug}.csv" + ("?" + qs if qs else ""),
           "editor_href": f"{root(request)}/sparql?" + urlencode({"query": data["sparql"]}) if data["sparql"] else None}
    return render(request, "stored_query.html", ctx, status_code=400 if data["problems"] else 200, headers=VARY_ACCEPT)


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


def _queries_list(request: Request) -> dict:
    lang = lang_of(request)
    return {"queries": [{"slug": s, "title": q.title(lang), "description": q.description(lang),
                         "params": [p.name for p in q.params],
                         "json": f"{root(request)}/queries/{s}.json",
                         "csv": f"{root(request)}/queries/{s}.csv"}
                        for s, q in queries.STORED.items()]}


@router.api_route("/queries", methods=["GET", "HEAD"], include_in_schema=False)
def queries_index(request: Request):
    """The list as a page, or as /queries.json gives it for ?format=json or an Accept that prefers JSON."""
    if wants_json(request):
        return json_response(_queries_list(request), VARY_ACCEPT)
    return render(request, "queries.html", {"items": _queries_list(request)["queries"]}, headers=VARY_ACCEPT)


@router.api_route("/queries.json", methods=["GET", "HEAD"], summary="List the stored queries",
                  description="Slug, title and parameter names of every stored query; "
                              "each runs at /queries/{slug}.json and /queries/{slug}.csv.")
def queries_index_json(request: Request):
    return json_response(_queries_list(request))


_QDOC = ("Parameters by query: instruments-cited-by-agency: agency; most-cited: year; agencies-citing-both: a, b; "
         "co-citation: instrument; citing-agencies: instrument; changes: agency (optional), from, to. Agencies and "
         "instruments are given as an IRI or a piece of their Chinese name; empty parameters take a default.")


# The parameters of the stored queries, for /openapi.json. _stored checks them itself (queries.resolve), so .json,
# .csv and the page say the same about the same mistake; an empty one takes its default.
SLUG = Path(description="Which stored query (/queries.json lists them)", json_schema_extra={"enum": list(queries.STORED)})
_YEAR = {"pattern": r"^\d{4}$"}
AGENCY = Query(None, description="agency IRI or name (instruments-cited-by-agency; changes, optional)")
INSTRUMENT = Query(None, description="instrument IRI or name (co-citation, citing-agencies)")
A = Query(None, description="instrument A, IRI or name (agencies-citing-both)")
B = Query(None, description="instrument B, IRI or name (agencies-citing-both)")
YEAR = Query(None, description="year, four digits (most-cited)", json_schema_extra=_YEAR)
FROM = Query(None, alias="from", description="first year, four digits (changes)", json_schema_extra=_YEAR)
TO = Query(None, description="second year, four digits (changes)", json_schema_extra=_YEAR)


@router.api_route("/queries/{slug}.json", methods=["GET", "HEAD"], summary="Run a stored query (JSON)",
                  description="Columns, rows (IRIs and text as strings, counts as numbers) and the SPARQL text that ran; "
                              "`changes` adds reports_per_year (its counts' denominators) and notes (a year no "
                              "report covers). " + _QDOC,
                  responses=errors(400, 404, json_400=True))
def stored_json(request: Request, slug: str = SLUG, agency: str = AGENCY, instrument: str = INSTRUMENT,
                a: str = A, b: str = B, year: str = YEAR, from_: str = FROM, to: str = TO):
    return _stored(request, slug, "json")


@router.api_route("/queries/{slug}.csv", methods=["GET", "HEAD"], summary="Run a stored query (CSV)",
                  description="The same rows as the JSON form, as UTF-8 CSV with a header row, starting with a "
                              "byte-order mark (so Excel reads UTF-8); `changes` gives its reports per year in "
                              "X-GovKG-Reports-Per-Year. " + _QDOC,
                  response_class=Response, responses=responses(ok(["text/csv"]), errors(400, 404)))
def stored_csv(request: Request, slug: str = SLUG, agency: str = AGENCY, instrument: str = INSTRUMENT,
               a: str = A, b: str = B, year: str = YEAR, from_: str = FROM, to: str = TO):
    return _stored(request, slug, "csv")


@router.api_route("/queries/{slug}", methods=["GET", "HEAD"], include_in_schema=False)
def stored_html(slug: str, request: Request):
    return _stored(request, slug, None)


NETWORK_TOP = (5, 60)   # the bounds of ?top=, as /network.json declares them


def _network_problems(request: Request) -> list[str]:
    """The checks /network.json's declared parameters make, for the page (whose form sends empty fields for
    "all": those are not mistakes), in the same words."""
    t = translator(lang_of(request))
    q = request.query_params
    out = []
    year = q.get("year", "")
    if year and not re.fullmatch(r"\d{4}", year):
        out.append(param_problem(t, "year", t("v_year"), year))
    region = q.get("region", "")
    if region and not re.fullmatch(r"\d{2,6}", region):   # ignoring it would answer for every region
        out.append(param_problem(t, "region", t("v_region"), region))
    top = q.get("top", "").strip()
    if top:
        try:
            n = int(top)
        except ValueError:
            out.append(param_problem(t, "top", t("v_int"), top))
        else:
            lo, hi = NETWORK_TOP
            if n < lo:
                out.append(param_problem(t, "top", t("v_ge").format(n=lo), top))
            elif n > hi:
                out.append(param_problem(t, "top", t("v_le").format(n=hi), top))
    return out


def _network(request: Request, as_json: bool):
    svc = service(request)
    lang = lang_of(request)
    q = request.query_params
    problems = _network_problems(request)
    if problems:
        return bad_request(request, problems)
    top = int(q.get("top", "").strip() or 25)
    data = analytics.network(svc, lang, translator(lang), year=q.get("year", ""), region=q.get("region", ""),
                             kind=q.get("kind", ""), top=top, href=lambda i: href_for(request, i))
    if as_json or wants_json(request):
        return json_response({k: v for k, v in data.items() if k != "svg"}, VARY_ACCEPT)
    json_qs = urlencode({k: v for k, v in q.items() if v and k != "lang"})   # the same filters; "all" is no filter
    return render(request, "network.html", {"net": data, "options": analytics.filter_options(svc, lang),
                                            "json_href": f"{root(request)}/network.json" + ("?" + json_qs if json_qs else "")},
                  headers=VARY_ACCEPT)


@router.api_route("/network", methods=["GET", "HEAD"], include_in_schema=False)
def network_html(request: Request):
    return _network(request, False)


@router.api_route("/network.json", methods=["GET", "HEAD"], summary="Agency–instrument citation network",
                  responses=errors(400),
                  description="Edges agency → instrument weighted by the number of citing reports, limited to "
                              "the top-N agencies and instruments by degree.")
def network_json(request: Request, year: str = Query(None, pattern=r"^(\d{4})?$",
                                                    description="year, four digits (empty: every year, as on the page)"),
                 region: str = Query(None, pattern=r"^(\d{2,6})?$",
                                     description="region code or its prefix, 2 to 6 digits, e.g. 35 or 350200"),
                 kind: str = Query(None, description="instrument kind notation: law, admin_regulation, …"),
                 top: int = Query(25, ge=NETWORK_TOP[0], le=NETWORK_TOP[1],
                                  description="how many agencies and how many instruments to keep, by degree")):
    return _network(request, True)


def _range(schema: dict) -> str | None:
    lo, hi = schema.get("minimum"), schema.get("maximum")
    if lo is None and hi is None:
        return None
    return f"{'' if lo is None else lo}–{'' if hi is None else hi}"


@router.api_route("/docs", methods=["GET", "HEAD"], include_in_schema=False)
def api_docs(request: Request):
    """The API described by /openapi.json, rendered on the server: works offline and under the CSP."""
    spec = request.app.openapi()
    zh = lang_of(request) == "zh"   # /openapi.json stays English (for machines); the page speaks the UI's language
    ops = []
    for path, methods in spec.get("paths", {}).items():
        doc = ROUTES_BY_SPEC_PATH.get(path)
        for m, op in methods.items():
            if m.upper() not in ("GET", "POST"):
                continue
            ops.append({"method": m.upper(), "path": path,
                        "summary": doc.summary[0] if zh and doc else op.get("summary", ""),
                        "description": doc.description[0] if zh and doc else op.get("description", ""),
                        "params": [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                                    "description": (API_PARAMS_ZH.get(p["name"], "") if zh
                                                    else p.get("description", "")),
                                    "pattern": p.get("schema", {}).get("pattern"),
                                    "enum": p.get("schema", {}).get("enum"),
                                    "range": _range(p.get("schema", {}))}
                                   for p in op.get("parameters", [])],
                        "body": list(op.get("requestBody", {}).get("content", {}))})
    info = dict(spec.get("info", {}))
    if zh:
        info["description"] = translator("zh")("api_description")
    return render(request, "api.html", {"ops": ops, "info": info})
