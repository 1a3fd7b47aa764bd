"""Distribution: dump files, DCAT catalog, VoID, sitemap, robots.txt, ontology and shapes as Turtle, /healthz.

Thin routes over kg.publish (dumps.py writes the files and their manifest; catalog.py, void.py and sitemap.py make
the descriptions).
"""
from __future__ import annotations

import email.utils
import json
import logging
import os
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from rdflib import Graph
from starlette.responses import FileResponse, PlainTextResponse, Response

from kg.config import ROOT
from kg.publish import catalog as dcat_catalog
from kg.publish import sitemap as sitemaps
from kg.publish import void as void_description
from kg.publish.dumps import read_manifest
from kg.rdf.namespaces import bind_prefixes
from kg.web.common import RDF_FORMATS, json_response, rdf_response, render, root, service, settings
from kg.web.conneg import negotiate

log = logging.getLogger("kg.web.publish")
router = APIRouter()


# --- dumps ---------------------------------------------------------------------------------------------------

def dump_manifest(request: Request) -> list[dict]:
    """[{name, size, sha256, media_type, ...}] of the dump files listed in the manifest kg.publish.dumps wrote;
    only files that are really there."""
    d = Path(settings(request).dumps_dir)
    out = []
    for e in read_manifest(d):
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
    vary = {"Vary": "Accept"}   # HTML or JSON by Accept: shared caches must keep them apart
    if format == "json" or negotiate(request.headers.get("accept"), ["text/html", "application/json"]) == "application/json":
        return json_response({"dumps": items}, vary)
    return render(request, "dumps.html", {"items": items}, headers=vary)


@router.api_route("/dumps.json", methods=["GET", "HEAD"])
def dumps_json(request: Request):
    return json_response({"dumps": dump_manifest(request)})


@router.api_route("/dumps/{name}", methods=["GET", "HEAD"])
def dump_file(name: str, request: Request):
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
    if (inm and etag in [x.strip().removeprefix("W/") for x in inm.split(",")]) or (
            not inm and ims and _not_modified_since(ims, st.st_mtime)):
        return Response(status_code=304, headers={"ETag": etag, "Last-Modified": last_modified})
    # .gz files go out as they are (no Content-Encoding), so the bytes match the published SHA-256
    return FileResponse(path, media_type=entry["serve_type"], filename=entry["name"],
                        headers={"ETag": etag, "Last-Modified": last_modified, "Cache-Control": "public, max-age=3600"})


def _not_modified_since(header: str, mtime: float) -> bool:
    try:
        return int(mtime) <= email.utils.parsedate_to_datetime(header).timestamp()
    except (TypeError, ValueError):
        return False


# --- catalog and VoID ------------------------------------------------------------------------------------

def _site(request: Request) -> str:
    return str(request.base_url).rstrip("/") + root(request)


def catalog_graph(request: Request) -> Graph:
    return dcat_catalog.catalog_graph(service(request).store, settings(request), dump_manifest(request))


def void_graph(request: Request) -> Graph:
    return void_description.void_graph(service(request).store, settings(request), dump_manifest(request))


def _graph_conneg(request: Request, g: Graph, suffix: str | None, html_template: str | None, ctx: dict):
    if suffix is None:
        offers = (["text/html"] if html_template else []) + [mt for mt, _ in RDF_FORMATS.values()]
        chosen = negotiate(request.headers.get("accept"), offers)
        if chosen is None:
            return Response("406 Not Acceptable\n", status_code=406, media_type="text/plain")
        if chosen == "text/html":
            return render(request, html_template, {**ctx, "turtle": g.serialize(format="turtle")},
                          headers={"Vary": "Accept"})
        suffix = next(k for k, (mt, _) in RDF_FORMATS.items() if mt == chosen)
    return rdf_response(g, suffix, {"Vary": "Accept"})


@router.api_route("/catalog", methods=["GET", "HEAD"])
def catalog(request: Request):
    return _graph_conneg(request, catalog_graph(request), None, "catalog.html", {"dumps": dump_manifest(request)})


@router.api_route("/catalog.{suffix}", methods=["GET", "HEAD"])
def catalog_suffix(suffix: str, request: Request):
    if suffix not in RDF_FORMATS:
        raise HTTPException(404)
    return _graph_conneg(request, catalog_graph(request), suffix, None, {})


@router.api_route("/.well-known/void", methods=["GET", "HEAD"])
def void(request: Request):
    return _graph_conneg(request, void_graph(request), None, None, {})


# --- sitemap, robots -----------------------------------------------------------------------------------------

@router.api_route("/sitemap.xml", methods=["GET", "HEAD"])
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

@router.api_route("/ontology.ttl", methods=["GET", "HEAD"])
def ontology_ttl(request: Request):
    return rdf_response(service(request).ontology_graph(), "ttl")


@router.api_route("/shapes.ttl", methods=["GET", "HEAD"])
def shapes_ttl(request: Request):
    g = bind_prefixes(Graph())
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        g.parse(path, format="turtle")
    return rdf_response(g, "ttl")


@router.api_route("/healthz", methods=["GET", "HEAD"])
def healthz(request: Request):
    svc = service(request)
    try:
        ok = bool(svc.store.query("ASK { }").boolean)
    except Exception as exc:  # report, never raise: this is what a load balancer polls
        log.error("health check failed: %s", exc)
        return Response('{"status": "error"}', status_code=503, media_type="application/json",
                        headers={"Cache-Control": "no-store"})
    return Response(json.dumps({"status": "ok" if ok else "error", "generation": svc.store.generation(),
                                "pid": os.getpid()}), media_type="application/json",
                    headers={"Cache-Control": "no-store"})
