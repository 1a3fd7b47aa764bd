"""Stored queries: named, parameterised SPARQL at stable URLs (/queries/<slug>), each as HTML, JSON and CSV.

    STORED: dict[slug, StoredQuery]
    run(svc, slug, params, lang) -> dict   resolves parameters, runs the query, returns columns/rows/sparql

Parameters naming an agency or an instrument take an IRI or a piece of its name (the best match is used, the
one with the most reports). Empty parameters get a sensible default from the data, so every URL answers.
The SPARQL text shown to the user gives exactly the rows shown, so researchers can copy it into /sparql and change
it: it is what ran, or, for the four researcher questions once the generation's CitationIndex is ready, what the
index answered in its place (FROM_INDEX; tests/web/test_stored_index.py checks they agree).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import Literal, URIRef

from kg.web import analytics
from kg.web.analytics import PREFIXES
from kg.web.service import KGService, iri_ref, literal

ROW_LIMIT = 500
CITE = "{{ {r} gk:cites {i} }} UNION {{ {r} gk:hasInitiative ?via . ?via gk:cites {i} }}"


def cite(r: str, i: str) -> str:
    """A report ?r cites ?i: directly, or through one of its initiatives."""
    return CITE.format(r=r, i=i)


def citing(r: str, i: str) -> str:
    """The distinct reports citing one instrument, as a subquery: evaluated first, it keeps joins small."""
    return (f"{{ SELECT DISTINCT {r} WHERE {{ {{ {r} gk:cites {i} . {r} a gk:Report }} UNION\n"
            f"                           {{ {r} gk:hasInitiative ?via . ?via gk:cites {i} }} }} }}")


@dataclass
class Param:
    name: str
    kind: str            # agency | instrument | year
    zh: str
    en: str
    required: bool = True


@dataclass
class StoredQuery:
    slug: str
    zh: str
    en: str
    desc_zh: str
    desc_en: str
    params: list[Param] = field(default_factory=list)

    def title(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def description(self, lang: str) -> str:
        return self.desc_zh if lang == "zh" else self.desc_en

    def sparql(self, v: dict[str, str]) -> str:
        return PREFIXES + getattr(self, "_q_" + self.slug.replace("-", "_"))(v)

    # --- the queries ----------------------------------------------------------------------------------------

    def _q_instruments_cited_by_agency(self, v):
        return f"""# Instruments cited by one agency's reports (directly or through their initiatives)
SELECT ?instrument (SAMPLE(?l) AS ?label) (SAMPLE(?k) AS ?kind) (COUNT(DISTINCT ?r) AS ?reports)
       (MIN(STR(?y)) AS ?firstYear) (MAX(STR(?y)) AS ?lastYear)
WHERE {{
  ?r gk:issuedBy {v['agency']} .
  {cite('?r', '?instrument')}
  OPTIONAL {{ ?r gk:yearCovered ?y }}
  OPTIONAL {{ ?instrument rdfs:label ?l }}
  OPTIONAL {{ ?instrument eli:type_document/skos:notation ?k }}
}}
GROUP BY ?instrument
ORDER BY DESC(?reports) ?label
LIMIT {ROW_LIMIT}"""

    def _q_most_cited(self, v):
        return f"""# The instruments cited by the most reports covering one year
SELECT ?instrument (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?r) AS ?reports) (COUNT(DISTINCT ?agency) AS ?agencies)
WHERE {{
  ?r a gk:Report ; gk:yearCovered ?y .
  FILTER(STR(?y) = {v['year']})
  {cite('?r', '?instrument')}
  OPTIONAL {{ ?r gk:issuedBy ?agency }}
  OPTIONAL {{ ?instrument rdfs:label ?l }}
}}
GROUP BY ?instrument
ORDER BY DESC(?reports) ?label
LIMIT 50"""

    def _q_agencies_citing_both(self, v):
        return f"""# Agencies whose reports cite both instrument A and instrument B
SELECT ?agency (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?ra) AS ?reportsCitingA) (COUNT(DISTINCT ?rb) AS ?reportsCitingB)
WHERE {{
  {citing('?ra', v['a'])}
  ?ra gk:issuedBy ?agency .
  {citing('?rb', v['b'])}
  ?rb gk:issuedBy ?agency .
  OPTIONAL {{ ?agency rdfs:label ?l }}
}}
GROUP BY ?agency
ORDER BY DESC(?reportsCitingA) ?label
LIMIT {ROW_LIMIT}"""

    def _q_co_citation(self, v):
        return f"""# Instruments cited in the same reports as one instrument (co-citation), most frequent first
SELECT ?other (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?r) AS ?reports)
WHERE {{
  {citing('?r', v['instrument'])}
  {{ SELECT DISTINCT ?r ?other WHERE {{ {cite('?r', '?other')} }} }}
  FILTER(?other != {v['instrument']})
  OPTIONAL {{ ?other rdfs:label ?l }}
}}
GROUP BY ?other
ORDER BY DESC(?reports) ?label
LIMIT 50"""

    def _q_citing_agencies(self, v):
        return f"""# Agencies and reports citing one instrument, by year
SELECT ?year ?agency (SAMPLE(?al) AS ?agencyLabel) ?report (SAMPLE(?rl) AS ?reportTitle)
WHERE {{
  {citing('?report', v['instrument'])}
  OPTIONAL {{ ?report gk:yearCovered ?y }}
  BIND(STR(?y) AS ?year)
  OPTIONAL {{ ?report gk:issuedBy ?agency . OPTIONAL {{ ?agency rdfs:label ?al }} }}
  OPTIONAL {{ ?report <http://purl.org/dc/terms/title> ?rl }}
}}
GROUP BY ?year ?agency ?report
ORDER BY DESC(?year) ?agencyLabel
LIMIT {ROW_LIMIT}"""

    def _q_changes(self, v):
        agency = f"\n      ?r gk:issuedBy {v['agency']} ." if v.get("agency") else ""
        return f"""# What changed between two years: reports citing each instrument in year FROM and in year TO
SELECT ?instrument ?label ?fromReports ?toReports ((?toReports - ?fromReports) AS ?change)
       (IF(?fromReports = 0, "added", IF(?toReports = 0, "dropped", "both")) AS ?status)
WHERE {{
  {{ SELECT ?instrument (SAMPLE(?l) AS ?label)
           (SUM(IF(STR(?y) = {v['from']}, 1, 0)) AS ?fromReports) (SUM(IF(STR(?y) = {v['to']}, 1, 0)) AS ?toReports)
    WHERE {{
      {{ SELECT DISTINCT ?r ?y ?instrument WHERE {{
          ?r a gk:Report ; gk:yearCovered ?y . FILTER(STR(?y) IN ({v['from']}, {v['to']})){agency}
          {cite('?r', '?instrument')} }} }}
      OPTIONAL {{ ?instrument rdfs:label ?l }}
    }} GROUP BY ?instrument }}
}}
ORDER BY DESC(ABS(?change)) ?label
LIMIT {ROW_LIMIT}"""


P_AGENCY = Param("agency", "agency", "机关（IRI 或名称）", "Agency (IRI or name)")
STORED: dict[str, StoredQuery] = {q.slug: q for q in [
    StoredQuery("instruments-cited-by-agency", "某机关引用的法律规范", "Instruments cited by an agency",
                "该机关的报告（及其工作举措）引用的法律规范，按引用报告数排序，附首次和最近年度。",
                "The instruments an agency's reports (and their initiatives) cite, by number of reports, "
                "with the first and last year.", [P_AGENCY]),
    StoredQuery("most-cited", "某年度被引用最多的法律规范", "Most-cited instruments in a year",
                "覆盖该年度的报告中被引用最多的法律规范，以及引用它们的机关数。",
                "The instruments cited by the most reports covering a year, and by how many agencies.",
                [Param("year", "year", "年度", "Year")]),
    StoredQuery("agencies-citing-both", "同时引用 A 和 B 的机关", "Agencies citing both A and B",
                "其报告既引用法律规范 A 又引用法律规范 B 的机关。",
                "Agencies whose reports cite both instrument A and instrument B.",
                [Param("a", "instrument", "法律规范 A", "Instrument A"), Param("b", "instrument", "法律规范 B", "Instrument B")]),
    StoredQuery("co-citation", "共被引的法律规范", "Co-cited instruments",
                "与某法律规范在同一报告中被引用的其他法律规范。",
                "Instruments cited in the same reports as a given instrument.",
                [Param("instrument", "instrument", "法律规范（IRI 或名称）", "Instrument (IRI or name)")]),
    StoredQuery("citing-agencies", "引用某法律规范的机关和报告", "Agencies and reports citing an instrument",
                "按年度列出引用该法律规范的报告及其发布机关。",
                "The reports citing an instrument and the agencies issuing them, by year.",
                [Param("instrument", "instrument", "法律规范（IRI 或名称）", "Instrument (IRI or name)")]),
    StoredQuery("changes", "两个年度之间的变化", "What changed between two years",
                "两个年度中引用各法律规范的报告数及其变化（新增、不再引用）；可限定某机关。",
                "For each instrument, the reports citing it in year FROM and year TO and the change "
                "(added, dropped); optionally for one agency.",
                [Param("agency", "agency", "机关（可选）", "Agency (optional)", required=False),
                 Param("from", "year", "起始年度", "From year"), Param("to", "year", "对比年度", "To year")]),
]}

# --- the same answers from the per-generation CitationIndex ---------------------------------------------------
# Four researcher questions are answered from the index (dictionary look-ups, no aggregation in the store); the
# page still shows the SPARQL above, which gives the same rows (tests/web/test_research.py checks that on a
# store built from `kg synth` reports). While the index of a new generation is being computed, the SPARQL runs.

def _n(k: int) -> int:
    """Counts and labels stay plain Python values (shown like the SPARQL's literals): building rdflib Literals
    was most of the time of a 100-row answer."""
    return k


def _top(ix, counts: dict[str, tuple], limit: int) -> list[tuple[str, tuple]]:
    """ORDER BY DESC(first count) ?label (unbound labels first, as in SPARQL), then IRI; LIMIT."""
    def key(kv):
        lab = ix.label.get(kv[0])
        return (-kv[1][0], lab is not None, lab or "", kv[0])
    return sorted(counts.items(), key=key)[:limit]


def _label_cell(ix, iri: str) -> dict:
    lab = ix.label.get(iri)
    return {"label": lab} if lab is not None else {}


def _ix_instruments_cited_by_agency(ix, v: dict[str, str]) -> tuple[list[str], list[dict]]:
    per: dict[str, list] = {}   # instrument -> [reports, years]
    for rep in set(ix.by_agency.get(v["agency"], ())):
        for inst in set(ix.by_report.get(rep, ())):
            d = per.setdefault(inst, [set(), set()])
            d[0].add(rep)
            d[1].update(ix.years.get(rep, ()))
    rows = []
    for inst, (n,) in _top(ix, {i: (len(d[0]),) for i, d in per.items()}, ROW_LIMIT):
        row = {"instrument": URIRef(inst), **_label_cell(ix, inst), "reports": _n(n)}
        if inst in ix.kind:
            row["kind"] = ix.kind[inst]
        if per[inst][1]:
            row["firstYear"], row["lastYear"] = min(per[inst][1]), max(per[inst][1])
        rows.append(row)
    return ["instrument", "label", "kind", "reports", "firstYear", "lastYear"], rows


def _ix_most_cited(ix, v: dict[str, str]) -> tuple[list[str], list[dict]]:
    per: dict[str, tuple[set, set]] = {}   # instrument -> (reports, agencies)
    for rep in set(ix.by_year.get(v["year"], ())):
        for inst in set(ix.by_report.get(rep, ())):
            d = per.setdefault(inst, (set(), set()))
            d[0].add(rep)
            d[1].update(ix.issuers.get(rep, ()))
    rows = [{"instrument": URIRef(i), **_label_cell(ix, i), "reports": _n(n), "agencies": _n(len(per[i][1]))}
            for i, (n,) in _top(ix, {i: (len(d[0]),) for i, d in per.items()}, 50)]
    return ["instrument", "label", "reports", "agencies"], rows


def _ix_agencies_citing_both(ix, v: dict[str, str]) -> tuple[list[str], list[dict]]:
    def by_agency(inst):
        out: dict[str, set] = {}
        for rep in ix.by_inst.get(inst, ()):
            for ag in ix.issuers.get(rep, ()):
                out.setdefault(ag, set()).add(rep)
        return out
    a, b = by_agency(v["a"]), by_agency(v["b"])
    both = {ag: (len(a[ag]), len(b[ag])) for ag in a.keys() & b.keys()}
    rows = [{"agency": URIRef(ag), **_label_cell(ix, ag), "reportsCitingA": _n(na), "reportsCitingB": _n(nb)}
            for ag, (na, nb) in _top(ix, both, ROW_LIMIT)]
    return ["agency", "label", "reportsCitingA", "reportsCitingB"], rows


def _ix_co_citation(ix, v: dict[str, str]) -> tuple[list[str], list[dict]]:
    x = v["instrument"]
    counts: dict[str, int] = {}
    for rep in ix.by_inst.get(x, ()):
        for other in set(ix.by_report.get(rep, ())):
            if other != x:
                counts[other] = counts.get(other, 0) + 1
    rows = [{"other": URIRef(o), **_label_cell(ix, o), "reports": _n(n)}
            for o, (n,) in _top(ix, {o: (n,) for o, n in counts.items()}, 50)]
    return ["other", "label", "reports"], rows


FROM_INDEX = {"instruments-cited-by-agency": _ix_instruments_cited_by_agency, "most-cited": _ix_most_cited,
              "agencies-citing-both": _ix_agencies_citing_both, "co-citation": _ix_co_citation}


def answer_from_index(ix, slug: str, values: dict[str, str]) -> tuple[list[str], list[dict]]:
    """(columns, rows of rdflib terms) of a stored query, from the CitationIndex. `values`: IRIs and years as
    plain strings (not SPARQL terms)."""
    return FROM_INDEX[slug](ix, values)


_CLASS = {"agency": "gk:Agency", "instrument": "gk:LegalInstrument"}


OTHER_MATCHES = 10   # other entities a name also matched, named beside the answer so a researcher can pick one


def resolve_entity(svc: KGService, kind: str, value: str, rank: int = 0, others: list | None = None) -> str | None:
    """An IRI as given (if the store knows it), else the best entity whose name contains `value` (one whose name
    is `value` exactly, else the one with the most reports; up to OTHER_MATCHES more go to `others` when the name
    is not exact), else (empty value) the `rank`-th entity of that kind with the most reports."""
    value = (value or "").strip()[:300]
    ix = _index(svc)
    if re.match(r"^https?://", value):
        if ix is not None and (value in ix.by_inst or value in ix.agencies or value in ix.label):
            return value
        try:
            return value if svc.exists(value) else None
        except ValueError:
            return None
    if value:   # the entities whose name contains it (and whether one is it exactly); counted below
        q = PREFIXES + f"""SELECT ?s (MAX(?exact) AS ?e) WHERE {{ ?s a {_CLASS[kind]} .
          ?s rdfs:label|skos:prefLabel|skos:altLabel ?nm . FILTER(CONTAINS(STR(?nm), {literal(value)}))
          BIND(IF(STR(?nm) = {literal(value)}, 1, 0) AS ?exact) }} GROUP BY ?s"""
        exact = {str(r["s"]): int(r["e"]) for r in svc._select(q)}
    elif ix is not None:
        exact = dict.fromkeys(ix.agencies if kind == "agency" else ix.by_inst.keys() | ix.kind.keys(), 0)
    else:
        exact = {str(r["s"]): 0 for r in svc._select(PREFIXES + f"SELECT ?s WHERE {{ ?s a {_CLASS[kind]} }}")}
    # Ranked by the reports each has, as the entity pages count them (from the index when it is ready: one
    # query counting the reports of every match took 1-8 s at N = 50,000)
    counts = svc.report_counts(kind, list(exact))
    ranked = sorted(exact, key=lambda s: (-exact[s], -counts.get(s, 0), s))
    if rank >= len(ranked):
        return None
    best = ranked[rank]
    if others is not None and value and not exact[best]:
        others.extend({"iri": s, "reports": counts.get(s, 0)} for s in ranked[rank + 1:rank + 1 + OTHER_MATCHES])
    return best


def _index(svc: KGService):
    """The CitationIndex if it is ready. A server warms it in the background, so its requests never wait for it
    (they run the SPARQL meanwhile); without that thread (tests, the memory store) it is computed here."""
    return analytics.citation_index(svc, wait=not svc.warms_in_background)


def latest_years(svc: KGService) -> list[str]:
    ix = _index(svc)
    if ix is not None:
        return sorted((y for y in ix.by_year if re.fullmatch(r"\d{4}", y)), reverse=True)[:200]
    rows = svc._select(PREFIXES + "SELECT DISTINCT ?y WHERE { ?r a gk:Report ; gk:yearCovered ?y } ORDER BY DESC(?y) LIMIT 200")
    return [str(r["y"]) for r in rows if re.fullmatch(r"\d{4}", str(r["y"]))]


def resolve(svc: KGService, sq: StoredQuery, given: dict[str, str],
            others: dict[str, list] | None = None) -> tuple[dict, dict, list[str]]:
    """-> (values shown in the form, SPARQL terms for the template, problems). A problem is (parameter, why, value
    given), `why` a key of kg.web.i18n.STRINGS: v_no_match (no entity of that kind matches), v_year (not a
    four-digit year). `others`: parameter -> the other entities its name matched (see resolve_entity), for the
    parameters that have some."""
    shown, terms, problems = {}, {}, []
    years = None
    for i, p in enumerate(sq.params):
        raw = (given.get(p.name) or "").strip()
        if p.kind in ("agency", "instrument"):
            if not raw and not p.required:
                shown[p.name] = ""
                continue
            rank = 1 if (p.name == "b" and not raw) else 0
            also: list = []
            iri = resolve_entity(svc, p.kind, raw, rank, also)
            if also and others is not None:
                others[p.name] = also
            if iri is None:
                problems.append((p.name, "v_no_match", raw))
                shown[p.name] = raw
                continue
            shown[p.name] = iri
            terms[p.name] = iri_ref(iri)
        else:
            if not re.fullmatch(r"\d{4}", raw):
                if raw:
                    problems.append((p.name, "v_year", raw))
                years = years if years is not None else latest_years(svc)
                if p.name == "from":
                    raw = years[1] if len(years) > 1 else (years[0] if years else "2025")
                else:
                    raw = years[0] if years else "2025"
            shown[p.name] = raw
            terms[p.name] = literal(raw)
    return shown, terms, problems


def _plain(term) -> str:
    if term is None:
        return ""
    return str(term)


def _json_value(term):
    """A row value for JSON: counts as numbers (the store's xsd:integer / xsd:decimal literals and the index's
    ints), everything else as text, as in the CSV."""
    if isinstance(term, bool) or term is None:
        return _plain(term)
    if isinstance(term, (int, float)):
        return term
    if isinstance(term, Literal) and term.datatype is not None:
        dt = str(term.datatype)
        try:
            if dt.endswith(("#integer", "#int", "#long", "#nonNegativeInteger")):
                return int(str(term))
            if dt.endswith(("#decimal", "#double", "#float")):
                return float(str(term))
        except ValueError:
            pass
    return str(term)


def _reports_per_year(svc: KGService, terms: dict, shown: dict) -> dict[str, int]:
    """The `changes` question's denominators: how many reports (of the agency, when one is given) cover each year."""
    agency = f" ; gk:issuedBy {terms['agency']}" if terms.get("agency") else ""
    q = (f"SELECT ?y (COUNT(DISTINCT ?r) AS ?n) WHERE {{ ?r a gk:Report ; gk:yearCovered ?y{agency} . "
         f"FILTER(STR(?y) IN ({terms['from']}, {terms['to']})) }} GROUP BY ?y")
    counts = {str(r["y"]): int(str(r["n"])) for r in svc.store.query(PREFIXES + q).rows}
    return {shown[k]: counts.get(shown[k], 0) for k in ("from", "to")}


def run(svc: KGService, slug: str, given: dict[str, str], lang: str) -> dict:
    sq = STORED[slug]
    others: dict[str, list] = {}
    shown, terms, problems = resolve(svc, sq, given, others)
    if problems:
        return {"query": slug, "params": shown, "problems": problems, "sparql": "", "columns": [], "rows": [],
                "cells": [], "labels": {}, "truncated": False}
    q = sq.sparql(terms)
    ix = _index(svc) if slug in FROM_INDEX else None
    if ix is not None:
        columns, rows_raw = answer_from_index(ix, slug, shown)
        truncated = False
    else:
        res = svc.store.query(q, max_rows=ROW_LIMIT)
        columns = list(getattr(res, "vars", None) or [])
        rows_raw = res.rows
        truncated = bool(getattr(res, "truncated", False))
        if not columns:
            seen = []
            for r in rows_raw:
                for k in r:
                    if k not in seen:
                        seen.append(k)
            columns = seen
    columns = [str(c) for c in columns]
    rows = [{c: _json_value(r.get(c)) for c in columns} for r in rows_raw]
    iri_cols = {c for c in columns if any(isinstance(r.get(c), URIRef) for r in rows_raw)}
    iris = {str(r[c]) for r in rows_raw for c in iri_cols if isinstance(r.get(c), URIRef)}
    labels = svc.labels(iris | {v for v in shown.values() if v.startswith("http")}
                        | {o["iri"] for also in others.values() for o in also}, lang)
    for also in others.values():
        for o in also:
            o["label"] = labels.get(o["iri"]) or o["iri"].rsplit("/", 1)[-1]
    cells = [[{"text": labels.get(str(r[c])) or str(r[c]).rsplit("/", 1)[-1], "iri": str(r[c])}
              if isinstance(r.get(c), URIRef) else {"text": _plain(r.get(c)), "num": numeric(r.get(c))}
              for c in columns] for r in rows_raw]
    per_year = _reports_per_year(svc, terms, shown) if slug == "changes" else None
    return {"query": slug, "title": sq.title(lang), "params": shown, "problems": [], "sparql": q, "columns": columns,
            "iri_columns": sorted(iri_cols), "rows": rows, "cells": cells, "labels": labels,
            "truncated": truncated, "answered_from": "index" if ix is not None else "sparql", "other_matches": others,
            "reports_per_year": per_year}


def numeric(v) -> bool:
    if isinstance(v, int):
        return True
    if isinstance(v, Literal) and v.datatype is not None:
        return str(v.datatype).endswith(("integer", "decimal", "int"))
    return v is not None and bool(re.fullmatch(r"-?\d+(\.\d+)?", str(v))) and not re.fullmatch(r"\d{4}", str(v))
