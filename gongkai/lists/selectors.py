"""Reads of the lists. `public_*` apply public visibility (spec §5 "Never public"): only
published, non-secret items; only published adjustments of non-secret items; guides only of
published items whose 权责事项 (if any) is public; never internal opinions or who compiled the
list. `staff_*` apply the user's scope (accounts/permissions).

As-of views (§1.4 "any past day can be rebuilt"): the version in force on day D is the one with
`valid_from ≤ D` and (`valid_to` empty or `valid_to ≥ D`).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from gongkai.accounts import permissions
from gongkai.accounts.permissions import Action

from .models import (
    PUBLIC_GUIDE,
    Adjustment,
    Guide,
    Intermediary,
    PowerItem,
    PowerType,
    PowerVersion,
    ServiceItem,
    Status,
)

PUBLIC_ITEM = Q(item__status=Status.PUBLISHED, item__secret=False)


def in_force(on: dt.date) -> Q:
    return Q(valid_from__isnull=False, valid_from__lte=on) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )


def power_types() -> QuerySet[PowerType]:
    return PowerType.objects.all()


def public_power_versions(
    *, on: dt.date, org: str = "", type: str = "", level: str = "", q: str = ""
) -> QuerySet[PowerVersion]:
    """The public list as it stood on `on`: one version per public item."""
    qs = PowerVersion.objects.filter(PUBLIC_ITEM & in_force(on)).select_related(
        "item", "item__org", "item__type"
    )
    if org:
        qs = qs.filter(item__org__code=org)
    if type:
        qs = qs.filter(Q(item__type__code=type) | Q(item__type__letters=type.upper()))
    if level:
        qs = qs.filter(levels__contains=f",{level},")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(sub_name__icontains=q) | Q(item__code=q))
    return qs.order_by("item__org__path", "item__org__order", "item__code")


def public_power(code: str, on: dt.date) -> PowerVersion | None:
    return public_power_versions(on=on).filter(item__code=code).first()


def orgs_with_public_powers() -> Any:
    """The organisations that have a public item (for the 部门 filter): one index probe each."""
    from django.db.models import Exists, OuterRef

    from gongkai.organizations.models import Organization

    public = PowerItem.objects.filter(org=OuterRef("pk"), status=Status.PUBLISHED, secret=False)
    return Organization.objects.filter(Exists(public)).order_by("path", "order")


def public_item(code: str) -> PowerItem | None:
    return (
        PowerItem.objects.filter(code=code, status=Status.PUBLISHED, secret=False)
        .select_related("org", "type")
        .first()
    )


def public_versions(item: PowerItem) -> list[PowerVersion]:
    """Every version that was ever in force (drafts have no `valid_from`)."""
    return list(item.versions.filter(valid_from__isnull=False).order_by("version"))


def public_adjustments(
    *, org: str = "", year: int | None = None, item: PowerItem | None = None
) -> QuerySet[Adjustment]:
    qs = Adjustment.objects.filter(
        state=Adjustment.State.PUBLISHED, item__secret=False
    ).select_related("item", "org", "item__type")
    if org:
        qs = qs.filter(org__code=org)
    if year:
        qs = qs.filter(published_on__year=year)
    if item is not None:
        qs = qs.filter(item=item)
    return qs.order_by("-published_on", "-id")


STAGES = ("apply", "review", "publish")
STAGE_LABELS = {"apply": "申请", "review": "审核", "publish": "公布"}


def stage_dates(a: Adjustment) -> list[tuple[str, dt.date, dt.date | None, dt.date | None]]:
    """(stage, started_on, due_on, done_on) of the three clocks; due None until it starts."""
    return [
        ("apply", a.trigger_on, a.apply_due_on, a.applied_on),
        ("review", a.applied_on, a.review_due_on, a.approved_on),
        ("publish", a.approved_on or a.applied_on, a.publish_due_on, a.published_on),
    ]


def late(a: Adjustment, today: dt.date) -> list[str]:
    """Stages done after their due date, or still open past it."""
    out = []
    for stage, _start, due, done in stage_dates(a):
        if due is None:
            continue
        if (done is not None and done > due) or (done is None and today > due):
            out.append(stage)
    return out


@dataclass(frozen=True)
class Overdue:
    adjustment: Adjustment
    stage: str
    started_on: dt.date
    due_on: dt.date


def overdue(qs: QuerySet[Adjustment], today: dt.date) -> list[Overdue]:
    """Open stages past their due date (staff only: unapproved adjustments are never public)."""
    out = []
    for a in qs.exclude(state=Adjustment.State.PUBLISHED).select_related("item"):
        for stage, start, due, done in stage_dates(a):
            if due is not None and done is None and today > due:
                out.append(Overdue(a, stage, start, due))
    return out


def staff_adjustments(user: Any) -> QuerySet[Adjustment]:
    return permissions.scope(
        Adjustment.objects.select_related("item", "org"), user, Action.VIEW
    ).order_by("-applied_on", "-id")


def staff_guides(user: Any) -> QuerySet[Guide]:
    return permissions.scope(
        Guide.objects.select_related("item", "item__org"), user, Action.VIEW, "item__org"
    )


# ---------------------------------------------------------------------------------------------
# 公共服务事项清单 and 办事指南

PUBLIC_POWER_OR_NONE = Q(power__isnull=True) | Q(
    power__status=Status.PUBLISHED, power__secret=False
)


def public_service_items(
    *, org: str = "", audience: str = "", q: str = ""
) -> QuerySet[ServiceItem]:
    qs = ServiceItem.objects.filter(PUBLIC_POWER_OR_NONE, status=Status.PUBLISHED).select_related(
        "org", "parent", "power"
    )
    if org:
        qs = qs.filter(org__code=org)
    if audience:
        # an item for 自然人及法人 serves both
        qs = qs.filter(audience__in=[audience, ServiceItem.Audience.BOTH])
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(impl_code=q) | Q(base_code=q))
    published_guides = Guide.objects.filter(status=Status.PUBLISHED)
    return qs.prefetch_related(Prefetch("guide", queryset=published_guides)).order_by(
        "org__path", "base_code", "impl_code"
    )


def public_guide_of(item: ServiceItem) -> Guide | None:
    guide = getattr(item, "guide", None)
    return guide if guide is not None and guide.status == Status.PUBLISHED else None


def public_guides() -> QuerySet[Guide]:
    return Guide.objects.filter(PUBLIC_GUIDE).select_related("item", "item__org", "item__power")


def public_guide(impl_code: str) -> Guide | None:
    return public_guides().filter(item__impl_code=impl_code).first()


def guide_impl_codes(items: list[PowerItem]) -> dict[int, str]:
    """The public guide of each power item (its implementing service item), by item id."""
    rows = (
        public_guides()
        .filter(item__power__in=items)
        .values_list("item__power_id", "item__impl_code")
    )
    out: dict[int, str] = {}
    for power_id, impl in rows:
        out.setdefault(power_id, impl)
    return out


# ---------------------------------------------------------------------------------------------
# 中介服务事项清单


def public_intermediaries(*, org: str = "") -> QuerySet[Intermediary]:
    qs = Intermediary.objects.filter(status=Status.PUBLISHED).select_related("org")
    if org:
        qs = qs.filter(org__code=org)
    public_items = PowerItem.objects.filter(status=Status.PUBLISHED, secret=False).order_by("code")
    return qs.prefetch_related(Prefetch("approval_items", queryset=public_items)).order_by(
        "org__path", "code"
    )


# ---------------------------------------------------------------------------------------------
# guide check (§2.3: the 8 element classes of the 2015 普查)

CLASSES = {
    "name": "事项名称", "basis": "设定依据", "conditions": "申请条件", "materials": "办理材料",
    "place": "办理地点", "hours": "办理时间", "phone": "联系电话", "process": "办理流程",
}  # fmt: skip


def missing_classes(g: Guide) -> list[str]:
    present = {
        "name": bool(g.item.name), "basis": bool(g.basis), "conditions": bool(g.conditions),
        "materials": bool(g.materials), "place": bool(g.place), "hours": bool(g.hours),
        "phone": bool(g.consult_phone), "process": bool(g.process or g.steps),
    }  # fmt: skip
    return [k for k, ok in present.items() if not ok]


def guide_check(guides: QuerySet[Guide], licences: QuerySet[PowerItem]) -> dict[str, Any]:
    """Per guide, the empty classes; per organisation, the share missing ≥ 4 (国办秘函〔2019〕19号)."""
    by_class = dict.fromkeys(CLASSES, 0)
    four_plus = []
    per_org: dict[str, list[int]] = {}
    rows = []
    for g in guides.select_related("item", "item__org"):
        missing = missing_classes(g)
        for k in missing:
            by_class[k] += 1
        counts = per_org.setdefault(g.item.org.code, [0, 0])
        counts[0] += 1
        if len(missing) >= 4:
            four_plus.append(g.item.impl_code)
            counts[1] += 1
        rows.append({"impl_code": g.item.impl_code, "name": g.item.name,
                     "missing": [CLASSES[k] for k in missing]})  # fmt: skip
    with_guide = Guide.objects.filter(item__power__in=licences).values_list(
        "item__power_id", flat=True
    )
    without = licences.exclude(pk__in=with_guide).order_by("code").values_list("code", flat=True)
    return {
        "guides": len(rows),
        "missing_by_class": {CLASSES[k]: n for k, n in by_class.items()},
        "guides_missing_4plus": four_plus,
        "share_missing_4plus": {o: (c[1] / c[0] if c[0] else 0.0) for o, c in per_org.items()},
        "licences_without_guide": list(without),
        "rows": rows,
    }


def guides_of_public_powers(guides: QuerySet[Guide]) -> list[tuple[Guide, PowerVersion]]:
    """The guides whose item implements a published, non-secret 权责事项, each with that
    item's newest version (for the name and type check): two queries for any number."""
    qs = guides.filter(item__power__status=Status.PUBLISHED, item__power__secret=False)
    rows = list(qs.select_related("item", "item__power", "item__power__type").order_by("item"))
    newest: dict[int, PowerVersion] = {}
    versions = PowerVersion.objects.filter(item__in=qs.values("item__power_id"))
    for v in versions.order_by("item_id", "-version"):
        newest.setdefault(v.item_id, v)
    return [(g, newest[g.item.power_id]) for g in rows if g.item.power_id in newest]


def staff_licences(user: Any) -> QuerySet[PowerItem]:
    return permissions.scope(
        PowerItem.objects.filter(type__code="01", status=Status.PUBLISHED), user, Action.VIEW
    )


def counts_by_type(versions: QuerySet[PowerVersion]) -> list[Any]:
    return list(
        versions.values("item__type__code", "item__type__name")
        .annotate(n=Count("id"))
        .order_by("item__type__code")
    )


# ---------------------------------------------------------------------------------------------
# assessment (monitoring.assessment, family 管理服务公开): the fields of its `Kpi`, as dicts
# (this app sits below monitoring and does not import it). No data → value None: 未接入.

FAMILY = "management_service"


def _share(good: int, total: int) -> float | None:
    return round(100 * good / total, 1) if total else None


def adjustments_on_time(year: int, today: dt.date) -> dict[str, Any]:
    """Adjustments of non-secret items approved in `year` whose publication is due: published
    within `publish_due_on` (approval + GONGKAI_LISTS_PUBLISH_DAYS working days) or not. One
    approved and still unpublished past its due date counts as late; one not yet due is left
    out."""
    qs = (
        Adjustment.objects.filter(approved_on__year=year, item__secret=False)
        .exclude(publish_due_on__isnull=True)
        .select_related("item", "org")
        .order_by("approved_on", "id")
    )
    items: list[dict[str, Any]] = []
    good = 0
    for a in qs:
        assert a.publish_due_on is not None
        if a.published_on is None and today <= a.publish_due_on:
            continue  # still within its time limit
        items.append({
            "id": a.pk, "item_code": a.item.code, "org": a.org.name, "change": a.get_change_display(),
            "approved_on": a.approved_on.isoformat() if a.approved_on else None,
            "publish_due_on": a.publish_due_on.isoformat(),
            "published_on": a.published_on.isoformat() if a.published_on else None,
            "ok": a.published_on is not None and a.published_on <= a.publish_due_on,
        })  # fmt: skip
        good += items[-1]["ok"]
    return {
        "code": "power_adjustments_on_time", "name": "权责清单动态调整按时公布", "unit": "%",
        "rule": "调整经批准后在规定工作日内公布调整后的清单；已批准、逾期仍未公布的计为未按时",
        "source": "lists.Adjustment", "items": items, "value": _share(good, len(items)),
    }  # fmt: skip


def last_adjustment(year: int, today: dt.date) -> dict[str, Any]:
    """Days from the newest published 调整公告 (non-secret items) to the end of `year` (or today
    in the current year); per organisation its newest one."""
    as_of = min(today, dt.date(year, 12, 31))
    qs = (
        public_adjustments()
        .filter(published_on__lte=as_of)
        .order_by("org_id", "-published_on", "-id")
    )
    newest: dict[int, Adjustment] = {}
    for a in qs:
        newest.setdefault(a.org_id, a)
    rows = sorted(newest.values(), key=lambda a: (a.published_on, a.pk), reverse=True)
    items: list[dict[str, Any]] = []
    for a in rows:
        assert a.published_on is not None
        items.append({
            "org": a.org.name, "id": a.pk, "item_code": a.item.code,
            "change": a.get_change_display(), "published_on": a.published_on.isoformat(),
            "days": (as_of - a.published_on).days, "ok": True,
        })  # fmt: skip
    return {
        "code": "power_list_last_adjustment", "name": "距最近一次权责清单调整公告", "unit": "天",
        "rule": "截至当年年底（当年截至今天）距最近一次公布的权责清单调整公告的天数；明细为各部门最近一次",
        "source": "lists.Adjustment", "items": items,
        "value": float((as_of - rows[0].published_on).days) if rows and rows[0].published_on else None,
    }  # fmt: skip


def guides_complete() -> dict[str, Any]:
    """Public guides with all 8 element classes of the 2015 普查 (§2.3), as they stand now."""
    items: list[dict[str, Any]] = []
    good = 0
    for g in public_guides().order_by("item__org__path", "item__impl_code"):
        missing = missing_classes(g)
        items.append({"impl_code": g.item.impl_code, "name": g.item.name, "org": g.item.org.name,
                      "missing": "、".join(CLASSES[k] for k in missing), "ok": not missing})  # fmt: skip
        good += not missing
    return {
        "code": "service_guides", "name": "办事指南要素齐全", "unit": "%",
        "rule": "公开的办事指南中事项名称、设定依据、申请条件、办理材料、办理地点、办理时间、"
        "联系电话、办理流程 8 类要素齐全的占比（按当前公开的指南计）",
        "source": "lists.Guide", "items": items, "value": _share(good, len(items)),
    }  # fmt: skip


def assessment_kpis(year: int, today: dt.date) -> list[tuple[str, dict[str, Any]]]:
    return [(FAMILY, k) for k in (last_adjustment(year, today), adjustments_on_time(year, today),
                                  guides_complete())]  # fmt: skip
