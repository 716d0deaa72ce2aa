"""Attachment checks: the type is read from the file's content, not from its name.

An attachment is accepted only when its bytes are one of the formats agencies publish and its
name's extension agrees with those bytes (a renamed .exe called 通知.pdf is refused).
"""

import zipfile
from dataclasses import dataclass
from typing import BinaryIO

import filetype

# extension -> MIME type, for formats a government site publishes
ALLOWED = {
    "pdf": "application/pdf",
    "ofd": "application/ofd",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "wps": "application/vnd.ms-works",
    "et": "application/vnd.ms-excel",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "zip": "application/zip",
    "rar": "application/vnd.rar",
    "7z": "application/x-7z-compressed",
    "txt": "text/plain",
    "csv": "text/csv",
}
# detected kind -> extensions whose files have those bytes (OLE2 and ZIP carry several formats)
_COMPATIBLE = {
    "pdf": {"pdf"},
    "doc": {"doc", "xls", "ppt", "wps", "et"},
    "xls": {"doc", "xls", "ppt", "wps", "et"},
    "ppt": {"doc", "xls", "ppt", "wps", "et"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "pptx": {"pptx"},
    "odt": {"odt"},
    "ods": {"ods"},
    "jpg": {"jpg", "jpeg"},
    "png": {"png"},
    "gif": {"gif"},
    "zip": {"zip", "ofd", "docx", "xlsx", "pptx"},
    "rar": {"rar"},
    "7z": {"7z"},
}


class UploadRejected(ValueError):
    """The file may not be attached; the message says why, in Chinese."""


@dataclass(frozen=True)
class CheckedFile:
    extension: str
    content_type: str


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for enc in ("utf-8", "gb18030"):
        try:
            head.decode(enc)
            return True
        except UnicodeDecodeError as e:
            if e.start > len(head) - 4:  # a character cut at the end of the sample
                return True
    return False


def fit_name(name: str, max_length: int) -> str:
    """`name` cut to `max_length` characters keeping its extension (audit F7: a 300-character
    name would not fit the column; PostgreSQL refuses it, SQLite stores it unchecked)."""
    if len(name) <= max_length:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) + 1 >= max_length:
        return name[:max_length]
    return stem[: max_length - len(ext) - 1].rstrip() + "." + ext


def check_upload(name: str, stream: BinaryIO, size: int, max_bytes: int) -> CheckedFile:
    if size <= 0:
        raise UploadRejected(f"附件“{name}”是空文件")
    if size > max_bytes:
        raise UploadRejected(
            f"附件“{name}”大小 {size / 1048576:.1f} MB，超过上限 {max_bytes / 1048576:.0f} MB"
        )
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED:
        allowed = "、".join(sorted(ALLOWED))
        raise UploadRejected(f"不支持的附件类型“.{ext or '（无扩展名）'}”。允许的类型：{allowed}")
    stream.seek(0)
    head = stream.read(8192)
    stream.seek(0)
    kind = filetype.guess(head)
    if ext in {"txt", "csv"}:
        if kind is not None or not _looks_like_text(head):
            raise UploadRejected(f"附件“{name}”的内容不是文本文件，与扩展名不符")
        return CheckedFile(ext, ALLOWED[ext])
    detected = kind.extension if kind else None
    if detected not in _COMPATIBLE or ext not in _COMPATIBLE[detected]:
        found = f"“{detected}”" if detected else "无法识别的"
        raise UploadRejected(f"附件“{name}”的实际内容是{found}格式，与扩展名“.{ext}”不符，已拒绝")
    if ext == "ofd" and not _zip_has(stream, "OFD.xml"):
        raise UploadRejected(f"附件“{name}”不是有效的 OFD 文件")
    return CheckedFile(ext, ALLOWED[ext])


def _zip_has(stream: BinaryIO, member: str) -> bool:
    try:
        with zipfile.ZipFile(stream) as z:
            return any(n.rsplit("/", 1)[-1] == member for n in z.namelist())
    except zipfile.BadZipFile:
        return False
    finally:
        stream.seek(0)
