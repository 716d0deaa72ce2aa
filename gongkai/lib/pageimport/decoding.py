"""Bytes of a saved page → text, whatever encoding the old site used.

Order of attempts:
1. A byte-order mark decides (UTF-8 BOM, UTF-16 LE/BE).
2. Bytes with NULs or many control characters are not a page: PageDecodeError.
3. Strict UTF-8 (most pages since ~2015).
4. Otherwise every candidate — the charset the page declares (`<meta charset>`), GB18030 (a
   superset of GB2312/GBK), Big5, UTF-8 — that decodes with at most 0.5% broken bytes (a stray
   or truncated byte) is scored by the share of common Chinese characters in the result; a
   wrong guess yields rare characters, so the highest share wins.
5. No Chinese candidate: charset_normalizer's best guess; none either → PageDecodeError.
"""

import codecs
import re
from functools import lru_cache

import charset_normalizer

from .normalize import to_simplified


class PageDecodeError(ValueError):
    """The bytes are not a text or HTML page in any encoding we know."""


# The 500 most frequent characters of modern Chinese; their traditional forms are added below.
_COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下"
    "过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两"
    "体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线"
    "内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并"
    "提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见"
    "计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七"
    "海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场"
    "身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广"
    "石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办"
    "青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江"
    "型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞务督审核"
)
_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "x-gbk": "gb18030"}


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    from opencc import OpenCC  # s2t gives the traditional forms of the list, for Big5 pages

    return (
        frozenset(_COMMON)
        | frozenset(OpenCC("s2t").convert(_COMMON))
        | frozenset(to_simplified(_COMMON))
    )


def _score(text: str) -> float:
    """Share of common characters among the Chinese ones; replacement characters count against."""
    common = _common()
    cjk = hits = 0
    for ch in text:
        if "\u4e00" <= ch <= "\u9fff":
            cjk += 1
            hits += ch in common
    bad = text.count("\ufffd")
    return (hits - 3 * bad) / max(cjk, 1)


def _looks_binary(raw: bytes) -> bool:
    head = raw[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 0x09 or (0x0E <= b < 0x20 and b != 0x1B))
    return controls > len(head) * 0.02


def _declared(raw: bytes) -> str | None:
    if m := _DECLARED.search(raw[:4096]):
        name = m.group(1).decode("ascii").lower()
        try:
            codecs.lookup(name)
        except LookupError:
            return None
        return _ALIASES.get(name, name)
    return None


def decode(raw: bytes) -> str:
    """Decode a saved page; raise PageDecodeError (Chinese message) when it is not text."""
    if not raw:
        return ""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace")
    if _looks_binary(raw):
        raise PageDecodeError("文件含有二进制内容，不是网页或文本，无法导入")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates: dict[str, str] = {}
    for encoding in dict.fromkeys(filter(None, [_declared(raw), "gb18030", "big5", "utf-8"])):
        text = raw.decode(encoding, errors="replace")
        # A stray or truncated byte costs one character; more than 0.5% means a wrong guess.
        if text.count("\ufffd") <= max(1, len(text) // 200):
            candidates[encoding] = text
    if candidates:
        return max(candidates.values(), key=_score)
    best = charset_normalizer.from_bytes(raw).best()
    if best is None:
        raise PageDecodeError("无法识别文件编码（已尝试 UTF-8、GB18030、Big5）")
    return str(best)
