"""From what an old page says to the platform's values: 信息类别, 效力状态, body HTML.

Pure functions over plain values (the caller passes the InfoCategory names it has), so a new
site's column names are one more rule in CATEGORY_RULES:

- category: the page's own 信息分类 (or breadcrumb column) matched first by exact name against the
  reference data (`documents.InfoCategory`), then by the keyword rules below, in order (政策解读
  before 政策, 通知公告 before 公告); then, when the page names no usable category, by the form
  of its title (“关于…的通知”). Nothing matches → `other` (其他), with a warning.
- validity: 有效/失效/废止/已修改 map onto `Document.Validity`; 部分失效 is recorded as 已修改
  (the platform has no partial state) with a warning; anything else is left empty, warned.
- body: one `<p>` per paragraph, text escaped (the documents service sanitises again with nh3);
  attachments, which are not downloaded, are listed under the text with their original links.
"""

import html
from collections.abc import Mapping, Sequence

OTHER = "other"

# (words, code): the first rule with a word contained in the page's category wins.
CATEGORY_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("解读", "答记者问", "新闻发布会"), "interpretation"),
    (("规范性文件",), "normative"),
    (("预决算", "预算", "决算", "三公经费", "财政资金"), "budget"),
    (("人事", "任免", "招录", "招聘", "公务员"), "personnel"),
    (("规划", "计划"), "plan"),
    (("统计",), "statistics"),
    (("应急", "突发事件"), "emergency"),
    (("行政许可", "许可"), "license"),
    (("行政处罚", "处罚"), "penalty"),
    (("建议提案", "建议和提案", "提案", "议案", "建议办理"), "proposal"),
    (("通知公告", "公示公告"), "notice"),
    (("公告",), "announcement"),
    (("通告",), "circular"),
    (("通知",), "notice"),
    (("意见",), "opinion"),
    (("决定",), "decision"),
    (("政策文件", "部门文件", "政府文件", "政府令", "文件", "政策", "法规"), "policy"),
    (("动态", "要闻", "新闻", "政务信息", "工作信息", "工作简报"), "news"),
)
# The last words of a title that name its kind (“关于……的通知”), used only without a category.
TITLE_ENDINGS: tuple[tuple[str, str], ...] = (
    ("解读", "interpretation"),
    ("通知", "notice"),
    ("公告", "announcement"),
    ("通告", "circular"),
    ("意见", "opinion"),
    ("决定", "decision"),
)

VALIDITY = {"有效": "valid", "失效": "expired", "废止": "repealed", "已修改": "amended"}


def map_category(raw: str, title: str, names: Mapping[str, str]) -> tuple[str, str | None]:
    """(category code, warning or None). `names` maps InfoCategory names to codes."""
    raw = (raw or "").strip()
    if raw in names:
        return names[raw], None
    codes = set(names.values())
    if raw:
        for words, code in CATEGORY_RULES:
            if code in codes and any(w in raw for w in words):
                return code, None
    stem = (title or "").rstrip("。 ")
    for ending, code in TITLE_ENDINGS:
        if code in codes and stem.endswith(ending):
            label = next(n for n, c in names.items() if c == code)
            why = f"页面的信息分类“{raw}”无对应类别" if raw else "页面没有信息分类"
            return code, f"{why}，按标题结尾“{ending}”定为“{label}”，请核对"
    if raw:
        return OTHER, f"页面的信息分类“{raw}”无对应的信息类别，已归入“其他”，请核对"
    return OTHER, "页面没有信息分类，已归入“其他”，请核对"


def map_validity(raw: str) -> tuple[str, str | None]:
    """(Document.Validity value or "", warning or None)."""
    raw = (raw or "").strip()
    if not raw:
        return "", None
    if raw in VALIDITY:
        return VALIDITY[raw], None
    if raw == "部分失效":
        return "amended", "页面效力状态为“部分失效”，平台无此状态，记为“已修改”，请核对"
    return "", f"页面效力状态“{raw}”无法对应（有效、失效、废止、已修改），未填"


def body_html(body_text: str, attachments: Sequence[tuple[str, str]] = ()) -> str:
    """Paragraphs as `<p>`; attachments (name, url) as a list of links after the text."""
    parts = [f"<p>{html.escape(p.strip())}</p>" for p in body_text.split("\n") if p.strip()]
    if attachments:
        items = []
        for name, url in attachments:
            label = html.escape(name or url)
            if url.startswith(("http://", "https://")):
                items.append(f'<li><a href="{html.escape(url, quote=True)}">{label}</a></li>')
            else:
                items.append(f"<li>{label}</li>")
        parts.append("<p>附件：</p><ul>" + "".join(items) + "</ul>")
    return "\n".join(parts)
