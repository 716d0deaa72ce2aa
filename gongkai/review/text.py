"""What the review scans, how one identifier is recognised again, and how masks are applied.

No database here. A document's public face (`public_pieces`) is every text the public would
see: title, summary, keywords, 责任部门, 文号, and the public body (主动公开: the body;
删减后公开: its public version) — its text and the values of its links and image attributes
(a `mailto:` or `tel:` link leaks as surely as the text). Non-public attributes have no public
face. Masks are applied by value (every occurrence, separators and width ignored) with the
masking rules of `gongkai.lib.pii`; whatever a mask could not reach (an identifier split by
markup) is still found by the publishing gate, which re-reads the final text.
"""

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from gongkai.lib.pii import DEFAULT_POLICY, Finding, MaskRule, detect, mask_value, redact
from gongkai.lib.pii.normalize import fold_width
from gongkai.lib.richtext import html_to_lines

PUBLIC_ATTRIBUTES = ("active", "redacted")
CONTEXT = 24
# A reviewer who masks a credit code (an individual business) wants it masked: keep the head.
MASK_POLICY: dict[str, MaskRule | None] = {**DEFAULT_POLICY, "credit_code": MaskRule(6, 0)}

_ATTR = re.compile(r"""\s(?:href|title|alt|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_SEP = r"[\s\-\u2010-\u2014\u2212\uff0d\u3000]*"


@dataclass(frozen=True)
class Piece:
    field: (
        str  # title, summary, keywords, department, doc_number, body, body_attrs, attachment:<id>
    )
    label: str
    text: str


def html_pieces(field: str, label: str, fragment: str) -> list[Piece]:
    pieces = [Piece(field, label, html_to_lines(fragment))]
    attrs = " ".join(html.unescape(a or b) for a, b in _ATTR.findall(fragment or ""))
    if attrs.strip():
        pieces.append(Piece(f"{field}_attrs", f"{label}（链接与图片属性）", attrs))
    return pieces


def public_pieces(doc: Any) -> list[Piece]:
    """The public face of a document (`doc` is a documents.Document; read, never imported)."""
    if doc.disclosure_attribute not in PUBLIC_ATTRIBUTES:
        return []
    pieces = [
        Piece("title", "标题", doc.title or ""),
        Piece("summary", "内容概述", doc.summary or ""),
        Piece("keywords", "关键词", doc.keywords or ""),
        Piece("department", "责任部门", doc.department or ""),
        Piece("doc_number", "文号", doc.doc_number or ""),
    ]
    return [p for p in pieces if p.text] + html_pieces("body", "正文", doc.public_body())


def fingerprint(kind: str, value: str) -> str:
    """One identifier however it is written: width, case and separators ignored."""
    folded = fold_width(value).strip()
    if kind == "email":
        core = folded.lower()
    elif kind in ("person_name", "address"):
        core = folded
    else:
        core = "".join(c for c in folded if c.isalnum()).upper()
        if kind == "mobile":
            core = core[-11:]
    return f"{kind}:{core}"[:340]


@dataclass
class Found:
    kind: str
    value: str
    confidence: float
    occurrences: list[dict[str, Any]] = field(default_factory=list)


def find(pieces: Iterable[Piece]) -> dict[str, Found]:
    """Findings by fingerprint, each with every occurrence and a little context around it."""
    found: dict[str, Found] = {}
    for piece in pieces:
        for f in detect(piece.text):
            key = fingerprint(f.type, f.text)
            entry = found.setdefault(key, Found(f.type, f.text, f.confidence))
            entry.confidence = max(entry.confidence, f.confidence)
            entry.occurrences.append(
                {
                    "field": piece.field,
                    "label": piece.label,
                    "start": f.start,
                    "end": f.end,
                    "before": piece.text[max(0, f.start - CONTEXT) : f.start],
                    "text": f.text,
                    "after": piece.text[f.end : f.end + CONTEXT],
                }
            )
    return found


def masked_form(kind: str, value: str) -> str:
    """How a value looks once masked; what the audit trail and messages may show."""
    rule = MASK_POLICY.get(kind) or MaskRule(1, 1)
    return mask_value(kind, value, rule)


def _pattern(kind: str, value: str) -> re.Pattern[str]:
    folded = fold_width(value)
    if kind in ("email", "person_name", "address"):
        return re.compile(re.escape(folded), re.IGNORECASE)
    core = "".join(c for c in folded if c.isalnum())
    if kind == "mobile":
        core = core[-11:]
    body = _SEP.join(re.escape(c) for c in core)
    return re.compile(rf"(?<![0-9A-Za-z]){body}(?![0-9A-Za-z])", re.IGNORECASE)


def apply_masks(text: str, masked: Iterable[tuple[str, str]]) -> str:
    """`text` with every occurrence of each (kind, value) masked; the same text if none occurs."""
    if not text:
        return text
    folded = fold_width(text)
    located: list[Finding] = []
    spans: list[tuple[int, int]] = []
    for kind, value in masked:
        if MASK_POLICY.get(kind) is None and kind != "credit_code":
            continue
        m = _pattern(kind, value).search(folded)
        if m is None or any(m.start() < e and s < m.end() for s, e in spans):
            continue
        spans.append(m.span())
        located.append(Finding(kind, m.start(), m.end(), text[m.start() : m.end()], 1.0))
    if not located:
        return text
    return redact(text, located, policy=MASK_POLICY)
