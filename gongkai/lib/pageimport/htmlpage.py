"""HTML → the same lines a saved-as-text page has, plus what only HTML knows.

Rules:
- Subtrees that are never content are dropped: scripts and styles, `<nav>`, `<aside>`, forms'
  buttons and selects, hidden elements, elements whose class/id names a chrome region
  (layout.HTML_CHROME_WORDS), and `<header>`/`<footer>` unless inside `<article>`/`<main>`.
- A breadcrumb element (layout.HTML_CRUMB_WORDS) becomes one line `当前位置：a > b > c`.
- Block elements and `<br>` end a line; table cells of one row are joined with a tab, so a
  metadata table `<td>索引号</td><td>…</td>` reads like `索引号：…` in a text page.
- Also collected: `<meta>` name/content pairs, `<title>`, the first `<h1>`, the base URL
  (`<base>`, canonical link) and links to files (attachments) outside dropped regions.
The parser is the standard library's, which tolerates unclosed and misnested tags.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from . import layout

_BLOCK = frozenset(
    {"address", "article", "blockquote", "br", "center", "dd", "div", "dl", "dt", "fieldset",
     "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
     "hr", "li", "main", "ol", "p", "pre", "section", "table", "tbody", "tfoot", "thead", "tr",
     "ul", "title", "caption"}
)  # fmt: skip
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr"}
)  # fmt: skip
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_WORDS = re.compile(r"[A-Za-z]+")


@dataclass
class HtmlPage:
    lines: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    title_tag: str = ""
    h1: str = ""
    base_url: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (absolute-or-raw href, text)


@dataclass
class _Open:
    tag: str
    skipping: bool = False
    crumb: bool = False


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = HtmlPage()
        self._stack: list[_Open] = []
        self._skip = 0
        self._line: list[str] = []
        self._crumb: list[str] | None = None
        self._crumb_links: list[str] = []
        self._link: tuple[str, list[str]] | None = None
        self._title: list[str] | None = None
        self._h1: list[str] | None = None

    # -- helpers --------------------------------------------------------------------------
    def _in(self, *tags: str) -> bool:
        return any(o.tag in tags for o in self._stack)

    def _is_chrome(self, tag: str, attrs: dict[str, str]) -> bool:
        if tag in layout.HTML_SKIP_TAGS or _HIDDEN.search(attrs.get("style", "")):
            return True
        if "hidden" in attrs or attrs.get("aria-hidden") == "true":
            return True
        if tag in ("header", "footer") and not self._in("article", "main"):
            return True
        words = {
            w.lower() for w in _WORDS.findall(f"{attrs.get('class', '')} {attrs.get('id', '')}")
        }
        names = f"{attrs.get('class', '')} {attrs.get('id', '')}".lower()
        return bool(words & layout.HTML_CHROME_WORDS) or "bdshare" in names

    def _is_crumb(self, attrs: dict[str, str]) -> bool:
        names = f"{attrs.get('class', '')} {attrs.get('id', '')}"
        return bool({w.lower() for w in _WORDS.findall(names)} & layout.HTML_CRUMB_WORDS)

    def _flush(self) -> None:
        line = re.sub(r"[ \r\n\f\v]+", " ", "".join(self._line)).strip(" ")
        line = re.sub(r" ?\t ?", "\t", line).strip("\t ")
        if line:
            # A leading tab marks text from a table cell, so a label and its value in
            # <td><p>…</p></td> cells can be paired again.
            self.page.lines.append("\t" + line if self._in("td", "th") else line)
        self._line = []

    # -- parser callbacks -----------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k.lower(): (v or "") for k, v in attrs_list}
        if tag == "meta":
            name = (attrs.get("name") or attrs.get("property") or "").strip().lower()
            if name and "content" in attrs and name not in self.page.meta:
                self.page.meta[name] = attrs["content"].strip()
            return
        if tag == "base" and attrs.get("href"):
            self.page.base_url = attrs["href"]
        if tag == "link" and "canonical" in attrs.get("rel", "").lower() and attrs.get("href"):
            self.page.base_url = self.page.base_url or attrs["href"]
        if tag in _VOID:
            if tag == "br" and not self._skip:
                self._flush()
            return
        entry = _Open(tag)
        if self._skip:
            pass
        elif self._crumb is None and self._is_crumb(attrs):
            entry.crumb = True
            self._flush()
            self._crumb, self._crumb_links = [], []
        elif self._is_chrome(tag, attrs):
            entry.skipping = True
            self._skip += 1
        self._stack.append(entry)
        if self._skip:
            return
        if tag in _BLOCK and self._crumb is None:
            self._flush()
        elif tag in ("td", "th"):
            self._line.append("\t")
        if tag == "title":
            self._title = []
        elif tag == "h1" and not self.page.h1:
            self._h1 = []
        elif tag == "a":
            self._link = (attrs.get("href", ""), [])

    def handle_endtag(self, tag: str) -> None:
        if not any(o.tag == tag for o in self._stack):
            return  # a stray end tag: ignore, as browsers do
        while self._stack:
            entry = self._stack.pop()
            self._close(entry)
            if entry.tag == tag:
                break

    def _close(self, entry: _Open) -> None:
        if entry.skipping:
            self._skip -= 1
            return
        if self._skip:
            return
        if entry.tag == "a" and self._link is not None:
            href, parts = self._link
            label = re.sub(r"\s+", " ", "".join(parts)).strip()
            if href:
                self.page.links.append((href, label))
            if self._crumb is not None and label:
                self._crumb_links.append(label)
            self._link = None
        if entry.tag == "title" and self._title is not None:
            self.page.title_tag = re.sub(r"\s+", " ", "".join(self._title)).strip()
            self._title = None
        if entry.tag == "h1" and self._h1 is not None:
            self.page.h1 = re.sub(r"\s+", " ", "".join(self._h1)).strip()
            self._h1 = None
        if entry.crumb and self._crumb is not None:
            text = re.sub(r"\s+", " ", "".join(self._crumb)).strip()
            if len(self._crumb_links) >= 2 and not layout.CRUMB_SEPARATOR.search(text):
                text = " > ".join(self._crumb_links)
            if text and not layout.BREADCRUMB.match(text):
                text = f"当前位置：{text}"
            if text:
                self.page.lines.append(text)
            self._crumb = None
        elif entry.tag in _BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._title is not None:
            self._title.append(data)
            return
        if self._link is not None:
            self._link[1].append(data)
        if self._h1 is not None:
            self._h1.append(data)
        if self._crumb is not None:
            self._crumb.append(data)
        else:
            self._line.append(data)

    def close(self) -> None:
        super().close()
        while self._stack:
            self._close(self._stack.pop())
        self._flush()


def parse_html(html: str, source_url: str | None = None) -> HtmlPage:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    page = parser.page
    base = urljoin(source_url or "", page.base_url) if page.base_url else (source_url or "")
    page.base_url = base
    page.links = [(urljoin(base, href) if base else href, text) for href, text in page.links]
    return page


def is_attachment(href: str, text: str) -> bool:
    path = urlsplit(href).path.lower()
    if path.endswith(layout.ATTACHMENT_SUFFIXES):
        return True
    return text.lower().endswith(layout.ATTACHMENT_SUFFIXES) or text.startswith("附件")
