"""VoID description of the dataset: size, class and property partitions, endpoint, dumps, URI space, vocabularies.

The figures come from aggregate queries over the union of all graphs; each is bounded (GROUP BY with a LIMIT), so
the description costs a few scans of the store whatever the data. Counts are over the union default graph: a triple
held by two graphs counts twice in a property partition (the layout keeps that rare: shared nodes are described
once, in graph/entities). void:triples comes from the N-Triples dump when there is one (exact, each triple once).
"""
from __future__ import annotations

import hashlib

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID, XSD

from kg.config import Settings
from kg.publish.catalog import TITLE, _field, data_modified
from kg.store.base import Store
from kg.store.oxicore import UNION_COUNT

MAX_PARTITIONS = 500


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[:cut + 1]


def _count(store: Store, sparql: str) -> int:
    rows = store.query(sparql).rows
    return int(rows[0]["n"]) if rows and "n" in rows[0] else 0


def partition_iri(base: str, kind: str, term) -> str:
    """{base}dataset/class/{h} or {base}dataset/property/{h}: h = sha256 of the class or property IRI, first 12."""
    return f"{base}dataset/{kind}/{hashlib.sha256(str(term).encode()).hexdigest()[:12]}"


def _class_rows(store: Store) -> list:
    return store.query(f"""SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?c }}
        GROUP BY ?c ORDER BY DESC(?n) ?c LIMIT {MAX_PARTITIONS}""").rows


def _property_rows(store: Store) -> list:
    return store.query(f"""SELECT ?p (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }}
        GROUP BY ?p ORDER BY DESC(?n) ?p LIMIT {MAX_PARTITIONS}""").rows


def partition_iris(store: Store, base: str) -> set[str]:
    """The IRIs of the class and property partitions void_graph describes (the same queries, without the counts
    the rest of the description needs), for answering whether such an IRI was minted."""
    snap = store.snapshot()
    try:
        return ({partition_iri(base, "class", r["c"]) for r in _class_rows(snap)}
                | {partition_iri(base, "property", r["p"]) for r in _property_rows(snap)})
    finally:
        if snap is not store:
            snap.close()


def void_graph(store: Store, settings: Settings, dumps=()) -> Graph:
    base = settings.base_iri
    snap = store.snapshot()
    try:
        return _describe(snap, settings, dumps)
    finally:
        if snap is not store:
            snap.close()


def _describe(store: Store, settings: Settings, dumps) -> Graph:
    base = settings.base_iri
    uri_space = base + "id/"
    g = Graph()
    g.bind("void", VOID)
    g.bind("dct", DCTERMS)
    ds = URIRef(base + "dataset")
    g.add((ds, RDF.type, VOID.Dataset))
    for lang, title in TITLE.items():   # the dataset the DCAT catalog describes, under the same title
        g.add((ds, DCTERMS.title, Literal(title, lang=lang)))
    g.add((ds, DCTERMS.modified, Literal(data_modified(store, dumps), datatype=XSD.dateTime)))   # as the catalog
    g.add((ds, DCTERMS.license, URIRef(settings.license_iri)))
    g.add((ds, VOID.sparqlEndpoint, URIRef(base + "sparql")))
    g.add((ds, VOID.uriSpace, Literal(uri_space)))
    g.add((ds, VOID.rootResource, URIRef(base)))
    for d in dumps:
        g.add((ds, VOID.dataDump, URIRef(f"{base}dumps/{_field(d, 'name')}")))

    union = next((d for d in dumps if str(_field(d, "name", "")).endswith(".nt.gz")), None)
    triples = int(_field(union, "triples")) if union is not None and _field(union, "triples") is not None \
        else _count(store, UNION_COUNT)
    g.add((ds, VOID.triples, Literal(triples, datatype=XSD.integer)))
    entities = _count(store, f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o '
                             f'FILTER(STRSTARTS(STR(?s), "{uri_space}")) }}')
    g.add((ds, VOID.entities, Literal(entities, datatype=XSD.integer)))
    g.add((ds, VOID.distinctSubjects, Literal(
        _count(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"), datatype=XSD.integer)))
    g.add((ds, VOID.distinctObjects, Literal(
        _count(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"), datatype=XSD.integer)))

    classes = _class_rows(store)
    g.add((ds, VOID.classes, Literal(len(classes), datatype=XSD.integer)))
    for row in classes:
        part = URIRef(partition_iri(base, "class", row["c"]))
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], row["c"]))
        g.add((part, VOID.entities, Literal(int(row["n"]), datatype=XSD.integer)))

    props = _property_rows(store)
    g.add((ds, VOID.properties, Literal(len(props), datatype=XSD.integer)))
    vocabularies = set()
    for row in props:
        part = URIRef(partition_iri(base, "property", row["p"]))
        g.add((ds, VOID.propertyPartition, part))
        g.add((part, VOID.property, row["p"]))
        g.add((part, VOID.triples, Literal(int(row["n"]), datatype=XSD.integer)))
        vocabularies.add(_namespace(str(row["p"])))
    for row in classes:
        vocabularies.add(_namespace(str(row["c"])))
    for ns in sorted(v for v in vocabularies if v and not v.startswith(base)):
        g.add((ds, VOID.vocabulary, URIRef(ns)))
    return g
