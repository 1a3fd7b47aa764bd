"""A large extraction built mechanically from a text (every 《…》, every agency-like word, every numbered
initiative and every number), to measure mapping and validation at the size of a real report."""
from __future__ import annotations

import re

from kg.extract.model import Agency, Extraction, Figure, Initiative, Instrument, ReportMeta, Section

_AGENCY = re.compile(r"市[\u4e00-\u9fff]{1,4}?(?:局|办|委)")
_INITIATIVE = re.compile(r"[一二三四五六七八九十]是([^。]{2,30}?)。[^\n]*")
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)(件|次|人|个|场|家|项|条|%)")
_HEADING = re.compile(r"^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\))[^\n]*$", re.M)


def synthetic_extraction(text: str, title: str = "某机关2025年法治政府建设工作情况的报告") -> Extraction:
    instruments: dict[str, Instrument] = {}
    for m in re.finditer(r"《([^《》]{2,60})》", text):
        name = m.group(1)
        ins = instruments.setdefault(name, Instrument(name, name, "policy", [], "local"))
        ins.spans.append((m.start(1), m.end(1)))
    agencies: dict[str, Agency] = {}
    for m in _AGENCY.finditer(text):
        ag = agencies.setdefault(m.group(0), Agency("某市" + m.group(0)[1:], m.group(0), "mentioned", []))
        ag.spans.append(m.span())
    sections = [Section(m.group(0), 1 if "、" in m.group(1) else 2, "done", [m.span()]) for m in _HEADING.finditer(text)]
    initiatives = [Initiative(m.group(1), "done", None, [m.span()]) for m in _INITIATIVE.finditer(text)]
    figures = [Figure(float(m.group(1)), m.group(2), None, m.group(0), [m.span()]) for m in _NUMBER.finditer(text)]
    return Extraction(text=text, report=ReportMeta(title=title, agency="某市某机关", year_covered=2025),
                      agencies=list(agencies.values()), instruments=list(instruments.values()),
                      initiatives=initiatives, figures=figures, sections=sections)
