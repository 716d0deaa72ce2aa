"""Sanitising the rich-text body of government information (nh3, the Rust ammonia sanitiser).

Allowed: the structure official documents use (headings, paragraphs, lists, tables, links,
images, emphasis). Scripts, event handlers, `javascript:` URLs, `style` (CSS expressions)
and unknown tags are removed; links get rel="noopener noreferrer".
"""

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


def html_to_text(html: str) -> str:
    """Plain text of a fragment (for summaries and search); tags dropped, entities kept as text."""
    import html as _html
    import re

    text = nh3.clean(html or "", tags=set())
    return re.sub(r"\s+", " ", _html.unescape(text)).strip()
