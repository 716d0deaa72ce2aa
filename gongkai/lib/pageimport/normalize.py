"""Text normalisation of imported pages, before any field is matched.

Rules, in order:
1. Unicode NFC (a tone mark typed as a combining character becomes one code point).
2. Known artifacts of a broken simplified→traditional converter are repaired (table below).
3. Pinyin annotations that converter put after characters are removed: `印發(fā)` → `印發`,
   `關(guān)于` → `關于`. Only a parenthesised lowercase syllable with a tone mark (or a tone
   digit) directly after a Chinese character counts, so `(PPP)` or `(一)` stay.
4. Traditional → simplified with OpenCC `t2s` (a no-op on simplified text).
5. Width: full-width digits and Latin letters become ASCII and odd spaces (U+3000, NBSP,
   zero-width) become a plain space or vanish, so `２０１９年` and `2019年` match. Chinese
   punctuation in the text is left as written; `match_key` folds it only for comparisons.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A syllable carries a tone mark, or ends in a tone digit: `(fā)`, `(guan1)`.
_SYLLABLE = rf"(?:[a-zü]*[{_TONED}][a-zü{_TONED}]*|[a-zü]{{1,6}}[1-5])"
PINYIN_ANNOTATION = re.compile(rf"(?<=[{_CJK}])[(（]{_SYLLABLE}[)）]")
# The same converter loses some characters completely; these sequences were seen in the wild
# (e.g. 政府?dāng)?shù)據(jù) for 政府數據) and can be mapped back without guessing.
KNOWN_ARTIFACTS = {
    "?dāng)?shù)": "數",
}
# Otherwise a character the converter lost shows as `?` plus a dangling syllable: the syllable
# goes and the gap is marked with □, the usual sign for an illegible character in a transcript.
LOST_CHARACTER = re.compile(rf"\?[(（]?{_SYLLABLE}[)）]")

_WIDTH: dict[int, int | None] = {0xFF10 + i: 0x30 + i for i in range(10)}
_WIDTH.update({0xFF21 + i: 0x41 + i for i in range(26)})
_WIDTH.update({0xFF41 + i: 0x61 + i for i in range(26)})
_WIDTH.update({0x3000: 0x20, 0xA0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20})
_WIDTH.update({0x200B: None, 0x200C: None, 0x200D: None, 0xFEFF: None})
_WIDTH.update({c: None for c in range(0x00, 0x20) if c not in (0x09, 0x0A)})  # controls
_WIDTH[0x0D] = 0x0A
_WIDTH[0x7F] = None


_BRACKETS = str.maketrans({"〔": "[", "【": "[", "〕": "]", "】": "]", "《": "<", "》": ">"})


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc  # loaded once; the converter holds its dictionaries in memory

    return opencc.OpenCC("t2s")


_ASCII = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}


def fold_ascii(text: str) -> str:
    """Every full-width ASCII form (－／：．） included) → ASCII; for values, not for prose."""
    return fold_width(text).translate(_ASCII)


def fold_width(text: str) -> str:
    """Full-width digits/letters → ASCII, odd spaces → space, control characters dropped."""
    return text.translate(_WIDTH)


@dataclass(frozen=True)
class Normalized:
    text: str
    pinyin_removed: int = 0  # annotations like (fā) taken out
    lost: int = 0  # characters the source had already lost, now marked □
    converted: int = 0  # traditional characters turned simplified


def strip_pinyin(text: str) -> tuple[str, int, int]:
    """Remove converter pinyin annotations; return the text, annotations removed, chars lost."""
    for artifact, original in KNOWN_ARTIFACTS.items():
        text = text.replace(artifact, original)
    text, lost = LOST_CHARACTER.subn("□", text)
    text, removed = PINYIN_ANNOTATION.subn("", text)
    return text, removed, lost


def to_simplified(text: str) -> str:
    return str(_t2s().convert(text)) if text else text


def normalize_text(text: str) -> Normalized:
    """All rules above, with counts of what was changed (they become warnings)."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n")
    text, removed, lost = strip_pinyin(text)
    simplified = to_simplified(text)
    # OpenCC t2s maps one character to one, so a positional comparison counts the changes.
    converted = sum(map(str.__ne__, text, simplified))
    return Normalized(fold_width(simplified), removed, lost, converted)


def normalize_value(text: str) -> str:
    """A metadata value or a title: rules above, then whitespace collapsed."""
    value = normalize_text(text or "").text
    return re.sub(r"\s+", " ", value).strip()


def match_key(text: str) -> str:
    """What two spellings of the same title share: NFKC, no whitespace, one kind of bracket."""
    key = unicodedata.normalize("NFKC", text)
    key = key.translate(_BRACKETS)
    return re.sub(r"\s+", "", key)
