"""One canonical name per body, whatever the level and however the text writes it (kg/extract/agencies.py docstring):
district bodies carry their city, counties and county-level cities stand alone, short forms take the document's
region, regular abbreviations expand by ordered subsequence, and the issuer, addressees and mentions share the rule."""
from __future__ import annotations

import pytest

from kg.extract.agencies import RegionContext, expand_body, region_label, resolve_agency, split_region
from kg.reference import region_index

from .helpers import run, spans_ok


def _region(name: str, parent: str | None = None):
    regs = region_index()[0][name]
    return next(r for r in regs if parent is None or r.parent.name == parent)


def _names(ex) -> dict[str, str]:
    """surface (and every alias) -> canonical name"""
    out = {}
    for a in ex.agencies:
        for s in [a.surface] + a.aliases:
            out[s] = a.name
    return out


# ---------------------------------------------------------------- the convention

@pytest.mark.parametrize("name,parent,label", [
    ("青羊区", "成都市", "成都市青羊区"),     # a city district carries its city
    ("海淀区", None, "北京市海淀区"),         # ... or its municipality
    ("鼓楼区", "福州市", "福州市鼓楼区"),
    ("秦安县", None, "秦安县"),               # a county stands alone
    ("寿光市", None, "寿光市"),               # so does a county-level city
    ("厦门市", None, "厦门市"),
    ("四川省", None, "四川省"),
])
def test_region_label(name, parent, label):
    assert region_label(_region(name, parent)) == label


@pytest.mark.parametrize("written", [
    "青羊区卫生健康局", "成都市青羊区卫生健康局", "四川省成都市青羊区卫生健康局", "青羊区卫健局", "成都市青羊区卫健局",
])
def test_every_written_form_of_a_district_body_is_one_name(written):
    assert resolve_agency(written, RegionContext()) == "成都市青羊区卫生健康局"


@pytest.mark.parametrize("written,canonical", [
    ("天水市秦安县人民政府", "秦安县人民政府"),
    ("秦安县", "秦安县人民政府"),
    ("潍坊市寿光市教育局", "寿光市教育局"),
    ("福建省厦门市人民政府外事办公室", "厦门市人民政府外事办公室"),
    ("湖南省交通运输厅", "湖南省交通运输厅"),
    ("广西壮族自治区卫健委", "广西壮族自治区卫生健康委员会"),
    ("中共海淀区委", "中共北京市海淀区委员会"),
    # special structures stay
    ("重庆市公安局渝北区分局", "重庆市公安局渝北区分局"),
    ("国家税务总局芜湖市镜湖区税务局", "国家税务总局芜湖市镜湖区税务局"),
    ("镜湖区税务局", "国家税务总局芜湖市镜湖区税务局"),
    ("天津市静海区人民政府", "天津市静海区人民政府"),
])
def test_resolve_written_forms(written, canonical):
    assert resolve_agency(written, RegionContext()) == canonical


def test_canonical_names_are_fixed_points():
    for name in ("成都市青羊区民政局", "秦安县人民政府", "寿光市住房和城乡建设局", "中共厦门市委员会",
                 "厦门市人民政府外事办公室", "上海市商务委员会", "国家税务总局苏州市吴中区税务局", "重庆市江北区人民政府"):
        assert resolve_agency(name, RegionContext()) == name


def test_nested_region_names_need_to_nest():
    region, rest = split_region("厦门市思明区司法局")
    assert (region.name, region.parent.name, rest) == ("思明区", "厦门市", "司法局")
    region, rest = split_region("重庆市公安局渝北区分局")
    assert (region.name, rest) == ("重庆市", "公安局渝北区分局")
    region, rest = split_region("南京市鼓楼区财政局")   # 鼓楼区 ×4: the city picks the one
    assert region.parent.name == "南京市"


# ---------------------------------------------------------------- abbreviations

@pytest.mark.parametrize("short,full", [
    ("卫健局", "卫生健康局"),
    ("城管局", "城市管理局"),
    ("林草局", "林业和草原局"),
    ("人防办", "人民防空办公室"),
    ("民宗局", "民族宗教事务局"),
    ("综合执法局", "综合行政执法局"),
    ("发改委", "发展和改革委员会"),
    ("应急局", "应急管理局"),        # a truncation the table lists
])
def test_abbreviations_expand(short, full):
    assert expand_body(short) == full


@pytest.mark.parametrize("body", ["农业局", "文化局", "自然资源局", "教育局", "财政局", "数据局", "城管执法局"])
def test_truncations_and_unknown_bodies_stay(body):
    # 农业局 is not 农业农村局: a bare truncation may be a predecessor or another body
    assert expand_body(body) == body


# ---------------------------------------------------------------- in a report

DISTRICT = """成都市青羊区民政局2024年法治政府建设情况报告
区委、区政府:
2024年,区民政局会同区卫健局、区城管局开展养老机构联合检查,配合区市场监管局做好食品安全抽检,
邀请青羊区司法局开展法治讲座,向成都市青羊区财政局报送预算执行情况。市民政局对我局工作给予指导。
设立依法治区办公室联络员。
专此报告。
成都市青羊区民政局
2025年1月20日
"""


def test_district_report_one_name_per_body():
    ex = run(DISTRICT)
    assert spans_ok(ex)
    r = ex.report
    assert r.agency == "成都市青羊区民政局"
    assert r.addressees == ["中共成都市青羊区委员会", "成都市青羊区人民政府"]
    names = _names(ex)
    assert names["区民政局"] == "成都市青羊区民政局"      # the issuer's own short form is the issuer
    assert names["区卫健局"] == "成都市青羊区卫生健康局"
    assert names["区城管局"] == "成都市青羊区城市管理局"
    assert names["区市场监管局"] == "成都市青羊区市场监督管理局"
    assert names["青羊区司法局"] == "成都市青羊区司法局"  # written without the city
    assert names["成都市青羊区财政局"] == "成都市青羊区财政局"
    assert names["市民政局"] == "成都市民政局"
    assert not any(s.endswith("区办公室") for s in names)  # 依法治区办公室 is not a body of the district
    issuers = [a for a in ex.agencies if a.role == "issuer"]
    assert len(issuers) == 1 and not any(a.name == "青羊区民政局" for a in ex.agencies)


def test_short_issuer_in_title_gets_the_full_formal_name():
    text = ("青羊区民政局2023年政府信息公开工作年度报告\n"
            "2023年,青羊区民政局认真贯彻落实《中华人民共和国政府信息公开条例》。\n")
    assert run(text).report.agency == "成都市青羊区民政局"


def test_autonomous_region_short_forms():
    text = ("广西壮族自治区司法厅2023年法治政府建设情况报告\n自治区党委、自治区人民政府:\n"
            "2023年,我厅联合自治区卫健委、自治区教育厅开展普法宣传。全自治区法治建设取得新进展。\n"
            "广西壮族自治区司法厅\n2024年1月10日\n")
    ex = run(text)
    assert ex.report.agency == "广西壮族自治区司法厅"
    assert ex.report.addressees == ["中共广西壮族自治区委员会", "广西壮族自治区人民政府"]
    names = _names(ex)
    assert names["自治区卫健委"] == "广西壮族自治区卫生健康委员会"
    assert names["自治区教育厅"] == "广西壮族自治区教育厅"


def test_county_bodies_carry_no_city():
    text = ("天水市秦安县人民政府关于2023年法治政府建设工作情况的报告\n"
            "2023年,县政府在市委、市政府的领导下,组织县司法局、县卫健局开展执法检查。\n"
            "秦安县人民政府\n2024年2月1日\n")
    ex = run(text)
    assert ex.report.agency == "秦安县人民政府"
    names = _names(ex)
    assert names["县司法局"] == "秦安县司法局"
    assert names["县卫健局"] == "秦安县卫生健康局"
    assert names["市委"] == "中共天水市委员会"


def test_ambiguous_district_name_takes_the_issuers_city():
    text = ("福州市鼓楼区司法局2023年度法治政府建设情况报告\n"
            "2023年,区司法局会同鼓楼区教育局开展法治进校园活动。\n福州市鼓楼区司法局\n2024年1月5日\n")
    names = _names(run(text))
    assert names["鼓楼区教育局"] == "福州市鼓楼区教育局"


def test_local_tax_bureau_short_form_is_the_issuer():
    text = ("国家税务总局苏州市吴中区税务局2022年法治税务建设情况报告\n"
            "2022年,区税务局坚持依法治税,会同区人社局开展社保费征缴宣传。\n"
            "国家税务总局苏州市吴中区税务局\n2023年1月9日\n")
    ex = run(text)
    assert ex.report.agency == "国家税务总局苏州市吴中区税务局"
    names = _names(ex)
    assert names["区税务局"] == "国家税务总局苏州市吴中区税务局"
    assert names["区人社局"] == "苏州市吴中区人力资源和社会保障局"
