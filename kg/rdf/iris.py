"""Deterministic IRIs: the same input gives the same IRI on any machine, and shared things are one node.

Patterns (relative to the configured base):
    id/agency/{h}                      h = sha256(canonical full name)[:16]       one node per agency
    id/instrument/{h}                  h = sha256(folded canonical name)[:16]     one node per law/policy
    id/event/{h}                       h = sha256(folded name)[:16]               one node per named event
    id/region/{GB/T 2260 code}
    id/report/{h}                      h = sha256(natural key)[:16]; the key is the 索引号 when there is one,
                                       else issuer|year|genre|title, else the file name
    id/report/{h}/text                 the report's stored plain text (annotation targets)
    id/report/{h}/initiative/{q}       q = sha256(NFC text of the initiative)[:12]
    id/report/{h}/figure/{q}
    id/report/{h}/section/{q}          q = sha256(NFC heading|start)[:12]
    id/report/{h}/annotation/{q}       q = sha256(body IRI|start|end)[:12]
    id/report/{h}/annotation/{q}#target, #quote, #position   its SpecificResource and selectors
    id/report/{h}/run                  the extraction run that produced the report graph
    id/software/govkg/{version}        the software agent of those runs
    graph/report/{h}                   the named graph holding everything read from report h
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

_DASHES = dict.fromkeys(map(ord, "—–－―‐‑﹣−~～"), "-")
_QUOTES = dict.fromkeys(map(ord, "“”\"‘’'「」『』《》〈〉<>"), None)


def fold(s: str) -> str:
    """Fold widths, dashes, quotes and spaces so that equal names compare equal (the scorer's rule)."""
    s = unicodedata.normalize("NFKC", s or "")
    s = s.translate(_DASHES).translate(_QUOTES)
    return re.sub(r"\s+", "", s)


def instrument_key(name: str) -> str:
    s = fold(name)
    return s[len("中华人民共和国"):] if s.startswith("中华人民共和国") and len(s) > 9 else s


def _h(s: str, n: int = 16) -> str:
    return hashlib.sha256(s.encode("utf-8")).hexdigest()[:n]


@dataclass(frozen=True)
class Minted:
    """What Minter.read finds in an IRI: the kind of node (the names below), the report a node minted inside one
    belongs to, and the IRI's own key (its hash, region code or software version)."""
    kind: str   # agency instrument event region report graph text checksum run initiative figure section
    #             annotation target quote position software
    key: str
    report: str | None = None


_IN_REPORT = {"initiative", "figure", "section", "annotation"}
_ANNOTATION_PARTS = {"": "annotation", "target": "target", "quote": "quote", "position": "position"}


class Minter:
    def __init__(self, base: str):
        self.base = base if base.endswith("/") else base + "/"

    def read(self, iri: str) -> Minted | None:
        """The inverse of the methods below: which kind of minted node `iri` is (None: not one of ours)."""
        if not iri.startswith(self.base):
            return None
        path, _, frag = iri[len(self.base):].partition("#")
        parts = path.split("/")
        if not all(parts):
            return None
        if len(parts) == 3 and parts[0] == "id" and not frag and parts[1] in ("agency", "instrument", "event",
                                                                                "region", "report"):
            return Minted(parts[1], parts[2])
        if parts[:2] == ["graph", "report"] and len(parts) == 3 and not frag:
            return Minted("graph", parts[2], f"{self.base}id/report/{parts[2]}")
        if parts[:3] == ["id", "software", "govkg"] and len(parts) == 4 and not frag:
            return Minted("software", parts[3])
        if parts[:2] != ["id", "report"] or len(parts) < 4:
            return None
        report = f"{self.base}id/report/{parts[2]}"
        below = parts[3:]
        if below == ["text"] and frag in ("", "sha256"):
            return Minted("checksum" if frag else "text", parts[2], report)
        if below == ["run"] and not frag:
            return Minted("run", parts[2], report)
        if len(below) == 2 and below[0] in _IN_REPORT:
            kind = _ANNOTATION_PARTS.get(frag) if below[0] == "annotation" else (None if frag else below[0])
            return Minted(kind, below[1], report) if kind else None
        return None

    def agency(self, name: str) -> str:
        return f"{self.base}id/agency/{_h(fold(name))}"

    def instrument(self, name: str) -> str:
        return f"{self.base}id/instrument/{_h(instrument_key(name))}"

    def event(self, name: str) -> str:
        return f"{self.base}id/event/{_h(fold(name))}"

    def region(self, code: str) -> str:
        return f"{self.base}id/region/{code}"

    @staticmethod
    def report_key(index_number: str | None, agency: str | None, year: int | None, genre: str | None,
                   title: str | None, filename: str) -> str:
        if index_number:
            return "idx:" + fold(index_number)
        if agency and year:
            return f"rep:{fold(agency)}|{year}|{genre or ''}|{fold(title or '')}"
        return "file:" + filename

    def report(self, key: str) -> str:
        return f"{self.base}id/report/{_h(key)}"

    def graph(self, report_iri: str) -> str:
        return report_iri.replace("/id/report/", "/graph/report/", 1)

    def text(self, report_iri: str) -> str:
        return report_iri + "/text"

    def initiative(self, report_iri: str, text: str) -> str:
        return f"{report_iri}/initiative/{_h(unicodedata.normalize('NFC', text), 12)}"

    def figure(self, report_iri: str, start: int, end: int) -> str:
        return f"{report_iri}/figure/{_h(f'{start}-{end}', 12)}"

    def section(self, report_iri: str, heading: str, start: int | None) -> str:
        key = f"{unicodedata.normalize('NFC', heading)}|{'' if start is None else start}"
        return f"{report_iri}/section/{_h(key, 12)}"

    def annotation(self, report_iri: str, body_iri: str, start: int, end: int) -> str:
        return f"{report_iri}/annotation/{_h(f'{body_iri}|{start}|{end}', 12)}"

    def run(self, report_iri: str) -> str:
        return f"{report_iri}/run"

    def software(self, version: str) -> str:
        return f"{self.base}id/software/govkg/{version}"
