"""Property tests: extract() is total on any text and every span it returns is valid."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.extract import extract_text

from .helpers import spans_ok

_PIECES = ["《", "》", "〈", "〉", "<", ">", "“", "”", "(", ")", "（", "）", "一、", "(一)", "1.", "一是", "二是", "\n",
           "宪法", "民法典", "市外办", "市委、市政府:", "2025年", "二〇二六年二月十四日", "〔2026〕18号", "宣传周", "论坛",
           "专项行动", "以下简称《条例》", "联系人:", "13800138000", "索 引 号", "|", "发布时间:", "厦门市", "局", "憲法",
           "中華人民共和國", "4·15", "共25件", "下一步工作计划", "存在的问题", "：", "，", "。", " ", "\u3000", "\ufeff"]

texty = st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=8)), max_size=60).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texty)
def test_extract_never_raises_and_spans_are_valid(text):
    ex = extract_text(text)
    assert ex.text == text
    assert spans_ok(ex)
    ex.to_json()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_unicode(text):
    ex = extract_text(text)
    assert spans_ok(ex)
