"""Instruments cited in the body: every 《…》 (nested titles give outer and inner, a missing 》 is tolerated),
bare citations of well-known laws from the gazetteer (宪法, 民法典), and a few bare title shapes of the genre
(“十四五”…规划; a body's own 厅/局…规定 after 修订/制定 only when quoted or written again elsewhere). Short forms defined in the text (以下简称《条例》) are the instrument they stand for.

`classify(name)` is a function of the canonical name alone (plus the gazetteer): the same law cited by many
reports is one node in the graph, so its kind cannot depend on how a sentence happens to word the citation. Only
a fact about the document that the text states overrides it where the name cannot settle the kind
(`stated_kind`: its 令 number, or 地方性法规《…》).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import ahocorasick

from kg.extract.text import TextView
from kg.rdf.iris import fold as _fold_uncached, instrument_key as _key_uncached
from kg.reference import bare_citation_forms, lookup_instrument, region_index

fold = lru_cache(maxsize=65536)(_fold_uncached)
instrument_key = lru_cache(maxsize=65536)(_key_uncached)
_MAX_TITLE = 120
_TITLE_SUFFIX = re.compile(
    r"(?:法典|法|条例|规定|办法|意见|通知|方案|纲要|规划|决定|细则|规则|制度|清单|要点|计划|报告|准则|标准|指引|指南|"
    r"措施|分工表|分工|目录|决议|批复|公告|通告|守则|章程|总结)(?:\([^()]{1,20}\))?")


def is_type_word(surface: str) -> bool:
    """《条例》, 《办法》: a short form that is only the document's type word, defined for one report (以下简称《条例》);
    outside that report it names nothing, so it is evidence there but not a label of the instrument."""
    return _TITLE_SUFFIX.fullmatch(fold(surface).strip("《》<>")) is not None


@dataclass
class Cite:
    start: int
    end: int
    name: str                     # canonical
    bracketed: bool = True
    part_of: str | None = None    # outer document for X in 《关于印发<X>的通知》
    alias_of: str | None = None   # set when this cite is a defined short form (《条例》)


def _collapse(s: str) -> str:
    return re.sub(r"\s+", "", s).strip()


@lru_cache(maxsize=65536)
def canonical_name(norm_surface: str) -> str:
    entry = lookup_instrument(norm_surface)
    return entry.name if entry else _collapse(norm_surface)


# ---------------------------------------------------------------- kinds

_NATIONAL_PREFIX = ("中华人民共和国", "国务院", "中共中央", "中央", "全国人民代表大会", "最高人民", "中国共产党")


@lru_cache(maxsize=1)
def _region_prefixes() -> tuple[str, ...]:
    full, short = region_index()
    names = set(full) | set(short)
    return tuple(sorted(names, key=len, reverse=True))


def _starts_with_region(name: str) -> bool:
    if name.startswith(("中共",)):
        name = name[2:]
    return any(name.startswith(r) for r in _region_prefixes()) or re.match(r"[\u4e00-\u9fff]{2,8}(?:经济特区|新区)", name) is not None


# `other` needs positive evidence that the document is not a legal or policy instrument: books, reports,
# speeches, newspapers, court documents, study outlines of a thought. Unknown endings default to policy.
_OTHER_END = re.compile(r"(?:报告|总结|讲话|发言|读本|学习纲要|问答|摘编|文选|选编|汇编|白皮书|司法建议|判决书|裁定书|年鉴|"
                        r"杂志|日报|晚报|周刊|论述|文集|手册|著作|教材|书信|回忆录)$")
_POLICY_END = re.compile(r"(?:方案|规划|纲要|计划|要点|清单|意见|通知|措施|制度|规则|细则|指引|指南|标准|分工表|分工|目录|"
                         r"决定|决议|批复|公告|通告|函|守则|办法|规定|准则|章程|机制|体系|任务书|责任书|基准|规程|格式|"
                         r"规范)$")
_RULE_END = ("办法", "规定", "细则", "规则")
# subjects that a ministry or a government regulates by a 令: procedure and sector management rules
_RULE_SUBJECT = re.compile(r"行政处罚|行政复议|行政许可|行政强制|行政裁决|行政执法|案件|审理|听证|管理办法|管理规定|"
                           r"管理若干规定|实施办法|实施细则|实施规定")
# internal work rules of a body are policy documents, not 令 rules
_INTERNAL = re.compile(r"内部|机关|工作|议事|考评|考核|会议|学习|值班|保密|档案管理")
# 省/市 实施《…法》办法: a people's congress implementing a national law
_IMPLEMENTS_LAW = re.compile(r"实施[<《]?.{2,30}?法[>》]?(?:的)?(?:若干)?(?:办法|规定)$")


@lru_cache(maxsize=65536)
def _region_level(name: str) -> str | None:
    """province/city/district of the region a name starts with (longest prefix), None without one."""
    if name.startswith("中共"):
        name = name[2:]
    full, short = region_index()
    for r in _region_prefixes():
        if name.startswith(r):
            regs = full.get(r) or short.get(r) or []
            levels = {x.level for x in regs}
            return "province" if "province" in levels else ("city" if "city" in levels else "district")
    return "city" if re.match(r"[\u4e00-\u9fff]{2,8}(?:经济特区|新区)", name) else None


@lru_cache(maxsize=65536)
def classify(name: str) -> tuple[str, str | None]:
    """(kind, level) of an instrument from its canonical name alone."""
    entry = lookup_instrument(name)
    if entry:
        return entry.kind, entry.level
    n = fold(name)
    core = re.sub(r"(?:\([^()]*\))+$", "", n) or n  # drop trailing (2021-2025年), (试行)
    core = re.sub(r"(?:暂行|试行)(?=(?:办法|规定|细则|规则|条例)$)", "", core)
    regional = _starts_with_region(core)
    level = "national" if core.startswith(_NATIONAL_PREFIX) else ("local" if regional else None)
    if _OTHER_END.search(core) and not core.endswith(("实施纲要", "规划纲要")):
        return "other", level
    party = core.startswith(("中国共产党", "中共")) or re.search(r"党组|党委|党支部|党内|纪律检查|纪检", core)
    if party and re.search(r"(?:条例|规定|规则|准则|办法|细则)$", core):
        return "party_regulation", level
    if re.match(r"(?:19|20)\d{2}", core) or core.startswith("关于") or re.search(r"关于.+的", core):
        return "policy", level
    if core.endswith("法典") or (core.endswith("法") and not core.endswith(("办法", "方法", "做法", "说法", "用法", "想法", "看法", "立法", "执法", "司法", "普法", "守法", "违法", "依法"))):
        return "law", level or "national"
    if core.endswith("条例"):
        # a regional 条例 is passed by the people's congress; a national one is a State Council regulation
        return ("local_regulation", level) if regional else ("admin_regulation", level or "national")
    if core.endswith(_RULE_END) and not _INTERNAL.search(core):
        rlevel = _region_level(core) if regional else None
        if rlevel in ("province", "city") and _IMPLEMENTS_LAW.search(core):
            return "local_regulation", level
        if rlevel in ("province", "city") and _RULE_SUBJECT.search(core):
            return "rules", level       # a provincial/city government 令
        if not regional and _RULE_SUBJECT.search(core):
            return "rules", level       # a ministry 令 (部令)
    if _POLICY_END.search(core):
        return "policy", level
    return "policy", level


# (…部令第N号) (国务院令第N号) (…人民政府令第N号) right after a title: the 令 that issued it
_ORDER_CITE = re.compile(r"\s*\((?P<who>[^()]{1,24}?)令(?:第|\s)?\s*[\d一二三四五六七八九十百〇零]+\s*号\)")
# 地方性法规《…》, 政府规章《…》 …: the writer names the kind right before the title
_KIND_WORD = re.compile(r"(?P<word>地方性法规|行政法规|党内法规|规范性文件|规章)\s*$")
_KIND_WORDS = {"地方性法规": "local_regulation", "行政法规": "admin_regulation", "党内法规": "party_regulation",
               "规范性文件": "policy", "规章": "rules"}


def stated_kind(norm: str, start: int, end: int) -> str | None:
    """The kind the text states for the title in 《 》 at norm[start - 1] and norm[end], or None: a 令 citation
    right after 》 ((国务院令第N号): an administrative regulation; 部令, 总局令, 人民政府令 …: rules; a 主席令 is a
    law, left to the name), or a kind word right before 《 (地方性法规《…》, 政府规章《…》)."""
    m = _ORDER_CITE.match(norm, end + 1)
    if m:
        who = m.group("who").strip()
        if who.endswith("国务院"):
            return "admin_regulation"
        return None if who.endswith("主席") else "rules"
    if norm[start - 1:start] != "《":
        return None
    m = _KIND_WORD.search(norm, max(0, start - 9), start - 1)
    return _KIND_WORDS[m.group("word")] if m else None


def stated_kind_applies(name: str, kind: str) -> bool:
    """A stated kind settles the kind only where the name rules cannot: a name outside the gazetteer ending in
    条例/办法/规定/细则/规则 that the name rules left as a normative document, rules or a regulation. A 令 number
    or the kind its own report gives it is a fact about the document, so reports that state it agree."""
    if lookup_instrument(name) is not None:
        return False
    core = re.sub(r"(?:\([^()]*\))+$", "", fold(name))
    return core.endswith(_RULE_END + ("条例",)) and kind in ("policy", "rules", "admin_regulation")


def _unclosed_end(norm: str, start: int, stop: int) -> int | None:
    """For a 《 with no 》: end of the title at the last title-like suffix before the clause ends."""
    m = re.compile(r"[。,;:、!?\n《]|等").search(norm, start, stop)
    end = m.start() if m else stop
    best = None
    for t in _TITLE_SUFFIX.finditer(norm, start, end):
        best = t.end()
    return best


def find_bracketed(view: TextView) -> tuple[list[Cite], list[tuple[int, int]]]:
    """All 《…》 titles (content spans, without the brackets) and the bracket regions (with brackets)."""
    norm = view.norm
    cites: list[Cite] = []
    regions: list[tuple[int, int]] = []
    stack: list[int] = []

    def close_unclosed(limit: int):
        while stack:
            open_at = stack.pop()
            end = _unclosed_end(norm, open_at + 1, min(limit, open_at + 1 + _MAX_TITLE))
            if end and end - open_at - 1 >= 2:
                cites.append(Cite(open_at + 1, end, ""))
                regions.append((open_at, end))

    for i, ch in enumerate(norm):
        if ch == "《":
            stack.append(i)
        elif ch == "》" and stack:
            open_at = stack.pop()
            if 2 <= i - open_at - 1 <= _MAX_TITLE:
                cites.append(Cite(open_at + 1, i, "", part_of="" if stack else None))
                regions.append((open_at, i + 1))
            elif i - open_at - 1 > _MAX_TITLE:
                # a stray 《 long before: treat it as unclosed and keep this 》 unmatched
                stack.append(open_at)
                close_unclosed(i)
        elif ch == "\n" and stack:
            close_unclosed(i)
    close_unclosed(len(norm))
    # <X> / 〈X〉 inside a title: the inner document is cited too
    inner = []
    for c in cites:
        for m in re.finditer(r"<([^<>]{2,%d})>" % _MAX_TITLE, norm[c.start:c.end]):
            inner.append(Cite(c.start + m.start(1), c.start + m.end(1), "", part_of=""))
    cites.extend(inner)
    cites.sort(key=lambda c: (c.start, -c.end))
    # fill in names; a nested title's part_of is the smallest title around it
    for c in cites:
        c.name = canonical_name(norm[c.start:c.end])
    for k, c in enumerate(cites):
        if c.part_of == "":
            # titles are short, so an enclosing title starts at most _MAX_TITLE + 2 characters earlier
            outer = []
            j = k - 1
            while j >= 0 and cites[j].start >= c.start - _MAX_TITLE - 2:
                o = cites[j]
                if o.start <= c.start and c.end <= o.end and (o.start, o.end) != (c.start, c.end):
                    outer.append(o)
                j -= 1
            c.part_of = min(outer, key=lambda o: o.end - o.start).name if outer else None
    return cites, regions


_ALIAS_DEF = re.compile(r"\s*\([^()]{0,40}?以下简称\s*[《“\"]?(?P<a>[^》”\"(),]{1,20}?)[》”\"]?\s*[,)]")


def link_aliases(view: TextView, cites: list[Cite]) -> dict[str, str]:
    """以下简称《条例》 right after a title: the short form → the title's canonical name."""
    aliases: dict[str, str] = {}
    by_end = {}
    for c in cites:
        by_end.setdefault(c.end + 1, c)  # position after 》
    for end_pos, c in by_end.items():
        m = _ALIAS_DEF.match(view.norm, end_pos)
        if m and c.alias_of is None:
            aliases.setdefault(instrument_key(m.group("a")), c.name)
    for c in cites:
        key = instrument_key(view.norm[c.start:c.end])
        if key in aliases and aliases[key] != c.name:
            c.alias_of = aliases[key]
    return aliases


# ---------------------------------------------------------------- bare citations

@lru_cache(maxsize=1)
def _bare_automaton():
    auto = ahocorasick.Automaton()
    for form, entry in bare_citation_forms().items():
        auto.add_word(form, (form, entry.name))
    auto.make_automaton()
    return auto


# after a law's short name these make it a different word: 宪法法律, 国家安全法律法规, 法治, 法院 …
_NOT_AFTER_LAW = set("律规治院学官理制")
_FIVE_YEAR_PLAN = re.compile(r"[“\"]十[一二三四五六七八九]五[”\"][\u4e00-\u9fff]{2,24}?规划")
# 修订厅…规定: a bare name is a citation only with more evidence than the verb (完善局机关内部管理规定 is not a title):
# it is quoted, or the same name is written again elsewhere in the text
_OWN_RULES = re.compile(r"(?:修订|制定|出台|印发|修改|起草)了?[“\"]?(?P<n>(?:厅|局|委|办|署)[\u4e00-\u9fff]{4,20}?(?:规定|办法|细则|规则))")


def find_bare(view: TextView, bracket_regions: list[tuple[int, int]]) -> list[Cite]:
    norm = view.norm
    inside = bytearray(len(norm))
    for s, e in bracket_regions:
        inside[s:e] = b"\x01" * (e - s)
    out: list[Cite] = []
    for end, (form, name) in _bare_automaton().iter_long(norm):
        s, e = end - len(form) + 1, end + 1
        if any(inside[s:e]):
            continue
        nxt = norm[e:e + 1]
        if form.endswith("法") and nxt and nxt in _NOT_AFTER_LAW:
            continue
        if form.endswith("法") and norm[e:e + 2] == "修正":  # 刑法修正案 is its own instrument
            continue
        prev = norm[s - 1:s]
        if prev and prev in "省市区县州旗" and not form.startswith("中华人民共和国"):
            continue  # 全市法治政府建设实施纲要: a local document of the same name
        # a dated edition written right after: 法治政府建设实施纲要(2021-2025年)
        m = re.match(r"\((?:19|20)\d{2}\s*-\s*(?:19|20)?\d{2,4}年?\)", norm[e:e + 16])
        if m and not form.endswith(")"):
            e += m.end()
            name = canonical_name(norm[s:e])
        out.append(Cite(s, e, name, bracketed=False))
    for m in _FIVE_YEAR_PLAN.finditer(norm):
        s, e = m.span()
        if not any(inside[s:e]):
            out.append(Cite(s, e, canonical_name(norm[s:e]), bracketed=False))
    for m in _OWN_RULES.finditer(norm):
        s, e = m.span("n")
        if any(inside[s:e]):
            continue
        quoted = s > 0 and e < len(norm) and norm[s - 1] in "“\"" and norm[e] in "”\""
        if quoted or norm.count(m.group("n")) >= 2:
            out.append(Cite(s, e, canonical_name(norm[s:e]), bracketed=False))
    return out


def is_own_title(surface_norm: str, title: str | None) -> bool:
    if not title:
        return False
    a, b = fold(surface_norm), fold(title)
    return a == b or (len(a) >= 10 and b.endswith(a))
