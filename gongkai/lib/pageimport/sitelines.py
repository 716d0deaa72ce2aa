"""Lines a site repeats on most of its pages: navigation, footers, banners (issue 17 §2).

`import_site` sees many pages of one site. A line that stands on at least half of the pages seen
so far (and on three of them at least, once four pages are in) is the site's own boilerplate,
whatever its wording: the extractor drops it like chrome. A line that reads as content is never
counted: a sentence (。！？), a salutation (各有关单位：), or a long line — so a 主送 line or a
standard paragraph that many documents share stays in their text.
"""

import re
from collections import Counter
from collections.abc import Iterable

from .normalize import match_key

MIN_PAGES = 4  # below this nothing is common enough to tell
MIN_SHARE = 0.5
MAX_LENGTH = 120
_CONTENT = re.compile(r"[。！？]|[:：]$")


def candidate(line: str) -> str | None:
    """The comparison key of a line that could be boilerplate, None for content-like lines."""
    text = line.strip()
    if not text or len(text) > MAX_LENGTH or _CONTENT.search(text):
        return None
    return match_key(text)


class SiteLines:
    """Counts, per distinct line, the pages of one site it appears on."""

    def __init__(self) -> None:
        self.pages = 0
        self.counts: Counter[str] = Counter()

    def add(self, lines: Iterable[str]) -> None:
        keys = {key for line in lines if (key := candidate(line))}
        self.pages += 1
        self.counts.update(keys)

    def common(self) -> frozenset[str]:
        if self.pages < MIN_PAGES:
            return frozenset()
        need = max(3, MIN_SHARE * self.pages)
        return frozenset(key for key, n in self.counts.items() if n >= need)
