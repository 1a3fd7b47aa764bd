"""Agencies: full names (region + body), short forms (市外办, 省商务厅, 区政府办公室), national bodies, aliases
defined in the text (以下简称“镜湖区税务局”), and the report's issuer and addressees.

Short forms are resolved by rule, not by fuzzy matching: the level character (省/市/区/县) stands for the
document's region at that level, found from the place names the text mentions, and the body is expanded by the
agency-type table in kg/reference (外办 → 人民政府外事办公室, 市场监管局 → 市场监督管理局 …).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import ahocorasick

from kg.extract.text import TextView
from kg.reference import (Region, agency_abbreviations, agency_full_suffixes, national_bodies, region_index)

_HAN = re.compile(r"[\u4e00-\u9fff]")
# characters that end an agency body: function words and verbs that follow a subject
_STOP = set("在的对与及为将把被向从于是了等并由按经已也均要还就和坚认深全围紧持以下上中内外")
_STOP -= set("外中")  # 外办/外事 and 中心/中级 are agency words
# 和 inside a body (人力资源和社会保障局, 自然资源和规划局) is part of it; between two bodies it is a conjunction
_AND = "和"
# 市民/区民 are residents, not a 市 body; these 民… words do start a body (市民政局, 市民族宗教事务委员会)
_MIN_BODIES = ("民政", "民族", "民宗", "民防", "民航", "民委")
_BODY_SUFFIXES = ("人民政府", "政府", "委员会", "常委会", "办公室", "办公厅", "局", "厅", "委", "办", "中心", "院", "支队",
                  "大队")
_MAX_BODY = 16
# a level character preceded by these is part of a word (全市, 我市, 各区, 省市 …), not an agency prefix
_BLOCK_PREV = set("全我本该城都各省市区县地辖社园街新老乡镇州边小大超门县外跨属分")


@dataclass
class Mention:
    start: int
    end: int
    name: str | None          # canonical full name (None: could not be resolved)
    kind: str                 # full | short | national | alias
    level_char: str | None = None  # 省/市/区/县 for short forms
    body: str | None = None


@dataclass
class RegionContext:
    counts: Counter = field(default_factory=Counter)
    first_seen: dict = field(default_factory=dict)
    primary: Region | None = None   # the issuer's own region, once known

    def best(self, level: str) -> Region | None:
        """The document's region at a level (province/city/district)."""
        if self.primary is not None:
            # a county-level city (寿光市 under 潍坊市) is the 市 of its own reports: 市委/市政府 are its own
            if level == "city" and self.primary.level == "district" and self.primary.name.endswith("市"):
                return self.primary
            for r in self.primary.chain():
                if _level_matches(r, level):
                    return r
        cands = [r for r in self.counts if _level_matches(r, level)]
        if not cands and level == "province":
            cities = [r for r in self.counts if r.level == "city" and r.parent]
            if cities:
                top = max(cities, key=lambda r: (self.counts[r], -self.first_seen[r]))
                return top.parent
        if not cands:
            return None
        return max(cands, key=lambda r: (self.counts[r], -self.first_seen[r]))


_MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}


def _level_matches(r: Region, level: str) -> bool:
    if level == "city":
        return r.level == "city" or r.name in _MUNICIPALITIES
    if level == "province":
        return r.level == "province"
    return r.level == "district"


_LEVEL_OF_CHAR = {"省": "province", "市": "city", "区": "district", "县": "district", "州": "city"}


@lru_cache(maxsize=1)
def _region_automaton():
    full, short = region_index()
    auto = ahocorasick.Automaton()
    for name, regs in full.items():
        auto.add_word(name, (name, tuple(regs), True))
    for name, regs in short.items():
        if name not in full:
            auto.add_word(name, (name, tuple(regs), False))
    auto.make_automaton()
    return auto


@lru_cache(maxsize=1)
def _national_automaton():
    auto = ahocorasick.Automaton()
    for surface, name in national_bodies().items():
        auto.add_word(surface, (surface, name))
    auto.make_automaton()
    return auto


def find_regions(norm: str) -> list[tuple[int, int, tuple[Region, ...], bool]]:
    """Non-overlapping longest region-name matches: (start, end, candidate regions, written in full)."""
    out = []
    for end, (name, regs, is_full) in _region_automaton().iter_long(norm):
        start = end - len(name) + 1
        out.append((start, end + 1, regs, is_full))
    return out


def region_context(norm: str, found) -> RegionContext:
    ctx = RegionContext()
    for start, _end, regs, is_full in found:
        # an ambiguous name (鼓楼区 ×4) is counted for each reading; the parent mentioned elsewhere breaks the tie
        for r in regs:
            ctx.counts[r] += 2 if is_full else 1
            ctx.first_seen.setdefault(r, start)
    # a mention of a district or city also supports its parents
    for r, n in list(ctx.counts.items()):
        for anc in r.chain()[:-1]:
            ctx.counts[anc] += 0.5 * n
            ctx.first_seen.setdefault(anc, ctx.first_seen[r])
    return ctx


@lru_cache(maxsize=16384)
def expand_body(body: str) -> str:
    """外办 → 人民政府外事办公室, 市场监管局 → 市场监督管理局; full bodies stay as they are."""
    for full in agency_full_suffixes():
        if body.endswith(full):
            return body
    for short, full in agency_abbreviations():
        if body.endswith(short):
            return body[: -len(short)] + full
    return body


def _and_inside(norm: str, pos: int, j: int) -> bool:
    """Is the 和 at j inside one body name: neither side a whole body, and no new level/region after it?"""
    if norm[j] != _AND or j == pos:
        return False
    before = norm[pos:j]
    if before.endswith(_BODY_SUFFIXES) or before.endswith(("政府", "部门", "单位")):
        return False
    nxt = norm[j + 1:j + 2]
    return bool(nxt) and _HAN.match(nxt) is not None and nxt not in _LEVEL_OF_CHAR and nxt not in _STOP


def _scan_body(norm: str, pos: int) -> int | None:
    """End of the longest agency body starting at pos (…局/…委员会/…办公室), or None."""
    best = None
    j = pos
    limit = min(len(norm), pos + _MAX_BODY)
    while j < limit and _HAN.match(norm[j]) and (norm[j] not in _STOP or _and_inside(norm, pos, j)):
        j += 1
        chunk = norm[pos:j]
        if chunk.endswith(_BODY_SUFFIXES):
            if chunk.endswith("政府") and chunk not in ("政府", "人民政府"):
                continue
            best = j
    if best is not None and best - 1 > pos and norm[pos:best - 1].endswith(_BODY_SUFFIXES[2:4] + ("局", "厅")):
        best -= 1  # 厦门市人民政府外事办公室办公地址: the name ends at 办公室, not at the next 办
    if best is not None and norm[pos] == "委":
        return pos + 1  # 市委常委 → 市委
    if best is not None and norm.startswith("政府", pos):
        for tail in ("政府办公室", "政府办公厅", "政府办", "政府"):
            if norm.startswith(tail, pos):
                return pos + len(tail)
    return best


def party_or_body(region_name: str, body: str) -> str:
    """Full name of a body of a region; 委 alone is the Party committee (市委 → 中共厦门市委员会)."""
    if body == "委":
        return f"中共{region_name}委员会"
    if body == "纪委":
        return f"中共{region_name}纪律检查委员会"
    m = re.fullmatch(r"委依法治(.)办", body)
    if m:
        return f"中共{region_name}委员会全面依法治{m.group(1)}委员会办公室"
    return region_name + expand_body(body)


@lru_cache(maxsize=4096)
def _with_parent(name: str, region: Region, norm: str) -> str:
    """静海区人民政府 → 天津市静海区人民政府 when the text writes the fuller form."""
    for anc in reversed(region.chain()[:-1]):
        if anc.name + name in norm:
            return anc.name + name
    return name


def find_mentions(view: TextView, regions_found, ctx: RegionContext, excluded: list[tuple[int, int]]):
    norm = view.norm
    taken = bytearray(len(norm))
    for s, e in excluded:
        taken[s:e] = b"\x01" * (e - s)
    mentions: list[Mention] = []

    def free(s, e):
        return not any(taken[s:e])

    def take(m: Mention):
        taken[m.start:m.end] = b"\x01" * (m.end - m.start)
        mentions.append(m)

    # 1. region + body: 厦门市人民政府外事办公室, 湖州市交通运输局, 重庆市公安局渝北区分局
    for start, end, regs, is_full in regions_found:
        if not free(start, end):
            continue
        body_end = _scan_body(norm, end)
        if body_end is None:
            continue
        # a full name that itself names a smaller place (重庆市公安局渝北区分局) is still one agency
        body = norm[end:body_end]
        if norm[end - 1:end] in "市区县" and body.startswith("民") and not body.startswith(_MIN_BODIES):
            taken[start:end] = b"\x01" * (end - start)
            continue  # 广州市民服务中心: 市民 (residents), not a body of 广州市
        region = regs[0] if len(regs) == 1 else max(regs, key=lambda r: ctx.counts.get(r, 0))
        region_name = region.name if is_full else norm[start:end]
        if not is_full:
            region_name = region.name  # 上海商务委 → 上海市商务委员会
        name = party_or_body(region_name, body)
        s = start
        # 中共湖州市委, 国家税务总局芜湖市镜湖区税务局: a national prefix belongs to the name
        for prefix in ("中共", "国家税务总局"):
            if norm.startswith(prefix, start - len(prefix)) and start - len(prefix) >= 0:
                s = start - len(prefix)
                if prefix == "国家税务总局":
                    name = prefix + name
        if free(s, body_end):
            take(Mention(s, body_end, name, "full", body=body))
    # 2. national bodies
    for end, (surface, name) in _national_automaton().iter_long(norm):
        s, e = end - len(surface) + 1, end + 1
        if free(s, e) and not (e < len(norm) and norm[e] in "部委局厅办院"):
            take(Mention(s, e, name, "national"))
    # 3. short forms: 市外办, 省卫生健康委, 区政府办公室, 市委, 市政府
    for i, ch in enumerate(norm):
        if ch not in _LEVEL_OF_CHAR or taken[i]:
            continue
        if i > 0 and norm[i - 1] in _BLOCK_PREV:
            continue
        if i > 0 and norm[i - 1] == "中" and i > 1 and norm[i - 2] == "央":
            continue
        if norm.startswith("场", i + 1) and not norm.startswith("市场", i + 1):
            continue
        body_end = _scan_body(norm, i + 1)
        if body_end is None or body_end - (i + 1) < 1:
            continue
        body = norm[i + 1:body_end]
        if body in ("局", "办", "院", "中心", "厅") or not free(i, body_end):
            continue
        if body.startswith("民") and not body.startswith(_MIN_BODIES):
            continue  # 市民服务中心, 区民…: residents, not a body
        region = ctx.best(_LEVEL_OF_CHAR[ch])
        name = _with_parent(party_or_body(region.name, body), region, norm) if region else None
        take(Mention(i, body_end, name, "short", level_char=ch, body=body))
    return mentions


_ALIAS = re.compile(r"\(以下简称[“\"]?(?P<a>[\u4e00-\u9fff]{2,15})[”\"]?\)")


def find_aliases(view: TextView, mentions: list[Mention], excluded) -> list[Mention]:
    """以下简称“镜湖区税务局” after a mention: later uses of the short form are that agency."""
    extra = []
    by_end = {m.end: m for m in mentions}
    for m in _ALIAS.finditer(view.norm):
        owner = by_end.get(m.start())
        if owner is None or owner.name is None:
            continue
        alias = m.group("a")
        for other in mentions:
            if other is not owner and view.norm[other.start:other.end] == alias:
                other.name, other.kind = owner.name, "alias"
        pos = m.end()
        while True:
            k = view.norm.find(alias, pos)
            if k < 0:
                break
            pos = k + len(alias)
            if any(s <= k < e for s, e in excluded) or any(x.start <= k < x.end for x in mentions):
                continue
            extra.append(Mention(k, k + len(alias), owner.name, "alias"))
        extra.append(Mention(m.start("a"), m.end("a"), owner.name, "alias"))
    return extra
