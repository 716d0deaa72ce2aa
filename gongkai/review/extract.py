"""Text of an attachment, for the personal-information scan before publication.

Read: TXT/CSV (UTF-8, GBK/GB18030, via `decode_text`), DOCX (the XML inside the ZIP: body,
headers, footers, notes, comments), XLSX (openpyxl, every cell of every sheet), PDF (pypdf, the
text layer of every page). Anything else — a PDF without a text layer (a scan), OFD, old binary
DOC/XLS/WPS, images, archives — and any file that fails to open is reported unreadable, so the
reviewer must look at it by hand: an attachment is never passed silently. Compressed members are
size-checked before inflating.
"""

import html
import io
import re
import zipfile
from dataclasses import dataclass

from gongkai.lib.pii import UndecodableText, decode_text

MAX_CHARS = 5_000_000
MAX_INFLATED = 200 * 1024 * 1024  # a ZIP member larger than this is refused, not inflated

_DOCX_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$")
_W_TEXT = re.compile(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>|<w:tab/>|<w:br/>|</w:p>")


@dataclass(frozen=True)
class Extracted:
    text: str | None  # None: could not be read, a person must review the file
    message: str = ""

    @property
    def readable(self) -> bool:
        return self.text is not None


def _unreadable(message: str) -> Extracted:
    return Extracted(None, message)


def extract_text(name: str, data: bytes) -> Extracted:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    try:
        if ext in ("txt", "csv"):
            return Extracted(decode_text(data)[:MAX_CHARS])
        if ext == "docx":
            return _docx(data)
        if ext == "xlsx":
            return _xlsx(data)
        if ext == "pdf":
            return _pdf(data)
    except UndecodableText as e:
        return _unreadable(f"无法读取文字：{e}")
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        return _unreadable(f"文件已损坏或格式不符，无法读取文字（{type(e).__name__}）")
    if ext in ("jpg", "jpeg", "png", "gif"):
        return _unreadable("图片中的文字无法自动检测，请人工审阅")
    return _unreadable(f"不支持自动读取 .{ext or '（无扩展名）'} 文件的文字，请人工审阅")


def _pdf(data: bytes) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return _unreadable("PDF 已加密，无法读取文字，请人工审阅")
        parts, size = [], 0
        for page in reader.pages:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size > MAX_CHARS:
                break
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as e:
        return _unreadable(f"PDF 已损坏或格式不符，无法读取文字（{type(e).__name__}）")
    text = "\n".join(parts)[:MAX_CHARS]
    if not text.strip():
        return _unreadable("PDF 没有可提取的文字（可能是扫描件），请人工审阅")
    return Extracted(text)


def _check_sizes(archive: zipfile.ZipFile) -> None:
    if sum(i.file_size for i in archive.infolist()) > MAX_INFLATED:
        raise ValueError("解压后过大")


def _docx(data: bytes) -> Extracted:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        _check_sizes(archive)
        parts = sorted(n for n in archive.namelist() if _DOCX_PARTS.match(n))
        if "word/document.xml" not in parts:
            raise KeyError("word/document.xml")
        chunks: list[str] = []
        for part in parts:
            xml = archive.read(part).decode("utf-8", errors="replace")
            for m in _W_TEXT.finditer(xml):
                if m.group(1) is not None:
                    chunks.append(html.unescape(m.group(1)))
                else:
                    chunks.append("\t" if m.group() == "<w:tab/>" else "\n")
            chunks.append("\n")
    return Extracted("".join(chunks)[:MAX_CHARS])


def _xlsx(data: bytes) -> Extracted:
    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        _check_sizes(archive)
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    lines: list[str] = []
    size = 0
    try:
        for sheet in book.worksheets:
            lines.append(str(sheet.title))
            for row in sheet.iter_rows(values_only=True):
                line = "\t".join(_cell(v) for v in row).rstrip("\t")
                if line:
                    lines.append(line)
                    size += len(line)
                if size > MAX_CHARS:
                    break
    finally:
        book.close()
    return Extracted("\n".join(lines)[:MAX_CHARS])


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone number typed as a number reads 13800138000, not …0.0
    return str(value)
