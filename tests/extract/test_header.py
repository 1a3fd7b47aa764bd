"""Header fields: pipe tables, label lines, titles, dates, 文号, 索引号, year covered."""
from __future__ import annotations

import pytest

from kg.extract.dates import parse_date

from .helpers import run

PIPE = """| 索 引 号 | AB00011-22-01-2025-009 | 主题分类 | 其他 |
| 发布机构 | 文 号 | 某外〔2025〕7号 | |
| 标 题: | 某某市人民政府外事办公室关于2024年法治政府建设工作情况的报告 | ||
市委、市政府:
2024年,市外办坚持依法行政,取得明显成效,现报告如下。
一、2024年主要工作
(一)加强组织领导。认真学习宪法。
二、2025年工作计划
(一)深化普法宣传。
某某市人民政府外事办公室
2025年1月10日
"""


def test_pipe_table_header():
    r = run(PIPE).report
    assert r.index_number == "AB00011-22-01-2025-009"
    assert r.doc_number == "某外〔2025〕7号"
    assert r.title == "某某市人民政府外事办公室关于2024年法治政府建设工作情况的报告"
    assert r.year_covered == 2024
    assert r.published == "2025-01-10"  # the date under the signature


@pytest.mark.parametrize("number", ["某政办〔2025〕12号", "某政办[2025]12号", "某政办(2025)12号", "某政办【2025】12号"])
def test_doc_number_brackets(number):
    r = run(f"文号:{number}\n某某县人民政府关于2024年法治政府建设情况的报告\n一、主要工作\n").report
    assert r.doc_number == number


def test_label_lines_with_source_and_time():
    text = ("首页 无障碍 简体|繁体\n\n平安区2023年度法治政府建设情况报告\n来源:平安区人民政府办公室 发布时间:2024-03-28 09:18\n\n"
            " 2023年,平安区坚持以习近平新时代中国特色社会主义思想为指导,全面建设法治政府。\n")
    r = run(text).report
    assert r.title == "平安区2023年度法治政府建设情况报告"
    assert r.published == "2024-03-28"
    assert r.year_covered == 2023


def test_written_date_is_not_published():
    text = ("索引号: | 001122334/2025-00001 | 成文日期: | 2025-01-27 |\n发布日期:2025-02-03\n"
            "某某市交通运输局2024年法治政府建设工作总结\n2024年,我局全面推进法治政府建设,取得积极成效。\n")
    r = run(text).report
    assert r.published == "2025-02-03"
    assert r.index_number == "001122334/2025-00001"


def test_published_in_parentheses():
    r = run("市商务委2023年度法治政府建设工作情况报告\n发布日期(2024-03-08)\n2023年以来,市商务委认真贯彻落实。\n").report
    assert r.published == "2024-03-08"


def test_title_on_two_lines_with_agency_first():
    text = "某某县人民政府\n关于2019年法治政府建设工作的报告\n县委:\n2019年,我县全面落实依法行政工作,取得明显成效。\n"
    assert run(text).report.title == "某某县人民政府关于2019年法治政府建设工作的报告"


def test_title_broken_mid_phrase():
    text = ("致某某:\n现将我局《2024年度交通运输法治政府建设工作总结》随文上报。\n特此报告。\n某某市交通运输局\n2025年1月15日\n"
            "2024年度交通运输法治政府建设\n工作总结\n2024年,我局在市委、市政府的坚强领导下推进法治建设。\n")
    r = run(text).report
    assert r.title == "2024年度交通运输法治政府建设工作总结"
    assert r.published == "2025-01-15"


def test_no_title_when_text_starts_with_body():
    text = "2023年,市市场监管局在市委市政府的坚强领导下,深入学习贯彻习近平法治思想,取得新成效。\n一、主要工作\n"
    r = run(text).report
    assert r.title is None
    assert r.year_covered == 2023


def test_title_from_publish_sentence():
    text = "根据《中华人民共和国政府信息公开条例》规定,现公布某某市教育局2022年政府信息公开工作年度报告。\n一、总体情况\n"
    assert run(text).report.title == "某某市教育局2022年政府信息公开工作年度报告"


def test_html_meta_title_and_date():
    r = run("正文第一段,2025年我局依法行政。\n", ArticleTitle="某某市司法局2025年法治政府建设年度报告",
            PubDate="2026-01-05 10:00").report
    assert r.title == "某某市司法局2025年法治政府建设年度报告"
    assert r.published == "2026-01-05"
    assert r.year_covered == 2025


def test_year_from_statistics_period():
    text = "本报告依据《中华人民共和国政府信息公开条例》撰写。本报告中所列数据统计期限自2022年1月1日起至12月31日止。\n"
    assert run(text).report.year_covered == 2022


@pytest.mark.parametrize("s,iso", [
    ("2026年2月14日", "2026-02-14"), ("二〇二六年二月十四日", "2026-02-14"), ("2024-03-28", "2024-03-28"),
    ("2024/3/8", "2024-03-08"), ("二〇二五年十二月三十一日", "2025-12-31"), ("2024年2月30日", None),
])
def test_dates(s, iso):
    assert parse_date(s) == iso


def test_signature_date_in_chinese_numerals():
    text = "某某市司法局关于2025年法治政府建设情况的报告\n一、主要工作\n正文。\n某某市司法局\n二〇二六年一月五日\n"
    assert run(text).report.published == "2026-01-05"


def test_title_without_year():
    text = "某某区司法局\n关于法治政府建设工作情况的报告\n区委、区政府:\n今年以来,我局深入推进依法行政。\n"
    assert run(text).report.title == "某某区司法局关于法治政府建设工作情况的报告"
