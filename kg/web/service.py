"""Every query the web pages run, in one place, so routes stay thin and each query is bounded (LIMIT, COUNT).

Pages never fetch more than they show: incoming links are counted per property and fetched one page at a
time, so an instrument cited by 10,000 initiatives renders as fast as one cited once.
"""
from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from kg.config import Settings
from kg.publish import citations
from kg.rdf.iris import Minter
from kg.rdf.namespaces import GK, OA, SCHEMA, bind_prefixes
from kg.store.base import Store
from kg.web.i18n import (DATATYPE_LABELS, LABEL_PREFS, SECTION_KINDS, STRINGS, TERM_LABELS, genre_name, in_lang,
                         month_day)

LABEL_PROPS = [RDFS.label, SKOS.prefLabel, DCTERMS.title, SCHEMA.name, FOAF.name]
CLASSES = {  # list slug -> class; the order is the navigation order
    "agencies": GK.Agency, "instruments": GK.LegalInstrument, "events": GK.Event,
    "reports": GK.Report, "initiatives": GK.Initiative,
}
SCHEMA_TYPES = {GK.Agency: "GovernmentOrganization", GK.Report: "Report", GK.Initiative: "Action",
                GK.LegalInstrument: "Legislation", GK.Event: "Event", GK.Region: "AdministrativeArea",
                GK.Section: "CreativeWork", GK.SourceText: "CreativeWork", GK.Figure: "QuantitativeValue"}
PAGE_SIZE = 20          # incoming links per property per page
LIST_PAGE_SIZE = 50
SORTED_LIST_MAX = int(os.environ.get("GOVKG_SORTED_LIST_MAX", "20000") or 20000)   # see class_members
OUT_VALUES_CAP = 100    # values shown per outgoing property
RDF_INCOMING_CAP = 1000  # incoming triples in an entity's RDF document

_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def iri_ref(iri: str) -> str:
    """`<iri>` for a SPARQL query; refuses characters that could break out of the IRI."""
    if not iri or _BAD_IRI.search(iri):
        raise ValueError("not a valid IRI")
    try:
        ox.NamedNode(iri)   # the engine's own IRI rules (lone surrogates, U+FFFD from bad percent-escapes ...)
    except ValueError:
        raise ValueError("not a valid IRI") from None
    return f"<{iri}>"


def literal(s: str) -> str:
    return Literal(s).n3()  # quoted and escaped


def _values(var: str, iris) -> str:
    return f"VALUES ?{var} {{ {' '.join(iri_ref(str(i)) for i in iris)} }}"


def pick_label(candidates: list[Literal], lang: str) -> str | None:
    """The literal whose language tag the UI language prefers; ties go to the shortest (a name, not a note)."""
    if not candidates:
        return None
    prefs = LABEL_PREFS.get(lang, LABEL_PREFS["zh"])

    def rank(lit):
        tag = (lit.language or "").lower() if isinstance(lit, Literal) else ""
        return (prefs.index(tag) if tag in prefs else len(prefs), len(str(lit)), str(lit))
    return str(min(candidates, key=rank))


def local_name(iri: str) -> str:
    tail = re.split(r"[#/]", iri.rstrip("/#"))[-1]
    return tail or iri


@dataclass
class Value:
    """One value on a page: a link (iri + label) or a literal (text + lang/datatype)."""
    text: str
    iri: str | None = None
    lang: str | None = None
    datatype: str | None = None
    bnode: bool = False
    code: str | None = None        # the literal as stored, when `text` says what a code means (gk:genre "fzzf")
    datatype_label: str | None = None   # the datatype in words (年份 / year for xsd:gYear)


@dataclass
class Group:
    prop: str
    label: str
    values: list[Value] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1


def _term_json(t) -> list:
    """An rdflib term as JSON (for the files warming saves)."""
    if isinstance(t, URIRef):
        return ["u", str(t)]
    if isinstance(t, BNode):
        return ["b", str(t)]
    return ["l", str(t), t.language or "", str(t.datatype) if t.datatype else ""]


def _term(j: list):
    if j[0] == "u":
        return URIRef(j[1])
    if j[0] == "b":
        return BNode(j[1])
    return Literal(j[1], lang=j[2] or None, datatype=URIRef(j[3]) if j[3] else None)


LABEL_MEMO_MAX = 200_000  # labelled IRIs remembered per generation (then the memo starts over)


class GenerationMemo:
    """Values computed once per data generation (statistics, sorted member lists), on first use, by one thread
    while others wait. The store's generation changes on every commit, so nothing here is ever stale."""

    def __init__(self):
        self.gen = None
        self.values: dict = {}
        self.locks: dict = {}
        self.lock = threading.Lock()

    def peek(self, gen: str, name):
        """The value if it is already computed for this generation, else None (never waits, never computes)."""
        with self.lock:
            return self.values.get(name) if gen == self.gen else None

    def put(self, gen: str, name, value) -> None:
        with self.lock:
            if gen != self.gen:
                self.gen, self.values, self.locks = gen, {}, {}
            self.values.setdefault(name, value)

    def items(self, gen: str) -> list[tuple]:
        with self.lock:
            return list(self.values.items()) if gen == self.gen else []

    def get(self, gen: str, name, compute):
        with self.lock:
            if gen != self.gen:
                self.gen, self.values, self.locks = gen, {}, {}
            if name in self.values:
                return self.values[name]
            key_lock = self.locks.setdefault(name, threading.Lock())
        with key_lock:
            with self.lock:
                if self.gen == gen and name in self.values:
                    return self.values[name]
            value = compute()
            with self.lock:
                if self.gen == gen:
                    self.values[name] = value
            return value


# The unlabelled nodes minted inside a report, named from their IRI alone (Minter.read's kinds -> STRINGS keys).
_DERIVED_LABELS = {"annotation": "node_annotation", "target": "node_target", "quote": "node_quote",
                   "position": "node_position", "text": "node_text", "checksum": "node_checksum", "run": "node_run",
                   "software": "node_software"}


class KGService:
    def __init__(self, store: Store, settings: Settings):
        self.store = store
        self.settings = settings
        self.minter = Minter(settings.base_iri)   # also reads what a minted IRI names (Minter.read)
        self.memo = GenerationMemo()
        self.warms_in_background = False   # set by the app when a thread warms each new generation
        self._label_gen = None
        self._label_memo: dict[str, tuple] = {}

    def warm(self) -> None:
        """Compute the per-generation values pages need (counts, sorted lists, the citation index, the hubs'
        queries) ahead of the first request that needs them. Run in a background thread when a new generation
        shows up. What another process (or this one before a restart) saved for the generation is loaded instead."""
        try:
            self._warm_hubs_and_save()
            self.class_counts()
            for slug in CLASSES:
                self.class_members(slug)
            self.graph_stats()               # last: the slowest, and only the home page's footnote needs it
        except Exception:  # noqa: BLE001  (a page that needs it computes it again, and reports the error)
            import logging
            logging.getLogger("kg.web").exception("warming the per-generation statistics failed")

    def precompute(self) -> None:
        """What a server saves beside the store for a generation (the citation index, the hubs' pages, the store's
        quad and graph counts), computed and saved now: kg build calls it after publishing, so that no server
        computes them in its first run after the build (seconds of its CPU, and heap that stays with it). Raises on
        failure."""
        self._warm_hubs_and_save()
        self.graph_stats()

    def _warm_hubs_and_save(self) -> None:
        """The part of warm() that precompute() shares: the citation index, the hubs' pages, saved for the
        generation."""
        from kg.web import analytics
        gen = self.store.generation()
        self.load_saved(gen)
        had_hubs = self.memo.peek(gen, "hub_pages_loaded") is not None
        analytics.citation_index(self)   # first: hub pages and stored queries need it most
        self.warm_hubs()                 # then the slowest pages, most cited first
        if not had_hubs:
            self.save_hub_pages(gen)

    def examples(self, lang: str = "en") -> tuple[list[tuple[str, str]], bool]:
        """(the example queries with parameters from this data, commented in `lang`; whether those came from the
        citation index: until it is ready they are the defaults, and a page showing them should not be cached)."""
        ix = self.memo.peek(self.store.generation(), "citation_index")
        if ix is None:
            return example_queries(lang=lang), False
        return example_queries(self.per_generation("example_params", lambda: example_params(ix)), lang), True

    def per_generation(self, name, compute):
        """compute() once per data generation (see GenerationMemo)."""
        return self.memo.get(self.store.generation(), name, compute)

    # --- small helpers -------------------------------------------------------------------------------------

    def _select(self, q: str, max_rows: int | None = None, memo: bool = False):
        """Rows of a bounded query. memo=True: remembered for the data generation (for the pages of hubs, whose
        queries are slow and whose first request must not pay for them: see is_hub and warm_hubs)."""
        if memo:
            return self.per_generation(("query", q, max_rows), lambda: self.store.query(q, max_rows=max_rows).rows)
        return self.store.query(q, max_rows=max_rows).rows

    def is_hub(self, iri: str) -> bool:
        """One of the most-cited instruments or busiest agencies (CitationIndex.hubs), once the index is ready."""
        from kg.web import analytics
        ix = analytics.citation_index(self, wait=False)
        return ix is not None and iri in ix.hubs

    def warm_hubs(self) -> None:
        """Compute the pages of the hubs once, most cited first: their queries are remembered for the generation
        (labels too), so their first request, in any language, is answered from memory."""
        from kg.web import analytics
        from kg.web.i18n import translator
        ix = analytics.citation_index(self)
        for iri in ix.hubs:
            for lang in ("zh", "en"):
                if self.entity(iri, lang) is None:
                    break
                view = analytics.instrument_view if iri in ix.by_inst else analytics.agency_view
                view(self, iri, lang, translator(lang))

    # --- what warming computed, saved per generation for the other server processes and the next start --------

    def load_saved(self, gen: str) -> None:
        """Only loads files (tens of ms), never computes: the app calls it before it serves, so even the first
        request after start-up finds the citation index and the hubs' queries in memory."""
        if self.memo.peek(gen, "citation_index") is None:
            ix = citations.load_saved_index(self.store, gen)
            if ix is not None:
                self.memo.put(gen, "citation_index", ix)
        stats_file = citations.cache_file(self.store, gen, "graph-stats")
        if self.memo.peek(gen, "graph_stats") is None and stats_file is not None and stats_file.exists():
            try:
                stats = json.loads(stats_file.read_bytes())
                self.memo.put(gen, "graph_stats", {"quads": int(stats["quads"]), "graphs": int(stats["graphs"])})
            except (OSError, ValueError, KeyError, TypeError):
                pass   # counted again by warming
        if self.memo.peek(gen, "hub_pages_loaded") is not None:
            return
        path = citations.cache_file(self.store, gen, "hub-pages")
        if path is None or not path.exists():
            return
        try:
            doc = json.loads(path.read_bytes())
            if doc.get("generation") != gen:
                return
            for q, max_rows, rows in doc["queries"]:
                self.memo.put(gen, ("query", q, max_rows), [{k: _term(v) for k, v in r.items()} for r in rows])
            for iri, quotes in doc["first_quotes"]:
                self.memo.put(gen, ("first_quotes", iri), quotes)
            for view, iri, lang, data in doc["views"]:
                if isinstance(data, dict) and isinstance(data.get("chart"), str):
                    from markupsafe import Markup   # the SVG the charts module wrote (and escaped) when it was saved
                    data["chart"] = Markup(data["chart"])
                self.memo.put(gen, (view, iri, lang), data)
            # the label memo is filled like labels() fills it (single dict operations: no lock needed)
            if self._label_gen != gen:
                self._label_gen, self._label_memo = gen, {}
            for iri, lits in doc["labels"].items():
                self._label_memo.setdefault(iri, tuple(_term(x) for x in lits))
            self.memo.put(gen, "hub_pages_loaded", True)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            import logging
            logging.getLogger("kg.web").warning("ignoring an unreadable %s: %s", path, exc)

    def save_hub_pages(self, gen: str) -> None:
        """The hubs' remembered queries, quotes and views (zh and en), and the labels looked up so far, as
        <store>/web-cache/hub-pages-…"""
        path = citations.cache_file(self.store, gen, "hub-pages")
        if path is None or self.store.generation() != gen:
            return
        queries = [[k[1], k[2], [{v: _term_json(t) for v, t in r.items()} for r in rows]]
                   for k, rows in self.memo.items(gen) if isinstance(k, tuple) and k[0] == "query"]
        labels = ({iri: [_term_json(x) for x in lits] for iri, lits in list(self._label_memo.items())[:50000]}
                  if self._label_gen == gen else {})
        items = [(k, v) for k, v in self.memo.items(gen) if isinstance(k, tuple)]
        quotes = [[k[1], v] for k, v in items if k[0] == "first_quotes"]
        views = [[*k, v] for k, v in items if k[0] in ("instrument_view", "agency_view")]   # plain JSON values
        doc = {"generation": gen, "queries": queries, "first_quotes": quotes, "views": views, "labels": labels}
        citations.save_cache_file(path, "hub-pages", json.dumps(doc, ensure_ascii=False,
                                                                separators=(",", ":")).encode("utf-8"))

    def _count(self, q: str, memo: bool = False) -> int:
        rows = self._select(q, memo=memo)
        return int(rows[0]["n"]) if rows and "n" in rows[0] else 0

    def labels(self, iris, lang: str) -> dict[str, str]:
        """Best label of each IRI, falling back to nothing: callers use local names. The label literals of each IRI
        are remembered for the data generation, so only IRIs not seen before cost a lookup (one VALUES query)."""
        iris = sorted({str(i) for i in iris if isinstance(i, URIRef) or isinstance(i, str)})
        gen = self.store.generation()
        if gen != self._label_gen or len(self._label_memo) > LABEL_MEMO_MAX:
            self._label_gen, self._label_memo = gen, {}
        memo = self._label_memo
        missing = [i for i in iris if i not in memo]
        for i in range(0, len(missing), 500):
            chunk = missing[i:i + 500]
            found: dict[str, list] = {}
            # FILTER(?p IN …) rather than a second VALUES: the store joins one VALUES block far faster
            q = (f"SELECT ?s ?l WHERE {{ {_values('s', chunk)} ?s ?p ?l "
                 f"FILTER(isLiteral(?l) && ?p IN ({', '.join(iri_ref(str(p)) for p in LABEL_PROPS)})) }}")
            for row in self._select(q, max_rows=20000):
                found.setdefault(str(row["s"]), []).append(row["l"])
            for iri in chunk:
                memo[iri] = tuple(found.get(iri, ()))
        labels = {}
        runs = []
        for i in iris:
            cands = memo.get(i)
            if cands:
                labels[i] = pick_label(list(cands), lang)
            elif i in TERM_LABELS:  # standard terms the store does not label
                labels[i] = in_lang(TERM_LABELS[i], lang)
            else:
                derived = self.derived_label(i, lang)
                if derived:
                    labels[i] = derived
                    minted = self.minter.read(i)
                    if minted.kind == "run":
                        runs.append((i, minted.report))
        if runs:   # runs say whose they are (a software agent's page lists many): their reports' labels, one look-up
            reports = self.labels([report for _, report in runs], lang)
            for run, report in runs:
                if reports.get(report):
                    labels[run] = STRINGS["run_of"][0 if lang == "zh" else 1].format(report=reports[report])
        return labels

    def _report_of_text(self, source: str) -> str:
        """The report whose stored text `source` is, by its IRI (the text's own IRI when it is not a minted text)."""
        minted = self.minter.read(source)
        return minted.report if minted and minted.kind == "text" else source

    def derived_label(self, iri: str, lang: str) -> str | None:
        """A name for the unlabelled nodes minted inside a report (kg/rdf/iris.py), from their IRI alone: the
        annotation's #target, #quote and #position, the report's text and its #sha256 checksum, the extraction run,
        the software agent. No query: the IRI says what the node is."""
        minted = self.minter.read(iri)
        key = _DERIVED_LABELS.get(minted.kind) if minted else None
        if key is None:
            return None
        return STRINGS[key][0 if lang == "zh" else 1].format(id=minted.key, version=minted.key)

    def value(self, term, labels: dict[str, str], lang: str | None = None, prop: str | None = None) -> Value:
        """A value as a page shows it. With the UI language: coded literals in words (gk:genre "fzzf" ->
        法治政府建设年度报告, gk:sectionKind "done" -> 已完成工作, --12-04 -> 12月4日) and datatypes in words."""
        if isinstance(term, URIRef):
            return Value(labels.get(str(term)) or local_name(str(term)), iri=str(term))
        if isinstance(term, BNode):
            return Value("_:" + str(term), bnode=True)
        dt = str(term.datatype) if isinstance(term, Literal) and term.datatype else None
        v = Value(str(term), lang=getattr(term, "language", None), datatype=dt)
        if lang is None:
            return v
        if dt in DATATYPE_LABELS:
            v.datatype_label = in_lang(DATATYPE_LABELS[dt], lang)
        words = None
        if prop == str(GK.genre):
            words = genre_name(v.text, lang)
        elif prop == str(GK.sectionKind) and v.text in SECTION_KINDS:
            words = in_lang(STRINGS[SECTION_KINDS[v.text]], lang)
        elif dt == str(XSD.gMonthDay):
            words = month_day(v.text, lang)
        if words:
            v.code, v.text = v.text, words
        return v

    # --- existence and RDF documents ---------------------------------------------------------------------

    def exists(self, iri: str) -> bool:
        ref = iri_ref(iri)
        return bool(self.store.query(f"ASK {{ {{ {ref} ?p ?o }} UNION {{ ?s ?p {ref} }} }}").boolean)

    def describe(self, iri: str, lang: str | None = None) -> Graph:
        """The entity's RDF document: its outgoing triples (following blank nodes and its own #fragments two
        levels, as a document about one thing should), incoming triples up to a cap, and labels of linked nodes."""
        ref = iri_ref(iri)
        g = bind_prefixes(Graph())
        s = URIRef(iri)
        own = f'(isBlank(?o) || STRSTARTS(STR(?o), "{iri}#"))'
        q = f"""SELECT DISTINCT ?p ?o ?p2 ?o2 ?p3 ?o3 WHERE {{
          {ref} ?p ?o .
          OPTIONAL {{ ?o ?p2 ?o2 . FILTER{own}
             OPTIONAL {{ ?o2 ?p3 ?o3 . FILTER(isBlank(?o2) || STRSTARTS(STR(?o2), "{iri}#")) }} }} }}"""
        linked = set()
        for row in self._select(q, max_rows=50000):
            g.add((s, row["p"], row["o"]))
            linked.add(row["o"])
            if "p2" in row:
                g.add((row["o"], row["p2"], row["o2"]))
                linked.add(row["o2"])
                if "p3" in row:
                    g.add((row["o2"], row["p3"], row["o3"]))
                    linked.add(row["o3"])
        q = f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {ref} }} LIMIT {RDF_INCOMING_CAP}"
        for row in self._select(q):
            g.add((row["s"], row["p"], s))
            linked.add(row["s"])
        uris = [x for x in linked if isinstance(x, URIRef)] + [p for p in set(g.predicates())]
        uris = [u for u in uris if not str(u).startswith(iri + "#")]
        if uris:
            for chunk_start in range(0, len(uris), 500):
                chunk = uris[chunk_start:chunk_start + 500]
                lq = (f"SELECT DISTINCT ?s ?p ?l WHERE {{ {_values('s', chunk)} {_values('p', [RDFS.label, SKOS.prefLabel])}"
                      f" ?s ?p ?l }}")
                for row in self._select(lq, max_rows=20000):
                    g.add((row["s"], row["p"], row["l"]))
        return g

    # --- entity pages --------------------------------------------------------------------------------------

    def entity(self, iri: str, lang: str, page: int = 1, page_prop: str | None = None,
               evidence_page: int = 1) -> dict | None:
        ref = iri_ref(iri)
        hub = self.is_hub(iri)
        out_rows = self._select(f"SELECT DISTINCT ?p ?o WHERE {{ {ref} ?p ?o }} ORDER BY ?p ?o", max_rows=5000, memo=hub)
        in_counts = self._select(
            f"SELECT ?p (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p {ref} FILTER(?p != {iri_ref(str(OA.hasBody))}) }}"
            f" GROUP BY ?p ORDER BY DESC(?n) ?p", max_rows=500, memo=hub)
        n_evidence = self._count(f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a {iri_ref(str(OA.hasBody))} {ref} }}",
                                 memo=hub)
        if not out_rows and not in_counts and not n_evidence:
            return None

        types = [r["o"] for r in out_rows if r["p"] == RDF.type]
        # incoming: first page of every property, the requested page of the one being paged
        incoming_raw = []
        for row in in_counts:
            prop, total = str(row["p"]), int(row["n"])
            pages = max(1, -(-total // PAGE_SIZE))
            pg = min(max(1, page), pages) if prop == page_prop else 1
            # No ORDER BY: on disk Oxigraph sorts by decoding every IRI (seconds for a law cited 17,000 times at
            # N = 10,000, 1 ms without). The store returns one generation's rows in the same order every time,
            # so the pages still partition the list; an IRI order meant nothing to a reader anyway (ids are hashes).
            subj = self._select(f"SELECT DISTINCT ?s WHERE {{ ?s {iri_ref(prop)} {ref} }} "
                                f"LIMIT {PAGE_SIZE} OFFSET {(pg - 1) * PAGE_SIZE}", memo=hub and pg == 1)
            incoming_raw.append((prop, total, pg, pages, sorted((r["s"] for r in subj), key=str)))

        need = {str(r["p"]) for r in out_rows} | {str(r["o"]) for r in out_rows if isinstance(r["o"], URIRef)}
        need |= {p for p, *_ in incoming_raw} | {str(s) for *_, subs in incoming_raw for s in subs}
        need.add(iri)
        labels = self.labels(need, lang)

        outgoing: dict[str, Group] = {}
        for r in out_rows:
            p = str(r["p"])
            grp = outgoing.setdefault(p, Group(p, labels.get(p) or local_name(p)))
            grp.total += 1
            if len(grp.values) < OUT_VALUES_CAP:
                grp.values.append(self.value(r["o"], labels, lang, p))
        first = [str(RDF.type)] + [str(p) for p in LABEL_PROPS] + [str(SKOS.altLabel)]
        ordered = sorted(outgoing.values(), key=lambda g: (first.index(g.prop) if g.prop in first else len(first), g.label))
        prefs = LABEL_PREFS.get(lang, LABEL_PREFS["zh"])
        for grp in ordered:   # texts in the UI's language first (a term's zh and en comments)
            grp.values.sort(key=lambda v: prefs.index(v.lang.lower()) if v.lang and v.lang.lower() in prefs
                            else (0 if v.lang is None else len(prefs)))
        incoming = []
        for prop, total, pg, pages, subs in incoming_raw:
            incoming.append(Group(prop, labels.get(prop) or local_name(prop),
                                  [self.value(s, labels) for s in subs], total, pg, pages))
        ev_pages = max(1, -(-n_evidence // PAGE_SIZE))
        ev_page = min(max(1, evidence_page), ev_pages)
        evidence = self.evidence(iri, lang, ev_page, memo=hub and ev_page == 1) if n_evidence else []
        return {
            "iri": iri, "label": labels.get(iri) or local_name(iri), "types": [self.value(t, labels) for t in types],
            "type_iris": [str(t) for t in types], "outgoing": ordered, "incoming": incoming,
            "evidence": evidence, "evidence_total": n_evidence, "evidence_page": evidence_page,
            "evidence_pages": ev_pages, "labels": labels,
        }

    def evidence(self, iri: str, lang: str, page: int = 1, memo: bool = False) -> list[dict]:
        """Quotes (prefix, exact, suffix) of the annotations whose body is `iri`, with their report.

        Plain joins from bound IRIs, in three small queries: an OPTIONAL here would be evaluated by the store as a
        hash join over every selector (or every report text) in the store."""
        anns = sorted((r["a"] for r in self._select(
            f"SELECT DISTINCT ?a WHERE {{ ?a {iri_ref(str(OA.hasBody))} {iri_ref(iri)} }} "   # no ORDER BY: see entity()
            f"LIMIT {PAGE_SIZE} OFFSET {(page - 1) * PAGE_SIZE}", memo=memo)), key=str)
        if not anns:
            return []
        targets = self._select(f"""PREFIX oa: <{OA}> SELECT ?a ?t ?src WHERE {{ {_values('a', anns)}
          ?a oa:hasTarget ?t . ?t oa:hasSource ?src }}""", max_rows=PAGE_SIZE * 20, memo=memo)
        # sorted: the same query text in every process, so a hub's remembered (and saved) answer is found
        tgts = sorted({r["t"] for r in targets if isinstance(r["t"], URIRef)})
        srcs = sorted({r["src"] for r in targets if isinstance(r["src"], URIRef)})
        quote: dict = {}
        start: dict = {}
        end: dict = {}
        if tgts:
            props = ", ".join(iri_ref(str(OA[x])) for x in ("exact", "prefix", "suffix", "start", "end"))
            sel = self._select(f"""PREFIX oa: <{OA}> SELECT ?t ?sel ?p ?v WHERE {{ {_values('t', tgts)}
              ?t oa:hasSelector ?sel . ?sel ?p ?v FILTER(?p IN ({props})) }}""", max_rows=PAGE_SIZE * 80, memo=memo)
            by_sel: dict = {}
            for r in sel:
                by_sel.setdefault((r["t"], r["sel"]), {})[str(r["p"]).rsplit("#", 1)[-1]] = r["v"]
            for (t, _), d in sorted(by_sel.items(), key=lambda kv: str(kv[0][1])):
                if "exact" in d and t not in quote:
                    quote[t] = d
                if "start" in d and t not in start:
                    start[t] = d["start"]
                    if "end" in d:
                        end[t] = d["end"]
        reports = {}
        if srcs:
            for r in self._select(f"PREFIX gk: <{GK}> SELECT ?report ?src WHERE {{ {_values('src', srcs)} "
                                  f"?report gk:hasText ?src }}", memo=memo):
                reports.setdefault(r["src"], r["report"])
        rows = []
        for r in targets:
            t, src = r["t"], r["src"]
            row = {"a": r["a"], "src": src}
            q_ = quote.get(t)
            if q_:
                row["exact"] = q_["exact"]
                for k in ("prefix", "suffix"):
                    if k in q_:
                        row[k] = q_[k]
            if t in start:
                row["start"] = start[t]
            if t in end:
                row["end"] = end[t]
            if src in reports:
                row["report"] = reports[src]
            rows.append(row)
        rows.sort(key=lambda r: str(r["a"]))
        seen, items = set(), []
        for r in rows:
            a = str(r["a"])
            if a in seen:
                continue
            seen.add(a)
            src = str(r["src"])
            report = str(r["report"]) if "report" in r else self._report_of_text(src)
            items.append({"annotation": a, "source": src, "report": report,
                          "exact": str(r.get("exact", "")), "prefix": str(r.get("prefix", "")),
                          "suffix": str(r.get("suffix", "")),
                          "start": int(r["start"]) if "start" in r else None,
                          "end": int(r["end"]) if "end" in r else None})
        labels = self.labels({i["report"] for i in items}, lang)
        for i in items:
            i["report_label"] = labels.get(i["report"]) or local_name(i["report"])
        items.sort(key=lambda i: (i["report"], i["start"] or 0))
        return items

    def annotation_view(self, iri: str, lang: str) -> dict | None:
        """What an annotation's page shows: the body it is evidence for (label, types), its motivation, the quote
        (prefix, exact, suffix), the offsets, the text it quotes and that text's report. Two small queries from
        the bound IRI (plain joins, no OPTIONAL: see evidence()) and one label look-up. None: no body, no target."""
        ref = iri_ref(iri)
        rows = self._select(f"""PREFIX oa: <{OA}> PREFIX gk: <{GK}> SELECT ?k ?v WHERE {{
          {{ {ref} oa:hasBody ?v BIND("body" AS ?k) }} UNION {{ {ref} oa:motivatedBy ?v BIND("motivation" AS ?k) }}
          UNION {{ {ref} oa:hasBody ?b . ?b a ?v BIND("type" AS ?k) }}
          UNION {{ {ref} oa:hasTarget ?t . ?t oa:hasSource ?v BIND("source" AS ?k) }}
          UNION {{ {ref} oa:hasTarget ?t . ?t oa:hasSource ?s . ?v gk:hasText ?s BIND("report" AS ?k) }} }}""",
                            max_rows=500)
        got: dict[str, list] = {}
        for r in rows:
            if isinstance(r.get("v"), URIRef):
                got.setdefault(str(r["k"]), []).append(str(r["v"]))
        if "body" not in got and "source" not in got:
            return None
        got = {k: sorted(set(v)) for k, v in got.items()}
        props = ", ".join(iri_ref(str(OA[x])) for x in ("exact", "prefix", "suffix", "start", "end"))
        sel = self._select(f"""PREFIX oa: <{OA}> SELECT ?sel ?p ?v WHERE {{
          {ref} oa:hasTarget ?t . ?t oa:hasSelector ?sel . ?sel ?p ?v FILTER(?p IN ({props})) }}""", max_rows=200)
        by_sel: dict[str, dict] = {}
        for r in sel:
            by_sel.setdefault(str(r["sel"]), {})[str(r["p"]).rsplit("#", 1)[-1]] = r["v"]
        quote: dict = {}
        position: dict = {}
        for _, d in sorted(by_sel.items()):
            if "exact" in d and not quote:
                quote = {k: str(d.get(k, "")) for k in ("exact", "prefix", "suffix")}
            if "start" in d and "end" in d and not position:
                try:
                    position = {"start": int(d["start"]), "end": int(d["end"])}
                except (TypeError, ValueError):
                    pass
        source = got.get("source", [None])[0]
        report = got.get("report", [None])[0]
        if report is None and source:
            report = self._report_of_text(source)
        bodies = got.get("body", [])
        types = [t for t in got.get("type", []) if t.startswith(str(GK))] or got.get("type", [])
        labels = self.labels(bodies + types + got.get("motivation", []) + ([report] if report else []), lang)
        return {
            "bodies": [{"iri": b, "label": labels.get(b) or local_name(b)} for b in bodies],
            "body_types": [{"iri": t, "label": labels.get(t) or local_name(t)} for t in types],
            "motivations": [{"iri": m, "name": local_name(m), "label": labels.get(m) or local_name(m)}
                            for m in got.get("motivation", [])],
            "source": source, "report": report, "report_label": (labels.get(report) or local_name(report)) if report else "",
            "exact": quote.get("exact", ""), "prefix": quote.get("prefix", ""), "suffix": quote.get("suffix", ""),
            "start": position.get("start"), "end": position.get("end"),
        }

    def evidence_at(self, source: str, start: int, end: int, lang: str, limit: int = 50) -> list[dict]:
        """The annotations whose position selector is exactly [start, end) of the text `source`, with their bodies:
        what the highlighted span of a report text is evidence for. One query (the offsets are bound) and labels."""
        rows = self._select(f"""PREFIX oa: <{OA}> SELECT DISTINCT ?a ?body WHERE {{
          ?sel oa:start {int(start)} ; oa:end {int(end)} . ?t oa:hasSelector ?sel ; oa:hasSource {iri_ref(source)} .
          ?a oa:hasTarget ?t ; oa:hasBody ?body }} LIMIT {int(limit)}""")
        items = sorted({(str(r["a"]), str(r["body"])) for r in rows})
        labels = self.labels({b for _, b in items}, lang)
        return [{"annotation": a, "body": b, "label": labels.get(b) or local_name(b)} for a, b in items]

    def report_extras(self, iri: str, lang: str) -> dict:
        """Initiatives grouped by section (in text order) and the instruments the report cites."""
        ref = iri_ref(iri)
        q = f"""PREFIX gk: <{GK}> PREFIX schema: <{SCHEMA}> PREFIX oa: <{OA}>
        SELECT ?i ?sec ?status ?kind WHERE {{
          {ref} gk:hasInitiative ?i .
          OPTIONAL {{ ?i gk:section ?sec . OPTIONAL {{ ?sec gk:sectionKind ?kind }} }}
          OPTIONAL {{ ?i schema:actionStatus ?status }}
        }} LIMIT 2000"""
        rows = self._select(q)
        # Text order from the annotations' offsets, as a plain join: inside an OPTIONAL the engine would scan
        # every annotation in the store (6 s at 1,000 reports) instead of following ?i.
        pq = f"""PREFIX gk: <{GK}> PREFIX oa: <{OA}>
        SELECT ?i (MIN(?st) AS ?pos) WHERE {{
          {ref} gk:hasInitiative ?i . ?a oa:hasBody ?i ; oa:hasTarget/oa:hasSelector/oa:start ?st }} GROUP BY ?i"""
        pos = {str(r["i"]): int(r["pos"]) for r in self._select(pq) if "pos" in r}
        rows.sort(key=lambda r: (pos.get(str(r["i"]), 1 << 30), str(r["i"])))
        cq = f"""PREFIX gk: <{GK}>
        SELECT ?inst (COUNT(DISTINCT ?via) AS ?n) WHERE {{
          {{ {ref} gk:cites ?inst BIND({ref} AS ?via) }} UNION {{ {ref} gk:hasInitiative ?via . ?via gk:cites ?inst }}
        }} GROUP BY ?inst ORDER BY DESC(?n) ?inst LIMIT 500"""
        cited = self._select(cq)
        need = {str(r["i"]) for r in rows} | {str(r["sec"]) for r in rows if "sec" in r}
        need |= {str(r["status"]) for r in rows if isinstance(r.get("status"), URIRef)}
        need |= {str(r["inst"]) for r in cited}
        labels = self.labels(need, lang)
        sections: dict[str, dict] = {}
        for r in rows:
            key = str(r["sec"]) if "sec" in r else ""
            sec = sections.setdefault(key, {"iri": key or None, "label": labels.get(key) or (local_name(key) if key else ""),
                                            "kind": str(r.get("kind", "")), "items": []})
            status = r.get("status")
            sec["items"].append({"iri": str(r["i"]), "label": labels.get(str(r["i"])) or local_name(str(r["i"])),
                                 "status": (labels.get(str(status)) or local_name(str(status))) if status is not None else ""})
        return {"sections": list(sections.values()), "n_initiatives": len(rows),
                "cited": [{"iri": str(r["inst"]), "label": labels.get(str(r["inst"])) or local_name(str(r["inst"])),
                           "n": int(r["n"])} for r in cited]}

    # --- lists, counts, search -----------------------------------------------------------------------------

    def class_counts(self) -> dict[str, int]:
        def compute():
            q = f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {_values('c', CLASSES.values())} ?s a ?c }} GROUP BY ?c"
            by_class = {str(r["c"]): int(r["n"]) for r in self._select(q)}
            return {slug: by_class.get(str(c), 0) for slug, c in CLASSES.items()}
        return dict(self.per_generation("class_counts", compute))

    def class_members(self, slug: str) -> list[str] | None:
        """Every member of a list page's class, ordered by its zh label (stable across UI languages; unlabelled
        ones last), then IRI. Computed once per generation with one query, so paging is slicing. None for a class
        of more than SORTED_LIST_MAX members: sorting needs every label, and reading 10^5 labels from the on-disk
        store takes seconds (7 s for 106,000 initiatives at N = 10,000) and tens of MB held per generation."""
        cls = CLASSES[slug]
        if self.class_counts().get(slug, 0) > SORTED_LIST_MAX:
            return None

        def compute():
            q = f"""SELECT ?s ?l WHERE {{ ?s a {iri_ref(str(cls))} .
              OPTIONAL {{ ?s {iri_ref(str(RDFS.label))}|{iri_ref(str(DCTERMS.title))}|{iri_ref(str(SCHEMA.name))} ?l }} }}"""
            best: dict[str, str | None] = {}
            for r in self._select(q):
                s_, lab = str(r["s"]), (str(r["l"]) if "l" in r else None)
                cur = best.get(s_)
                if s_ not in best or (lab is not None and (cur is None or lab < cur)):
                    best[s_] = lab
            return sorted(best, key=lambda i: (best[i] is None, best[i] or "", i))
        return self.per_generation(("members", slug), compute)

    def list_class(self, slug: str, lang: str, page: int = 1, per_page: int = LIST_PAGE_SIZE) -> dict | None:
        cls = CLASSES[slug]
        members = self.class_members(slug)
        total = len(members) if members is not None else self.class_counts().get(slug, 0)
        pages = max(1, -(-total // per_page))
        if not 1 <= page <= pages:
            return None     # past the last page: the caller answers 404, so a harvester's loop ends
        if members is not None:
            iris = members[(page - 1) * per_page:page * per_page]
        else:   # a large class: the store's order of this generation (stable, so pages partition it), one page read
            iris = sorted(str(r["s"]) for r in self._select(
                f"SELECT DISTINCT ?s WHERE {{ ?s a {iri_ref(str(cls))} }} LIMIT {per_page} OFFSET {(page - 1) * per_page}"))
        labels = self.labels(iris, lang)
        counts = self._row_counts(slug, iris)
        items = [{"iri": i, "label": labels.get(i) or local_name(i), "count": counts.get(i, 0)} for i in iris]   # none found: 0
        return {"class": str(cls), "slug": slug, "total": total, "page": page, "pages": pages,
                "per_page": per_page, "items": items, "sorted": members is not None}

    def _row_counts(self, slug: str, iris: list[str]) -> dict[str, int]:
        """A number worth showing next to each item of a list page, for this page's items only."""
        if not iris:
            return {}
        if slug in ("agencies", "instruments"):
            return self.report_counts({"agencies": "agency", "instruments": "instrument"}[slug], iris)
        return self._count_linked(iris, {"events": "?x gk:mentionsEvent ?s",
                                         "reports": "?s gk:hasInitiative ?x",
                                         "initiatives": "?s gk:cites ?x"}[slug])

    def _count_linked(self, iris: list[str], link: str) -> dict[str, int]:
        """COUNT(DISTINCT ?x) for each ?s of `iris` over the pattern `link` (prefix gk:), 200 entities a query."""
        out: dict[str, int] = {}
        for k in range(0, len(iris), 200):
            q = (citations.PREFIXES + f"SELECT ?s (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {_values('s', iris[k:k + 200])} "
                 f"{link} }} GROUP BY ?s")
            out.update({str(r["s"]): int(r["n"]) for r in self._select(q)})
        return out

    def report_counts(self, kind: str, iris: list[str]) -> dict[str, int]:
        """Reports issued by each agency (kind "agency"), or citing each instrument directly or through one of
        their initiatives ("instrument"): the figures the entity pages show. From the citation index once it is
        ready (counting them in the store took seconds for a page of much-cited laws at N = 50,000), else from
        the store."""
        from kg.web import analytics
        ix = analytics.citation_index(self, wait=False)
        if ix is not None:
            by = ix.by_agency if kind == "agency" else ix.by_inst
            return {i: len(by.get(i, ())) for i in iris}
        return self._count_linked(iris, "?x gk:issuedBy ?s . ?x a gk:Report" if kind == "agency"
                                  else f"{citations.cites('?x', '?s')} ?x a gk:Report")

    def search(self, text: str, lang: str, limit: int = 50) -> list[dict]:
        """Case-insensitive substring match on labels (works for Chinese, where words are not space-separated)."""
        text = text.strip()[:200]
        if not text:
            return []
        props = "|".join(iri_ref(str(p)) for p in [RDFS.label, SKOS.prefLabel, SKOS.altLabel, DCTERMS.title,
                                                      SCHEMA.name, FOAF.name])
        q = f"""SELECT DISTINCT ?s ?type WHERE {{ ?s {props} ?l .
          FILTER(isLiteral(?l) && CONTAINS(LCASE(STR(?l)), LCASE({literal(text)})))
          OPTIONAL {{ ?s a ?type }} }} LIMIT {limit * 3}"""
        found: dict[str, str | None] = {}
        for r in self._select(q):
            s = str(r["s"])
            t = str(r["type"]) if "type" in r else None
            if s not in found or (t and t.startswith(str(GK))):
                found[s] = t
            if len(found) >= limit:
                break
        labels = self.labels(list(found) + [t for t in found.values() if t], lang)
        return [{"iri": s, "label": labels.get(s) or local_name(s), "type": t,
                 "type_label": (labels.get(t) or local_name(t)) if t else ""} for s, t in found.items()]

    def graph_stats(self, wait: bool = True) -> dict | None:
        """Quads and named graphs in the store. Counting quads reads every one (25 s at 43M quads), so it is a
        query, which lets other threads run meanwhile (pyoxigraph's len() would hold the GIL, and so every request,
        for 10 s), computed by warming and saved per generation. wait=False: None until then."""
        gen = self.store.generation()
        if not wait:
            return self.memo.peek(gen, "graph_stats")

        def compute():
            stats = {"quads": self._count("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"),
                     "graphs": len(self.store.graph_names())}
            path = citations.cache_file(self.store, gen, "graph-stats")
            if path is not None and self.store.generation() == gen:
                citations.save_cache_file(path, "graph-stats", json.dumps(stats).encode())
            return stats
        return dict(self.memo.get(gen, "graph_stats", compute))

    # --- ontology --------------------------------------------------------------------------------------------

    def ontology_graph(self) -> Graph:
        """graph/ontology from the store, or ontology/*.ttl from the checkout when the store has none."""
        g = bind_prefixes(Graph())
        name = self.settings.base_iri + "graph/ontology"
        if name in self.store.graph_names():
            res = self.store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri_ref(name)} {{ ?s ?p ?o }} }}")
            for t in res.triples:
                g.add(t)
            return g
        from kg.config import ROOT
        for path in sorted((ROOT / "ontology").glob("*.ttl")):
            g.parse(path, format="turtle")
        return g

    def ontology_view(self, lang: str) -> dict:
        g = self.ontology_graph()

        def lab(x):
            vals = list(g.objects(x, RDFS.label)) + list(g.objects(x, SKOS.prefLabel))
            return pick_label(vals, lang) or local_name(str(x))

        def com(x):
            vals = list(g.objects(x, RDFS.comment)) + list(g.objects(x, SKOS.definition))
            return pick_label(vals, lang) or ""

        def term(x):
            return {"iri": str(x), "label": lab(x), "curie": _curie(g, x)}

        def entry(x, sup):
            return {**term(x), "comment": com(x), "super": [term(o) for o in g.objects(x, sup)],
                    "domain": [term(o) for o in g.objects(x, RDFS.domain)] +
                              [term(o) for o in g.objects(x, SCHEMA.domainIncludes)],
                    "range": [term(o) for o in g.objects(x, RDFS.range)]}
        classes = sorted((entry(c, RDFS.subClassOf) for c in set(g.subjects(RDF.type, OWL.Class))
                          if isinstance(c, URIRef)), key=lambda e: e["iri"])
        props = set(g.subjects(RDF.type, OWL.ObjectProperty)) | set(g.subjects(RDF.type, OWL.DatatypeProperty))
        properties = sorted((entry(p, RDFS.subPropertyOf) for p in props if isinstance(p, URIRef)),
                            key=lambda e: e["iri"])
        schemes = []
        for sch in sorted(set(g.subjects(RDF.type, SKOS.ConceptScheme))):
            concepts = sorted((term(c) for c in g.subjects(SKOS.inScheme, sch)), key=lambda e: e["iri"])
            schemes.append({**term(sch), "comment": com(sch), "concepts": concepts})
        onto = next(iter(g.subjects(RDF.type, OWL.Ontology)), None)
        return {"iri": str(onto) if onto else None, "title": lab(onto) if onto else "",
                "comment": com(onto) if onto else "", "version": str(g.value(onto, OWL.versionInfo) or "") if onto else "",
                "classes": classes, "properties": properties, "schemes": schemes}


def _curie(g: Graph, x) -> str:
    try:
        return g.namespace_manager.normalizeUri(x) if isinstance(x, URIRef) else str(x)
    except Exception:  # rdflib raises for IRIs that do not split into a prefix and a name
        return str(x)


# Example researcher queries (links into the query page). Kept here so the home page and the query page agree.
# Their parameters come from the data (example_params), so each example has rows on any store; these are for a store
# whose citation index is not ready yet.
EXAMPLE_DEFAULTS = {"agency": "司法", "year": "2023", "a": "行政处罚法", "b": "行政许可法"}


def return_freed_memory() -> None:
    """Hand the heap that warming freed back to the system (glibc's malloc_trim). Warming a new generation's
    statistics allocates hundreds of MB that glibc otherwise keeps: at 50,000 reports a server's first run after a
    build stayed 130 MB above a restarted one. Called by the server's warm thread and by kg build after it
    precomputed them. Elsewhere (no glibc) nothing happens."""
    import ctypes
    import ctypes.util
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass


def example_params(ix) -> dict[str, str]:
    """The busiest agency's name, the year most reports cover, the most-cited instrument and the one cited most
    often beside it, from a CitationIndex (None: the defaults). Ties go to the least IRI, so every server agrees."""
    p = dict(EXAMPLE_DEFAULTS)
    if ix is None:
        return p

    def top(counts: dict):
        return min(counts, key=lambda k: (-counts[k], k)) if counts else None

    agency = top({a: len(r) for a, r in ix.by_agency.items()})
    if agency in ix.label:
        p["agency"] = ix.label[agency]
    year = top({y: len(r) for y, r in ix.by_year.items()})
    if year:
        p["year"] = year
    a = top({i: len(r) for i, r in ix.by_inst.items() if i in ix.label})
    if a:
        beside: dict[str, int] = {}
        for rep in ix.by_inst[a][:2000]:      # a sample is enough to find a frequent partner
            for i in ix.by_report.get(rep, ()):
                if i != a and i in ix.label:
                    beside[i] = beside.get(i, 0) + 1
        b = top(beside)
        if b:
            p["a"], p["b"] = ix.label[a], ix.label[b]
    return p


def example_queries(params: dict[str, str] | None = None, lang: str = "en") -> list[tuple[str, str]]:
    """(i18n key, query) of the example queries, each opened by a comment in `lang` (kg.web.i18n: <key>_comment)."""
    x = {k: literal(v) for k, v in (params or EXAMPLE_DEFAULTS).items()}
    p = f"PREFIX gk: <{GK}>\nPREFIX rdfs: <{RDFS}>\n"
    return [(key, q.replace(p, p + "# " + in_lang(STRINGS[key + "_comment"], lang) + "\n", 1)) for key, q in [
        ("ex_q1", p + f"""SELECT ?inst ?label (COUNT(DISTINCT ?r) AS ?n) WHERE {{
  ?agency rdfs:label ?agencyLabel . FILTER(CONTAINS(?agencyLabel, {x["agency"]}))
  ?r gk:issuedBy ?agency .
  {{ ?r gk:cites ?inst }} UNION {{ ?r gk:hasInitiative/gk:cites ?inst }}
  ?inst rdfs:label ?label .
}}
GROUP BY ?inst ?label ORDER BY DESC(?n) LIMIT 100"""),
        ("ex_q2", p + f"""SELECT ?inst ?label (COUNT(DISTINCT ?r) AS ?n) WHERE {{
  ?r a gk:Report ; gk:yearCovered ?y ; gk:cites ?inst .
  FILTER(STR(?y) = {x["year"]})
  ?inst rdfs:label ?label .
}}
GROUP BY ?inst ?label ORDER BY DESC(?n) LIMIT 20"""),
        ("ex_q3", p + f"""SELECT DISTINCT ?agency ?label WHERE {{
  ?a rdfs:label ?la . FILTER(CONTAINS(?la, {x["a"]}))
  ?b rdfs:label ?lb . FILTER(CONTAINS(?lb, {x["b"]}))
  ?r1 gk:issuedBy ?agency . {{ ?r1 gk:cites ?a }} UNION {{ ?r1 gk:hasInitiative/gk:cites ?a }}
  ?r2 gk:issuedBy ?agency . {{ ?r2 gk:cites ?b }} UNION {{ ?r2 gk:hasInitiative/gk:cites ?b }}
  ?agency rdfs:label ?label .
}}
LIMIT 100"""),
        ("ex_q4", p + """SELECT ?a ?aLabel ?b ?bLabel (COUNT(DISTINCT ?r) AS ?n) WHERE {
  ?r a gk:Report ; gk:cites ?a, ?b .
  FILTER(STR(?a) < STR(?b))
  ?a rdfs:label ?aLabel . ?b rdfs:label ?bLabel .
}
GROUP BY ?a ?aLabel ?b ?bLabel ORDER BY DESC(?n) LIMIT 50"""),
        ("ex_q5", p + """SELECT ?s ?label ?type WHERE {
  ?s rdfs:label ?label . FILTER(CONTAINS(?label, "条例"))
  OPTIONAL { ?s a ?type }
}
LIMIT 100"""),
    ]]
