"""Fixtures that build report files of every supported format in a temporary folder."""
from __future__ import annotations

import pytest

REPORT = (
    "厦门市某某局关于2025年法治政府建设工作情况的报告\n"
    "一、2025年主要工作\n"
    "（一）加强组织领导。一是认真学习《中华人民共和国行政复议法》。二是结合“4·15”全民国家安全教育日开展宣传。\n"
    "二、2026年工作计划\n"
    "（一）深化普法宣传。开展宪法宣传周活动。\n"
    "厦门市某某局\n"
    "2026年1月20日\n"
)


@pytest.fixture
def report_text() -> str:
    return REPORT
