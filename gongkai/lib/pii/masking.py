"""De-identification by masking (去标识化, GB/T 37964-2019 §5: suppression of parts of a value).

Each type has a rule: how many significant characters to keep at the start and at the end, the
rest replaced by `*` one-for-one so that offsets stay valid. The defaults follow what government
sites publish: 5201**********1234, 138****8000, **** **** **** 1234, 张*, 张*明. 统一社会信用代码
identifies an organisation and is not masked unless the policy asks for it. After masking, every
other occurrence of a masked value (the same number written again, the name repeated without its
cue) is masked the same way, so the page never shows it in clear or in two different masks.
"""

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from gongkai.lib.pii.detector import DEFAULT_MIN_CONFIDENCE, Finding, detect
from gongkai.lib.pii.names import NameTagger, surname_length
from gongkai.lib.pii.normalize import fold_width


@dataclass(frozen=True, slots=True)
class MaskRule:
    """Keep `keep_start` and `keep_end` significant characters (letters, digits, Han).

    Counted over the whole value, except: mobile — over the last 11 digits (a +86 prefix is
    kept); landline — after the area code, which is kept; email — over the part before @, the
    domain is kept; person_name — over the given name, the surname is kept; address — after the
    province/city/district prefix, which is kept. At least one character is always masked.
    """

    keep_start: int = 0
    keep_end: int = 0
    char: str = "*"


Policy = Mapping[str, MaskRule | None]

DEFAULT_POLICY: dict[str, MaskRule | None] = {
    "id_card": MaskRule(4, 4),
    "mobile": MaskRule(3, 4),
    "landline": MaskRule(0, 2),
    "bank_card": MaskRule(0, 4),
    "email": MaskRule(1, 0),
    "passport": MaskRule(1, 2),
    "license_plate": MaskRule(2, 1),
    "credit_code": None,
    "person_name": MaskRule(0, 1),
    "address": MaskRule(0, 0),
}

_ADMIN_PREFIX = re.compile(
    r"^[\u4e00-\u9fff]*(?:省|自治区|市|自治州|州|盟|区|县|旗)(?=[\u4e00-\u9fff])"
)
_STREET_MARK = re.compile(r"[路街巷弄村组号栋幢楼室镇乡]|单元|小区|社区")
_HAN_TYPES = frozenset({"person_name", "address", "license_plate", "other"})
_SEPARATORS = r"[ \-\u2010-\u2014\u2212\uff0d\u3000]?"


def _significant(c: str, han: bool) -> bool:
    # Han characters count only in names, addresses and plates; elsewhere they are 转 or 分机.
    return c.isalnum() and (han or not "\u4e00" <= c <= "\u9fff")


def _mask_span(value: str, keep_start: int, keep_end: int, char: str, han: bool = False) -> str:
    positions = [i for i, c in enumerate(value) if _significant(c, han)]
    n = len(positions)
    if keep_start + keep_end >= n:
        keep_end = 0
        keep_start = min(keep_start, max(n - 1, 0))
    hidden = set(positions[keep_start : n - keep_end])
    return "".join(char if i in hidden else c for i, c in enumerate(value))


def _admin_prefix_length(value: str) -> int:
    street = _STREET_MARK.search(value)
    head = value[: street.start()] if street else value
    m = _ADMIN_PREFIX.match(head)
    # Keep at most the district; what follows it is what identifies a household.
    prefix = m.group() if m else ""
    return len(prefix) if len(prefix) < len(value) else 0


def mask_value(kind: str, value: str, rule: MaskRule) -> str:
    """`value` of type `kind` masked by `rule`; same length as `value`."""
    folded = fold_width(value)
    head = 0
    if kind == "mobile":
        count = sum(c.isdigit() for c in folded)
        head = _nth_significant(folded, max(count - 11, 0))
    elif kind == "landline":
        digits = "".join(c for c in folded if c.isdigit())
        area = 3 if digits.startswith(("010", "02")) else 4
        head = _nth_significant(folded, area)
    elif kind == "email":
        at = folded.find("@")
        if at > 0:
            return _mask_span(value[:at], rule.keep_start, rule.keep_end, rule.char) + value[at:]
    elif kind == "person_name":
        head = surname_length(value)
    elif kind == "address":
        head = _admin_prefix_length(value)
    han = kind in _HAN_TYPES
    return value[:head] + _mask_span(value[head:], rule.keep_start, rule.keep_end, rule.char, han)


def _nth_significant(value: str, count: int) -> int:
    """Index just after the first `count` letters/digits of `value`."""
    if count <= 0:
        return 0
    seen = 0
    for i, c in enumerate(value):
        if c.isalnum():
            seen += 1
            if seen == count:
                return i + 1
    return len(value)


def _value_pattern(kind: str, value: str) -> str:
    folded = fold_width(value)
    if kind in ("email", "person_name", "address"):
        return re.escape(folded)
    core = "".join(c for c in folded if c.isalnum())
    if kind == "mobile" and len(core) > 11:
        core = core[-11:]  # the number itself, with or without +86
    return _SEPARATORS.join(re.escape(c) for c in core)


class _Spans:
    """Disjoint spans kept sorted, for overlap tests in O(log n)."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._spans: list[tuple[int, int]] = []

    def add_if_free(self, start: int, end: int) -> bool:
        i = bisect_left(self._starts, start)
        if (i and self._spans[i - 1][1] > start) or (
            i < len(self._spans) and self._spans[i][0] < end
        ):
            return False
        self._starts.insert(i, start)
        self._spans.insert(i, (start, end))
        return True


def _other_occurrences(
    text: str, masked: list[tuple[Finding, MaskRule]], taken: _Spans
) -> list[tuple[Finding, MaskRule]]:
    """Every further place in `text` where a masked value appears (separators and width ignored)."""
    by_pattern: dict[str, tuple[str, MaskRule]] = {}
    for finding, rule in masked:
        pattern = _value_pattern(finding.type, finding.text)
        if len(finding.text) >= 2:
            by_pattern.setdefault(pattern, (finding.type, rule))
    if not by_pattern:
        return []
    folded = fold_width(text)
    extra: list[tuple[Finding, MaskRule]] = []
    patterns = sorted(by_pattern, key=len, reverse=True)
    for i in range(0, len(patterns), 200):
        batch = patterns[i : i + 200]
        regex = re.compile("|".join(f"({p})" for p in batch), re.IGNORECASE)
        for m in regex.finditer(folded):
            start, end = m.span()
            if taken.add_if_free(start, end):
                kind, rule = by_pattern[batch[(m.lastindex or 1) - 1]]
                extra.append((Finding(kind, start, end, text[start:end], 1.0), rule))
    return extra


def redact(
    text: str,
    findings: Iterable[Finding] | None = None,
    *,
    policy: Policy | None = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    tagger: NameTagger | None = None,
) -> str:
    """`text` with the findings masked; `findings` default to `detect(text)`.

    `policy` overrides DEFAULT_POLICY per type; a rule of None leaves that type in clear
    (e.g. {"credit_code": MaskRule(8, 0)} masks credit codes of individual businesses).
    """
    rules = {**DEFAULT_POLICY, **(policy or {})}
    if findings is None:
        findings = detect(text, min_confidence=min_confidence, tagger=tagger)
    masked: list[tuple[Finding, MaskRule]] = []
    taken = _Spans()
    for f in sorted(findings, key=lambda f: f.start):
        rule = rules.get(f.type)
        if rule is None:
            continue
        if text[f.start : f.end] != f.text:
            raise ValueError(f"发现项“{f.text}”与文本第 {f.start} 字起的内容不符，请重新检测")
        if taken.add_if_free(f.start, f.end):
            masked.append((f, rule))
        elif masked and f.end > masked[-1][0].end:
            # A caller's overlapping finding: the part beyond the previous one is masked whole.
            start = masked[-1][0].end
            rest = Finding("other", start, f.end, text[start : f.end], f.confidence)
            taken.add_if_free(start, f.end)
            masked.append((rest, MaskRule(0, 0, rule.char)))
    masked.extend(_other_occurrences(text, masked, taken))
    pieces: list[str] = []
    pos = 0
    for f, rule in sorted(masked, key=lambda fr: fr[0].start):
        pieces.append(text[pos : f.start])
        pieces.append(mask_value(f.type, f.text, rule))
        pos = f.end
    pieces.append(text[pos:])
    return "".join(pieces)
