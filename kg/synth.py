"""Synthetic reports of the genre, for scale tests: `kg synth N DIR --seed S`.

Each report is a plain-text 法治政府建设 report or 政府信息公开 annual report as published on a government
site: an optional header (a 索引号/文号/发布机构 table, key:value lines, or nothing), a title in one of the genre's
patterns, an addressee line, 一、/(一)/一是 headings, initiatives that cite laws (in 《》 and bare, as 宪法 and
民法典 usually are), mention other agencies by their short forms (市司法局), name events (宪法宣传周) and give
figures (主动公开信息共25件), a next-year plan, a signature block with the date, sometimes a contact line.

Determinism: report i of seed s depends only on (s, i), so the same seed gives byte-identical files on any
machine, and `report(i, seed)` regenerates one report with its truth without writing the corpus.

The generator knows what it wrote: `truth.jsonl` (one object per report; not a report suffix, so `kg build`
ignores it) holds the title, agency, year, genre, 文号, 索引号, publication date, addressee and every cited
instrument (canonical name, surface as written, kind, bracketed or bare), event, mentioned agency, figure and
initiative. Tests compare the extractor's output with it.

Identity: (agency, year, genre) is unique within a corpus (an affine permutation of that space, of about 140k
combinations), and every 索引号 carries the report number, so no two reports collapse into one node.

Speed: pure string assembly from precomputed pools, about 0.2 ms per report (≥ 2,000 reports/s with writing).
"""
from __future__ import annotations

import json
import math
import random
from bisect import bisect
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

YEARS = tuple(range(2015, 2026))
GENRES = ("fzzf", "xxgk")

# ---------------------------------------------------------------------------------------------------------
# Regions: provinces (with the one-character abbreviation used in 文号), cities, districts. Real names.

PROVINCES = [  # name, abbr, kind: p = province, a = autonomous region, m = municipality
    ("北京市", "京", "m"), ("天津市", "津", "m"), ("上海市", "沪", "m"), ("重庆市", "渝", "m"),
    ("河北省", "冀", "p"), ("山西省", "晋", "p"), ("内蒙古自治区", "蒙", "a"), ("辽宁省", "辽", "p"),
    ("吉林省", "吉", "p"), ("黑龙江省", "黑", "p"), ("江苏省", "苏", "p"), ("浙江省", "浙", "p"),
    ("安徽省", "皖", "p"), ("福建省", "闽", "p"), ("江西省", "赣", "p"), ("山东省", "鲁", "p"),
    ("河南省", "豫", "p"), ("湖北省", "鄂", "p"), ("湖南省", "湘", "p"), ("广东省", "粤", "p"),
    ("广西壮族自治区", "桂", "a"), ("海南省", "琼", "p"), ("四川省", "川", "p"), ("贵州省", "黔", "p"),
    ("云南省", "云", "p"), ("西藏自治区", "藏", "a"), ("陕西省", "陕", "p"), ("甘肃省", "甘", "p"),
    ("青海省", "青", "p"), ("宁夏回族自治区", "宁", "a"), ("新疆维吾尔自治区", "新", "a"),
]

CITIES = {
    "河北省": "石家庄市 唐山市 保定市 邯郸市 廊坊市 沧州市",
    "山西省": "太原市 大同市 长治市 晋中市 运城市",
    "内蒙古自治区": "呼和浩特市 包头市 鄂尔多斯市 赤峰市",
    "辽宁省": "沈阳市 大连市 鞍山市 锦州市 营口市",
    "吉林省": "长春市 吉林市 四平市",
    "黑龙江省": "哈尔滨市 齐齐哈尔市 大庆市 牡丹江市",
    "江苏省": "南京市 无锡市 徐州市 常州市 苏州市 南通市 扬州市 泰州市 盐城市 镇江市 淮安市 连云港市",
    "浙江省": "杭州市 宁波市 温州市 嘉兴市 湖州市 绍兴市 金华市 台州市 丽水市 衢州市",
    "安徽省": "合肥市 芜湖市 蚌埠市 安庆市 阜阳市 马鞍山市",
    "福建省": "福州市 厦门市 泉州市 漳州市 莆田市 三明市 龙岩市 南平市 宁德市",
    "江西省": "南昌市 赣州市 九江市 上饶市 宜春市",
    "山东省": "济南市 青岛市 烟台市 潍坊市 临沂市 淄博市 济宁市 威海市 日照市",
    "河南省": "郑州市 洛阳市 开封市 新乡市 南阳市 许昌市",
    "湖北省": "武汉市 宜昌市 襄阳市 荆州市 黄石市",
    "湖南省": "长沙市 株洲市 湘潭市 岳阳市 常德市 衡阳市",
    "广东省": "广州市 深圳市 珠海市 佛山市 东莞市 中山市 惠州市 江门市 汕头市 湛江市 肇庆市",
    "广西壮族自治区": "南宁市 柳州市 桂林市 北海市",
    "海南省": "海口市 三亚市",
    "四川省": "成都市 绵阳市 德阳市 宜宾市 南充市 泸州市",
    "贵州省": "贵阳市 遵义市 六盘水市",
    "云南省": "昆明市 曲靖市 玉溪市 大理市",
    "西藏自治区": "拉萨市 日喀则市",
    "陕西省": "西安市 宝鸡市 咸阳市 渭南市",
    "甘肃省": "兰州市 天水市 酒泉市",
    "青海省": "西宁市 海东市",
    "宁夏回族自治区": "银川市 石嘴山市",
    "新疆维吾尔自治区": "乌鲁木齐市 克拉玛依市",
}

DISTRICTS = {
    "北京市": "东城区 西城区 朝阳区 海淀区 丰台区 石景山区 通州区 顺义区 大兴区 昌平区",
    "天津市": "和平区 河西区 南开区 滨海新区 武清区",
    "上海市": "黄浦区 徐汇区 长宁区 静安区 普陀区 浦东新区 闵行区 宝山区 嘉定区 松江区",
    "重庆市": "渝中区 江北区 渝北区 沙坪坝区 九龙坡区 南岸区 北碚区 巴南区",
    "厦门市": "思明区 湖里区 集美区 海沧区 同安区 翔安区",
    "福州市": "鼓楼区 台江区 仓山区 晋安区 马尾区 长乐区",
    "泉州市": "鲤城区 丰泽区 洛江区 泉港区",
    "广州市": "越秀区 海珠区 荔湾区 天河区 白云区 黄埔区 番禺区 花都区 南沙区",
    "深圳市": "福田区 罗湖区 南山区 盐田区 宝安区 龙岗区 龙华区 坪山区 光明区",
    "杭州市": "上城区 拱墅区 西湖区 滨江区 萧山区 余杭区 临平区 钱塘区",
    "南京市": "玄武区 秦淮区 建邺区 鼓楼区 浦口区 栖霞区 雨花台区 江宁区",
    "苏州市": "姑苏区 虎丘区 吴中区 相城区 吴江区",
    "成都市": "锦江区 青羊区 金牛区 武侯区 成华区 龙泉驿区 新都区 郫都区",
    "武汉市": "江岸区 江汉区 硚口区 汉阳区 武昌区 青山区 洪山区",
    "西安市": "新城区 碑林区 莲湖区 雁塔区 未央区 灞桥区 长安区",
    "济南市": "历下区 市中区 槐荫区 天桥区 历城区 长清区",
    "青岛市": "市南区 市北区 黄岛区 崂山区 李沧区 城阳区 即墨区",
    "郑州市": "中原区 二七区 金水区 惠济区 管城回族区",
    "长沙市": "芙蓉区 天心区 岳麓区 开福区 雨花区 望城区",
    "合肥市": "瑶海区 庐阳区 蜀山区 包河区",
    "南昌市": "东湖区 西湖区 青云谱区 青山湖区 新建区",
    "沈阳市": "和平区 沈河区 大东区 皇姑区 铁西区 浑南区",
    "哈尔滨市": "道里区 南岗区 道外区 香坊区 松北区",
    "昆明市": "五华区 盘龙区 官渡区 西山区 呈贡区",
    "南宁市": "兴宁区 青秀区 江南区 西乡塘区 良庆区",
    "宁波市": "海曙区 江北区 北仑区 镇海区 鄞州区 奉化区",
    "无锡市": "梁溪区 锡山区 惠山区 滨湖区 新吴区",
    "佛山市": "禅城区 南海区 顺德区 三水区 高明区",
    "太原市": "小店区 迎泽区 杏花岭区 尖草坪区 万柏林区 晋源区",
    "石家庄市": "长安区 桥西区 新华区 裕华区",
    "大连市": "中山区 西岗区 沙河口区 甘井子区 旅顺口区 金州区",
    "贵阳市": "南明区 云岩区 花溪区 乌当区 白云区 观山湖区",
    "兰州市": "城关区 七里河区 西固区 安宁区",
}

# Departments: (full-name suffix, short-name stem used after 省/市/区, 文号 character(s))
DEPTS_PROVINCE = [
    ("人民政府", "政府", "政"), ("司法厅", "司法厅", "司"), ("教育厅", "教育厅", "教"),
    ("公安厅", "公安厅", "公"), ("交通运输厅", "交通运输厅", "交"), ("财政厅", "财政厅", "财"),
    ("民政厅", "民政厅", "民"), ("自然资源厅", "自然资源厅", "自然资源"), ("生态环境厅", "生态环境厅", "环"),
    ("住房和城乡建设厅", "住建厅", "建"), ("人力资源和社会保障厅", "人社厅", "人社"),
    ("卫生健康委员会", "卫健委", "卫"), ("水利厅", "水利厅", "水"), ("农业农村厅", "农业农村厅", "农"),
    ("商务厅", "商务厅", "商"), ("文化和旅游厅", "文旅厅", "文旅"), ("审计厅", "审计厅", "审"),
    ("应急管理厅", "应急管理厅", "应急"), ("市场监督管理局", "市场监管局", "市监"),
    ("统计局", "统计局", "统"), ("医疗保障局", "医保局", "医保"), ("人民政府外事办公室", "外办", "外"),
]
DEPTS_CITY = [
    ("人民政府", "政府", "政"), ("司法局", "司法局", "司"), ("市场监督管理局", "市场监管局", "市监"),
    ("交通运输局", "交通运输局", "交"), ("教育局", "教育局", "教"), ("公安局", "公安局", "公"),
    ("财政局", "财政局", "财"), ("民政局", "民政局", "民"), ("生态环境局", "生态环境局", "环"),
    ("住房和城乡建设局", "住建局", "建"), ("人力资源和社会保障局", "人社局", "人社"),
    ("卫生健康委员会", "卫健委", "卫"), ("自然资源和规划局", "自然资源和规划局", "资规"),
    ("应急管理局", "应急管理局", "应急"), ("农业农村局", "农业农村局", "农"),
    ("文化和旅游局", "文旅局", "文旅"), ("商务局", "商务局", "商"), ("审计局", "审计局", "审"),
    ("统计局", "统计局", "统"), ("医疗保障局", "医保局", "医保"), ("退役军人事务局", "退役军人事务局", "退役"),
    ("人民政府外事办公室", "外办", "政外"), ("城市管理局", "城管局", "城管"), ("水利局", "水利局", "水"),
]
DEPTS_DISTRICT = [
    ("人民政府", "政府", "政"), ("司法局", "司法局", "司"), ("市场监督管理局", "市场监管局", "市监"),
    ("教育局", "教育局", "教"), ("财政局", "财政局", "财"), ("民政局", "民政局", "民"),
    ("卫生健康局", "卫健局", "卫"), ("应急管理局", "应急管理局", "应急"), ("人力资源和社会保障局", "人社局", "人社"),
    ("农业农村局", "农业农村局", "农"), ("城市管理局", "城管局", "城管"), ("统计局", "统计局", "统"),
]


@dataclass(frozen=True)
class AgencyInfo:
    name: str          # full formal name: 厦门市思明区司法局
    short: str         # as the body calls it: 区司法局
    level: str         # province | city | district
    dept: str          # full-name suffix: 司法局
    region: str        # 思明区 / 厦门市 / 福建省
    city: str | None   # 厦门市 (None for a province)
    province: str      # 福建省
    docabbr: str       # 厦思司
    prov_short: str    # 省 | 自治区 | 市  (how the province-level is called in the body)
    siblings: tuple    # index range of departments at the same level and place (for mentions)


def _region_prefix(kind: str) -> str:
    return {"p": "省", "a": "自治区", "m": "市"}[kind]


def _build_agencies() -> list[AgencyInfo]:
    out: list[AgencyInfo] = []

    def add_block(items):
        start = len(out)
        for kw in items:
            out.append(kw)
        end = len(out)
        for k in range(start, end):
            a = out[k]
            out[k] = AgencyInfo(**{**a.__dict__, "siblings": (start, end)})

    for prov, abbr, kind in PROVINCES:
        pre = _region_prefix(kind)
        if kind == "m":    # a municipality's departments are city-level bodies
            add_block([AgencyInfo(prov + d, "市" + s, "city", d, prov, prov, prov, abbr + c, "市", ())
                       for d, s, c in DEPTS_CITY])
        else:
            add_block([AgencyInfo(prov + d, pre + s, "province", d, prov, None, prov, abbr + c, pre, ())
                       for d, s, c in DEPTS_PROVINCE])
            for city in CITIES.get(prov, "").split():
                ca = city[0]
                add_block([AgencyInfo(city + d, "市" + s, "city", d, city, city, prov, ca + c, pre, ())
                           for d, s, c in DEPTS_CITY])
    for city, names in DISTRICTS.items():
        prov = next((p for p, cs in CITIES.items() if city in cs.split()), city)
        pkind = next(k for p, _, k in PROVINCES if p == prov)
        for dist in names.split():
            ab = city[0] + dist[0]
            add_block([AgencyInfo(city + dist + d, "区" + s, "district", d, dist, city, prov, ab + c,
                                  _region_prefix(pkind), ()) for d, s, c in DEPTS_DISTRICT])
    return out


AGENCIES = _build_agencies()
SPACE = len(AGENCIES) * len(YEARS) * len(GENRES)   # distinct (agency, year, genre) combinations

# ---------------------------------------------------------------------------------------------------------
# Instruments: canonical name, kind, short surface (None: only the full name is written), first year it can be
# cited, last year (None: still in force). Ordered by how often reports cite them (rank drives the Zipf skew).

CORE = {  # cited by most reports, drawn independently with these probabilities per genre
    "中华人民共和国宪法": {"fzzf": 0.85, "xxgk": 0.35},
    "中华人民共和国民法典": {"fzzf": 0.75, "xxgk": 0.2},
    "中华人民共和国政府信息公开条例": {"fzzf": 0.7, "xxgk": 0.98},
    "法治政府建设实施纲要(2021—2025年)": {"fzzf": 0.85, "xxgk": 0.15},
    "法治政府建设实施纲要(2015—2020年)": {"fzzf": 0.85, "xxgk": 0.15},
}
BARE_OK = {"中华人民共和国宪法": "宪法", "中华人民共和国民法典": "民法典"}

_L = "中华人民共和国"
INSTRUMENTS = [
    # the core (rank 1-5)
    (_L + "宪法", "law", "宪法", 1982, None),
    (_L + "民法典", "law", "民法典", 2020, None),
    (_L + "政府信息公开条例", "admin_regulation", "政府信息公开条例", 2008, None),
    ("法治政府建设实施纲要(2021—2025年)", "policy", None, 2021, None),
    ("法治政府建设实施纲要(2015—2020年)", "policy", None, 2016, 2020),
    # the tail, most cited first
    ("党政主要负责人履行推进法治建设第一责任人职责规定", "party_regulation", None, 2016, None),
    (_L + "行政处罚法", "law", "行政处罚法", 1996, None),
    ("重大行政决策程序暂行条例", "admin_regulation", None, 2019, None),
    ("优化营商环境条例", "admin_regulation", None, 2019, None),
    (_L + "行政复议法", "law", "行政复议法", 1999, None),
    (_L + "行政许可法", "law", "行政许可法", 2003, None),
    ("法治中国建设规划(2020—2025年)", "policy", None, 2021, None),
    ("法治社会建设实施纲要(2020—2025年)", "policy", None, 2021, None),
    (_L + "国家安全法", "law", "国家安全法", 2015, None),
    (_L + "行政诉讼法", "law", "行政诉讼法", 1989, None),
    (_L + "行政强制法", "law", "行政强制法", 2011, None),
    ("法治政府建设与责任落实督察工作规定", "party_regulation", None, 2019, None),
    ("关于实行国家机关“谁执法谁普法”普法责任制的意见", "policy", None, 2017, None),
    ("中央宣传部、司法部关于开展法治宣传教育的第八个五年规划(2021—2025年)", "policy", None, 2021, None),
    ("中央宣传部、司法部关于开展法治宣传教育的第七个五年规划(2016—2020年)", "policy", None, 2016, 2020),
    ("提升行政执法质量三年行动计划(2023—2025年)", "policy", None, 2023, None),
    ("中国共产党章程", "party_regulation", None, 1982, None),
    (_L + "安全生产法", "law", "安全生产法", 2002, None),
    ("信访工作条例", "party_regulation", None, 2022, None),
    (_L + "保守国家秘密法", "law", "保守国家秘密法", 1988, None),
    ("保障农民工工资支付条例", "admin_regulation", None, 2020, None),
    (_L + "立法法", "law", "立法法", 2000, None),
    (_L + "公务员法", "law", "公务员法", 2006, None),
    (_L + "数据安全法", "law", "数据安全法", 2021, None),
    (_L + "个人信息保护法", "law", "个人信息保护法", 2021, None),
    (_L + "反间谍法", "law", "反间谍法", 2014, None),
    (_L + "食品安全法", "law", "食品安全法", 2009, None),
    (_L + "道路交通安全法", "law", "道路交通安全法", 2004, None),
    (_L + "未成年人保护法", "law", "未成年人保护法", 1991, None),
    (_L + "监察法", "law", "监察法", 2018, None),
    (_L + "法律援助法", "law", "法律援助法", 2022, None),
    (_L + "人民调解法", "law", "人民调解法", 2011, None),
    ("中国共产党纪律处分条例", "party_regulation", None, 2016, None),
    ("中国共产党问责条例", "party_regulation", None, 2016, None),
    ("规章制定程序条例", "admin_regulation", None, 2002, None),
    ("法规规章备案条例", "admin_regulation", None, 2002, None),
    (_L + "行政复议法实施条例", "admin_regulation", None, 2007, None),
    ("国务院关于加强法治政府建设的意见", "policy", None, 2010, 2020),
    ("全面推进依法行政实施纲要", "policy", None, 2004, 2017),
    (_L + "教育法", "law", "教育法", 1995, None),
    (_L + "义务教育法", "law", "义务教育法", 1986, None),
    (_L + "职业教育法", "law", "职业教育法", 1996, None),
    (_L + "家庭教育促进法", "law", "家庭教育促进法", 2022, None),
    (_L + "环境保护法", "law", "环境保护法", 1989, None),
    (_L + "大气污染防治法", "law", "大气污染防治法", 1988, None),
    (_L + "固体废物污染环境防治法", "law", "固体废物污染环境防治法", 1996, None),
    (_L + "土地管理法", "law", "土地管理法", 1987, None),
    (_L + "城乡规划法", "law", "城乡规划法", 2008, None),
    (_L + "消防法", "law", "消防法", 1998, None),
    (_L + "突发事件应对法", "law", "突发事件应对法", 2007, None),
    (_L + "统计法", "law", "统计法", 1984, None),
    (_L + "审计法", "law", "审计法", 1995, None),
    (_L + "预算法", "law", "预算法", 1995, None),
    (_L + "劳动合同法", "law", "劳动合同法", 2008, None),
    (_L + "社会保险法", "law", "社会保险法", 2011, None),
    (_L + "药品管理法", "law", "药品管理法", 1985, None),
    (_L + "基本医疗卫生与健康促进法", "law", "基本医疗卫生与健康促进法", 2020, None),
    (_L + "外商投资法", "law", "外商投资法", 2020, None),
    (_L + "出境入境管理法", "law", "出境入境管理法", 2013, None),
    (_L + "档案法", "law", "档案法", 1988, None),
    (_L + "妇女权益保障法", "law", "妇女权益保障法", 1992, None),
    (_L + "老年人权益保障法", "law", "老年人权益保障法", 1996, None),
    (_L + "退役军人保障法", "law", "退役军人保障法", 2021, None),
    (_L + "乡村振兴促进法", "law", "乡村振兴促进法", 2021, None),
    (_L + "长江保护法", "law", "长江保护法", 2021, None),
    (_L + "反电信网络诈骗法", "law", "反电信网络诈骗法", 2022, None),
    (_L + "反有组织犯罪法", "law", "反有组织犯罪法", 2022, None),
    (_L + "网络安全法", "law", "网络安全法", 2017, None),
    (_L + "农产品质量安全法", "law", "农产品质量安全法", 2006, None),
    (_L + "水法", "law", None, 1988, None),
    (_L + "森林法", "law", "森林法", 1985, None),
    (_L + "领事保护与协助条例", "admin_regulation", "领事保护与协助条例", 2023, None),
    ("医疗保障基金使用监督管理条例", "admin_regulation", None, 2021, None),
    ("行政执法机关移送涉嫌犯罪案件的规定", "admin_regulation", None, 2001, None),
    ("安全生产许可证条例", "admin_regulation", None, 2004, None),
    ("物业管理条例", "admin_regulation", None, 2003, None),
    ("城镇燃气管理条例", "admin_regulation", None, 2011, None),
    ("企业信息公示暂行条例", "admin_regulation", None, 2014, None),
    ("社会救助暂行办法", "admin_regulation", None, 2014, None),
    (_L + "道路运输条例", "admin_regulation", None, 2004, None),
    (_L + "食品安全法实施条例", "admin_regulation", None, 2009, None),
    ("中国共产党党组工作条例", "party_regulation", None, 2015, None),
    ("中国共产党重大事项请示报告条例", "party_regulation", None, 2019, None),
    ("中国共产党党内法规制定条例", "party_regulation", None, 2013, None),
    ("中国共产党廉洁自律准则", "party_regulation", None, 2016, None),
    ("关于新形势下党内政治生活的若干准则", "party_regulation", None, 2017, None),
    ("市场监督管理行政处罚程序规定", "rules", None, 2019, None),
    ("交通运输行政执法程序规定", "rules", None, 2019, None),
    ("公安机关办理行政案件程序规定", "rules", None, 2013, None),
    ("市场监督管理投诉举报处理暂行办法", "rules", None, 2020, None),
    ("关于全面推进政务公开工作的意见", "policy", None, 2016, None),
    ("关于全面推进基层政务公开标准化规范化工作的指导意见", "policy", None, 2019, None),
    ("政府信息公开信息处理费管理办法", "policy", None, 2021, None),
    ("关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见", "policy", None, 2019, None),
    ("关于加强社会主义法治文化建设的意见", "policy", None, 2021, None),
    ("关于加强法治乡村建设的意见", "policy", None, 2020, None),
    ("关于加强行政执法协调监督工作体系建设的意见", "policy", None, 2024, None),
    ("习近平法治思想学习纲要", "other", None, 2021, None),
]
N_CORE = 5
TAIL = INSTRUMENTS[N_CORE:]
_TAIL_CUM = list(accumulate(1.0 / (r + 1) ** 1.05 for r in range(len(TAIL))))

# Local instruments, per province / city (templates; {p} province, {c} city, {a} province short 闽 ...)
LOCAL_PROVINCE = [
    ("{p}法治政府建设实施方案(2021—2025年)", "policy", 2021, None),
    ("{p}法治政府建设实施方案(2016—2020年)", "policy", 2016, 2020),
    ("{p}优化营商环境条例", "local_regulation", 2020, None),
    ("{p}行政执法条例", "local_regulation", 2016, None),
    ("{p}法治宣传教育条例", "local_regulation", 2015, None),
    ("{p}行政规范性文件管理办法", "rules", 2015, None),
    ("{p}重大行政决策程序规定", "rules", 2020, None),
    ("{p}行政执法公示办法", "rules", 2018, None),
    ("{p}政府信息公开办法", "rules", 2015, None),
]
LOCAL_CITY = [
    ("{c}法治政府建设实施方案(2021—2025年)", "policy", 2021, None),
    ("{c}{y}年法治政府建设工作要点", "policy", 2015, None),
    ("{c}{y}年政务公开工作要点", "policy", 2016, None),
    ("{c}重大行政决策程序规定", "rules", 2019, None),
    ("{c}行政规范性文件制定和备案管理办法", "rules", 2016, None),
    ("{c}市容和环境卫生管理条例", "local_regulation", 2015, None),
    ("{c}文明行为促进条例", "local_regulation", 2019, None),
]

EVENTS = [  # name, surfaces (as written), first year, who tends to hold it ("" = anybody)
    ("宪法宣传周", ("宪法宣传周", "“宪法宣传周”"), 2018, ""),
    ("国家宪法日", ("国家宪法日", "“12·4”国家宪法日", "12·4国家宪法日"), 2014, ""),
    ("4·15全民国家安全教育日", ("“4·15”全民国家安全教育日", "4·15全民国家安全教育日", "“4·15全民国家安全教育日”"), 2016, ""),
    ("民法典宣传月", ("民法典宣传月", "“民法典宣传月”"), 2021, ""),
    ("“美好生活·民法典相伴”主题宣传", ("“美好生活·民法典相伴”主题宣传",), 2020, ""),
    ("全国安全生产月", ("全国“安全生产月”", "安全生产月"), 2015, "应急"),
    ("3·15国际消费者权益日", ("“3·15”国际消费者权益日",), 2015, "市场"),
    ("全国交通安全日", ("“122”全国交通安全日", "全国交通安全日"), 2015, "交通"),
    ("全民国家安全教育日", ("全民国家安全教育日",), 2016, ""),
    ("政府开放日", ("政府开放日",), 2017, ""),
    ("{r}法治论坛", ("{r}法治论坛",), 2015, ""),
    ("{r}行政执法技能竞赛", ("{r}行政执法技能竞赛",), 2017, ""),
    ("{r}法治知识竞赛", ("{r}法治知识竞赛",), 2015, ""),
    ("“一带一路”法律服务国际论坛", ("“一带一路”法律服务国际论坛",), 2019, "外"),
]

# ---------------------------------------------------------------------------------------------------------
# Text pools

SECTIONS_DONE = [  # (heading, [(initiative title, sentence templates...)])
    ("加强组织领导,落实法治建设主体责任", [
        "严格落实第一责任人职责", "健全法治建设领导机制", "压实法治建设责任"]),
    ("坚持依法全面履行政府职能,优化法治化营商环境", [
        "深化“放管服”改革", "持续优化营商环境", "推进政务服务标准化"]),
    ("健全依法行政制度体系,加强规范性文件管理", [
        "加强行政规范性文件合法性审核", "开展规范性文件清理", "严格落实备案审查制度"]),
    ("推进行政决策科学化民主化法治化", [
        "严格落实重大行政决策制度", "发挥法律顾问作用", "健全决策风险评估机制"]),
    ("坚持严格规范公正文明执法", [
        "全面落实行政执法“三项制度”", "规范行政裁量权基准", "开展执法案卷评查", "推行包容审慎监管"]),
    ("强化行政权力制约和监督", [
        "深化政务公开", "自觉接受人大监督和政协民主监督", "加强审计监督"]),
    ("依法有效化解社会矛盾纠纷", [
        "加强行政复议和应诉工作", "完善矛盾纠纷多元化解机制", "做好信访工作"]),
    ("深化普法宣传,营造良好法治环境", [
        "深化专项普法宣传", "落实“谁执法谁普法”普法责任制", "创新法治宣传形式"]),
    ("加强法治队伍建设,提升依法行政能力", [
        "抓好领导干部学法", "加强执法人员培训", "组织法律知识考试"]),
]
SECTIONS_PLANNED = [
    "加强理论武装,提高政治站位", "提升工作质效,依法高效履职", "落实工作责任,加强普法宣传",
    "健全制度体系,推进依法决策", "规范执法行为,提升执法水平", "深化政务公开,强化权力监督",
    "优化营商环境,服务高质量发展", "加强队伍建设,夯实法治基础",
]
SHORTCOMINGS = [
    "但也存在一些不足,如法治宣传教育的形式还不够丰富,以案释法工作有待加强;行政执法人员的专业素质还需进一步提升。",
    "但对照上级要求和人民群众期待,仍存在一些短板:运用法治思维和法治方式解决问题的能力有待提高,基层执法力量相对薄弱。",
    "但也存在不足,如在法律法规学习和普法宣传上手段较为单一,规范性文件后评估工作还需加强。",
]

S_CITE = [
    "认真学习{C},严格落实公众参与、专家论证、风险评估、合法性审查和集体讨论决定等法定程序。",
    "严格执行{C},结合工作实际制定实施细则,明确责任分工和完成时限。",
    "对照{C}要求,逐项梳理工作任务,建立工作台账,实行销号管理。",
    "组织干部职工深入学习{C},引导干部职工尊法学法守法用法。",
    "将{C}列入党组理论学习中心组学习内容,开展专题学习研讨。",
    "围绕{C}的贯彻实施,开展宣传解读,推动各项规定落地见效。",
]
S_BARE = [
    "深入开展{B}等法律法规的学习宣传,营造尊法学法守法用法的浓厚氛围。",
    "将{B}列入年度重点宣传普及内容,组织干部职工集中学习。",
    "组织开展{B}专题讲座,邀请法律顾问授课解读。",
]
S_EVENT = [
    "结合{E}等重要时间节点,组织开展形式多样的普法宣传活动。",
    "以{E}为契机,走进社区、学校、企业开展主题宣传。",
    "积极参加{E},展示依法行政工作成效。",
]
S_AGENCY = [
    "联合{A}开展专项执法检查,督促整改问题隐患。",
    "积极配合{A}做好相关工作,形成部门协同工作合力。",
    "会同{A}建立联席会议机制,定期会商研判重点难点问题。",
]
S_PLAIN = [
    "坚持问题导向,完善工作机制,推动工作制度化、规范化。",
    "召开专题会议研究部署相关工作,及时解决工作中遇到的问题。",
    "强化督促检查,确保各项任务落到实处。",
    "坚持运用法治思维和法治方式推动各项工作高质量发展。",
    "通过集中学习、专题辅导、以案释法等方式,不断增强干部职工法治意识。",
    "充分利用门户网站、政务新媒体等平台,拓宽公众参与渠道。",
    "进一步规范工作流程,压缩办理时限,提升服务效能。",
]
FIGURES = [  # template, unit, what it counts, lo, hi
    ("{y}年主动公开信息共{n}件", "件", "主动公开信息", 8, 4000),
    ("全年办理行政复议案件{n}件", "件", "行政复议案件", 1, 300),
    ("组织开展普法宣传活动{n}场次", "场次", "普法宣传活动", 3, 200),
    ("培训执法人员{n}人次", "人次", "执法人员培训", 20, 3000),
    ("审查规范性文件{n}件", "件", "规范性文件审查", 2, 120),
    ("发放宣传资料{n}余份", "份", "宣传资料", 200, 20000),
    ("办理政府信息公开申请{n}件", "件", "政府信息公开申请", 1, 600),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志红文斌宇浩凯鹏飞晨曦婷雪琳欣怡"
CN_DIGITS = "〇一二三四五六七八九"


def _cn_num(n: int) -> str:
    if n < 10:
        return "〇一二三四五六七八九"[n]
    if n < 20:
        return "十" + ("" if n == 10 else CN_DIGITS[n - 10])
    return CN_DIGITS[n // 10] + "十" + ("" if n % 10 == 0 else CN_DIGITS[n % 10])



def _ch(rng, seq):
    """rng.choice without the Python-level _randbelow (about 3x faster; deterministic all the same)."""
    return seq[int(rng.random() * len(seq))]


def _ri(rng, a: int, b: int) -> int:
    return a + int(rng.random() * (b - a + 1))


NUMS = "一二三四五六七八九十"


def _congress(y: int) -> str:
    if y <= 2017:
        return "党的十八大和十八届历次全会"
    if y <= 2022:
        return "党的十九大和十九届历次全会"
    return "党的二十大和二十届历次全会"


def _guide(y: int) -> str:
    return ("习近平新时代中国特色社会主义思想" if y >= 2018
            else "邓小平理论、“三个代表”重要思想、科学发展观和习近平总书记系列重要讲话精神")


def _thought(y: int) -> str:
    return "深入学习贯彻习近平法治思想" if y >= 2020 else "深入学习贯彻习近平总书记关于全面依法治国的重要论述"


# ---------------------------------------------------------------------------------------------------------
# One report

def _pick_combo(i: int, seed: int) -> tuple[AgencyInfo, int, str]:
    """Report i -> a unique (agency, year, genre) for i < SPACE: an affine permutation of the space."""
    r = random.Random(seed)
    a = r.randrange(1, SPACE)
    while math.gcd(a, SPACE) != 1:
        a += 1
    b = r.randrange(SPACE)
    k = (a * i + b) % SPACE
    g, k = divmod(k, len(AGENCIES) * len(YEARS))
    y, ag = divmod(k, len(AGENCIES))
    return AGENCIES[ag], YEARS[y], GENRES[g]


class _Doc:
    __slots__ = ("rng", "ag", "year", "genre", "lines", "instruments", "events", "agencies", "figures",
                 "initiatives", "cite_queue", "bare_queue", "event_queue", "seen_events")

    def __init__(self, rng, ag, year, genre):
        self.rng, self.ag, self.year, self.genre = rng, ag, year, genre
        self.lines: list[str] = []
        self.instruments: dict[str, dict] = {}
        self.events: dict[str, dict] = {}
        self.agencies: dict[str, dict] = {}
        self.figures: list[dict] = []
        self.initiatives: list[dict] = []
        self.seen_events: set[str] = set()


def _citation_plan(d: _Doc) -> tuple[list, list]:
    """Choose what the report cites: the core (by probability), a Zipf tail, and local instruments."""
    rng, y, genre, ag = d.rng, d.year, d.genre, d.ag
    chosen: list[tuple[str, str, str | None]] = []   # (canonical, kind, short)
    for name, kind, short, since, until in INSTRUMENTS[:N_CORE]:
        if since <= y and (until is None or y <= until) and rng.random() < CORE[name][genre]:
            chosen.append((name, kind, short))
    k = _ri(rng, 2, 8) if genre == "fzzf" else _ri(rng, 0, 3)
    names = {c[0] for c in chosen}
    for _ in range(k * 2):
        if k <= 0:
            break
        name, kind, short, since, until = TAIL[bisect(_TAIL_CUM, rng.random() * _TAIL_CUM[-1])]
        if name in names or since > y or (until is not None and y > until):
            continue
        names.add(name)
        chosen.append((name, kind, short))
        k -= 1
    # local instruments: of the issuer's province and city
    for _ in range(_ri(rng, 0, 3 if genre == "fzzf" else 1)):
        if ag.city and ag.city != ag.province and rng.random() < 0.5:
            tpl, kind, since, until = _ch(rng, LOCAL_CITY)
        else:
            tpl, kind, since, until = _ch(rng, LOCAL_PROVINCE)
        if since > y or (until is not None and y > until):
            continue
        name = tpl.format(p=ag.province, c=ag.city or ag.province, y=y)
        if name not in names:
            names.add(name)
            chosen.append((name, kind, None))
    rng.shuffle(chosen)
    bracketed, bare = [], []
    for c in chosen:
        if c[0] in BARE_OK and rng.random() < 0.6:
            bare.append(c)
        else:
            bracketed.append(c)
    return bracketed, bare


def _cite(d: _Doc, items) -> str:
    rng = d.rng
    parts = []
    for name, kind, short in items:
        surface = name
        if short and rng.random() < 0.4:
            surface = short
        if "—" in surface and rng.random() < 0.4:
            surface = surface.replace("—", "-")
        if "(" in surface and rng.random() < 0.5:
            surface = surface.replace("(", "(").replace(")", ")")
        parts.append("《" + surface + "》")
        d.instruments.setdefault(name, {"name": name, "surface": surface, "kind": kind, "bracketed": True})
    return ("、" if rng.random() < 0.3 else "").join(parts)


def _bare(d: _Doc, items) -> str:
    out = []
    for name, kind, _ in items:
        surface = BARE_OK[name]
        out.append(surface)
        d.instruments.setdefault(name, {"name": name, "surface": surface, "kind": kind, "bracketed": False})
    return "、".join(out)


def _event(d: _Doc) -> str | None:
    rng, y = d.rng, d.year
    for _ in range(4):
        name, surfaces, since, who = _ch(rng, EVENTS)
        if since > y or (who and who not in d.ag.dept) or name in d.seen_events:
            continue
        d.seen_events.add(name)
        r = d.ag.region if d.ag.level != "district" else d.ag.city
        surface = _ch(rng, surfaces).format(r=r)
        name = name.format(r=r)
        d.events.setdefault(name, {"name": name.replace("“", "").replace("”", ""), "surface": surface})
        return surface
    return None


def _mention(d: _Doc) -> str | None:
    ag, rng = d.ag, d.rng
    lo, hi = ag.siblings
    if hi - lo < 2:
        return None
    for _ in range(3):
        other = AGENCIES[rng.randrange(lo, hi)]
        if other is not ag and other.dept != "人民政府":
            d.agencies.setdefault(other.name, {"name": other.name, "surface": other.short})
            return other.short
    return None


def _figure(d: _Doc, only: int | None = None) -> str:
    rng = d.rng
    tpl, unit, counts, lo, hi = FIGURES[only] if only is not None else _ch(rng, FIGURES)
    n = int(math.exp(rng.uniform(math.log(lo), math.log(hi))))
    surface = tpl.format(y=d.year, n=n)
    d.figures.append({"value": n, "unit": unit, "counts": counts, "surface": surface})
    return surface


def _initiative_text(d: _Doc, cites: list, bare: list, want_event: bool, want_agency: bool,
                     want_figure: bool) -> str:
    rng = d.rng
    out = []
    if cites:
        out.append(_ch(rng, S_CITE).replace("{C}", _cite(d, cites)))
    if bare:
        out.append(_ch(rng, S_BARE).replace("{B}", _bare(d, bare)))
    if want_event:
        e = _event(d)
        if e:
            out.append(_ch(rng, S_EVENT).replace("{E}", e))
    if want_agency:
        a = _mention(d)
        if a:
            out.append(_ch(rng, S_AGENCY).replace("{A}", a))
    out.append(_ch(rng, S_PLAIN))
    if want_figure:
        out.append(_figure(d) + ",工作取得积极成效。")
    if len(out) > 1:
        first = out[0]
        rest = out[1:]
        rng.shuffle(rest)
        out = [first] + rest
    return "".join(out)


def _header(d: _Doc, title: str, docnum: str | None, index: str, published: str) -> list[str]:
    rng, ag = d.rng, d.ag
    style = rng.random()
    if style < 0.35:      # table, as the seed report
        return [
            f"| 索 引 号 | {index} | 主题分类 | {'文件通知' if d.genre == 'fzzf' else '政务公开'} |",
            f"| 发布机构 | {ag.name if rng.random() < 0.5 else ''} | 文 号 | {docnum or ''} | |",
            f"| 标 题: | {title} | ||",
        ]
    if style < 0.65:      # key: value lines
        lines = [f"索引号:{index}", f"发布机构:{ag.name}"]
        if docnum:
            lines.append(f"文号:{docnum}")
        lines.append(f"发布日期:{published}")
        return lines
    return []


def _published(d: _Doc) -> tuple[str, str, str]:
    """(ISO date, signature date as written, page date)."""
    rng = d.rng
    y = d.year + 1
    m = 1 + min(int(rng.expovariate(0.9)), 5)
    day = _ri(rng, 1, 28)
    iso = f"{y}-{m:02d}-{day:02d}"
    if rng.random() < 0.1:
        written = "".join(CN_DIGITS[int(c)] for c in str(y)) + "年" + _cn_num(m) + "月" + _cn_num(day) + "日"
    else:
        written = f"{y}年{m}月{day}日"
    return iso, written, iso


def _title(d: _Doc) -> str:
    rng, name, y = d.rng, d.ag.name, d.year
    if d.genre == "fzzf":
        pats = ("{a}关于{y}年法治政府建设工作情况的报告", "{a}{y}年度法治政府建设情况报告",
                "{a}关于{y}年度法治政府建设情况的报告", "{a}{y}年法治政府建设工作报告",
                "{a}关于{y}年法治政府建设情况的报告")
    else:
        pats = ("{a}{y}年政府信息公开工作年度报告", "{a}{y}年度政府信息公开工作报告",
                "{a}{y}年政府信息公开年度报告")
    return _ch(rng, pats).format(a=name, y=y)


def _addressee(ag: AgencyInfo) -> str:
    if ag.level == "province":
        if ag.dept == "人民政府":
            return "党中央、国务院"
        return "自治区党委、自治区人民政府" if ag.prov_short == "自治区" else "省委、省政府"
    if ag.level == "city":
        if ag.dept == "人民政府":
            return "党中央、国务院" if ag.city == ag.province else ("自治区党委、自治区人民政府" if ag.prov_short == "自治区" else "省委、省政府")
        return "市委、市政府"
    return "市委、市政府" if ag.dept == "人民政府" else "区委、区政府"


def _self_name(d: _Doc) -> str:
    ag, rng = d.ag, d.rng
    if ag.dept == "人民政府":
        return _ch(rng, ("我" + ag.short[0], ag.short))
    return _ch(rng, (ag.short, ag.short, "我" + ag.dept[-1]))


def report(i: int, seed: int = 20240601) -> tuple[str, str, dict]:
    """Report number i of the corpus for `seed`: (file name, text, truth)."""
    ag, year, genre = _pick_combo(i, seed)
    rng = random.Random(f"{seed}:{i}")
    d = _Doc(rng, ag, year, genre)
    title = _title(d)
    iso, written, _ = _published(d)
    docnum = None
    if genre == "fzzf" and rng.random() < 0.6:
        docnum = f"{ag.docabbr}{_ch(rng, ('', '', '综', '函', '发'))}〔{year + 1}〕{_ri(rng, 1, 120)}号"
    fmt = rng.random()
    index = _stable_index(ag, i, year, fmt)
    addressee = _addressee(ag) if genre == "fzzf" and rng.random() < 0.8 else None

    lines = d.lines
    header = _header(d, title, docnum, index, iso)
    has_index = bool(header)
    lines += header
    if not (header and header[0].startswith("|") and rng.random() < 0.5):
        lines.append(title)
        if rng.random() < 0.15:   # some pages repeat the title split in two lines
            cut = title.find("关于") if "关于" in title else len(ag.name)
            if 0 < cut < len(title):
                lines += [title[:cut], title[cut:]]
    if addressee:
        lines.append(addressee + ":")

    cites, bare = _citation_plan(d)
    self_name = _self_name(d)
    if genre == "fzzf":
        _body_fzzf(d, self_name, cites, bare)
    else:
        _body_xxgk(d, self_name, cites, bare)

    # signature block
    if genre == "fzzf" and addressee and rng.random() < 0.7:
        lines.append("专此报告。")
    lines.append(ag.name)
    lines.append(written)
    contact = None
    if rng.random() < 0.35:
        person = _ch(rng, SURNAMES) + "".join(_ch(rng, GIVEN) for _ in range(_ri(rng, 1, 2)))
        phone = f"{_ri(rng, 2000000, 8999999)}"
        contact = f"(联系人:{person} 电话:{phone})"
        lines.append(contact)
    if rng.random() < 0.5:
        lines.append("(此件主动公开)")
    if rng.random() < 0.15:
        lines += [f"主办:{ag.name}", f"网站标识码 {_ri(rng, 10**9, 10**10 - 1)}",
                  "网站访问量:(建议使用1024×768分辨率IE8.0以上版本浏览器)"]
    text = "\n".join(lines) + "\n"

    truth = {
        "file": f"synth-{i:06d}.txt", "i": i, "seed": seed, "genre": genre, "title": title, "agency": ag.name,
        "agency_short": ag.short, "level": ag.level, "region": ag.region, "province": ag.province,
        "year_covered": year, "doc_number": docnum if header else None,
        "index_number": index if has_index else None, "published": iso, "addressee": addressee,
        "instruments": list(d.instruments.values()), "events": list(d.events.values()),
        "agencies_mentioned": list(d.agencies.values()), "figures": d.figures, "initiatives": d.initiatives,
        "contact": contact,
    }
    return truth["file"], text, truth


def _stable_index(ag: AgencyInfo, i: int, year: int, fmt: float) -> str:
    h = int.from_bytes(ag.name.encode("utf-8")[-6:], "big")
    pref = "".join(chr(0x41 + (ord(c) % 26)) for c in ag.region[:2])
    if fmt < 0.4:
        return f"{pref}{h % 100000:05d}-{i // 1000 % 100:02d}-{i // 100000:02d}-{year + 1}-{i % 1000:03d}"
    if fmt < 0.75:
        return f"{h % 10**10:010d}/{year + 1}-{i:06d}"
    return f"11{h % 10**6:06d}MB{(h >> 7) % 10**7:07d}X/{year + 1}-{i:05d}"


def _split(lst: list, parts: int, rng) -> list[list]:
    out = [[] for _ in range(parts)]
    for x in lst:
        out[rng.randrange(parts)].append(x)
    return out


def _body_fzzf(d: _Doc, self_name: str, cites: list, bare: list) -> None:
    rng, y, lines = d.rng, d.year, d.lines
    gangyao = [c for c in cites if c[0].startswith("法治政府建设实施纲要")]
    rest = [c for c in cites if c not in gangyao]
    intro = (f"{y}年,{self_name}坚持以{_guide(y)}为指导,全面贯彻{_congress(y)}精神,"
             f"{_thought(y)},")
    if gangyao:
        intro += f"认真贯彻落实{_cite(d, gangyao)},"
    intro += "紧紧围绕中心工作,扎实推进法治政府建设,各项工作取得新成效。现将有关情况报告如下:"
    lines.append(intro)
    lines.append(_ch(rng, (f"一、{y}年推进法治政府建设的主要举措和成效", f"一、{y}年主要工作",
                             "一、主要工作及成效")))
    secs = rng.sample(SECTIONS_DONE, _ri(rng, 3, 5))
    # ensure the 普法 section exists when something is cited bare
    if bare and not any("普法" in s[0] for s in secs):
        secs[-1] = SECTIONS_DONE[7]
    n_init = sum(min(len(s[1]), 3) for s in secs)
    per_init = _split(rest, n_init, rng)
    k = 0
    want_fig_at = rng.randrange(n_init)
    for si, (heading, titles) in enumerate(secs):
        h = f"({NUMS[si]}){heading}"
        lines.append(h)
        style = rng.random()
        chosen = rng.sample(titles, min(len(titles), _ri(rng, 2, 3)))
        if style < 0.2:   # one paragraph, no 一是
            b = bare if ("普法" in heading and bare) else []
            if b:
                bare = []
            lines.append(_initiative_text(d, per_init[k], b, rng.random() < 0.4, rng.random() < 0.4,
                                          k == want_fig_at))
            d.initiatives.append({"title": heading.split(",")[-1], "status": "done", "section": h})
            k += len(chosen)
            continue
        for j, t in enumerate(chosen):
            b = []
            if "普法" in heading and bare:
                b, bare = bare, []
            body = _initiative_text(d, per_init[k] if k < n_init else [], b, rng.random() < 0.35,
                                    rng.random() < 0.35, k == want_fig_at)
            lines.append(f"{NUMS[j]}是{t}。{body}")
            d.initiatives.append({"title": t, "status": "done", "section": h})
            k += 1
    for items in per_init[k:]:   # citations of initiatives that were not written
        if items:
            lines.append(f"此外,{self_name}{_ch(rng, S_CITE).replace('{C}', _cite(d, items))}")
    if bare:
        lines.append(_ch(rng, S_BARE).replace("{B}", _bare(d, bare)))
    n = 2
    if rng.random() < 0.6:
        lines.append(f"{NUMS[n - 1]}、存在的不足和原因")
        lines.append(f"{y}年,{self_name}法治政府建设取得积极成效," + _ch(rng, SHORTCOMINGS))
        n += 1
    if rng.random() < 0.4:
        lines.append(f"{NUMS[n - 1]}、党政主要负责人履行推进法治建设第一责任人职责情况")
        lines.append(f"{self_name}主要负责人认真履行推进法治建设第一责任人职责,召开党组会议专题研究法治建设工作"
                     f"{_ri(rng, 2, 8)}次,对法治建设重要工作亲自部署、重大问题亲自过问。")
        n += 1
    lines.append(_ch(rng, (f"{NUMS[n - 1]}、{y + 1}年推进法治政府建设的主要安排", f"{NUMS[n - 1]}、{y + 1}年工作思路",
                             f"{NUMS[n - 1]}、下一步工作计划")))
    lines.append(f"{y + 1}年,{self_name}将持续推动法治政府建设走深走实,为高质量发展提供坚强法治保障。")
    for j, t in enumerate(rng.sample(SECTIONS_PLANNED, _ri(rng, 2, 4))):
        extra = _ch(rng, S_PLAIN)
        if rng.random() < 0.3:
            e = _event(d)
            if e:
                extra = _ch(rng, S_EVENT).replace("{E}", e)
        h = f"({NUMS[j]}){t}。"
        lines.append(h + extra)
        d.initiatives.append({"title": t, "status": "planned", "section": lines[-1][:len(h) - 1]})


def _body_xxgk(d: _Doc, self_name: str, cites: list, bare: list) -> None:
    rng, y, lines, ag = d.rng, d.year, d.lines, d.ag
    ordinance = next((c for c in cites if c[0] == _L + "政府信息公开条例"), None)
    rest = [c for c in cites if c is not ordinance]
    if ordinance:
        d.instruments[ordinance[0]] = {"name": ordinance[0], "surface": ordinance[0], "kind": ordinance[1],
                                       "bracketed": True}
        lines.append(f"根据《{ordinance[0]}》(以下简称《条例》)规定,现公布{ag.name}{y}年政府信息公开工作年度报告。"
                     f"本报告所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。")
    else:
        lines.append(f"本报告由{ag.name}根据有关规定编制,所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。")
    lines.append("一、总体情况")
    ref = "《条例》" if ordinance else "政府信息公开有关规定"
    lines.append(f"{y}年,{self_name}认真贯彻落实{ref}要求,坚持以公开为常态、不公开为例外,持续推进政府信息公开工作。")
    parts = _split(rest, 4, rng)
    subs = [("主动公开", 0), ("依申请公开", 6), ("政府信息管理", None), ("平台建设", None), ("监督保障", None)]
    for j, (h, fig) in enumerate(subs):
        heading = f"({NUMS[j]}){h}"
        lines.append(heading)
        body = _initiative_text(d, parts[j] if j < 4 else [], bare if h == "监督保障" else [],
                                rng.random() < 0.2, rng.random() < 0.3, False)
        if fig is not None:
            body = _figure(d, fig) + "。" + body
        lines.append(body)
        d.initiatives.append({"title": h, "status": "done", "section": heading})
    lines.append("二、主动公开政府信息情况")
    lines.append("信息内容 本年制发件数 本年废止件数 现行有效件数")
    for kind in ("规章", "行政规范性文件"):
        lines.append(f"{kind} {_ri(rng, 0, 30)} {_ri(rng, 0, 10)} {_ri(rng, 0, 200)}")
    lines.append(f"行政许可 {_ri(rng, 0, 50000)}")
    lines.append(f"行政处罚 {_ri(rng, 0, 5000)}")
    lines.append("三、收到和处理政府信息公开申请情况")
    lines.append(f"本年新收政府信息公开申请{_ri(rng, 0, 400)}件,上年结转{_ri(rng, 0, 20)}件,均已按时答复。")
    lines.append("四、政府信息公开行政复议、行政诉讼情况")
    lines.append(f"因政府信息公开被申请行政复议{_ri(rng, 0, 12)}件,被提起行政诉讼{_ri(rng, 0, 6)}件。")
    lines.append("五、存在的主要问题及改进情况")
    lines.append("政府信息公开工作仍存在一些不足,如公开内容的及时性和解读质量有待提升。" f"{y + 1}年,将重点做好以下工作:")
    for j, t in enumerate(rng.sample(("加强政策解读", "规范依申请公开办理", "推进基层政务公开标准化规范化",
                                      "加强政务新媒体管理", "强化业务培训"), _ri(rng, 2, 3))):
        lines.append(f"{NUMS[j]}是{t}。{_ch(rng, S_PLAIN)}")
        d.initiatives.append({"title": t, "status": "planned", "section": "五、存在的主要问题及改进情况"})
    lines.append("六、其他需要报告的事项")
    if y >= 2021 and rng.random() < 0.6:
        lines.append("按照《政府信息公开信息处理费管理办法》,本年度未收取信息处理费。")
        d.instruments.setdefault("政府信息公开信息处理费管理办法", {
            "name": "政府信息公开信息处理费管理办法", "surface": "政府信息公开信息处理费管理办法",
            "kind": "policy", "bracketed": True})
    else:
        lines.append("本年度无其他需要报告的事项。")


# ---------------------------------------------------------------------------------------------------------

def synthesize(n: int, out_dir: Path, seed: int = 20240601, *, truth: bool = True) -> int:
    """Write n reports synth-000000.txt ... to out_dir (and truth.jsonl); return the number written."""
    if n > SPACE:
        raise ValueError(f"at most {SPACE} distinct synthetic reports (agency x year x genre)")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tf = open(out_dir / "truth.jsonl", "w", encoding="utf-8") if truth else None
    try:
        for i in range(n):
            name, text, t = report(i, seed)
            (out_dir / name).write_bytes(text.encode("utf-8"))
            if tf:
                tf.write(json.dumps(t, ensure_ascii=False) + "\n")
    finally:
        if tf:
            tf.close()
    return n


def read_truth(out_dir: Path) -> dict[str, dict]:
    """file name -> truth object, from the truth.jsonl that synthesize() wrote."""
    with open(Path(out_dir) / "truth.jsonl", encoding="utf-8") as f:
        return {t["file"]: t for t in map(json.loads, f)}
