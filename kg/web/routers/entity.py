"""Dereferencing (Cool URIs, the legislation.gov.uk pattern): /id/… is the thing, 303 to /doc/… (a page or
RDF by Accept); /doc/….ttl|.nt|.jsonld|.rdf|.html pick a representation outright. /resource?iri= shows any
other IRI the store describes (ontology terms, kind concepts)."""
from __future__ import annotations

import re
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Request
from rdflib import URIRef
from starlette.responses import RedirectResponse, Response

from kg.rdf.namespaces import GK, OA
from kg.web.common import (RDF_FORMATS, error_page, href_for, json_script, lang_of, not_acceptable, page_number,
                           quote_path, rdf_response, render, root, service, settings)
from kg.web import analytics
from kg.web.apidoc import errors, ok, responses, see_other
from kg.web.conneg import ENTITY_TYPES, negotiate
from kg.web.i18n import STRINGS, translator
from kg.web.service import CLASSES, SCHEMA_TYPES, local_name

router = APIRouter()
SUFFIXES = ("html",) + tuple(RDF_FORMATS)
OFFERS = list(ENTITY_TYPES)


def _split_suffix(path: str) -> tuple[str, str | None]:
    stem, dot, ext = path.rpartition(".")
    if dot and ext in SUFFIXES and "/" not in ext:
        return stem, ext
    return path, None


def _not_acceptable(request: Request) -> Response:
    return not_acceptable(request, OFFERS)


ENTITY_PATH = Path(description="What follows id/ in the entity's IRI, e.g. agency/… or report/…")


@router.api_route("/id/{path:path}", methods=["GET", "HEAD"], status_code=303, response_class=Response,
                  responses=responses(see_other("The entity's document: /doc/{path} for HTML, /doc/{path}.ttl (.nt, "
                                                ".jsonld, .rdf) for the RDF format Accept prefers"), errors(404, 406)))
def dereference(request: Request, path: str = ENTITY_PATH):
    stem, suffix = _split_suffix(path)
    iri = settings(request).base_iri + "id/" + stem
    svc = service(request)
    if suffix is None:
        chosen = negotiate(request.headers.get("accept"), OFFERS)
        if chosen is None:
            return _not_acceptable(request)
        suffix = ENTITY_TYPES[chosen]
    try:
        found = svc.exists(iri)
    except ValueError:
        found = False
    if not found:
        return error_page(request, 404, "not_found", iri)
    target = f"{root(request)}/doc/{quote_path(stem)}" + ("" if suffix == "html" else "." + suffix)
    if request.url.query:   # ?lang=en, ?page=2 … apply to the document
        target += "?" + request.url.query
    return RedirectResponse(target, status_code=303, headers={"Vary": "Accept"})


@router.api_route("/doc/{path:path}", methods=["GET", "HEAD"], response_class=Response,
                  responses=responses(ok(OFFERS, "The document: by the suffix (.html, .ttl, .nt, .jsonld, .rdf), else "
                                                 "by Accept (Content-Location names the suffixed form)"),
                                      errors(400, 404, 406)))
def document(request: Request, path: str = ENTITY_PATH):
    stem, suffix = _split_suffix(path)
    iri = settings(request).base_iri + "id/" + stem
    headers = {"Vary": "Accept"}
    if suffix is None:
        chosen = negotiate(request.headers.get("accept"), OFFERS)
        if chosen is None:
            return _not_acceptable(request)
        suffix = ENTITY_TYPES[chosen]
        headers["Content-Location"] = f"{root(request)}/doc/{quote_path(stem)}.{suffix}"
    return _represent(request, iri, suffix, headers)


@router.api_route("/resource", methods=["GET", "HEAD"])
def resource(request: Request, iri: str = "", format: str | None = None):
    base = settings(request).base_iri
    if iri.startswith(base + "id/"):
        return RedirectResponse(href_for(request, iri), status_code=303)
    suffix = format if format in SUFFIXES else None
    if suffix is None:
        chosen = negotiate(request.headers.get("accept"), OFFERS)
        if chosen is None:
            return _not_acceptable(request)
        suffix = ENTITY_TYPES[chosen]
    return _represent(request, iri, suffix, {"Vary": "Accept"})


def _represent(request: Request, iri: str, suffix: str, headers: dict) -> Response:
    svc = service(request)
    lang = lang_of(request)
    try:
        if suffix != "html":
            if not svc.exists(iri):
                return error_page(request, 404, "not_found", iri)
            return rdf_response(svc.describe(iri), suffix, headers)
        q = request.query_params
        data = svc.entity(iri, lang, page=page_number(q.get("page")), page_prop=q.get("prop"),
                          evidence_page=page_number(q.get("epage")))
    except ValueError:  # an IRI we refuse to put in a query
        data = None
    if data is None:
        return error_page(request, 404, "not_found", iri)
    report = svc.report_extras(iri, lang) if str(GK.Report) in data["type_iris"] else None
    t = translator(lang)
    agency = analytics.agency_view(svc, iri, lang, t) if str(GK.Agency) in data["type_iris"] else None
    instrument = analytics.instrument_view(svc, iri, lang, t) if str(GK.LegalInstrument) in data["type_iris"] else None
    alternates = _alternates(request, iri)
    ctx = {"e": data, "report": report, "agency": agency, "instrument": instrument, "alternates": alternates, "jsonld": json_script(_jsonld(request, data, report, agency)),
           "breadcrumbs": _breadcrumbs(request, iri, data)}
    ctx.update(_evidence_views(request, iri, data, lang, t))
    headers = dict(headers)
    headers["Link"] = ", ".join(f'<{a["href"]}>; rel="alternate"; type="{a["type"]}"' for a in alternates)
    # a position outside the text (or unreadable) is the client's error: the page still shows the text and says so
    bad_at = (ctx.get("source_text") or {}).get("bad_at") is not None
    return render(request, "entity.html", ctx, headers=headers, status_code=400 if bad_at else 200)


TITLE_QUOTE_MAX = 30   # characters of a quote in a page title; the page shows all of it


def _short(text: str, n: int = TITLE_QUOTE_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n - 1] + "…"


def _report_of(request: Request, iri: str) -> str | None:
    """The report a node minted inside one belongs to (/id/report/{h}/…), by its IRI, as the breadcrumbs find it."""
    minted = service(request).minter.read(iri)
    return minted.report if minted and minted.kind != "graph" else None


def parse_at(value: str | None) -> tuple[int, int] | None:
    """?at=START-END (or START,END; or one offset, a point): code-point offsets into a report's text."""
    m = re.fullmatch(r"\s*(\d{1,9})\s*(?:[-,]\s*(\d{1,9})\s*)?", value or "")
    if not m:
        return None
    start = int(m.group(1))
    end = int(m.group(2)) if m.group(2) is not None else start
    return (start, end) if start <= end else None


def _evidence_views(request: Request, iri: str, data: dict, lang: str, t) -> dict:
    """Page parts for the nodes behind the evidence: an annotation (its quote in context, what it is evidence for),
    a report's text (the text, a position highlighted) and its extraction run (a title that names the report)."""
    types = set(data["type_iris"])
    svc = service(request)
    out: dict = {}
    if str(OA.Annotation) in types:
        ann = svc.annotation_view(iri, lang)
        if ann is not None:
            for m in ann["motivations"]:
                key = "motivation_" + m["name"]
                m["text"] = t(key) if key in STRINGS else m["label"]
            report_label = ann["report_label"] or t("report")
            if ann["exact"]:
                out["page_title"] = t("evidence_title").format(exact=_short(ann["exact"]), report=report_label)
                out["page_h1"] = t("evidence_h1").format(exact=_short(ann["exact"], 80))
            else:
                out["page_title"] = out["page_h1"] = t("evidence_no_quote").format(report=report_label)
            out["annotation"] = ann
    elif str(GK.SourceText) in types or str(GK.ExtractionRun) in types:
        report = _report_of(request, iri)   # kg/rdf/iris.py mints both inside their report
        if report is not None:
            label = data["labels"].get(report) or svc.labels([report], lang).get(report) or local_name(report)
            key = "text_title" if str(GK.SourceText) in types else "run_title"
            out["page_title"] = out["page_h1"] = t(key).format(report=label)
        if str(GK.SourceText) in types:
            out["source_text"] = _source_text(request, iri, data, lang)
    return out


def _source_text(request: Request, iri: str, data: dict, lang: str) -> dict | None:
    """The text of a report, split around the span ?at= asks for (highlighted server-side: no script needed)."""
    content = next((g.values[0].text for g in data["outgoing"] if g.prop == str(GK.content) and g.values), None)
    if content is None:
        return None
    view = {"prop": str(GK.content), "n": len(content), "before": content, "marked": None, "after": "",
            "start": None, "end": None, "here": [], "bad_at": None}
    raw = request.query_params.get("at")
    if raw is None:
        return view
    at = parse_at(raw)
    if at is None or at[1] > len(content):
        view["bad_at"] = raw[:40]
        return view
    start, end = at
    view.update(before=content[:start], marked=content[start:end], after=content[end:], start=start, end=end)
    if start < end:
        view["here"] = service(request).evidence_at(iri, start, end, lang)
    return view


def _alternates(request: Request, iri: str) -> list[dict]:
    page = href_for(request, iri).split("#")[0]
    out = []
    for suffix, (mt, _) in RDF_FORMATS.items():
        if "?" in page:
            out.append({"suffix": suffix, "type": mt, "href": f"{page}&format={suffix}"})
        else:
            out.append({"suffix": suffix, "type": mt, "href": f"{page}.{suffix}"})
    return out


def _breadcrumbs(request: Request, iri: str, data: dict) -> list[dict]:
    """Home › class list › (report, for things inside a report) › this entity."""
    t_slugs = {str(c): s for s, c in CLASSES.items()}
    crumbs = []
    for t in data["type_iris"]:
        if t in t_slugs:
            crumbs.append({"key": t_slugs[t], "href": f"{root(request)}/{t_slugs[t]}"})
            break
    report = _report_of(request, iri)
    if report is not None:
        crumbs.append({"label": data["labels"].get(report) or service(request).labels([report], lang_of(request)).get(report)
                       or report.rsplit("/", 1)[-1], "href": href_for(request, report)})
    return crumbs


def _page_url(request: Request, iri: str) -> str:
    """The page's own address without the view's parameters (?lang=, ?page=): /resource keeps the ?iri= it is of."""
    if request.url.path.endswith("/resource"):
        return str(request.url.replace(query=urlencode({"iri": iri})))
    return str(request.url.replace(query=None))


def _jsonld(request: Request, data: dict, report: dict | None, agency: dict | None = None) -> dict:
    """schema.org description for search engines: type, name, url, a few links."""
    types = [SCHEMA_TYPES[URIRef(t)] for t in data["type_iris"] if URIRef(t) in SCHEMA_TYPES]
    doc = {"@context": "https://schema.org", "@id": data["iri"], "@type": types[0] if types else "Thing",
           "name": data["label"], "url": _page_url(request, data["iri"])}
    for grp in data["outgoing"]:
        if grp.prop == str(GK.issuedBy):
            doc["publisher"] = [{"@id": v.iri, "name": v.text} for v in grp.values if v.iri]
        elif grp.prop == str(GK.yearCovered):
            doc["temporalCoverage"] = grp.values[0].text if grp.values else None
    if agency:
        doc["citation"] = [{"@type": "Legislation", "@id": c["iri"], "name": c["label"]} for c in agency["cited"][:50]]
    if report:
        doc["citation"] = [{"@type": "Legislation", "@id": c["iri"], "name": c["label"]} for c in report["cited"][:50]]
    return doc

