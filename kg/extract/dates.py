"""Dates as the genre writes them: 2026年2月14日, 二〇二六年二月十四日, 2024-03-28, 2024/3/28, 2024.03.28."""
from __future__ import annotations

import datetime
import re

import cn2an

_CN_DIGIT = dict(zip("〇零○Ｏ一二三四五六七八九", "0001123456789"))
_CN_DIGIT["Ｏ"] = "0"
DATE_CN = r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
DATE_ISO = r"(?P<y2>(?:19|20)\d{2})\s*[-/.]\s*(?P<m2>\d{1,2})\s*[-/.]\s*(?P<d2>\d{1,2})(?!\d)"
DATE_HAN = (r"(?P<y3>[〇零○Ｏ一二三四五六七八九]{4})\s*年\s*(?P<m3>[一二三四五六七八九十]{1,3})\s*月"
            r"\s*(?P<d3>[一二三四五六七八九十]{1,3})\s*日")
DATE = re.compile(f"{DATE_CN}|{DATE_ISO}|{DATE_HAN}")


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return datetime.date(y, m, d).isoformat()
    except ValueError:
        return None


def match_to_iso(m: re.Match) -> str | None:
    if m.group("y"):
        return _iso(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    if m.group("y2"):
        return _iso(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
    year = int("".join(_CN_DIGIT[c] for c in m.group("y3")))
    try:  # cn2an only on the matched month/day, never on running text (it over-converts 一是, 统一 …)
        month, day = int(cn2an.cn2an(m.group("m3"), "smart")), int(cn2an.cn2an(m.group("d3"), "smart"))
    except (ValueError, KeyError, TypeError):
        return None
    return _iso(year, month, day)


def parse_date(s: str) -> str | None:
    """The first date in s as ISO, or None."""
    for m in DATE.finditer(s or ""):
        iso = match_to_iso(m)
        if iso:
            return iso
    return None


def is_date_only(line: str) -> str | None:
    """ISO date when the whole line is a date (a signature date), else None."""
    s = line.strip()
    m = DATE.fullmatch(s)
    return match_to_iso(m) if m else None


YEAR = re.compile(r"(?<![\d\-~〔\[(])((?:19|20)\d{2})\s*年")
HAN_YEAR = re.compile(r"([〇零○一二三四五六七八九]{4})\s*年")


def han_year(s: str) -> int:
    return int("".join(_CN_DIGIT[c] for c in s))
