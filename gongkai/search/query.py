"""Reading what people type into the search box. Never raises on any input.

- Words are ANDed; a word the index may hold only as its parts (资金管理 in 专项资金管理办法)
  also matches when all its parts are present.
- "quoted text" (also “…” and 「…」) is an exact phrase.
- -word excludes (also －word after full-width folding).
- A query that is exactly a 文号 (GB/T 9704 form, any brackets) or a 索引号 is also looked up
  exactly, and that item comes first.
- Query syntax of the engines (AND OR NEAR( * : ( ) …) has no meaning here: it is text, and
  text with no letter, digit or Han character is dropped.
- Queries are cut at MAX_QUERY_CHARS characters and say so.
"""

import re
from dataclasses import dataclass, field

from gongkai.lib import segment
from gongkai.lib.docnumber import DocNumberError, normalize_doc_number
from gongkai.lib.indexno import INDEX_NO_RE

MAX_QUERY_CHARS = 100  # a title is rarely longer; more words only cost time
MAX_WORDS = 16

_PHRASE = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」')
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Word:
    text: str
    parts: tuple[str, ...] = ()  # its dictionary parts, any of which the index holds


@dataclass(frozen=True)
class ParsedQuery:
    raw: str
    words: tuple[Word, ...] = ()
    phrases: tuple[tuple[tuple[int, str], ...], ...] = ()
    phrase_texts: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    exact: str = ""  # a normalised 文号 or 索引号
    truncated: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.phrases or self.exact)

    def highlight_terms(self) -> list[str]:
        """Normalised strings to mark in titles and snippets, longest first."""
        terms = {w.text for w in self.words} | set(self.phrase_texts)
        terms |= {p for w in self.words for p in w.parts}
        return sorted((t for t in terms if t), key=len, reverse=True)


def exact_id(text: str) -> str:
    """The normalised 文号 or 索引号 if the whole text is one, else ''."""
    text = text.strip().translate(segment.WIDTH)
    if not text or len(text) > 80:
        return ""
    if INDEX_NO_RE.match(text):
        return text
    try:
        return normalize_doc_number(text)
    except DocNumberError:
        return ""


def _word(text: str) -> Word:
    """A query word, with its parts when they cover every character of it."""
    parts = segment.subwords(text)
    known = set(parts)
    covered = {
        i + k
        for i in range(len(text))
        for n in (2, 3)
        if text[i : i + n] in known
        for k in range(n)
    }
    return Word(text, tuple(parts) if len(covered) == len(text) else ())


def parse(raw: str | None) -> ParsedQuery:
    text = _CONTROL.sub(" ", raw or "").strip()
    truncated = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS]
    notes = [f"检索词过长，只按前 {MAX_QUERY_CHARS} 个字检索"] if truncated else []
    exact = exact_id(text)

    phrases: list[tuple[tuple[int, str], ...]] = []
    phrase_texts: list[str] = []
    words: list[Word] = []
    for m in _PHRASE.finditer(text):
        inner = next((g for g in m.groups() if g is not None), "")
        placed = segment.phrase_positions(inner)
        if len(placed) == 1:
            words.append(_word(placed[0][1]))
        elif placed:
            phrases.append(tuple(placed))
            phrase_texts.append(segment.normalize(re.sub(r"\s+", "", inner)))
    rest = _PHRASE.sub(" ", text).replace('"', " ")

    excluded: list[str] = []
    for chunk in rest.translate(segment.WIDTH).split():
        if chunk.startswith("-") and len(chunk) > 1:
            excluded.extend(segment.words(chunk[1:]))
        else:
            words.extend(_word(w) for w in segment.words(chunk))

    unique: dict[str, Word] = {}
    for w in words:
        unique.setdefault(w.text, w)
    kept = list(unique.values())
    if len(kept) > MAX_WORDS:
        kept = kept[:MAX_WORDS]
        notes.append(f"检索词过多，只按前 {MAX_WORDS} 个词检索")
    return ParsedQuery(
        raw=text,
        words=tuple(kept),
        phrases=tuple(phrases),
        phrase_texts=tuple(phrase_texts),
        excluded=tuple(dict.fromkeys(excluded)),
        exact=exact,
        truncated=truncated,
        notes=tuple(notes),
    )
