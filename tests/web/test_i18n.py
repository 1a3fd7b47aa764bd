"""The interface speaks one language per page: coded values in words (gk:genre, section kinds, datatypes), peer
groups named by province and kind, the nodes minted inside a report (#target, #quote, #position, the text, its
checksum, the run, the software) with names, /docs in Chinese, and error pages that say what was wrong. A walk over
the pages in zh and en finds no English interface words on zh pages and no Chinese ones on en pages."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from rdflib import Dataset

from kg.store.memory import MemoryStore
from kg.web.app import create_app
from kg.web.i18n import GENRES, PROVINCES, STRINGS

from conftest import TEST_BASE, load_fixture, make_settings

HTML = {"Accept": "text/html"}
CJK = re.compile(r"[\u3400-\u9fff]")

# What kg/rdf/mapping.py writes beside the fixture: a report's genre, the text's checksum and media type, the run's
# software agent, a foaf:Agent type, and a second agency of the same kind in the same province (Fuzhou, Fujian).
EXTRA = """
@prefix gk:     <https://w3id.org/govkg/def#> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:   <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix foaf:   <http://xmlns.com/foaf/0.1/> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
@prefix prov:   <http://www.w3.org/ns/prov#> .
@prefix spdx:   <http://spdx.org/rdf/terms#> .
@prefix dcat:   <http://www.w3.org/ns/dcat#> .
<graph/i18n> {
  <id/report/r1> gk:genre "fzzf" .
  <id/report/r1/run> prov:wasAssociatedWith <id/software/govkg/9.9.9> .
  <id/software/govkg/9.9.9> a prov:SoftwareAgent ; schema:softwareVersion "9.9.9" .
  <id/report/r1/text> spdx:checksum <id/report/r1/text#sha256> ;
      dcat:mediaType <https://www.iana.org/assignments/media-types/text/plain> .
  <id/report/r1/text#sha256> a spdx:Checksum ; spdx:algorithm <https://spdx.org/rdf/terms#checksumAlgorithm_sha256> ;
      spdx:checksumValue "ab12"^^xsd:hexBinary .
  <id/agency/a1> a foaf:Agent .
  <id/agency/a3> a gk:Agency, foaf:Agent ; rdfs:label "福州市司法局"@zh-Hans ; skos:altLabel "市司法局"@zh-Hans ;
      gk:region <id/region/350100> .
  <id/region/350100> a gk:Region ; rdfs:label "福州市"@zh-Hans ; gk:regionCode "350100" .
  <id/report/r3> a gk:Report ; rdfs:label "福州市司法局2023年政府信息公开工作年度报告"@zh-Hans ; gk:genre "xxgk" ;
      gk:issuedBy <id/agency/a3> ; gk:yearCovered "2023"^^xsd:gYear ; gk:cites <id/instrument/i1>, <id/instrument/i3> .
}
"""


@pytest.fixture(scope="module")
def app_store():
    store = MemoryStore()
    load_fixture(store, TEST_BASE)
    ds = Dataset()
    ds.parse(data=EXTRA, format="trig", publicID=TEST_BASE)
    with store.transaction() as tx:
        for g in ds.graphs():
            if len(g):
                tx.add(str(g.identifier), list(g))
    app = create_app(store, make_settings())
    return app, store


@pytest.fixture()
def c(app_store):
    with TestClient(app_store[0]) as client:
        yield client


def get(c, path, lang="zh", headers=HTML, **kw):
    return c.get(path, params={"lang": lang}, headers=headers, **kw)


class _Visible(HTMLParser):
    """The text a reader sees, outside code: (text, whether it is inside a data literal or a quote)."""
    SKIP = {"script", "style", "code", "pre", "textarea", "title"}

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "input", "img", "link", "meta", "rect", "path", "line", "circle"):
            return
        self.stack.append((tag, tag in self.SKIP))

    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        if data.strip() and not any(skip for _, skip in self.stack):
            self.texts.append(data.strip())


def visible(html: str) -> list[str]:
    p = _Visible()
    p.feed(html)
    return p.texts


# technical tokens that stay as they are in both languages
ALLOWED = re.compile(r"^(GovKG|English|DCAT|VoID|SPARQL|API|JSON|CSV|HTML|Turtle|N-Triples|JSON-LD|RDF/XML|ttl|nt|"
                     r"jsonld|rdf|openapi\.json|GovKG API|CC BY 4\.0|GovKG \d+(\.\d+)*|\d+(\.\d+)*|@[a-z-]+|"
                     r"[a-z]+:[A-Za-z_]+|https?://\S+|/\S*|[\w.-]+\.txt|[A-Z]+|[\w-]+=\S*)$")
# Chinese interface words that no data value of the fixture contains
ZH_UI = ["首页", "属性", "指向本条目的链接", "原文出处", "其他格式", "出错了", "标注目标", "生成于", "抽取过程", "原文片段",
         "同类机关", "同一省份", "下一页", "报告类别", "年份", "常用查询", "数据下载", "行为主体"]

PAGES = ["/", "/agencies", "/instruments", "/events", "/reports", "/initiatives", "/search?q=%E6%B3%95",
         "/doc/report/r1", "/doc/report/r3", "/doc/agency/a1", "/doc/agency/a3", "/doc/instrument/i1",
         "/doc/event/e1", "/doc/region/350200", "/doc/report/r1/annotation/q1", "/doc/report/r1/text",
         "/doc/report/r1/run", "/doc/software/govkg/9.9.9", "/doc/report/r1/section/s1",
         "/doc/report/r1/initiative/n1", "/queries", "/queries/instruments-cited-by-agency", "/queries/changes",
         "/network", "/docs", "/dumps", "/catalog", "/ontology", "/agencies?page=x", "/agencies?page=9"]


@pytest.mark.parametrize("path", PAGES)
def test_zh_pages_have_no_english_interface_words(c, path):
    sep = "&" if "?" in path else "?"
    r = c.get(path + sep + "lang=zh", headers=HTML)
    english = [t for t in visible(r.text)
               if re.search(r"[A-Za-z]{3,}", t) and not CJK.search(t) and not ALLOWED.match(t)]
    assert not english, f"{path}: {english}"


@pytest.mark.parametrize("path", PAGES)
def test_en_pages_have_no_chinese_interface_words(c, path):
    sep = "&" if "?" in path else "?"
    r = c.get(path + sep + "lang=en", headers=HTML)
    text = "\n".join(visible(r.text))
    assert not [w for w in ZH_UI if w in text], path


# --- gk:genre and other coded literals -------------------------------------------------------------------------

def test_genre_names_match_the_mapping():
    from kg.rdf.mapping import GENRE_NAMES
    assert {k: zh for k, (zh, _) in GENRES.items()} == GENRE_NAMES


def test_report_genre_in_words(c):
    zh = get(c, "/doc/report/r1").text
    assert '<span class="lit" title="fzzf" data-code="fzzf">法治政府建设年度报告</span>' in zh
    assert ">fzzf<" not in zh
    en = get(c, "/doc/report/r1", "en").text
    assert ">annual report on building law-based government</span>" in en and ">fzzf<" not in en
    assert "政府信息公开工作年度报告</span>" in get(c, "/doc/report/r3").text
    assert ">annual report on government information disclosure</span>" in get(c, "/doc/report/r3", "en").text
    # the RDF keeps the code
    assert '"fzzf"' in c.get("/doc/report/r1.ttl").text


def test_datatypes_section_kinds_and_days_in_words(c):
    zh = get(c, "/doc/report/r1").text
    assert '<small class="tag" title="http://www.w3.org/2001/XMLSchema#gYear">年份</small>' in zh
    assert ">日期</small>" in zh and ">gYear<" not in zh and ">date<" not in zh
    assert '<small class="tag" title="http://www.w3.org/2001/XMLSchema#gYear">year</small>' in get(c, "/doc/report/r1", "en").text
    assert 'data-code="done">已完成工作</span>' in get(c, "/doc/report/r1/section/s1").text
    assert 'data-code="done">work done</span>' in get(c, "/doc/report/r1/section/s1", "en").text
    assert 'data-code="--12-04">12月4日</span>' in get(c, "/doc/event/e1").text
    assert 'data-code="--12-04">4 December</span>' in get(c, "/doc/event/e1", "en").text


# --- agency peers ----------------------------------------------------------------------------------------------

def test_peer_groups_name_the_province_and_the_kind(c):
    zh = get(c, "/doc/agency/a1").text
    assert "同一省份（福建省）的机关" in zh and "35xxxx" not in zh
    assert "同类机关：司法局" in zh and "· “司法局”" not in zh
    en = get(c, "/doc/agency/a1", "en").text
    assert "Agencies in the same province: 福建省 (Fujian)" in en
    assert "Agencies of the same kind: 司法局 (justice bureau)" in en


def test_provinces_cover_gbt2260():
    assert PROVINCES["35"] == ("福建省", "Fujian") and len(PROVINCES) == 34


def test_network_offers_provinces_that_are_not_nodes(c):
    zh = get(c, "/network").text
    assert '<option value="35">福建省</option>' in zh
    assert '<option value="35">福建省 (Fujian)</option>' in get(c, "/network", "en").text


def test_agency_kind_name():
    from kg.web.analytics import agency_kind_name
    assert agency_kind_name("南京市鼓楼区卫生健康局", "鼓楼区", "卫健局") == "卫生健康局"
    assert agency_kind_name("厦门市人民政府外事办公室", "厦门市", "外办") == "人民政府外事办公室"
    assert agency_kind_name("某机关", "", "外办") == "人民政府外事办公室"   # from the reference table
    assert agency_kind_name("某机关", "", "无此类") == "无此类"


# --- nodes minted inside a report ---------------------------------------------------------------------------------

def test_fragment_nodes_have_names(c, app_store):
    svc = app_store[0].state.service
    a = TEST_BASE + "id/report/r1/annotation/q1"
    iris = [a, a + "#target", a + "#quote", a + "#position", TEST_BASE + "id/report/r1/text",
            TEST_BASE + "id/report/r1/text#sha256", TEST_BASE + "id/report/r1/run", TEST_BASE + "id/software/govkg/9.9.9"]
    zh, en = svc.labels(iris, "zh"), svc.labels(iris, "en")
    assert [zh[i] for i in iris] == ["标注 q1", "原文片段（标注 q1）", "引文选择器（标注 q1）", "原文位置（标注 q1）", "报告文本",
                                     "SHA-256 校验和", "《厦门市司法局2023年法治政府建设年度报告》的抽取过程", "GovKG 软件 9.9.9 版"]
    assert [en[i] for i in iris] == ["annotation q1", "text segment (annotation q1)", "quote selector (annotation q1)",
                                     "text position (annotation q1)", "report text", "SHA-256 checksum",
                                     "extraction run of 厦门市司法局2023年法治政府建设年度报告", "GovKG software, version 9.9.9"]
    # labels the store has win; other IRIs get none
    assert svc.labels([TEST_BASE + "id/report/r1"], "en")[TEST_BASE + "id/report/r1"] == "厦门市司法局2023年法治政府建设年度报告"
    assert svc.labels([TEST_BASE + "id/report/r1/figure/x", TEST_BASE + "id/report/r1/annotation/q1#other"], "zh") == {}


def test_annotation_and_text_pages_name_their_nodes(c):
    ann = get(c, "/doc/report/r1/annotation/q1").text
    assert ">原文片段（标注 q1）</a>" in ann and ">target</a>" not in ann
    text = get(c, "/doc/report/r1/text").text
    assert text.count(">原文片段（标注 q") == 2 and ">target</a>" not in text
    assert ">SHA-256 校验和</a>" in text and ">纯文本 (text/plain)</a>" in text and ">sha256<" not in text
    assert "校验和" in text and "媒体类型" in text and ">checksum<" not in text
    en = get(c, "/doc/report/r1/text", "en").text
    assert ">text segment (annotation q1)</a>" in en and ">SHA-256 checksum</a>" in en


def test_run_software_and_agent_types_in_words(c):
    run = get(c, "/doc/report/r1/run").text
    assert "使用的文本" in run and "执行软件" in run and ">GovKG 软件 9.9.9 版</a>" in run
    assert ">used<" not in run and ">wasAssociatedWith<" not in run
    sw = get(c, "/doc/software/govkg/9.9.9").text
    assert ">软件</a>" in sw and ">SoftwareAgent<" not in sw and "软件版本" in sw
    assert ">《厦门市司法局2023年法治政府建设年度报告》的抽取过程</a>" in sw
    agency = get(c, "/doc/agency/a1").text
    assert ">行为主体</a>" in agency and ">Agent</a>" not in agency
    assert ">agent</a>" in get(c, "/doc/agency/a1", "en").text


def test_evidence_link_says_annotation(c):
    zh = get(c, "/doc/instrument/i1").text
    assert ">oa:Annotation</a>" not in zh and 'title="oa:Annotation">标注</a>' in zh


# --- stored queries --------------------------------------------------------------------------------------------

def test_stored_query_columns_and_codes_in_words(c):
    a1 = TEST_BASE + "id/agency/a1"
    zh = c.get("/queries/instruments-cited-by-agency", params={"agency": a1}, headers=HTML).text
    assert '<th title="?kind" data-var="kind">类型</th>' in zh and '<th title="?firstYear" data-var="firstYear">首次年度</th>' in zh
    assert 'data-code="law">法律</td>' in zh
    en = c.get("/queries/instruments-cited-by-agency", params={"agency": a1, "lang": "en"}, headers=HTML).text
    assert ">First year</th>" in en and 'data-code="law">' in en
    # JSON and CSV keep the variables and codes
    js = c.get("/queries/instruments-cited-by-agency.json", params={"agency": a1}).json()
    assert "firstYear" in js["columns"] and {r["kind"] for r in js["rows"]} <= {"law", "admin_regulation"}
    ch = c.get("/queries/changes", params={"from": "2022", "to": "2023", "lang": "zh"}, headers=HTML).text
    assert 'data-code="added">新增引用</td>' in ch and ">added<" not in ch


# --- /docs -------------------------------------------------------------------------------------------------------

def test_docs_in_chinese(c):
    zh = get(c, "/docs").text
    rows = re.findall(r"<tr><td><code>(\w+)</code></td><td><code>([^<]+)</code></td><td>(.*?)</td>", zh, re.S)
    assert len(rows) > 20
    for method, path, summary in rows:
        assert CJK.search(summary.split("<br>")[0]), (method, path, summary)
    assert "中国政府年度报告的关联数据" in zh and "Linked data from Chinese" not in zh
    assert "机关 IRI 或名称" in zh and "agency IRI or name" not in zh
    en = get(c, "/docs", "en").text
    assert "List agencies (paged, ?page=)" in en and "机关列表" not in en
    # the machine-readable description stays English
    assert c.get("/openapi.json").json()["paths"]["/agencies.json"]["get"]["summary"] == "List agencies (paged, ?page=)"


def test_accept_language_is_weighed_not_read_first_tag_only(c):
    """RFC 9110 §12.5.4: every listed language counts by its weight; the interface speaks zh or en."""
    from kg.web.i18n import lang_from_header
    cases = {"de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7": "en", "ja,en;q=0.8": "en", "zh;q=0.1, en;q=0.9": "en",
             "en;q=0.5, zh-CN": "zh", "zh-Hans-CN,zh;q=0.9": "zh", "fr": None, "en;q=0, zh;q=0": None,
             "*": "zh", "en, zh": "en", "": None, "en;q=abc, zh;q=0.2": "zh",
             # "*" stands for the languages not named; q=0 refuses; weights beyond 1 count as 1
             "zh;q=0, *": "en", "en;q=0, *;q=0.5": "zh", "fr, *;q=0.1": "zh", "en;q=2, zh": "en", "zh, en;q=inf": "zh",
             "zh;q=nan, en;q=0.1": "en"}
    for header, want in cases.items():
        assert lang_from_header(header) == want, header
    for header, want in (("de-DE,de;q=0.9,en;q=0.7", "en"), ("ja,zh;q=0.5,en;q=0.4", "zh-Hans")):
        page = c.get("/agencies", headers={**HTML, "Accept-Language": header}).text
        assert f'<html lang="{want}"' in page, header


# --- errors ------------------------------------------------------------------------------------------------------

def test_405_names_the_methods(c):
    r = c.post("/agencies", headers={"Accept-Language": "zh"})
    assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD"
    assert r.text == "405 不支持该请求方法\n此地址不接受 POST 请求，只接受：GET、HEAD。\n"
    r = c.delete("/doc/agency/a1", headers={"Accept-Language": "en"})
    assert r.text == "405 Method not allowed\nThis address does not accept DELETE requests; it accepts GET, HEAD.\n"
    h = c.post("/agencies?lang=en", headers=HTML)
    assert h.status_code == 405 and "<h1>405 · Method not allowed</h1>" in h.text
    assert "This address does not accept POST requests; it accepts GET, HEAD." in h.text and "出错了" not in h.text


def test_400_names_the_parameter_and_why(c):
    r = c.get("/network.json", params={"top": "abc"})   # a .json address answers its errors in JSON
    assert r.status_code == 400 and r.json() == {"error": "请求有误", "problems": ["参数 top：应为整数（收到“abc”）"]}
    assert "Accept-Language" in r.headers["vary"]
    r = c.get("/network", params={"top": "abc"})
    assert r.status_code == 400 and r.text == "400 请求有误\n参数 top：应为整数（收到“abc”）\n"
    r = c.get("/network.json", params={"top": "100", "year": "20x", "lang": "en"})
    assert r.status_code == 400
    assert "Parameter year: must be a four-digit year such as 2023 (got “20x”)" in r.text
    assert "Parameter top: must be at most 60 (got “100”)" in r.text and "请求" not in r.text
    h = c.get("/queries/most-cited.json", params={"year": "abc"}, headers=HTML)
    assert "<h1>400 · 请求有误</h1>" in h.text and "参数 year：应为四位数的年份" in h.text
    assert "invalid request parameters" not in h.text


def test_page_errors_in_the_page_language(c):
    r = c.get("/agencies", params={"page": "x"})
    assert r.status_code == 400 and r.text == "400 请求有误\n参数 page 应为从 1 起的整数，收到“x”。\n"
    r = c.get("/agencies", params={"page": "0", "lang": "en"})
    assert r.text == "400 Bad request\nThe page parameter must be a whole number from 1 up, not “0”.\n"
    r = c.get("/agencies", params={"page": "9"})
    assert r.status_code == 404 and "该列表没有第 9 页。" in r.text
    assert "This list has no page 9." in c.get("/agencies", params={"page": "9", "lang": "en"}).text


def test_406_in_the_page_language(c):
    r = c.get("/doc/agency/a1", headers={"Accept": "image/png"})
    assert r.status_code == 406 and r.text.startswith("406 没有可接受的格式\n此资源可提供的格式：text/html, text/turtle")
    r = c.get("/doc/agency/a1", headers={"Accept": "image/png", "Accept-Language": "en"})
    assert r.text.startswith("406 Not acceptable\nThis resource is available as: text/html, text/turtle")
    assert r.headers["vary"].startswith("Accept")


def test_error_strings_exist_in_both_languages():
    for key, (zh, en) in STRINGS.items():
        assert zh and en, key
        assert re.findall(r"{(\w+)}", zh) and sorted(re.findall(r"{(\w+)}", zh)) == sorted(re.findall(r"{(\w+)}", en)) \
            or not re.findall(r"{(\w+)}", zh + en), key


def test_the_query_page_introduces_a_parser_error_in_chinese(c):
    """The parser's explanation is English; the Chinese page says so in Chinese before it (a review found English
    alone on the zh page)."""
    zh = c.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o", "lang": "zh"}, headers=HTML).text
    assert "查询未能运行" in zh and "SPARQL syntax error at line 1" in zh
    en = c.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o", "lang": "en"}, headers=HTML).text
    assert "查询未能运行" not in en and "SPARQL syntax error at line 1" in en


def test_protocol_errors_have_both_languages_for_the_page():
    from kg.web.i18n import STRINGS
    for key in ("sparql_timeout", "sparql_too_many", "sparql_unavailable", "sparql_error_lead"):
        zh, en = STRINGS[key]
        assert zh and en and zh != en, key


def test_example_queries_are_commented_in_the_pages_language(c):
    for lang, mine, other in (("zh", "# 某机关引用的法律规范", "# Instruments cited by one agency"),
                              ("en", "# Instruments cited by one agency", "# 某机关引用的法律规范")):
        for url in ("/sparql",):   # the home page links the same queries
            page = c.get(url, params={"lang": lang}, headers=HTML).text
            assert mine in page and other not in page, (lang, url)
    c.cookies.clear()


def test_chinese_data_on_english_pages_is_marked_as_chinese(c):
    """WCAG 3.1.2: the labels from the data are Chinese; an English page says so around each, a Chinese page need not."""
    en = c.get("/agencies", params={"lang": "en"}, headers=HTML).text
    rows = re.findall(r'<td><a href="[^"]+">(.*?)</a></td>', en)
    assert rows and all(r.startswith('<span lang="zh-Hans">') for r in rows if re.search(r"[\u4e00-\u9fff]", r))
    page = c.get("/doc/agency/a1", params={"lang": "en"}, headers=HTML).text
    assert re.search(r'<h1><span lang="zh-Hans">[^<]*[\u4e00-\u9fff]', page)
    zh = c.get("/agencies", params={"lang": "zh"}, headers=HTML).text
    assert '<span lang="zh-Hans">' not in zh
    c.cookies.clear()


def test_the_zh_filter_escapes_and_knows_rare_han():
    from markupsafe import Markup

    from kg.web.common import env
    render = env.from_string("{{ x|zh }}").render
    assert render(x="<b>法</b>", lang="en") == '<span lang="zh-Hans">&lt;b&gt;法&lt;/b&gt;</span>'
    assert render(x=Markup("<b>法</b>"), lang="en") == '<span lang="zh-Hans"><b>法</b></span>'   # not escaped twice
    assert render(x="\U00020000", lang="en").startswith('<span lang="zh-Hans">')   # Extension B
    assert render(x="Agency", lang="en") == "Agency" and render(x="法", lang="zh") == "法"
