"""The DCAT catalog: how a portal (data.europa.eu-style harvesters, DCAT-AP 3.0.1) finds and checks our data.

One dcat:Catalog with one dcat:Dataset (also a void:Dataset), a dcat:Distribution per dump file (with size and a
SHA-256 checksum) and a dcat:DataService for the SPARQL endpoint. IRIs, all under settings.base_iri:

    {base}catalog                        the catalog; {base}catalog#publisher, #contact, #temporal
    {base}dataset                        the dataset
    {base}dataset/distribution/{file}    one per dump; downloadURL {base}dumps/{file}
    {base}dataset/service/sparql         the data service; endpointURL {base}sparql

DCAT-AP's range shapes check the class of every IRI we point at. Without the vocabularies loaded (a validator
working offline, or one that does not fetch owl:imports) only explicit rdf:type triples say what those IRIs are,
so the graph carries them (language, licence, media types, file types, frequency, theme, standard, location ...),
with a label for the SKOS concepts among them because DCAT-AP requires skos:prefLabel on every concept it sees.
"""
from __future__ import annotations

from datetime import datetime, timezone

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, VOID, XSD

from kg.config import Settings
from kg.rdf.namespaces import DCATAP, GK, SPDX, VCARD, bind_prefixes
from kg.store.base import Store

EU = "http://publications.europa.eu/resource/authority/"
LANG_ZH = URIRef(EU + "language/ZHO")
THEME_SCHEME = URIRef(EU + "data-theme")
THEME_GOVE = URIRef(EU + "data-theme/GOVE")
ANNUAL = URIRef(EU + "frequency/ANNUAL")
STABLE = URIRef(EU + "planned-availability/STABLE")
CHINA = URIRef("https://sws.geonames.org/1814991/")
IANA = "https://www.iana.org/assignments/media-types/"
GZIP = URIRef(IANA + "application/gzip")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
# DCAT-AP's code-list shape wants the https form, although the spdx: namespace itself is http.
SHA256_ALGORITHM = URIRef("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")

TITLE = {"zh-Hans": "政府年度报告知识图谱", "en": "GovKG: knowledge graph of Chinese government annual reports"}
DESCRIPTION = {
    "zh-Hans": "从政府部门年度报告（如法治政府建设年度报告）中抽取的关联数据：机构、报告、举措、引用的法律法规及事件，"
               "每项事实附原文出处（W3C Web Annotation）。",
    "en": "Linked data read from Chinese government annual reports (such as the annual rule-of-law government "
          "reports): agencies, reports, initiatives, cited legal instruments and events, each fact with its "
          "evidence in the report text (W3C Web Annotation).",
}
CATALOG_TITLE = {"zh-Hans": "GovKG 开放数据目录", "en": "GovKG open data catalogue"}
CATALOG_DESCRIPTION = {"zh-Hans": "GovKG 数据集、数据转储与 SPARQL 查询服务。",
                       "en": "The GovKG dataset, its dumps and its SPARQL query service."}


def _field(d, name, default=None):
    """Dumps come as DumpInfo objects or as the web tier's dicts."""
    if isinstance(d, dict):
        return d.get(name, default)
    return getattr(d, name, default)


def _labels(g: Graph, node, prop, texts: dict[str, str]):
    for lang, text in texts.items():
        g.add((node, prop, Literal(text, lang=lang)))


def year_range(store: Store) -> tuple[int, int] | None:
    """First and last gk:yearCovered in the store (a bounded aggregate)."""
    q = f"""SELECT (MIN(?y) AS ?first) (MAX(?y) AS ?last) WHERE {{
        ?r <{GK.yearCovered}> ?v . BIND(xsd:integer(SUBSTR(STR(?v), 1, 4)) AS ?y) }}"""
    rows = store.query("PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n" + q).rows
    if not rows or "first" not in rows[0]:
        return None
    return int(rows[0]["first"]), int(rows[0]["last"])


def _typed(g: Graph, iri: URIRef, cls: URIRef, label: str | None = None):
    g.add((iri, RDF.type, cls))
    if cls == SKOS.Concept and label:
        g.add((iri, SKOS.prefLabel, Literal(label, lang="en")))
        if str(iri).startswith(EU):   # an EU authority table's concept: say which table, so DCAT-AP's
            scheme = URIRef(str(iri).rsplit("/", 1)[0])   # code-list check needs no download of the tables
            g.add((iri, SKOS.inScheme, scheme))
            g.add((scheme, RDF.type, SKOS.ConceptScheme))
            g.add((scheme, DCTERMS.title, Literal(str(scheme).rsplit("/", 1)[-1].replace("-", " "), lang="en")))


def data_modified(store: Store | None, dumps=()) -> str:
    """The dataset's dct:modified, the same in the catalog and in VoID (a harvester merging the two must find one
    value: DCAT-AP allows at most one): when the store generation holding the data was published; without a store
    (or a time for it), when the newest dump was written; else now."""
    published = store.published_at(store.generation()) if store is not None else None
    if published is not None:
        return datetime.fromtimestamp(published, timezone.utc).replace(microsecond=0).isoformat()
    return max((_field(d, "modified") or "" for d in dumps), default="") or \
        datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def catalog_graph(store: Store | None, settings: Settings, dumps=()) -> Graph:
    base = settings.base_iri
    g = bind_prefixes(Graph())
    g.bind("dcatap", DCATAP)
    g.bind("vcard", VCARD)
    catalog = URIRef(base + "catalog")
    dataset = URIRef(base + "dataset")
    service = URIRef(base + "dataset/service/sparql")
    publisher = URIRef(base + "catalog#publisher")
    contact = URIRef(base + "catalog#contact")
    homepage = URIRef(base)
    endpoint = URIRef(base + "sparql")
    licence = URIRef(settings.license_iri)
    modified_lit = Literal(data_modified(store, dumps), datatype=XSD.dateTime)

    # publisher and contact point
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal(settings.publisher_name)))
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(settings.publisher_name)))
    g.add((contact, VCARD.hasEmail, URIRef("mailto:" + settings.contact_email)))

    # catalog
    g.add((catalog, RDF.type, DCAT.Catalog))
    _labels(g, catalog, DCTERMS.title, CATALOG_TITLE)
    _labels(g, catalog, DCTERMS.description, CATALOG_DESCRIPTION)
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, DCTERMS.language, LANG_ZH))
    g.add((catalog, DCTERMS.license, licence))
    g.add((catalog, DCTERMS.modified, modified_lit))
    g.add((catalog, DCTERMS.spatial, CHINA))
    g.add((catalog, FOAF.homepage, homepage))
    g.add((catalog, DCAT.themeTaxonomy, THEME_SCHEME))
    g.add((catalog, DCAT.dataset, dataset))
    g.add((catalog, DCAT.service, service))

    # dataset
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, RDF.type, VOID.Dataset))
    _labels(g, dataset, DCTERMS.title, TITLE)
    _labels(g, dataset, DCTERMS.description, DESCRIPTION)
    g.add((dataset, DCTERMS.publisher, publisher))
    g.add((dataset, DCAT.contactPoint, contact))
    g.add((dataset, DCTERMS.license, licence))
    g.add((dataset, DCTERMS.language, LANG_ZH))
    g.add((dataset, DCTERMS.modified, modified_lit))
    g.add((dataset, DCTERMS.spatial, CHINA))
    g.add((dataset, DCTERMS.accrualPeriodicity, ANNUAL))
    g.add((dataset, DCAT.theme, THEME_GOVE))
    g.add((dataset, DCAT.landingPage, homepage))
    for kw, lang in (("法治政府", "zh-Hans"), ("政府年度报告", "zh-Hans"), ("government reports", "en"),
                     ("rule of law", "en"), ("linked data", "en")):
        g.add((dataset, DCAT.keyword, Literal(kw, lang=lang)))
    years = year_range(store) if store is not None else None
    if years:
        period = URIRef(base + "catalog#temporal")
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, Literal(f"{years[0]:04d}-01-01", datatype=XSD.date)))
        g.add((period, DCAT.endDate, Literal(f"{years[1]:04d}-12-31", datatype=XSD.date)))
        g.add((dataset, DCTERMS.temporal, period))
    g.add((dataset, VOID.sparqlEndpoint, endpoint))
    g.add((dataset, VOID.uriSpace, Literal(base + "id/")))
    union = next((d for d in dumps if _field(d, "format") == "ntriples" or
                  str(_field(d, "name", "")).endswith(".nt.gz")), None)
    if union is not None and _field(union, "triples") is not None:
        g.add((dataset, VOID.triples, Literal(int(_field(union, "triples")), datatype=XSD.integer)))

    # one distribution per dump
    media_types, file_types = set(), set()
    for d in dumps:
        name = _field(d, "name")
        dist = URIRef(f"{base}dataset/distribution/{name}")
        download = URIRef(f"{base}dumps/{name}")
        media = URIRef(IANA + _field(d, "media_type"))
        file_type = URIRef(EU + "file-type/" + (_field(d, "eu_file_type") or _eu_file_type(name)))
        media_types.add(media)
        file_types.add(file_type)
        g.add((dataset, DCAT.distribution, dist))
        g.add((dataset, VOID.dataDump, download))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(_field(d, "label") or name, lang="en")))
        g.add((dist, DCTERMS.description, Literal(f"{name}: the whole dataset, gzip-compressed", lang="en")))
        g.add((dist, DCAT.accessURL, URIRef(base + "dumps")))
        g.add((dist, DCAT.downloadURL, download))
        g.add((dist, DCAT.mediaType, media))
        g.add((dist, DCAT.compressFormat, GZIP))
        g.add((dist, DCTERMS.format, file_type))
        g.add((dist, DCTERMS.license, licence))
        g.add((dist, DCATAP.availability, STABLE))
        g.add((dist, DCAT.byteSize, Literal(int(_field(d, "size")), datatype=XSD.nonNegativeInteger)))
        if _field(d, "modified"):   # each dump writes a new file: it was issued when it was written
            written = Literal(_field(d, "modified"), datatype=XSD.dateTime)
            g.add((dist, DCTERMS.issued, written))
            g.add((dist, DCTERMS.modified, written))
        if _field(d, "sha256"):
            checksum = BNode()
            g.add((dist, SPDX.checksum, checksum))
            g.add((checksum, RDF.type, SPDX.Checksum))
            g.add((checksum, SPDX.algorithm, SHA256_ALGORITHM))
            g.add((checksum, SPDX.checksumValue, Literal(_field(d, "sha256"), datatype=XSD.hexBinary)))

    # the SPARQL endpoint
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal("GovKG SPARQL 1.1 query endpoint (read-only)", lang="en")))
    g.add((service, DCTERMS.title, Literal("GovKG SPARQL 查询服务（只读）", lang="zh-Hans")))
    g.add((service, DCAT.endpointURL, endpoint))
    g.add((service, DCAT.endpointDescription, endpoint))   # answers with a SPARQL service description
    g.add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    g.add((service, DCAT.servesDataset, dataset))
    g.add((service, DCTERMS.publisher, publisher))
    g.add((service, DCAT.contactPoint, contact))
    g.add((service, DCTERMS.license, licence))
    g.add((service, DCAT.theme, THEME_GOVE))
    g.add((service, DCAT.keyword, Literal("SPARQL", lang="en")))

    # what the IRIs we point at are (see the module docstring)
    _typed(g, LANG_ZH, DCTERMS.LinguisticSystem)
    _typed(g, LANG_ZH, SKOS.Concept, "Chinese")
    _typed(g, licence, DCTERMS.LicenseDocument)
    _typed(g, CHINA, DCTERMS.Location)
    _typed(g, homepage, FOAF.Document)
    _typed(g, ANNUAL, DCTERMS.Frequency)
    _typed(g, ANNUAL, SKOS.Concept, "annual")
    _typed(g, THEME_GOVE, SKOS.Concept, "Government and public sector")
    _typed(g, STABLE, SKOS.Concept, "stable")
    _typed(g, SPARQL_PROTOCOL, DCTERMS.Standard)
    _typed(g, SHA256_ALGORITHM, SPDX.ChecksumAlgorithm)
    _typed(g, GZIP, DCTERMS.MediaType)
    for m in media_types:
        _typed(g, m, DCTERMS.MediaType)
    for f in file_types:
        _typed(g, f, DCTERMS.MediaTypeOrExtent)
        _typed(g, f, SKOS.Concept, str(f).rsplit("/", 1)[-1].replace("_", " "))
    return g


def _eu_file_type(name: str) -> str:
    for suffix, code in ((".nt.gz", "RDF_N_TRIPLES"), (".nq.gz", "RDF_N_QUADS"), (".ttl.gz", "RDF_TURTLE"),
                         (".jsonld.gz", "JSON_LD"), (".trig.gz", "RDF_TRIG")):
        if name.endswith(suffix):
            return code
    return "GZIP"
