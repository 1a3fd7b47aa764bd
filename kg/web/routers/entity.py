"""Dereferencing (Cool URIs, the legislation.gov.uk pattern): /id/… is the thing, 303 to /doc/… (a page or
RDF by Accept); /doc/….ttl|.nt|.jsonld|.rdf|.html pick a representation outright. /resource?iri= shows any
other IRI the store describes (ontology terms, kind concepts)."""
from __future__ import annotations

from fastapi import APIRouter, Request
from rdflib import URIRef
from starlette.responses import RedirectResponse, Response

from kg.rdf.namespaces import GK
from kg.web.common import (RDF_FORMATS, error_page, href_for, json_script, lang_of, page_number, quote_path,
                           rdf_response, render, root, service, settings)
from kg.web import analytics
from kg.web.conneg import ENTITY_TYPES, negotiate
from kg.web.i18n import translator
from kg.web.service import CLASSES, SCHEMA_TYPES

router = APIRouter()
SUFFIXES = ("html",) + tuple(RDF_FORMATS)
OFFERS = list(ENTITY_TYPES)


def _split_suffix(path: str) -> tuple[str, str | None]:
    stem, dot, ext = path.rpartition(".")
    if dot and ext in SUFFIXES and "/" not in ext:
        return stem, ext
    return path, None


def _not_acceptable(request: Request) -> Response:
    return Response("406 Not Acceptable\nThis resource is available as: " + ", ".join(OFFERS) + "\n",
                    status_code=406, media_type="text/plain; charset=utf-8", headers={"Vary": "Accept"})


@router.api_route("/id/{path:path}", methods=["GET", "HEAD"])
def dereference(path: str, request: Request):
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
    return RedirectResponse(target, status_code=303, headers={"Vary": "Accept"})


@router.api_route("/doc/{path:path}", methods=["GET", "HEAD"])
def document(path: str, request: Request):
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
    headers = dict(headers)
    headers["Link"] = ", ".join(f'<{a["href"]}>; rel="alternate"; type="{a["type"]}"' for a in alternates)
    return render(request, "entity.html", ctx, headers=headers)


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
    base = settings(request).base_iri + "id/report/"
    if iri.startswith(base) and "/" in iri[len(base):]:
        report = base + iri[len(base):].split("/")[0]
        crumbs.append({"label": data["labels"].get(report) or service(request).labels([report], lang_of(request)).get(report)
                       or report.rsplit("/", 1)[-1], "href": href_for(request, report)})
    return crumbs


def _jsonld(request: Request, data: dict, report: dict | None, agency: dict | None = None) -> dict:
    """schema.org description for search engines: type, name, url, a few links."""
    types = [SCHEMA_TYPES[URIRef(t)] for t in data["type_iris"] if URIRef(t) in SCHEMA_TYPES]
    doc = {"@context": "https://schema.org", "@id": data["iri"], "@type": types[0] if types else "Thing",
           "name": data["label"], "url": str(request.url.replace(query=None))}
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

