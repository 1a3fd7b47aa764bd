"""Figures (主动公开信息共25件, 20辆公交车, 100%) and contact lines (联系人:… 电话:…)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.extract.text import TextView

_UNITS = ("个百分点", "人次", "家次", "件次", "万元", "亿元", "元", "件", "次", "人", "家", "个", "项", "条", "场", "辆",
          "份", "期", "部", "篇", "起", "名", "户", "所", "批", "天", "小时", "种", "类", "%", "余件", "万人", "台", "套", "本")
FIGURE = re.compile(
    r"(?<![\d.\-/第])(?P<num>\d+(?:\.\d+)?)\s*(?P<mod>余|多)?\s*(?P<mag>万|亿)?(?P<unit>"
    + "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True)) + r")(?![\d])")
_COUNT_STOP = re.compile(r"[。,;:、!?()\n“”]")
_LEAD = re.compile(r"^(?:(?:19|20)\d{2}年度?|全年|今年|本年度|其中|共|累计|合计|先后|已)+")
_TAIL = re.compile(r"(?:共|累计|合计|达到|达|约|计|为|了|共计|总计|超过|逾)+$")

PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|(?:0\d{2,3}-?)?[2-9]\d{6,7})(?!\d)")
_CONTACT_LINE = re.compile(r"联系人|联系电话|咨询电话|电\s*话\s*[:：]")
_PERSON = re.compile(r"联系人\s*[:：]?\s*(?P<p>[\u4e00-\u9fff]{2,4}?)(?=\s|[,，;；、)）]|电话|$)")


@dataclass
class FigureHit:
    value: float
    unit: str
    counts: str | None
    start: int
    end: int


@dataclass
class ContactHit:
    start: int
    end: int
    person: str | None
    phones: list[str] = field(default_factory=list)


def find_figures(view: TextView) -> list[FigureHit]:
    norm = view.norm
    out = []
    for m in FIGURE.finditer(norm):
        value = float(m.group("num"))
        if m.group("mag") == "万":
            value *= 10_000
        elif m.group("mag") == "亿":
            value *= 100_000_000
        unit = m.group("unit")
        if unit == "万元":
            value *= 10_000
            unit = "元"
        elif unit == "亿元":
            value *= 100_000_000
            unit = "元"
        # what it counts: the words before the number, back to the last punctuation
        left = max(0, m.start() - 20)
        chunk = norm[left:m.start()]
        stops = list(_COUNT_STOP.finditer(chunk))
        if stops:
            chunk = chunk[stops[-1].end():]
        counts = _TAIL.sub("", _LEAD.sub("", chunk.strip())).strip() or None
        if counts is None:
            after = re.match(r"[\u4e00-\u9fff]{1,8}", norm[m.end():m.end() + 8])
            counts = after.group(0) if after else None
        out.append(FigureHit(value, unit, counts, m.start(), m.end()))
    return out


def find_contacts(view: TextView) -> list[ContactHit]:
    out = []
    for s, e in view.lines():
        line = view.norm[s:e]
        if not _CONTACT_LINE.search(line) or len(line) > 200:
            continue
        phones = PHONE.findall(line)
        person = _PERSON.search(line)
        if not phones and not person:
            continue
        ls, le = s, e
        while ls < le and view.text[ls].isspace():
            ls += 1
        while le > ls and view.text[le - 1].isspace():
            le -= 1
        out.append(ContactHit(ls, le, person.group("p") if person else None, phones))
    return out
