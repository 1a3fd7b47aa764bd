"""Report header: the metadata table or label lines, the title, the signature block and the dates.

Gov pages give metadata in three shapes, all read here from the aligned `norm` view:
  pipe tables          | 索 引 号 | XM00128-30-01-2026-005 | 主题分类 | 文件通知 |
  label lines          来源:静海区人民政府办公室 发布时间:2024-03-28 09:18   /   索引号 3212000043/2023-354820 分类 报告
  CMS <meta> tags      (SourceText.meta, from the HTML reader)
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.extract.dates import DATE, HAN_YEAR, YEAR, han_year, is_date_only, match_to_iso, parse_date
from kg.extract.text import TextView

# label → field; a label may be written with spaces between its characters (索 引 号)
_LABELS = {
    "索引号": "index_number", "主题分类": "topic", "分类": "topic", "发布机构": "publisher", "发文机关": "publisher",
    "发文单位": "publisher", "文号": "doc_number", "发文字号": "doc_number", "文件编号": "doc_number",
    "成文日期": "written", "生成日期": "written", "发文日期": "issued", "发布日期": "published",
    "发布时间": "published", "公开日期": "published", "时间": "published_weak", "日期": "published_weak",
    "来源": "source", "信息来源": "source", "文章来源": "source", "标题": "title", "名称": "title",
    "公开方式": "other", "公开时限": "other", "时效": "other", "有效性": "other", "主题词": "other",
    "浏览次数": "other", "点击数": "other", "访问量": "other", "字号": "other", "作者": "other", "关键词": "other",
    "公开范围": "other", "体裁分类": "other", "组配分类": "other", "服务对象": "other",
}
_WEAK = {"published_weak", "source"}  # common words: only trusted near the top of the document
_LABEL_ALT = "|".join(r"[^\S\n]*".join(map(re.escape, lab)) for lab in sorted(_LABELS, key=len, reverse=True))
_LABEL_RE = re.compile(rf"(?:^|(?<=[\s|•·:)\]】]))(?P<label>{_LABEL_ALT})\s*(?::|(?=\()|\s|$)")
_LABEL_CELL = re.compile(rf"^\s*(?P<label>{_LABEL_ALT})\s*:?\s*$")

DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}\s*[〔\[(【]\s*(?:19|20)\d{2}\s*[〕\])】]\s*\d{1,5}\s*号")
INDEX_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9/\-_.]{5,}")

# titles of the genre end like this
_TITLE_END = re.compile(r"(?:报告|总结|年报|情况|工作要点|通报)[)]?$")
_HAS_YEAR = re.compile(r"(?:19|20)\d{2}\s*年|[〇零○一二三四五六七八九]{4}年|年度")
_SENTENCE = re.compile(r"[。;!?]|,.*,")
AGENCY_END = re.compile(r"(?:人民政府|办公室|办公厅|委员会|局|厅|委|办|院|署|中心|分局|支队|大队)$")
_PUBLISH_TITLE = re.compile(r"现(?:予以|予)?公布(?P<t>[^。,;:]{6,60}?(?:年度报告|工作报告|报告))")


@dataclass
class Header:
    fields: dict[str, str] = field(default_factory=dict)
    title: str | None = None
    title_line: int | None = None          # index of the (first) title line
    signature_agency: str | None = None    # as written (norm) on the line above the signature date
    signature_date: str | None = None
    signature_line: int | None = None
    header_end_line: int = 0               # lines before this are header/metadata


def _put(fields: dict, key: str, value: str):
    value = value.strip(" |:()•·\t")
    if value and key not in fields:
        fields[key] = value


def _labelled_fields(view: TextView, lines: list[tuple[int, int]]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for k, (s, e) in enumerate(lines):
        line = view.norm[s:e]
        if len(line) > 160 or not line.strip():
            continue
        if line.rstrip().endswith("。"):
            continue
        near_top = k < 15
        if line.count("|") >= 2:
            cells = [c.strip() for c in line.split("|")]
            for i, cell in enumerate(cells):
                m = _LABEL_CELL.match(cell)
                if m:
                    key = _LABELS[re.sub(r"\s", "", m.group("label"))]
                    if key in _WEAK and not near_top:
                        continue
                    nxt = next((c for c in cells[i + 1:] if c), "")
                    if nxt and not _LABEL_CELL.match(nxt):
                        _put(fields, key, nxt)
                    continue
                # "label: value" inside one cell
                m2 = _LABEL_RE.match(cell)
                if m2 and cell[m2.end():].strip():
                    key = _LABELS[re.sub(r"\s", "", m2.group("label"))]
                    if not (key in _WEAK and not near_top):
                        _put(fields, key, cell[m2.end():])
            continue
        hits = list(_LABEL_RE.finditer(line))
        for j, m in enumerate(hits):
            key = _LABELS[re.sub(r"\s", "", m.group("label"))]
            if key in _WEAK and not near_top:
                continue
            # a label word inside a sentence is not a label: require it at the line start or after a gap
            if m.start() > 0 and not re.match(r"[\s|•·)\]】]", line[m.start() - 1]):
                continue
            end = hits[j + 1].start() if j + 1 < len(hits) else len(line)
            _put(fields, key, line[m.end():end])
    return fields


def _is_title(line: str) -> bool:
    line = line.strip()
    return (6 <= len(line) <= 90 and _TITLE_END.search(line) is not None and _HAS_YEAR.search(line) is not None
            and not _SENTENCE.search(line) and "|" not in line and not re.match(r"[一二三四五六七八九十]+、|\(", line)
            and not line.startswith(("现将", "根据", "按照", "本报告")))


def _agency_line(line: str) -> bool:
    line = line.strip()
    return 3 <= len(line) <= 30 and AGENCY_END.search(line) is not None and not re.search(r"[,。;:、\d|]", line)


def find_title(view: TextView, lines: list[tuple[int, int]], fields: dict, meta: dict) -> tuple[str | None, int | None]:
    if fields.get("title") and len(fields["title"]) >= 6:
        return fields["title"], None
    for key in ("ArticleTitle", "OgTitle"):
        if meta.get(key):
            from kg.extract.text import normalize
            return normalize(meta[key]).strip(), None
    texts = [view.norm[s:e].strip() for s, e in lines]
    for k, line in enumerate(texts):
        if not line:
            continue
        prev = next((texts[j] for j in range(k - 1, max(-1, k - 3), -1) if texts[j]), "")
        nxt_k = next((j for j in range(k + 1, min(len(texts), k + 3)) if texts[j]), None)
        nxt = texts[nxt_k] if nxt_k is not None else ""
        if _is_title(line):
            # "秦安县人民政府 / 关于2019年…的报告": the issuer on the line above belongs to the title
            if line.startswith("关于") or re.match(r"(?:19|20)\d{2}", line):
                if _agency_line(prev) and prev + line not in texts:
                    return prev + line, k - 1
            return line, k
        # "2024年度交通运输法治政府建设 / 工作总结": a title broken over two lines
        if (nxt and len(line) <= 60 and len(nxt) <= 20 and _HAS_YEAR.search(line) and not _SENTENCE.search(line)
                and "|" not in line and _is_title(line + nxt) and not _TITLE_END.search(line)
                and not re.match(r"[一二三四五六七八九十]+、|\(", line)):
            return line + nxt, k
    # near the top, "…关于…的报告" names the report even without a year
    shown = [(k, t) for k, t in enumerate(texts) if t][:8]
    for k, line in shown:
        if (line.startswith("关于") or "关于" in line[:25]) and re.search(r"的(?:报告|总结)$", line) \
                and not _SENTENCE.search(line) and "|" not in line and len(line) <= 80:
            prev = texts[k - 1].strip() if k else ""
            if line.startswith("关于") and _agency_line(prev):
                return prev + line, k - 1
            return line, k
    m = _PUBLISH_TITLE.search(view.norm)
    if m and _HAS_YEAR.search(m.group("t")):
        return m.group("t"), None
    return None, None


def find_signature(view: TextView, lines: list[tuple[int, int]]) -> tuple[str | None, str | None, int | None]:
    """(agency as written, ISO date, line index) of the first signature block: an agency line, then a date line."""
    texts = [view.norm[s:e].strip() for s, e in lines]
    fallback = None
    for k, line in enumerate(texts):
        if not line or not DATE.fullmatch(line) or re.fullmatch(r"[\d\-/. ]+", line):
            continue  # a bare ISO date is a page date, not a signature
        iso = is_date_only(line)
        if not iso:
            continue
        prev_k = next((j for j in range(k - 1, max(-1, k - 3), -1) if texts[j]), None)
        if prev_k is not None and _agency_line(texts[prev_k]):
            return texts[prev_k], iso, k
        if fallback is None and k > 3:
            fallback = (None, iso, k)
    return fallback or (None, None, None)


def read_header(view: TextView, meta: dict) -> Header:
    lines = list(view.lines())
    h = Header()
    h.fields = _labelled_fields(view, lines)
    h.title, h.title_line = find_title(view, lines, h.fields, meta)
    h.signature_agency, h.signature_date, h.signature_line = find_signature(view, lines)
    return h


def doc_number(h: Header, view: TextView, lines: list[tuple[int, int]]) -> str | None:
    value = h.fields.get("doc_number")
    if value:
        m = DOC_NUMBER.search(value)
        if m:
            return m.group(0).strip()
    # a 文号 printed on its own line just above or below the title (red-header documents)
    if h.title_line is not None:
        for k in range(max(0, h.title_line - 3), min(len(lines), h.title_line + 4)):
            s, e = lines[k]
            line = view.norm[s:e].strip()
            m = DOC_NUMBER.fullmatch(line)
            if m:
                return view.text[s:e].strip()
    return None


def index_number(h: Header) -> str | None:
    value = h.fields.get("index_number")
    if value:
        m = INDEX_NUMBER.search(value)
        if m:
            return m.group(0)
    return None


def published(h: Header, meta: dict) -> str | None:
    """The date under the signature; else the page's publication date. Never 成文日期."""
    if h.signature_date:
        return h.signature_date
    for key in ("published", "published_weak"):
        if h.fields.get(key):
            iso = parse_date(h.fields[key])
            if iso:
                return iso
    if meta.get("PubDate"):
        iso = parse_date(meta["PubDate"])
        if iso:
            return iso
    if h.fields.get("issued"):
        return parse_date(h.fields["issued"])
    return None


_YEAR_LEAD = re.compile(r"^\s*(?:(?:19|20)\d{2}\s*年|[〇零○一二三四五六七八九]{4}年)")
_STATS_PERIOD = re.compile(r"(?:统计|数据)[^。]{0,12}?(?:期限|时限|时间|区间|期间)[^。]{0,8}?((?:19|20)\d{2})\s*年")


def year_covered(h: Header, view: TextView, lines: list[tuple[int, int]], published_iso: str | None) -> int | None:
    def first_year(s: str) -> int | None:
        m = YEAR.search(s)
        if m:
            return int(m.group(1))
        m = HAN_YEAR.search(s)
        return han_year(m.group(1)) if m else None

    if h.title:
        y = first_year(h.title)
        if y:
            return y
    for s, e in lines:
        line = view.norm[s:e]
        if _YEAR_LEAD.match(line) and len(line) > 12:
            y = first_year(line[:12])
            if y:
                return y
    m = _STATS_PERIOD.search(view.norm)
    if m:
        return int(m.group(1))
    if published_iso:
        return int(published_iso[:4]) - 1
    return None


def dates_in(s: str):
    for m in DATE.finditer(s):
        iso = match_to_iso(m)
        if iso:
            yield m.start(), m.end(), iso
