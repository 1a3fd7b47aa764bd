"""Evidence is readable: an annotation's page shows its quote in context and what it is evidence for, the report
text highlights the quoted span (?at=, server-side), and the text and run pages say whose they are; in zh and en."""
import re

from rdflib import Graph, URIRef

from conftest import TEST_BASE

HTML = {"Accept": "text/html"}
REPORT = "厦门市司法局2023年法治政府建设年度报告"
EXACT = "《中华人民共和国行政处罚法》"
AT = "/doc/report/r1/text?at=19-33#char=19,33"


def title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


def h1(html: str) -> str:
    return re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)


def test_annotation_page_zh(client):
    t = client.get("/doc/report/r1/annotation/q1", headers=HTML).text
    assert title(t) == f"出处：“{EXACT}”，见《{REPORT}》 · GovKG"
    assert h1(t) == f"出处：“{EXACT}”"
    # what it is evidence for, linked, with its kind
    assert '<a class="body" href="/doc/instrument/i1" title="http://testserver/id/instrument/i1">中华人民共和国行政处罚法</a>' in t
    assert "证明的条目" in t and "法律规范" in t
    # the motivation in words
    assert "标注目的" in t and "指明：这段原文提到了该条目" in t
    # the quote in context: prefix, the exact text highlighted, suffix
    assert (f'<span class="ctx">…（一）严格落实</span><mark>{EXACT}</mark>'
            '<span class="ctx">，全面推行行政裁量权…</span>') in t
    # the offsets, and a link to the report text at that position
    assert "第 19–33 字符" in t
    assert f'href="{AT}"' in t and "在报告文本中查看" in t
    assert f'<a href="/doc/report/r1">{REPORT}</a>' in t


def test_annotation_page_en(client):
    t = client.get("/doc/report/r1/annotation/q1", params={"lang": "en"}, headers=HTML).text
    assert title(t) == f"Evidence: “{EXACT}” in {REPORT} · GovKG"
    assert h1(t) == f"Evidence: “{EXACT}”"
    assert "Evidence for" in t and "Legal instrument" in t
    assert "identifying: the passage names it" in t
    assert f"<mark>{EXACT}</mark>" in t
    assert "characters 19–33" in t and "code-point offsets from 0, end exclusive" in t
    assert f'href="{AT}"' in t and "Show in the report text" in t


def test_annotation_page_escapes_the_quote(client):
    t = client.get("/doc/report/r1/annotation/q2", params={"lang": "en"}, headers=HTML).text
    assert title(t) == f"Evidence: “&lt;b&gt;bold&lt;/b&gt;” in {REPORT} · GovKG"
    assert "<mark>&lt;b&gt;bold&lt;/b&gt;</mark>" in t
    assert "<b>bold</b>" not in t and "<img src=x" not in t and "<script>alert" not in t
    # no position selector: no offsets, a plain link to the text
    assert "characters" not in t and 'href="/doc/report/r1/text"' in t


def test_a_long_quote_is_cut_in_the_title_only():
    from kg.web.routers.entity import _short
    assert _short("甲" * 50) == "甲" * 29 + "…" and _short("a\n b") == "a b"


def test_report_text_highlights_a_position_zh(client):
    r = client.get("/doc/report/r1/text?at=19-33", headers=HTML)
    assert r.status_code == 200
    t = r.text
    assert title(t) == f"报告文本：《{REPORT}》 · GovKG" and h1(t) == f"报告文本：《{REPORT}》"
    assert f'（一）严格落实<mark id="char=19,33">{EXACT}</mark>，全面推行' in t
    assert "已标出第 19–33 字符" in t
    # what the span is evidence for, and the way back to the annotation
    assert "这段原文是以下条目的出处" in t
    assert 'href="/doc/instrument/i1">中华人民共和国行政处罚法</a>' in t and 'href="/doc/report/r1/annotation/q1"' in t
    assert 'href="/doc/report/r1/text">取消标记</a>' in t
    # the text is shown once (its own section, not again in the properties table)
    assert t.count("开展宪法宣传周活动。") == 1


def test_report_text_highlights_a_position_en(client):
    t = client.get("/doc/report/r1/text", params={"at": "19-33", "lang": "en"}, headers=HTML).text
    assert title(t) == f"Report text: {REPORT} · GovKG"
    assert f'<mark id="char=19,33">{EXACT}</mark>' in t
    assert "Highlighted: characters 19–33" in t and "This passage is evidence for" in t
    # the language switch keeps the position
    assert 'href="/doc/report/r1/text?at=19-33&amp;lang=zh"' in t


def test_report_text_without_or_with_a_bad_position(client):
    t = client.get("/doc/report/r1/text", headers=HTML).text
    assert "<mark" not in t and "开展宪法宣传周活动。" in t and "全文" in t
    for bad in ("abc", "33-19", "0-9999", "-1"):
        r = client.get("/doc/report/r1/text", params={"at": bad}, headers=HTML)
        assert r.status_code == 400 and "<mark" not in r.text, bad   # the client's error; the text still shows
        assert "不在文本范围内" in r.text, bad
    t = client.get("/doc/report/r1/text", params={"at": "19,33"}, headers=HTML).text
    assert f'<mark id="char=19,33">{EXACT}</mark>' in t


def test_run_page_title_names_the_report(client):
    t = client.get("/doc/report/r1/run", headers=HTML).text
    assert title(t) == f"抽取过程：《{REPORT}》 · GovKG" and h1(t) == f"抽取过程：《{REPORT}》"
    t = client.get("/doc/report/r1/run", params={"lang": "en"}, headers=HTML).text
    assert title(t) == f"Extraction run: {REPORT} · GovKG"


def test_entity_evidence_links_to_the_position(client):
    t = client.get("/doc/instrument/i1", headers=HTML).text
    assert f'<a href="{AT}">报告文本 @19–33</a>' in t
    t = client.get("/doc/instrument/i1", params={"lang": "en"}, headers=HTML).text
    assert f'<a href="{AT}">Report text @19–33</a>' in t


def test_rdf_of_evidence_unchanged(client):
    g = Graph().parse(data=client.get("/doc/report/r1/annotation/q1.ttl").text, format="turtle")
    ann = URIRef(TEST_BASE + "id/report/r1/annotation/q1")
    assert (ann, None, None) in g and not any("Evidence" in str(o) or "出处" in str(o) for o in g.objects())
    r = client.get("/doc/report/r1/text.ttl", params={"at": "19-33"})
    assert r.status_code == 200 and "<mark" not in r.text and "开展宪法宣传周活动。" in r.text
