"""Extraction → RDF: one report's triples, split into what belongs to the report and what is shared.

    map_extraction(ex, settings, source_name="report.txt") -> ReportGraphs

`ReportGraphs.report` goes into the report's own named graph (graph/report/{h}): the report node, its stored
plain text, initiatives, figures, sections, every annotation, and the links from the report and its
initiatives to shared nodes. `ReportGraphs.entities` goes into the shared graph/entities: the description of
each agency, legal instrument, event and region (types, labels, kinds), written once however many reports
cite them. Re-ingesting a report replaces its named graph and adds its entity triples (set semantics).

Evidence (DESIGN.md contract): every extracted fact gets a W3C Web Annotation whose body is the thing read
(instrument, agency, event, initiative, figure) and whose target selects the span of the stored text with a
TextQuoteSelector (exact/prefix/suffix) and a TextPositionSelector (start/end in code points). A fact without
a usable span is not published as a link, because nobody could check it; it is listed in `ReportGraphs.dropped`.

All IRIs come from kg.rdf.iris.Minter and the selectors hang under their annotation's IRI (#target, #quote,
#position), so two runs on the same extraction give identical graphs, triple for triple.
"""
from __future__ import annotations

import hashlib
import json
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import PurePath
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from kg.config import Settings
from kg.extract.instruments import is_type_word
from kg.extract.model import Extraction
from kg.rdf.iris import Minter, fold
from kg.rdf.namespaces import ELI, GK, KIND, LANG_ZH, LEVEL, OA, SCHEMA, SPDX, bind_prefixes
from kg.rdf.privacy import mask_personal, office_phones


class _Terms:
    """A namespace whose terms are made once: rdflib's Namespace builds and checks a new URIRef on every attribute
    access (~10^4 a report here), and equal terms that are not the same object cost a Python __eq__ in every set
    and index lookup downstream (validation, serialisation)."""

    def __init__(self, namespace):
        self._namespace = namespace

    def __getattr__(self, name):
        term = getattr(self._namespace, name)
        self.__dict__[name] = term
        return term


ELI, GK, OA, SCHEMA, SPDX = (_Terms(ns) for ns in (ELI, GK, OA, SCHEMA, SPDX))

# Bump when the mapping's output changes, so incremental builds re-map unchanged extractions.
MAPPING_VERSION = "0.1.2"

CONTEXT_CHARS = 32                 # at most this many characters of prefix/suffix around a quote
SENTENCE_BOUNDARIES = "。；;！？!?\n"  # the prefix/suffix stop at these: context from another sentence misleads
SHA256_ALGORITHM = URIRef("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")  # https: DCAT-AP codelist
TEXT_PLAIN = URIRef("https://www.iana.org/assignments/media-types/text/plain")
STATUS = {"done": SCHEMA.CompletedActionStatus, "planned": SCHEMA.PotentialActionStatus}
# Terms of the annotation pattern, looked up once: a report makes hundreds of annotations, 16 triples each.
_A, _ANNOTATION, _MOTIVATED_BY, _HAS_BODY, _HAS_TARGET = RDF.type, OA.Annotation, OA.motivatedBy, OA.hasBody, OA.hasTarget
_GENERATED_BY, _SPECIFIC, _HAS_SOURCE, _HAS_SELECTOR = PROV.wasGeneratedBy, OA.SpecificResource, OA.hasSource, OA.hasSelector
_QUOTE, _EXACT, _PREFIX, _SUFFIX = OA.TextQuoteSelector, OA.exact, OA.prefix, OA.suffix
_POSITION, _START, _END, _INTEGER = OA.TextPositionSelector, OA.start, OA.end, XSD.integer


class ReportGraphs:
    """One report's mapping: `report` (its named graph) and `entities` (its shared-node triples).

    The mapper collects triples in sets; the rdflib graphs are made on first access (a build that only validates
    and serialises never needs them). Once made, a graph is the truth: changes to it are what `triples()`,
    `ntriples()` and validation see."""

    def __init__(self, report_iri: URIRef, graph_iri: URIRef, report, entities, content_hash=None,
                 dropped: list[str] | None = None):
        self.report_iri = report_iri
        self.graph_iri = graph_iri            # the named graph `report` is stored in
        self._report, self._entities = report, entities   # a Graph, or a set of triples until first access
        self._content_hash = content_hash     # a str, or a function that computes it (on first access)
        self.dropped = dropped if dropped is not None else []  # facts left out for want of a valid span

    @property
    def report(self) -> Graph:
        """Report-scoped triples."""
        if not isinstance(self._report, Graph):
            self._report = _to_graph(self._report)
        return self._report

    @property
    def entities(self) -> Graph:
        """Descriptions of shared nodes (for graph/entities)."""
        if not isinstance(self._entities, Graph):
            self._entities = _to_graph(self._entities)
        return self._entities

    @property
    def content_hash(self) -> str:
        """sha256 of the extraction JSON + mapping version + settings that change output."""
        if callable(self._content_hash):
            self._content_hash = self._content_hash()
        return self._content_hash

    def report_triples(self):
        """The report graph's triples: the set as mapped, or the graph's when it was made (and maybe changed)."""
        return self._report

    def entity_triples(self):
        return self._entities

    def ntriples(self) -> tuple[str, str]:
        """(report, entities) as N-Triples text, the same statements rdflib's "nt" serialiser writes."""
        return to_ntriples(self._report), to_ntriples(self._entities)

    def combined(self) -> Graph:
        """Report and entity triples in one graph (a copy), prefixes bound. Validation does not need the copy:
        kg.validate.validate([rg.report, rg.entities]) reads both as their union."""
        g = bind_prefixes(Graph())
        g += self.report
        g += self.entities
        return g


# -- N-Triples, written directly (rdflib's serialiser makes a graph and a row per triple through its plugins) --

_N3: dict = {}   # term -> N-Triples text, for IRIs (predicates, classes, shared nodes recur in every report)


def _n3_node(term) -> str:
    text = _N3.get(term)
    if text is None:
        text = term.n3()   # URIRef.n3 refuses an IRI it cannot write, exactly as rdflib's serialiser does
        if isinstance(term, URIRef) and len(_N3) < 200_000:
            _N3[term] = text
    return text


def _nt_literal(lit: Literal) -> str:
    # As rdflib.plugins.serializers.nt._quoteLiteral.
    encoded = '"%s"' % lit.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"').replace("\r", "\\r")
    if lit.language:
        if lit.datatype:
            raise Exception("Literal has datatype AND language!")
        return f"{encoded}@{lit.language}"
    if lit.datatype:
        return f"{encoded}^^<{lit.datatype}>"
    return encoded


def to_ntriples(triples) -> str:
    """N-Triples text of a set of triples (or a Graph): the statements of `graph.serialize(format="nt")`."""
    node = _n3_node
    rows = []
    for s, p, o in triples:
        rows.append(f"{node(s)} {node(p)} {_nt_literal(o) if isinstance(o, Literal) else node(o)} .\n")
    return "".join(rows)


GENRE_NAMES = {"fzzf": "法治政府建设年度报告", "xxgk": "政府信息公开工作年度报告"}


def derived_report_label(meta, source_name: str) -> str:
    """A display name for a report whose text states no title: 绍兴市市场监督管理局2023年法治政府建设年度报告."""
    kind = GENRE_NAMES.get(meta.genre or "", "年度报告")
    if meta.agency:
        return f"{meta.agency}{f'{meta.year_covered}年' if meta.year_covered else ''}{kind}"
    return f"{kind}（{source_name}）"


def content_hash(ex: Extraction, settings: Settings, source_name: str) -> str:
    payload = json.dumps(ex.to_json(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    salt = f"{MAPPING_VERSION}|{settings.base_iri}|{settings.publish_personal_contacts}|{_file_name(source_name)}"
    return hashlib.sha256((salt + "\n" + payload).encode("utf-8")).hexdigest()


def quote_context(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> tuple[str, str]:
    """(prefix, suffix): up to `width` characters before and after [start, end), cut at sentence boundaries."""
    prefix = text[max(0, start - width):start]
    cut = max(prefix.rfind(ch) for ch in SENTENCE_BOUNDARIES)
    if cut >= 0:
        prefix = prefix[cut + 1:]
    suffix = text[end:end + width]
    cuts = [i for i in (suffix.find(ch) for ch in SENTENCE_BOUNDARIES) if i >= 0]
    if cuts:
        suffix = suffix[:min(cuts)]
    return prefix, suffix


class _Triples(set):
    """A set of triples: set.add is Graph.add's signature, so the mapping code reads like graph code."""


def _to_graph(triples: set) -> Graph:
    # SimpleMemory: ~3× faster to fill than rdflib's default store; these graphs are only iterated and
    # serialised. No prefixes are bound (binding costs more than filling a small graph): serialisers bind theirs.
    g = Graph(store="SimpleMemory", bind_namespaces="none")
    store_add = g.store.add
    for t in triples:
        store_add(t, g, quoted=False)
    return g


@lru_cache(maxsize=65_536)
def _zh(value: str) -> Literal:
    # Cached: names and labels recur in every report that mentions their agency or instrument.
    return Literal(value, lang=LANG_ZH)


@lru_cache(maxsize=65_536)
def _offset(n: int) -> Literal:
    """An offset as the store publishes it. Web Annotation ranges oa:start/oa:end over xsd:nonNegativeInteger, but
    Oxigraph keeps every integer-derived type as xsd:integer, so a graph mapped with the derived type would not be
    the graph published (nor would it conform to shapes/, which checks the published form: xsd:integer, >= 0).
    Cached: every annotation has two offsets, and Literal(int) is the costliest term to make."""
    return Literal(n, datatype=_INTEGER)


def _file_name(source_name: str) -> str:
    # The file name, not its directory: the same report read from another checkout gets the same IRI.
    return PurePath(source_name.replace("\\", "/")).name or source_name


def _decimal(value) -> Literal:
    try:
        return Literal(Decimal(str(value)).normalize() if value == value else Decimal(0), datatype=XSD.decimal)
    except (InvalidOperation, ValueError):
        return Literal(str(value), datatype=XSD.decimal)  # ill-typed on purpose: validation reports it


def _concept(namespace, code: str) -> URIRef:
    # Codes outside the scheme still become IRIs in the scheme's namespace, so SHACL's sh:in rejects them
    # with a message naming the bad code rather than the mapping hiding it.
    return namespace[quote(code, safe="")]


class _Mapper:
    """One report's mapping. Holds the graphs being filled and the bookkeeping of which nodes have evidence."""

    def __init__(self, ex: Extraction, settings: Settings, source_name: str):
        self.ex = ex
        self.settings = settings
        self.mint = Minter(settings.base_iri)
        self._iris: dict[str, URIRef] = {}
        meta = ex.report
        key = Minter.report_key(meta.index_number, meta.agency, meta.year_covered, meta.genre, meta.title,
                                _file_name(source_name))
        self.report = self.iri(self.mint.report(key))
        self.graph_iri = self.iri(self.mint.graph(str(self.report)))
        self.text_node = self.iri(self.mint.text(str(self.report)))
        self.run = self.iri(self.mint.run(str(self.report)))
        self.source_name = _file_name(source_name)
        # Offsets index `ex.text`; the published text masks personal data character for character.
        if settings.publish_personal_contacts:
            self.published_text = ex.text
        else:
            self.published_text = mask_personal(ex.text, ex.contacts)
        assert len(self.published_text) == len(ex.text)
        # Triples are collected in sets and turned into graphs at the end: rdflib's Graph.add costs ~15 µs a
        # triple in checks and index upkeep, a set.add well under 1 µs, and a report has ~10^3 triples.
        self.r = _Triples()
        self.e = _Triples()
        self.issuers: list[URIRef] = []
        self.dropped: list[str] = []
        self.evidenced: set[URIRef] = set()   # shared nodes with at least one annotation in this report

    # -- evidence ---------------------------------------------------------------------------------------

    def _valid_span(self, span) -> tuple[int, int] | None:
        try:
            start, end = int(span[0]), int(span[1])
        except (TypeError, ValueError, IndexError):
            return None
        return (start, end) if 0 <= start < end <= len(self.ex.text) else None

    def iri(self, value: str) -> URIRef:
        """One URIRef object per IRI in a report's triples: URIRef checks the IRI each time one is made, and
        agencies, instruments, annotations and their parts recur in several triples each."""
        node = self._iris.get(value)
        if node is None:
            node = self._iris[value] = URIRef(value)
        return node

    def annotate(self, body: URIRef, spans, motivation: URIRef, what: str) -> int:
        """One annotation per valid span of `body`; returns how many were made."""
        made = 0
        for span in spans:
            valid = self._valid_span(span)
            if valid is None:
                self.dropped.append(f"{what}: span {span!r} outside the text (length {len(self.ex.text)})")
                continue
            start, end = valid
            ann_iri = self.mint.annotation(str(self.report), str(body), start, end)
            ann = self.iri(ann_iri)
            target, quote_sel, position = (self.iri(ann_iri + part) for part in ("#target", "#quote", "#position"))
            prefix, suffix = quote_context(self.published_text, start, end)
            add = self.r.add
            add((ann, _A, _ANNOTATION))
            add((ann, _MOTIVATED_BY, motivation))
            add((ann, _HAS_BODY, body))
            add((ann, _HAS_TARGET, target))
            add((ann, _GENERATED_BY, self.run))
            add((target, _A, _SPECIFIC))
            add((target, _HAS_SOURCE, self.text_node))
            add((target, _HAS_SELECTOR, quote_sel))
            add((target, _HAS_SELECTOR, position))
            add((quote_sel, _A, _QUOTE))
            add((quote_sel, _EXACT, Literal(self.published_text[start:end])))
            if prefix:
                add((quote_sel, _PREFIX, Literal(prefix)))
            if suffix:
                add((quote_sel, _SUFFIX, Literal(suffix)))
            add((position, _A, _POSITION))
            add((position, _START, _offset(start)))
            add((position, _END, _offset(end)))
            made += 1
        if made:
            self.evidenced.add(body)
        return made

    # -- shared nodes -----------------------------------------------------------------------------------

    def _labels(self, node: URIRef, name: str, surfaces) -> None:
        self.e.add((node, RDFS.label, _zh(name)))
        self.e.add((node, SKOS.prefLabel, _zh(name)))
        key = fold(name)
        for surface in surfaces:
            if surface and fold(surface) != key:
                self.e.add((node, SKOS.altLabel, _zh(surface)))

    def region(self, code: str | None, name: str | None) -> URIRef | None:
        if not code:
            return None
        node = self.iri(self.mint.region(quote(code.strip(), safe="")))
        self.e.add((node, RDF.type, GK.Region))
        self.e.add((node, GK.regionCode, Literal(code.strip())))
        if name:
            self.e.add((node, RDFS.label, _zh(name)))
            self.e.add((node, SKOS.prefLabel, _zh(name)))
        return node

    def agency(self, name: str, surfaces=(), region_code: str | None = None, region_name: str | None = None) -> URIRef:
        node = self.iri(self.mint.agency(name))
        # foaf:Agent explicitly: DCAT-AP's Agent shape targets it and validators do not run inference.
        self.e.add((node, RDF.type, GK.Agency))
        self.e.add((node, RDF.type, FOAF.Agent))
        self.e.add((node, FOAF.name, _zh(name)))
        self._labels(node, name, surfaces)
        region = self.region(region_code, region_name)
        if region is not None:
            self.e.add((node, GK.region, region))
        return node

    # -- the report -------------------------------------------------------------------------------------

    def map(self) -> ReportGraphs:
        self.map_report()
        agencies = self.map_agencies()
        instruments = self.map_instruments()
        self.map_events()
        sections = self.map_sections()
        self.map_initiatives(agencies, instruments, sections)
        self.map_figures()
        self.map_provenance()
        ex, settings, source_name = self.ex, self.settings, self.source_name
        return ReportGraphs(self.report, self.graph_iri, self.r, self.e,
                            lambda: content_hash(ex, settings, source_name), self.dropped)

    def map_report(self) -> None:
        meta, r, rep = self.ex.report, self.r, self.report
        r.add((rep, RDF.type, GK.Report))
        if meta.title:
            r.add((rep, DCTERMS.title, _zh(meta.title)))
        # rdfs:label is always there, for display: the title, or (when the text states none, as many pages give
        # only the body) a name made from the header fields. dct:title is only ever what the document says.
        r.add((rep, RDFS.label, _zh(meta.title or derived_report_label(meta, self.source_name))))
        if meta.agency:
            issuer = self.agency(meta.agency, region_code=meta.region_code, region_name=meta.region)
            r.add((rep, GK.issuedBy, issuer))
            self.issuers.append(issuer)
        for name in meta.addressees:
            if name:
                r.add((rep, GK.addressee, self.agency(name)))
        if meta.year_covered is not None:
            r.add((rep, GK.yearCovered, Literal(f"{int(meta.year_covered):04d}", datatype=XSD.gYear)))
        if meta.published:
            r.add((rep, DCTERMS.issued, Literal(meta.published, datatype=XSD.date)))
        if meta.doc_number:
            r.add((rep, GK.docNumber, Literal(meta.doc_number)))
        if meta.index_number:
            r.add((rep, GK.indexNumber, Literal(meta.index_number)))
        if meta.genre:
            r.add((rep, GK.genre, Literal(meta.genre)))
        if meta.url:
            r.add((rep, SCHEMA.url, URIRef(meta.url)))
            r.add((rep, PROV.hadPrimarySource, URIRef(meta.url)))
        region = self.region(meta.region_code, meta.region)
        if region is not None:
            r.add((rep, GK.region, region))
        r.add((rep, GK.sourceName, Literal(self.source_name)))
        if self.settings.publish_personal_contacts:
            # Even when contacts may be published: office numbers only, never a mobile or a person's name.
            for phone in office_phones(self.ex.contacts):
                r.add((rep, GK.contactPhone, Literal(phone)))
        # The stored text: annotation targets. Its checksum lets anyone verify the offsets.
        text, node = self.published_text, self.text_node
        r.add((rep, GK.hasText, node))
        r.add((node, RDF.type, GK.SourceText))
        r.add((node, GK.content, Literal(text)))
        r.add((node, DCAT.mediaType, TEXT_PLAIN))
        checksum = URIRef(node + "#sha256")
        r.add((node, SPDX.checksum, checksum))
        r.add((checksum, RDF.type, SPDX.Checksum))
        r.add((checksum, SPDX.algorithm, SHA256_ALGORITHM))
        r.add((checksum, SPDX.checksumValue,
               Literal(hashlib.sha256(text.encode("utf-8")).hexdigest(), datatype=XSD.hexBinary)))
        if meta.url:
            r.add((node, PROV.wasDerivedFrom, URIRef(meta.url)))

    def map_agencies(self) -> dict[str, URIRef]:
        """Agencies by folded canonical name → IRI, for the initiatives' links."""
        by_name: dict[str, URIRef] = {}
        meta = self.ex.report
        for ag in self.ex.agencies:
            if not ag.name:
                continue
            is_issuer = ag.role == "issuer" or (meta.agency and fold(ag.name) == fold(meta.agency))
            node = self.agency(ag.name, [ag.surface, *ag.aliases], ag.region_code, ag.region)
            if is_issuer and meta.region_code:
                self.e.add((node, GK.region, self.iri(self.mint.region(quote(meta.region_code.strip(), safe="")))))
            by_name[fold(ag.name)] = node
            # Mentions through a short form (市外办, 以下简称…) are evidence too.
            spans = [*ag.spans, *getattr(ag, "alias_spans", ())]
            evidenced = self.annotate(node, spans, OA.identifying, f"agency {ag.name}")
            if is_issuer:
                self.r.add((self.report, GK.issuedBy, node))
                if node not in self.issuers:
                    self.issuers.append(node)
            elif ag.role == "addressee":
                self.r.add((self.report, GK.addressee, node))
            elif evidenced:
                self.r.add((self.report, GK.mentionsAgency, node))
            else:
                self.dropped.append(f"agency {ag.name}: mentioned without a span")
        return by_name

    def map_instruments(self) -> dict[str, URIRef]:
        by_name: dict[str, URIRef] = {}
        for ins in self.ex.instruments:
            if ins.name:
                by_name[fold(ins.name)] = self.iri(self.mint.instrument(ins.name))
        for ins in self.ex.instruments:
            if not ins.name:
                continue
            node = by_name[fold(ins.name)]
            self.e.add((node, RDF.type, GK.LegalInstrument))
            self._labels(node, ins.name, [ins.surface, *(a for a in ins.aliases if not is_type_word(a))])
            self.e.add((node, ELI.type_document, _concept(KIND, ins.kind or "other")))
            if ins.level:
                self.e.add((node, GK.level, _concept(LEVEL, ins.level)))
            if ins.part_of and fold(ins.part_of) in by_name:
                self.e.add((node, DCTERMS.isPartOf, by_name[fold(ins.part_of)]))
            spans = [*ins.spans, *getattr(ins, "alias_spans", ())]
            if self.annotate(node, spans, OA.identifying, f"instrument {ins.name}"):
                self.r.add((self.report, GK.cites, node))
            else:
                self.dropped.append(f"instrument {ins.name}: cited without a span")
        return by_name

    def map_events(self) -> None:
        for ev in self.ex.events:
            if not ev.name:
                continue
            node = self.iri(self.mint.event(ev.name))
            self.e.add((node, RDF.type, GK.Event))
            self._labels(node, ev.name, [ev.surface, *ev.aliases])
            if ev.date and ev.date.startswith("--"):
                # A recurring day (国家宪法日 --12-04) is the event's own, so it is shared.
                self.e.add((node, GK.recurringDay, Literal(ev.date, datatype=XSD.gMonthDay)))
            elif ev.date:
                # A one-off date is what this report says about this year's instance: report-scoped.
                self.r.add((node, SCHEMA.startDate, Literal(ev.date, datatype=XSD.date)))
            if self.annotate(node, [*ev.spans, *ev.alias_spans], OA.identifying, f"event {ev.name}"):
                self.r.add((self.report, GK.mentionsEvent, node))
            else:
                self.dropped.append(f"event {ev.name}: mentioned without a span")

    def map_sections(self) -> list[tuple[str, int | None, URIRef]]:
        """(folded heading, start, IRI) of each section, in text order, for placing initiatives."""
        out = []
        for sec in self.ex.sections:
            if not sec.heading:
                continue
            spans = [s for s in (self._valid_span(sp) for sp in sec.spans) if s]
            start = spans[0][0] if spans else None
            node = self.iri(self.mint.section(str(self.report), sec.heading, start))
            self._section_node(node, sec.heading)
            self.r.add((node, GK.headingLevel, Literal(int(sec.level))))
            self.r.add((node, GK.sectionKind, Literal(sec.kind)))
            self.annotate(node, sec.spans, OA.describing, f"section {sec.heading}")
            out.append((fold(sec.heading), start, node))
        return out

    def _section_node(self, node: URIRef, heading: str) -> None:
        self.r.add((node, RDF.type, GK.Section))
        self.r.add((node, DCTERMS.title, _zh(heading)))
        self.r.add((node, GK.inReport, self.report))
        self.r.add((self.report, GK.hasSection, node))

    def _section_for(self, heading: str, at: int | None, sections) -> URIRef:
        key = fold(heading)
        candidates = [(start, node) for k, start, node in sections if k == key]
        before = [(s, n) for s, n in candidates if s is not None and at is not None and s <= at]
        if before:
            return max(before, key=lambda c: c[0])[1]
        if candidates:
            return candidates[0][1]
        node = self.iri(self.mint.section(str(self.report), heading, None))   # heading not among the sections
        self._section_node(node, heading)
        return node

    def map_initiatives(self, agencies: dict[str, URIRef], instruments: dict[str, URIRef], sections) -> None:
        issuer = self.issuers[0] if self.issuers else None
        for ini in self.ex.initiatives:
            spans = [s for s in (self._valid_span(sp) for sp in ini.spans) if s]
            if not spans:
                self.dropped.append(f"initiative {ini.title}: no valid span")
                continue
            own_text = "".join(self.ex.text[a:b] for a, b in spans)  # the original text: IRIs ignore masking
            node = self.iri(self.mint.initiative(str(self.report), own_text))
            r = self.r
            r.add((node, RDF.type, GK.Initiative))
            r.add((self.report, GK.hasInitiative, node))
            r.add((node, GK.inReport, self.report))
            if ini.title:
                r.add((node, SCHEMA.name, _zh(ini.title)))
            published = unicodedata.normalize("NFC", "".join(self.published_text[a:b] for a, b in spans))
            r.add((node, SCHEMA.description, _zh(published)))
            if ini.status in STATUS:
                r.add((node, SCHEMA.actionStatus, STATUS[ini.status]))
            else:
                r.add((node, SCHEMA.actionStatus, Literal(ini.status)))  # not a status: validation says so
            if issuer is not None:
                r.add((node, SCHEMA.agent, issuer))
            if ini.section:
                r.add((node, GK.section, self._section_for(ini.section, spans[0][0], sections)))
            for name in ini.instruments:
                target = instruments.get(fold(name))
                if target is not None and target in self.evidenced:
                    r.add((node, GK.cites, target))
                else:
                    self.dropped.append(f"initiative {ini.title}: cites {name}, which has no span in the report")
            for name in ini.agencies:
                target = agencies.get(fold(name))
                if target is not None and target in self.evidenced:
                    r.add((node, GK.mentionsAgency, target))
                else:
                    self.dropped.append(f"initiative {ini.title}: mentions {name}, which has no span in the report")
            r.add((node, PROV.wasGeneratedBy, self.run))
            self.annotate(node, spans, OA.describing, f"initiative {ini.title}")

    def map_figures(self) -> None:
        for fig in self.ex.figures:
            spans = [s for s in (self._valid_span(sp) for sp in fig.spans) if s]
            if not spans:
                self.dropped.append(f"figure {fig.surface or fig.value}: no valid span")
                continue
            node = self.iri(self.mint.figure(str(self.report), *spans[0]))
            r = self.r
            r.add((node, RDF.type, GK.Figure))
            r.add((self.report, GK.reportsFigure, node))
            r.add((node, GK.inReport, self.report))
            label = fig.surface or self.published_text[spans[0][0]:spans[0][1]]
            r.add((node, RDFS.label, _zh(label)))
            r.add((node, SCHEMA.value, _decimal(fig.value)))
            if fig.unit:
                r.add((node, SCHEMA.unitText, Literal(fig.unit)))
            if fig.counts:
                r.add((node, GK.counts, _zh(fig.counts)))
            r.add((node, PROV.wasGeneratedBy, self.run))
            self.annotate(node, spans, OA.describing, f"figure {label}")

    def map_provenance(self) -> None:
        software = self.iri(self.mint.software(MAPPING_VERSION))
        self.r.add((self.run, RDF.type, GK.ExtractionRun))
        self.r.add((self.run, PROV.used, self.text_node))
        self.r.add((self.run, PROV.wasAssociatedWith, software))
        self.r.add((self.report, PROV.wasGeneratedBy, self.run))
        self.e.add((software, RDF.type, PROV.SoftwareAgent))
        self.e.add((software, RDFS.label, Literal(f"GovKG {MAPPING_VERSION}")))
        self.e.add((software, SCHEMA.softwareVersion, Literal(MAPPING_VERSION)))


def map_extraction(ex: Extraction, settings: Settings | None = None, *, source_name: str) -> ReportGraphs:
    """Map one report's extraction to its report graph and its shared-entity triples (see module doc)."""
    return _Mapper(ex, settings or Settings(), source_name).map()
