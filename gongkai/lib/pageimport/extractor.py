"""Extract one published page: its metadata fields and its body, without the site around it.

The page (HTML, or text saved from a browser) becomes normalised lines (see normalize.py;
HTML through htmlpage.py). Each line is classified with the rules in layout.py:

    crumb   the location line (当前位置：首页 > … > 政策解读)
    chrome  toolbars, switches, QR prompts, copyright — dropped wherever they are
    footer  上一篇 / 责任编辑 / 相关信息 … — the body ends at the first one (never a sentence;
            a 上一篇…下一篇 pager line of any length)
    meta    `标签：值` pairs (several per line, a table row, after a leading date or a label
            the extractor does not know); a byline with 【打印】【关闭】 on it too
    docno   a line that is nothing but a 文号
    text    everything else

Zones: the header runs to the last crumb/meta/docno line above the first real paragraph (one
below the last location line or the first title with its byline, when at most two sentences,
fewer than below, stand above it: those are notices of the site; a
CMS's bare `2020-11-13 14:42`, also in brackets or with the source after it, `… 09:57 光明网`,
under the title counts as metadata); the body starts after it —
after the page's title if the title is repeated there (also when split over lines) — and stops
at the first footer line or 打印/关闭 toolbar once a paragraph has been read (a 分享到 or 打印本页
between the title and the text does not end it), or at the site's copyright/ICP line; a 落款
(organ, 年月日) that such a line cut off from the text is kept when nothing but chrome follows
it. Above the first paragraph the title again, a teaser cut with `…`, tab bars and counters are
dropped, and so is a subtitle right under a title read from a heading line (not an organ, a byline,
文号 or section heading); an article's own `摘要：…。` stays, and a news card's date (`6月20日`)
above the title again starts the text, the title kept. Below the last paragraph the title again
with an article id, a lone number, or one short tag (`摄影作品`, not an organ, `特此…` or the
title alone, which may head an attached document, or a closing formula such as 请遵照执行) is
dropped; a number under a chrome line is that button's counter. A label cell over a row number
(`责任单位` / `1`) is a table's header, text. Metadata is read from the header, and from a block
of well-known labels (and the 来源/供稿 line, also in brackets) right below the body or its
toolbar; editor and counter lines there (责编, 初审…终审, 浏览次数, 关键词) leave the text. A
byline may start with the site's name and address (`某县人民政府门户网站www.…2022-08-12
来源:…`) and its labels may be opened with brackets (`【信息来源:【信息时间:…`).

Fields come from the best source present, and every guess or gap becomes a Chinese warning:
- title: 名称/标题 label > `<meta ArticleTitle>` > `<h1>` > a heading line (warned) > `<title>`
  (warned). A heading line scores most when the CMS's date/source line follows it, and the
  page's first words right above the text score too; a 版头 title may run over four lines (two
  when the first is unfinished), a `——` subtitle joins it; the `[图]` a CMS appends, a 文号 before
  a title quoted in 《》, a reprint's `原标题：` and `[转载于:…]` and a year tag (`… 2022`) are
  removed. A location that ends in a document's name (…条例) names no column; a menu of short
  items (spaces or `|` between them) is no title; a title on the line of its `发布时间：…` is read
  as a label, and a short line ending in ！ with the byline below it is one, no paragraph.
- doc_number: the 文号 label, or a 文号 standing alone on a line of the header or the first
  body lines (warned), or one in brackets closing the title (warned). A 文号 quoted inside a sentence (`…的通知》（银政办发〔2019〕76号）`) belongs to
  another document and is never taken; the warning names it. Normalised with
  gongkai.lib.docnumber; a value that does not fit is kept as written, with a warning.
- index_no: checked with gongkai.lib.indexno; kept as written either way (it is permanent). Only
  a known 索引号 label gives one: a value of its form under a cut or unknown label
  (`号: 003043524/202203-00218`) is not taken, as a guessed 索引号 would be an invented one.
- written_on: 成文日期 label, else the 题注 under the title (`(2007年6月29日…通过)`, warned),
  else the signature date of the body (落款, warned).
  published_on: 发布日期 label, `<meta PubDate>`, else the date that leads a 来源 line or follows
  a byline value (`作者：张三 2024-03-05`, warned).
  org_name: 发布机构 and kin, else 来源/信息来源/供稿; 本站 or a writer's name (来源：杜雪雪) is none;
  else an organ followed by its level in the header (`某市自然资源和规划局 县级`, warned).
  Dates are parsed by dates.py: ambiguous or partial dates stay empty — never invented.
- category: 信息分类 label (and kin), `<meta ColumnName>`, else the breadcrumb's last column
  (warned). validity: mapped onto 有效/失效/废止/已修改/部分失效.
- body_text: the content only, one paragraph per line; table cells joined by a space.
- attachments: HTML links to files; in text, file names listed after 附件.
Empty or unreadable input gives an empty record with a warning; extract() does not raise.
"""

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urljoin

from gongkai.lib.docnumber import DocNumberError, normalize_doc_number
from gongkai.lib.indexno import IndexFormatError, validate_index_no

from . import layout
from .dates import date_span, is_date_line, parse_date
from .htmlpage import HtmlPage, is_attachment, parse_html
from .normalize import fold_ascii, match_key, normalize_text, normalize_value
from .sitelines import candidate

FIELD_NAMES_ZH = {
    "title": "标题",
    "index_no": "索引号",
    "org_name": "发布机构",
    "department": "责任部门",
    "doc_number": "文号",
    "written_on": "成文日期",
    "published_on": "发布日期",
    "validity": "效力状态",
    "category": "信息分类",
}


@dataclass
class Attachment:
    name: str
    url: str = ""


@dataclass
class PageRecord:
    title: str = ""
    index_no: str = ""
    org_name: str = ""
    department: str = ""
    doc_number: str = ""
    written_on: date | None = None
    published_on: date | None = None
    validity: str = ""
    category: str = ""
    body_text: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO strings (or None)."""
        data = asdict(self)
        for key in ("written_on", "published_on"):
            value = getattr(self, key)
            data[key] = value.isoformat() if value else None
        return data


# -- line rules ------------------------------------------------------------------------------
def _label_regex(label: str) -> str:
    return r"\s*".join(re.escape(ch) for ch in label)


_LABELS: dict[str, tuple[str | None, int]] = {}
for _field, _aliases in layout.FIELD_LABELS.items():
    for _rank, _alias in enumerate(_aliases):
        _LABELS[_alias] = (_field, _rank)
for _alias in layout.IGNORED_LABELS:
    _LABELS.setdefault(_alias, (None, 0))
_LABEL_ALT = "|".join(_label_regex(x) for x in sorted(_LABELS, key=len, reverse=True))
_LONG_ALT = "|".join(_label_regex(x) for x in sorted(_LABELS, key=len, reverse=True) if len(x) >= 3)


def _labelled(pattern: str) -> re.Pattern[str]:
    """The pattern with `{L}` standing for any known label (written with spaces or not)."""
    return re.compile(pattern.replace("{L}", f"(?:{_LABEL_ALT})"))


# A label starts the line or follows a separator or a date's digit (so 项目名称 is not 名称) and
# ends in a colon; a label of three or more characters may also follow a value directly
# (`…管理局浏览量：`).
_LABEL = _labelled(rf"(?:(?<![^\s|｜;；,，\d])(?P<label>{{L}})|(?P<long>{_LONG_ALT}))\s*[:：]")
_BARE_LABEL = _labelled(r"^{L}\s*[:：]?$")
# `[ 索引号 ] 1150…` and `【发布机构】…`: a label in brackets instead of before a colon.
_BRACKET_LABEL = _labelled(r"[\[【［]\s*(?P<label>{L})\s*[\]】］]\s*")
# A table saved as text without colons: `索 引 号 0031…/2015-00216 信息分类 信息公开制度`.
_SPACED_LABEL = _labelled(r"(?:^|(?<=\s))(?P<label>{L})(?=\s|$)")
_LEAD_LABEL = _labelled(r"^(?P<label>{L})")
_BRACKET_OPEN = _labelled(r"[\[【［]\s*(?={L}\s*[:：])")
# The site's name (and address) before the date of a byline.
_SITE_LEAD = re.compile(
    r"^[\u4e00-\u9fff]{2,30}?(?:网站|网)\s*(?:(?:https?://)?www\.[a-z0-9.-]+?)?(?=\d{4})"
)
_GLUED_LABEL = _labelled(r"(?:^|(?<=\s))(?P<label>{L})(?=\S)")
# Labels too common as words to be trusted without a colon.
_LOOSE = frozenset({"时间", "日期", "名称", "栏目", "分类", "类别", "索引", "来源", "编辑", "作者"})
_BULLET = re.compile(r"^(?:[\s•·●■◆▪◇○*]|-(?=\s))+")  # `• 索引号`, `- 发布日期:` (a list item)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SENTENCE = re.compile(r"[，。；,;！？!?]")
_DOCNO = (
    r"[\u4e00-\u9fffA-Za-z0-9]{1,20}\s*[〔\[【(（［{]\s*\d{4}\s*[〕\]】)）］}]\s*第?\s*\d{1,5}\s*号"
)
_DOCNO_LINE, _DOCNO_START = re.compile(f"^{_DOCNO}$"), re.compile(f"^{_DOCNO}")
_INDEX_TOKEN = re.compile(r"[^\s\u4e00-\u9fff，,；;|｜]*")
# `…(津政办函〔2017〕103号)` quoted in the text, or closing the title
_DOCNO_QUOTED = re.compile(rf"[(（]\s*(?P<no>{_DOCNO})\s*[)）]")
_DOCNO_IN_TITLE = re.compile(_DOCNO_QUOTED.pattern + r"\s*$")
# `凌政办发[2020]35号凌海市推进…的通知`, `(已废止)微政办字[2019]24号关于印发…`: a 文号 leading the title.
_DOCNO_LEADS_TITLE = re.compile(
    rf"^(?:[(（【\[]已?(?:废止|失效)[)）】\]])?\s*(?P<no>{_DOCNO})(?=\s*[\u4e00-\u9fff])"
)
_ATTACHMENT_HEAD = re.compile(r"^(?:相关)?附\s*件(?:下载)?\s*[:：]?\s*(?P<rest>.*)$")
_FILE_NAME = re.compile(
    r"(?P<name>[^\s:：,，;；]+?(?:"
    + "|".join(re.escape(s) for s in layout.ATTACHMENT_SUFFIXES)
    + r"))(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://[^\s<>\"'，。]+")
_HTML = re.compile(r"<\s*(?:!doctype\s+html|html|head|body|meta|title|div|p|table|br)\b", re.I)
# The date forms the rules below share: 2020-11-13, 2020年11月13日, a time 14:42(:05).
_YMD, _CN_YMD, _HM = (
    r"\d{4}-\d{1,2}-\d{1,2}",
    r"\d{4}年\d{1,2}月\d{1,2}日",
    r"\d{1,2}:\d{2}(?::\d{2})?",
)
_LEAD_DATE = re.compile(rf"^(?P<date>{_CN_YMD}|\d{{6,8}}|{_YMD})(?=[,，\s])")
# `深圳市应急管理局信息提供日期:2019-05-05`: an unknown date label run into the value
_GLUED_DATE_LABEL = re.compile(
    rf"[\u4e00-\u9fff]{{0,6}}(?:日期|时间)\s*[:：]\s*(?P<date>\d{{4}}[-/]\d{{1,2}}[-/]\d{{1,2}}|{_CN_YMD})"
)
_UNKNOWN_LEAD = re.compile(r"^(?P<label>[\u4e00-\u9fff]{1,6})\s*[:：](?P<value>[^:：]{0,40})$")
_MAY_HOLD_LABEL = re.compile(r"[:：\[\]【】［］\t|]")
_PROSE_END = re.compile(r"[。！？]")
_LEAD_NOISE = re.compile(r"[\s?？|｜·•]+$")
# A date and time alone on a line, as a CMS prints it under the title (`2020-11-13 14:42`); a
# document's own dates are written 2020年11月13日 and stay in the text (with a time, the CMS's).
_BARE_CMS_DATE = re.compile(  # (also in brackets, `[2024-03-05]`, or with the source: `… 09:57 光明网`)
    rf"^[\[【(（]?\s*(?P<date>\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}(?:\s+{_HM})?|{_CN_YMD}\s+{_HM})"
    rf"\s*[\]】)）]?(?:(?<=\d)\s+(?P<source>[\u4e00-\u9fff]{{2,16}}))?$"
)
# An unknown label that a value ran into: `来源:  选择阅读字号:[ ]` gives 来源 nothing.
_UNKNOWN_LABEL = re.compile(r"(?:^|\s+)[\u4e00-\u9fff]{2,8}\s*[:：].*$")
# A writer's name in the 来源 field: two or three characters, none of an organisation's words.
_PERSON = re.compile(
    r"^(?!.*[局委办院府厅会部所站台网社报室处队心协团校馆司组镇乡街村区县市省州大])[\u4e00-\u9fff]{2,3}$"
)
_REPRINT = re.compile(r"\s+(?:转载|原创|转发)$")
# 题注 under a law's or document's title: `(2007年6月29日…会议通过)`, `(1985年5月4日皖政〔1985〕38号)`.
_TIZHU = re.compile(rf"^[(（]\s*(?P<date>{_CN_YMD})(?P<rest>[^()（）]{{0,80}})[)）]")
_TIZHU_WORDS = re.compile(r"通过|公布|发布|施行|修订|修正|批准|印发")
# Markers a CMS puts around a title: `[图]`, `【预警信息】`, and a 文号 with the title quoted.
_TITLE_MARKER = re.compile(
    r"^\s*[\[【](?:图|组图|视频|图文|多图)[\]】]|[\[【(（](?:图|组图|视频|图文|多图)[\]】)）]\s*$"
)
# How an organ's name ends (the 落款 below the text).
_ORGAN_SUFFIX = r"(?:局|委|办|院|府|厅|会|队|部|所|室|处|站|组|社|司|馆|校|团|联|署|台|中心|政府)"
# The issuing organs and the date of a 落款 written on one line at the end of the text.
_SIGNED_LINE = re.compile(
    rf"^(?:[\u4e00-\u9fff（）()]{{2,30}}{_ORGAN_SUFFIX}\s+)+(?P<date>{_CN_YMD})\s*[|｜]?$"
)
_LIST_ITEM = re.compile(r"^\d{1,2}\s*[.、．]\s*\S")
_NUMBER_LINE = re.compile(r"^[\d.,%\s]+$")  # a counter (浏览 4874268, 0%) left on its own line
# `【上一篇】 某某… 【下一篇】 某某…`: the pager of a site, however long its titles
_PREV_NEXT = re.compile(r"^[【\[(（<«‹＜|｜]?\s*(?:上一篇|下一篇|上一条|下一条)")
_SECTION = re.compile(  # `一、总体情况`, `第一章 总则`
    r"^(?:[一二三四五六七八九十]+[、.．]|第[一二三四五六七八九十百\d]+[章节条编部])"
)
_DATELINE = re.compile(r"^(?:\d{4}年)?\d{1,2}月\d{1,2}日$")  # a news card's `6月20日`
# A tag below the text is a few characters, not an organ nor a closing formula (特此通告,
# 请遵照执行, 此致敬礼, 谢谢大家).
_TAG = re.compile(
    rf"^(?!特此|此件|此页|此致|以上|全文完|请|望|现予|谢谢|欢迎|.*{_ORGAN_SUFFIX}$)[\u4e00-\u9fff]{{4,12}}$"
)
_TRAILING_DATE = re.compile(rf"\s(?P<date>{_YMD}|{_CN_YMD})(?:\s|$)")
_LONG = 30  # a line this long with sentence punctuation is a paragraph, not a header item


@dataclass
class _Line:
    text: str
    kind: str = "text"
    cell: bool = False  # came from an HTML table cell
    bulleted: bool = False  # saved from a list item (`• 发布机构：`)
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (label, value)
    lead: str = ""  # a date before the first label: `2016-09-27 13:15 来源：…`
    toolbar: bool = False  # chrome with 打印/关闭: after the text, it ends the text


def _canonical(label_text: str) -> str:
    return re.sub(r"\s+", "", label_text)


def _spaced_pairs(text: str, bulleted: bool) -> str | None:
    """The line with colons put after its labels, if it is a colon-less table row."""
    if len(text) > 160 or re.search(r"[。！？]", text):
        return None
    # A loose label counts when padded like a table cell (`名        称`).
    hits = [
        m
        for m in _SPACED_LABEL.finditer(text)
        if _canonical(m["label"]) not in _LOOSE or re.search(r"\s", m["label"])
    ]
    # `索 引 号000014349/2025-13087`, `主题分类公安 发布日期2025-05-25`: a label glued to its
    # value counts when it is long or spaced out like a table cell, and where both readings
    # start at the same place the longer label wins (索 引 号 over 索 引).
    glued = [
        m
        for m in _GLUED_LABEL.finditer(text)
        if len(_canonical(m["label"])) >= 3 or re.search(r"\s", m["label"])
    ]
    if glued and glued[0].start() == 0:
        # one reading per position, the longest label; glued hits need company or spacing
        merged: dict[int, re.Match[str]] = {}
        for m in [*hits, *glued]:
            best = merged.get(m.start())
            if best is None or len(_canonical(m["label"])) > len(_canonical(best["label"])):
                merged[m.start()] = m
        both = [merged[k] for k in sorted(merged)]
        if both[0] in glued and (len(both) >= 2 or re.search(r"\s", both[0]["label"])):
            hits = both
    if hits and hits[0].start() == 0 and (len(hits) >= 2 or len(text) <= 80):
        out, last = [], 0
        for m in hits:
            out += [text[last : m.end()], "："]
            last = m.end()
        return "".join(out) + text[last:]
    # `• 发文机关示范区管委会`: a bulleted list of label+value with nothing between them.
    if bulleted and (lead := _LEAD_LABEL.match(text)) and len(text) > lead.end():
        return text[: lead.end()] + "：" + text[lead.end() :]
    return None


def _title_before_byline(lead: str, rest: str) -> bool:
    """Is the text before a byline's first label the page's title, printed on the same line?"""
    return (
        len(lead) >= 10
        and _heading_like(lead)
        and not _ORG_LINE.match(lead)
        and not _SITE_NAME.search(lead)
        and bool(re.match(r"(?:发布|更新|发表)?(?:时间|日期)\s*[:：]", rest))
    )


def _bare_label_line(line: _Line) -> bool:
    """A line that is one label and nothing else, written as a label: `索 引 号：`, `[ 索引号 ]`."""
    return (
        len(line.pairs) == 1
        and not line.pairs[0][1]
        and len(line.text) <= 16
        and (
            line.text.rstrip().endswith((":", "：", "]", "】", "］"))
            or line.bulleted
            or (line.text == line.pairs[0][0] and len(line.text) >= 4)  # a cell: `发布单位`
        )
    )


def _parse_meta(line: str, bulleted: bool = False) -> tuple[str, list[tuple[str, str]]] | None:
    """`(leading date, [(label, value), …])` if the line is made of labelled values."""
    if not _MAY_HOLD_LABEL.search(line) and (len(line) > 160 or _PROSE_END.search(line)):
        return None  # no colon, bracket or cell, and prose: the usual paragraph, decided at once
    # cells: tab-separated (HTML tables), or `索引号 | /2025-0000 | 公开目录: |` saved as text
    if m := re.fullmatch(r"[(（]\s*(?P<inner>[^()（）]+?)\s*[)）]", line):
        line = m["inner"]  # `（供稿：某县应急管理局）`, `(编辑：张三)` at the end of a news item
    cells = line.split("\t") if "\t" in line or line.count("|") < 2 else line.split("|")
    segments = [s.strip() for s in cells]
    text = " ".join(
        s + "：" if _BARE_LABEL.match(s) and s[-1] not in ":：" else s for s in segments
    )
    text = _BRACKET_LABEL.sub(lambda m: f" {m['label']}：", text)
    text = _BRACKET_OPEN.sub(" ", text).strip()  # `【信息来源:【作者:【信息时间:2018-06-12`
    matches = list(_LABEL.finditer(text))
    if not matches and (spaced := _spaced_pairs(text, bulleted)) is not None:
        text = spaced
        matches = list(_LABEL.finditer(text))
    if not matches:
        return None
    # `2025-01-10 09:36:25? 作者:`: a character lost after the time does not hide the date
    lead = _LEAD_NOISE.sub("", text[: matches[0].start()].strip())
    if (site := _SITE_LEAD.match(lead)) and date_span(lead[site.end() :]) == len(lead) - site.end():
        lead = lead[site.end() :]  # `某县人民政府门户网站www.….gov.cn2022-08-12来源:`
    pairs = []
    if (unknown := _UNKNOWN_LEAD.match(lead)) and len(text) <= 100 and not _SENTENCE.search(text):
        # `出处：某县应急管理局 时间：2024-03-05`: a label the extractor does not know leads
        pairs.append((unknown["label"], unknown["value"].strip()))
        lead = ""
    if lead and date_span(lead) != len(lead):
        if not _title_before_byline(lead, text[matches[0].start() :]):
            return None
        pairs.append(("标题", lead))  # `某县开展安全生产大检查 发布时间：2024-03-05`
        lead = ""
    for m, nxt in zip(matches, [*matches[1:], None], strict=True):
        value = text[m.end() : nxt.start() if nxt else len(text)].strip()
        pairs.append((_canonical(m["label"] or m["long"]), value))
    return lead, pairs


_CHROME_ANY = re.compile(
    "|".join(f"(?:{p.pattern})" for p in (*layout.CHROME_LINES, layout.SITE_FOOTER))
)
_CHROME_CHARS = frozenset("".join(layout.CHROME_WORDS))


def _is_chrome(text: str) -> bool:
    if len(text) > 200:
        return False
    if _CHROME_ANY.search(text):
        return True  # copyright, ICP and 主办 lines can be long
    if "。" not in text and len(set(layout.FOOTER_WORDS.findall(text))) >= 2:
        return True  # `桦南县人民政府主办 … 承办 … 技术支持`, `联系电话：… 访问量：… 网站地图`
    if len(text) > 60:
        return False
    if _chrome_run(re.sub(r"\s+", "", text)):
        return True  # `下 载`, `加大字体缩小字体收藏打印`: buttons saved without separators
    tokens = [t for t in layout.CHROME_SPLIT.split(text) if t]
    return bool(tokens) and all(t in layout.CHROME_WORDS for t in tokens)


def _chrome_run(text: str) -> bool:
    """Is the text nothing but chrome words run together?"""
    if not _CHROME_CHARS.issuperset(text):
        return False  # a character no chrome word has: the usual case, decided at once
    ends = {0}
    for i in range(1, len(text) + 1):
        if any(j in ends and text[j:i] in layout.CHROME_WORDS for j in range(max(0, i - 8), i)):
            ends.add(i)
    return bool(text) and len(text) in ends


def _crumbs(text: str) -> list[str] | None:
    if m := layout.BREADCRUMB.match(text):
        path = m["path"]
    elif text.startswith("首页") and len(layout.CRUMB_SEPARATOR.findall(text)) >= 2:
        path = text
    else:
        return None
    return [c.strip() for c in layout.CRUMB_SEPARATOR.split(path) if c.strip()]


def _classify(raw_lines: list[str], site_lines: frozenset[str] = frozenset()) -> list[_Line]:
    lines: list[_Line] = []
    for raw in raw_lines:
        cell = raw.startswith("\t")
        bulleted = bool(_BULLET.match(raw.strip("\t ")))
        text = _BULLET.sub("", raw.strip("\t ")).strip()
        if not text:
            continue
        line = _Line(text, cell=cell, bulleted=bulleted)
        if _crumbs(text) is not None and len(text) <= 120:
            line.kind = "crumb"
        elif _PREV_NEXT.match(text) or (
            len(text) <= 40 and layout.FOOTER_MARKERS.match(text) and not _PROSE_END.search(text)
        ):
            line.kind = "footer"  # (a sentence that starts 相关文件… or 扫一扫… is the text's)
        elif _is_chrome(text) or (site_lines and candidate(text) in site_lines):
            line.kind = "chrome"  # (or a line the site repeats on most pages: sitelines.py)
            tokens = {t for t in layout.CHROME_SPLIT.split(text) if t}
            line.toolbar = bool(tokens & layout.TOOLBAR_END) and len(text) <= 40
            if (meta := _parse_meta(text, bulleted)) is not None and any(
                _LABELS.get(label, (None, 0))[0] and value for label, value in meta[1]
            ):
                # `日期：2024-03-05 来源：某局 【打印】【关闭】`: a byline with the toolbar on it
                line.kind, (line.lead, line.pairs) = "meta", meta
        elif lines and lines[-1].kind == "chrome" and _NUMBER_LINE.match(text):
            line.kind = "chrome"  # a button's counter below it (打赏捐赠 / 0, 点赞 / 12)
        elif (meta := _parse_meta(text, bulleted)) is not None and not _abstract(meta[1]):
            line.kind, (line.lead, line.pairs) = "meta", meta
        elif (
            lines
            and lines[-1].kind == "meta"
            and (m := _SPACED_LABEL.match(text))
            and _canonical(m["label"]) not in _LOOSE
            and len(text) <= 200
            and not _PROSE_END.search(text)
        ):
            # a long row of a label-cell table: `备注 2016年10月26日…通过 …自公布之日起施行`
            line.kind, line.pairs = "meta", [(_canonical(m["label"]), text[m.end() :].strip())]
        elif _DOCNO_LINE.match(text):
            line.kind = "docno"
        elif layout.RELATED_WITH_DATE.match(text):
            line.kind = "chrome"
        elif (
            lines
            and lines[-1].kind == "meta"
            and len(text) <= 80
            and not text.endswith((":", "："))
            and ((lines[-1].cell and cell) or _bare_label_line(lines[-1]))
        ):
            # <td>索引号：</td><td>…</td>, `索 引 号：` or `• [ 发布机构 ]` with the value below.
            label, value = lines[-1].pairs[-1]
            field_name = _LABELS.get(label, ("", 0))[0]
            dated = field_name in ("written_on", "published_on")
            if dated and parse_date(text)[0] is None:
                pass  # `发布日期:` left empty, the title below it
            elif _NUMBER_LINE.match(text) and field_name != "index_no":
                # a table's header cell (责任单位) over a row number: the table's, not a label
                if lines[-1].text == label:
                    lines[-1].kind, lines[-1].pairs = "text", []
            elif not value:
                lines[-1].pairs[-1] = (label, text)
                continue
        lines.append(line)
    return lines


def _subtitle(text: str) -> bool:
    """A news subtitle: a short heading of words, not an organ, a 文号, a section heading, a
    bracketed note or a byline (`本报记者 张三`)."""
    return (
        _heading_like(text)
        and len(text) <= 40
        and bool(_CJK.match(text))
        and not re.search(r"\s|记者|通讯员|摄影|撰稿|作者", text)
        and not _ORG_LINE.match(text)
        and not _DOCNO_START.match(text)
        and not _SECTION.match(text)
    )


def _abstract(pairs: list[tuple[str, str]]) -> bool:
    """`摘要：…。` alone on its line, a paragraph long: an article's abstract, part of the text."""
    return (
        len(pairs) == 1
        and pairs[0][0] == "摘要"
        and len(pairs[0][1]) >= 2 * _LONG
        and pairs[0][1].endswith("。")
    )


def _paragraph_like(line: _Line) -> bool:
    """Prose: a long line with sentence punctuation, or any line that ends a sentence."""
    if line.kind != "text":
        return False
    text = line.text
    return (len(text) >= _LONG and bool(_SENTENCE.search(text))) or text.endswith(
        ("。", "！", "？")
    )


def _heading_like(text: str) -> bool:
    return (
        4 <= len(text) <= 100
        and bool(_CJK.search(text))
        and text[-1] not in "，,：:？?"  # (…学术年会成功举行！ is a news title)
        # a news title may exclaim inside: 助力乡村振兴！“中山+”…
        and not re.search(r"[。；;]", text)
        and not is_date_line(text)
    )


def _title_block(
    lines: list[_Line], start: int, stop: int, title: str, anchored: bool = False
) -> tuple[int, int] | None:
    """First run of lines in [start, stop) that together spell the title: (first, last)."""
    key = match_key(title)
    for i in range(start, start + 1 if anchored else stop):
        if i >= len(lines):
            break
        if match_key(_TITLE_TAIL.sub("", lines[i].text)) == key and lines[i].kind == "text":
            return i, i  # the title line with the site's `|` or `-站名` still on it
        joined = ""
        for j in range(i, min(i + 5, len(lines))):
            if lines[j].kind not in ("text", "docno"):
                break
            joined += match_key(lines[j].text)
            if joined == key:
                return i, j
            if not key.startswith(joined):
                break
    return None


# What a document or news title is made of, and what only looks like a heading.
_TITLE_WORDS = re.compile(
    r"关于|通知|意见|办法|规定|规则|方案|预案|决定|公告|通告|公示|报告|规划|细则|批复|复函|条例"
    r"|纲要|要点|计划|总结|会议|召开|举行|开展|启动|推进|部署|调研|检查|视察|座谈|活动|印发|工作"
)
_TITLE_END = re.compile(
    r"(?:通知|意见|办法|规定|规则|方案|预案|决定|决议|公告|通告|公示|报告|细则|批复|函|条例|命令|纪要)$"
)
_ORGAN = r"[\u4e00-\u9fff（）()]{2,24}(?:人民政府|政府|办公室|办公厅|委员会|管委会|局|厅|委|院|人大|政协|中心|机关)"
_ORG_LINE = re.compile(f"^{_ORGAN}$")
# A header cell row of organisation and administrative level, without their labels.
_LEVELLED_ORG = re.compile(rf"^(?P<org>{_ORGAN})\s+[省市县区乡镇村]级$")
_SITE_NAME = re.compile(r"(?:网|网站|门户|门户网|平台|之窗)$|^(?:中国政府网|首页)")
# (a colon is fine in a news title, 长安街道：三月春“锋”暖…, but not before a number or at the end)
_NOT_TITLE = re.compile(
    r"今天是|星期[一二三四五六日天]|欢迎|\d{1,2}:\d{2}|[:：]\s*(?:\d|$)|^\d{4}[-/.年]\d{1,2}|^[>»›]|>.*>"
)
# A navigation bar saved with its items spaced out: `首     页 政 务 公 开 网 上 办 事`, or a
# menu of short items: `会议通知 学术活动 科普活动 表彰奖励 公告公示`.
_SPACED_OUT = re.compile(
    r"(?:[\u4e00-\u9fff]\s+){4}|^(?:[^\s|｜·•/]{2,4}(?:\s*[|｜·•/]\s*|\s+)){4,}[^\s|｜·•/]{2,4}$"
)
# What a site appends to a title: `…应急预案-湘西高新技术产业开发区`, `…的通知|`.
_TITLE_TAIL = re.compile(
    r"\s*(?:[|｜]\s*|[-_—|｜]\s*[\u4e00-\u9fff]{2,30}(?:网|网站|政府|开发区|门户))$"
)


def _tizhu(paragraphs: list[str]) -> re.Match[str] | None:
    """The 题注 at the top of the text: `(2007年6月29日…会议通过)`, `(1985年5月4日皖政〔1985〕38号)`."""
    for p in paragraphs[:3]:
        m = _TIZHU.match(p)
        if m and (_TIZHU_WORDS.search(m["rest"]) or re.search(_DOCNO, m["rest"])):
            return m
    return None


def _clean_title(title: str) -> str:
    """The title without what a CMS adds to it: the `[图]` of an article with pictures, and a 文号
    before the title quoted in 《》 (`鲁政发〔2014〕20号《…的实施意见》`). A tag the editor typed
    (`【预警信息】…`) is part of the title."""
    for _ in range(2):
        title = _TITLE_MARKER.sub("", title).strip()
    if m := re.match(rf"^{_DOCNO}\s*《(?P<inner>[^《》]+)》$", title):
        title = m["inner"]
    title = re.sub(r"^原标题\s*[:：]\s*", "", title)  # a reprint's `原标题：…`
    # and its note after the title: `…的公示[转载于:某市农业农村局网站]`
    title = re.sub(r"\s*[\[【(（]\s*(?:转载|转自|摘自|来源)[^\]】)）]*[\]】)）]$", "", title)
    if (m := re.search(r"\s+(?P<year>\d{4})$", title)) and m["year"] in title[: m.start()]:
        title = title[: m.start()]  # a year tag the site appends: `2022年…统计公报 2022`
    return title


def _title_score(text: str, keys: dict[str, int], columns: set[str]) -> int:
    """How much a heading line looks like the page's own title (higher is better).

    The page title names a document or an event (关于…的通知, …召开); it is often repeated
    above the text; a column name repeats the breadcrumb, and a site or organisation name
    stands alone. The scores are coarse on purpose: they order candidates, nothing more.
    """
    key = match_key(text)
    score = 0
    if _SPACED_OUT.search(text):
        return -10
    if _TITLE_WORDS.search(text):
        score += 3
    if keys.get(key, 0) >= 2:
        score += 2
    if len(text) >= 10:
        score += 1
    elif len(text) < 6:
        score -= 2
    if key in columns:
        score -= 6
    if _SITE_NAME.search(text):
        score -= 4
    elif _ORG_LINE.match(text):
        score -= 3
    return score


# -- the extractor ---------------------------------------------------------------------------
class _Builder:
    def __init__(self, lines: list[_Line], html: HtmlPage | None, source_url: str | None):
        self.lines = lines
        self.html = html
        self.source_url = source_url or (html.base_url if html else "")
        self.record = PageRecord()
        self.warnings = self.record.warnings
        self.found: dict[str, tuple[int, str, str]] = {}  # field → (rank, label, value)
        self.empty_labels: dict[str, str] = {}
        self.lead_dates: list[str] = []
        self.own_docno_lines: list[str] = []
        self.header_org = ""  # `某市自然资源和规划局 县级` in the header, its labels lost
        self.crumbs: list[str] = []
        self.first_paragraph = len(lines)
        self.title_raw = ""  # the heading line the title was read from, as the page shows it
        self.index = {id(ln): i for i, ln in enumerate(lines)}
        self.keys: dict[str, int] = {}  # how often each line occurs (a title is repeated)
        for ln in lines:
            self.keys[match_key(ln.text)] = self.keys.get(match_key(ln.text), 0) + 1

    def take_meta(self, line: _Line, labels: frozenset[str] | None = None) -> None:
        if line.lead:
            self.lead_dates.append(line.lead)
        for label, value in line.pairs:
            field_name, rank = _LABELS.get(label, (None, 0))
            if labels is not None and label not in labels:
                continue
            if field_name not in ("written_on", "published_on") and (
                m := _TRAILING_DATE.search(value) or _GLUED_DATE_LABEL.search(value)
            ):
                # `来源:某市人民政府  2017-09-06 00:00:00 【字体:`, `作者：张三 2024-03-05`: the
                # date is the page's own.
                self.lead_dates.append(m["date"])
                value = value[: m.start()].strip()
            if field_name is None:
                continue
            if field_name != "title":  # a news title may have a colon: 长安街道：三月春“锋”暖
                # and `发布日期:[2021-05-28]`, `【来源：某局】`, `来源：某局 | 发布时间：…`
                value = _UNKNOWN_LABEL.sub("", value).strip("[]【】［］|｜ \t")
            if field_name == "org_name":
                value = _REPRINT.sub("", re.sub(r"\s*[【\[].*$", "", value))
                if (
                    value in layout.EMPTY_ORGS
                    or not re.search(r"[\u4e00-\u9fffA-Za-z]", value)
                    or _PERSON.match(value)
                ):
                    value = ""  # 来源：本站, 【发布单位】81202, 来源：杜雪雪 (the writer)
            if value.strip() in layout.EMPTY_VALUES:
                self.empty_labels.setdefault(field_name, label)
                continue
            if field_name not in self.found or rank < self.found[field_name][0]:
                self.found[field_name] = (rank, label, value)

    def value(self, name: str) -> str:
        return self.found[name][2] if name in self.found else ""

    def missing(self, name: str, extra: str = "") -> None:
        zh = FIELD_NAMES_ZH[name]
        if name in self.empty_labels:
            self.warnings.append(f"页面上的“{self.empty_labels[name]}”一栏为空，{zh}未填{extra}")
        else:
            self.warnings.append(f"未找到{zh}{extra}")

    def build(self) -> PageRecord:
        lines, rec = self.lines, self.record
        prose = [
            i
            for i, ln in enumerate(lines)
            if _paragraph_like(ln) and not self.slogan(i) and not self.exclaimed_title(i)
        ]
        # A sentence or two above the location line, or above the title with its byline, are the
        # site's (a notice in its header), not the text.
        last_crumb = max((i for i, ln in enumerate(lines) if ln.kind == "crumb"), default=-1)
        headed = next((i for i in range(len(lines)) if self.headline(i)), -1)
        start = max(last_crumb, headed)
        above = sum(i < start for i in prose)
        if above > 2 or above >= len(prose) - above:
            start = -1
        first_paragraph = next((i for i in prose if i > start), len(lines))
        bare = [
            (ln, m)
            for ln in lines[:first_paragraph]
            if ln.kind == "text" and (m := _BARE_CMS_DATE.match(ln.text))
        ]
        if len(bare) == 1:  # the CMS's date under the title (several are a table's cells)
            (ln, m), source = bare[0], bare[0][1]["source"]
            ln.kind, ln.lead, ln.pairs = "meta", m["date"], [("来源", source)] if source else []
        self.first_paragraph = first_paragraph
        header_end = max(
            (i for i in range(first_paragraph) if lines[i].kind in ("meta", "crumb", "docno")),
            default=-1,
        )
        crumbs: list[str] = []
        for ln in lines[: header_end + 1]:
            if ln.kind == "text" and (m := _LEVELLED_ORG.match(ln.text)):
                self.header_org = m["org"]
            if ln.kind == "meta":
                self.take_meta(ln)
            elif ln.kind == "crumb":
                crumbs = _crumbs(ln.text) or crumbs
            elif ln.kind == "docno":
                self.own_docno_lines.append(ln.text)

        self.crumbs = [c for ln in lines if ln.kind == "crumb" for c in _crumbs(ln.text) or []]
        title, title_line = self.find_title(header_end, first_paragraph)
        rec.title = title
        body_start = header_end + 1
        for shown in dict.fromkeys(t for t in (self.title_raw, title) if t):
            # The page repeats its title above the text, maybe over several lines, maybe twice.
            block = _title_block(lines, body_start, first_paragraph, shown)
            if block and any(_DATELINE.match(ln.text) for ln in lines[body_start : block[0]]):
                block = None  # `6月20日` / the headline again: a news card that opens the text
            while block:
                body_start = block[1] + 1
                while body_start < len(lines) and lines[body_start].kind == "chrome":
                    body_start += 1
                block = _title_block(lines, body_start, first_paragraph, shown, anchored=True)
        if title_line is not None and title_line >= body_start:
            body_start = title_line + 1
        if (
            title_line is not None
            and body_start == title_line + 1 == first_paragraph - 1
            and _subtitle(lines[body_start].text)
        ):
            body_start += 1  # 王兴主持召开县长办公会 / 安排部署重点工作任务 / 本报讯…
        # A toolbar between the title and the text (打印本页 | 关闭窗口) does not end the body.
        while body_start < len(lines) and lines[body_start].kind in ("chrome", "footer", "crumb"):
            body_start += 1
        body_end = self.body_end(body_start)
        body_end = self.signature_below(body_end)
        body: list[_Line] = []
        head = True  # no paragraph yet
        for ln in lines[body_start:body_end]:
            if ln.kind in ("chrome", "crumb", "footer"):
                continue
            if head and self.tab(ln):
                continue  # tabs above the text: • 征集公告 • 草案内容 • 意见反馈
            if not self.restated_title(ln, title, head):
                body.append(ln)
                head = head and not _paragraph_like(ln)
        # A counter left on its own line (浏览 4874268, 0%) above the first paragraph or below the
        # last one; among a table's cells a number is a cell.
        while len(body) > 1 and _NUMBER_LINE.match(body[0].text) and _paragraph_like(body[1]):
            body.pop(0)
        self.drop_trailer(body, title)
        # Well-known labels right below the body (发布日期：… under the text) are metadata.
        below = layout.FOOTER_ONLY_LABELS | layout.SOURCE_LABELS
        while (
            body and body[-1].kind == "meta" and all(label in below for label, _ in body[-1].pairs)
        ):
            self.take_meta(body.pop(), below)
        # `打印 关闭 收藏` ends the text; a 信息来源 line just below it is the article's own.
        for ln in lines[body_end : body_end + 4]:
            if ln.kind == "meta" and all(label in below for label, _ in ln.pairs):
                self.take_meta(ln, below)
            elif ln.kind not in ("chrome", "footer"):
                break
        while body and (m := _ATTACHMENT_HEAD.match(body[-1].text)) and not m["rest"]:
            body.pop()  # an empty 附件： left by the site template

        paragraphs = [re.sub(r"\s*\t\s*", " ", ln.text).strip() for ln in body]
        rec.body_text = "\n".join(p for p in paragraphs if p)
        if not rec.body_text:
            self.warnings.append("未找到正文")

        self.fill_simple_fields()
        self.fill_doc_number(paragraphs, title)
        self.fill_dates(paragraphs)
        self.fill_category(crumbs, title)
        rec.attachments = self.find_attachments(paragraphs)
        return rec

    def body_end(self, start: int) -> int:
        """Where the text ends: the first footer line (上一篇, 相关链接, 责任编辑 …) or toolbar
        (打印 | 关闭) after the text has begun; one above the first paragraph (分享到 or 关联稿件
        between the title and the text) does not end it."""
        lines, begun = self.lines, False
        for i in range(start, len(lines)):
            ln = lines[i]
            if begun and (ln.kind == "footer" or ln.toolbar):
                return i
            if begun and ln.kind == "chrome" and layout.SITE_FOOTER.search(ln.text):
                return i  # the copyright or ICP line: what follows it is the site's, or spam
            if _paragraph_like(ln):
                begun = True
        # no paragraph at all: the first footer line, as before
        return next((i for i in range(start, len(lines)) if lines[i].kind == "footer"), len(lines))

    def signature_below(self, end: int) -> int:
        """The text's 落款 (organ, date) cut off by a toolbar or 分享到 line between them and the
        last paragraph: the end moved below it, when only chrome or nothing follows it."""
        lines = self.lines
        if end >= len(lines) or lines[end].kind not in ("chrome", "footer"):
            return end
        i = end + 1
        while i < len(lines) and lines[i].kind == "chrome" and not lines[i].toolbar:
            i += 1
        signed = i
        while signed < len(lines) and signed - i < 2 and lines[signed].kind == "text":
            text = lines[signed].text
            if not (_ORG_LINE.match(text) or re.fullmatch(_CN_YMD, text)):
                break
            signed += 1
        rest = lines[signed : signed + 1]
        if signed == i or any(ln.kind == "text" for ln in rest):
            return end
        for ln in lines[end:i]:
            ln.kind = "chrome"  # (the toolbar stays out of the text)
        return signed

    def drop_trailer(self, body: list[_Line], title: str) -> None:
        """What a site prints below the last paragraph: the title again and an article id or
        counter (`33851722`), or one tag or column name (`摄影作品`); a 落款 or table cells stay."""
        last = max((i for i, ln in enumerate(body) if _paragraph_like(ln)), default=-1)
        tail = body[last + 1 :] if last >= 0 else []
        if not tail:
            return
        title_key = match_key(title)
        again = [ln for ln in tail if match_key(ln.text) == title_key]
        noise = all(_NUMBER_LINE.match(ln.text) or ln in again for ln in tail)
        # (the title alone there may head an attached document of the same name: it stays)
        ids = len(tail) - len(again)
        tag = len(tail) == 1 and not again and _TAG.match(tail[0].text)
        if (noise and ids and (again or ids == 1)) or tag:
            del body[last + 1 :]

    def tab(self, line: _Line) -> bool:
        """A short list item next to another one: a tab bar or menu, not a sentence of the text."""

        def short_item(ln: _Line) -> bool:
            return ln.bulleted and len(ln.text) <= 10 and not _SENTENCE.search(ln.text)

        i = self.index[id(line)]
        near = self.lines[max(0, i - 1) : i] + self.lines[i + 1 : i + 2]
        return short_item(line) and any(short_item(ln) for ln in near)

    def restated_title(self, line: _Line, title: str, head: bool) -> bool:
        """The title again above the text (the CMS prints it twice), or a teaser above the text
        that starts with the title and is cut with `…`. Inside the text the same words are the
        heading of an attached document and stay."""
        if line.kind != "text" or not title or not head:
            return False
        key, title_key = match_key(line.text), match_key(title)
        if key == title_key:
            return True
        return key.startswith(title_key) and line.text.rstrip().endswith(("…", "..."))

    def find_title(self, header_end: int, first_paragraph: int) -> tuple[str, int | None]:
        """(title, index of the line it was read from when it came from a heading guess)."""
        if value := self.value("title"):
            return _clean_title(normalize_value(value)), None
        meta = self.html.meta if self.html else {}
        for key in ("articletitle", "og:title"):
            if meta.get(key):
                return normalize_value(meta[key]), None
        crumbs = self.crumbs
        if crumbs and len(crumbs[-1]) >= 8 and _TITLE_END.search(crumbs[-1]):
            crumbs = crumbs[:-1]  # the location ends in the document itself (…地方立法条例)
        columns = {match_key(c) for c in crumbs}
        if self.html and self.html.h1 and match_key(normalize_value(self.html.h1)) not in columns:
            return normalize_value(self.html.h1), None
        # Otherwise the best-scored heading line above the first paragraph (title_score).
        scored = [
            (score, -i, last, text)
            for i in range(min(first_paragraph, len(self.lines)))
            for text, score, last in self.title_candidates(i, columns)
        ]
        if scored and max(scored)[0] > 0:
            _, _, i, text = max(scored)
            self.warnings.append("页面没有“名称/标题”栏，标题取自页首的标题行")
            self.title_raw = _TITLE_TAIL.sub("", text)
            return _clean_title(self.title_raw), (i if header_end < 0 else None)
        tail = [c for c in self.crumbs if c not in layout.CRUMB_NOISE][-1:]
        if tail and len(tail[0]) >= 10 and _heading_like(tail[0]):
            # a location line that ends in the article itself, not in a column name
            self.warnings.append("标题取自导航路径的最后一级，请核对")
            return tail[0], None
        if self.html and self.html.title_tag:
            title = normalize_value(
                re.split(r"\s*(?:_|\||｜| - | — |--)\s*", self.html.title_tag)[0]
            )
            if title:
                self.warnings.append("标题取自网页的 <title>，请核对")
                return title, None
        self.missing("title")
        return "", None

    def slogan(self, i: int) -> bool:
        """A sentence in the first lines of the page with the location or metadata below it:
        the site's motto, not the first paragraph of the text."""
        above = self.lines[:i]
        return (
            i < 3
            and not any(_title_score(ln.text, self.keys, set()) > 0 for ln in above)
            and any(ln.kind in ("crumb", "meta") for ln in self.lines[i + 1 : i + 13])
        )

    def headline(self, i: int) -> bool:
        """A heading line with the CMS's date/source line right below it."""
        ln = self.lines[i]
        return (
            ln.kind == "text"
            and _heading_like(ln.text)
            and not _paragraph_like(ln)
            and self.info_follows(i)
        )

    def exclaimed_title(self, i: int) -> bool:
        """A short line that ends in ！ with the CMS's date/source line below it: a news title
        (…学术年会成功举行！), not the first paragraph."""
        text, below = self.lines[i].text, self.lines[i + 1 : i + 2]
        return (
            text.endswith(("！", "!"))
            and len(text) < _LONG
            and not _SENTENCE.search(text[:-1])
            and bool(below)
            and below[0].kind == "meta"
        )

    def title_candidates(self, i: int, columns: set[str]) -> list[tuple[str, int, int]]:
        """The heading that line i starts (alone, or with the lines below it) and its score."""
        lines = self.lines
        ln = lines[i]
        if ln.kind != "text" or not _heading_like(ln.text) or _NOT_TITLE.search(ln.text):
            return []
        text = ln.text.strip("|｜ ")
        found = [(text, i)]
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        # 镇赉县人民政府办公室 / 关于印发…的通知, or …应急预案的 / 通知: one title on two lines.
        if (
            nxt is not None
            and nxt.kind == "text"
            and _heading_like(ln.text + nxt.text)
            and (
                (_ORG_LINE.match(ln.text) and _TITLE_WORDS.search(nxt.text))
                or (len(nxt.text) <= 6 and _TITLE_END.search(nxt.text))
            )
        ):
            found.append((ln.text + nxt.text, i + 1))
        # A 版头 title over three or four lines: 全国人民代表大会常务委员会 / 关于批准…及 / 调整…的决议.
        joined, j = ln.text, i
        opening = bool(_ORG_LINE.match(ln.text) or "关于" in ln.text)
        while opening and j + 1 < len(lines) and j - i < 3:
            below = lines[j + 1]
            if below.kind != "text" or len(below.text) > 40 or _NOT_TITLE.search(below.text):
                break
            if _LIST_ITEM.match(below.text) or below.text.endswith(("…", "...")):
                break  # a numbered menu (`2. 信息公开`) or a cut crumb is no part of a title
            if not _heading_like(joined + below.text):
                break
            joined, j = joined + below.text, j + 1
            # (two lines when the first is unfinished: 某县人民政府办公室关于印发 / …预案的通知)
            unfinished = j - i >= 2 or not _TITLE_END.search(ln.text)
            if unfinished and _TITLE_END.search(joined) and _TITLE_WORDS.search(joined):
                found.append((joined, j))
        # A subtitle written as `——热烈祝贺…` on the next line belongs to the title.
        if nxt is not None and nxt.kind == "text" and nxt.text.startswith(("——", "--")):
            found.append((text + nxt.text.strip(), i + 1))
        scored = []
        for heading, last in found:
            score = _title_score(heading, self.keys, columns)
            repeated = all(self.keys[match_key(x.text)] >= 2 for x in lines[i : last + 1])
            if last > i and repeated and self.info_follows(last):
                score += 2  # a title over several lines with its date below, all of them repeated
            if _TITLE_END.search(heading):
                score += 1  # a document title ends in its kind (通知, 决议 …)
            if self.info_follows(last):
                score += 6  # the CMS prints 发布日期/来源 right under the title
            elif last + 1 == self.first_paragraph and all(
                x.kind in ("chrome", "crumb") for x in lines[:i]
            ):
                score += 2  # the page's first words, right above the text
            if heading.startswith(("——", "--")):
                score -= 6  # a subtitle on its own
            scored.append((heading, score, last))
        return scored

    def info_follows(self, i: int) -> bool:
        """Is line i followed (toolbars, bare addresses and one subtitle line aside) by the CMS's
        date/source line?"""
        subtitle = False
        for ln in self.lines[i + 1 : i + 6]:
            if ln.kind in ("chrome", "footer"):
                continue
            if ln.kind != "meta":
                if subtitle or not _heading_like(ln.text) or len(ln.text) > 40:
                    return False
                subtitle = True  # 山西品牌丝路行正式启动 / 成功举办…推介会 / 时间：…
                continue
            fields = {_LABELS.get(label, (None, 0))[0] for label, _ in ln.pairs}
            return bool(ln.lead) or bool(fields & {"published_on", "written_on", "org_name"})
        return False

    def fill_simple_fields(self) -> None:
        rec, meta = self.record, (self.html.meta if self.html else {})
        if value := self.value("index_no"):
            # The number is one token; what follows it is an unknown label run into it.
            rec.index_no = _INDEX_TOKEN.match(fold_ascii(value).strip())[0]  # type: ignore[index]
            try:
                validate_index_no(rec.index_no)
            except IndexFormatError as e:
                self.warnings.append(f"{e}，已原样保留")
        else:
            self.missing("index_no")

        org = self.value("org_name") or meta.get("contentsource", "")
        if not org and self.header_org:
            org = self.header_org
            self.warnings.append(f"发布机构取自页首未标注的“{org}”（其后注明层级），请核对")
        rec.org_name = normalize_value(org)
        if not rec.org_name:
            self.missing("org_name")
        rec.department = self.value("department")
        if not rec.department:
            self.missing("department")

        if raw := self.value("validity"):
            rec.validity = next((v for k, v in layout.VALIDITY if k in raw), raw)
            if rec.validity == raw and raw not in {v for _, v in layout.VALIDITY}:
                self.warnings.append(
                    f"效力状态“{raw}”不是常见取值（有效、失效、废止等），已原样保留"
                )
        else:
            self.missing("validity")

    def fill_doc_number(self, paragraphs: list[str], title: str) -> None:
        rec = self.record
        raw, note = self.value("doc_number"), ""
        if raw and (m := _DOCNO_START.match(raw.strip())):
            raw = m[0]  # `怀政办〔2022〕15号 性: 有效`: a cut label after the number
        elif raw and not re.search(r"[\d〇一二三四五六七八九十]", raw):  # `〔〕号`: a template
            self.warnings.append(f"文号一栏的“{raw}”不是文号，未采用")
            raw = ""
        if not raw and self.own_docno_lines:
            raw = self.own_docno_lines[0]
        if not raw and (tizhu := _tizhu(paragraphs)) and (m := re.search(_DOCNO, tizhu["rest"])):
            raw, note = m[0], "文号取自标题下的题注"  # `(1985年5月4日皖政〔1985〕38号)`
        if not raw:
            # A 文号 alone on one of the first body lines, above the first paragraph.
            for p in paragraphs[:4]:
                if _DOCNO_LINE.match(p):
                    raw, note = p, "文号取自正文开头的发文字号行"
                    break
                if _SENTENCE.search(p) and len(p) >= _LONG:
                    break
        if not raw and (m := _DOCNO_IN_TITLE.search(title)):
            raw, note = m["no"], "文号取自标题末尾的括号"
        if not raw and (m := _DOCNO_LEADS_TITLE.match(title)):
            raw, note = m["no"], "文号取自标题开头"
        if raw:
            try:
                rec.doc_number = normalize_doc_number(raw)
            except DocNumberError as e:
                rec.doc_number = raw.strip()
                self.warnings.append(f"{e}；已原样保留")
            if note:
                self.warnings.append(note)
            return
        quoted = list(
            dict.fromkeys(
                re.sub(r"\s+", "", m["no"])
                for p in paragraphs[:3]
                for m in _DOCNO_QUOTED.finditer(p)
            )
        )
        extra = ""
        if quoted:
            extra = f"（正文开头引用的{'、'.join(quoted)}是其他文件的文号，未采用）"
        self.missing("doc_number", extra)

    def fill_dates(self, paragraphs: list[str]) -> None:
        rec = self.record
        signature = next((p for p in paragraphs if is_date_line(p)), "")
        if not signature and paragraphs and (m := _SIGNED_LINE.match(paragraphs[-1])):
            signature = m["date"]  # `某县公安局 某县交通运输局 2020年3月1日`: 落款 on one line
        signed = parse_date(signature)[0] if signature else None
        tizhu = _tizhu(paragraphs)
        if raw := self.value("written_on"):
            rec.written_on, note = parse_date(raw)
            if note:
                self.warnings.append(f"成文日期：{note}")
            if rec.written_on and signed and signed != rec.written_on:
                self.warnings.append(
                    f"页面上的成文日期 {rec.written_on.isoformat()} 与正文落款日期 "
                    f"{signed.isoformat()} 不一致，采用页面上的成文日期"
                )
        elif tizhu and (adopted := parse_date(tizhu["date"])[0]):
            rec.written_on = adopted
            self.warnings.append(f"页面没有成文日期栏，成文日期取自标题下的题注“{tizhu[0]}”")
        elif signed:
            rec.written_on = signed
            self.warnings.append(f"页面没有成文日期栏，成文日期取自正文落款“{signature}”")
        else:
            self.missing("written_on")

        meta = self.html.meta if self.html else {}
        raw = self.value("published_on") or meta.get("pubdate") or meta.get("publishdate") or ""
        if raw:
            rec.published_on, note = parse_date(raw)
            if note:
                self.warnings.append(f"发布日期：{note}")
        elif self.lead_dates:
            rec.published_on, note = parse_date(self.lead_dates[0])
            self.warnings.append(
                f"发布日期取自标题下未标注的日期“{self.lead_dates[0]}”"
                + (f"：{note}" if note else "")
            )
        else:
            hint = ""
            if paragraphs and (m := _LEAD_DATE.match(paragraphs[0])):
                note = parse_date(m["date"])[1] or f"日期“{m['date']}”"
                hint = f"（正文开头的{note}；它不一定是本页的发布日期，未采用）"
            self.missing("published_on", hint)

    def fill_category(self, crumbs: list[str], title: str) -> None:
        rec, meta = self.record, (self.html.meta if self.html else {})
        value = self.value("category") or meta.get("columnname", "")
        if value:
            rec.category = normalize_value(value)
            return
        columns = [
            c for c in crumbs if c not in layout.CRUMB_NOISE and match_key(c) != match_key(title)
        ]
        if len(columns) >= 2:
            rec.category = columns[-1]
            self.warnings.append(f"信息分类取自导航路径的最后一级“{columns[-1]}”，请核对")
        else:
            self.missing("category")

    def find_attachments(self, paragraphs: list[str]) -> list[Attachment]:
        found: dict[str, Attachment] = {}
        if self.html:
            for href, text in self.html.links:
                if is_attachment(href, text) and href not in found:
                    name = normalize_value(text) or href.rsplit("/", 1)[-1]
                    found[href] = Attachment(name=name, url=href)
            return list(found.values())
        listing = False
        for p in paragraphs:
            if m := _ATTACHMENT_HEAD.match(p):
                listing, p = True, m["rest"]
            for url in _URL.findall(p):
                if url.lower().endswith(layout.ATTACHMENT_SUFFIXES):
                    url = urljoin(self.source_url or "", url)
                    found.setdefault(url, Attachment(name=url.rsplit("/", 1)[-1], url=url))
            if listing:
                for m in _FILE_NAME.finditer(_URL.sub("", p)):
                    name = re.sub(r"^\d+\s*[.、．]\s*", "", m["name"])
                    found.setdefault(name, Attachment(name=name))
        return list(found.values())


def _looks_like_html(text: str) -> bool:
    return bool(_HTML.search(text[:4096]))


def page_lines(text_or_html: str, source_url: str | None = None) -> list[str]:
    """The normalised lines extract() reads, for counting what a site repeats (sitelines.py)."""
    html = parse_html(text_or_html, source_url) if _looks_like_html(text_or_html) else None
    raw_lines = html.lines if html else text_or_html.splitlines()
    return [
        _BULLET.sub("", x.strip("\t ")).strip()
        for x in normalize_text("\n".join(raw_lines)).text.split("\n")
    ]


def extract(
    text_or_html: str, source_url: str | None = None, site_lines: frozenset[str] = frozenset()
) -> PageRecord:
    """Extract a page given as HTML or as text; never raises on odd input. `site_lines` are the
    keys of lines the page's site repeats on most pages (sitelines.SiteLines.common)."""
    if not text_or_html or not text_or_html.strip():
        return PageRecord(warnings=["页面内容为空，未提取到任何字段"])
    html = parse_html(text_or_html, source_url) if _looks_like_html(text_or_html) else None
    raw_lines = html.lines if html else text_or_html.splitlines()
    norm = normalize_text("\n".join(raw_lines))
    if not norm.text.strip():
        return PageRecord(warnings=["页面内容为空，未提取到任何字段"])
    builder = _Builder(_classify(norm.text.split("\n"), site_lines), html, source_url)
    record = builder.build()
    notes = []
    if norm.converted:
        notes.append(f"页面为繁体字，已转为简体（{norm.converted} 字）")
    if norm.pinyin_removed:
        notes.append(f"已去除转换工具留下的拼音注音 {norm.pinyin_removed} 处")
    if norm.lost:
        notes.append(f"原页面有 {norm.lost} 个字符已丢失（只剩“?”和拼音），以“□”标出")
    if len(_CJK.findall(record.body_text)) < 10 and len(_CJK.findall(norm.text)) < 20:
        notes.append("页面几乎没有中文内容，可能是乱码、编码识别错误或不是政府信息页面")
    record.warnings[:0] = notes
    return record
