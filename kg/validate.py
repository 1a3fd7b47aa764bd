"""Validate a report's graph against shapes/ and check that every annotation quotes the stored text exactly.

    v = validate(graphs.combined())            # or validate([graphs.report, graphs.entities]): no copy
    if not v.conforms: print(v.text)           # one line per violation: focus node, path, message
    vs = validate_many([[r1, e1], [r2, e2]])   # the same, many reports in one pySHACL run (kg build)

Two engines read the same shapes/; GOVKG_SHACL_ENGINE picks one:
- "pyshacl" (default): the reference implementation (see below).
- "fast": kg.rdf.shacl, a compiled evaluator of the SHACL Core subset shapes/ uses. ~1-6 ms per
  report graph. It refuses shapes using any feature it does not implement.
- "pyshacl": the reference implementation, ~20 ms per report graph alone, ~10-15 ms per report in kg build's
  batches (validate_many), which makes it the faster of the two there. pySHACL rebuilds every constraint
  component on every call (~0.3 ms per property shape before reading any data), and evaluates a nested property
  shape once per focus node; so it runs over `flatten_shapes(...)`, the equivalent form in which each property
  shape carries its node shape's targets (2-3× faster than the nested form, "pyshacl-nested").
Tests hold all engines to the same verdicts on valid and broken graphs.

Neither runs RDFS inference nor mixes in the ontology: the shapes target gk: classes and the mapping types every
node explicitly (inference would also make pySHACL copy the data graph).

On top of SHACL, `_anchor_results` checks what needs two hops and string arithmetic: each annotation's target is
an oa:SpecificResource with one quote and one position selector, and oa:exact == text[start:end] of the stored
text. Its failures are reported like SHACL results.
"""
from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.stores.memory import SimpleMemory

from kg.config import ROOT
from kg.rdf.namespaces import GK, OA, PREFIXES
from kg.rdf.shacl import Index, ShapeSet

SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES_DIR = ROOT / "shapes"
ENGINES = ("fast", "pyshacl", "pyshacl-nested")


@dataclass
class Result:
    focus: str                 # the node that fails (IRI or literal, as text)
    path: str | None           # the property path (prefixed where possible), None for node-level checks
    message: str
    severity: str = "Violation"
    value: str | None = None   # the offending value, when there is one
    shape: str | None = None   # the source shape, when it is named

    def line(self) -> str:
        where = f" {self.path}" if self.path else ""
        value = self.value if self.value is None or len(self.value) <= 80 else self.value[:77] + "..."
        what = f" (value: {value})" if value is not None else ""
        return f"{self.severity}: <{self.focus}>{where}: {self.message}{what}"


@dataclass
class Validation:
    conforms: bool
    text: str                  # a summary line, then one line per result
    results: list[Result] = field(default_factory=list)


# -- shapes -------------------------------------------------------------------------------------------------

def shapes_files() -> list[Path]:
    return sorted(SHAPES_DIR.glob("*.ttl"))


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """shapes/*.ttl as written (one NodeShape per class, property shapes nested). Cached: do not modify."""
    g = Graph()
    for path in shapes_files():
        g.parse(path, format="turtle")
    return g


def flatten_shapes(shapes: Graph) -> Graph:
    """The same constraints with each property shape of a targeted node shape targeted directly.

    A property shape reached through sh:property applies to its node shape's focus nodes; giving it the node
    shape's targets selects exactly those nodes, so conformance is unchanged. Untargeted node shapes (used through
    sh:node) keep their property shapes.
    """
    flat = Graph(store="SimpleMemory")
    for t in shapes:
        flat.add(t)
    target_predicates = (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf)
    for node_shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        targets = [(p, o) for p, o in shapes.predicate_objects(node_shape) if p in target_predicates]
        if not targets:
            continue
        for prop_shape in list(shapes.objects(node_shape, SH.property)):
            flat.remove((node_shape, SH.property, prop_shape))
            flat.add((prop_shape, RDF.type, SH.PropertyShape))
            for p, o in targets:
                flat.add((prop_shape, p, o))
    return flat


@lru_cache(maxsize=1)
def _fast_shapes() -> ShapeSet:
    return ShapeSet(shapes_graph())


class _ParameterList(list):
    """pySHACL's list of constraint parameters, answering `in` from a set. pySHACL tests every predicate of every
    shape against this list on every run (`p in ALL_CONSTRAINT_PARAMETERS`): a linear scan calling rdflib's Python
    __eq__ ~40 times per test, ~1 ms of ~18 per report in kg build's batches. Still a list, for the code paths that
    copy or extend it (advanced and JS modes, which kg does not use)."""

    def __init__(self, items):
        super().__init__(items)
        self._members = frozenset(self)

    def __contains__(self, item) -> bool:
        return item in self._members


def _speed_up_pyshacl() -> None:
    """Hand pySHACL the parameter list above through the module attribute it caches the list in."""
    import pyshacl.shape as shape_module
    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
    if not isinstance(getattr(shape_module, "CONSTRAINT_PARAMS", (None,))[0], _ParameterList):
        shape_module.CONSTRAINT_PARAMS = (_ParameterList(ALL_CONSTRAINT_PARAMETERS), CONSTRAINT_PARAMETERS_MAP)


@lru_cache(maxsize=2)
def _pyshacl_shapes(flat: bool):
    """pySHACL's ShapesGraph, harvested once, for the flattened or the nested shapes."""
    from pyshacl.shapes_graph import ShapesGraph
    _speed_up_pyshacl()
    compiled = ShapesGraph(flatten_shapes(shapes_graph()) if flat else shapes_graph(), False,
                           logging.getLogger("pyshacl"))
    compiled.shapes  # noqa: B018 -- the property getter harvests the shapes now, not inside a validation
    return compiled


_pyshacl_lock = threading.Lock()   # the cached pySHACL shape objects are shared; run one validation at a time


# -- result text --------------------------------------------------------------------------------------------

def _short(term) -> str:
    s = str(term)
    for prefix, ns in PREFIXES.items():
        if s.startswith(str(ns)) and len(s) > len(str(ns)):
            return f"{prefix}:{s[len(str(ns)):]}"
    return s


def _short_path(path) -> str | None:
    """'^iri' (inverse) and 'iri/iri' (sequence) with prefixes: ^oa:hasBody, oa:hasTarget/oa:hasSelector."""
    if path is None:
        return None
    text = str(path)
    inverse = text.startswith("^")
    steps = re.split(r"/(?=https?://)", text.lstrip("^"))
    return ("^" if inverse else "") + "/".join(_short(step) for step in steps)


# -- engines ------------------------------------------------------------------------------------------------

def _fast_results(index: Index) -> list[Result]:
    return [Result(focus=str(v.focus), path=_short_path(v.path), message=v.message, severity=v.severity,
                   value=None if v.value is None else str(v.value),
                   shape=str(v.shape) if isinstance(v.shape, URIRef) else None)
            for v in _fast_shapes().validate(index)]


def _pyshacl_results(graphs: list[Graph], flat: bool) -> list[Result]:
    data = (graphs[0] if len(graphs) == 1 and isinstance(graphs[0], Graph) and graphs[0].store.context_aware
            else _merged(graphs))
    return _pyshacl_run(data, flat)


def _pyshacl_run(data: Graph, flat: bool) -> list[Result]:
    from pyshacl import Validator
    from pyshacl.graph_abstraction import DataGraph
    shapes = _pyshacl_shapes(flat)
    with _pyshacl_lock:
        # Validator(...) would harvest the shapes again on every call; hand it the harvested ones instead.
        validator = Validator(DataGraph.from_rdflib(data), shacl_graph=shapes.graph,
                              options={"inference": "none", "abort_on_first": False, "advanced": False})
        validator.shacl_graph = shapes
        conforms, report, _text = validator.run()
    if conforms:
        return []
    results = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(r, SH.resultPath)
        if path is not None and not isinstance(path, URIRef):
            inverse = report.value(path, SH.inversePath)
            path = f"^{inverse}" if inverse is not None else str(path)
        message, value = report.value(r, SH.resultMessage), report.value(r, SH.value)
        severity, shape = report.value(r, SH.resultSeverity), report.value(r, SH.sourceShape)
        results.append(Result(
            focus=str(report.value(r, SH.focusNode)), path=_short_path(path),
            message=str(message) if message is not None else "constraint violated",
            severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
            value=None if value is None else str(value), shape=str(shape) if isinstance(shape, URIRef) else None))
    return results


def _merged(graphs: list[Graph]) -> Graph:
    merged = Graph()
    for g in graphs:
        for t in g:
            merged.add(t)
    return merged


_ANCHOR_PREDICATES = frozenset((RDF.type, OA.hasTarget, OA.hasSource, GK.content, OA.hasSelector, OA.exact,
                                OA.start, OA.end))


def _anchor_triples(graphs) -> list:
    """The triples `_anchor_results` reads (its predicates only): the same results from a much smaller Index."""
    keep = _ANCHOR_PREDICATES
    return [t for g in graphs for t in g if t[1] in keep]


# rdflib Namespace attributes build a new URIRef (and check it) on every access: looked up once
_TYPE, _ANNOTATION, _SPECIFIC, _CONTENT = RDF.type, OA.Annotation, OA.SpecificResource, GK.content
_HAS_TARGET, _HAS_SOURCE, _HAS_SELECTOR = OA.hasTarget, OA.hasSource, OA.hasSelector
_QUOTE, _POSITION, _EXACT, _START, _END = OA.TextQuoteSelector, OA.TextPositionSelector, OA.exact, OA.start, OA.end


def _anchor_results(data: Index) -> list[Result]:
    """The two-hop checks of each annotation (see the module doc)."""
    results = []
    texts: dict = {}
    for annotation in data.subjects(_TYPE, _ANNOTATION):
        target = data.value(annotation, _HAS_TARGET)
        if target is None:
            continue   # reported by SHACL
        where = str(annotation)
        if (target, _TYPE, _SPECIFIC) not in data:
            results.append(Result(where, "oa:hasTarget", "the annotation's target is not an oa:SpecificResource"))
            continue
        source = data.value(target, _HAS_SOURCE)
        if source is None:
            continue   # reported by SHACL
        if source not in texts:
            content = data.value(source, _CONTENT)
            texts[source] = str(content) if isinstance(content, Literal) else None
            if texts[source] is None:
                results.append(Result(str(source), "gk:content",
                                      "an annotation target's source has no stored text (gk:content) to quote from"))
        text = texts[source]
        quote = position = None
        for selector in data.objects(target, _HAS_SELECTOR):
            if (selector, _TYPE, _QUOTE) in data:
                quote = selector
            elif (selector, _TYPE, _POSITION) in data:
                position = selector
        if quote is None:
            results.append(Result(where, "oa:hasTarget/oa:hasSelector",
                                  "the annotation has no oa:TextQuoteSelector (exact/prefix/suffix)"))
        if position is None:
            results.append(Result(where, "oa:hasTarget/oa:hasSelector",
                                  "the annotation has no oa:TextPositionSelector (start/end)"))
        if quote is None or position is None or text is None:
            continue
        exact, start, end = data.value(quote, _EXACT), data.value(position, _START), data.value(position, _END)
        try:
            a, b = int(start), int(end)
        except (TypeError, ValueError):
            continue   # missing or ill-typed offsets: reported by SHACL
        if exact is None:
            continue   # reported by SHACL
        if not 0 <= a < b <= len(text):
            results.append(Result(where, "oa:hasTarget/oa:hasSelector",
                                  f"offsets [{a}, {b}) fall outside the stored text (length {len(text)})"))
        elif text[a:b] != str(exact):
            results.append(Result(where, "oa:hasTarget/oa:hasSelector",
                                  f"the quote {str(exact)!r} is not the text at [{a}, {b}): {text[a:b]!r}"))
    return results


def default_engine() -> str:
    return os.environ.get("GOVKG_SHACL_ENGINE", "pyshacl")


def validate(data: Graph | Iterable[Graph], *, engine: str | None = None) -> Validation:
    """Validate one report's graph (its named graph plus its entity triples; a list of graphs is read as their
    union) against shapes/. Never raises on bad data: it reports it. See the module doc for `engine`."""
    engine = _check_engine(engine)
    graphs = [data] if isinstance(data, Graph) else list(data)
    index = Index(graphs)
    try:
        if engine == "fast":
            results = _fast_results(index)
        else:
            results = _pyshacl_results(graphs, flat=engine == "pyshacl")
    except Exception as exc:  # a broken shapes file or an engine bug: say so instead of crashing a build
        logging.getLogger(__name__).exception("SHACL validation failed to run")
        results = [Result("(graph)", None, f"SHACL validation could not run: {exc}", severity="Error")]
    return _verdict(results + _anchor_results(index))


def _check_engine(engine: str | None) -> str:
    engine = engine or default_engine()
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}")
    return engine


def _verdict(results: list[Result]) -> Validation:
    results.sort(key=lambda r: (r.focus, r.path or "", r.message, r.value or ""))
    conforms = not any(r.severity in ("Violation", "Error") for r in results)
    head = "Conforms" if conforms else f"Does not conform: {len(results)} result(s)"
    return Validation(conforms, "\n".join([head, *(r.line() for r in results)]), results)


# -- many reports in one pySHACL run --------------------------------------------------------------------------

def validate_many(reports: list, *, engine: str | None = None) -> list[Validation]:
    """validate() of each report, in order, with the same results; `reports` holds one list of graphs (or of
    sets of triples) per report.

    pySHACL spends ~20-40 ms per call before it reads any data (it rebuilds every constraint component), so the
    reports are validated together: pySHACL runs once over their *disjoint* union, in which every IRI node that
    two reports share (an agency, an instrument) is renamed apart per report (<iri> → <iri#govkg-batch-…>), so no
    report's nodes can borrow a label, a type or an annotation from another. SHACL Core over a disjoint union
    conforms exactly when it conforms over each part. When the union conforms, every report's pySHACL result is
    empty and its verdict is its own annotation checks (`_anchor_results`: once over the union, and per report when
    that finds anything); when it does not (or pySHACL fails, or the reports cannot be kept apart, see
    `_disjoint_union`), each report is validated on its own, so the results and their text are always
    validate()'s."""
    engine = _check_engine(engine)
    parts = [[g] if isinstance(g, Graph) else list(g) for g in reports]
    if engine == "fast" or len(parts) < 2:
        return [validate(p, engine=engine) for p in parts]
    union = _disjoint_union(parts)
    if union is not None:
        try:
            union_results = _pyshacl_run(union, flat=engine == "pyshacl")
        except Exception:  # noqa: BLE001 -- the reports one by one say what went wrong, each its own way
            union_results = None
        if union_results == []:
            # The annotation checks too, once over the union (whose indexes are built already): each annotation's
            # chain lies within its own report's renamed copy, so none fails there exactly when none fails in
            # any report (and the union's SHACL conformance makes each hop single-valued). When one does, each
            # report is checked on its own for its own results.
            if not _anchor_results(_UnionIndex(union.store)):
                return [_verdict([]) for _ in parts]
            return [_verdict(_anchor_results(Index([_anchor_triples(p)]))) for p in parts]
    return [validate(p, engine=engine) for p in parts]


@lru_cache(maxsize=1)
def _shapes_facts() -> tuple[frozenset, frozenset, bool]:
    """(terms the shapes mention, predicates of sh:targetObjectsOf, whether a disjoint union is sound for them).

    Sound when the shapes use no sh:targetNode, SPARQL-based targets or constraints, and inverse paths only as the
    whole path of a property shape that has targets (its own, or its node shape's): then a node that has no
    triples of its own and is not a target can only be looked at, never looked through into another report."""
    shapes = shapes_graph()
    mentioned = frozenset(t for triple in shapes for t in triple if not isinstance(t, Literal))
    objects_of = frozenset(shapes.objects(None, SH.targetObjectsOf))
    target_predicates = (SH.targetClass, SH.targetObjectsOf, SH.targetSubjectsOf)
    sound = not any(True for p in (SH.targetNode, SH.target, SH.sparql, SH.SPARQLTarget)
                    for _ in shapes.subject_objects(p))
    for prop_shape, path in shapes.subject_objects(SH.path):
        if isinstance(path, URIRef):
            continue
        top = any((prop_shape, p, None) in shapes for p in target_predicates) or any(
            any((node, p, None) in shapes for p in target_predicates)
            for node in shapes.subjects(SH.property, prop_shape))
        simple_inverse = isinstance(shapes.value(path, SH.inversePath), URIRef) and len(list(shapes.predicate_objects(path))) == 1
        if not (top and simple_inverse) and _mentions_inverse(shapes, path):
            sound = False
    return mentioned, objects_of, sound


def _mentions_inverse(shapes: Graph, node, seen=None) -> bool:
    seen = set() if seen is None else seen
    if node in seen:
        return False
    seen.add(node)
    for p, o in shapes.predicate_objects(node):
        if p == SH.inversePath or _mentions_inverse(shapes, o, seen):
            return True
    return False


_EMPTY: dict = {}
_NO_CONTEXTS = ()


class _UnionStore(SimpleMemory):
    """rdflib's SimpleMemory (triple indexes only: ~3× faster to fill and to read than Memory, which keeps an index
    per context) as the context-aware store pySHACL asks for: it wraps the data graph in a Dataset whose default
    graph is the union, and so reads every triple whatever the context. One graph, no named graphs."""
    context_aware = True
    graph_aware = True
    _count = 0
    _osp_built = True

    def fill(self, triples) -> None:
        """Add triples: SimpleMemory.add's subject and predicate indexes filled in one loop, without its per-call
        overhead and the exception it raises for every new key. A key that may be a Literal (whose __hash__ is
        Python code) is hashed once (setdefault); the others are looked up first, which allocates nothing. The
        object index is built only if a pattern needs it (pySHACL's do not)."""
        spo, pos = self._SimpleMemory__spo, self._SimpleMemory__pos
        n = 0
        for s, p, o in triples:
            n += 1
            by_p = spo.get(s)
            if by_p is None:
                by_p = spo[s] = {}
            objs = by_p.get(p)
            if objs is None:
                objs = by_p[p] = {}
            objs[o] = 1
            by_o = pos.get(p)
            if by_o is None:
                by_o = pos[p] = {}
            by_o.setdefault(o, {})[s] = 1
        self._count += n
        self._osp_built = False

    def _object_index(self) -> None:
        if not self._osp_built:
            osp = self._SimpleMemory__osp
            osp.clear()
            for s, by_p in self._SimpleMemory__spo.items():
                for p, objs in by_p.items():
                    for o in objs:
                        osp.setdefault(o, {}).setdefault(s, {})[p] = 1
            self._osp_built = True

    def add(self, triple, context, quoted=False):
        self.fill((triple,))

    def triples(self, triple_pattern, context=None):
        """SimpleMemory.triples, with the pattern pySHACL asks for most (subject and predicate given: a path step
        from a focus node) answered straight from the index; the no-context marker is the same empty tuple."""
        s, p, o = triple_pattern
        if s is not None and p is not None and o is None:
            for x in self._SimpleMemory__spo.get(s, _EMPTY).get(p, _EMPTY):
                yield (s, p, x), _NO_CONTEXTS
            return
        if s is None and p is None and o is not None:
            self._object_index()
        yield from super().triples(triple_pattern, context)

    def remove(self, triple_pattern, context=None):
        self._object_index()
        super().remove(triple_pattern, context)

    def __len__(self, context=None):   # SimpleMemory counts by iterating, and pySHACL asks (bool(graph))
        return self._count

    def contexts(self, triple=None):
        return iter(())

    def add_graph(self, graph):
        pass

    def remove_graph(self, graph):
        pass


class _IndexedGraph(Graph):
    """A Graph over a _UnionStore whose objects(s, p) and subjects(p, o), the look-ups pySHACL makes for every
    focus node and path, read the store's indexes directly instead of going through Graph.triples and the
    store's generator (two generator layers per call, ~10^5 calls per batch)."""

    def objects(self, subject=None, predicate=None, unique=False):
        if subject is not None and type(predicate) is URIRef:
            return iter(self.store._SimpleMemory__spo.get(subject, _EMPTY).get(predicate, _EMPTY))
        return super().objects(subject, predicate, unique)

    def subjects(self, predicate=None, object=None, unique=False):  # noqa: A002 -- rdflib's parameter name
        if object is not None and type(predicate) is URIRef:
            return iter(self.store._SimpleMemory__pos.get(predicate, _EMPTY).get(object, _EMPTY))
        return super().subjects(predicate, object, unique)


class _UnionIndex:
    """The lookups `_anchor_results` makes (kg.rdf.shacl.Index's), answered from a _UnionStore's own indexes."""

    def __init__(self, store: _UnionStore):
        self.spo, self.pos = store._SimpleMemory__spo, store._SimpleMemory__pos

    def value(self, s, p):
        return next(iter(self.spo.get(s, {}).get(p, ())), None)

    def objects(self, s, p) -> list:
        return list(self.spo.get(s, {}).get(p, ()))

    def subjects(self, p, o) -> list:
        return list(self.pos.get(p, {}).get(o, ()))

    def __contains__(self, triple) -> bool:
        s, p, o = triple
        return o in self.spo.get(s, {}).get(p, ())


_BATCH_TAG = "#govkg-batch-"


def _tag(k: int) -> str:
    """Letters only (a, b, ..., ba, ...): an appended tag changes no digit run that a sh:pattern could look at."""
    out = ""
    while True:
        out = "abcdefghijklmnopqrstuvwxyz"[k % 26] + out
        k //= 26
        if not k:
            return _BATCH_TAG + out


def _disjoint_union(parts: list[list]) -> Graph | None:
    """One graph holding every report's triples with their shared nodes renamed apart, or None when that cannot
    be done soundly (the shapes use features that could look across reports, or a node two reports share cannot
    be renamed — a literal, a blank node or a term the shapes name — and could be a focus node)."""
    mentioned, objects_of, sound = _shapes_facts()
    if not sound:
        return None
    # rdflib hashes a Literal in Python (~1 µs, 10x an IRI), and a report has hundreds: literals are kept out of
    # every set and dict here. They are never renamed and never subjects; one could only join two reports as a
    # focus node reached through sh:targetObjectsOf, and then the batch is not merged at all.
    triples_of, terms_of = [], []
    owner: dict = {}          # term -> index of the one report using it, or -1 when several do
    for k, graphs in enumerate(parts):
        own = [t for g in graphs for t in g]
        if any(p in objects_of for _s, p, o in own if isinstance(o, Literal)):
            return None
        terms = {s for s, _p, _o in own}
        terms.update(o for _s, _p, o in own if not isinstance(o, Literal))
        triples_of.append(own)
        terms_of.append(terms)
        for t in terms:
            owner[t] = k if owner.get(t, k) == k else -1
    shared = {t for t, k in owner.items() if k == -1}
    renamable = {t for t in shared if isinstance(t, URIRef) and t not in mentioned}
    fixed = shared - renamable      # must be inert: never a subject, never a target through sh:targetObjectsOf
    if fixed:
        for own in triples_of:
            for s, p, o in own:
                if s in fixed or (p in objects_of and o in fixed):
                    return None
    store = _UnionStore()
    for k, own in enumerate(triples_of):
        names = {t: URIRef(t + _tag(k)) for t in terms_of[k] & renamable}
        if not names:
            store.fill(own)
            continue
        get = names.get
        store.fill((get(s, s), p, o if isinstance(o, Literal) else get(o, o)) for s, p, o in own)
    return _IndexedGraph(store=store, bind_namespaces="none")
