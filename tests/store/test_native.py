"""Pieces of the fast paths: the outermost LIMIT, the line hashes behind the union dump."""
from __future__ import annotations

import io

import pyoxigraph as ox

from kg.store.oxicore import LineHasher, _union_ntriples, top_level_limit


def test_top_level_limit():
    assert top_level_limit("SELECT * WHERE { ?s ?p ?o } LIMIT 10") == 10
    assert top_level_limit("select * {?s ?p ?o} order by ?s limit 7 offset 2") == 7
    assert top_level_limit("SELECT * WHERE { { SELECT * WHERE { ?s ?p ?o } LIMIT 5 } }") is None
    assert top_level_limit('SELECT * WHERE { ?s ?p "} LIMIT 3" }') is None
    assert top_level_limit("SELECT * WHERE { ?s ?p ?o } # LIMIT 4") is None


def test_line_hasher_sees_repeats_across_writes():
    out = io.BytesIO()
    h = LineHasher(out)
    for piece in (b"<a> <b> <c> .\n<a> <b> ", b"<d> .\n", b"<a> <b> <c> .\n"):
        h.write(piece)
    assert h.lines == 3 and out.getvalue().count(b"\n") == 3 and h.has_repeats()
    h = LineHasher(io.BytesIO())
    h.write(b"".join(b"<a> <b> \"%d\" .\n" % i for i in range(1200)))
    assert not h.has_repeats()
    part = next(p for p in h.hashes if p)
    part.append(part[0])
    assert h.has_repeats()


def test_line_hasher_spills_to_files_and_still_sees_repeats(monkeypatch):
    monkeypatch.setattr(LineHasher, "SPILL_OVER", 100)
    lines = [b"<a> <b> \"%d\" .\n" % i for i in range(1000)]
    h = LineHasher(io.BytesIO())
    for k in range(0, 1000, 50):
        h.write(b"".join(lines[k:k + 50]))
    assert h._spills and h._held < 100                  # most hashes live in the spill file now
    assert not h.has_repeats() and not h.has_repeats()  # asking twice gives the same answer
    h.write(lines[3])                                   # a repeat of a line that was spilled long ago
    assert h.has_repeats() and h.lines == 1001


def test_union_dump_fast_and_exact_paths():
    s = ox.Store()
    p = ox.NamedNode("http://e/p")
    for g in range(5):
        s.extend(ox.Quad(ox.NamedNode(f"http://e/{g}/{i}"), p, ox.Literal(str(i)), ox.NamedNode(f"http://e/g{g}"))
                 for i in range(100))
    out = io.BytesIO()
    assert _union_ntriples(s, out) == 500 == len(set(out.getvalue().splitlines()))
    s.add(ox.Quad(ox.NamedNode("http://e/0/1"), p, ox.Literal("1"), ox.NamedNode("http://e/g9")))   # in 2 graphs
    out = io.BytesIO()
    assert _union_ntriples(s, out) == 500 == len(set(out.getvalue().splitlines()))
    assert out.getvalue().splitlines() == sorted(out.getvalue().splitlines())   # the exact path: sort -u
