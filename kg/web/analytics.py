"""Researcher views: what an agency cites (by year, against its peers), who cites an instrument, the network.

    agency_view(svc, iri, lang) -> dict      instrument_view(svc, iri, lang) -> dict
    network(svc, lang, year=, region=, kind=, top=) -> dict

A report cites an instrument directly (gk:cites) or through one of its initiatives (gk:hasInitiative/gk:cites);
both count. Counts are numbers of reports, so a report that names a law ten times counts once. Every query is
bounded by LIMIT and grouped in the store, so these pages stay fast on a large corpus.
"""
from __future__ import annotations

import re

from kg.rdf.namespaces import GK, OA
from kg.web.charts import KIND_COLORS, bipartite, kind_color, stacked_bars
from kg.web.service import KGService, iri_ref, literal, local_name

ELI = "http://data.europa.eu/eli/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PREFIXES = (f"PREFIX gk: <{GK}>\nPREFIX oa: <{OA}>\nPREFIX eli: <{ELI}>\nPREFIX skos: <{SKOS}>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")
CITES = "{ ?r gk:cites ?inst } UNION { ?r gk:hasInitiative ?via . ?via gk:cites ?inst }"
KIND_ORDER = list(KIND_COLORS)
_PLACE = "省市区县州旗盟"


def _kinds(svc: KGService, lang: str) -> dict[str, dict]:
    """notation -> {"iri", "label"} of the instrument kinds, labels in the UI language."""
    rows = svc._select(PREFIXES + "SELECT DISTINCT ?k ?no WHERE { ?k skos:inScheme ?s ; skos:notation ?no . "
                       "FILTER(CONTAINS(STR(?s), \"instrument-kind\")) } LIMIT 100")
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


def agency_view(svc: KGService, iri: str, lang: str, t) -> dict:
    ref = iri_ref(iri)
    rows = svc._select(PREFIXES + f"""SELECT ?inst ?y ?no (COUNT(DISTINCT ?r) AS ?n) WHERE {{
      ?r gk:issuedBy {ref} . {CITES}
      OPTIONAL {{ ?r gk:yearCovered ?y }} OPTIONAL {{ ?inst eli:type_document/skos:notation ?no }}
    }} GROUP BY ?inst ?y ?no LIMIT 5000""")
    n_reports = svc._count(PREFIXES + f"SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE {{ ?r gk:issuedBy {ref} }}")
    kinds = _kinds(svc, lang)
    per_inst: dict[str, dict] = {}
    by_kind_year: dict[tuple[str, str], int] = {}
    years: set[str] = set()
    for r in rows:
        inst, y, no, n = str(r["inst"]), str(r.get("y", "")), str(r.get("no", "")), int(r["n"])
        d = per_inst.setdefault(inst, {"iri": inst, "n": 0, "years": {}, "kind": no})
        d["n"] += n
        d["years"][y] = d["years"].get(y, 0) + n
        by_kind_year[(no, y)] = by_kind_year.get((no, y), 0) + n
        years.add(y)
    yrs = _year_range(years)
    labels = svc.labels(list(per_inst), lang)
    cited = sorted(per_inst.values(), key=lambda d: (-d["n"], labels.get(d["iri"]) or d["iri"]))
    for d in cited:
        d["label"] = labels.get(d["iri"]) or local_name(d["iri"])
        d["kind_label"] = kinds.get(d["kind"], {}).get("label", "")
        d["color"] = kind_color(d["kind"])
        d["years_list"] = [y for y in sorted(d["years"]) if y]
    chart = stacked_bars(yrs, _series(kinds, by_kind_year, yrs), title=t("chart_agency_years"))
    peers = agency_peers(svc, iri, lang, {d["iri"] for d in cited})
    return {"cited": cited, "years": yrs, "chart": chart, "n_reports": n_reports, "peers": peers,
            "by_year": [{"year": y, "n": sum(v for (k, yy), v in by_kind_year.items() if yy == y)} for y in yrs]}


def agency_peers(svc: KGService, iri: str, lang: str, own: set[str]) -> list[dict]:
    """Two peer groups: agencies of the same province (region code prefix) and of the same kind (short form).
    For each: how many peers, the instruments most of them cite (marking the ones this agency cites too), and
    the peers whose citations overlap most with this agency's (Jaccard)."""
    ref = iri_ref(iri)
    info = svc._select(PREFIXES + f"""SELECT ?code ?reg ?alt WHERE {{
      OPTIONAL {{ {ref} gk:region ?reg . ?reg gk:regionCode ?code }} OPTIONAL {{ {ref} skos:altLabel ?alt }} }} LIMIT 50""")
    code = next((str(r["code"]) for r in info if "code" in r), "")
    reg = next((str(r["reg"]) for r in info if "reg" in r), "")
    kind = agency_kind_key([str(r["alt"]) for r in info if "alt" in r])
    groups = []
    if len(code) >= 2:
        prov = code[:2]
        groups.append(("region", reg, prov + "0000",
                       f"?peer gk:region/gk:regionCode ?pc . FILTER(STRSTARTS(STR(?pc), {literal(prov)}))"))
    if kind:
        groups.append(("kind", None, kind, f"?peer skos:altLabel ?pal . FILTER(STRENDS(STR(?pal), {literal(kind)}) "
                                           f"&& STRLEN(STR(?pal)) = {len(kind) + 1})"))
    out = []
    for key, reg_iri, value, pattern in groups:
        n_peers = svc._count(PREFIXES + f"SELECT (COUNT(DISTINCT ?peer) AS ?n) WHERE {{ ?peer a gk:Agency . {pattern} "
                                        f"FILTER(?peer != {ref}) }}")
        if not n_peers:
            continue
        top = svc._select(PREFIXES + f"""SELECT ?inst (COUNT(DISTINCT ?peer) AS ?n) WHERE {{
          {{ SELECT DISTINCT ?peer WHERE {{ ?peer a gk:Agency . {pattern} FILTER(?peer != {ref}) }} LIMIT 2000 }}
          ?r gk:issuedBy ?peer . {CITES}
        }} GROUP BY ?inst ORDER BY DESC(?n) ?inst LIMIT 15""")
        sim = svc._select(PREFIXES + f"""SELECT ?peer (COUNT(DISTINCT ?inst) AS ?shared) WHERE {{
          {{ SELECT DISTINCT ?inst WHERE {{ ?r0 gk:issuedBy {ref} .
             {{ ?r0 gk:cites ?inst }} UNION {{ ?r0 gk:hasInitiative/gk:cites ?inst }} }} }}
          {{ SELECT DISTINCT ?peer WHERE {{ ?peer a gk:Agency . {pattern} FILTER(?peer != {ref}) }} LIMIT 2000 }}
          ?r gk:issuedBy ?peer . {CITES}
        }} GROUP BY ?peer ORDER BY DESC(?shared) ?peer LIMIT 8""")
        sizes = {}
        if sim:
            from kg.web.service import _values
            for r in svc._select(PREFIXES + f"""SELECT ?peer (COUNT(DISTINCT ?inst) AS ?n) WHERE {{
                {_values('peer', [s["peer"] for s in sim])} ?r gk:issuedBy ?peer . {CITES} }} GROUP BY ?peer"""):
                sizes[str(r["peer"])] = int(r["n"])
        labels = svc.labels([r["inst"] for r in top] + [r["peer"] for r in sim] + ([reg_iri] if reg_iri else []), lang)
        similar = []
        for r in sim:
            p, shared = str(r["peer"]), int(r["shared"])
            union = len(own) + sizes.get(p, shared) - shared
            similar.append({"iri": p, "label": labels.get(p) or local_name(p), "shared": shared,
                            "jaccard": round(shared / union, 2) if union else 0.0})
        out.append({"key": key, "value": value, "region": reg_iri, "region_label": labels.get(reg_iri or "", ""),
                    "n_peers": n_peers,
                    "top": [{"iri": str(r["inst"]), "label": labels.get(str(r["inst"])) or local_name(str(r["inst"])),
                             "n": int(r["n"]), "share": round(100 * int(r["n"]) / n_peers),
                             "own": str(r["inst"]) in own} for r in top],
                    "similar": similar})
    return out


def instrument_view(svc: KGService, iri: str, lang: str, t) -> dict:
    """Reports citing the instrument (directly or through an initiative) with agency and year, a chart of
    citing reports per year (stacked: national vs this region's agencies is not known, so by nothing), and for
    each report the first quote of the instrument in its text, linked to its annotation."""
    ref = iri_ref(iri)
    rows = svc._select(PREFIXES + f"""SELECT ?r ?y ?a WHERE {{
      {{ SELECT DISTINCT ?r WHERE {{ {{ ?r gk:cites {ref} . ?r a gk:Report }} UNION
                               {{ ?r gk:hasInitiative ?v . ?v gk:cites {ref} }} }} LIMIT 2000 }}
      OPTIONAL {{ ?r gk:yearCovered ?y }} OPTIONAL {{ ?r gk:issuedBy ?a }} }} LIMIT 4000""")
    ev = svc._select(PREFIXES + f"""SELECT ?r (MIN(STR(?ann)) AS ?a) (SAMPLE(?ex) AS ?exact) (COUNT(DISTINCT ?ann) AS ?n) WHERE {{
      ?ann oa:hasBody {ref} ; oa:hasTarget ?tg . ?tg oa:hasSource ?src . ?r gk:hasText ?src .
      OPTIONAL {{ ?tg oa:hasSelector/oa:exact ?ex }} }} GROUP BY ?r LIMIT 2000""")
    evidence = {str(r["r"]): {"annotation": str(r["a"]), "exact": str(r.get("exact", "")), "n": int(r["n"])} for r in ev}
    reports: dict[str, dict] = {}
    for r in rows:
        rep = reports.setdefault(str(r["r"]), {"iri": str(r["r"]), "year": str(r.get("y", "")), "agencies": []})
        if "a" in r and str(r["a"]) not in rep["agencies"]:
            rep["agencies"].append(str(r["a"]))
    # labels only for what the page shows: the newest 100 reports and the 50 agencies with most reports
    shown = sorted(reports.values(), key=lambda d: (d["year"], d["iri"]), reverse=True)[:100]
    counts: dict[str, int] = {}
    for rep in reports.values():
        for a in rep["agencies"]:
            counts[a] = counts.get(a, 0) + 1
    top_agencies = sorted(counts, key=lambda a: (-counts[a], a))[:50]
    labels = svc.labels([d["iri"] for d in shown] + [a for d in shown for a in d["agencies"]] + top_agencies, lang)
    by_year: dict[str, int] = {}
    agencies: dict[str, dict] = {}
    for rep in reports.values():
        rep["label"] = labels.get(rep["iri"]) or local_name(rep["iri"])
        rep["agency_items"] = [{"iri": a, "label": labels.get(a) or local_name(a)} for a in rep["agencies"]]
        rep["evidence"] = evidence.get(rep["iri"])
        by_year[rep["year"]] = by_year.get(rep["year"], 0) + 1
        for a in rep["agencies"]:
            d = agencies.setdefault(a, {"iri": a, "label": labels.get(a) or local_name(a), "n": 0, "years": set()})
            d["n"] += 1
            d["years"].add(rep["year"])
    yrs = _year_range(set(by_year))
    chart = stacked_bars(yrs, [{"key": "reports", "label": t("citing_reports"), "color": "#0969da",
                                "values": [by_year.get(y, 0) for y in yrs]}], title=t("chart_instrument_years"))
    ags = sorted(agencies.values(), key=lambda d: (-d["n"], d["iri"]))
    for d in ags:
        d["years"] = sorted(y for y in d["years"] if y)
    reps = sorted(reports.values(), key=lambda d: (d["year"], d["iri"]), reverse=True)
    return {"reports": reps, "agencies": ags, "years": yrs, "chart": chart,
            "by_year": [{"year": y, "n": by_year.get(y, 0)} for y in yrs],
            "n_reports": len(reps), "n_agencies": len(ags)}


def network(svc: KGService, lang: str, t, *, year: str = "", region: str = "", kind: str = "", top: int = 25,
            href=lambda i: i) -> dict:
    """Agency → instrument edges weighted by reports, filtered, bounded to the top-N nodes of each side by
    degree. Layout: two columns, instruments by degree, agencies by the mean row of their instruments
    (barycentre), which keeps crossings low and the drawing the same on every request."""
    top = max(5, min(int(top or 25), 60))
    report_filters, inst_filter = [], ""
    if re.fullmatch(r"\d{4}", year or ""):
        report_filters.append(f"?r gk:yearCovered ?y . FILTER(STR(?y) = {literal(year)})")
    if re.fullmatch(r"\d{2,6}", region or ""):
        prefix = region.rstrip("0") if len(region) == 6 else region
        prefix = prefix if len(prefix) >= 2 else region[:2]
        report_filters.append(f"?a gk:region ?reg . ?reg gk:regionCode ?code . "
                              f"FILTER(STRSTARTS(STR(?code), {literal(prefix)}))")
    if re.fullmatch(r"[a-z_]{2,40}", kind or ""):
        inst_filter = f"\n  {{ SELECT ?inst WHERE {{ ?inst eli:type_document ?k . ?k skos:notation {literal(kind)} }} }}"
    # Each block is a DISTINCT subquery: the store evaluates them on their own and joins small results.
    q = PREFIXES + f"""SELECT ?a ?inst (COUNT(DISTINCT ?r) AS ?n) WHERE {{
  {{ SELECT DISTINCT ?r ?a WHERE {{ ?r gk:issuedBy ?a . {' '.join(report_filters)} }} }}
  {{ SELECT DISTINCT ?r ?inst WHERE {{ {CITES} }} }}{inst_filter}
}} GROUP BY ?a ?inst LIMIT 50000"""
    rows = svc._select(q)
    deg_a: dict[str, int] = {}
    deg_i: dict[str, int] = {}
    for r in rows:
        deg_a[str(r["a"])] = deg_a.get(str(r["a"]), 0) + 1
        deg_i[str(r["inst"])] = deg_i.get(str(r["inst"]), 0) + 1
    insts = sorted(deg_i, key=lambda i: (-deg_i[i], i))[:top]
    iset = set(insts)
    # agencies ranked by degree within the kept instruments
    deg_a2: dict[str, int] = {}
    for r in rows:
        if str(r["inst"]) in iset:
            deg_a2[str(r["a"])] = deg_a2.get(str(r["a"]), 0) + 1
    ags = sorted(deg_a2, key=lambda a: (-deg_a2[a], a))[:top]
    aset = set(ags)
    edges = [(str(r["a"]), str(r["inst"]), int(r["n"])) for r in rows if str(r["a"]) in aset and str(r["inst"]) in iset]
    pos = {i: k for k, i in enumerate(insts)}
    bary = {a: sum(pos[i] for x, i, _ in edges if x == a) / max(1, sum(1 for x, *_ in edges if x == a)) for a in ags}
    ags.sort(key=lambda a: (bary[a], -deg_a2[a], a))
    kinds_of = {}
    if insts:
        from kg.web.service import _values
        for r in svc._select(PREFIXES + f"SELECT ?inst ?no WHERE {{ {_values('inst', insts)} "
                                        f"?inst eli:type_document/skos:notation ?no }}"):
            kinds_of[str(r["inst"])] = str(r["no"])
    labels = svc.labels(ags + insts, lang)
    left = [{"id": a, "label": labels.get(a) or local_name(a), "href": href(a), "degree": deg_a2[a]} for a in ags]
    right = [{"id": i, "label": labels.get(i) or local_name(i), "href": href(i), "degree": deg_i[i],
              "color": kind_color(kinds_of.get(i)), "kind": kinds_of.get(i, "")} for i in insts]
    svg = bipartite(left, right, edges, title=t("network"))
    return {"agencies": left, "instruments": right,
            "edges": [{"agency": a, "instrument": i, "reports": w} for a, i, w in edges],
            "svg": svg, "n_edges_total": len(rows), "n_agencies_total": len(deg_a), "n_instruments_total": len(deg_i),
            "filters": {"year": year, "region": region, "kind": kind, "top": top}, "sparql": q}


def filter_options(svc: KGService, lang: str) -> dict:
    """Years, provinces and instrument kinds present in the data, for the network's filter form."""
    years = [str(r["y"]) for r in svc._select(PREFIXES + "SELECT DISTINCT ?y WHERE { ?r a gk:Report ; gk:yearCovered ?y } "
                                                         "ORDER BY DESC(?y) LIMIT 100")]
    regs = svc._select(PREFIXES + """SELECT ?reg ?code WHERE { ?reg a gk:Region ; gk:regionCode ?code .
       FILTER(STRENDS(STR(?code), "0000")) } ORDER BY ?code LIMIT 100""")
    labels = svc.labels([r["reg"] for r in regs], lang)
    regions = [{"code": str(r["code"]), "label": labels.get(str(r["reg"])) or str(r["code"])} for r in regs]
    kinds = [{"notation": k, "label": v["label"]} for k, v in sorted(_kinds(svc, lang).items(),
             key=lambda kv: KIND_ORDER.index(kv[0]) if kv[0] in KIND_ORDER else 99)]
    return {"years": years, "regions": regions, "kinds": kinds}
