"""Reads on the 基层政务公开标准目录 (gazette-catalog spec §3). The catalogue itself is public; what
it is measured against is not all public, so `last_published_on` and `status` come only from
public documents (`documents.public_documents`) in the linked 目录栏目 or category lists.

Status of an entry: `not_computable` without links or for a `realtime`/`timely`/`text` rule (or
when the dates fall in a year with no calendar), `empty` when nothing linked is published, else by
the newest publication: `wdN` met when published within N working days of its 成文日期 (the date
the information was formed, 条例 Art. 26; working days by `applications.clock.work_calendar()`,
the one calendar with staff-entered years), `yearly:MM-DD` met when this cycle's publication came
by the deadline (late when after it or still missing)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from gongkai.applications.clock import work_calendar
from gongkai.documents.models import Document
from gongkai.documents.selectors import public_documents
from gongkai.lib.timelimit import yearly_deadline
from gongkai.lib.workdays import UnknownYear
from gongkai.organizations.models import Organization
from gongkai.organizations.selectors import public_organizations

from .models import Domain, Entry, NotApplicable

STATUSES = {
    "met": "按时公开",
    "late": "逾期",
    "empty": "尚无公开信息",
    "not_computable": "无法计算",
}


def public_domains() -> QuerySet[Domain]:
    return Domain.objects.order_by("order", "id")


def catalog_orgs() -> QuerySet[Organization]:
    """Public organisations that have a catalogue (entries or 未涉及 declarations)."""
    with_entries = Entry.objects.values("org_id")
    declared = NotApplicable.objects.values("org_id")
    return (
        public_organizations().filter(Q(pk__in=with_entries) | Q(pk__in=declared)).order_by("path")
    )


def catalog_org(code: str) -> Organization | None:
    return public_organizations().filter(code=code).first()


@dataclass(frozen=True)
class DomainRow:
    domain: Domain
    count: int
    not_applicable: str  # the published explanation, "" when the domain applies


def org_domains(org: Organization) -> list[DomainRow]:
    counts = dict(Entry.objects.filter(org=org).values_list("domain_id").annotate(n=Count("id")))
    na = dict(NotApplicable.objects.filter(org=org).values_list("domain_id", "explanation"))
    return [DomainRow(d, counts.get(d.pk, 0), na.get(d.pk, "")) for d in public_domains()]


def public_entries(
    org: Organization | None = None, domain: Domain | None = None
) -> QuerySet[Entry]:
    qs = Entry.objects.filter(org__in=public_organizations()).select_related("org", "domain")
    if org is not None:
        qs = qs.filter(org=org)
    if domain is not None:
        qs = qs.filter(domain=domain)
    return qs.prefetch_related("directory_items", "categories").order_by(
        "org__path", "domain__order", "seq", "id"
    )


@dataclass(frozen=True)
class Column:
    label: str
    url: str


def columns(entry: Entry) -> list[Column]:
    code = entry.org.code
    out = [Column(i.name, f"/list/?org={code}&item={i.pk}") for i in entry.directory_items.all()]
    out += [Column(c.name, f"/list/?org={code}&category={c.code}") for c in entry.categories.all()]
    return out


def _linked(entry: Entry) -> QuerySet[Document]:
    items = [i.pk for i in entry.directory_items.all()]
    cats = [c.pk for c in entry.categories.all()]
    return public_documents().filter(
        Q(directory_item_id__in=items) | Q(org_id=entry.org_id, category_id__in=cats)
    )


@dataclass(frozen=True)
class Status:
    code: str
    last_published_on: dt.date | None

    @property
    def label(self) -> str:
        return STATUSES[self.code]


def status(entry: Entry, today: dt.date) -> Status:
    if not entry.directory_items.all() and not entry.categories.all():
        return Status("not_computable", None)
    newest = _linked(entry).order_by("-published_on", "-id").first()
    last = newest.published_on if newest else None
    rule = entry.time_limit_rule
    if newest is None or last is None:
        return Status("empty", None)
    if rule.startswith("wd"):
        if newest.written_on is None:
            return Status("not_computable", last)
        try:
            due = work_calendar().add_working_days(newest.written_on, int(rule[2:]))
        except UnknownYear:
            return Status("not_computable", last)
        return Status("met" if last <= due else "late", last)
    if rule.startswith("yearly:"):
        deadline = yearly_deadline(rule, today.year)
        if today <= deadline:
            deadline = yearly_deadline(rule, today.year - 1)
        cycle = _linked(entry).filter(published_on__year=deadline.year)
        on_time = cycle.filter(published_on__lte=deadline).exists()
        return Status("met" if on_time else "late", last)
    return Status("not_computable", last)


def staff_entries(user: Any) -> QuerySet[Entry]:
    from gongkai.accounts import permissions

    return permissions.scope(Entry.objects.select_related("org", "domain"), user)
