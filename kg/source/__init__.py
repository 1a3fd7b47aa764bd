"""Read report files (.txt .html .docx .pdf, any common Chinese encoding) into a SourceText.

    from kg.source import read
    src = read("report.html")      # SourceError with a one-line message for anything unreadable
"""
from __future__ import annotations

import os
from pathlib import Path

from kg.source.decode import clean_text, decode_bytes
from kg.source.model import SourceError, SourceText

__all__ = ["read", "SourceText", "SourceError", "DEFAULT_MAX_BYTES"]

# Reports are a few hundred KB at most; a much larger "text" is a dump or a mistake, not a report.
DEFAULT_MAX_BYTES = int(os.environ.get("GOVKG_MAX_SOURCE_BYTES", str(20 * 1024 * 1024)))

_HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml", ".jhtml"}


def _kind(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix in _HTML_SUFFIXES:
        return "html"
    if suffix == ".docx":
        return "docx"
    if suffix == ".pdf":
        return "pdf"
    if suffix in (".txt", ".text", ".md"):
        return "text"
    # unknown suffix: sniff
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    head = data[:2048].lower()
    if b"<html" in head or b"<!doctype html" in head:
        return "html"
    return "text"


def read(path: str | os.PathLike, max_bytes: int | None = None) -> SourceText:
    """Read one report file. Raises SourceError (one line, naming the file) for unreadable input."""
    p = Path(path)
    name = str(path)
    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    try:
        if not p.exists():
            raise SourceError(f"{name}: no such file")
        if p.is_dir():
            raise SourceError(f"{name}: is a directory, not a file")
        size = p.stat().st_size
        if size > limit:
            raise SourceError(f"{name}: file too large ({size:,} bytes; the limit is {limit:,})")
        data = p.read_bytes()
    except OSError as exc:
        raise SourceError(f"{name}: cannot read ({exc.strerror or type(exc).__name__})") from None
    if not data.strip():
        raise SourceError(f"{name}: empty file")
    kind = _kind(p, data)
    if kind == "html":
        from kg.source.html import read_html

        text, encoding, meta = read_html(data, name)
        return SourceText(path=name, text=text, media_type="text/html", encoding=encoding, meta=meta,
                          url=meta.get("Url"))
    if kind == "docx":
        from kg.source.documents import read_docx

        text, meta = read_docx(data, name)
        return SourceText(path=name, text=text,
                          media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                          meta=meta)
    if kind == "pdf":
        from kg.source.documents import read_pdf

        text, meta = read_pdf(data, name)
        return SourceText(path=name, text=text, media_type="application/pdf", meta=meta)
    text, encoding = decode_bytes(data, name)
    return SourceText(path=name, text=clean_text(text, name), media_type="text/plain", encoding=encoding)
