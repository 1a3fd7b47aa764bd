"""General rules of the genre, checked on sentences written for these tests (not taken from any corpus)."""
from __future__ import annotations

import pytest

from kg.extract.instruments import classify
from kg.rdf.iris import fold

from .helpers import run, spans_ok


def event_names(text):
    ex = run(text)
    assert spans_ok(ex)
    return [fold(e.name) for e in ex.events]


# ---------------------------------------------------------------- events

def test_generic_campaign_heads():
    got = event_names("全局干部参加了林业系统执法大练兵,并举办生态环境法治大讲堂。")
    assert "林业系统执法大练兵" in got
    assert "生态环境法治大讲堂" in got


def test_head_that_is_the_whole_name():
    got = event_names("六月组织安全生产月宣传,九月参与质量月。")
    assert "安全生产月" in got and "质量月" in got


def test_modifier_inside_a_compound_keeps_the_name_whole():
    got = event_names("组织开展医疗保障基金使用监管集中宣传月活动。")
    assert "医疗保障基金使用监管集中宣传月" in got


def test_modifier_at_clause_start_still_ends_the_name():
    got = event_names("今年,集中开展道路运输安全专项整治行动。")
    assert "道路运输安全专项整治行动" in got


def test_dated_day_of_any_name():
    ex = run("在“6·25”全国土地日期间开展宣传。")
    day = next(e for e in ex.events if e.name == "全国土地日")
    assert day.date == "--06-25" and "6·25" in day.surface


def test_quoted_items_listed_before_activity():
    got = event_names("开展“法润乡村”“守法经营进市场”等普法宣传活动。")
    assert "法润乡村" in got and "守法经营进市场" in got


def test_law_exam_without_a_year():
    got = event_names("组织全体干部参加网上学法用法考试,参考率100%。")
    assert "网上学法用法考试" in got


def test_quoted_campaign_by_its_shape():
    got = event_names("持续推进“税收普法进园区”,服务企业。")
    assert "税收普法进园区" in got


@pytest.mark.parametrize("text", ["开展消防实战演练两次。", "各部门迅速采取行动。"])
def test_too_generic_heads_name_no_event(text):
    assert event_names(text) == []


# ---------------------------------------------------------------- instrument kinds

@pytest.mark.parametrize("name,kind", [
    ("交通运输行政执法程序规定", "rules"),           # a ministry procedure rule
    ("海事行政处罚实施办法", "rules"),
    ("机关内部管理规定", "policy"),                   # internal work rules
    ("南昌市城市绿化管理规定", "rules"),              # a city government 令, not a people's congress act
    ("湖南省实施<中华人民共和国防洪法>办法", "local_regulation"),
    ("江西省河道采砂管理条例", "local_regulation"),
    ("生态环境行政处罚裁量基准", "policy"),
    ("行政许可事项办理规程", "policy"),
    ("行政复议文书格式", "policy"),
    ("行政执法案例选", "policy"),                     # unknown endings default to policy
    ("人民日报", "other"),                            # other needs positive evidence
    ("某局2023年度工作总结", "other"),
])
def test_kind_rules(name, kind):
    assert classify(name)[0] == kind


def test_order_citation_settles_an_ambiguous_name():
    ex = run("依照《网络信息内容服务办法》(国家某某办公室令第5号)和《某某事务条例》(国务院令第100号)办理。")
    kinds = {i.name: i.kind for i in ex.instruments}
    assert kinds["网络信息内容服务办法"] == "rules"
    assert kinds["某某事务条例"] == "admin_regulation"
    # without the 令 the same name falls back to the name rules
    assert run("依照《网络信息内容服务办法》办理。").instruments[0].kind == "policy"


def test_kind_word_before_the_title_settles_an_ambiguous_name():
    ex = run("全市首部地方性法规《某某市客运管理若干规定》施行,制定政府规章《某某市公园管理办法》,"
             "清理规范性文件《某某市行政执法细则》。")
    kinds = {i.name: i.kind for i in ex.instruments}
    assert kinds == {"某某市客运管理若干规定": "local_regulation", "某某市公园管理办法": "rules",
                     "某某市行政执法细则": "policy"}
    # the word must stand right before 《: one clause earlier it says nothing about this title
    assert run("审议地方性法规3件,印发《某某市客运管理若干规定》。").instruments[0].kind == "rules"
    # a name the gazetteer knows keeps its kind whatever the sentence says
    assert run("规范性文件《中华人民共和国行政处罚法》").instruments[0].kind == "law"


def test_bare_own_rules_need_more_than_a_verb():
    assert run("今年修订完善局机关内部管理规定,规范运行。").instruments == []
    ex = run("制定“局重大事项请示报告规定”,并印发实施。")
    assert [i.name for i in ex.instruments] == ["局重大事项请示报告规定"]


# ---------------------------------------------------------------- header labels

def test_labels_with_ideographic_and_repeated_spaces():
    text = ("索 引 号:ZX-2023-0042\n标　　题:义乌市市场监督管理局关于2022年度法治政府建设工作情况的报告\n"
            "文　　号:义市监〔2023〕7号\n发布日期:2023-02-20\n\n"
            "义乌市市场监督管理局关于2022年度法治政府建设工作情况的报告\n\n2022年,我局依法履职。\n")
    r = run(text).report
    assert r.title == "义乌市市场监督管理局关于2022年度法治政府建设工作情况的报告"
    assert r.doc_number == "义市监〔2023〕7号"
    assert r.index_number == "ZX-2023-0042"


# ---------------------------------------------------------------- agencies

COUNTY_CITY = """义乌市市场监督管理局关于2022年度法治政府建设工作情况的报告
市委、市政府:
2022年,在金华市市场监督管理局指导下,我局会同市人力资源和社会保障局、市住房和城乡建设局开展检查,
向市人大常委会报告工作。市民服务中心设立窗口。市公安局和市司法局参加。
义乌市市场监督管理局
2023年1月9日
"""


def test_county_level_city_and_and_bodies():
    ex = run(COUNTY_CITY)
    assert spans_ok(ex)
    assert ex.report.agency == "义乌市市场监督管理局"
    assert ex.report.addressees == ["中共义乌市委员会", "义乌市人民政府"]
    names = {a.surface: a.name for a in ex.agencies}
    assert names["市人力资源和社会保障局"] == "义乌市人力资源和社会保障局"
    assert names["市住房和城乡建设局"] == "义乌市住房和城乡建设局"
    assert names["市人大常委会"] == "义乌市人民代表大会常务委员会"
    assert names["市公安局"] == "义乌市公安局" and names["市司法局"] == "义乌市司法局"
    assert not any(s.startswith("市民") for s in names)
