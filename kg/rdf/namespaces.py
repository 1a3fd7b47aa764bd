"""Vocabulary used by every later stage: the GovKG ontology namespace and the standard ones it aligns to.

The ontology namespace is fixed (it names terms, not data); instance IRIs live under the configurable base
(kg.config.Settings.base_iri) and are minted in kg.rdf.iris.
"""
from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD  # noqa: F401

GK = Namespace("https://w3id.org/govkg/def#")              # classes and properties (ontology/govkg.ttl)
KIND = Namespace("https://w3id.org/govkg/def/instrument-kind/")  # SKOS scheme of instrument kinds
LEVEL = Namespace("https://w3id.org/govkg/def/level/")     # national | local
SCHEMA = Namespace("https://schema.org/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")
CV = Namespace("http://data.europa.eu/m8g/")
DCATAP = Namespace("http://data.europa.eu/r5r/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

KIND_SCHEME = "https://w3id.org/govkg/def/instrument-kind"
LEVEL_SCHEME = "https://w3id.org/govkg/def/level"
ONTOLOGY_IRI = "https://w3id.org/govkg/def"
LANG_ZH = "zh-Hans"   # BCP 47 tag of every Chinese label (script, not country: see ontology-standards.md §9)

PREFIXES = {
    "gk": GK, "kind": KIND, "level": LEVEL, "schema": SCHEMA, "eli": ELI, "oa": OA, "dct": DCTERMS,
    "prov": PROV, "skos": SKOS, "org": ORG, "foaf": FOAF, "rdfs": RDFS, "rdf": RDF, "xsd": XSD, "owl": OWL,
    "dcat": DCAT, "void": VOID, "cv": CV, "spdx": SPDX,
}


def bind_prefixes(graph):
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    return graph


def sparql_prefixes() -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
