"""Text → Extraction: header, structure, instruments, agencies, events, figures, contacts.

    from kg.source import read
    from kg.extract import extract
    ex = extract(read("report.html"))
    ex.to_json()          # the JSON of shared/eval/SCHEMA.md

extract() is pure and deterministic, and total: any string gives an Extraction whose spans index the text.
"""
from __future__ import annotations

import bisect
import re
from collections import OrderedDict
from functools import lru_cache

from kg.extract import header as hdr
from kg.extract.agencies import (Mention, RegionContext, find_aliases, find_mentions, find_regions, region_context,
                                 region_of_name, resolve_agency)
from kg.extract.events import canonical_event_name, find_events
from kg.extract.figures import find_contacts, find_figures
from kg.extract.instruments import (classify, find_bare, find_bracketed, is_own_title, link_aliases, stated_kind,
                                   stated_kind_applies)
from kg.extract.model import (Agency, Contact, Event, Extraction, Figure, Initiative, Instrument, ReportMeta, Section)
from kg.extract.structure import find_initiatives, find_sections
from kg.extract.text import TextView, normalize
from kg.rdf.iris import fold as _fold_uncached, instrument_key as _key_uncached
from kg.source.model import SourceText

__all__ = ["extract", "extract_text"]

# the same short names are folded thousands of times in a long text
fold = lru_cache(maxsize=65536)(_fold_uncached)
instrument_key = lru_cache(maxsize=65536)(_key_uncached)


def extract_text(text: str, meta: dict | None = None, path: str | None = None) -> Extraction:
    return extract(SourceText(path=path or "<text>", text=text, meta=dict(meta or {})))


# ---------------------------------------------------------------- agency names

# One normalisation for every agency name (issuer, addressees, mentions): kg.extract.agencies.canonical_agency,
# reached through resolve_agency (a name as written) and find_mentions (names in running text).
_region_of = region_of_name


_TITLE_PREFIX = re.compile(r"关于|(?:19|20)\d{2}|[〇零○一二三四五六七八九]{4}年|政府信息公开|法治政府|依法行政|年度")
_YEAR_LEAD = re.compile(r"\s*(?:(?:19|20)\d{2}年(?:度)?(?:以来|来)?\s*[,:]?\s*)(?:(?:在|按照|根据)[^。;]{0,80}?(?:下|要求|部署)\s*,\s*)*")
_WE = re.compile(r"(?:我|本)(局|厅|委|办|院|署|中心|分局)")


def _issuer(h: hdr.Header, view: TextView, ctx: RegionContext, meta: dict, lines) -> str | None:
    norm = view.norm
    if h.signature_agency:
        name = resolve_agency(h.signature_agency, ctx, norm)
        if name:
            return name
    if h.title:
        prefix = _TITLE_PREFIX.split(normalize(h.title), 1)[0].strip()
        if prefix:
            name = resolve_agency(prefix, ctx, norm)
            if name:
                return name
    for value in (h.fields.get("publisher"), meta.get("ContentSource"), h.fields.get("source")):
        if value:
            name = resolve_agency(value, ctx, norm)
            if name:
                return name
    return None


def _issuer_from_body(view: TextView, mentions: list[Mention], all_full: list[Mention], lines) -> str | None:
    """Without title or signature: the subject of the opening sentence (2023年,市市场监管局…), or the full name
    matching 我局/我厅 (a report citing its own earlier report)."""
    norm = view.norm
    by_start = {m.start: m for m in mentions}
    for s, e in lines[:40]:
        m = _YEAR_LEAD.match(norm, s, e)
        if not m or m.end() == s or e - s < 12:
            continue
        pos = m.end()
        if pos in by_start and by_start[pos].name:
            return by_start[pos].name
        we = _WE.match(norm, pos)
        if we:
            return _we_agency(we.group(1), all_full)
        break
    we = _WE.search(norm)
    if we:
        return _we_agency(we.group(1), all_full)
    return None


def _we_agency(suffix: str, all_full: list[Mention]) -> str | None:
    counts: "OrderedDict[str, int]" = OrderedDict()
    for m in all_full:
        if m.name and m.name.endswith(suffix) and m.kind == "full":
            counts[m.name] = counts.get(m.name, 0) + 1
    return max(counts, key=counts.get) if counts else None


_ADDRESSEE_LINE = re.compile(r"^\s*([^。,;:|]{2,60}):\s*$")


def _addressees(view: TextView, lines, h: hdr.Header, ctx: RegionContext) -> tuple[list[str], str | None]:
    for s, e in lines[:max(30, (h.title_line or 0) + 25)]:
        line = view.norm[s:e]
        m = _ADDRESSEE_LINE.match(line)
        if not m:
            continue
        parts = [p for p in re.split(r"[、,]", m.group(1)) if p.strip()]
        names = [resolve_agency(p, ctx, view.norm) for p in parts]
        if names and all(names):
            return names, view.text[s:e].strip()
    return [], None


# ---------------------------------------------------------------- main

def extract(src: SourceText) -> Extraction:
    text = src.text if isinstance(src.text, str) else ""
    meta = dict(src.meta or {})
    view = TextView.of(text)
    norm = view.norm
    lines = list(view.lines())

    h = hdr.read_header(view, meta)
    published = hdr.published(h, meta)
    year = hdr.year_covered(h, view, lines, published)
    report = ReportMeta(title=h.title, doc_number=hdr.doc_number(h, view, lines), index_number=hdr.index_number(h),
                        published=published, year_covered=year, url=src.url or meta.get("Url"))
    if re.search(r"信息公开", h.title or norm[:400]) and re.search(r"年度报告|年报|工作报告", h.title or norm[:600]):
        report.genre = "xxgk"
    elif re.search(r"法治政府|依法行政|法治建设", h.title or norm[:600]):
        report.genre = "fzzf"

    # ---- instruments
    cites, bracket_regions = find_bracketed(view)
    link_aliases(view, cites)
    bare = find_bare(view, bracket_regions)

    # ---- agencies (the issuer's region decides what 市/省/区 mean in short forms)
    regions_found = find_regions(norm)
    ctx = region_context(norm, regions_found)
    issuer = _issuer(h, view, ctx, meta, lines)
    if issuer:
        ctx.primary = _region_of(issuer)
    mentions = find_mentions(view, regions_found, ctx, bracket_regions)
    mentions += find_aliases(view, mentions, bracket_regions)
    if not issuer:
        all_full = find_mentions(view, regions_found, ctx, [])
        issuer = _issuer_from_body(view, mentions, all_full, lines)
        if issuer and _region_of(issuer) is not None and ctx.primary is None:
            ctx.primary = _region_of(issuer)
            mentions = find_mentions(view, regions_found, ctx, bracket_regions)
            mentions += find_aliases(view, mentions, bracket_regions)
    report.agency = issuer
    issuer_region = _region_of(issuer) if issuer else None
    if issuer_region is not None:
        report.region, report.region_code = issuer_region.name, issuer_region.code
    report.addressees, _ = _addressees(view, lines, h, ctx)

    agencies = _agency_items(view, mentions, issuer, report.addressees)
    instruments = _instrument_items(view, cites, bare, h.title)
    events = [Event(name=canonical_event_name(e.name), surface=text[e.start:e.end], spans=[(e.start, e.end)],
                    date=e.date) for e in find_events(view, [])]
    events = _merge_events(events)

    # only a signed date (an agency line above it) ends the body: a lone date line may be in the text
    sections = find_sections(view, year, signature_line=h.signature_line if h.signature_agency else None)
    initiative_hits, extra_sections = find_initiatives(view, sections)
    initiatives = []
    instrument_at = _SpanIndex((s, e, i.name) for i in instruments for s, e in i.spans + i.alias_spans)
    agency_at = _SpanIndex((s, e, a.name) for a in agencies for s, e in a.spans + a.alias_spans)
    for hit in initiative_hits:
        inside_i = instrument_at.names_within(hit.start, hit.end)
        inside_a = agency_at.names_within(hit.start, hit.end)
        initiatives.append(Initiative(title=hit.title, status=hit.status, section=hit.section,
                                      spans=[(hit.start, hit.end)], instruments=inside_i, agencies=inside_a))
    section_items = [Section(heading=n.heading, level=n.level, kind=n.kind, spans=[(n.start, n.heading_end)])
                     for n in sorted(sections + extra_sections, key=lambda n: n.start)]
    figures = [Figure(value=f.value, unit=f.unit, counts=f.counts, surface=text[f.start:f.end], spans=[(f.start, f.end)])
               for f in find_figures(view)]
    contacts = [Contact(surface=text[c.start:c.end], spans=[(c.start, c.end)], person=c.person, phones=c.phones)
                for c in find_contacts(view)]
    return Extraction(text=text, report=report, agencies=agencies, instruments=instruments, events=events,
                      initiatives=initiatives, figures=figures, sections=section_items, contacts=contacts,
                      source_path=src.path)


class _SpanIndex:
    """Names of items whose spans fall inside a range, by binary search over span starts."""

    def __init__(self, triples):
        self.items = sorted(triples)
        self.starts = [t[0] for t in self.items]

    def names_within(self, start: int, end: int) -> list[str]:
        k = bisect.bisect_left(self.starts, start)
        names = set()
        while k < len(self.items) and self.items[k][0] < end:
            if self.items[k][1] <= end:
                names.add(self.items[k][2])
            k += 1
        return sorted(names)


def _agency_items(view: TextView, mentions: list[Mention], issuer: str | None, addressees: list[str]) -> list[Agency]:
    items: "OrderedDict[str, Agency]" = OrderedDict()
    if issuer:
        # the issuer's surface: its full name where the text writes it, else its first short form
        own = [view.text[m.start:m.end] for m in mentions if m.name == issuer]
        full = [t for t in own if fold(t) == fold(issuer)]
        items[issuer] = Agency(name=issuer, surface=(full or own or [issuer])[0], role="issuer")
    seen_spans = set()
    for m in sorted(mentions, key=lambda m: m.start):
        if not m.name or (m.start, m.end) in seen_spans:
            continue
        seen_spans.add((m.start, m.end))
        if not m.name:
            continue
        surface = view.text[m.start:m.end]
        item = items.get(m.name)
        if item is None:
            role = "addressee" if m.name in addressees else "mentioned"
            item = items[m.name] = Agency(name=m.name, surface=surface, role=role)
        if fold(surface) == fold(item.surface):
            item.spans.append((m.start, m.end))
        else:
            item.alias_spans.append((m.start, m.end))
            if surface not in item.aliases:
                item.aliases.append(surface)
    for name in addressees:
        if name in items and items[name].role == "mentioned":
            items[name].role = "addressee"
    for item in items.values():
        region = _region_of(item.name)
        if region is not None:
            item.region, item.region_code = region.name, region.code
    return list(items.values())


def _instrument_items(view: TextView, cites, bare, title: str | None) -> list[Instrument]:
    text, norm = view.text, view.norm
    items: "OrderedDict[str, Instrument]" = OrderedDict()
    pending_alias = []
    for c in sorted(list(cites) + list(bare), key=lambda c: c.start):
        surface = text[c.start:c.end]
        if c.alias_of:
            pending_alias.append((c, surface))
            continue
        if is_own_title(norm[c.start:c.end], title):
            continue
        key = instrument_key(c.name)
        item = items.get(key)
        if item is None:
            kind, level = classify(c.name)
            item = items[key] = Instrument(name=c.name, surface=surface, kind=kind, level=level, part_of=c.part_of)
        if c.bracketed and norm[c.end:c.end + 1] == "》":
            # (…令第N号) after the title or 地方性法规《…》 before it states the kind where the name alone cannot
            stated = stated_kind(norm, c.start, c.end)
            if stated and stated_kind_applies(item.name, classify(item.name)[0]):
                item.kind = stated
        if fold(surface) == fold(item.surface):
            item.spans.append((c.start, c.end))
        else:
            item.alias_spans.append((c.start, c.end))
            if surface not in item.aliases:
                item.aliases.append(surface)
    for c, surface in pending_alias:
        item = items.get(instrument_key(c.alias_of))
        if item is None:
            continue
        item.alias_spans.append((c.start, c.end))
        if surface not in item.aliases:
            item.aliases.append(surface)
    return list(items.values())


def _merge_events(events: list[Event]) -> list[Event]:
    """One event per name: every mention is its evidence, however it was written (“4·15”全民国家安全教育日 and
    全民国家安全教育日), and a date any mention gives is the event's."""
    merged: "OrderedDict[str, Event]" = OrderedDict()
    for ev in events:
        key = fold(ev.name)
        first = merged.get(key)
        if first is None:
            merged[key] = ev
            continue
        if fold(first.surface) == fold(ev.surface):
            first.spans.extend(ev.spans)
        else:
            first.alias_spans.extend(ev.spans)
            if ev.surface not in first.aliases:
                first.aliases.append(ev.surface)
        first.date = first.date or ev.date
    return list(merged.values())
