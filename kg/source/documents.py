"""Office documents → plain text: .docx (python-docx) and .pdf with a text layer (pypdf)."""
from __future__ import annotations

import re
import zipfile
from collections import Counter

from kg.source.decode import clean_text
from kg.source.model import SourceError

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: legacy .doc, or an encrypted .docx


def read_docx(data: bytes, path: str) -> tuple[str, dict[str, str]]:
    import io

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if data.startswith(_OLE_MAGIC):
        raise SourceError(f"{path}: encrypted .docx or legacy .doc (compound file), cannot read")
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SourceError(f"{path}: corrupt .docx ({type(exc).__name__})") from None
    except Exception as exc:  # lxml.etree.XMLSyntaxError and friends from a damaged part
        raise SourceError(f"{path}: corrupt .docx ({type(exc).__name__})") from None
    lines: list[str] = []
    body = document.element.body
    # walk paragraphs and tables in document order; paragraph.text joins the runs Word split a word into
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells = []
                for cell in row.cells:
                    value = " ".join(cell.text.split())
                    if not cells or cells[-1] != value:  # merged cells repeat their text
                        cells.append(value)
                lines.append("| " + " | ".join(cells) + " |")
    meta = {}
    props = document.core_properties
    if props.title:
        meta["ArticleTitle"] = props.title
    if props.author:
        meta["Author"] = props.author
    text = "\n".join(lines)
    if not text.strip():
        raise SourceError(f"{path}: .docx has no text")
    return clean_text(text, path), meta


_PAGE_NUMBER = re.compile(r"^\s*[-—–－\s]*(第\s*)?\d{1,4}(\s*页)?(\s*[/／共]\s*\d{1,4}\s*页?)?\s*[-—–－]*\s*$")
_SENTENCE_END = "。！？；：:;!?”"


def _strip_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Drop page numbers and lines that repeat at the top or bottom of most pages (running headers/footers)."""
    if len(pages) >= 2:
        edge = Counter()
        for lines in pages:
            for line in set(lines[:2] + lines[-2:]):
                edge[" ".join(line.split())] += 1
        running = {line for line, n in edge.items() if line and n >= max(2, len(pages) // 2 + 1)}
    else:
        running = set()
    out = []
    for lines in pages:
        out.append([ln for ln in lines if not _PAGE_NUMBER.match(ln) and " ".join(ln.split()) not in running])
    return out


def _reflow(lines: list[str]) -> list[str]:
    """Join lines that the PDF broke only because they reached the right margin."""
    lengths = [len(ln) for ln in lines if len(ln) > 10]
    if not lengths:
        return lines
    full = sorted(lengths)[int(len(lengths) * 0.9)]
    merged: list[str] = []
    for ln in lines:
        if merged and len(merged[-1]) >= full - 1 and merged[-1][-1:] not in _SENTENCE_END and full >= 20:
            merged[-1] += ln.strip()
        else:
            merged.append(ln.rstrip())
    return merged


def read_pdf(data: bytes, path: str) -> tuple[str, dict[str, str]]:
    import io

    import pypdf
    from pypdf.errors import PdfReadError, PyPdfError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except (NotImplementedError, PyPdfError, Exception):  # unsupported cipher etc.
                ok = 0
            if not ok:
                raise SourceError(f"{path}: encrypted PDF, cannot read without a password")
        pages = [(page.extract_text() or "").splitlines() for page in reader.pages]
        info = reader.metadata or {}
    except SourceError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError,
            RecursionError, AssertionError, IndexError, ZeroDivisionError) as exc:
        raise SourceError(f"{path}: corrupt PDF ({type(exc).__name__})") from None
    pages = [[ln.strip() for ln in p if ln.strip()] for p in pages]
    lines = [ln for page in _strip_running_lines(pages) for ln in page]
    text = "\n".join(_reflow(lines))
    if not text.strip():
        raise SourceError(f"{path}: PDF has no text layer (scanned?)")
    meta = {}
    title = info.get("/Title") if hasattr(info, "get") else None
    if isinstance(title, str) and title.strip():
        meta["ArticleTitle"] = title.strip()
    return clean_text(text, path), meta
