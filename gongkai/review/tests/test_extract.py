"""Attachment text for the scan: DOCX, XLSX, TXT in GBK and PDF text layers are read; scanned or
broken PDFs, images and other files are reported unreadable (a person must look), never passed
as empty."""

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


def _text_pdf(line: str) -> bytes:
    """A minimal one-page PDF with a text layer (Helvetica, ASCII)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({line}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def test_pdf_text_layer_is_read_and_a_scan_is_flagged() -> None:
    from gongkai.lib.pii import detect
    from gongkai.review.extract import extract_text

    found = extract_text("通知.pdf", _text_pdf("Contact 13800138000 for details"))
    assert found.readable and "13800138000" in (found.text or "")
    assert [f.type for f in detect(found.text or "")] == ["mobile"]
    blank = extract_text("扫描件.pdf", _text_pdf(""))
    assert not blank.readable and "扫描件" in blank.message
    broken = extract_text("坏.pdf", b"%PDF-1.4 not really")
    assert not broken.readable
