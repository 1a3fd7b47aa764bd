"""Bytes → str for report files: BOMs, declared charsets, GB18030/GBK, Big5, chardet for the unlabelled rest.

Every failure is a SourceError whose message names the file and the problem in one line.
"""
from __future__ import annotations

import codecs
import re
import unicodedata

import chardet

from kg.source.model import SourceError

# Labels that pages declare but that really mean "GBK or wider": the gb2312 codec rejects · and —,
# which GBK pages use all the time, so decode all of them with the superset gb18030.
_GB_LABELS = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "gb18030", "cp936", "euc-cn", "hz-gb-2312", "gb_2312", "csgb2312"}
_BIG5_LABELS = {"big5", "big5-hkscs", "cp950", "x-big5", "csbig5"}

# Middle-dot look-alikes (katakana middle dot, hyphenation point, bullet operator, halfwidth katakana dot)
# all become U+00B7, so "4・15" and "4·15" are the same event. The bullet • only between digits:
# elsewhere it is a list bullet.
_DOTS = re.compile(r"[・‧∙･]|(?<=\d)•(?=\d)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def canonical_label(label: str | None) -> str | None:
    """A declared charset label → the Python codec to decode with (gb2312 → gb18030 etc.)."""
    if not label:
        return None
    lab = label.strip().strip("'\"").lower()
    if lab in _GB_LABELS:
        return "gb18030"
    if lab in _BIG5_LABELS:
        return "big5hkscs"
    try:
        return codecs.lookup(lab).name
    except LookupError:
        return None


def _strict(data: bytes, encoding: str, path: str) -> str:
    """Decode strictly; a sequence cut off at the very end is reported as truncated."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.end >= len(data) - 1 and ("end of data" in exc.reason or "incomplete" in exc.reason
                                          or exc.start >= len(data) - 3):
            raise SourceError(f"{path}: truncated {encoding} byte sequence at end of file (byte {exc.start})") from None
        raise


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32 and b != 27)
    return controls > max(4, len(head) // 50)


def decode_bytes(data: bytes, path: str, declared: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used). Raises SourceError for binary, truncated or undecodable bytes."""
    if not data.strip():
        raise SourceError(f"{path}: empty file")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _strict(data, enc, path), enc
            except UnicodeDecodeError:
                raise SourceError(f"{path}: invalid {enc} bytes after a byte-order mark") from None
    if looks_binary(data):
        raise SourceError(f"{path}: binary data, not a text document")
    tried: list[str] = []
    candidates = [canonical_label(declared), "utf-8"]
    for enc in candidates:
        if not enc or enc in tried:
            continue
        tried.append(enc)
        try:
            return _strict(data, enc, path), enc
        except UnicodeDecodeError:
            continue
    guess = chardet.detect(data[:200_000])
    detected = canonical_label(guess.get("encoding")) if (guess.get("confidence") or 0) >= 0.2 else None
    # chardet tells Big5 from GBK (their byte ranges overlap, so trying GBK first would "succeed" with garbage)
    for enc in (detected, "gb18030", "big5hkscs"):
        if not enc or enc in tried or enc in ("ascii", "windows-1252", "iso8859-1", "latin-1"):
            continue
        tried.append(enc)
        try:
            return _strict(data, enc, path), enc
        except UnicodeDecodeError:
            continue
    raise SourceError(f"{path}: cannot detect the text encoding (tried {', '.join(tried)})")


def clean_text(text: str, path: str) -> str:
    """NFC, unified newlines and middle dots; rejects text that is empty or mostly control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = unicodedata.normalize("NFC", text)
    text = _DOTS.sub("·", text)
    if not text.strip():
        raise SourceError(f"{path}: no text in the document")
    if len(_CONTROL.findall(text)) > max(4, len(text) // 100):
        raise SourceError(f"{path}: binary data, not a text document")
    text = _CONTROL.sub("", text)
    if "\ufffd" in text and text.count("\ufffd") > max(4, len(text) // 100):
        raise SourceError(f"{path}: undecodable characters, wrong or mixed encoding")
    return text
