"""Dumps made from per-report pieces equal dumps made from the store, on a store built by kg.build from synthetic
reports; pieces that do not match the store are not used; pieces of graphs no longer published are deleted."""
from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import time
from dataclasses import replace

import pyoxigraph as ox
import pytest
import rdflib

from kg.build import build, process_file
from kg.config import Settings
from kg.publish import pieces
from kg.publish.dumps import write_dumps
from kg.store.oxigraph import OxigraphStore
from kg.synth import synthesize

BASE = "http://example.org/kg/"
RDFLIB_FORMAT = {"ntriples": "nt", "turtle": "turtle", "jsonld": "json-ld"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Six synthetic reports built into an on-disk store with kg.build, and their outcomes (what the build hook
    hands to pieces.save)."""
    tmp = tmp_path_factory.mktemp("pieces")
    corpus = tmp / "corpus"
    synthesize(6, corpus, truth=False)
    settings = replace(Settings(), base_iri=BASE, store=f"oxigraph:{tmp / 'store'}",
                       quarantine=tmp / "quarantine", dumps=tmp / "unused")
    store = OxigraphStore(tmp / "store")
    summary = build([str(corpus)], store, settings, jobs=1, progress=False)
    assert len(summary.accepted) == 6, summary.line()
    outcomes = [process_file(p, settings) for p in sorted(summary.accepted)]
    assert all(o.status == "accepted" for o in outcomes)
    yield store, settings, outcomes
    store.close()


def quads(path) -> set:
    return set(ox.parse(gzip.decompress(open(path, "rb").read()), format=ox.RdfFormat.N_QUADS))


def triples(path, fmt) -> set:
    g = rdflib.Graph()
    g.parse(data=gzip.decompress(open(path, "rb").read()), format=RDFLIB_FORMAT[fmt])
    return set(g)


def store_dumps(store, out):
    """The reference: every dump straight from the store (no settings: no pieces)."""
    return {i.format: i for i in write_dumps(store, out)}


def piece_files(home, kind="nt"):
    d = pieces.folder(home)
    return {p.name: p.stat().st_ino for p in d.glob(f"*.{kind}.gz")} if d.is_dir() else {}


def test_dumps_from_saved_pieces_equal_the_store_dumps(built, tmp_path):
    store, settings, outcomes = built
    home = tmp_path / "home"
    for o in outcomes:   # what the build hook does after the commit
        assert pieces.save(home, o.graph, o.report_nt, o.file_hash) is not None
    saved = piece_files(home)
    assert len(saved) == 6
    ref = store_dumps(store, tmp_path / "ref")
    got = {i.format: i for i in write_dumps(store, tmp_path / "out", settings, pieces_home=home)}
    assert piece_files(home) == saved   # every report graph came from its piece: none was read and saved again
    assert quads(got["nquads"].path) == quads(ref["nquads"].path)
    assert got["nquads"].triples == ref["nquads"].triples == len(store)
    for fmt in ("ntriples", "turtle", "jsonld"):
        assert triples(got[fmt].path, fmt) == triples(ref[fmt].path, fmt), fmt
        assert got[fmt].triples == ref[fmt].triples
    # concatenated gzip members are one stream for gzip(1) as well as for Python
    if shutil.which("zcat"):
        out = subprocess.run(["zcat", got["ntriples"].path], capture_output=True, check=True).stdout
        assert out.count(b"\n") == got["ntriples"].triples
    assert got["ntriples"].size < ref["ntriples"].size * 1.2   # per-graph members compress about as well
    # Turtle and JSON-LD pieces were made from the N-Triples ones and kept; the next dump uses them as they are
    assert len(piece_files(home, "ttl")) == len(piece_files(home, "jsonld")) == 6
    kept = {**piece_files(home, "ttl"), **piece_files(home, "jsonld")}
    again = {i.format: i for i in write_dumps(store, tmp_path / "again", settings, pieces_home=home)}
    assert {**piece_files(home, "ttl"), **piece_files(home, "jsonld")} == kept
    for fmt in ("turtle", "jsonld"):
        assert again[fmt].sha256 == got[fmt].sha256


def test_a_store_without_pieces_dumps_from_the_store_and_keeps_pieces(built, tmp_path):
    store, settings, _ = built
    home = tmp_path / "home"
    first = {i.format: i for i in write_dumps(store, tmp_path / "a", settings, pieces_home=home,
                                              formats=["ntriples"])}
    assert len(piece_files(home)) == 6   # one per report graph, not for entities, ontology, build
    kept = piece_files(home)
    second = {i.format: i for i in write_dumps(store, tmp_path / "b", settings, pieces_home=home,
                                               formats=["ntriples"])}
    assert piece_files(home) == kept
    assert second["ntriples"].sha256 == first["ntriples"].sha256   # same data, same bytes
    ref = store_dumps(store, tmp_path / "ref")
    assert triples(first["ntriples"].path, "ntriples") == triples(ref["ntriples"].path, "ntriples")


def test_pieces_that_do_not_match_the_store_are_not_used(built, tmp_path):
    store, settings, outcomes = built
    home = tmp_path / "home"
    wrong, damaged, *rest = outcomes
    # a piece saved under another source hash (an older version of the file): not this graph's content
    pieces.save(home, wrong.graph, "<http://example.org/x> <http://example.org/p> \"stale\" .\n", "other-hash")
    # a piece whose file was damaged after it was saved
    path = pieces.save(home, damaged.graph, damaged.report_nt, damaged.file_hash)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    for o in rest:
        pieces.save(home, o.graph, o.report_nt, o.file_hash)
    got = {i.format: i for i in write_dumps(store, tmp_path / "out", settings, pieces_home=home,
                                            formats=["ntriples", "nquads"])}
    ref = store_dumps(store, tmp_path / "ref")
    assert triples(got["ntriples"].path, "ntriples") == triples(ref["ntriples"].path, "ntriples")
    assert quads(got["nquads"].path) == quads(ref["nquads"].path)
    assert b"stale" not in gzip.decompress(open(got["ntriples"].path, "rb").read())
    # the damaged piece was replaced by the graph as stored: whole again, and the next dump uses it
    assert gzip.decompress(path.read_bytes()).count(b"\n") == int(path.name.split(".")[2])


def test_pieces_of_graphs_no_longer_published_are_collected(built, tmp_path):
    store, settings, outcomes = built
    home = tmp_path / "home"
    saved = [pieces.save(home, o.graph, o.report_nt, o.file_hash) for o in outcomes]
    gone = pieces.save(home, f"{BASE}graph/report/withdrawn", outcomes[0].report_nt, "h1")
    superseded = pieces.save(home, outcomes[1].graph, outcomes[0].report_nt, "an-older-file")
    gone_ttl = pieces.Piece(gone.parent, gone.name, 0).derived("ttl", pieces.digest(gone.read_bytes()))
    gone_ttl.write_bytes(pieces.gzip_bytes(b""))
    # Turtle made from other bytes of a published graph's piece (before it was saved again): stale
    stale_ttl = pieces.Piece(saved[2].parent, saved[2].name, 0).derived("ttl", "0" * 16)
    stale_ttl.write_bytes(pieces.gzip_bytes(b""))
    past = time.time() - 60
    for p in (gone, superseded, gone_ttl, stale_ttl):
        os.utime(p, (past, past))
    # a piece written while the dump runs may belong to a newer generation: too new to be collected
    newer = pieces.save(home, f"{BASE}graph/report/being-built", outcomes[0].report_nt, "h2")
    os.utime(newer, (time.time() + 60, time.time() + 60))
    write_dumps(store, tmp_path / "out", settings, pieces_home=home, formats=["ntriples"])
    left = set(piece_files(home))
    assert gone.name not in left and superseded.name not in left
    assert not gone_ttl.exists() and not stale_ttl.exists()
    assert newer.name in left
    assert len(left) == 7


def test_a_triple_in_two_graphs_is_written_once(tmp_path):
    """Pieces of two report graphs that share a triple: the union dump holds it once (the exact path)."""
    store = OxigraphStore(tmp_path / "store")
    settings = replace(Settings(), base_iri=BASE)
    home = tmp_path / "home"
    shared = ("<http://example.org/agency/1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
              "<http://example.org/Agency> .\n")
    build_nt = ""
    with store.transaction() as tx:
        for i in range(3):
            g = f"{BASE}graph/report/{i}"
            nt = f"<http://example.org/report/{i}> <http://example.org/label> \"报告 {i}\\n第二行\"@zh-Hans .\n" + shared
            tx.replace_graph_ntriples(g, nt)
            build_nt += f"<{g}> <https://w3id.org/govkg/def#sourceHash> \"h{i}\" .\n"
            pieces.save(home, g, nt, f"h{i}")
        tx.replace_graph_ntriples(f"{BASE}graph/build", build_nt)
    got = {i.format: i for i in write_dumps(store, tmp_path / "out", settings, pieces_home=home)}
    lines = gzip.decompress(open(got["ntriples"].path, "rb").read()).splitlines()
    assert got["ntriples"].triples == len(lines) == len(set(lines)) == 3 + 1 + 3
    for fmt in ("turtle", "jsonld"):   # made from the exact union, not graph by graph
        assert len(triples(got[fmt].path, fmt)) == got[fmt].triples == 7
    assert len(quads(got["nquads"].path)) == got["nquads"].triples == 3 * 2 + 3
    store.close()


