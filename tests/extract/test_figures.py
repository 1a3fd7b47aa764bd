"""Figures and contact lines."""
from __future__ import annotations

from .helpers import run


def test_figures_with_what_they_count():
    ex = run("2025年按程序主动公开信息共25件,精选线路开通20辆领保宣传主题公交车,参考率100%,覆盖企业1200余家。")
    got = {(f.value, f.unit) for f in ex.figures}
    assert {(25, "件"), (20, "辆"), (100, "%"), (1200, "家")} <= got
    f25 = next(f for f in ex.figures if f.value == 25)
    assert "主动公开信息" in f25.counts
    assert all(ex.text[s:e] == f.surface for f in ex.figures for s, e in f.spans)


def test_years_and_ordinals_are_not_figures():
    ex = run("2025年召开第14次常务会议。")
    assert all(f.value != 2025 for f in ex.figures)
    assert all(f.value != 14 for f in ex.figures)


def test_contact_line_with_mobile():
    ex = run("专此报告。\n(联系人:张小明 电话:2856010、13800138000)\n")
    (c,) = ex.contacts
    assert c.person == "张小明"
    assert "13800138000" in c.phones and "2856010" in c.phones
    (s, e), = c.spans
    assert ex.text[s:e] == c.surface
