"""Hit titles and snippets with the matched words marked — escaped HTML, safe to insert.

Every piece of the source text is escaped; only our own <mark> tags are added, so hostile text
in a document (`<script>`, `"onload=`) shows as text. Matching runs on the normalised text
(simplified, half-width, lower case) so 政務公開 marks 政务公开; the original characters are
shown when normalisation kept the length, else the normalised text.
"""

import re
from html import escape

from gongkai.lib import segment

SNIPPET_CHARS = 120
LEAD = 24  # characters shown before the first match


def _matches(norm: str, terms: list[str]) -> list[tuple[int, int, str]]:
    if not terms or not norm:
        return []
    pattern = re.compile("|".join(re.escape(t) for t in terms))  # terms longest first
    return [(m.start(), m.end(), m.group()) for m in pattern.finditer(norm)]


def _render(text: str, spans: list[tuple[int, int, str]], start: int, end: int) -> str:
    out: list[str] = []
    pos = start
    for s, e, _ in spans:
        if s < start or e > end:
            continue
        out += [escape(text[pos:s]), "<mark>", escape(text[s:e]), "</mark>"]
        pos = e
    out.append(escape(text[pos:end]))
    return "".join(out)


def _source(text: str) -> tuple[str, str]:
    text = re.sub(r"\s+", " ", text or "").strip()
    norm = segment.normalize(text)
    return (text if len(norm) == len(text) else norm), norm


def mark(text: str, terms: list[str]) -> str:
    shown, norm = _source(text)
    return _render(shown, _matches(norm, terms), 0, len(shown))


def snippet(text: str, terms: list[str], size: int = SNIPPET_CHARS) -> str:
    """The passage of `text` with the most distinct matched words, marked."""
    shown, norm = _source(text)
    spans = _matches(norm, terms)
    start = 0
    if spans:
        best = -1
        for s, _, _ in spans:
            window = {t for a, b, t in spans if s - LEAD <= a and b <= s - LEAD + size}
            if len(window) > best:
                best, start = len(window), max(0, s - LEAD)
    end = min(len(shown), start + size)
    start = max(0, min(start, end - size))
    html = _render(shown, spans, start, end)
    return ("…" if start else "") + html + ("…" if end < len(shown) else "")
