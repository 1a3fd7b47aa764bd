"""Issuer, addressees and agency mentions, with short forms resolved through the region found in the text."""
from __future__ import annotations

from kg.extract.agencies import expand_body

from .helpers import run


def test_expand_body_rules():
    assert expand_body("外办") == "人民政府外事办公室"
    assert expand_body("市场监管局") == "市场监督管理局"
    assert expand_body("卫生健康委") == "卫生健康委员会"
    assert expand_body("商务委") == "商务委员会"
    assert expand_body("人民政府外事办公室") == "人民政府外事办公室"
    assert expand_body("交通运输局") == "交通运输局"


SEED_LIKE = """| 标 题: | 泉州市人民政府外事办公室关于2025年法治政府建设工作情况的报告 | ||
市委、市政府:
2025年,市外办坚持以习近平新时代中国特色社会主义思想为指导,在市文旅局视频号开展直播宣传。
一、2025年主要工作
专此报告。
泉州市人民政府外事办公室
2026年2月1日
"""


def test_issuer_addressees_and_short_forms():
    ex = run(SEED_LIKE)
    r = ex.report
    assert r.agency == "泉州市人民政府外事办公室"
    assert r.addressees == ["中共泉州市委员会", "泉州市人民政府"]
    assert r.region == "泉州市" and r.region_code == "350500"
    by_name = {a.name: a for a in ex.agencies}
    assert by_name["泉州市人民政府外事办公室"].role == "issuer"
    assert "市外办" in by_name["泉州市人民政府外事办公室"].aliases
    assert by_name["泉州市文化和旅游局"].surface == "市文旅局"
    assert by_name["中共泉州市委员会"].role == "addressee"


def test_region_only_title_means_the_government():
    text = "天津市静海区人民政府 网站首页\n静海区2023年度法治政府建设情况报告\n2023年,静海区坚持依法行政,全面建设法治政府。\n"
    assert run(text).report.agency == "天津市静海区人民政府"


def test_short_issuer_in_title_with_region_elsewhere():
    text = ("市商务委2023年度法治政府建设工作情况报告\n2023年以来,市商务委深入实施《上海法治政府建设规划(2021-2025年)》,"
            "为上海加快推进国际贸易中心能级提升贡献力量。\n")
    assert run(text).report.agency == "上海市商务委员会"


def test_issuer_from_opening_sentence():
    text = ("2023年,市市场监管局在市委市政府的坚强领导下,深入学习贯彻习近平法治思想。\n"
            "--《温州市电梯安全管理规定》于2024年1月1日正式施行,温州成功创建国家食品安全示范城市。\n")
    assert run(text).report.agency == "温州市市场监督管理局"


def test_issuer_from_we_and_own_earlier_report():
    text = ("2025年以来,在市委、市政府的正确领导下,我局深入学习贯彻习近平法治思想,法治政府建设取得新成效,现报告如下:\n"
            "一是压实责任。编撰并公示《大同市交通运输局关于2024年法治政府建设情况的报告》。\n")
    assert run(text).report.agency == "大同市交通运输局"


def test_alias_defined_in_text():
    text = ("本报告结合国家税务总局芜湖市镜湖区税务局(以下简称“镜湖区税务局”)有关统计数据撰写。\n"
            "2022年,镜湖区税务局认真贯彻落实政府信息公开条例。\n")
    ex = run(text)
    assert ex.report.agency == "国家税务总局芜湖市镜湖区税务局"
    names = [a.name for a in ex.agencies]
    assert "镜湖区税务局" not in names


def test_party_committee_addressee_full_form():
    text = "中共湖州市委、湖州市人民政府:\n根据要求,现将我局总结随文上报。\n特此报告。\n湖州市交通运输局\n2025年1月15日\n"
    r = run(text).report
    assert r.addressees == ["中共湖州市委员会", "湖州市人民政府"]
    assert r.agency == "湖州市交通运输局"


def test_province_short_form_in_title():
    assert run("云南省卫生健康委关于2022年政府信息公开工作的年度报告\n").report.agency == "云南省卫生健康委员会"


def test_unresolvable_short_form_gives_none():
    assert run("2022年,省卫生健康委坚持依法行政,法治建设取得明显成效。\n").report.agency is None
