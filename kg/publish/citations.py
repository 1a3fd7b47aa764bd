"""Who cites what, kept beside the store per data generation: the statistics behind hub pages and the researcher
stored queries (kg.web.analytics, kg.web.queries), so those never aggregate over the whole store per request.

    ix = load_or_build(store)                      # the live generation's index: its saved file, else computed
    refresh(store, old_tables, changed_graphs)     # after a build: the old tables with the changed graphs re-read

A CitationIndex is a handful of tables of strings. Three are rows of report graphs (each row carries its graph),
so a build that rewrote a few graphs updates them by dropping those graphs' rows and re-reading only those graphs;
the four tables of shared entities (instrument kinds, agencies and regions, alternative labels, labels) are keyed
by entity, and only the entities whose descriptions the build added to or pruned are re-read. The result is the
same as computing it from scratch (tests hold it to that).
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Iterable

from kg.rdf.namespaces import GK, OA

log = logging.getLogger("kg.publish")

ELI = "http://data.europa.eu/eli/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PREFIXES = (f"PREFIX gk: <{GK}>\nPREFIX oa: <{OA}>\nPREFIX eli: <{ELI}>\nPREFIX skos: <{SKOS}>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")


def cites(report: str, inst: str) -> str:
    """SPARQL (prefix gk:): report `report` cites instrument `inst` directly or through one of its initiatives.
    Both count, alike in this index, on the pages and in the stored queries."""
    return f"{{ {report} gk:cites {inst} }} UNION {{ {report} gk:hasInitiative ?via . ?via gk:cites {inst} }}"


CITES = cites("?r", "?inst")

INDEX_VERSION = 3
HUBS = 10   # instruments and agencies (each) whose pages are computed ahead and remembered per generation
# name -> (SPARQL giving the rows, variables in order). `{values}` restricts the report-graph tables (whose first
# variable is the graph) to some graphs; it is empty for a full pass.
GRAPH_TABLES = {
    "cites": (f"SELECT DISTINCT ?g ?r ?inst WHERE {{ {{values}}GRAPH ?g {{ ?r a gk:Report . {CITES} }} }}",
              ("g", "r", "inst")),
    "years": ("SELECT DISTINCT ?g ?r ?y WHERE { {values}GRAPH ?g { ?r a gk:Report ; gk:yearCovered ?y } }",
              ("g", "r", "y")),
    "issued": ("SELECT DISTINCT ?g ?r ?a WHERE { {values}GRAPH ?g { ?r a gk:Report ; gk:issuedBy ?a } }",
               ("g", "r", "a")),
}
# The tables of shared entities, keyed by their first variable ?e: `{values}` restricts them to some entities.
ENTITY_TABLES = {
    "kinds": ("SELECT ?e ?no WHERE { {values}?e eli:type_document/skos:notation ?no }", ("e", "no")),
    "agencies": ("SELECT ?e ?reg ?code WHERE { {values}?e a gk:Agency . "
                 "OPTIONAL { ?e gk:region ?reg . ?reg gk:regionCode ?code } }", ("e", "reg", "code")),
    "alts": ("SELECT ?e ?alt WHERE { {values}?e a gk:Agency ; skos:altLabel ?alt }", ("e", "alt")),
    "labels": ("SELECT DISTINCT ?e ?l WHERE { {values}{ ?e a gk:LegalInstrument } UNION { ?e a gk:Agency } "
               "?e rdfs:label ?l }", ("e", "l")),
}
INDEX_TABLES = {**GRAPH_TABLES, **ENTITY_TABLES}
VALUES_CHUNK = 200          # graphs per query when only some are re-read
FULL_PASS_OVER = 0.25       # re-read everything when more than this share of the report graphs changed


class CitationIndex:
    """Who cites what, for the whole store, from one snapshot (so the tables agree). Hub pages and the stored
    researcher questions are a few dictionary look-ups on it. IRIs are interned (one str object each); sets of
    instruments per agency are built on first use. The tables it is built from are not kept (tens of MB at 50,000
    reports): the saved file and kg build work on tables (read_tables, updated_tables), the server on the index."""

    def __init__(self, tables: dict[str, list[tuple]]):
        self.by_report: dict[str, list[str]] = {}    # report -> instruments it cites (directly or via initiatives)
        self.by_inst: dict[str, list[str]] = {}      # instrument -> reports citing it
        for rep, inst in dict.fromkeys((r, i) for _g, r, i in tables["cites"]):
            self.by_report.setdefault(rep, []).append(inst)
            self.by_inst.setdefault(inst, []).append(rep)
        self.years: dict[str, list[str]] = {}        # report -> every year it covers
        self.by_year: dict[str, list[str]] = {}      # year -> reports covering it
        for rep, y in dict.fromkeys((r, y) for _g, r, y in tables["years"]):
            self.years.setdefault(rep, []).append(y)
            self.by_year.setdefault(y, []).append(rep)
        self.year: dict[str, str] = {rep: min(ys) for rep, ys in self.years.items()}   # the first one
        self.issuers: dict[str, list[str]] = {}      # report -> agencies
        self.by_agency: dict[str, list[str]] = {}    # agency -> reports it issued
        for rep, ag in dict.fromkeys((r, a) for _g, r, a in tables["issued"]):
            self.issuers.setdefault(rep, []).append(ag)
            self.by_agency.setdefault(ag, []).append(rep)
        self.kind: dict[str, str] = {}               # instrument -> kind notation (the first)
        self.kinds: dict[str, set] = {}              # instrument -> every kind notation
        for inst, no in tables["kinds"]:
            self.kind.setdefault(inst, no)
            self.kinds.setdefault(inst, set()).add(no)
        self.agencies: set[str] = set()
        self.region: dict[str, tuple[str, str]] = {}  # agency -> (region IRI, region code), the first
        self.region_codes: dict[str, list[str]] = {}  # agency -> every region code
        for ag, reg, code in tables["agencies"]:
            self.agencies.add(ag)
            if code:
                self.region_codes.setdefault(ag, []).append(code)
                if ag not in self.region:
                    self.region[ag] = (reg, code)
        self.alts: dict[str, list[str]] = {}
        for ag, alt in tables["alts"]:
            self.alts.setdefault(ag, []).append(alt)
        self.label: dict[str, str] = {}              # rdfs:label of instruments and agencies (the least, if several)
        self.n_labels: dict[str, int] = {}
        for s, lab in tables["labels"]:
            self.n_labels[s] = self.n_labels.get(s, 0) + 1
            if s not in self.label or lab < self.label[s]:
                self.label[s] = lab
        self._insts_of: dict[str, frozenset] = {}
        # the pages whose queries are slowest (most incoming links): warmed and remembered per generation
        self.hubs: list[str] = (sorted(self.by_inst, key=lambda i: (-len(self.by_inst[i]), i))[:HUBS]
                                + sorted(self.by_agency, key=lambda a: (-len(self.by_agency[a]), a))[:HUBS])

    @classmethod
    def from_store(cls, store) -> "CitationIndex":
        return cls(read_tables(store))

    def insts_of(self, agency: str) -> frozenset:
        """Instruments cited by any report of the agency."""
        got = self._insts_of.get(agency)
        if got is None:
            got = self._insts_of[agency] = frozenset(x for rep in self.by_agency.get(agency, ())
                                                     for x in self.by_report.get(rep, ()))
        return got


def read_tables(store) -> dict[str, list[tuple]]:
    """Every table, from one snapshot (one generation for all, even if a build commits meanwhile)."""
    snap = store.snapshot()
    intern: dict[str, str] = {}
    return {name: _rows(snap, q.replace("{values}", ""), cols, intern) for name, (q, cols) in INDEX_TABLES.items()}


def tables_to_json(tables: dict[str, list[tuple]], generation: str) -> bytes:
    """Every string once, tables as flat lists of string numbers: about 1/5 of the size of plain rows."""
    ids: dict[str, int] = {}
    flat = {name: [ids.setdefault(x, len(ids)) for row in rows for x in row] for name, rows in tables.items()}
    return json.dumps({"version": INDEX_VERSION, "generation": generation, "strings": list(ids), "tables": flat},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def tables_from_json(data: bytes, generation: str) -> dict[str, list[tuple]] | None:
    """The tables saved by tables_to_json for this generation; None when saved for another one."""
    doc = json.loads(data)
    if doc.get("version") != INDEX_VERSION or doc.get("generation") != generation:
        return None
    strings = doc["strings"]
    tables = {}
    for name, (_, cols) in INDEX_TABLES.items():
        it = iter([strings[k] for k in doc["tables"][name]])
        tables[name] = list(zip(*[it] * len(cols)))
    return tables


def updated_tables(store, tables: dict[str, list[tuple]], changed: Iterable[str],
                   touched: Iterable[str] | None) -> dict[str, list[tuple]]:
    """These tables with the rows of the `changed` report graphs (rewritten or withdrawn since) and of the
    `touched` entities (whose descriptions may have gained or lost triples since) read again from `store`;
    touched=None reads the entity tables again whole."""
    intern: dict[str, str] = {}
    out = _reread(store, tables, GRAPH_TABLES, set(changed), "g", intern)
    if touched is None:
        out.update({name: _rows(store, q.replace("{values}", ""), cols, intern)
                    for name, (q, cols) in ENTITY_TABLES.items()})
    else:
        out.update(_reread(store, tables, ENTITY_TABLES, set(touched), "e", intern))
    return out


def report_graphs(tables: dict[str, list[tuple]]) -> set[str]:
    return {row[0] for row in tables["years"]} | {row[0] for row in tables["issued"]}


def _rows(snap, query: str, cols, intern: dict) -> list[tuple]:
    return [tuple(intern.setdefault(str(r[c]), str(r[c])) if c in r else "" for c in cols)
            for r in snap.query(PREFIXES + query).rows]


def _reread(store, tables: dict, which: dict, keys: set[str], var: str, intern: dict) -> dict[str, list[tuple]]:
    """The `which` tables with the rows whose first column is one of `keys` read again from the store."""
    out = {name: [row for row in tables[name] if row[0] not in keys] for name in which}
    ordered = sorted(keys)
    for k in range(0, len(ordered), VALUES_CHUNK):
        values = f"VALUES ?{var} {{ " + " ".join(f"<{x}>" for x in ordered[k:k + VALUES_CHUNK]) + " } "
        for name, (q, cols) in which.items():
            out[name] += _rows(store, q.replace("{values}", values), cols, intern)
    return out


# -- beside the store ---------------------------------------------------------------------------------------

def cache_file(store, gen: str, name: str) -> Path | None:
    """<store>/web-cache/<name>-<generation>-<version>-<folder identity>.json for the on-disk store, else None.
    The folder's inode and ctime join the name so a store rebuilt from scratch (generation names start over) never
    picks up an old file, and GovKG's version so an upgrade never serves what the old code computed (the hub
    pages keep rendered charts)."""
    from kg import __version__
    folder = getattr(store, "path", None)
    if folder is None or not isinstance(folder, Path):
        return None
    try:
        st = os.stat(folder / gen)
    except OSError:
        return None
    return folder / "web-cache" / f"{name}-{gen}-{__version__}-{st.st_ino}-{st.st_ctime_ns}.json"


def save_cache_file(path: Path, name: str, data: bytes) -> None:
    """Written atomically (another process reads a whole file or none); `name` files of other generations are
    removed."""
    try:
        path.parent.mkdir(exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        for old in path.parent.glob(f"{name}-*"):
            if old != path and not old.name.endswith(".tmp"):
                old.unlink(missing_ok=True)
    except OSError as exc:        # a read-only store folder: everything still works, in memory
        log.warning("cannot save %s: %s", path, exc)


def load_saved_tables(store, gen: str) -> dict[str, list[tuple]] | None:
    """The tables of the generation's index from its file, if one was saved (by a build, this or another server
    process)."""
    path = cache_file(store, gen, "citation-index")
    if path is None or not path.exists():
        return None
    try:
        return tables_from_json(path.read_bytes(), gen)
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        log.warning("ignoring an unreadable citation index file %s", path)
        return None


def load_saved_index(store, gen: str) -> CitationIndex | None:
    tables = load_saved_tables(store, gen)
    return None if tables is None else CitationIndex(tables)


def _save(store, gen: str, tables: dict[str, list[tuple]]) -> None:
    path = cache_file(store, gen, "citation-index")
    if path is not None and store.generation() == gen:
        save_cache_file(path, "citation-index", tables_to_json(tables, gen))


def load_or_build(store) -> CitationIndex:
    """The index of the store's live generation: from its file when one was saved, else computed from the store
    and saved for the other processes and the next start."""
    gen = store.generation()
    ix = load_saved_index(store, gen)
    if ix is None:
        tables = read_tables(store)
        _save(store, gen, tables)
        ix = CitationIndex(tables)
    return ix


def refresh(store, old: dict[str, list[tuple]] | None, changed: Iterable[str],
            touched: Iterable[str] | None = None) -> bool:
    """After a build rewrote or withdrew the report graphs `changed`, and added to or removed from the
    descriptions of the entities `touched` (None: of any entity): save the live generation's index, so the first
    page a server shows after the build already has it. `old` is the tables of the generation the build started
    from (load_saved_tables before the build), None if there were none: then, or when many graphs changed, they
    are computed from scratch. Only tables are handled here: the index's look-up dicts are the server's business.
    False (and nothing done) for a store without a folder to keep it in."""
    snap = store.snapshot()   # the tables and the file name agree on one generation
    gen = snap.generation()
    path = cache_file(store, gen, "citation-index")
    if path is None:
        return False
    if path.exists():
        return True
    changed = set(changed)
    if old is not None and len(changed) <= FULL_PASS_OVER * max(1, len(report_graphs(old))):
        tables = updated_tables(snap, old, changed, touched)
    else:
        tables = read_tables(snap)
    _save(store, gen, tables)
    return True
