"""Find personal information in government text: text in, findings out (GB/T 37964-2019).

Structured identifiers are found in two steps so that detection stays fast on long pages: one
cheap pattern marks the runs of ASCII letters, digits and separators, and only those runs are
searched with the precise patterns, whose candidates are then checked (GB 11643 check character
and birth date, Luhn, GB 32100 check character, area codes) and weighed by the words just
before them. Names and addresses come from role cues (see `names`). Offsets are characters of
the text as given: full-width forms are folded one-for-one before matching.
"""

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from gongkai.lib.pii import names
from gongkai.lib.pii.checks import (
    credit_code_structured,
    id_check_character,
    id_looks_structured,
    is_valid_credit_code,
    luhn_ok,
)
from gongkai.lib.pii.normalize import fold_width

TYPES = (
    "id_card",
    "mobile",
    "landline",
    "bank_card",
    "email",
    "passport",
    "license_plate",
    "credit_code",
    "person_name",
    "address",
)
STRUCTURED_TYPES = TYPES[:8]
DEFAULT_MIN_CONFIDENCE = 0.5

CERTAIN = 0.95
LIKELY = 0.85
MEDIUM = 0.7
POSSIBLE = 0.6
LOW = 0.3


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of personal information: `text` is `original[start:end]`."""

    type: str
    start: int
    end: int
    text: str
    confidence: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "confidence": self.confidence,
        }


_SEP = r"[ \-\u2010-\u2014\u2212\uff0d\u3000]"
_A = r"(?![0-9A-Za-z])"

# Cheap first pass: runs of ASCII letters, digits, separators (and 转/分机) that may hold one.
_RUN = re.compile(
    r"[0-9A-Z+(\uff08][0-9A-Za-z+()\uff08\uff09#\u00b7\u2022\u30fb"
    r" \-\u2010-\u2014\u2212\uff0d\u3000转分机]{5,}"
)
_PROVINCE_CHARS = frozenset("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼")
# One alternation, searched only inside runs; each branch is one shape, checked by _READERS.
_TOKEN = re.compile(
    r"(?<![0-9A-Za-z])(?:"
    rf"(?P<mobile>(?:(?:\+|00)?86{_SEP}?)?1[3-9][0-9](?P<ms>{_SEP}?)[0-9]{{4}}(?P=ms)[0-9]{{4}}){_A}"
    rf"|(?P<landline>(?:[(\uff08]{_SEP}*(?P<pa>0[1-9][0-9]{{1,2}}){_SEP}*[)\uff09]{_SEP}*"
    rf"|(?P<a>0[1-9][0-9]{{1,2}})(?P<s>{_SEP}?))[2-9][0-9]{{2,3}}{_SEP}?[0-9]{{4}}"
    rf"(?:{_SEP}*(?:转|分机|-|ext\.?|#){_SEP}*[0-9]{{1,6}})?){_A}"
    rf"|(?P<long>[0-9]{{15,19}}|[0-9]{{17}}[Xx]){_A}"
    rf"|(?P<grouped>[0-9]{{4}}(?P<gs>{_SEP})[0-9]{{4}}(?:(?P=gs)[0-9]{{4}}){{2}}"
    rf"(?:(?P=gs)[0-9]{{1,4}})?){_A}"
    rf"|(?P<id_spaced>[1-8][0-9]{{5}}(?P<is>{_SEP})[0-9]{{8}}(?P=is)[0-9]{{3}}[0-9Xx]){_A}"
    rf"|(?P<credit>[0-9A-HJ-NPQRTUWXY]{{2}}[0-9]{{6}}[0-9A-HJ-NPQRTUWXY]{{10}}){_A}"
    rf"|(?P<passport>[EG][0-9]{{8}}|E[A-HJ-NP-Z][0-9]{{7}}|(?P<hm>[HM][0-9]{{8}}(?:[0-9]{{2}})?)){_A}"
    r"|(?P<plate>[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][·•・ ]?"
    rf"(?P<t>[A-HJ-NP-Z0-9]{{5,6}})){_A}"
    ")"
)
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])(?P<n>[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}@"
    r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9\-]{1,63})*\.[A-Za-z]{2,24})"
    r"(?![A-Za-z0-9\-])"
)
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
_ADDRESS = re.compile(
    r"(?:家庭住址|家庭地址|现住址|现居住地|居住地址|居住地|暂住地|户籍所在地|户籍地址|户籍地|住所地|"
    r"住址|住所|家住|现住|住在|居住在)[ \t\u3000]*[:：]?[ \t\u3000]*"
    r"(?P<n>[\u4e00-\u9fff0-9A-Za-z\-#()（）]{5,40})"
)
_ADDRESS_STOP = re.compile(r"电话|手机|联系|身份|邮编|邮政编码|性别|出生")
_ADDRESS_STREET = re.compile(r"[路街巷弄村组号栋幢楼室]|单元|小区|社区")

_NOT_PERSONAL_BEFORE = re.compile(
    r"(?:索引号|文号|编号|编码|流水号|订单号|单号|批号|批次|序号|案号|证书号|许可证号|注册号|登记号|"
    r"合同号|发票号|票号|凭证号|交易号|代码|条码|型号|税号)[^0-9A-Za-z]{0,3}$"
)
_BANK_CUE = re.compile(r"卡号|账号|帐号|银行|账户|帐户|开户|银行卡|储蓄卡|信用卡|借记卡")
_CREDIT_CUE = re.compile(r"信用代码|纳税人识别号|税务登记号|社会信用")
_ID_CUE = re.compile(r"身份证|身份号码|证件号|公民身份|社会保障卡|社保卡")
_PASSPORT_CUE = re.compile(r"护照")
_PERMIT_CUE = re.compile(r"通行证|回乡证")
_OFFICE_PHONE = re.compile(
    r"咨询|监督|投诉|举报|办公|值班|传真|热线|受理|服务|办事|业务|总机|查询|预约"
)
_PRIVATE_PHONE = re.compile(r"家庭|住宅|本人|手机|申请人|当事人|联系人|户主")
_CLAUSE_END = re.compile(r"[。；;\n]")
_OFFICIAL_EMAIL = re.compile(r"\.(?:gov\.cn|gov|edu\.cn|org\.cn|mil\.cn)$", re.IGNORECASE)
_AMOUNT_AFTER = frozenset("元万亿%")


def _before(text: str, start: int, width: int = 12) -> str:
    return text[max(0, start - width) : start]


def _last_end(pattern: re.Pattern[str], text: str) -> int:
    """Where the last match of `pattern` in `text` ends, or -1."""
    end = -1
    for m in pattern.finditer(text):
        end = m.end()
    return end


def _compact(value: str) -> str:
    return "".join(c for c in value if c.isalnum()).upper()


def _not_personal(text: str, start: int, end: int) -> bool:
    """A number labelled as a serial or followed by a unit of money is no identifier."""
    if end < len(text) and text[end] in _AMOUNT_AFTER:
        return True
    if start and text[start - 1] in "¥￥$.":
        return True
    return _NOT_PERSONAL_BEFORE.search(_before(text, start)) is not None


Candidate = tuple[str, int, int, float]
_Match = re.Match[str]


def _id18(text: str, m: _Match, number: str) -> Candidate | None:
    """`number` (18 characters, upper case) already has a plausible province and birth date."""
    if id_check_character(number[:17]) == number[17]:
        conf = LOW if _not_personal(text, m.start(), m.end()) else CERTAIN
    else:
        conf = LOW  # a serial or a typo: never more than a hint (GB 11643 check failed)
    return "id_card", m.start(), m.end(), conf


def _id15(text: str, m: _Match, number: str) -> Candidate | None:
    if not id_looks_structured(number) or int(number[6:8]) < 10:
        return None  # 15-digit registration numbers often read as 1900-era "dates"
    if _not_personal(text, m.start(), m.end()):
        return None
    conf = LIKELY if _ID_CUE.search(_before(text, m.start(), 16)) else MEDIUM
    return "id_card", m.start(), m.end(), conf


def _bank(text: str, m: _Match, digits: str, grouped: bool) -> Candidate | None:
    if not 16 <= len(digits) <= 19 or not luhn_ok(digits):
        return None
    if _BANK_CUE.search(_before(text, m.start(), 16)):
        conf = CERTAIN
    elif _not_personal(text, m.start(), m.end()):
        conf = LOW
    elif grouped or digits.startswith("62"):
        conf = LIKELY
    elif digits[0] in "3456":
        conf = MEDIUM
    elif digits[0] == "9":
        conf = POSSIBLE
    else:
        conf = LOW
    return "bank_card", m.start(), m.end(), conf


def _number_cue(text: str, start: int) -> str | None:
    """ "bank" or "credit": what the nearest label before a number in its clause calls it."""
    before = _CLAUSE_END.split(_before(text, start, 16))[-1]
    bank, credit = _last_end(_BANK_CUE, before), _last_end(_CREDIT_CUE, before)
    if bank == credit:
        return None
    return "bank" if bank > credit else "credit"


def _credit(text: str, m: _Match, code: str) -> Candidate | None:
    """A 统一社会信用代码: labelled as one, or with the whole GB 32100 structure. An all-digit
    code could also be a card: a UnionPay-looking one that passes Luhn is left to the card
    reading (masked), since a published card number is a breach and a masked code is not."""
    if not is_valid_credit_code(code):
        return None
    if code[:17].isdigit() and id_looks_structured(code):
        return None  # one in 31 mistyped identity numbers passes GB 32100 by chance
    if _number_cue(text, m.start()) == "credit":
        return "credit_code", m.start(), m.end(), CERTAIN
    if not credit_code_structured(code):
        return None
    if code.isdigit() and code.startswith("62") and luhn_ok(code):
        return None
    return "credit_code", m.start(), m.end(), CERTAIN if not code.isdigit() else 0.8


def _read_long(text: str, m: _Match) -> Candidate | None:
    """15–19 digits: an identity number, a bank card or an all-digit credit code."""
    number = m.group().upper()
    if len(number) == 15:
        return _id15(text, m, number)
    if len(number) == 18:
        if id_looks_structured(number):
            return _id18(text, m, number)  # neither bank card nor credit code then
        if _number_cue(text, m.start()) == "bank":  # 银行卡、账号、开户行 … decide for a card
            return _bank(text, m, number, False) or _credit(text, m, number)
        return _credit(text, m, number) or _bank(text, m, number, False)
    return _bank(text, m, number, False)


def _read_grouped(text: str, m: _Match) -> Candidate | None:
    return _bank(text, m, _compact(m.group()), True)


def _read_id_spaced(text: str, m: _Match) -> Candidate | None:
    number = _compact(m.group())
    return _id18(text, m, number) if id_looks_structured(number) else None


def _read_credit(text: str, m: _Match) -> Candidate | None:
    return _credit(text, m, m.group())


def _read_mobile(text: str, m: _Match) -> Candidate | None:
    conf = LOW if _not_personal(text, m.start(), m.end()) else 0.9
    return "mobile", m.start(), m.end(), conf


def _read_landline(text: str, m: _Match) -> Candidate | None:
    area = m["pa"] or m["a"]
    if len(area) == 3 and not (area == "010" or area[1] == "2"):
        return None  # three-digit area codes are 010 and 020–029 only
    if len(area) == 4 and area[1] in "12":
        return None
    if _not_personal(text, m.start(), m.end()):
        return None
    # The cue nearest the number, within its sentence, says whose number it is.
    before = _CLAUSE_END.split(_before(text, m.start(), 10))[-1]
    private, office = _last_end(_PRIVATE_PHONE, before), _last_end(_OFFICE_PHONE, before)
    if private > office:
        conf = LIKELY
    elif office > private:
        conf = 0.4  # an office's published number is public information
    elif not (m["pa"] or m["s"]):
        conf = 0.5  # eleven or twelve bare digits starting with 0: a weaker reading
    else:
        conf = MEDIUM
    return "landline", m.start(), m.end(), conf


def _read_passport(text: str, m: _Match) -> Candidate | None:
    before = _before(text, m.start(), 16)
    if m["hm"]:
        conf = 0.9 if _PERMIT_CUE.search(before) else POSSIBLE
    else:
        conf = CERTAIN if _PASSPORT_CUE.search(before) else 0.8
    if _not_personal(text, m.start(), m.end()):
        conf = LOW
    return "passport", m.start(), m.end(), conf


def _read_plate(text: str, m: _Match) -> Candidate | None:
    tail = m["t"]
    if sum(c.isdigit() for c in tail) < 3:
        return None  # 贵ABCDE1 and the like are codes, not plates
    if len(tail) == 6 and tail[0] not in "DF" and tail[-1] not in "DF":
        return None  # six characters only for new-energy plates, D/F first or last
    return "license_plate", m.start(), m.end(), 0.8


_READERS: dict[str, Callable[[str, _Match], Candidate | None]] = {
    "mobile": _read_mobile,
    "landline": _read_landline,
    "long": _read_long,
    "grouped": _read_grouped,
    "id_spaced": _read_id_spaced,
    "credit": _read_credit,
    "passport": _read_passport,
    "plate": _read_plate,
}


def _structured(text: str, wanted: frozenset[str]) -> Iterator[Candidate]:
    if not wanted & set(STRUCTURED_TYPES):
        return
    finditer = _TOKEN.finditer
    for run in _RUN.finditer(text):
        lo, hi = run.span()
        if lo and text[lo - 1] in _PROVINCE_CHARS:
            lo -= 1  # a plate starts with its province character, just before the run
        for m in finditer(text, lo, hi):
            found = _READERS[m.lastgroup or ""](text, m)
            if found is not None and found[0] in wanted:
                yield found


def _emails(text: str) -> Iterator[Candidate]:
    at = text.find("@")
    while at != -1:
        # Walk back over the local part, then match the whole address from its start.
        start = at
        while start > at - 64 and start and text[start - 1] in _LOCAL_CHARS:
            start -= 1
        m = _EMAIL.match(text, start)
        if m is None:
            at = text.find("@", at + 1)
            continue
        official = _OFFICIAL_EMAIL.search(m["n"]) is not None
        yield "email", m.start(), m.end(), 0.4 if official else 0.9
        at = text.find("@", m.end())


def _addresses(text: str) -> Iterator[Candidate]:
    for m in _ADDRESS.finditer(text):
        value = m["n"]
        stop = _ADDRESS_STOP.search(value)
        if stop:
            value = value[: stop.start()]
        if len(value) < 5 or not _ADDRESS_STREET.search(value):
            continue
        yield "address", m.start("n"), m.start("n") + len(value), MEDIUM


def _names(
    text: str,
    tagger: names.NameTagger | None,
    identifiers: list[Candidate],
    context: names.NameTagger | None,
) -> Iterator[Candidate]:
    sources = [names.cue_names(text), names.anchored_names(text), names.table_names(text)]
    if tagger is not None:
        sources.append(names.tagged_names(text, tagger))
    elif context is not None:
        # the tagger reads only the sentences with an identifier or a cue of possession/payment
        anchors = [c[1] for c in identifiers if c[3] >= DEFAULT_MIN_CONFIDENCE]
        anchors += names.context_positions(text)
        if anchors:
            windows = names.sentence_spans(text, anchors)
            sources.append(names.context_names(text, windows, context))
    for source in sources:
        for start, end, conf in source:
            if names.is_official(text, start, end):
                conf = LOW
            yield "person_name", start, end, conf


def _resolve(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Keep the best of overlapping candidates: higher confidence, then the longer span."""
    ranked = sorted(candidates, key=lambda c: (-c[3], -(c[2] - c[1]), c[1]))
    starts: list[int] = []
    spans: list[tuple[int, int]] = []
    kept: list[Candidate] = []
    for cand in ranked:
        _, start, end, _ = cand
        i = bisect_left(starts, start)
        # Kept spans are disjoint, so only the neighbours on either side can overlap.
        if (i and spans[i - 1][1] > start) or (i < len(spans) and spans[i][0] < end):
            continue
        starts.insert(i, start)
        spans.insert(i, (start, end))
        kept.append(cand)
    kept.sort(key=lambda c: c[1])
    return kept


def detect(
    text: str,
    *,
    types: Iterable[str] | None = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    tagger: names.NameTagger | None = None,
    context_tagger: names.NameTagger | bool | None = True,
) -> list[Finding]:
    """All findings in `text` with confidence ≥ `min_confidence`, ordered by position.

    `types` limits the search (default: all of TYPES); `tagger` (e.g. `LacTagger()`) adds
    names found statistically over the whole text. Without it, `context_tagger` (default: the
    shared LAC tagger; False for none) reads only the sentences that hold an identifier or a cue
    of possession or payment. Findings below the threshold are hints such as an 18-digit number
    whose GB 11643 check character is wrong (confidence 0.3); pass `min_confidence=0` to see them.
    """
    if isinstance(types, str):
        types = [types]
    wanted = frozenset(TYPES if types is None else types)
    if unknown := wanted - set(TYPES):
        raise ValueError(f"未知的个人信息类型：{'、'.join(sorted(unknown))}")
    folded = fold_width(text)
    candidates: list[Candidate] = list(_structured(folded, wanted))
    if "email" in wanted:
        candidates.extend(_emails(folded))
    if "person_name" in wanted:
        context = names.shared_tagger() if context_tagger is True else context_tagger or None
        candidates.extend(_names(folded, tagger, candidates, context))
    if "address" in wanted:
        candidates.extend(_addresses(folded))
    # The better reading of a span wins first; then hints under the threshold are dropped.
    kept = _resolve(candidates)
    return [
        Finding(kind, start, end, text[start:end], conf)
        for kind, start, end, conf in kept
        if conf >= min_confidence
    ]
