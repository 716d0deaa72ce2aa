"""Full-width to half-width folding that keeps every offset.

Government text types digits, letters and separators in full width (１３８－００１３, Ｅ１２３,
＠). Each full-width form U+FF01–U+FF5E maps to exactly one ASCII character and the ideographic
space to one space, so the folded text has the same length and offsets carry over unchanged.
"""

import re

_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_TABLE[0x3000] = 0x20
# Full-width punctuation alone is everywhere in Chinese text and changes no match: skip it.
_NEEDS_FOLDING = re.compile(r"[\uff10-\uff19\uff20-\uff3a\uff41-\uff5a]")
_SPAN = re.compile(
    r"[\uff08\uff0b]?[\uff10-\uff19\uff20-\uff3a\uff41-\uff5a][\uff01-\uff5e\u3000]*"
)


def _fold(match: re.Match[str]) -> str:
    return match.group().translate(_TABLE)


def fold_width(text: str) -> str:
    """Return `text` with full-width ASCII forms folded; same length, same offsets."""
    if _NEEDS_FOLDING.search(text) is None:
        return text
    return _SPAN.sub(_fold, text)
