"""Researcher views: what an agency cites (by year, against its peers), who cites an instrument, the network.

    agency_view(svc, iri, lang) -> dict      instrument_view(svc, iri, lang) -> dict
    network(svc, lang, year=, region=, kind=, top=) -> dict

A report cites an instrument directly (gk:cites) or through one of its initiatives (gk:hasInitiative/gk:cites);
both count. Counts are numbers of reports, so a report that names a law ten times counts once. Every query is
bounded by LIMIT and grouped in the store, so these pages stay fast on a large corpus.
"""
from __future__ import annotations

import re

from rdflib import URIRef

from kg.publish.citations import CITES, PREFIXES, CitationIndex, load_or_build
from kg.web.charts import KIND_COLORS, bipartite, kind_color, stacked_bars
from kg.web.service import KGService, iri_ref, literal, local_name

KIND_ORDER = list(KIND_COLORS)
_PLACE = "省市区县州旗盟"


def _kinds(svc: KGService, lang: str) -> dict[str, dict]:
    """notation -> {"iri", "label"} of the instrument kinds, labels in the UI language."""
    rows = svc.per_generation("kinds", lambda: svc._select(
        PREFIXES + "SELECT DISTINCT ?k ?no WHERE { ?k skos:inScheme ?s ; skos:notation ?no . "
                   "FILTER(CONTAINS(STR(?s), \"instrument-kind\")) } LIMIT 100"))
    labels = svc.labels([r["k"] for r in rows], lang)
    return {str(r["no"]): {"iri": str(r["k"]), "label": labels.get(str(r["k"])) or str(r["no"])} for r in rows}


def _series(kinds: dict, by_kind_year: dict[tuple[str, str], int], years: list[str]) -> list[dict]:
    present = sorted({k for k, _ in by_kind_year}, key=lambda k: KIND_ORDER.index(k) if k in KIND_ORDER else 99)
    return [{"key": k or "none", "label": kinds.get(k, {}).get("label") or (k or "—"), "color": kind_color(k),
             "values": [by_kind_year.get((k, y), 0) for y in years]} for k in present]


def _year_range(years: set[str]) -> list[str]:
    ys = sorted(y for y in years if y)
    if ys and all(re.fullmatch(r"\d{4}", y) for y in ys):
        return [str(y) for y in range(int(ys[0]), int(ys[-1]) + 1)]
    return ys


def agency_kind_key(alt_labels: list[str]) -> str | None:
    """'市外办' -> '外办': the short form without its place prefix names the kind of body (外办, 财政局, 城管局)."""
    for a in sorted(alt_labels, key=len):
        if len(a) >= 3 and a[0] in _PLACE:
            return a[1:]
    return None


def agency_kind_name(label: str, region_label: str, kind: str) -> str:
    """The kind of body in words, from the agency's full name after its place: 南京市鼓楼区卫生健康局 in 鼓楼区 ->
    卫生健康局 (its short kind is 卫健局). Falls back to the full form the reference table gives a short one
    (外办 -> 人民政府外事办公室), else to the short kind itself."""
    if region_label and region_label in label:
        rest = label[label.index(region_label) + len(region_label):]
        if len(rest) >= 2 and rest[-1] == kind[-1]:
            return rest
    try:
        from kg.reference import agency_abbreviations
        for short, full in agency_abbreviations():
            if short == kind:
                return full
    except Exception:  # noqa: BLE001  (the reference table is an aid; the short kind still says it)
        pass
    return kind


def _peer_heading(key: str, value: str, lang: str, t, kind_full: str = "") -> tuple[str, str]:
    """(heading, tooltip) of a peer group: 同一省份（福建省）的机关 / 同类机关：卫生健康局."""
    from kg.web.i18n import AGENCY_KINDS_EN, province_name
    if key == "region":
        return (t("peers_region_of").format(province=province_name(value, lang)),
                t("peers_region_title").format(prefix=value[:2]))
    name = kind_full or value
    if lang != "zh" and name in AGENCY_KINDS_EN:
        name = f"{name} ({AGENCY_KINDS_EN[name]})"
    return t("peers_kind_of").format(kind=name), t("peers_kind_title").format(short=value)


def citation_index(svc: KGService, wait: bool = True) -> CitationIndex | None:
    """The per-generation CitationIndex. wait=False: None while it is still being computed (a caller with a SPARQL
    way to the same answer uses that meanwhile, rather than wait)."""
    if not wait:
        return svc.memo.peek(svc.store.generation(), "citation_index")
    return svc.per_generation("citation_index", lambda: load_or_build(svc.store))


def _hub_memo(svc: KGService, ix: CitationIndex, view: str, iri: str, lang: str, compute) -> dict:
    """A hub's view is the same for the whole generation: computed once per language (warming does it ahead)."""
    if iri in ix.hubs:
        return svc.per_generation((view, iri, lang), compute)
    return compute()


def agency_view(svc: KGService, iri: str, lang: str, t) -> dict:
    iri_ref(iri)  # refuses IRIs that could not be queried, as before
    ix = citation_index(svc)
    return _hub_memo(svc, ix, "agency_view", iri, lang, lambda: _agency_view(svc, ix, iri, lang, t))


def _agency_view(svc: KGService, ix: CitationIndex, iri: str, lang: str, t) -> dict:
    reports = ix.by_agency.get(iri, [])
    n_reports = len(reports)
    kinds = _kinds(svc, lang)
    per_inst: dict[str, dict] = {}
    by_kind_year: dict[tuple[str, str], int] = {}
    years: set[str] = set()
    for rep in reports:
        y = ix.year.get(rep, "")
        if ix.by_report.get(rep):
            years.add(y)
        for inst in ix.by_report.get(rep, ()):
            no = ix.kind.get(inst, "")
            d = per_inst.setdefault(inst, {"iri": inst, "n": 0, "years": {}, "kind": no})
            d["n"] += 1
            d["years"][y] = d["years"].get(y, 0) + 1
            by_kind_year[(no, y)] = by_kind_year.get((no, y), 0) + 1
    yrs = _year_range(years)
    labels = svc.labels(list(per_inst), lang)
    cited = sorted(per_inst.values(), key=lambda d: (-d["n"], labels.get(d["iri"]) or d["iri"]))
    for d in cited:
        d["label"] = labels.get(d["iri"]) or local_name(d["iri"])
        d["kind_label"] = kinds.get(d["kind"], {}).get("label", "")
        d["color"] = kind_color(d["kind"])
        d["years_list"] = [y for y in sorted(d["years"]) if y]
    chart = stacked_bars(yrs, _series(kinds, by_kind_year, yrs), title=t("chart_agency_years"))
    peers = agency_peers(svc, iri, lang, {d["iri"] for d in cited}, t)
    return {"cited": cited, "years": yrs, "chart": chart, "n_reports": n_reports, "peers": peers,
            "by_year": [{"year": y, "n": sum(v for (k, yy), v in by_kind_year.items() if yy == y)} for y in yrs]}


def agency_peers(svc: KGService, iri: str, lang: str, own: set[str], t) -> list[dict]:
    """Two peer groups: agencies of the same province (region code prefix) and of the same kind (short form).
    For each: how many peers, the instruments most of them cite (marking the ones this agency cites too), and
    the peers whose citations overlap most with this agency's (Jaccard)."""
    ix = citation_index(svc)
    reg, code = ix.region.get(iri, ("", ""))
    kind = agency_kind_key(ix.alts.get(iri, []))
    groups = []
    if len(code) >= 2:
        prov = code[:2]
        groups.append(("region", reg, prov + "0000",
                       lambda a: ix.region.get(a, ("", ""))[1].startswith(prov)))
    if kind:
        groups.append(("kind", None, kind,
                       lambda a: any(x.endswith(kind) and len(x) == len(kind) + 1 for x in ix.alts.get(a, ()))))
    own_insts = ix.insts_of(iri)
    out = []
    for key, reg_iri, value, member in groups:
        peers = sorted(a for a in ix.agencies if a != iri and member(a))
        if not peers:
            continue
        n_peers = len(peers)
        peers = peers[:2000]
        per_inst: dict[str, int] = {}
        shared: dict[str, int] = {}
        for p in peers:
            insts = ix.insts_of(p)
            for x in insts:
                per_inst[x] = per_inst.get(x, 0) + 1
            n = len(insts & own_insts)
            if n:
                shared[p] = n
        top = sorted(per_inst.items(), key=lambda kv: (-kv[1], kv[0]))[:15]
        sim = sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[:8]
        labels = svc.labels([x for x, _ in top] + [p for p, _ in sim] + ([reg_iri] if reg_iri else []) + [iri], lang)
        kind_full = ""
        if key == "kind":
            own_reg = svc.labels([reg], lang).get(reg, "") if reg else ""
            kind_full = agency_kind_name(ix.label.get(iri) or labels.get(iri, ""), own_reg, value)
        heading, tooltip = _peer_heading(key, value, lang, t, kind_full)
        similar = []
        for p, n in sim:
            union = len(own) + len(ix.insts_of(p)) - n
            similar.append({"iri": p, "label": labels.get(p) or local_name(p), "shared": n,
                            "jaccard": round(n / union, 2) if union else 0.0})
        out.append({"key": key, "value": value, "region": reg_iri, "region_label": labels.get(reg_iri or "", ""),
                    "heading": heading, "heading_title": tooltip, "n_peers": n_peers,
                    "top": [{"iri": x, "label": labels.get(x) or local_name(x), "n": n,
                             "share": round(100 * n / n_peers), "own": x in own} for x, n in top],
                    "similar": similar})
    return out


def instrument_view(svc: KGService, iri: str, lang: str, t) -> dict:
    """Reports citing the instrument (directly or through an initiative) with agency and year, a chart of
    citing reports per year, and for each report shown the first quote of the instrument in its text, linked to
    its annotation. Citing reports, years and agencies come from the per-generation CitationIndex."""
    ref = iri_ref(iri)
    ix = citation_index(svc)
    return _hub_memo(svc, ix, "instrument_view", iri, lang, lambda: _instrument_view(svc, ix, iri, ref, lang, t))


def _instrument_view(svc: KGService, ix: CitationIndex, iri: str, ref: str, lang: str, t) -> dict:
    """Counts over every citing report; labels, quotes and rows only for what the page shows (the newest 100
    reports, the 50 agencies with most reports): a hub's view is remembered for the generation, and a law cited by
    40,000 reports must not keep 40,000 rows in memory for a page that lists 100."""
    citing = ix.by_inst.get(iri, ())
    by_year: dict[str, int] = {}
    agency_n: dict[str, int] = {}          # agency -> citing reports it issued
    agency_years: dict[str, set] = {}
    for rep in citing:
        y = ix.year.get(rep, "")
        by_year[y] = by_year.get(y, 0) + 1
        for a in ix.issuers.get(rep, ()):
            agency_n[a] = agency_n.get(a, 0) + 1
            agency_years.setdefault(a, set()).add(y)
    shown = sorted(citing, key=lambda r: (ix.year.get(r, ""), r), reverse=True)[:100]
    top = sorted(agency_n, key=lambda a: (-agency_n[a], a))[:50]
    labels = svc.labels(shown + [a for r in shown for a in ix.issuers.get(r, ())] + top, lang)
    if iri in ix.hubs:   # the shown reports are the same for the whole generation: remember the answer
        evidence = svc.per_generation(("first_quotes", iri), lambda: _first_quotes(svc, ref, set(shown)))
    else:
        evidence = _first_quotes(svc, ref, set(shown))
    reports = [{"iri": r, "year": ix.year.get(r, ""), "label": labels.get(r) or local_name(r),
                "agency_items": [{"iri": a, "label": labels.get(a) or local_name(a)} for a in ix.issuers.get(r, ())],
                "evidence": evidence.get(r)} for r in shown]
    agencies = [{"iri": a, "label": labels.get(a) or local_name(a), "n": agency_n[a],
                 "years": sorted(y for y in agency_years[a] if y)} for a in top]
    yrs = _year_range(set(by_year))
    chart = stacked_bars(yrs, [{"key": "reports", "label": t("citing_reports"), "color": "#0969da",
                                "values": [by_year.get(y, 0) for y in yrs]}], title=t("chart_instrument_years"))
    return {"reports": reports, "agencies": agencies, "years": yrs, "chart": chart,
            "by_year": [{"year": y, "n": by_year.get(y, 0)} for y in yrs],
            "n_reports": len(citing), "n_agencies": len(agency_n)}


def _first_quotes(svc: KGService, ref: str, reports: set[str]) -> dict[str, dict]:
    """report -> {annotation, exact, n}: the first annotation (by IRI) of the instrument in each of `reports`,
    its quoted text and how many annotations of it the report has. Read from the shown reports' own graphs (one
    VALUES look-up per 100 reports; inside one graph the store joins on its graph-first indexes, 3x faster than
    over the union), so a law cited by thousands of reports costs what its page shows."""
    from kg.web.service import _values
    first: dict[str, tuple[str, str]] = {}
    n: dict[str, int] = {}
    ordered = sorted(reports)
    for k in range(0, len(ordered), 100):
        rows = svc._select(PREFIXES + f"""SELECT ?r ?ann ?ex WHERE {{ {_values('r', ordered[k:k + 100])}
      GRAPH ?g {{ ?r gk:hasText ?src . ?tg oa:hasSource ?src . ?ann oa:hasTarget ?tg ; oa:hasBody {ref} .
      ?tg oa:hasSelector ?sel . ?sel oa:exact ?ex }} }}""", max_rows=50000)
        for r in rows:
            rep, ann = str(r["r"]), str(r["ann"])
            n[rep] = n.get(rep, 0) + 1
            if rep not in first or ann < first[rep][0]:
                first[rep] = (ann, str(r["ex"]))
    return {rep: {"annotation": ann, "exact": ex, "n": n[rep]} for rep, (ann, ex) in first.items()}


def network(svc: KGService, lang: str, t, *, year: str = "", region: str = "", kind: str = "", top: int = 25,
            href=lambda i: i) -> dict:
    """Agency → instrument edges weighted by reports, filtered, bounded to the top-N nodes of each side by
    degree. Layout: two columns, instruments by degree, agencies by the mean row of their instruments
    (barycentre), which keeps crossings low and the drawing the same on every request."""
    top = max(5, min(int(top or 25), 60))
    report_filters, inst_filter = [], ""
    year_f = region_f = kind_f = None   # the filters that apply, for the index
    if re.fullmatch(r"\d{4}", year or ""):
        year_f = year
        report_filters.append(f"?r gk:yearCovered ?y . FILTER(STR(?y) = {literal(year)})")
    if re.fullmatch(r"\d{2,6}", region or ""):
        prefix = region.rstrip("0") if len(region) == 6 else region
        prefix = region_f = prefix if len(prefix) >= 2 else region[:2]
        report_filters.append(f"?a gk:region ?reg . ?reg gk:regionCode ?code . "
                              f"FILTER(STRSTARTS(STR(?code), {literal(prefix)}))")
    if re.fullmatch(r"[a-z_]{2,40}", kind or ""):
        kind_f = kind
        inst_filter = f"\n  {{ SELECT ?inst WHERE {{ ?inst eli:type_document ?k . ?k skos:notation {literal(kind)} }} }}"
    # Each block is a DISTINCT subquery: the store evaluates them on their own and joins small results.
    q = PREFIXES + f"""SELECT ?a ?inst (COUNT(DISTINCT ?r) AS ?n) WHERE {{
  {{ SELECT DISTINCT ?r ?a WHERE {{ ?r gk:issuedBy ?a . {' '.join(report_filters)} }} }}
  {{ SELECT DISTINCT ?r ?inst WHERE {{ {CITES} }} }}{inst_filter}
}} GROUP BY ?a ?inst LIMIT 50000"""
    ix = citation_index(svc, wait=not svc.warms_in_background)
    if ix is not None:   # the same rows from the index: no aggregation in the store
        rows = network_edges(ix, year_f, region_f, kind_f)
    else:
        rows = svc._select(q)
    deg_a: dict[str, int] = {}
    deg_i: dict[str, int] = {}
    for r in rows:
        deg_a[str(r["a"])] = deg_a.get(str(r["a"]), 0) + 1
        deg_i[str(r["inst"])] = deg_i.get(str(r["inst"]), 0) + 1
    insts = sorted(deg_i, key=lambda i: (-deg_i[i], i))[:top]
    iset = set(insts)
    # agencies by degree in the whole filtered graph, as instruments are, among those citing a kept instrument
    # (the others would be drawn without an edge)
    linked = {str(r["a"]) for r in rows if str(r["inst"]) in iset}
    ags = sorted(linked, key=lambda a: (-deg_a[a], a))[:top]
    aset = set(ags)
    edges = [(str(r["a"]), str(r["inst"]), int(r["n"])) for r in rows if str(r["a"]) in aset and str(r["inst"]) in iset]
    pos = {i: k for k, i in enumerate(insts)}
    bary = {a: sum(pos[i] for x, i, _ in edges if x == a) / max(1, sum(1 for x, *_ in edges if x == a)) for a in ags}
    ags.sort(key=lambda a: (bary[a], -deg_a[a], a))
    kinds_of = {}
    if insts:
        from kg.web.service import _values
        for r in svc._select(PREFIXES + f"SELECT ?inst ?no WHERE {{ {_values('inst', insts)} "
                                        f"?inst eli:type_document/skos:notation ?no }}"):
            kinds_of[str(r["inst"])] = str(r["no"])
    labels = svc.labels(ags + insts, lang)
    left = [{"id": a, "label": labels.get(a) or local_name(a), "href": href(a), "degree": deg_a[a]} for a in ags]
    right = [{"id": i, "label": labels.get(i) or local_name(i), "href": href(i), "degree": deg_i[i],
              "color": kind_color(kinds_of.get(i)), "kind": kinds_of.get(i, "")} for i in insts]
    svg = bipartite(left, right, edges, title=t("network"))
    return {"agencies": left, "instruments": right,
            "edges": [{"agency": a, "instrument": i, "reports": w} for a, i, w in edges],
            "svg": svg, "n_edges_total": len(rows), "n_agencies_total": len(deg_a), "n_instruments_total": len(deg_i),
            "degree_means": "distinct instruments an agency cites, or agencies citing an instrument, in the whole "
                            "filtered network (not only among the nodes shown)",
            "filters": {"year": year, "region": region, "kind": kind, "top": top}, "sparql": q}


def network_edges(ix: CitationIndex, year: str | None, region_prefix: str | None, kind: str | None) -> list[dict]:
    """{"a", "inst", "n"}: agency -> instrument, weighted by the distinct reports, from the index; the same rows
    as network()'s SPARQL (tests/web/test_stored_index.py compares them)."""
    counts: dict[tuple[str, str], int] = {}
    for rep, insts in ix.by_report.items():
        if year is not None and year not in ix.years.get(rep, ()):
            continue
        ags = [a for a in ix.issuers.get(rep, ()) if region_prefix is None
               or any(c.startswith(region_prefix) for c in ix.region_codes.get(a, ()))]
        if not ags:
            continue
        for inst in insts:
            if kind is not None and kind not in ix.kinds.get(inst, ()):
                continue
            for a in ags:
                counts[(a, inst)] = counts.get((a, inst), 0) + 1
    return [{"a": a, "inst": i, "n": n} for (a, i), n in counts.items()]


def filter_options(svc: KGService, lang: str) -> dict:
    """Years, provinces and instrument kinds present in the data, for the network's filter form."""
    years = [str(r["y"]) for r in svc._select(PREFIXES + "SELECT DISTINCT ?y WHERE { ?r a gk:Report ; gk:yearCovered ?y } "
                                                         "ORDER BY DESC(?y) LIMIT 100")]
    # every province some region of the data lies in (by the code's first two digits), named even when the
    # province itself is not a node: agencies of 厦门市 make 福建省 a choice
    codes = svc.per_generation("region_codes", lambda: sorted({str(r["code"]) for r in svc._select(
        PREFIXES + "SELECT DISTINCT ?code WHERE { ?reg a gk:Region ; gk:regionCode ?code } LIMIT 10000")}))
    from kg.web.i18n import province_name
    regions = [{"code": p + "0000", "label": province_name(p, lang)}
               for p in sorted({c[:2] for c in codes if re.fullmatch(r"\d{6}", c)})]
    kinds = [{"notation": k, "label": v["label"]} for k, v in sorted(_kinds(svc, lang).items(),
             key=lambda kv: KIND_ORDER.index(kv[0]) if kv[0] in KIND_ORDER else 99)]
    return {"years": years, "regions": regions, "kinds": kinds}
