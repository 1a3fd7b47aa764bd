"""Generators for hostile input: every kind of file a crawl or a careless colleague puts in a report folder.

Used by the tests and handy by hand:  python -m tests.robustness.inputs DIR
"""
from __future__ import annotations

import io
import os
import random
import shutil
import sys
from pathlib import Path

from kg.config import ROOT

SEED = ROOT / "data" / "seed-xiamen-fao-2025.txt"
BIG_BYTES = 200 * 1024 * 1024

# A small well-formed report of the genre (title, sections, agency and date at the end).
REPORT = (
    "厦门市某某局关于2025年法治政府建设工作情况的报告\n"
    "一、2025年主要工作\n"
    "（一）加强组织领导。一是认真学习《中华人民共和国行政复议法》。二是结合“4·15”全民国家安全教育日开展宣传。\n"
    "二、2026年工作计划\n"
    "（一）深化普法宣传。开展宪法宣传周活动。\n"
    "厦门市某某局\n"
    "2026年1月20日\n"
)

# file name -> the words its stderr line must contain (besides the file name)
UNREADABLE = {
    "empty.txt": "empty",
    "binary.txt": "binary",
    "truncated-utf8.txt": "truncated",
    "truncated-gbk.txt": "truncated",
    "undetectable.txt": "encoding",
    "huge.txt": "too large",
    "corrupt.docx": "corrupt",
    "encrypted.pdf": "encrypted",
}
# weird but readable: must be stored (or at worst rejected with a reason), never crash or hang
PATHOLOGICAL = ["malformed.html", "unclosed-quotes.txt", "nested-brackets.txt", "script-title.txt", "script-title.html"]
SCRIPT_TITLE = "<script>alert(\"x\")</script>'\"&<b>厦门市某某局关于2025年法治政府建设工作情况的报告"


def variant(agency: str) -> str:
    """REPORT issued by another agency: another natural key, so another report (graph) in the store."""
    return REPORT.replace("某某局", agency)


def encrypted_pdf(text: str = "encrypted report") -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=595, height=842)
    w.add_metadata({"/Title": text})
    w.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def write_big(path: Path, size: int = BIG_BYTES) -> None:
    """`size` bytes of a repeated report line, written in 8 MB blocks (a fraction of a second)."""
    line = "一、加强组织领导。认真学习《中华人民共和国行政复议法》，开展宪法宣传周活动。\n".encode()
    block = line * ((8 << 20) // len(line))
    with open(path, "wb") as f:
        left = size
        while left > 0:
            chunk = block[:left]
            f.write(chunk)
            left -= len(chunk)


def make_bad_folder(folder: Path, *, big: bool = True, good: list[Path] = ()) -> dict[str, Path]:
    """Write the hostile files (and copies of `good`) into `folder`; return name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(6)
    files: dict[str, bytes] = {}
    files["empty.txt"] = b""
    files["binary.txt"] = bytes(rnd.randrange(256) for _ in range(4096)) + b"\x00" * 64
    files["truncated-utf8.txt"] = REPORT.encode("utf-8") + "报".encode("utf-8")[:2]
    files["truncated-gbk.txt"] = REPORT.encode("gbk") + "报".encode("gbk")[:1]
    # 0xFF is no lead byte in UTF-8, GB18030 or Big5; 0x80 is none in GBK/Big5 either
    files["undetectable.txt"] = REPORT.encode("gbk")[:60] + b"\xff\x80\xfe\xff" * 50 + REPORT.encode("gbk")[60:]
    files["corrupt.docx"] = b"PK\x03\x04" + bytes(rnd.randrange(256) for _ in range(3000))
    files["encrypted.pdf"] = encrypted_pdf()
    files["malformed.html"] = (
        "<html><head><meta charset='utf-8'><title>厦门市某某局关于2025年法治政府建设工作情况的报告</title>"
        "<body><div><p>一、2025年主要工作<table><tr><td>（一）加强组织领导。<p>认真学习《中华人民共和国行政复议法》"
        "<div><span></div></b></i></table></table><p>二、2026年工作计划<p>开展宪法宣传周活动<!-- unclosed comment"
        "<p>厦门市某某局<br>2026年1月20日<div <p <<>>").encode("utf-8")
    files["unclosed-quotes.txt"] = (variant("司法局").replace("一是认真学习", "一是认真学习" + "《" * 10_000)).encode("utf-8")
    nested = "（" * 2000 + "《" * 2000 + "“" * 2000 + "中华人民共和国行政复议法" + "”" * 2000 + "》" * 2000 + "）" * 2000
    files["nested-brackets.txt"] = variant("财政局").replace("开展宪法宣传周活动", nested).encode("utf-8")
    files["script-title.txt"] = (SCRIPT_TITLE + "\n" + REPORT.split("\n", 1)[1]).encode("utf-8")
    # the same report as script-title.txt, as a web page: one report in the store, recorded from both files
    files["script-title.html"] = (
        f"<html><head><meta charset='utf-8'><title>{SCRIPT_TITLE}</title>"
        f"<meta name='ArticleTitle' content='{SCRIPT_TITLE.replace(chr(39), '&#39;')}'></head><body><article>"
        + "".join(f"<p>{line}</p>" for line in REPORT.splitlines()[1:]) + "</article></body></html>").encode("utf-8")
    out = {}
    for name, data in files.items():
        (folder / name).write_bytes(data)
        out[name] = folder / name
    if big:
        write_big(folder / "huge.txt")
        out["huge.txt"] = folder / "huge.txt"
    for g in good:
        shutil.copyfile(g, folder / g.name)
        out[g.name] = folder / g.name
    return out


if __name__ == "__main__":
    d = Path(sys.argv[1])
    for name, p in make_bad_folder(d, good=[SEED]).items():
        print(f"{p}  {os.path.getsize(p)} bytes")
