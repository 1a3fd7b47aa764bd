"""Distribution: dump files, DCAT catalog, VoID, sitemap, robots.txt, ontology and shapes as Turtle, /healthz;
and dereferencing of the IRIs the descriptions and the store mint outside id/: dataset/… (303 to the catalog or
VoID document describing it) and graph/… (a report's named graph by content negotiation; 303 for the shared ones;
graph/build is not published).

Thin routes over kg.publish (dumps.py writes the files and their manifest; catalog.py, void.py and sitemap.py make
the descriptions).
"""
from __future__ import annotations

import email.utils
import json
import logging
import re
from pathlib import Path

from fastapi import APIRouter, HTTPException, Path as PathParam, Request
from rdflib import Graph, URIRef
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response

from kg.config import ROOT
from kg.publish import catalog as dcat_catalog
from kg.publish import sitemap as sitemaps
from kg.publish import void as void_description
from kg.publish.dumps import read_manifest
from kg.rdf.namespaces import GK, bind_prefixes
from kg.web.apidoc import RDF_TYPES, errors, ok, responses, see_other
from kg.web.common import (RDF_FORMATS, VARY_ACCEPT, error_page, etag_in, href_for, json_response, not_acceptable,
                           not_modified_since, quote_path, rdf_response, render, root, service, settings, wants_json)
from kg.web.conneg import ENTITY_TYPES, negotiate
from kg.web.service import iri_ref

log = logging.getLogger("kg.web.publish")
router = APIRouter()


# --- dumps ---------------------------------------------------------------------------------------------------

def dump_manifest(request: Request) -> list[dict]:
    """[{name, size, sha256, media_type, ...}] of the dump files listed in the manifest kg.publish.dumps wrote;
    only files that are really there."""
    d = Path(settings(request).dumps_dir)
    out = []
    for e in read_manifest(d, settings(request).base_iri):
        name = Path(e.name).name
        if not name or name.startswith(".") or not (d / name).is_file():
            continue
        gz = e.encoding == "gzip" or name.endswith(".gz")
        out.append({"name": name, "size": e.size, "sha256": e.sha256, "media_type": e.media_type, "gzip": gz,
                    "serve_type": "application/gzip" if gz else e.media_type, "label": e.label,
                    "triples": e.triples, "modified": e.modified, "format": e.format})
    return out


@router.api_route("/dumps", methods=["GET", "HEAD"])
def dumps_page(request: Request, format: str | None = None):
    items = dump_manifest(request)
    if wants_json(request):
        return json_response({"dumps": items}, VARY_ACCEPT)
    return render(request, "dumps.html", {"items": items}, headers=VARY_ACCEPT)


@router.api_route("/dumps.json", methods=["GET", "HEAD"])
def dumps_json(request: Request):
    return json_response({"dumps": dump_manifest(request)})


@router.api_route("/dumps/{name}", methods=["GET", "HEAD"], response_class=Response,
                  responses=responses(ok(["application/gzip"], "The file as published (gzip, no Content-Encoding: its "
                                                               "bytes match the SHA-256 in /dumps.json, which also "
                                                               "gives the media type of what is inside)",
                                         {"type": "string", "format": "binary"}), errors(404)))
def dump_file(request: Request, name: str = PathParam(description="A file name listed in /dumps.json")):
    # Only names listed in the manifest are served: no path ever comes from the request.
    entry = next((e for e in dump_manifest(request) if e["name"] == name), None)
    if entry is None:
        raise HTTPException(404)
    path = Path(settings(request).dumps_dir) / entry["name"]
    st = path.stat()
    etag = f'"{entry["sha256"]}"' if entry["sha256"] else f'"{int(st.st_mtime)}-{st.st_size}"'
    last_modified = email.utils.formatdate(st.st_mtime, usegmt=True)
    inm = request.headers.get("if-none-match")
    ims = request.headers.get("if-modified-since")
    validators = {"ETag": etag, "Last-Modified": last_modified, "Cache-Control": "public, max-age=3600"}
    # RFC 9110 §13.1.2: "*" matches any current representation; a 304 carries the 200's caching headers
    if (inm.strip() == "*" or etag_in(inm, etag)) if inm else not_modified_since(ims, st.st_mtime):
        return Response(status_code=304, headers=validators)
    # .gz files go out as they are (no Content-Encoding), so the bytes match the published SHA-256
    return FileResponse(path, media_type=entry["serve_type"], filename=entry["name"], headers=validators)


# --- catalog and VoID ------------------------------------------------------------------------------------

def _site(request: Request) -> str:
    return str(request.base_url).rstrip("/") + root(request)


def _described(request: Request, name: str, describe) -> Graph:
    """describe(store, settings, dumps), once per data generation and dump manifest: VoID counts classes,
    properties and entities over the whole store and the catalog reads the years covered, so neither is computed
    again for every request (their pages are not kept by the response cache, as `kg dump` changes them)."""
    svc, dumps = service(request), dump_manifest(request)
    version = tuple((d["name"], d.get("size"), d.get("sha256"), d.get("modified")) for d in dumps)
    kept = svc.per_generation((name, version), lambda: describe(svc.store, settings(request), dumps))
    # each request serialises its own copy: rdflib's serialisers may bind prefixes on the graph they write
    g = Graph(bind_namespaces="none")
    for prefix, ns in kept.namespaces():
        g.bind(prefix, ns)
    g += kept
    return g


def catalog_graph(request: Request) -> Graph:
    return _described(request, "catalog", dcat_catalog.catalog_graph)


def void_graph(request: Request) -> Graph:
    return _described(request, "void", void_description.void_graph)


def _graph_conneg(request: Request, g: Graph, suffix: str | None, html_template: str | None, ctx: dict,
                  html_first: bool = True):
    if suffix is None:
        page = ["text/html"] if html_template else []
        offers = page + RDF_TYPES if html_first else RDF_TYPES + page   # first offer: what `Accept: */*` gets
        chosen = negotiate(request.headers.get("accept"), offers)
        if chosen is None:
            return not_acceptable(request, offers)
        if chosen == "text/html":
            return render(request, html_template, {**ctx, "turtle": g.serialize(format="turtle")},
                          headers={"Vary": "Accept"})
        suffix = next(k for k, (mt, _) in RDF_FORMATS.items() if mt == chosen)
    return rdf_response(g, suffix, {"Vary": "Accept"})


@router.api_route("/catalog", methods=["GET", "HEAD"])
def catalog(request: Request):
    return _graph_conneg(request, catalog_graph(request), None, "catalog.html", {"dumps": dump_manifest(request)})


def _suffix_param(suffixes) -> PathParam:
    return PathParam(description="The RDF format: " + ", ".join(f"{s} ({RDF_FORMATS[s][0]})" for s in suffixes),
                     json_schema_extra={"enum": list(suffixes)})


@router.api_route("/catalog.{suffix}", methods=["GET", "HEAD"], response_class=Response,
                  responses=responses(ok(RDF_TYPES, "The catalog in the format the suffix names"), errors(404)))
def catalog_suffix(request: Request, suffix: str = _suffix_param(RDF_FORMATS)):
    return _in_format(request, suffix, catalog_graph)


def _in_format(request: Request, suffix: str, graph_of) -> Response:
    """A description in the RDF format its address's suffix names (404 for another suffix)."""
    if suffix not in RDF_FORMATS:
        raise HTTPException(404)
    return _graph_conneg(request, graph_of(request), suffix, None, {})


@router.api_route("/.well-known/void", methods=["GET", "HEAD"], response_class=Response,
                  responses=responses(ok(RDF_TYPES + ["text/html"],
                                         "The VoID description in the RDF format Accept prefers (browsers: a page)"),
                                      errors(406)))
def void(request: Request):
    # a well-known address machines read: Accept */* gets Turtle, only a client preferring HTML gets the page
    return _graph_conneg(request, void_graph(request), None, "void.html", {}, html_first=False)


@router.api_route("/.well-known/void.{suffix}", methods=["GET", "HEAD"], response_class=Response,
                  responses=responses(ok(RDF_TYPES, "The VoID description in the format the suffix names"), errors(404)))
def void_suffix(request: Request, suffix: str = _suffix_param(RDF_FORMATS)):
    return _in_format(request, suffix, void_graph)


# --- sitemap, robots -----------------------------------------------------------------------------------------

@router.api_route("/sitemap.xml", methods=["GET", "HEAD"], response_class=Response,
                  responses=ok(["application/xml"], "A <urlset> of the entity pages; past 50,000 entities a "
                                                    "<sitemapindex> of /sitemap-{n}.xml pages"))
def sitemap(request: Request):
    return Response(sitemaps.sitemap_xml(service(request).store, settings(request)), media_type="application/xml")


@router.api_route("/sitemap-{page}.xml", methods=["GET", "HEAD"])
def sitemap_page(page: int, request: Request):
    """Pages of the sitemap index kg.publish.sitemap writes when there are more than 50,000 entities."""
    try:
        body = sitemaps.sitemap_xml(service(request).store, settings(request), page=page)
    except ValueError:   # before the first or past the last page
        raise HTTPException(404) from None
    return Response(body, media_type="application/xml")


@router.api_route("/robots.txt", methods=["GET", "HEAD"])
def robots(request: Request):
    site = _site(request)
    return PlainTextResponse("User-agent: *\nAllow: /\nAllow: /doc/\nAllow: /id/\n"
                             "Disallow: /sparql\nDisallow: /search\nDisallow: /resource\n"
                             f"\nSitemap: {site}/sitemap.xml\n")


# --- ontology and shapes as files ------------------------------------------------------------------------

@router.api_route("/ontology.ttl", methods=["GET", "HEAD"], response_class=Response,
                  responses=ok(["text/turtle"]))
def ontology_ttl(request: Request):
    return rdf_response(service(request).ontology_graph(), "ttl")


ONTOLOGY_SUFFIXES = [s for s in RDF_FORMATS if s != "ttl"]   # ttl: /ontology.ttl


@router.api_route("/ontology.{suffix}", methods=["GET", "HEAD"], response_class=Response,
                  responses=responses(ok([RDF_FORMATS[s][0] for s in ONTOLOGY_SUFFIXES],
                                         "The ontology in the format the suffix names"), errors(404)))
def ontology_suffix(request: Request, suffix: str = _suffix_param(ONTOLOGY_SUFFIXES)):
    """The ontology in the other RDF formats (where graph/ontology sends clients that asked for them)."""
    if suffix not in RDF_FORMATS:
        raise HTTPException(404)
    return rdf_response(service(request).ontology_graph(), suffix)


@router.api_route("/shapes.ttl", methods=["GET", "HEAD"], response_class=Response, responses=ok(["text/turtle"]))
def shapes_ttl(request: Request):
    g = bind_prefixes(Graph())
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        g.parse(path, format="turtle")
    return rdf_response(g, "ttl")


# --- dereferencing dataset/… and graph/… -----------------------------------------------------------------------
# The catalog and VoID mint {base}dataset/… IRIs, the store names its graphs {base}graph/…; each answers here like
# /id/… does (kg.web.routers.entity): a 303 See Other to the document that describes it, or the graph itself.

GRAPH_TRIPLES_CAP = 50000    # a report graph holds ~1,000 triples; past this the answer says it was cut
_REPORT_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")   # the {h} of graph/report/{h} (hex in built data)




def _see_other(request: Request, html: str, rdf) -> Response:
    """303 to `html` for clients that prefer HTML, else to rdf(suffix) for the RDF format they prefer."""
    chosen = negotiate(request.headers.get("accept"), list(ENTITY_TYPES))
    if chosen is None:
        return not_acceptable(request, list(ENTITY_TYPES))
    target = html if chosen == "text/html" else rdf(ENTITY_TYPES[chosen])
    return RedirectResponse(root(request) + target, status_code=303, headers={"Vary": "Accept"})


def _not_minted(request: Request, path: str) -> Response:
    return error_page(request, 404, "not_found", settings(request).base_iri + path)


def _partitions(request: Request) -> set[str]:
    """VoID's class and property partition IRIs, once per data generation (they depend on the store alone)."""
    svc = service(request)
    return svc.per_generation("void_partition_iris",
                              lambda: void_description.partition_iris(svc.store, settings(request).base_iri))


@router.api_route("/dataset", methods=["GET", "HEAD"], status_code=303, response_class=Response,
                  responses=responses(see_other("/catalog for HTML, /catalog.ttl (.nt, .jsonld, .rdf) for the RDF "
                                                "format Accept prefers"), errors(406)))
@router.api_route("/dataset/service/sparql", methods=["GET", "HEAD"])
def dataset(request: Request):
    """The dataset and its SPARQL data service: described by the DCAT catalog (the dataset by VoID too)."""
    return _see_other(request, "/catalog", lambda suffix: f"/catalog.{suffix}")


@router.api_route("/dataset/distribution/{name}", methods=["GET", "HEAD"])
def dataset_distribution(name: str, request: Request):
    """A dump's dcat:Distribution: in the catalog while the dump manifest lists the file."""
    if not any(e["name"] == name for e in dump_manifest(request)):
        resp = _not_minted(request, f"dataset/distribution/{name}")
        resp.headers["Cache-Control"] = "no-store"   # the manifest changes without the store: do not keep the 404
        return resp
    return _see_other(request, "/catalog", lambda suffix: f"/catalog.{suffix}")


@router.api_route("/dataset/{kind}/{h}", methods=["GET", "HEAD"])
def dataset_partition(kind: str, h: str, request: Request):
    """A VoID class or property partition: described by the VoID document (browsers get the catalog page, which
    links to it; VoID has no HTML form)."""
    path = f"dataset/{kind}/{h}"
    if (kind not in ("class", "property") or not re.fullmatch(r"[0-9a-f]{12}", h)
            or settings(request).base_iri + path not in _partitions(request)):
        return _not_minted(request, path)
    return _see_other(request, "/catalog", lambda suffix: "/.well-known/void")


@router.api_route("/graph/entities", methods=["GET", "HEAD"])
def graph_entities(request: Request):
    """The shared graph of agencies, instruments, events and regions is too large to send in one answer: browsers
    go to the dumps page, RDF clients to the VoID description (its dumps, endpoint and URI space)."""
    return _see_other(request, "/dumps", lambda suffix: "/.well-known/void")


@router.api_route("/graph/ontology", methods=["GET", "HEAD"])
def graph_ontology(request: Request):
    return _see_other(request, "/ontology", lambda suffix: f"/ontology.{suffix}")


@router.api_route("/graph/build", methods=["GET", "HEAD"])
@router.api_route("/graph/build.{suffix}", methods=["GET", "HEAD"])
def graph_build(request: Request):
    """graph/build records which source files each report graph was built from: bookkeeping, never published."""
    return error_page(request, 404, "not_found", "graph/build is internal build bookkeeping and is not published.")


@router.api_route("/graph/report/{h}", methods=["GET", "HEAD"], response_class=Response,
                  responses=responses(ok(RDF_TYPES, "The graph in the RDF format the suffix names, else the one "
                                                     "Accept prefers (Content-Location names the suffixed form)"),
                                      see_other("Clients that prefer HTML: the report's page"), errors(404, 406)))
def report_graph(request: Request,
                 h: str = PathParam(description="The report's key, as in its IRI id/report/{h}; a .ttl, .nt, .jsonld "
                                                "or .rdf suffix picks the format")):
    """A report's named graph, as a SPARQL Graph Store Protocol GET of it would give it: Turtle, N-Triples,
    JSON-LD or RDF/XML by Accept or by a .ttl/.nt/.jsonld/.rdf suffix. Browsers (HTML) get a 303 to the report's
    page. The report is the gk:Report in the graph; Minter.graph names the graph after it (id/report/{h})."""
    stem, dot, ext = h.rpartition(".")
    suffix = ext if dot and ext in RDF_FORMATS else None
    key = stem if suffix else h
    base = settings(request).base_iri
    name = f"{base}graph/report/{key}"
    if not _REPORT_KEY.fullmatch(key):
        return _not_minted(request, f"graph/report/{key}")
    svc = service(request)
    ref = iri_ref(name)
    if not svc.store.query(f"ASK {{ GRAPH {ref} {{ ?s ?p ?o }} }}").boolean:
        return error_page(request, 404, "not_found", name)
    headers = {"Vary": "Accept"}
    if suffix is None:
        reports = [str(r["r"]) for r in svc.store.query(
            f"SELECT ?r WHERE {{ GRAPH {ref} {{ ?r a {iri_ref(str(GK.Report))} }} }} LIMIT 10").rows]
        named = f"{base}id/report/{key}"
        report = named if named in reports else (reports[0] if reports else None)
        offers = (["text/html"] if report else []) + RDF_TYPES
        chosen = negotiate(request.headers.get("accept"), offers)
        if chosen is None:
            return not_acceptable(request, offers)
        if chosen == "text/html":
            return RedirectResponse(href_for(request, report), status_code=303, headers=headers)
        suffix = ENTITY_TYPES[chosen]
        headers["Content-Location"] = f"{root(request)}/graph/report/{quote_path(key)}.{suffix}"
    res = svc.store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {ref} {{ ?s ?p ?o }} }}",
                          max_rows=GRAPH_TRIPLES_CAP)
    g = bind_prefixes(Graph(identifier=URIRef(name)))
    for t in res.triples:
        g.add(t)
    if res.truncated:
        headers["X-GovKG-Truncated"] = "true"
    return rdf_response(g, suffix, headers)


@router.api_route("/healthz", methods=["GET", "HEAD"],
                  responses={503: {"description": "The store does not answer",
                                   "content": {"application/json": {"schema": {"type": "object"}}}}})
def healthz(request: Request):
    svc = service(request)
    try:
        ok = bool(svc.store.query("ASK { }").boolean)
    except Exception as exc:  # report, never raise: this is what a load balancer polls
        log.error("health check failed: %s", exc)
        return Response('{"status": "error"}', status_code=503, media_type="application/json",
                        headers={"Cache-Control": "no-store"})
    return Response(json.dumps({"status": "ok" if ok else "error", "generation": svc.store.generation()}),
                    media_type="application/json",
                    headers={"Cache-Control": "no-store"})
