"""Headings, section kinds and initiatives (done / planned), shortcomings."""
from __future__ import annotations

from .helpers import run

TEXT = """某某市司法局关于2025年法治政府建设情况的报告
一、2025年主要工作
(一)坚持依法履职
一是加强惠企服务。走访调研重点企业。
二是协同推进涉外法治。推动国际化建设。
(二)深化普法宣传。开展宪法宣传周活动。
二、存在的问题
部分干部法治意识有待加强。
三、2026年工作思路
2025年,我局法治政府建设取得积极成效,但也存在不足,如普法宣传手段较为单一。
(一)加强理论武装,提高政治站位。深入学习习近平法治思想。
(二)提升工作质效。一是优化服务;二是强化监督。
"""


def test_sections_and_kinds():
    ex = run(TEXT)
    kinds = {s.heading: s.kind for s in ex.sections}
    assert kinds["一、2025年主要工作"] == "done"
    assert kinds["二、存在的问题"] == "shortcomings"
    assert kinds["三、2026年工作思路"] == "planned"
    assert kinds["(一)加强理论武装,提高政治站位"] == "planned"
    assert any(s.kind == "shortcomings" and "存在不足" in s.heading for s in ex.sections)
    levels = {s.heading: s.level for s in ex.sections}
    assert levels["(一)坚持依法履职"] == 2


def test_initiatives_done_and_planned():
    ex = run(TEXT)
    got = {(i.title, i.status) for i in ex.initiatives}
    assert ("加强惠企服务", "done") in got
    assert ("协同推进涉外法治", "done") in got
    assert ("深化普法宣传", "done") in got
    assert ("加强理论武装,提高政治站位", "planned") in got
    assert ("优化服务", "planned") in got and ("强化监督", "planned") in got
    assert not any("法治意识" in i.title for i in ex.initiatives)  # shortcomings are not initiatives
    for i in ex.initiatives:
        (s, e), = i.spans
        assert i.title in ex.text[s:e]


def test_initiative_span_is_its_own_text():
    ex = run(TEXT)
    item = next(i for i in ex.initiatives if i.title == "加强惠企服务")
    (s, e), = item.spans
    assert ex.text[s:e] == "一是加强惠企服务。走访调研重点企业。"


def test_fullwidth_headings():
    ex = run("一、主要工作\n（一）推进依法行政。落实制度。\n1.完善审查机制。\n2.加强执法监督。\n")
    assert [s.level for s in ex.sections] == [1, 2, 3, 3]


def _last_initiative_text(ex) -> str:
    last = max(ex.initiatives, key=lambda i: i.spans[0][0])
    s, e = last.spans[0]
    return ex.text[s:e]


def test_the_body_ends_at_the_closing_formula_and_signature():
    """The last section and its last initiative stop before 专此报告, the signature, the contact line and a web
    page's footer (the sample report's last initiative had swallowed all of them)."""
    closing = ("专此报告。\n某某市司法局\n2026年1月20日\n(联系人:张三 电话:12345678)\n(此件主动公开)\n"
               "主办:某某市司法局 网站标识码 3502000001\n")
    ex = run(TEXT + closing)
    assert "强化监督" in _last_initiative_text(ex)
    assert "专此报告" not in _last_initiative_text(ex) and "联系人" not in _last_initiative_text(ex)
    # without a closing formula, the signature block ends it
    ex = run(TEXT + "某某市司法局\n2026年1月20日\n网站标识码 3502000001\n")
    assert "网站标识码" not in _last_initiative_text(ex) and "2026年1月20日" not in _last_initiative_text(ex)


def test_a_dated_block_above_the_headings_does_not_end_the_body():
    """An issuer and date printed under the title (before any heading) are not the signature that ends the body."""
    head, rest = TEXT.split("\n", 1)
    ex = run(head + "\n某某市司法局\n2026年1月20日\n" + rest)
    assert {i.title for i in ex.initiatives} == {i.title for i in run(TEXT).initiatives}


def test_a_lone_date_line_in_the_body_ends_nothing():
    """Only a signed date (an agency line above it) ends the body: a date heading a paragraph of events, with no
    agency above it, keeps the sections after it (a review found them dropped)."""
    text = ("XX县2024年法治政府建设情况报告\n一、主要工作\n（一）完善制度建设\n一是出台文件3件。二是清理规章。\n"
            "（二）大事记\n2024年6月26日\n召开县政府常务会议专题学习。\n二、存在的问题\n一是队伍力量薄弱。\n"
            "三、下一步计划\n一是深化改革。二是加强队伍建设。\n")
    ex = run(text)
    assert {s.heading for s in ex.sections} >= {"二、存在的问题", "三、下一步计划"}
    assert "加强队伍建设" in {i.title for i in ex.initiatives}


def test_a_title_split_before_its_last_word_is_no_closing_formula():
    """A title broken before 报告 (a line "报告" alone) comes before every heading: the body still ends at the real
    closing formula, after the last initiative."""
    text = ("关于2024年度法治政府建设情况的\n报告\n一、主要工作\n一是完善制度建设，出台文件3件。\n二、下一步计划\n"
            "一是深化改革。二是加强队伍建设，开展培训。\n专此报告。\nXX市司法局\n2025年1月10日\n联系人：张三 电话：0571-12345678\n")
    last = _last_initiative_text(run(text))
    assert "开展培训" in last and "专此报告" not in last and "联系人" not in last
