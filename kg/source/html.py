"""Government web pages → plain text: the header table (索引号/发布机构/文号/…) and the article body.

trafilatura finds the main content and renders the header table as `| 索引号 | … |` lines; the gov CMS
<meta> tags (ArticleTitle, PubDate, ContentSource, …) that it ignores are read with lxml. Pages are
decoded to str first: lxml fed GBK bytes labelled gb2312 returns an empty tree.
"""
from __future__ import annotations

import re

import lxml.etree
import lxml.html
import trafilatura

from kg.source.decode import clean_text, decode_bytes
from kg.source.model import SourceError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)

# gov CMS meta names worth keeping (case-insensitive); also Dublin Core / OpenGraph fallbacks
_META_NAMES = {
    "articletitle": "ArticleTitle", "pubdate": "PubDate", "contentsource": "ContentSource",
    "sitename": "SiteName", "siteidcode": "SiteIDCode", "sitedomain": "SiteDomain", "columnname": "ColumnName",
    "keywords": "Keywords", "description": "Description", "author": "Author", "url": "Url",
    "dc.title": "ArticleTitle", "dc.date": "PubDate", "og:title": "OgTitle", "og:url": "Url",
}

# Page furniture that sometimes survives main-content extraction: navigation, sharing, footer.
BOILERPLATE = re.compile(
    r"网站标识码|ICP备|ICP证|公网安备|^\s*主办\s*[:：]|主办单位|承办单位|版权所有|Copyright|©|分享到|"
    r"^\s*(?:[【\[]?\s*(?:打印|关闭|关闭窗口|打印本页|打印此页|返回顶部|收藏|保存|纠错|我要纠错)\s*[】\]]?\s*)+$|当前位置|您的位置|首页\s*[>＞»]|"
    r"^\s*(上一篇|下一篇)\s*[:：]|扫一扫|网站地图|无障碍|建议使用\d+|分辨率|技术支持\s*[:：]|"
    r"^\s*\[?\s*字号|^\s*字体\s*[:：]|^\s*【\s*字体|浏览次数|阅读次数|访问量|点击数",
    re.I,
)
_WS_ONLY_CELLS = re.compile(r"^[|\s]*$")


def sniff_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:8192])
    return m.group(1).decode("ascii", "replace") if m else None


def read_meta(tree) -> dict[str, str]:
    meta: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = (el.get("name") or el.get("property") or "").strip().lower()
        val = (el.get("content") or "").strip()
        if key in _META_NAMES and val and "<" not in val:
            meta.setdefault(_META_NAMES[key], val)
    titles = tree.xpath("//title")
    if titles:
        page_title = " ".join(titles[0].text_content().split())
        # a <title> made of markup (scripts) is not a title
        if page_title and "<" not in page_title and not titles[0].xpath(".//script"):
            meta.setdefault("PageTitle", page_title)
    return meta


def _fallback_text(tree) -> str:
    """Whole-page text without scripts, styles and obvious navigation, for pages trafilatura returns nothing for."""
    for bad in tree.xpath("//script|//style|//noscript|//nav|//header|//footer|//title|//head"):
        bad.drop_tree()
    lines = []
    text = tree.text_content() if hasattr(tree, "text_content") else ""
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            lines.append(line)
    return "\n".join(lines)


def drop_boilerplate(text: str) -> str:
    kept = []
    for line in text.splitlines():
        if BOILERPLATE.search(line) and len(line) < 200:
            continue
        if _WS_ONLY_CELLS.match(line) and line.strip():
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip("\n")


def read_html(data: bytes, path: str) -> tuple[str, str, dict[str, str]]:
    """Return (text, encoding, meta)."""
    html, encoding = decode_bytes(data, path, declared=sniff_charset(data))
    html = _XML_DECL.sub("", html)
    if "<" not in html:
        raise SourceError(f"{path}: not an HTML page (no markup)")
    try:
        tree = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise SourceError(f"{path}: malformed HTML ({str(exc).splitlines()[0] if str(exc) else 'unparseable'})") from None
    meta = read_meta(tree)
    body = trafilatura.extract(html, include_tables=True, include_comments=False, include_links=False,
                               include_images=False, favor_recall=True, deduplicate=False) or ""
    if not body.strip():
        body = _fallback_text(tree)
    text = drop_boilerplate(body)
    title = meta.get("ArticleTitle") or meta.get("OgTitle")
    # trafilatura leaves the article heading out; put it back so the text stands on its own
    if title and title not in text[:500]:
        text = title + "\n" + text
    # markup debris (<<<>>> </) is not text: a page needs at least some letters or characters
    if not re.search(r"[^\W_]", re.sub(r"</?[A-Za-z][^>]*>?", "", text)):
        raise SourceError(f"{path}: malformed HTML page without readable text")
    return clean_text(text, path), encoding, meta
