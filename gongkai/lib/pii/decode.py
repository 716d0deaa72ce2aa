"""Bytes to text for the detector: UTF-8 (with or without BOM), UTF-16 with BOM, GBK/GB18030.

Old government archives are often GBK; GB18030 (GB 18030-2022) is its superset, so it decodes
both. Anything else is tried with charset-normalizer; what none of them reads cleanly is refused
with a Chinese message rather than scanned as garbage, which would silently find nothing.
"""

import codecs
import unicodedata

_OTHER_CHINESE = ("big5", "big5hkscs", "cp950", "utf_16", "utf_32", "hz")


class UndecodableText(ValueError):
    """The bytes are not text in an encoding we can read."""


def _looks_like_text(text: str) -> bool:
    if not text:
        return True
    odd = sum(
        1 for c in text if (unicodedata.category(c) in ("Cc", "Co", "Cn") and c not in "\t\n\r\f")
    )
    return odd <= len(text) // 50


def decode_text(data: bytes) -> str:
    """Decode `data` or raise UndecodableText with a message for the user."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UndecodableText(
                f"文件以 UTF-8 标记开头，但第 {exc.start} 字节起不是合法的 UTF-8"
            ) from exc
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UndecodableText("文件以 UTF-16 标记开头，但内容不是合法的 UTF-16") from exc
    if b"\x00" in data:
        raise UndecodableText("输入含有空字节，看起来是二进制文件而不是文本")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    else:
        if _looks_like_text(text):
            return text
    from charset_normalizer import from_bytes  # only for the rare input that is neither

    # Chinese encodings only: on short input it also "finds" cp1251 in random bytes.
    best = from_bytes(data, cp_isolation=list(_OTHER_CHINESE)).best()
    if best is not None and best.encoding in _OTHER_CHINESE:
        guess = str(best)
        if _looks_like_text(guess):
            return guess
    raise UndecodableText("无法识别输入的字符编码：请提供 UTF-8 或 GBK/GB18030 编码的文本")
