"""The DCAT catalog conforms to DCAT-AP 3.0.1 (the shapes a portal runs), validated offline with pySHACL."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SH, VOID, XSD

from kg.config import Settings
from kg.publish.catalog import SHA256_ALGORITHM, catalog_graph
from kg.publish.dumps import write_dumps
from kg.rdf.namespaces import GK, SPDX
from kg.store.memory import MemoryStore

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
DCAT_AP = SHARED / "standards" / "dcat-ap" / "3.0.1"
BACKGROUND = Path(__file__).resolve().parent / "dcat_background.ttl"
BASE = "https://data.example.org/govkg/"

# shapes.ttl targets the dcat:DataServiceShape with these two sh:property links that point nowhere;
# pySHACL refuses the whole file unless they are removed (shared/standards/dcat-ap/README.md, finding 5).
DANGLING = ["https://semiceu.github.io/DCAT-AP/releases/3.0.1#dcat:DataServiceShape/dc08f4dca4377fade57f89454e3fa06a8389d314",
            "https://semiceu.github.io/DCAT-AP/releases/3.0.1#dcat:DataServiceShape/eb3ac4e4fdde2e2588a9502c5956060a18c5c99f"]

PROFILES = {
    "Base": ["html-shacl/shapes.ttl"],
    "Range": ["html-shacl/range.ttl"],
    "Rec": ["html-shacl/shapes_recommended.ttl"],
    "Codelists": ["html-shacl/mdr-vocabularies.shape.ttl"],
    "Deprecated": ["html-shacl/deprecateduris.ttl"],
    "Full1": ["shacl/dcat-ap-SHACL.ttl"],
}

needs_shared = pytest.mark.skipif(not DCAT_AP.is_dir(), reason=f"DCAT-AP shapes not found at {DCAT_AP}")


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> Graph:
    settings = replace(Settings(), base_iri=BASE)
    store = MemoryStore()
    with store.transaction() as tx:
        for i, year in enumerate((2021, 2023, 2024)):
            r = URIRef(f"{BASE}id/report/{i}")
            tx.replace_graph(f"{BASE}graph/report/{i}", [
                (r, RDF.type, GK.Report),
                (r, GK.yearCovered, Literal(str(year), datatype=XSD.gYear)),
                (r, DCTERMS.title, Literal(f"报告 {i}", lang="zh-Hans"))])
    dumps = write_dumps(store, tmp_path_factory.mktemp("dumps"), settings)
    return catalog_graph(store, settings, dumps)


def _shapes(files: list[str]) -> Graph:
    g = Graph()
    for f in files:
        g.parse(DCAT_AP / f, format="turtle")
    for iri in DANGLING:
        g.remove((None, SH.property, URIRef(iri)))
    return g


@needs_shared
@pytest.mark.parametrize("profile", list(PROFILES))
def test_catalog_conforms_to_dcat_ap(catalog, profile):
    import pyshacl
    data = Graph()
    data += catalog
    data.parse(BACKGROUND, format="turtle")
    conforms, report, text = pyshacl.validate(data, shacl_graph=_shapes(PROFILES[profile]), inference="none",
                                              do_owl_imports=False, allow_warnings=True)
    # top-level results only: pySHACL nests the failing parts of a sh:node check (sh:detail) as Violations
    # even when the check itself is a Warning, like "publisher not in the EU corporate-body list"
    violations = [r for r in report.objects(None, SH.result) if report.value(r, SH.resultSeverity) == SH.Violation]
    assert conforms and not violations, text


def test_catalog_describes_dumps_service_and_coverage(catalog):
    base = URIRef
    dataset = base(BASE + "dataset")
    assert (base(BASE + "catalog"), DCAT.dataset, dataset) in catalog
    dists = list(catalog.objects(dataset, DCAT.distribution))
    assert len(dists) == 4
    for d in dists:
        url = catalog.value(d, DCAT.downloadURL)
        assert str(url).startswith(BASE + "dumps/govkg.")
        checksum = catalog.value(d, SPDX.checksum)
        assert catalog.value(checksum, SPDX.algorithm) == SHA256_ALGORITHM
        assert len(str(catalog.value(checksum, SPDX.checksumValue))) == 64
        assert int(catalog.value(d, DCAT.byteSize)) > 0
    service = catalog.value(predicate=DCAT.servesDataset, object=dataset)
    assert catalog.value(service, DCAT.endpointURL) == base(BASE + "sparql")
    period = catalog.value(dataset, DCTERMS.temporal)
    assert str(catalog.value(period, DCAT.startDate)) == "2021-01-01"
    assert str(catalog.value(period, DCAT.endDate)) == "2024-12-31"
    assert int(catalog.value(dataset, VOID.triples)) == 9


def test_catalog_accepts_web_dump_dicts():
    settings = replace(Settings(), base_iri=BASE)
    g = catalog_graph(None, settings, [{"name": "govkg.nt.gz", "size": 10, "sha256": "0" * 64,
                                        "media_type": "application/n-triples", "triples": 3}])
    assert (URIRef(BASE + "dataset"), DCAT.distribution, URIRef(BASE + "dataset/distribution/govkg.nt.gz")) in g
