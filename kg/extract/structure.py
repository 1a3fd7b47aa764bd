"""Headings (一、 / (一) / 1. / (1)), their kind (work done, next year's plan, shortcomings) and the
initiatives under them: each 一是…二是… item, or the sub-section itself when it has none.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.extract.text import TextView

_CN_NUM = "一二三四五六七八九十"
_HEADINGS = (
    (1, re.compile(rf"^\s*[{_CN_NUM}]{{1,3}}\s*、")),
    (2, re.compile(rf"^\s*\(\s*[{_CN_NUM}]{{1,3}}\s*\)")),
    (3, re.compile(r"^\s*\d{1,2}\s*[.、](?!\d)")),
    (4, re.compile(r"^\s*\(\s*\d{1,2}\s*\)")),
)
_SHORTCOMINGS = re.compile(r"存在的?(?:主要)?(?:问题|不足)|问题(?:和|与|及)不足|不足之处|短板|差距|薄弱环节")
_PLANNED = re.compile(r"下一步|下步|明年|今后|来年|工作思路|工作计划|工作打算|工作安排|工作举措|努力方向|展望|工作设想|"
                      r"重点工作|工作重点|思路举措|改进方向|主要任务")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_MARKER = re.compile(rf"(?:^|(?<=[。;,:!?\s]))([{_CN_NUM}]{{1,2}})是")
_TITLE_CUT = re.compile(r"[。;!?:]")
_PARA_SHORTCOMING = re.compile(r"存在(?:的|一些|一定|着)?(?:问题|不足|短板)|不足之处|还存在|仍存在|有待(?:加强|提高|提升)")


@dataclass
class SectionNode:
    level: int
    start: int                # heading line start
    heading_end: int          # end of the heading text
    end: int = 0              # end of the section (next heading of same or higher level)
    heading: str = ""         # as written
    kind: str = "done"
    children: list = field(default_factory=list)
    body_start: int = 0


@dataclass
class InitiativeHit:
    title: str
    status: str
    section: str | None
    start: int
    end: int


def _heading_level(line: str) -> int | None:
    for level, rx in _HEADINGS:
        if rx.match(line):
            return level
    return None


def _section_kind(heading: str, parent_kind: str | None, year_covered: int | None) -> str:
    if _SHORTCOMINGS.search(heading):
        return "shortcomings"
    if _PLANNED.search(heading):
        return "planned"
    years = [int(y) for y in _YEAR.findall(heading)]
    if year_covered and years and max(years) > year_covered:
        return "planned"
    if year_covered and years and max(years) == year_covered:
        return "done"
    return parent_kind or "done"


# A report's closing formula on a line of its own: the body (and its last section) ends before it.
_CLOSING = re.compile(r"[ \t]*(?:专此|特此|以上|现将有关情况)?(?:报告|说明|汇报)(?:如上)?[。.！!]?[ \t]*")


def body_end(view: TextView, lines: list[tuple[int, int]], signature_line: int | None, after: int = 0) -> int:
    """Where the report's body ends: at a closing formula line (专此报告。) or the signature block (the agency line
    above its date), whichever comes first after `after` (the first heading: a title split before 报告, or an
    issuer and date under the title, is no end); else the end of the text. What follows (signature, contacts, the
    web page's footer) belongs to no section and no initiative. `lines`: view.lines(), as signature_line counts."""
    end = len(view.text)
    if signature_line is not None and 0 < signature_line < len(lines):
        above = next((k for k in range(signature_line - 1, max(-1, signature_line - 3), -1)
                      if view.norm[lines[k][0]:lines[k][1]].strip()), signature_line)
        if lines[above][0] > after:
            end = lines[above][0]
    for s, e in lines:
        if s >= end:
            break
        if s > after and view.norm[s:e].strip() and _CLOSING.fullmatch(view.norm[s:e]):
            return s
    return end


def find_sections(view: TextView, year_covered: int | None, body_from: int = 0,
                  signature_line: int | None = None) -> list[SectionNode]:
    """Flat list of sections in document order, with kinds and extents; none reaches past the body's end
    (body_end: the closing formula or the signature block, the agency line above its date, after the first
    heading)."""
    norm = view.norm
    flat: list[SectionNode] = []
    lines = list(view.lines())
    for s, e in lines:
        if s < body_from:
            continue
        line = norm[s:e]
        level = _heading_level(line)
        if level is None or len(line.strip()) < 3:
            continue
        # a heading followed by its text on the same line: the heading ends at the first full stop
        stop = _TITLE_CUT.search(line)
        heading_end = s + (stop.start() if stop else len(line.rstrip()))
        if level >= 3 and heading_end - s > 60:
            continue  # a numbered paragraph, not a heading
        flat.append(SectionNode(level, s, heading_end, heading=view.text[s:heading_end].strip(),
                                body_start=heading_end + (1 if stop else 0)))
    n = body_end(view, lines, signature_line, after=flat[0].heading_end) if flat else len(view.text)
    flat = [node for node in flat if node.start < n]
    stack: list[SectionNode] = []
    for i, node in enumerate(flat):
        node.end = n
        for later in flat[i + 1:]:
            if later.level <= node.level:
                node.end = later.start
                break
        while stack and stack[-1].level >= node.level:
            stack.pop()
        parent = stack[-1] if stack else None
        node.kind = _section_kind(node.heading, parent.kind if parent else None, year_covered)
        if parent:
            parent.children.append(node)
        stack.append(node)
    return flat


def _trim_span(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _strip_numbering(heading: str) -> str:
    return re.sub(rf"^\s*(?:[{_CN_NUM}]{{1,3}}\s*、|[（(]\s*[{_CN_NUM}\d]{{1,3}}\s*[)）]|\d{{1,2}}\s*[.、．])\s*", "", heading).strip()


def find_initiatives(view: TextView, sections: list[SectionNode]) -> tuple[list[InitiativeHit], list[SectionNode]]:
    """Initiatives under leaf sections; also paragraphs that state shortcomings, as extra sections."""
    norm, text = view.norm, view.text
    out: list[InitiativeHit] = []
    extra_sections: list[SectionNode] = []
    for node in sections:
        if node.kind == "shortcomings":
            continue
        body_end = node.children[0].start if node.children else node.end
        status = "planned" if node.kind == "planned" else "done"
        # paragraphs inside the section that state shortcomings are not initiatives
        spans = []
        pos = node.body_start
        for para in re.finditer(r"[^\n]+", norm[node.body_start:body_end]):
            ps, pe = node.body_start + para.start(), node.body_start + para.end()
            if _PARA_SHORTCOMING.search(para.group()) and not _MARKER.search(para.group()):
                cut = _TITLE_CUT.search(norm, ps, pe)
                extra_sections.append(SectionNode(node.level + 1, ps, cut.start() if cut else pe, pe,
                                                  heading=text[ps:cut.start() if cut else pe], kind="shortcomings"))
                spans.append((pos, ps))
                pos = pe
        spans.append((pos, body_end))
        for seg_s, seg_e in spans:
            markers = list(_MARKER.finditer(norm, seg_s, seg_e))
            if markers:
                for j, m in enumerate(markers):
                    s = m.start()
                    e = markers[j + 1].start() if j + 1 < len(markers) else seg_e
                    s, e = _trim_span(text, s, e)
                    cut = _TITLE_CUT.search(norm, m.end(), e)
                    title_end = cut.start() if cut else min(e, m.end() + 40)
                    title = text[m.end():title_end].strip(" ,，")
                    if e > s and title:
                        out.append(InitiativeHit(title[:80], status, node.heading, s, e))
            elif not node.children and seg_s == node.body_start:
                s, e = _trim_span(text, node.start, seg_e)
                title = _strip_numbering(node.heading)
                if e > s and title:
                    out.append(InitiativeHit(title[:80], status, node.heading, s, e))
    return out, extra_sections
