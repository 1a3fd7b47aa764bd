"""The ontology and SKOS schemes as one rdflib graph (ontology/*.ttl), loaded once per process."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from rdflib import Graph

from kg.config import ROOT
from kg.rdf.namespaces import bind_prefixes

ONTOLOGY_DIR = ROOT / "ontology"


def ontology_files() -> list[Path]:
    return sorted(ONTOLOGY_DIR.glob("*.ttl"))


@lru_cache(maxsize=1)
def _cached() -> Graph:
    g = bind_prefixes(Graph())
    for path in ontology_files():
        g.parse(path, format="turtle")
    return g


def ontology_graph() -> Graph:
    """A fresh copy (callers may add to it) of ontology/*.ttl: classes, properties and the SKOS schemes."""
    copy = bind_prefixes(Graph())
    for t in _cached():
        copy.add(t)
    return copy
