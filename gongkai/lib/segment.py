"""Chinese word segmentation (分词) for full-text search — the same rules at index and query time.

Chinese has no spaces, so both documents and queries are cut into words by rjieba (a Rust port
of jieba with identical output) with the government vocabulary in `data/userdict.txt` added
(政务公开, 依申请公开, 放管服, 一网通办, agency names …). Before cutting, text is normalised:
full-width letters, digits and punctuation to half-width, Latin to lower case, and traditional
characters to simplified with OpenCC `t2s`, so 政務公開 finds 政务公开.

Documents are indexed with `index_tokens` (jieba's search mode: every word, preceded by the
dictionary words of two and three characters inside it), so 资金 is found inside 专项资金 —
measured recall 0.98 against substring truth, against 0.74 for plain cutting. Queries are cut
with `words` and a word that the index may hold only as its parts is matched by `subwords`.
Tokens without a letter, digit or Han character (punctuation, spaces) are dropped on both sides,
so token positions agree and `phrase_positions` can place a quoted phrase exactly.

`index_pairs` gives each pair of neighbouring words (plain cut) as one token "前词/后词", and
`phrase_pairs` the same for a quoted phrase: a phrase of two words is then one lookup of a rare
token instead of reading the positions of two common words in most documents.

Pure logic: no Django here.
"""

import re
import threading
from collections.abc import Iterable
from functools import cache
from itertools import pairwise
from pathlib import Path

import opencc
import rjieba

USERDICT = Path(__file__).parent / "data" / "userdict.txt"

# full-width ASCII (FF01–FF5E) to half-width, and the ideographic space to a space
WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")
_HALF = {chr(c): chr(to) for c, to in WIDTH.items()}

# Indexing speed (measured, bench/search.py): per-token Python work cost as much as rjieba itself,
# so documents take a path without any: characters that are neither word characters nor the
# symbols jieba keeps inside a word (its re_han: + # & . _ % -, also full width) become spaces
# *before* cutting — jieba splits there anyway and those tokens were dropped — and the tokens are
# joined by spaces as they come; only tokens made of those symbols alone are then removed.
# Search mode is the plain cut with each word preceded by its dictionary parts, so documents are
# cut once (the plain cut also gives the pairs) and each word's parts are looked up in a memo:
# 0.84 → 0.69 ms CPU per document at build (bench/search.py, 20,000 documents).
_NOT_WORD = re.compile(r"[^\w+#&.%\-＋＃＆．％－＿]+")
_HAS_SYMBOL = re.compile(r"[+#&.%_\-]")
_SYMBOLS_ONLY = re.compile(r"(?<!\S)[+#&.%_\-]+(?!\S)")

PAIR = "/"  # joins two neighbouring words; never inside a token (`_NOT_WORD` removes it)

_local = threading.local()
_lock = threading.Lock()


def _converter() -> opencc.OpenCC:
    # one converter per thread: the binding keeps state between calls
    cc = getattr(_local, "t2s", None)
    if cc is None:
        cc = _local.t2s = opencc.OpenCC("t2s")
    return cc


def read_userdict(path: Path = USERDICT) -> list[tuple[str, int | None]]:
    """The (word, frequency or None) pairs of a user dictionary file; # starts a comment."""
    entries: list[tuple[str, int | None]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        entries.append((normalize(parts[0]), freq))
    return entries


@cache
def _jieba() -> rjieba.Jieba:
    with _lock:
        jieba = rjieba.Jieba()
        for word, freq in read_userdict():
            jieba.add_word(word, freq, None)
        return jieba


@cache
def _traditional() -> re.Pattern[str]:
    """The Han characters that t2s changes on their own: text without any is left as it is,
    which spares the conversion for the (simplified) bulk of government documents."""
    chars = [
        chr(c) for r in ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00)) for c in range(*r)
    ]
    converted = _converter().convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # never seen; then convert everything
        return re.compile(r"[^\x00-\x7f]")
    changed = "".join(c for c, t in zip(chars, converted, strict=True) if c != t)
    return re.compile(f"[{re.escape(changed)}]")


def _half(m: re.Match[str]) -> str:
    return _HALF[m.group()]


@cache
def _special() -> re.Pattern[str]:
    """Full-width and traditional characters in one class: most text has neither, and is then
    scanned once instead of twice."""
    return re.compile(f"{_FULL_WIDTH.pattern}|{_traditional().pattern}")


def normalize(text: str) -> str:
    """Half-width, lower-case, simplified. Keeps the length of text in all but rare phrases."""
    text = text or ""
    if not _special().search(text):
        return text.lower()
    if _FULL_WIDTH.search(text):  # translate() walks every character: replace just these
        text = _FULL_WIDTH.sub(_half, text)
    text = text.lower()
    if text and _traditional().search(text):
        return _converter().convert(text)
    return text


_WORDLIKE = re.compile(r"[^\W_]")  # a letter, digit or Han character


def _keep(token: str) -> bool:
    return token.isalnum() or _WORDLIKE.search(token) is not None


def words(text: str) -> list[str]:
    """The words of a query (or a phrase), normalised; punctuation dropped."""
    return [w for w in _jieba().cut(normalize(text)) if _keep(w)]


def index_text(text: str, *, normalized: bool = False) -> str:
    """`index_tokens` joined by ASCII spaces (runs of spaces may occur), as a whitespace
    tokenizer reads them — the fast path for indexing."""
    text = _NOT_WORD.sub(" ", text or "")
    return _search_cut(text if normalized else normalize(text))[0]


def index_text_and_pairs(text: str) -> tuple[str, str]:
    """`index_text` and `index_pairs` of a text, normalising, cleaning and cutting it once."""
    tokens, plain = _search_cut(normalize(_NOT_WORD.sub(" ", text or "")))
    words = plain.split()
    return tokens, " ".join(map(PAIR.join, pairwise(words)))


class _Expansions(dict[str, str]):
    """A word of the plain cut → itself preceded by its dictionary parts of two and three
    characters, as jieba's search mode puts them (`subwords`), remembered per word."""

    def __missing__(self, word: str) -> str:
        if len(self) >= _EXPANSIONS_MAX:  # bounded: rare words (numbers, names) keep coming
            self.clear()
        value = " ".join([*subwords(word), word]) if len(word) > 2 else word
        self[word] = value
        return value


_EXPANSIONS_MAX = 500_000
_expansions = _Expansions()


def _symbol_blocks(text: str) -> list[str]:
    """`text` cut around its space-separated blocks holding a symbol: [text before, block, text
    between, block, …, text after] (found from the few symbols: a regex over blocks is slower)."""
    pieces, start = [], 0
    for m in _HAS_SYMBOL.finditer(text):
        if (at := m.start()) < start:
            continue  # inside the block just taken
        begin, end = text.rfind(" ", 0, at) + 1, text.find(" ", at)
        end = len(text) if end < 0 else end
        pieces += [text[start:begin], text[begin:end]]
        start = end
    pieces.append(text[start:])
    return pieces


def _search_cut(text: str) -> tuple[str, str]:
    """The search-mode tokens and the plain words of cleaned, normalised text, both joined by
    spaces, symbol-only tokens removed: one jieba pass, the parts of each word remembered."""
    jieba = _jieba()
    if not _HAS_SYMBOL.search(text):
        cut = jieba.cut(text)
        return " ".join(map(_expansions.__getitem__, cut)), " ".join(cut)
    # jieba's search mode also splits some words mixing Latin/digits with + # . % _ - (1.3c →
    # 3c), which the dictionary parts do not give: the space-separated blocks holding a symbol
    # take jieba's own second pass (jieba cuts each block on its own, so the rest stays one cut)
    tokens, plain = [], []
    for i, piece in enumerate(_symbol_blocks(text)):
        cut = jieba.cut(piece)
        plain.append(" ".join(cut))
        if i % 2:
            tokens.append(" ".join(jieba.cut_for_search(piece)))
        else:
            tokens.append(" ".join(map(_expansions.__getitem__, cut)))
    return _SYMBOLS_ONLY.sub(" ", " ".join(tokens)), _SYMBOLS_ONLY.sub(" ", " ".join(plain))


def index_pairs(text: str) -> str:
    """The neighbouring words of a text as "前词/后词" tokens, space-separated (what a phrase
    of two words is looked up by)."""
    return index_text_and_pairs(text)[1]


def phrase_pairs(phrase_words: list[str]) -> list[str]:
    """The "前词/后词" tokens a document holding these words in a row has (see `index_pairs`)."""
    return [f"{a}{PAIR}{b}" for a, b in pairwise(phrase_words)]


def index_tokens(text: str, *, normalized: bool = False) -> list[str]:
    """The tokens a document is indexed under: each word preceded by its dictionary parts."""
    return index_text(text, normalized=normalized).split()


def subwords(word: str) -> list[str]:
    """The dictionary words of two and three characters inside `word`, in jieba's search-mode
    order — exactly the tokens `index_tokens` puts before `word` (word already normalised)."""
    jieba = _jieba()
    parts: list[str] = []
    for n in (2, 3):
        if len(word) > n:
            parts.extend(
                g for i in range(len(word) - n + 1) if jieba.has_word(g := word[i : i + n])
            )
    return parts


def phrase_positions(text: str) -> list[tuple[int, str]]:
    """The words of a phrase with the positions they have relative to each other among a
    document's `index_tokens`, for an exact phrase query."""
    placed: list[tuple[int, str]] = []
    pos = 0
    for word in words(text):
        pos += len(subwords(word))
        placed.append((pos, word))
        pos += 1
    return placed


def add_words(entries: Iterable[str]) -> None:
    """Add words (e.g. organisation names) to the segmenter of this process."""
    jieba = _jieba()
    for word in entries:
        if word := normalize(word).strip():
            jieba.add_word(word, None, None)
    _expansions.clear()  # a new word may be a part of words already remembered
