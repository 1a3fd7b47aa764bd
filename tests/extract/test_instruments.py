"""Instruments: 《》 titles (nested, unclosed), bare gazetteer citations, defined short forms, kinds."""
from __future__ import annotations

import pytest

from kg.extract.instruments import classify
from kg.reference import lookup_instrument

from .helpers import run, spans_ok


def names(ex):
    return {i.name: i for i in ex.instruments}


def test_bracketed_and_bare_laws():
    text = "认真学习《重大行政决策程序暂行条例》,将宪法和国家安全法律法规、党内法规列入普法内容,开展宪法、民法典等法律宣传教育。"
    ex = run(text)
    got = names(ex)
    assert got["重大行政决策程序暂行条例"].kind == "admin_regulation"
    assert got["中华人民共和国宪法"].kind == "law" and got["中华人民共和国宪法"].surface == "宪法"
    assert len(got["中华人民共和国宪法"].spans) == 2
    assert got["中华人民共和国民法典"].kind == "law"
    assert not any("国家安全法" in n for n in got)  # 国家安全法律法规 is a generic phrase
    assert spans_ok(ex)


def test_generic_phrases_are_not_instruments():
    ex = run("认真学习法律法规、相关规定和某某市相关规定,贯彻国家安全法律法规。")
    assert ex.instruments == []


def test_nested_title_gives_outer_and_inner():
    ex = run("制订《某某市落实<关于推进制度型开放的若干措施>实施方案》和《某区贯彻落实〈某某市法治政府建设实施方案(2021—2025年)〉任务分工表》。")
    got = names(ex)
    assert "某某市落实<关于推进制度型开放的若干措施>实施方案" in got
    inner = got["关于推进制度型开放的若干措施"]
    assert inner.part_of == "某某市落实<关于推进制度型开放的若干措施>实施方案"
    assert "某某市法治政府建设实施方案(2021-2025年)" in got
    assert spans_ok(ex)


def test_nested_double_angle_brackets():
    ex = run("印发《关于印发《某某县行政执法公示办法》的通知》。")
    got = names(ex)
    assert "关于印发《某某县行政执法公示办法》的通知" in got and "某某县行政执法公示办法" in got


def test_missing_closing_bracket():
    ex = run("认真学习《中华人民共和国行政处罚法,提升执法水平。\n下一段。")
    assert "中华人民共和国行政处罚法" in names(ex)
    assert spans_ok(ex)


def test_defined_short_form_is_the_same_instrument():
    text = ("本报告依据《中华人民共和国政府信息公开条例》(国务院令第711号,以下简称《条例》)编制。"
            "2022年,本局认真贯彻落实《条例》。")
    ex = run(text)
    assert [i.name for i in ex.instruments] == ["中华人民共和国政府信息公开条例"]
    item = ex.instruments[0]
    assert item.aliases == ["条例"] and len(item.alias_spans) == 2
    assert spans_ok(ex)


def test_own_title_is_not_an_instrument():
    text = ("某某市交通运输局2024年度法治政府建设工作总结\n现将我局《某某市交通运输局2024年度法治政府建设工作总结》随文上报。\n"
            "落实《法治政府建设实施纲要(2021-2025年)》。")
    assert list(names(run(text))) == ["法治政府建设实施纲要(2021-2025年)"]


def test_bare_well_known_policy_with_edition():
    ex = run("学习了习近平法治思想、法律法规、法治政府建设实施纲要等内容,研究法治宣传教育第八个五年规划等议题。")
    got = names(ex)
    assert got["法治政府建设实施纲要"].kind == "policy"
    assert any(i.surface == "法治宣传教育第八个五年规划" for i in ex.instruments)


def test_five_year_plan_written_bare():
    ex = run("编制“十五五”交通运输法治政府部门建设规划,印发年度工作要点。")
    assert "“十五五”交通运输法治政府部门建设规划" in [i.surface for i in ex.instruments]


def test_traditional_text_keeps_surface_and_simplifies_name():
    ex = run("認真學習《中華人民共和國憲法》和民法典。")
    got = names(ex)
    assert got["中华人民共和国宪法"].surface == "中華人民共和國憲法"
    assert "中华人民共和国民法典" in got
    assert spans_ok(ex)


@pytest.mark.parametrize("name,kind", [
    ("中华人民共和国行政复议法", "law"),
    ("中华人民共和国领事保护与协助条例", "admin_regulation"),
    ("福建省行政执法条例", "local_regulation"),
    ("厦门经济特区生态文明建设条例", "local_regulation"),
    # a city's …规定 is a government 令 (rules); only …条例 and 实施《…法》办法 come from the people's congress
    ("烟台市物业管理若干规定", "rules"),
    ("中国共产党纪律处分条例", "party_regulation"),
    ("中共某某局党组议事规则", "party_regulation"),
    ("党政主要负责人履行推进法治建设第一责任人职责规定", "party_regulation"),
    ("信访工作条例", "party_regulation"),
    ("法治政府建设实施纲要(2021-2025年)", "policy"),
    ("国务院关于加强法治政府建设的意见", "policy"),
    ("2025年交通运输法治工作要点", "policy"),
    ("关于做好2024年度法治政府建设总结工作的通知", "policy"),
    ("某区2022年度法治政府建设情况报告", "other"),
    ("习近平法治思想学习纲要", "other"),
])
def test_kinds(name, kind):
    assert classify(name)[0] == kind


def test_kind_depends_on_name_only():
    a = run("贯彻《中华人民共和国行政许可法》。")
    b = run("二、下一步工作计划\n(一)学习贯彻《中华人民共和国行政许可法》,完善制度。")
    assert a.instruments[0].kind == b.instruments[0].kind == "law"
    assert a.instruments[0].level == b.instruments[0].level == "national"


def test_gazetteer_has_canonical_names_and_short_forms():
    assert lookup_instrument("宪法").name == "中华人民共和国宪法"
    assert lookup_instrument("行政复议法").name == "中华人民共和国行政复议法"
    assert lookup_instrument("中华人民共和国政府信息公开条例").kind == "admin_regulation"
    assert lookup_instrument("保密法").name == "中华人民共和国保守国家秘密法"
