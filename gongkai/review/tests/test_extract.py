"""Attachment text for the scan: DOCX, XLSX, TXT in GBK are read; PDF, images and broken files
are reported unreadable (a person must look), never passed as empty."""

import io
import zipfile

from openpyxl import Workbook

from gongkai.review.extract import extract_text

ID = "11010519491231002X"


def _docx(parts: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, xml in parts.items():
            z.writestr(name, xml)
    return buf.getvalue()


def test_docx_body_headers_and_entities() -> None:
    data = _docx({
        "word/document.xml": f"<w:document><w:body><w:p><w:r><w:t>户主</w:t></w:r><w:r><w:t xml:space=\"preserve\">张三 {ID}</w:t></w:r></w:p><w:p><w:r><w:t>A&amp;B</w:t></w:r></w:p></w:body></w:document>",
        "word/footer1.xml": "<w:ftr><w:p><w:r><w:t>联系人李四</w:t></w:r></w:p></w:ftr>",
    })  # fmt: skip
    got = extract_text("名单.docx", data)
    assert got.readable and f"户主张三 {ID}" in (got.text or "") and "A&B" in (got.text or "")
    assert "联系人李四" in (got.text or "")


def test_xlsx_cells_numbers_read_as_digits() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号", "手机"])
    sheet.append(["王五", ID, 13800138000])
    buf = io.BytesIO()
    book.save(buf)
    got = extract_text("名单.xlsx", buf.getvalue())
    assert got.readable and f"王五\t{ID}\t13800138000" in (got.text or "")


def test_txt_in_gbk_and_unreadable_files() -> None:
    assert extract_text("a.txt", f"身份证{ID}".encode("gbk")).text == f"身份证{ID}"
    for name, data in [("扫描件.pdf", b"%PDF-1.4"), ("照片.jpg", b"\xff\xd8\xff"), ("旧.doc", b"\xd0\xcf"),
                       ("坏.docx", b"PK\x03\x04broken"), ("坏.xlsx", b"not a zip"), ("乱码.txt", b"\x00\x01\x02")]:  # fmt: skip
        got = extract_text(name, data)
        assert not got.readable and got.text is None and got.message, name
    assert "PDF" in extract_text("x.pdf", b"%PDF").message
