"""Sanitising the rich-text body of government information (nh3, the Rust ammonia sanitiser).

Allowed: the structure official documents use (headings, paragraphs, lists, tables, links,
images, emphasis). Scripts, event handlers, `javascript:` URLs, `style` (CSS expressions)
and unknown tags are removed; links get rel="noopener noreferrer".
"""

import re

import nh3

TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s",
    "sub", "sup", "blockquote", "pre", "code", "ul", "ol", "li", "table", "thead", "tbody",
    "tfoot", "tr", "th", "td", "caption", "colgroup", "col", "a", "img", "span", "div",
    "figure", "figcaption",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "p": {"align"},
    "div": {"align"},
    "col": {"span"},
    "ol": {"start", "type"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html or "",
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


_BLOCK_END = re.compile(
    r"<\s*(?:br|hr)\b[^>]*>|<\s*/\s*(?:p|div|li|tr|h[1-6]|table|caption|blockquote|pre|ul|ol|"
    r"figure|figcaption|thead|tbody|tfoot)\s*>",
    re.IGNORECASE,
)
_CELL_END = re.compile(r"<\s*/\s*t[dh]\s*>", re.IGNORECASE)
_SPACES = re.compile(r"[^\S\n\t]+")


def html_to_lines(html: str) -> str:
    """Plain text keeping the fragment's layout: a line per paragraph, list item or table row,
    table cells separated by tabs. Without the breaks, two cells (身份证号, 手机号) would read as
    one long number that no detector recognises."""
    import html as _html

    marked = _CELL_END.sub("\t", _BLOCK_END.sub("\n", html or ""))
    text = _html.unescape(nh3.clean(marked, tags=set()))
    lines = (_SPACES.sub(" ", line).strip(" ").rstrip("\t") for line in text.split("\n"))
    return "\n".join(line for line in lines if line.strip())


def html_to_text(html: str) -> str:
    """Plain text of a fragment on one line (for summaries and search); tags dropped, entities
    kept as text, a space where a block or a table cell ended."""
    return re.sub(r"\s+", " ", html_to_lines(html)).strip()
