"""Agencies: full names (region + body), short forms (市外办, 省商务厅, 区政府办公室), national bodies, aliases
defined in the text (以下简称“镜湖区税务局”), and the report's issuer and addressees.

Short forms are resolved by rule, not by fuzzy matching: the level character (省/自治区/市/区/县) stands for the
document's region at that level, found from the place names the text mentions, and the body is expanded by the
agency-type table in kg/reference (外办 → 人民政府外事办公室, 市场监管局 → 市场监督管理局 …) or, for a regular
abbreviation the table does not list, by an ordered-subsequence match against the table's full names
(卫健局 → 卫生健康局, 城管局 → 城市管理局).

One body is one name (and so one IRI), however the text writes it. Every name, the issuer's, an addressee's or a
mentioned body's, is built by canonical_agency(region, body) from the region (GB/T 2260, kg/reference) and the
expanded body. The convention:

    province-level body       region + body          四川省交通运输厅, 广西壮族自治区教育厅, 上海市商务委员会
    city-level body           city + body            厦门市人民政府外事办公室 (no province in front)
    city district (市辖区)     city + district + body  成都市龙泉驿区教育局, 天津市静海区人民政府 (district names repeat:
                                                     鼓楼区 ×4, so the city is part of the name)
    county, county-level city county + body          秦安县人民政府, 寿光市住房和城乡建设局 (as their formal names are)
    or banner
    Party committee           中共 + region + 委员会   中共成都市龙泉驿区委员会 (市委, 区委, 党委)
    national prefix           kept in front          国家税务总局芜湖市镜湖区税务局 (a 税务局 always has it)
    a body naming a smaller place inside it stays as written after its region: 重庆市公安局渝北区分局

So 龙泉驿区教育局, 区教育局 (in a report of that district), 四川省成都市龙泉驿区教育局 and 成都市龙泉驿区教育局 are all
成都市龙泉驿区教育局.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import ahocorasick

from kg.extract.text import TextView, normalize
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
# after a whole department (…局, …委) the name goes on only with one of its own units (重庆市公安局渝北区分局,
# 国家税务总局X税务局稽查局, 交通运输局综合行政执法支队), never across a verb to the next body (民政局会同区卫健局)
_SUB_UNITS = ("分局", "稽查局", "支队", "大队", "中队", "办公室", "中心")
_COMPLETIONS = ("委员会", "常委会", "办公室", "办公厅")
_CONNECTORS = ("会同", "联合", "配合", "协同", "牵头", "组织", "召开", "开展", "印发", "制定", "出台", "指导", "督促",
               "推动", "加强", "会商", "邀请", "委托", "负责", "通过", "结合", "联动", "积极", "认真", "主动", "持续",
               "严格", "切实", "进一步", "共同", "分别", "相关", "有关")
# a level character preceded by these is part of a word (全市, 我市, 各区, 省市 …), not an agency prefix
_BLOCK_PREV = set("全我本该城都各省市区县地辖社园街新老乡镇州边小大超门县外跨属分治")  # 治: 依法治区办公室


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
# multi-character level words, checked before the single character they end with (自治区教育厅 is the province's)
_LEVEL_WORDS = (("自治区", "province"), ("自治州", "city"))


def level_at(norm: str, i: int) -> tuple[int, str] | None:
    """(start, level) when a level word (区, 自治区 …) ends at norm[i]; None when norm[i] is not a level character."""
    ch = norm[i]
    if ch not in _LEVEL_OF_CHAR:
        return None
    for word, level in _LEVEL_WORDS:
        k = i - len(word) + 1
        if k >= 0 and norm.startswith(word, k):
            return k, level
    return i, _LEVEL_OF_CHAR[ch]


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
    """外办 → 人民政府外事办公室, 市场监管局 → 市场监督管理局, 卫健局 → 卫生健康局; full bodies stay as they are."""
    for full in agency_full_suffixes():
        if body.endswith(full):
            return body
    for short, full in agency_abbreviations():
        if body.endswith(short):
            return body[: -len(short)] + full
    return _abbreviation_of(body) or body


# the suffix an abbreviation ends with → the suffixes the full name may end with (发改委 → 发展和改革委员会)
_ABBR_ENDS = {"局": ("局",), "厅": ("厅",), "委": ("委员会", "委"), "办": ("办公室", "办公厅", "办"), "院": ("院",),
              "中心": ("中心",), "所": ("所",), "站": ("站",), "队": ("队",)}


def _subsequence_positions(short: str, full: str) -> list[int] | None:
    """Leftmost positions of short's characters, in order, inside full; None when short is not a subsequence."""
    out, k = [], 0
    for ch in short:
        k = full.find(ch, k)
        if k < 0:
            return None
        out.append(k)
        k += 1
    return out


def _split_end(name: str, ends) -> tuple[str, str] | None:
    for e in ends:
        if name.endswith(e) and len(name) > len(e):
            return name[: -len(e)], e
    return None


@lru_cache(maxsize=16384)
def _abbreviation_of(body: str) -> str | None:
    """The one full agency type (kg/reference/agency_types.tsv) that `body` abbreviates by taking characters of it
    in order (卫健局 → 卫生健康局, 城管局 → 城市管理局, 人防办 → 人民防空办公室), or None.

    The abbreviation starts with the full name's first character, ends with the same kind of body (局, 厅, 委 for
    委员会 …) and skips characters inside the stem: a bare truncation (农业局 of 农业农村局, 自然资源局 of
    自然资源和规划局, 文化局 of 文化和旅游局) may name a predecessor or a different body, so only the table expands
    those. Two full names that fit make it ambiguous: None."""
    for short_end in sorted(_ABBR_ENDS, key=len, reverse=True):
        if body.endswith(short_end):
            break
    else:
        return None
    stem = body[: -len(short_end)]
    if len(stem) < 2:
        return None
    found = set()
    for full in agency_full_suffixes():
        split = _split_end(full, _ABBR_ENDS[short_end])
        if split is None or split[0][0] != stem[0] or len(split[0]) <= len(stem):
            continue
        pos = _subsequence_positions(stem, split[0])
        if pos is None or pos == list(range(len(stem))):
            continue   # not a subsequence, or a plain truncation of the stem
        found.add(full)
    return found.pop() if len(found) == 1 else None


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
    whole = None   # end of the first whole department (…局, …委): past it only its own units may follow
    j = pos
    limit = min(len(norm), pos + _MAX_BODY)
    while j < limit and _HAN.match(norm[j]) and (norm[j] not in _STOP or _and_inside(norm, pos, j)):
        j += 1
        chunk = norm[pos:j]
        if chunk.endswith(_BODY_SUFFIXES):
            if chunk.endswith("政府") and chunk not in ("政府", "人民政府"):
                continue
            if whole is not None:
                if chunk.endswith(_COMPLETIONS) and j - whole <= 2:
                    whole = j   # 卫生健康委 → 卫生健康委员会
                elif not (chunk.endswith(_SUB_UNITS) and not norm.startswith(_CONNECTORS, whole)):
                    continue    # 民政局会同区卫健局: two bodies; 公安局渝北区分局, 交通运输局执法支队: one
            elif not chunk.endswith("政府"):
                whole = j
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


# ---------------------------------------------------------------- the canonical name (see the module docstring)

def region_label(region: Region) -> str:
    """The region part of an agency's canonical name: a city district (市辖区) carries its city or municipality
    (成都市龙泉驿区, 天津市静海区); a county, county-level city or banner stands alone (秦安县, 寿光市), as a city
    or province does (厦门市, 四川省)."""
    if region.kind == "市辖区" and region.parent is not None:
        return region.parent.name + region.name
    return region.name


_PARTY_BODIES = ("委", "党委", "委员会")
NATIONAL_PREFIXES = ("国家税务总局", "中共")


def canonical_agency(region: Region, body: str, prefix: str = "") -> str:
    """THE canonical full name of a body of a region, used for the issuer, addressees and mentions alike.

    `body` is what follows the region as written (教育局, 卫健局, 委, 政府办, 公安局渝北区分局; "" for the region's
    government); `prefix` a national prefix written before the region (国家税务总局, 中共)."""
    label = region_label(region)
    body = body or "人民政府"
    if not prefix and body.startswith("税务局"):
        prefix = "国家税务总局"   # local tax bureaus are branches of the national one since 2018: 国家税务总局芜湖市镜湖区税务局
    if body in _PARTY_BODIES and (prefix == "中共" or body != "委员会"):
        return f"中共{label}委员会"   # 市委, 区委, 自治区党委, 中共湖州市委
    if body == "纪委":
        return f"中共{label}纪律检查委员会"
    m = re.fullmatch(r"委依法治(.)办", body)
    if m:
        return f"中共{label}委员会全面依法治{m.group(1)}委员会办公室"
    return (prefix if prefix else "") + label + expand_body(body)


def _descends(r: Region, parents) -> bool:
    codes = {p.code for p in parents}
    return any(a.code in codes for a in r.chain()[:-1])


def pick_region(cands, ctx: RegionContext | None) -> Region:
    """One of several regions of the same name (鼓楼区 ×4): the one under the issuer's own region, else the one the
    text supports most."""
    cands = list(cands)
    if len(cands) == 1 or ctx is None:
        return cands[0]
    own = set()
    if ctx.primary is not None:
        own = {a.code for a in ctx.primary.chain()}

    def key(r):
        related = r.code in own or (r.parent is not None and r.parent.code in own)
        return (related, ctx.counts.get(r, 0))
    return max(cands, key=key)


def _region_head(s: str, pos: int):
    """(candidate regions, length) of the longest region name (full, else short) starting at s[pos], or None."""
    full, short = region_index()
    for n in range(min(12, len(s) - pos), 1, -1):
        regs = full.get(s[pos:pos + n])
        if regs:
            return regs, n
    for n in range(min(6, len(s) - pos), 1, -1):
        regs = short.get(s[pos:pos + n])
        if regs:
            return regs, n
    return None


def split_region(s: str, ctx: RegionContext | None = None) -> tuple[Region | None, str]:
    """(region, rest) for the region names that start `s`: 四川省成都市龙泉驿区教育局 → (龙泉驿区 of 成都市, 教育局).
    A following name counts only when it lies inside the one before (重庆市公安局渝北区分局 → 重庆市, 公安局渝北区分局)."""
    pos, cands = 0, None
    while pos < len(s):
        head = _region_head(s, pos)
        if head is None:
            break
        regs, n = head
        if cands is not None:
            regs = [r for r in regs if _descends(r, cands)]
            if not regs:
                break
        cands, pos = regs, pos + n
    if cands is None:
        return None, s
    return pick_region(cands, ctx), s[pos:]


_BODY_END = re.compile(r"(?:人民政府|政府|委员会|办公室|办公厅|局|厅|委|办|院|署|中心|分局|支队|大队|所|队|站)$")


def resolve_agency(surface: str, ctx: RegionContext | None, norm: str = "") -> str | None:
    """Canonical full name of an agency written in full or short (市外办, 静海区, 云南省卫生健康委, 区教育局,
    四川省成都市龙泉驿区教育局), or None when it cannot be resolved."""
    s = re.sub(r"\s+", "", normalize(surface or "")).strip(":|·• ")
    if len(s) < 2:
        return None
    nat = national_bodies()
    if s in nat:
        return nat[s]
    prefix = ""
    for p in NATIONAL_PREFIXES:
        if s.startswith(p) and len(s) > len(p) + 1:
            prefix, s = p, s[len(p):]
    region, rest = split_region(s, ctx)
    if region is None and ctx is not None and (s[0] in _LEVEL_OF_CHAR or s[0] == "自"):
        for word, level in _LEVEL_WORDS + tuple(_LEVEL_OF_CHAR.items()):
            if s.startswith(word) and len(s) > len(word):
                region, rest = ctx.best(level), s[len(word):]
                break
        if region is None:
            return None
        if not _BODY_END.search(rest):
            return None
    if region is None:
        return None
    if rest and not _BODY_END.search(rest):
        return None
    return canonical_agency(region, rest, prefix)


def region_of_name(name: str) -> Region | None:
    """The region a canonical name belongs to (成都市龙泉驿区教育局 → 龙泉驿区, 中共厦门市委员会 → 厦门市)."""
    s = name
    for p in NATIONAL_PREFIXES:
        if s.startswith(p):
            s = s[len(p):]
    region, _ = split_region(s)
    return region


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

    # 1. region + body: 厦门市人民政府外事办公室, 湖州市交通运输局, 重庆市公安局渝北区分局; a chain of nested region
    #    names (四川省成都市龙泉驿区教育局, 厦门市湖里区人民政府) is one region, the innermost
    k = 0
    while k < len(regions_found):
        start, end, regs, _is_full = regions_found[k]
        cands = list(regs)
        j = k
        while j + 1 < len(regions_found) and regions_found[j + 1][0] == regions_found[j][1]:
            below = [r for r in regions_found[j + 1][2] if _descends(r, cands)]
            if not below:
                break
            cands, j = below, j + 1
        end = regions_found[j][1]
        k = j + 1
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
        region = pick_region(cands, ctx)
        s, prefix = start, ""
        # 中共湖州市委, 国家税务总局芜湖市镜湖区税务局: a national prefix belongs to the name
        for p in NATIONAL_PREFIXES:
            if start >= len(p) and norm.startswith(p, start - len(p)):
                s, prefix = start - len(p), p
        if free(s, body_end):
            take(Mention(s, body_end, canonical_agency(region, body, prefix), "full", body=body))
    # 2. national bodies
    for end, (surface, name) in _national_automaton().iter_long(norm):
        s, e = end - len(surface) + 1, end + 1
        if free(s, e) and not (e < len(norm) and norm[e] in "部委局厅办院"):
            take(Mention(s, e, name, "national"))
    # 3. short forms: 市外办, 省卫生健康委, 区政府办公室, 市委, 市政府, 自治区教育厅
    for i, ch in enumerate(norm):
        if ch not in _LEVEL_OF_CHAR or taken[i]:
            continue
        start, level = level_at(norm, i)
        if start > 0 and norm[start - 1] in _BLOCK_PREV or taken[start]:
            continue
        if start > 1 and norm[start - 2:start] == "中央":
            continue
        if norm.startswith("场", i + 1) and not norm.startswith("市场", i + 1):
            continue
        body_end = _scan_body(norm, i + 1)
        if body_end is None or body_end - (i + 1) < 1:
            continue
        body = norm[i + 1:body_end]
        if body in ("局", "办", "院", "中心", "厅") or not free(start, body_end):
            continue
        if body.startswith("民") and not body.startswith(_MIN_BODIES):
            continue  # 市民服务中心, 区民…: residents, not a body
        region = ctx.best(level)
        name = canonical_agency(region, body) if region else None
        take(Mention(start, body_end, name, "short", level_char=norm[start:i + 1], body=body))
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
