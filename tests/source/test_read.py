"""read(): formats, encodings and the one-line SourceError for everything unreadable."""
from __future__ import annotations

import io
import zipfile

import pytest

from kg.source import SourceError, SourceText, read

GOV_PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<meta name="ArticleTitle" content="某某市商务局2025年法治政府建设情况报告">
<meta name="PubDate" content="2026-02-10 09:30">
<meta name="ContentSource" content="某某市商务局">
<meta name="SiteName" content="某某市商务局网站">
<title>某某市商务局2025年法治政府建设情况报告_通知公告</title></head>
<body>
<div class="nav"><a href="/">首页</a> | <a href="/zwgk">政务公开</a> | <a href="/hd">互动交流</a></div>
<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 通知公告</div>
<div class="article">
<table class="xxgk">
<tr><td>索引号</td><td>XX001-01-2026-003</td><td>主题分类</td><td>其他</td></tr>
<tr><td>发布机构</td><td>某某市商务局</td><td>文号</td><td>某商〔2026〕3号</td></tr>
<tr><td>成文日期</td><td>2026-02-01</td><td>发布日期</td><td>2026-02-10</td></tr>
</table>
<h1>某某市商务局2025年法治政府建设情况报告</h1>
<div id="zoom">
<p>2025年，市商务局深入学习贯彻习近平法治思想，认真贯彻落实《中华人民共和国行政处罚法》，结合“4·15”全民国家安全教育日开展普法宣传。</p>
<p>一、主要工作</p>
<p>（一）推进依法行政。一是严格执行重大行政决策程序，全年审查规范性文件12件。二是落实行政执法三项制度，开展执法检查30次。</p>
<p>（二）深化普法宣传。举办营商环境法治论坛，组织宪法宣传周活动，覆盖企业200余家。</p>
<p>二、2026年工作打算</p>
<p>（一）持续提升行政执法水平，推动民法典宣传月活动。</p>
</div>
<div class="share">分享到：微信 微博</div>
<div class="btns">【打印本页】【关闭窗口】</div>
</div>
<div class="footer">主办：某某市商务局 网站标识码：1234000001<br>闽ICP备12345678号-1 闽公网安备 35020302000001号</div>
</body></html>
"""


def _write(tmp_path, name, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def _one_line_naming(exc: SourceError, path) -> None:
    msg = str(exc)
    assert "\n" not in msg
    assert str(path) in msg


# ---------------------------------------------------------------- plain text and encodings

def test_utf8_text(tmp_path, report_text):
    src = read(_write(tmp_path, "a.txt", report_text.encode("utf-8")))
    assert isinstance(src, SourceText)
    assert src.text.startswith("厦门市某某局")
    assert src.media_type == "text/plain"


def test_utf8_bom_is_dropped(tmp_path, report_text):
    src = read(_write(tmp_path, "a.txt", b"\xef\xbb\xbf" + report_text.encode("utf-8")))
    assert src.text.startswith("厦门市某某局")


def test_gbk_text_with_middle_dot(tmp_path, report_text):
    src = read(_write(tmp_path, "a.txt", report_text.encode("gb18030")))
    assert "4·15" in src.text
    assert src.encoding == "gb18030"


def test_big5_text(tmp_path):
    trad = "臺北市政府關於2024年度法治政府建設情況的報告\n一、加強組織領導，認真學習憲法和民法典，舉辦憲法知識競賽。\n" * 3
    src = read(_write(tmp_path, "t.txt", trad.encode("big5")))
    assert "臺北市政府" in src.text


def test_crlf_and_katakana_dot_normalised(tmp_path):
    src = read(_write(tmp_path, "a.txt", "结合“4・15”全民国家安全教育日开展宣传。\r\n第二行。\r\n".encode("utf-8")))
    assert "4·15" in src.text and "\r" not in src.text


# ---------------------------------------------------------------- HTML

@pytest.mark.parametrize("charset,encoding", [("utf-8", "utf-8"), ("gb2312", "gb18030")])
def test_gov_page(tmp_path, charset, encoding):
    page = GOV_PAGE.replace("{charset}", charset).encode(encoding)
    src = read(_write(tmp_path, "p.html", page))
    assert src.media_type == "text/html"
    assert src.meta["ArticleTitle"] == "某某市商务局2025年法治政府建设情况报告"
    assert src.meta["PubDate"].startswith("2026-02-10")
    assert src.meta["ContentSource"] == "某某市商务局"
    text = src.text
    assert "XX001-01-2026-003" in text and "某商〔2026〕3号" in text  # the header table survives
    assert "4·15" in text and "二是落实行政执法三项制度" in text
    for junk in ("网站标识码", "ICP备", "公网安备", "分享到", "关闭窗口", "当前位置"):
        assert junk not in text


def test_page_extracts_end_to_end(tmp_path):
    from kg.extract import extract

    src = read(_write(tmp_path, "p.htm", GOV_PAGE.replace("{charset}", "utf-8").encode("utf-8")))
    ex = extract(src)
    assert ex.report.index_number == "XX001-01-2026-003"
    assert ex.report.doc_number == "某商〔2026〕3号"
    assert ex.report.published == "2026-02-10"
    assert ex.report.year_covered == 2025
    assert any(i.name == "中华人民共和国行政处罚法" for i in ex.instruments)


# ---------------------------------------------------------------- docx and pdf

def test_docx(tmp_path, report_text):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    lines = report_text.splitlines()
    para = document.add_paragraph()
    para.add_run(lines[0][:5])
    para.add_run(lines[0][5:])  # a title split over two runs reads as one paragraph
    for line in lines[1:]:
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "索引号"
    table.cell(0, 1).text = "ABC-2026-01"
    document.core_properties.title = "某某报告"
    path = tmp_path / "r.docx"
    document.save(path)
    src = read(path)
    assert src.text.splitlines()[0] == lines[0]
    assert "| 索引号 | ABC-2026-01 |" in src.text
    assert src.meta["ArticleTitle"] == "某某报告"


def _make_pdf(path, pages: list[list[str]], password: str | None = None):
    reportlab = pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    for n, lines in enumerate(pages, 1):
        c.setFont("STSong-Light", 12)
        c.drawString(72, 800, "某某市某某局文件")  # running header
        y = 760
        for line in lines:
            c.drawString(72, y, line)
            y -= 20
        c.drawString(280, 40, f"- {n} -")  # page number
        c.showPage()
    c.save()
    if password:
        import pypdf

        reader = pypdf.PdfReader(str(path))
        writer = pypdf.PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        writer.encrypt(password)
        with open(path, "wb") as fh:
            writer.write(fh)


def test_pdf_strips_running_header_and_page_numbers(tmp_path):
    path = tmp_path / "r.pdf"
    _make_pdf(path, [["关于2025年法治政府建设情况的报告", "一、主要工作", "认真学习宪法。"],
                     ["二、2026年工作计划", "结合4·15全民国家安全教育日开展宣传。"]])
    src = read(path)
    assert "关于2025年法治政府建设情况的报告" in src.text
    assert "4·15" in src.text
    assert "某某市某某局文件" not in src.text
    assert "- 1 -" not in src.text and "- 2 -" not in src.text


# ---------------------------------------------------------------- bad input: one line, naming the file

def _bad(tmp_path, name, data: bytes, **kw):
    path = _write(tmp_path, name, data)
    with pytest.raises(SourceError) as info:
        read(path, **kw)
    _one_line_naming(info.value, path)
    return str(info.value)


def test_empty_file(tmp_path):
    assert "empty" in _bad(tmp_path, "e.txt", b"")


def test_whitespace_only_file(tmp_path):
    assert "empty" in _bad(tmp_path, "e.txt", b" \n\t\n")


def test_binary_file(tmp_path):
    assert "binary" in _bad(tmp_path, "b.txt", bytes(range(256)) * 20)


def test_truncated_utf8(tmp_path):
    data = "法治政府建设情况报告".encode("utf-8")[:-1]
    assert "truncated" in _bad(tmp_path, "t.txt", data)


def test_truncated_gbk(tmp_path):
    data = ("法治政府建设情况报告" * 20).encode("gbk")[:-1]
    assert "truncated" in _bad(tmp_path, "t.txt", data)


def test_undetectable_encoding(tmp_path):
    assert "encoding" in _bad(tmp_path, "u.txt", b"\x81\x20\xff\x30\xfe\x7f" * 50)


def test_file_too_large(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: 200 MB on paper, nothing on disk
    with pytest.raises(SourceError) as info:
        read(path)
    _one_line_naming(info.value, path)
    assert "too large" in str(info.value)


def test_size_limit_is_configurable(tmp_path, report_text):
    assert "too large" in _bad(tmp_path, "a.txt", report_text.encode("utf-8"), max_bytes=10)


def test_missing_file(tmp_path):
    path = tmp_path / "nope.txt"
    with pytest.raises(SourceError) as info:
        read(path)
    _one_line_naming(info.value, path)


def test_malformed_html(tmp_path):
    _bad(tmp_path, "m.html", b"<html><body><div><<<>>></ </")


def test_html_title_made_of_scripts(tmp_path):
    _bad(tmp_path, "s.html", b"<html><head><title><script>alert(1)</script><script>x()</script></title></head></html>")


def test_corrupt_docx(tmp_path):
    assert "docx" in _bad(tmp_path, "c.docx", b"PK\x03\x04 this is not a real zip archive")


def test_zip_that_is_not_docx(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    assert "docx" in _bad(tmp_path, "z.docx", buf.getvalue())


def test_encrypted_docx(tmp_path):
    # Office encrypts .docx into an OLE compound file
    assert "encrypted" in _bad(tmp_path, "enc.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)


def test_corrupt_pdf(tmp_path):
    assert "PDF" in _bad(tmp_path, "c.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage")


def test_encrypted_pdf(tmp_path):
    path = tmp_path / "enc.pdf"
    _make_pdf(path, [["关于2025年法治政府建设情况的报告"]], password="secret")
    with pytest.raises(SourceError) as info:
        read(path)
    _one_line_naming(info.value, path)
    assert "encrypted" in str(info.value)
