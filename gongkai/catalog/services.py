"""Writes on the 基层政务公开标准目录 (gazette-catalog spec §3): entries with their columns and
links, 未涉及 declarations and the idempotent import. Each in one transaction with an audit entry;
only someone who manages the organisation (like its 主动公开基本目录) may change it."""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from gongkai.accounts import permissions
from gongkai.accounts.permissions import Action
from gongkai.audit.services import record
from gongkai.documents.models import DirectoryItem, InfoCategory
from gongkai.lib.timelimit import RULE
from gongkai.organizations.models import Organization

from .models import Domain, Entry, NotApplicable

FIELDS = ["seq", "level1", "level2", "content", "basis", "time_limit_rule", "time_limit_text",
          "publisher", "channels", "audience", "mode", "levels"]  # fmt: skip
LIST_FIELDS = ("channels", "audience", "mode", "levels")


def _clean(data: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not str(data.get("level1") or "").strip():
        errors["level1"] = "请填写一级事项"
    if not isinstance(data.get("seq"), int) or data["seq"] < 1:
        errors["seq"] = "序号应为正整数"
    if not RULE.match(str(data.get("time_limit_rule") or "")):
        errors["time_limit_rule"] = "时限规则应为 wdN、realtime、timely、yearly:MM-DD 或 text"
    basis = data.get("basis") or []
    if not isinstance(basis, list) or not all(
        isinstance(b, dict) and b.get("title") for b in basis
    ):
        errors["basis"] = "公开依据应为 [{rank, title}] 列表"
    for name in LIST_FIELDS:
        value = data.get(name) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            errors[name] = "应为文字列表"
    return errors


def _values(entry: Entry) -> dict[str, Any]:
    return {f: getattr(entry, f) for f in FIELDS}


@transaction.atomic
def save_entry(
    *, by: Any, org: Organization, domain: Domain, data: dict[str, Any], ip: str = ""
) -> Entry:
    """Create or update the entry (org, domain, seq)."""
    permissions.require(by, Action.MANAGE, org.pk)
    data = {k: data.get(k, [] if k in LIST_FIELDS or k == "basis" else "") for k in FIELDS}
    errors = _clean(data)
    if errors:
        raise ValidationError(errors)
    entry, created = Entry.objects.select_for_update().get_or_create(
        org=org, domain=domain, seq=data["seq"], defaults=data
    )
    before = _values(entry)
    if not created:
        for k, v in data.items():
            setattr(entry, k, v)
        entry.save()
    record("catalog.entry_create" if created else "catalog.entry_update", actor=by, obj=entry,
           org_id=org.pk, before=None if created else before, after=_values(entry), ip=ip)  # fmt: skip
    return entry


@transaction.atomic
def link(
    *, by: Any, entry: Entry, directory_items: list[DirectoryItem] = (),  # type: ignore[assignment]
    categories: list[InfoCategory] = (),  # type: ignore[assignment]
    ip: str = "",
) -> Entry:  # fmt: skip
    """The 目录栏目 (of the same organisation) and category lists whose publications fulfil it."""
    permissions.require(by, Action.MANAGE, entry.org_id)
    if any(i.org_id != entry.org_id for i in directory_items):
        raise ValidationError({"directory_items": "只能关联本机构的主动公开基本目录事项"})
    entry.directory_items.set(directory_items)
    entry.categories.set(categories)
    record("catalog.entry_link", actor=by, obj=entry, org_id=entry.org_id, ip=ip, after={
        "directory_items": [i.pk for i in directory_items],
        "categories": [c.code for c in categories]})  # fmt: skip
    return entry


@transaction.atomic
def declare_not_applicable(
    *, by: Any, org: Organization, domain: Domain, explanation: str, ip: str = ""
) -> NotApplicable:
    permissions.require(by, Action.MANAGE, org.pk)
    if not explanation.strip():
        raise ValidationError({"explanation": "未涉及领域须公开说明理由"})
    if Entry.objects.filter(org=org, domain=domain).exists():
        raise ValidationError({"domain": f"“{domain.name}”领域已有公开事项，不能声明未涉及"})
    row, _ = NotApplicable.objects.update_or_create(
        org=org, domain=domain, defaults={"explanation": explanation.strip()}
    )
    record("catalog.not_applicable", actor=by, obj=row, org_id=org.pk, ip=ip,
           after={"domain": domain.code, "explanation": row.explanation})  # fmt: skip
    return row


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "errors": self.errors, "entries": self.entries}  # fmt: skip


@transaction.atomic
def import_rows(
    *, by: Any, org: Organization, rows: list[dict[str, Any]], dry_run: bool = False, ip: str = ""
) -> ImportResult:
    """Write parsed rows (`importer.parse`), keyed by (domain, 序号): idempotent; a row with an
    error is reported and skipped. `dry_run` writes nothing (the transaction is rolled back)."""
    permissions.require(by, Action.MANAGE, org.pk)
    domains = {d.name: d for d in Domain.objects.all()}
    result = ImportResult(rows=len(rows))
    # the organisation's entries read once, new ones inserted together (a query or two per row
    # made 10,000 rows take minutes, bench/gazette.py)
    known = {(e.domain_id, e.seq): e for e in Entry.objects.filter(org=org)}
    new: list[Entry] = []
    changed: dict[int, Entry] = {}
    for row in rows:
        data = {k: row.get(k) for k in FIELDS}
        domain = domains[row["domain"]]
        errors = _clean(data)
        if errors:
            result.errors += [
                {"row": row["row"], "column": k, "message": v} for k, v in errors.items()
            ]
            continue
        result.entries.append({"domain": domain.name, "level1": data["level1"],
                               "level2": data["level2"], "time_limit": data["time_limit_rule"]})  # fmt: skip
        existing = known.get((domain.pk, data["seq"] or 0))
        if existing is not None and _values(existing) == data:
            result.unchanged += 1
            continue
        if existing is None:
            entry = Entry(org=org, domain=domain, **data)
            known[(domain.pk, data["seq"] or 0)] = entry
            new.append(entry)
            result.created += 1
        else:  # a row seen before in this file, or one already stored
            for k, v in data.items():
                setattr(existing, k, v)
            if existing.pk is not None:
                changed[existing.pk] = existing
            result.updated += 1
    Entry.objects.bulk_create(new, batch_size=500)
    for entry in changed.values():
        entry.save()
    if result.created or result.updated:
        record("catalog.import", actor=by, object_type="catalog.entry", object_id=org.code,
               org_id=org.pk, ip=ip, after={k: v for k, v in result.as_dict().items()
                                             if k in ("rows", "created", "updated", "unchanged")})  # fmt: skip
    if dry_run:
        transaction.set_rollback(True)
    return result
