"""Distribution: dump files, DCAT catalog, VoID, sitemap, robots.txt, ontology and shapes as Turtle, /healthz.

The graphs come from kg.publish (catalog.py, void.py, sitemap.py, dumps.py) when those modules provide them;
until then a small built-in version is served, so the routes and their tests do not wait on them.
"""
from __future__ import annotations

import email.utils
import hashlib
import inspect
import json
import logging
import os
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from fastapi import APIRouter, HTTPException, Request
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, VOID, XSD
from starlette.responses import FileResponse, PlainTextResponse, Response

from kg.config import ROOT
from kg.rdf.namespaces import GK, bind_prefixes
from kg.web.common import RDF_FORMATS, json_response, rdf_response, render, root, service, settings
from kg.web.conneg import negotiate
from kg.web.service import CLASSES, iri_ref

log = logging.getLogger("kg.web.publish")
router = APIRouter()

DUMP_MEDIA = {".nq": "application/n-quads", ".nt": "application/n-triples", ".ttl": "text/turtle",
              ".trig": "application/trig", ".jsonld": "application/ld+json", ".gz": "application/gzip"}


def _call(module: str, func: str, **available):
    """kg.publish.<module>.<func>(...) with whichever of `available` it accepts; None if it does not exist."""
    try:
        mod = __import__(f"kg.publish.{module}", fromlist=[func])
        fn = getattr(mod, func)
    except (ImportError, AttributeError):
        return None
    params = inspect.signature(fn).parameters
    required = [n for n, p in params.items() if p.default is p.empty
                and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    if any(n not in available for n in required):  # a signature we do not know how to fill: use ours
        log.warning("kg.publish.%s.%s%s not understood; serving the built-in version", module, func,
                    inspect.signature(fn))
        return None
    return fn(**{k: v for k, v in available.items() if k in params})


# --- dumps ---------------------------------------------------------------------------------------------------

@lru_cache(maxsize=256)
def _sha256(path: str, mtime: float, size: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def dump_manifest(request: Request) -> list[dict]:
    """[{name, size, sha256, media_type, ...}] of the dump files: the manifest kg.publish.dumps wrote
    (dumps.json) when that module is there; else a manifest file; else the directory itself (hashes cached)."""
    s = settings(request)
    d = Path(s.dumps_dir)
    entries = _call("dumps", "read_manifest", out_dir=d)
    if entries is None:
        for fname in ("dumps.json", "manifest.json"):
            if (d / fname).is_file():
                try:
                    raw = json.loads((d / fname).read_text("utf-8"))
                    entries = raw.get("dumps", []) if isinstance(raw, dict) else raw
                except (OSError, ValueError):
                    log.warning("unreadable dump manifest %s", d / fname)
                break
    if entries is None:
        entries = []
        if d.is_dir():
            for p in sorted(d.iterdir()):
                if p.is_file() and not p.name.startswith(".") and p.suffix != ".json":
                    st = p.stat()
                    entries.append({"name": p.name, "size": st.st_size, "sha256": _sha256(str(p), st.st_mtime, st.st_size)})
    out = []
    for e in entries:
        e = e if isinstance(e, dict) else dict(vars(e))
        name = Path(str(e.get("name") or "")).name
        if not name or name.startswith(".") or not (d / name).is_file():
            continue
        gz = e.get("encoding") == "gzip" or name.endswith(".gz")
        inner = e.get("media_type") or DUMP_MEDIA.get(Path(name.removesuffix(".gz")).suffix, "application/octet-stream")
        out.append({"name": name, "size": int(e.get("size") or (d / name).stat().st_size),
                    "sha256": e.get("sha256") or "", "media_type": inner, "gzip": gz,
                    "serve_type": "application/gzip" if gz else inner, "label": e.get("label") or "",
                    "triples": e.get("triples"), "modified": e.get("modified") or ""})
    return out


@router.api_route("/dumps", methods=["GET", "HEAD"])
def dumps_page(request: Request, format: str | None = None):
    items = dump_manifest(request)
    if format == "json" or negotiate(request.headers.get("accept"), ["text/html", "application/json"]) == "application/json":
        return json_response({"dumps": items})
    return render(request, "dumps.html", {"items": items})


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
    s = settings(request)
    svc = service(request)
    dumps = dump_manifest(request)
    g = _call("catalog", "catalog_graph", store=svc.store, settings=s, dumps=dumps, dump_infos=dumps,
              base_url=_site(request), site=_site(request))
    if isinstance(g, Graph):
        return g
    # Built-in fallback: DCAT-AP's mandatory core (catalog, dataset, distributions, SPARQL data service).
    g = bind_prefixes(Graph())
    site = _site(request)
    cat, ds = URIRef(s.base_iri + "catalog"), URIRef(s.base_iri + "dataset")
    pub = URIRef(s.base_iri + "id/publisher")
    g.add((pub, RDF.type, FOAF.Agent))
    g.add((pub, FOAF.name, Literal(s.publisher_name)))
    g.add((cat, RDF.type, DCAT.Catalog))
    g.add((cat, DCTERMS.title, Literal("GovKG", lang="en")))
    g.add((cat, DCTERMS.description, Literal("Linked data read from Chinese government annual reports.", lang="en")))
    g.add((cat, DCTERMS.publisher, pub))
    g.add((cat, DCAT.dataset, ds))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal("GovKG 政府年度报告知识图谱", lang="zh-Hans")))
    g.add((ds, DCTERMS.title, Literal("GovKG knowledge graph of government annual reports", lang="en")))
    g.add((ds, DCTERMS.description, Literal("Agencies, reports, initiatives, cited legal instruments and events, "
                                           "each fact with its evidence in the report text.", lang="en")))
    g.add((ds, DCTERMS.publisher, pub))
    g.add((ds, DCTERMS.license, URIRef(s.license_iri)))
    g.add((ds, DCAT.landingPage, URIRef(site + "/")))
    g.add((ds, DCTERMS.conformsTo, URIRef("https://w3id.org/govkg/def")))
    api = URIRef(site + "/sparql")
    g.add((api, RDF.type, DCAT.DataService))
    g.add((api, DCTERMS.title, Literal("GovKG SPARQL endpoint", lang="en")))
    g.add((api, DCAT.endpointURL, api))
    g.add((api, DCAT.servesDataset, ds))
    g.add((api, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    for d in dumps:
        dist = URIRef(f"{s.base_iri}dataset/distribution/{d['name']}")
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.accessURL, URIRef(f"{site}/dumps")))
        g.add((dist, DCAT.downloadURL, URIRef(f"{site}/dumps/{d['name']}")))
        g.add((dist, DCAT.mediaType, URIRef("https://www.iana.org/assignments/media-types/" + d["media_type"])))
        g.add((dist, DCAT.byteSize, Literal(d["size"], datatype=XSD.nonNegativeInteger)))
        g.add((dist, DCTERMS.license, URIRef(s.license_iri)))
    return g


def void_graph(request: Request) -> Graph:
    s = settings(request)
    svc = service(request)
    g = _call("void", "void_graph", store=svc.store, settings=s, dumps=dump_manifest(request), base_url=_site(request))
    if isinstance(g, Graph):
        return g
    g = bind_prefixes(Graph())
    site = _site(request)
    ds = URIRef(s.base_iri + "dataset")
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, DCTERMS.title, Literal("GovKG", lang="en")))
    g.add((ds, DCTERMS.license, URIRef(s.license_iri)))
    g.add((ds, VOID.sparqlEndpoint, URIRef(site + "/sparql")))
    g.add((ds, VOID.uriSpace, Literal(s.base_iri + "id/")))
    g.add((ds, VOID.vocabulary, URIRef(str(GK))))
    g.add((ds, VOID.triples, Literal(svc.graph_stats()["quads"], datatype=XSD.integer)))
    g.add((ds, VOID.rootResource, URIRef(site + "/")))
    for d in dump_manifest(request):
        g.add((ds, VOID.dataDump, URIRef(f"{site}/dumps/{d['name']}")))
    for slug, n in svc.class_counts().items():
        part = BNode(f"class-{slug}")
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], CLASSES[slug]))
        g.add((part, VOID.entities, Literal(n, datatype=XSD.integer)))
    rows = svc.store.query(f"SELECT ?s WHERE {{ ?s a {iri_ref(str(GK.Report))} }} LIMIT 3").rows
    for r in rows:
        g.add((ds, VOID.exampleResource, r["s"]))
    return g


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
    site = _site(request)
    svc = service(request)
    s = settings(request)
    body = _call("sitemap", "sitemap_xml", store=svc.store, settings=s, base_url=site, site=site)
    if isinstance(body, (str, bytes)):
        return Response(body, media_type="application/xml")
    urls = [site + "/", site + "/ontology", site + "/dumps", site + "/catalog"] + [f"{site}/{slug}" for slug in CLASSES]
    # One sitemap holds at most 50,000 URLs; entity pages of the shared and report nodes come first.
    values = " ".join(iri_ref(str(c)) for c in CLASSES.values())
    rows = svc.store.query(f"SELECT DISTINCT ?s WHERE {{ VALUES ?c {{ {values} }} ?s a ?c }} LIMIT 49000").rows
    prefix = s.base_iri + "id/"
    urls += [f"{site}/doc/{str(r['s'])[len(prefix):]}" for r in rows if str(r["s"]).startswith(prefix)]
    xml = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    xml += [f"<url><loc>{xml_escape(u)}</loc></url>" for u in urls]
    xml.append("</urlset>\n")
    return Response("\n".join(xml), media_type="application/xml")


@router.api_route("/sitemap-{page}.xml", methods=["GET", "HEAD"])
def sitemap_page(page: int, request: Request):
    """Pages of the sitemap index kg.publish.sitemap writes when there are more than 50,000 entities."""
    if page < 0:
        raise HTTPException(404)
    try:
        body = _call("sitemap", "sitemap_xml", store=service(request).store, settings=settings(request), page=page)
    except ValueError:   # past the last page
        raise HTTPException(404) from None
    if not isinstance(body, (str, bytes)):
        raise HTTPException(404)
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
