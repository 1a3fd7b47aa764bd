"""Hand-made extractions of two small invented reports (not copies of any real report), shared by the tests."""
from __future__ import annotations

from kg.extract.model import (Agency, Contact, Event, Extraction, Figure, Initiative, Instrument, ReportMeta,
                              Section)

REPORT_A = """示例市司法局关于2024年法治政府建设工作情况的报告
市委、市政府：
2024年，市司法局深入贯彻《中华人民共和国行政处罚法》，推进严格规范公正文明执法。
一、2024年主要工作
（一）完善制度体系
一是健全行政执法制度。对照《示例市行政规范性文件管理办法》清理文件，全年审查规范性文件45件。会同市市场监管局开展联合检查。
二是开展宪法宣传周活动。组织全市机关学习《宪法》，覆盖干部群众1.2万人次。
二、2025年工作打算
（一）深化普法宣传。落实《法治政府建设实施纲要（2021—2025年）》，推进普法责任制。
专此报告。
（联系人：李明华 电话：0592-1234567、13912345678）
"""

REPORT_B = """样本县人民政府2024年度法治政府建设报告
县政府全面落实《行政处罚法》，规范执法程序。
一、主要举措
加强执法监督。全年办理行政复议案件12件。
"""


def span(text: str, surface: str, nth: int = 0) -> tuple[int, int]:
    """[start, end) of the nth occurrence of surface in text."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return (start, start + len(surface))


def between(text: str, first: str, last: str) -> tuple[int, int]:
    """From the start of `first` to the end of the first `last` after it."""
    a = text.index(first)
    return (a, text.index(last, a) + len(last))


def extraction_a() -> Extraction:
    t = REPORT_A
    return Extraction(
        text=t,
        report=ReportMeta(
            title="示例市司法局关于2024年法治政府建设工作情况的报告", agency="示例市司法局", year_covered=2024,
            doc_number="示司〔2025〕3号", index_number="SL001-2025-007", published="2025-02-20",
            addressees=["中共示例市委员会", "示例市人民政府"], region="示例市", region_code="350299", genre="fzzf",
            url="http://www.example.gov.cn/sfj/2025/report-2024.html"),
        agencies=[
            Agency("示例市司法局", "市司法局", "issuer", [span(t, "市司法局", 1)], "示例市", "350299"),
            Agency("中共示例市委员会", "市委", "addressee", [span(t, "市委")]),
            Agency("示例市人民政府", "市政府", "addressee", [span(t, "市政府")]),
            Agency("示例市市场监督管理局", "市市场监管局", "mentioned", [span(t, "市市场监管局")],
                   aliases=["市市场监管局"]),
        ],
        instruments=[
            Instrument("中华人民共和国行政处罚法", "中华人民共和国行政处罚法", "law",
                       [span(t, "中华人民共和国行政处罚法")], "national"),
            Instrument("示例市行政规范性文件管理办法", "示例市行政规范性文件管理办法", "rules",
                       [span(t, "示例市行政规范性文件管理办法")], "local"),
            Instrument("中华人民共和国宪法", "宪法", "law", [span(t, "宪法", 1)], "national"),
            Instrument("法治政府建设实施纲要（2021-2025年）", "法治政府建设实施纲要（2021—2025年）", "policy",
                       [span(t, "法治政府建设实施纲要（2021—2025年）")], "national"),
        ],
        events=[Event("宪法宣传周", "宪法宣传周", [span(t, "宪法宣传周")])],
        sections=[
            Section("一、2024年主要工作", 1, "done", [span(t, "一、2024年主要工作")]),
            Section("（一）完善制度体系", 2, "done", [span(t, "（一）完善制度体系")]),
            Section("二、2025年工作打算", 1, "planned", [span(t, "二、2025年工作打算")]),
        ],
        initiatives=[
            Initiative("健全行政执法制度", "done", "（一）完善制度体系",
                       [between(t, "一是健全", "开展联合检查。")],
                       instruments=["示例市行政规范性文件管理办法"], agencies=["示例市市场监督管理局"]),
            Initiative("开展宪法宣传周活动", "done", "（一）完善制度体系",
                       [between(t, "二是开展", "人次。")], instruments=["中华人民共和国宪法"]),
            Initiative("深化普法宣传", "planned", "二、2025年工作打算",
                       [between(t, "（一）深化普法宣传", "普法责任制。")],
                       instruments=["法治政府建设实施纲要（2021-2025年）"]),
        ],
        figures=[
            Figure(45, "件", "审查规范性文件", "45件", [span(t, "45件")]),
            Figure(12000, "人次", "覆盖干部群众", "1.2万人次", [span(t, "1.2万人次")]),
        ],
        contacts=[Contact("联系人：李明华 电话：0592-1234567、13912345678",
                          [between(t, "联系人", "13912345678")], "李明华", ["0592-1234567", "13912345678"])],
    )


def extraction_b() -> Extraction:
    t = REPORT_B
    return Extraction(
        text=t,
        report=ReportMeta(title="样本县人民政府2024年度法治政府建设报告", agency="样本县人民政府", year_covered=2024),
        agencies=[Agency("样本县人民政府", "县政府", "issuer", [span(t, "县政府")])],
        instruments=[Instrument("中华人民共和国行政处罚法", "行政处罚法", "law", [span(t, "行政处罚法")], "national")],
        initiatives=[Initiative("加强执法监督", "done", "一、主要举措", [between(t, "加强执法监督", "12件。")])],
        figures=[Figure(12, "件", "行政复议案件", "12件", [span(t, "12件")])],
    )
