"""A matching view of the report text, aligned character for character with the original.

Spans index the original text (as the reader produced it). Rules match on `norm`, which has the same length:
full-width ASCII → ASCII (（）：，→ ():,), ideographic space → space, dash look-alikes → '-', and traditional
characters → simplified (OpenCC t2s). Because the view is aligned, a match at norm[s:e] is the surface text[s:e]
and its canonical (simplified) form at once.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache

import opencc

_DASHES = "—–－―‐‑﹣−"
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_WIDTH[0x3000] = 0x20
_WIDTH.update({ord(d): ord("-") for d in _DASHES})
_WIDTH.update({ord("〈"): ord("<"), ord("〉"): ord(">"), ord("﹝"): ord("〔"), ord("﹞"): ord("〕")})


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplify(s: str) -> str:
    """Traditional → simplified, keeping the length when OpenCC would change it (phrase conversions)."""
    if not s:
        return s
    out = _t2s().convert(s)
    if len(out) == len(s):
        return out
    # a phrase rule changed the length: fall back to line by line, then character by character
    parts = []
    for line in s.split("\n"):
        conv = _t2s().convert(line)
        if len(conv) != len(line):
            conv = "".join(c2 if len(c2 := _t2s().convert(ch)) == 1 else ch for ch in line)
        parts.append(conv)
    return "\n".join(parts)


def normalize(s: str) -> str:
    """The aligned matching form of any string (same length as s)."""
    return simplify(s.translate(_WIDTH))


@dataclass
class TextView:
    text: str
    norm: str
    line_starts: list[int]

    @classmethod
    def of(cls, text: str) -> "TextView":
        norm = normalize(text)
        assert len(norm) == len(text)
        starts = [0]
        for i, ch in enumerate(text):
            if ch == "\n":
                starts.append(i + 1)
        return cls(text, norm, starts)

    def lines(self):
        """(start, end) of every line, end exclusive and without the newline."""
        n = len(self.text)
        for k, s in enumerate(self.line_starts):
            e = self.line_starts[k + 1] - 1 if k + 1 < len(self.line_starts) else n
            yield s, e

    def line_of(self, pos: int) -> int:
        return bisect.bisect_right(self.line_starts, pos) - 1
