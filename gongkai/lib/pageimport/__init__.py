"""Reading pages of old government websites: bytes → text → a PageRecord of metadata and body.

Pure Python, no Django (an import-linter contract keeps gongkai.lib free of it), so the
importer, the crawler, the benchmark and the tests all use the same code:

    record = extract(decode(raw_bytes), source_url="http://…")
    record.title, record.index_no, record.written_on, record.body_text, record.warnings …

Modules: decoding (encodings), normalize (traditional → simplified, pinyin annotations,
widths), dates (every date form seen, never inventing one), layout (the labels and chrome
rules, as data — a new site's layout is added there), htmlpage (HTML → lines) and extractor
(zones, fields, warnings), sitelines (what one site repeats on most pages). Writing records into
the database is not done here.
"""

from .dates import parse_date
from .decoding import PageDecodeError, decode
from .extractor import Attachment, PageRecord, extract, page_lines
from .sitelines import SiteLines

__all__ = ["Attachment", "PageDecodeError", "PageRecord", "SiteLines", "decode", "extract",
           "page_lines", "parse_date"]  # fmt: skip
