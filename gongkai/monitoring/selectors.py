"""Reads of the website self-inspection (issue 23, spec monitoring.md).

Public: `public_site_report` (only a published 报表) and `find_correction` (the reporter's own
report, by tracking number AND query code; the contact is never shown). Everything else —
columns, probes, link results, inspections, corrections, letters' ages — is staff-only and
scoped by accounts/permissions.py. `inspect` computes the §2 vetoes and §4 deductions from the
stored figures; the rules themselves are in lib/sitecheck.py.
"""

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from gongkai.accounts import permissions
from gongkai.accounts.permissions import Action
from gongkai.applications.codes import query_code_matches
from gongkai.documents.selectors import public_attachments, public_documents
from gongkai.lib import sitecheck
from gongkai.lib.richtext import sanitize_html
from gongkai.lists.selectors import CLASSES, missing_classes, public_guides, public_service_items
from gongkai.participation.models import Letter, Mailbox
from gongkai.participation.selectors import add_months
from gongkai.portal.models import SiteSettings

from . import conf
from .models import (
    Attestation,
    Column,
    Correction,
    Inspection,
    LinkCheck,
    LinkResult,
    Probe,
    SiteReport,
)

# --- public -----------------------------------------------------------------------------------


def public_site_report(year: int) -> SiteReport | None:
    return SiteReport.objects.filter(year=year, published_on__isnull=False).first()


def public_site_reports() -> QuerySet[SiteReport]:
    return SiteReport.objects.filter(published_on__isnull=False).order_by("-year")


def find_correction(tracking_no: str, code: str) -> Correction | None:
    """None for a wrong number or a wrong code alike."""
    c = Correction.objects.filter(tracking_no=str(tracking_no or "").strip()[:32]).first()
    if c is None or not query_code_matches(c, code):  # type: ignore[arg-type]
        return None
    return c


# --- staff ------------------------------------------------------------------------------------


def staff_columns(user: Any, action: Action = Action.VIEW) -> QuerySet[Column]:
    return permissions.scope(Column.objects.select_related("org", "mailbox"), user, action)


def staff_corrections(user: Any, action: Action = Action.VIEW) -> QuerySet[Correction]:
    return permissions.scope(Correction.objects.select_related("org"), user, action)


def staff_correction(user: Any, pk: int) -> Correction:
    return permissions.get_scoped(Correction.objects.all(), user, Action.VIEW, pk=pk)


def sees_whole_site(user: Any) -> bool:
    """The inspection and the assessment cover the whole site: the platform administrator and
    those who may view the top organisation (its admins oversee every organisation below)."""
    from gongkai.organizations.models import Organization

    if permissions.is_platform_admin(user):
        return True
    root = Organization.objects.filter(parent__isnull=True).order_by("id").first()
    return root is not None and permissions.can(user, Action.VIEW, root.pk) and (
        permissions.can(user, Action.MANAGE, root.pk))  # fmt: skip


# --- the figures ------------------------------------------------------------------------------


Figures = dict[tuple[int, int], tuple[int, dt.date | None]]


def document_figures(columns: list[Column], today: dt.date | None = None) -> Figures:
    """(org_id, category_id) → (public items, newest date) for the organisations and categories
    of `columns`: ONE grouped aggregate over the documents (index doc_org_category_date), not a
    query per column. Items dated after `today` are left out; undated ones count as items."""
    orgs = {c.org_id for c in columns if c.source == Column.Source.DOCUMENTS}
    cats = {x.pk for c in columns if c.source == Column.Source.DOCUMENTS
            for x in c.categories.all()}  # fmt: skip
    if not orgs or not cats:
        return {}
    docs = public_documents().filter(org_id__in=orgs, category_id__in=cats)
    if today is not None:
        docs = docs.exclude(published_on__gt=today)
    rows = docs.order_by().values_list("org_id", "category_id").annotate(
        n=Count("id"), last=Max("published_on"))  # fmt: skip
    return {(o, k): (n, last) for o, k, n, last in rows}


def letter_figures(columns: list[Column], today: dt.date | None = None) -> dict[int, Any]:
    """mailbox_id → (letters, newest date): one grouped query for every mailbox column."""
    boxes = {c.mailbox_id for c in columns if c.source == Column.Source.MAILBOX and c.mailbox_id}
    if not boxes:
        return {}
    rows = Letter.objects.filter(mailbox_id__in=boxes, submitted_on__lte=today or dt.date.max).exclude(
        status=Letter.Status.REJECTED).order_by().values_list("mailbox_id").annotate(
        n=Count("id"), last=Max("submitted_on"))  # fmt: skip
    return {m: (n, last) for m, n, last in rows}


def column_state(c: Column, today: dt.date | None = None, *, docs: Figures | None = None,
                 letters: dict[int, Any] | None = None) -> sitecheck.ColumnState:  # fmt: skip
    """§3: a column's newest dated item (undated items count, but never as an update); with
    `today`, items dated after it are left out (an inspection as of an earlier day). `docs` and
    `letters` are the grouped figures (`document_figures`, `letter_figures`) when a caller
    states many columns; without them this column's figures are read alone."""
    items, last = 0, None
    if c.source == Column.Source.DOCUMENTS:
        figures = docs if docs is not None else document_figures([c], today)
        for x in c.categories.all():
            n, newest = figures.get((c.org_id, x.pk), (0, None))
            items += n
            if newest is not None and (last is None or newest > last):
                last = newest
    elif c.source == Column.Source.MAILBOX and c.mailbox_id:
        by_box = letters if letters is not None else letter_figures([c], today)
        items, last = by_box.get(c.mailbox_id, (0, None))
    elif c.source == Column.Source.STATIC:
        items = 1 if c.static_text.strip() else 0
        last = c.static_updated_on if items else None
    elif c.source == Column.Source.EXTERNAL:
        items = 1 if c.url else 0
    return sitecheck.ColumnState(id=c.pk, name=c.name, kind=c.kind, first_level=c.first_level,
                                 period_days=c.effective_period, last_item_on=last, items=items,
                                 on_homepage=c.on_homepage)  # fmt: skip


def column_url(c: Column) -> str:
    if c.source == Column.Source.EXTERNAL:
        return c.url
    if c.source == Column.Source.MAILBOX and c.mailbox is not None:
        return f"/mailbox/{c.mailbox.code}/write/"
    if c.source == Column.Source.DOCUMENTS:
        codes = [x.code for x in c.categories.all()]  # prefetched by the callers that loop
        return f"/list/?org={c.org.code}" + (f"&category={codes[0]}" if len(codes) == 1 else "")
    return ""


def columns_report(today: dt.date, qs: QuerySet[Column] | None = None) -> list[dict[str, Any]]:
    """Every column's state from four queries (columns, their categories, one grouped
    aggregate over documents, one over letters), whatever the number of columns."""
    base = qs if qs is not None else Column.objects.select_related("org", "mailbox")
    columns = list(base.prefetch_related("categories"))
    docs, letters = document_figures(columns, today), letter_figures(columns, today)
    rows = []
    for c in columns:
        s = column_state(c, today, docs=docs, letters=letters)
        rows.append({"id": c.pk, "name": c.name, "org": c.org.name, "kind": c.kind,
                     "first_level": c.first_level, "period_days": s.period_days,
                     "last_item_on": s.last_item_on.isoformat() if s.last_item_on else None,
                     "items": s.items, "stale": s.stale(today), "empty": s.empty,
                     "url": column_url(c), "state": s})  # fmt: skip
    return rows


def open_letters(today: dt.date) -> list[dict[str, Any]]:
    """§2 interaction / §4: open letters, alarmed at 2 months, vetoed past 3 (calendar months)."""
    rows = []
    qs = Letter.objects.filter(status__in=Letter.OPEN_STATES, submitted_on__lte=today)
    for x in qs.order_by("submitted_on", "id"):
        rows.append({"tracking_no": x.tracking_no, "submitted_on": x.submitted_on.isoformat(),
                     "age_days": (today - x.submitted_on).days,
                     "over_2_months": today > add_months(x.submitted_on, 2),
                     "over_3_months": today > add_months(x.submitted_on, 3)})  # fmt: skip
    return rows


def late_answers(today: dt.date) -> list[dict[str, Any]]:
    """Letters of the year before the check answered only after 3 months (they sat unanswered)."""
    since = add_months(today, -12)
    out = []
    for x in Letter.objects.filter(status=Letter.Status.ANSWERED, submitted_on__gte=since,
                                   replied_on__isnull=False):  # fmt: skip
        if x.replied_on and x.replied_on > add_months(x.submitted_on, 3):
            out.append({"tracking_no": x.tracking_no, "submitted_on": x.submitted_on.isoformat(),
                        "replied_on": x.replied_on.isoformat()})  # fmt: skip
    return out


def uptime(now: dt.datetime) -> dict[str, Any]:
    """§5: probes of the last 7 days."""
    since = now - dt.timedelta(days=sitecheck.PROBE_WINDOW_DAYS)
    agg = Probe.objects.filter(at__gt=since, at__lte=now).aggregate(
        n=Count("id"), failed=Count("id", filter=Q(ok=False)))  # fmt: skip
    n, failed = agg["n"], agg["failed"]
    return {"probes": n, "failures": failed, "ratio": round(failed / n, 4) if n else None,
            "complete": n >= sitecheck.PROBE_WINDOW_DAYS * sitecheck.PROBES_PER_DAY_MIN}  # fmt: skip


def latest_link_check() -> LinkCheck | None:
    return LinkCheck.objects.first()


def links_report(run: LinkCheck | None) -> dict[str, Any]:
    if run is None:
        return {"checked": 0, "broken": 0, "skipped_private": 0, "items": [], "at": None}
    items = run.results.exclude(outcome=LinkResult.Outcome.OK).order_by("id")
    return {"checked": run.checked, "broken": run.broken, "skipped_private": run.skipped_private,
            "at": run.started_at.isoformat(),
            "items": [{"url": r.url, "internal": r.internal, "status": r.status,
                       "outcome": r.outcome, "error": r.error or None, "found_on": r.found_on,
                       "on_homepage": r.on_homepage} for r in items]}  # fmt: skip


def corrections_report(today: dt.date) -> dict[str, Any]:
    open_n = Correction.objects.exclude(status=Correction.Status.ANSWERED).count()
    overdue = [c.tracking_no for c in Correction.objects.all() if correction_overdue(c, today)]
    return {"open": open_n, "overdue": len(overdue), "overdue_items": overdue}


def security(today: dt.date) -> sitecheck.Veto:
    """§2 security: staff attestations covering today; an incident stated is a veto."""
    rows = list(Attestation.objects.filter(period_start__lte=today, period_end__gte=today))
    incidents = [{"item": a.get_item_display(), "note": a.note} for a in rows if a.incident]
    stated = {a.item for a in rows}
    missing = [label for code, label in Attestation.Item.choices if code not in stated]
    value = "已声明" if not missing else f"未声明：{'、'.join(missing)}"
    return sitecheck.Veto("security", "安全、泄密事故等严重问题", bool(incidents), value,
                          "无严重表述错误、泄密、有害信息、篡改挂马、弄虚作假、严重负面舆情",
                          incidents)  # fmt: skip


def services_veto() -> sitecheck.Veto:
    """§2 `services` (服务不实用), from the lists app's public 办事指南
    (`lists.selectors.public_guides`) and its element-class check (`lists.selectors.
    missing_classes`, the 8 classes of lists.md §2.3):

    - no public service item and no public guide: the platform holds no 办事服务 data, so the
      value is 未接入 and the veto cannot fire from data we do not have (never "met");
    - public service items but not one public guide: no usable 办事服务 → veto;
    - otherwise a guide is deficient when ≥ `GONGKAI_GUIDE_MISSING_CLASSES` (4) classes are
      empty, and the veto fires when the deficient guides are more than
      `GONGKAI_GUIDE_SHARE_VETO` (0.05) of the public guides (both unverified: settings).
    The share is over the whole site (the inspection judges the site, not each organisation).
    """
    name = "服务不实用"
    need, share_veto = conf.guide_missing_classes(), conf.guide_share_veto()
    threshold = (f"提供办事服务；缺少 ≥{need} 类重点要素的办事指南占比不超过 {share_veto:.0%}"
                 f"（{'、'.join(CLASSES.values())}）")  # fmt: skip
    total, deficient = 0, []
    for g in public_guides().order_by("item__org__path", "item__impl_code"):
        total += 1
        missing = missing_classes(g)
        if len(missing) >= need:
            deficient.append({"impl_code": g.item.impl_code, "name": g.item.name,
                              "org": g.item.org.name,
                              "missing": [CLASSES[k] for k in missing]})  # fmt: skip
    if total == 0:
        items = public_service_items().count()
        if items == 0:
            return sitecheck.Veto("services", name, False, "未接入", threshold, [])
        return sitecheck.Veto("services", name, True, {"guides": 0, "service_items": items},
                              threshold, ["公开的服务事项均无办事指南"])  # fmt: skip
    share = len(deficient) / total
    return sitecheck.Veto("services", name, share > share_veto,
                          {"guides": total, "deficient": len(deficient),
                           "share": round(share, 4)}, threshold, deficient)  # fmt: skip


IDENTITY = [("site_code", "网站标识码"), ("icp", "ICP 备案号"), ("police_record", "公安备案号"),
            ("host", "主办单位")]  # fmt: skip


def deductions(*, links: dict[str, Any], letters: list[dict[str, Any]],
               corrections: dict[str, Any], up: dict[str, Any]) -> list[dict[str, Any]]:  # fmt: skip
    """§4 (all point values unverified: tenant settings `GONGKAI_MONITOR_POINTS`)."""
    pts = conf.points()
    out: list[dict[str, Any]] = []
    broken = [i for i in links["items"] if i["outcome"] == "broken"]
    home = [i for i in broken if i["on_homepage"]]
    other = [i for i in broken if not i["on_homepage"]]
    if home:
        out.append({"item": "首页链接可用性", "rule": f"首页每个失效链接扣 {pts['homepage_link']} 分",
                    "points": round(len(home) * pts["homepage_link"], 1),
                    "found": f"首页失效链接 {len(home)} 个"})  # fmt: skip
    if other:
        out.append({"item": "链接可用性", "rule": f"其他页面每个失效链接扣 {pts['other_link']} 分",
                    "points": round(len(other) * pts["other_link"], 1),
                    "found": f"其他页面失效链接 {len(other)} 个"})  # fmt: skip
    if up["probes"] and up["failures"]:
        percent = 100 * up["failures"] / up["probes"]
        out.append({"item": "首页可用性",
                    "rule": f"监测失败率每 1% 扣 {pts['probe_failure_percent']} 分",
                    "points": round(percent * pts["probe_failure_percent"], 1),
                    "found": f"近 7 天 {up['probes']} 次监测失败 {up['failures']} 次"})  # fmt: skip
    alarmed = [x for x in letters if x["over_2_months"] and not x["over_3_months"]]
    if alarmed:
        out.append({"item": "互动回应", "rule": f"每件超过 2 个月未答复的留言扣 {pts['letter_2_months']} 分",
                    "points": round(len(alarmed) * pts["letter_2_months"], 1),
                    "found": "、".join(x["tracking_no"] for x in alarmed)})  # fmt: skip
    if corrections["overdue"]:
        out.append({"item": "纠错办理", "rule": f"每件超期办理的纠错扣 {pts['correction_overdue']} 分",
                    "points": round(corrections["overdue"] * pts["correction_overdue"], 1),
                    "found": f"超期 {corrections['overdue']} 件"})  # fmt: skip
    site = SiteSettings.objects.filter(pk=1).first()
    lacking = [label for key, label in IDENTITY if not (site and getattr(site, key))]
    if lacking:
        out.append({"item": "网站标识", "rule": f"页脚每缺一项扣 {pts['identity']} 分（47号）",
                    "points": round(len(lacking) * pts["identity"], 1),
                    "found": "缺少" + "、".join(lacking)})  # fmt: skip
    return out


def inspect(today: dt.date, now: dt.datetime | None = None) -> dict[str, Any]:
    """The whole self-inspection as of `today` (19号: any veto → 不合格, else 100 − deductions)."""
    now = now or timezone.now()
    cols = columns_report(today)
    states = [c.pop("state") for c in cols]
    letters = open_letters(today)
    breached = [x for x in letters if x["over_3_months"]
                and x["submitted_on"] >= add_months(today, -12).isoformat()]  # fmt: skip
    up = uptime(now)
    links = links_report(latest_link_check())
    corrections = corrections_report(today)
    channels = Mailbox.objects.filter(is_active=True).count()
    vetoes = [
        security(today),
        sitecheck.unreachable(up["probes"], up["failures"]),
        sitecheck.homepage_stale(states, today),
        sitecheck.columns_stale(states, today),
        sitecheck.interaction(channels=channels, unanswered=breached + late_answers(today)),
        services_veto(),
    ]
    cuts = deductions(links=links, letters=letters, corrections=corrections, up=up)
    score = round(max(0.0, 100 - sum(d["points"] for d in cuts)), 1)
    code = sitecheck.verdict(vetoes, score)
    return {
        "as_of": today.isoformat(), "verdict": "合格" if code == "pass" else "不合格",
        "verdict_code": code, "score": score, "vetoes": [v.as_dict() for v in vetoes],
        "columns": cols, "letters": letters, "links": links,
        "uptime": {k: up[k] for k in ("probes", "failures", "ratio", "complete")},
        "corrections": {"open": corrections["open"], "overdue": corrections["overdue"]},
        "deductions": cuts,
    }  # fmt: skip


def latest_inspection() -> Inspection | None:
    return Inspection.objects.first()


# --- what the link checker reads (public content and staff-made columns only) -----------------

SKIPPED_SCHEMES = ("#", "mailto:", "tel:", "javascript:", "data:")
HREF = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"'<>\s]+)["']""", re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    url: str
    found_on: str
    on_homepage: bool = False


def iter_links() -> Iterator[Link]:
    """Every href/src of public documents (the public version), their public attachments, and
    the URLs of columns, streamed (documents read in chunks; a link repeated on one page once).
    Visitor input (corrections, letters, comments) is never read here."""
    seen: set[str] = set()
    columns = Column.objects.select_related("org", "mailbox").prefetch_related("categories")
    for c in columns.order_by("id"):
        url = column_url(c).strip()
        if url and url not in seen:
            seen.add(url)
            yield Link(url, "/", c.on_homepage)
    docs = public_documents().prefetch_related("attachments").order_by("-published_on", "-id")
    for doc in docs.iterator(chunk_size=500):
        page = f"/documents/{doc.pk}/"
        on_page: set[str] = set()
        urls = [m.group(1) for m in HREF.finditer(sanitize_html(doc.public_body() or ""))]
        urls += [f"/attachments/{a.pk}/{a.name}" for a in public_attachments(doc)]
        for url in urls:
            url = url.strip()
            if not url or url.startswith(SKIPPED_SCHEMES) or url in on_page:
                continue
            on_page.add(url)
            yield Link(url, page)


def links_to_check(limit: int | None = None) -> list[Link]:
    return list(itertools.islice(iter_links(), limit))


def site_origin() -> str:
    site = SiteSettings.objects.filter(pk=1).first()
    return (site.site_url if site else "") or getattr(settings, "GONGKAI_SITE_URL", "")


# --- 政府网站工作年度报表 (§7, 国办函〔2018〕12号) -------------------------------------------------

# (section, field, unit, computed key or None = entered by staff)
YEARLY_FIELDS: list[tuple[str, str, str, str | None]] = [
    ("基本信息", "网站名称", "", "site_name"),
    ("基本信息", "首页网址", "", "site_url"),
    ("基本信息", "主办单位", "", "host"),
    ("基本信息", "网站类型", "", None),
    ("基本信息", "政府网站标识码", "", "site_code"),
    ("基本信息", "ICP备案号", "", "icp"),
    ("基本信息", "公安机关备案号", "", "police_record"),
    ("基本信息", "独立用户访问总量", "个", None),
    ("基本信息", "网站总访问量", "次", None),
    ("信息发布", "总数", "条", "published"),
    ("信息发布", "概况类信息更新量", "条", None),
    ("信息发布", "政务动态信息更新量", "条", "news"),
    ("信息发布", "信息公开目录信息更新量", "条", "published"),
    ("专栏专题", "维护数量", "个", None),
    ("专栏专题", "新开设数量", "个", None),
    ("解读回应", "解读信息发布总数", "条", "interpretations"),
    ("解读回应", "回应公众关注热点或重大舆情数量", "次", None),
    ("办事服务", "是否发布服务事项目录", "", None),
    ("办事服务", "注册用户数", "个", None),
    ("办事服务", "政务服务事项数量", "项", None),
    ("办事服务", "可全程在线办理政务服务事项数量", "项", None),
    ("办事服务", "办件量总数", "件", None),
    ("互动交流", "是否使用统一平台", "", None),
    ("互动交流", "收到留言数量", "条", "letters_received"),
    ("互动交流", "办结留言数量", "条", "letters_answered"),
    ("互动交流", "平均办理时间", "天", "letters_average_days"),
    ("互动交流", "公开答复数量", "条", "letters_published"),
    ("互动交流", "征集调查期数", "期", "consultations"),
    ("互动交流", "收到意见数量", "条", "comments"),
    ("互动交流", "公布调查结果期数", "期", "feedback_published"),
    ("安全防护", "安全检测评估次数", "次", None),
    ("安全防护", "发现问题数量", "个", None),
    ("安全防护", "问题整改数量", "个", None),
    ("安全防护", "是否建立安全监测预警机制", "", None),
    ("安全防护", "是否开展应急演练", "", None),
    ("安全防护", "是否明确网站安全责任人", "", None),
    ("移动新媒体", "是否有移动新媒体", "", None),
    ("移动新媒体", "微博信息发布量", "条", None),
    ("移动新媒体", "微信信息发布量", "条", None),
    ("创新发展", "创新发展", "", None),
    ("填报信息", "单位负责人", "", None),
    ("填报信息", "审核人", "", None),
    ("填报信息", "填报人", "", None),
    ("填报信息", "联系电话", "", None),
    ("填报信息", "填报日期", "", None),
]
ENTERED_FIELDS = [f"{s}/{n}" for s, n, _, key in YEARLY_FIELDS if key is None]


def computed_figures(year: int) -> dict[str, Any]:
    """What the platform counts itself for `year` (public content and letter counts only)."""
    from gongkai.participation.models import Comment, Consultation
    from gongkai.participation.selectors import letter_statistics

    docs = public_documents().filter(published_on__year=year)
    site = SiteSettings.objects.filter(pk=1).first()
    total = letter_statistics(year)["total"]
    consults = Consultation.objects.filter(status="published", opens_on__year=year)
    return {
        "site_name": site.site_name if site else "", "site_url": site.site_url if site else "",
        "host": site.host if site else "", "site_code": site.site_code if site else "",
        "icp": site.icp if site else "", "police_record": site.police_record if site else "",
        "published": docs.count(), "news": docs.filter(category__code="news").count(),
        "interpretations": docs.filter(category__is_interpretation=True).count(),
        "letters_received": total.received, "letters_answered": total.answered,
        "letters_average_days": total.average_days,
        "letters_published": public_letters_in(year),
        "consultations": consults.count(),
        "comments": Comment.objects.filter(consultation__in=consults).count(),
        "feedback_published": consults.filter(feedback_published_on__isnull=False).count(),
    }  # fmt: skip


def public_letters_in(year: int) -> int:
    from gongkai.participation.selectors import public_letters

    return public_letters().filter(published_on__year=year).count()


def yearly(
    year: int, report: SiteReport | None, computed: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The 报表 as sections of fields, each marked computed or entered."""
    figures = computed if computed is not None else computed_figures(year)
    entered = report.entered if report else {}
    sections: list[dict[str, Any]] = []
    for section, name, unit, key in YEARLY_FIELDS:
        if not sections or sections[-1]["name"] != section:
            sections.append({"name": section, "fields": []})
        value = figures.get(key) if key else entered.get(f"{section}/{name}")
        sections[-1]["fields"].append({"name": name, "value": value, "unit": unit,
                                       "source": "computed" if key else "entered"})  # fmt: skip
    return {"year": year, "published_on": report.published_on.isoformat()
            if report and report.published_on else None, "sections": sections}  # fmt: skip


def correction_overdue(c: Correction, today: dt.date | None = None) -> bool:
    """§6: not answered by its due date (answered late counts as overdue too)."""
    day = today or timezone.localdate()
    if c.answer_due_on is None:
        return False
    if c.answered_on is not None:
        return c.answered_on > c.answer_due_on
    return day > c.answer_due_on
