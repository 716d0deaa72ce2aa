"""Reads of 行政执法公示 and 双随机、一公开. `public_*` apply visibility; nothing else may feed a
public page, the public API or the CSV.

Visible (spec §1.3, §4; issue 21 "Never public"): a decision with `status == published`,
`disclosure == public` and today ≤ `visible_until` (公示截止期 / retention end). Held, withdrawn
(its `Withdrawal` notice stays), expired and 不予公开 decisions never appear. A natural person's
证件号码 (and a 法定代表人's) is shown only masked (GB/T 37964 suppression as `lib.pii`); contacts
and internal notes never leave staff pages. A plan's seed is shown only once it has been drawn.
"""

import datetime as dt
import hashlib
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from gongkai.accounts import permissions
from gongkai.lib.pii import DEFAULT_POLICY, mask_value
from gongkai.lib.workdays import UnknownYear
from gongkai.organizations.models import Organization

from . import clock, codes, exchange, lottery
from .models import (
    CoercionDecision,
    Disclosure,
    Draw,
    FeeAmount,
    LicenceDecision,
    LicensingIntake,
    Matter,
    Officer,
    PenaltyDecision,
    Plan,
    Result,
    Status,
    Withdrawal,
    visible_q,
)


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def masked_id(id_type: str, number: str) -> str:
    """A natural person's 证件号码 as the public may see it (身份证 5201**********1234 style)."""
    if not number:
        return ""
    rule = DEFAULT_POLICY["id_card" if id_type == codes.ID_CARD else "passport"]
    assert rule is not None
    return mask_value("id_card" if id_type == codes.ID_CARD else "passport", number, rule)


def _visible(qs: QuerySet, today: dt.date) -> QuerySet:
    return qs.filter(visible_q(today))


def _filter(qs: QuerySet, org: Organization | None, year: int | None, q: str) -> QuerySet:
    if org is not None:
        qs = qs.filter(org=org)
    if year:
        qs = qs.filter(decided_on__year=year)
    if q:
        qs = qs.filter(Q(subject_name__icontains=q) | Q(decision_no__icontains=q))
    return qs


def public_licences(*, org: Organization | None = None, year: int | None = None, category: str = "",
                    q: str = "", today: dt.date | None = None) -> QuerySet[LicenceDecision]:  # fmt: skip
    qs = _filter(
        _visible(LicenceDecision.objects.select_related("org"), _today(today)), org, year, q
    )
    return qs.filter(category_code=category) if category else qs


def public_penalties(*, org: Organization | None = None, year: int | None = None, type: str = "",
                     q: str = "", today: dt.date | None = None) -> QuerySet[PenaltyDecision]:  # fmt: skip
    qs = _filter(
        _visible(PenaltyDecision.objects.select_related("org"), _today(today)), org, year, q
    )
    # a case is listed under every type it carries; statistics count only the heaviest
    if type not in codes.PENALTY_TYPES:
        return qs
    # one code of the comma-joined list, matched with LIKE: SQLite's REGEXP is a Python call per row
    return qs.filter(
        Q(type_codes=type) | Q(type_codes__startswith=f"{type},")
        | Q(type_codes__endswith=f",{type}") | Q(type_codes__contains=f",{type},")
    )  # fmt: skip


def public_licence(pk: int, today: dt.date | None = None) -> LicenceDecision | None:
    return public_licences(today=today).filter(pk=pk).first()


def public_penalty(pk: int, today: dt.date | None = None) -> PenaltyDecision | None:
    return public_penalties(today=today).filter(pk=pk).first()


def public_withdrawals(
    *, org: Organization | None = None, year: int | None = None
) -> QuerySet[Withdrawal]:
    qs = Withdrawal.objects.select_related("org")
    if org is not None:
        qs = qs.filter(org=org)
    return qs.filter(withdrawn_on__year=year) if year else qs


def public_officers(*, org: Organization | None = None, q: str = "") -> QuerySet[Officer]:
    qs = Officer.objects.select_related("org").filter(
        published_on__isnull=False, org__is_active=True
    )
    if org is not None:
        qs = qs.filter(org=org)
    if q:
        qs = qs.filter(Q(cert_no__iexact=q.strip()) | Q(name__icontains=q.strip()))
    return qs


def public_matters(*, org: Organization | None = None, kind: str = "") -> QuerySet[Matter]:
    qs = Matter.objects.select_related("org").prefetch_related("discretion").filter(is_public=True)
    if org is not None:
        qs = qs.filter(org=org)
    return qs.filter(kind=kind) if kind else qs


def enforcement_orgs() -> QuerySet[Organization]:
    """Organisations with anything public in 行政执法公示 (for /enforcement/)."""
    return Organization.objects.filter(is_active=True).filter(
        Q(enforcement_body__isnull=False) | Q(officers__isnull=False) | Q(enforcement_matters__isnull=False)
    ).distinct().order_by("code")  # fmt: skip


# --- one row of the public lists / API -------------------------------------------------------


def _subject(d: Any) -> dict[str, Any]:
    person = d.subject_type == codes.NATURAL_PERSON
    return {
        "subject_name": d.subject_name, "subject_type_code": d.subject_type,
        "subject_type": codes.SUBJECT_TYPES.get(d.subject_type, ""),
        "credit_code": "" if person else d.credit_code,
        "id_type_code": d.id_type if person else "",
        "id_number": masked_id(d.id_type, d.id_number) if person else "",
        "legal_rep": d.legal_rep,
        "authority": d.authority, "authority_credit_code": d.authority_credit_code,
        "published_on": d.published_on, "publish_due_on": d.publish_due_on,
        "published_late": d.published_late,
    }  # fmt: skip


def licence_row(d: LicenceDecision) -> dict[str, Any]:
    return {
        "id": d.pk, "decision_title": d.decision_title, "decision_no": d.decision_no,
        **_subject(d), "category_code": d.category_code, "category": d.category_label,
        "licence_name": d.licence_name, "licence_no": d.licence_no, "content": d.content,
        "decided_on": d.decided_on, "valid_from": d.valid_from, "valid_to": d.valid_to,
        "long_term": d.long_term, "status": "有效" if d.valid_to >= _today(None) else "无效",
        "outcome": d.get_outcome_display(), "org_code": d.org.code, "org": d.org.name,
        "url": f"/enforcement/licences/{d.pk}/",
    }  # fmt: skip


def _wan(v: Decimal | None) -> str | None:
    return None if v is None else f"{v.normalize():f}"


def penalty_row(d: PenaltyDecision) -> dict[str, Any]:
    return {
        "id": d.pk, "decision_no": d.decision_no, **_subject(d),
        "violation_type": d.violation_type, "facts": d.facts, "basis": d.basis,
        "type_codes": d.types, "types": [codes.PENALTY_TYPES[c] for c in d.types],
        "heaviest_type_code": d.heaviest_type, "content": d.content,
        "fine_wan": _wan(d.fine_wan), "confiscated_wan": _wan(d.confiscated_wan),
        "decided_on": d.decided_on, "valid_until": d.valid_until,
        "publicity_until": d.publicity_until, "org_code": d.org.code, "org": d.org.name,
        "url": f"/enforcement/penalties/{d.pk}/",
    }  # fmt: skip


def withdrawal_row(w: Withdrawal) -> dict[str, Any]:
    return {
        "kind": w.kind, "kind_label": w.get_kind_display(), "decision_no": w.decision_no,
        "cause": w.get_cause_display(), "changed_on": w.changed_on, "withdrawn_on": w.withdrawn_on,
        "due_on": w.due_on, "late": w.late, "reason": w.reason, "org": w.org.name,
    }  # fmt: skip


# --- the 信用中国 column order (spec §2), masked for the public CSV -------------------------------

LICENCE_HEADERS = exchange.LICENCE_HEADERS
PENALTY_HEADERS = exchange.PENALTY_HEADERS


def _ymd(d: dt.date | None) -> str:
    return d.strftime("%Y/%m/%d") if d else ""


def _subject_cells(d: Any, *, full: bool) -> list[str]:
    person = d.subject_type == codes.NATURAL_PERSON
    number = d.id_number if full else masked_id(d.id_type, d.id_number)
    rep_type = codes.code_of(codes.ID_TYPES, d.legal_rep_id_type) or ""
    rep_no = d.legal_rep_id_number if full else masked_id(rep_type, d.legal_rep_id_number)
    return [
        d.subject_name, codes.SUBJECT_TYPES.get(d.subject_type, ""), d.credit_code, d.reg_no,
        d.org_code_no, d.tax_no, d.institution_no, d.social_org_no, d.legal_rep,
        d.legal_rep_id_type, rep_no, codes.ID_TYPES.get(d.id_type, "") if person else "",
        number if person else "",
    ]  # fmt: skip


def licence_cells(d: LicenceDecision, *, full: bool = False) -> list[str]:
    return [
        *_subject_cells(d, full=full), d.decision_title, d.decision_no, d.category_label,
        d.licence_name, d.licence_no, d.content, _ymd(d.decided_on), _ymd(d.valid_from),
        _ymd(d.valid_to), d.authority, d.authority_credit_code,
        "1" if d.valid_to >= _today(None) else "2", d.source, d.source_credit_code, d.remarks,
    ]  # fmt: skip


def penalty_cells(d: PenaltyDecision, *, full: bool = False) -> list[str]:
    return [
        *_subject_cells(d, full=full), d.decision_no, d.violation_type, d.facts, d.basis,
        ";".join(codes.PENALTY_TYPES[c] for c in d.types), d.content, _wan(d.fine_wan) or "",
        _wan(d.confiscated_wan) or "", d.licence_revoked, _ymd(d.decided_on), _ymd(d.valid_until),
        _ymd(d.publicity_until), d.authority, d.authority_credit_code, d.source,
        d.source_credit_code, d.remarks,
    ]  # fmt: skip


def public_csv_rows(
    kind: str, *, org: Organization | None, year: int | None
) -> Iterator[list[str]]:
    """Header then rows of the public CSV: visible decisions only, identifiers masked."""
    if kind == "licence":
        yield LICENCE_HEADERS
        for lic in public_licences(org=org, year=year).iterator(chunk_size=2000):
            yield licence_cells(lic)
    else:
        yield PENALTY_HEADERS
        for pen in public_penalties(org=org, year=year).iterator(chunk_size=2000):
            yield penalty_cells(pen)


def upload_rows(kind: str, *, org: Organization, year: int) -> Iterator[list[str]]:
    """The 信用中国 upload of one body and year (staff only: full numbers): the public decisions
    decided in the year that were published (still shown or past their period), not withdrawn."""
    model = LicenceDecision if kind == "licence" else PenaltyDecision
    qs = model.objects.filter(org=org, decided_on__year=year, disclosure=Disclosure.PUBLIC,
                              status__in=[Status.PUBLISHED, Status.EXPIRED]).order_by("decided_on", "id")  # fmt: skip
    yield LICENCE_HEADERS if kind == "licence" else PENALTY_HEADERS
    cells = licence_cells if kind == "licence" else penalty_cells
    for d in qs.iterator(chunk_size=2000):
        yield cells(d, full=True)  # type: ignore[arg-type]


# --- 执法数据 statistics (spec §5) and section 二 -------------------------------------------------


def statistics(org: Organization, year: int) -> dict[str, Any]:
    """The year's figures of one body (counts only, every decision decided in the year whatever
    its publicity; a case counts once under its heaviest type; 罚没金额 = fines + confiscations)."""
    lic = LicenceDecision.objects.filter(org=org, decided_on__year=year)
    agg = lic.aggregate(
        total=Count("id"),
        granted=Count("id", filter=Q(outcome=LicenceDecision.Outcome.GRANTED)),
        refused=Count("id", filter=Q(outcome=LicenceDecision.Outcome.REFUSED)),
        public=Count("id", filter=Q(disclosure=Disclosure.PUBLIC)),
    )
    intake = LicensingIntake.objects.filter(org=org, year=year).first()
    revoked = Withdrawal.objects.filter(
        org=org, kind=Withdrawal.Kind.LICENCE, cause=Withdrawal.Cause.REVOKED, changed_on__year=year
    ).count()
    pen = PenaltyDecision.objects.filter(org=org, decided_on__year=year)
    by_type = dict(
        pen.values_list("heaviest_type").annotate(n=Count("id")).values_list("heaviest_type", "n")
    )
    pagg = pen.aggregate(
        total=Count("id"), fines=Sum("fine_wan"), conf=Sum("confiscated_wan"),
        public=Count("id", filter=Q(disclosure=Disclosure.PUBLIC)),
    )  # fmt: skip
    co = CoercionDecision.objects.filter(org=org, decided_on__year=year).aggregate(
        measures=Count("id", filter=Q(kind=CoercionDecision.Kind.MEASURE)),
        executions=Count("id", filter=Q(kind=CoercionDecision.Kind.EXECUTION)),
        total=Count("id"),
    )
    fees = FeeAmount.objects.filter(item__org=org, year=year).aggregate(s=Sum("amount_wan"))["s"]
    fines = (pagg["fines"] or Decimal(0)) + (pagg["conf"] or Decimal(0))
    return {
        "org": org.name, "org_code": org.code, "year": year,
        "licensing": {
            "applications": intake.applications if intake else None,
            "accepted": intake.accepted if intake else None,
            "granted": agg["granted"], "refused": agg["refused"], "revoked": revoked,
            "total": agg["total"], "public": agg["public"], "not_public": agg["total"] - agg["public"],
        },
        "penalty": {
            "by_heaviest": {c: by_type.get(c, 0) for c in codes.PENALTY_TYPES},
            "total": pagg["total"], "fines_wan": _wan(fines) if pagg["total"] else "0",
            "public": pagg["public"], "not_public": pagg["total"] - pagg["public"],
        },
        "coercion": co,
        "fees_wan": _wan(fees) if fees is not None else None,
    }  # fmt: skip


def section2_figures(org: Organization, year: int) -> dict[str, Any]:
    """年度报告 section 二, 第二十条第（五）（六）（八）项 from the records: licence decisions decided
    in the year (all outcomes), penalty cases, coercion decisions, Σ fee amounts (万元). A kind
    with no record in the year is None, so the staff-typed figure stands for it."""
    lic = LicenceDecision.objects.filter(org=org, decided_on__year=year).count()
    pen = PenaltyDecision.objects.filter(org=org, decided_on__year=year).count()
    co = CoercionDecision.objects.filter(org=org, decided_on__year=year).count()
    fees = FeeAmount.objects.filter(item__org=org, year=year).aggregate(s=Sum("amount_wan"))["s"]
    return {
        "licensing": lic or None, "penalty": pen or None, "enforcement": co or None,
        "fees": _wan(fees) if fees is not None else None,
    }  # fmt: skip


# --- 双随机、一公开 ----------------------------------------------------------------------------


def public_plans(*, org: Organization | None = None, year: int | None = None) -> QuerySet[Plan]:
    """Plans once committed (approved or drawn); drafts never."""
    qs = Plan.objects.select_related("org", "matter").exclude(state=Plan.State.DRAFT)
    if org is not None:
        qs = qs.filter(org=org)
    return qs.filter(year=year) if year else qs


def public_plan(pk: int) -> Plan | None:
    return public_plans().filter(pk=pk).first()


def plan_row(plan: Plan) -> dict[str, Any]:
    """A plan as published: the seed only after the draw (before it, only its SHA-256)."""
    drawn: Draw | None = getattr(plan, "draw", None) if plan.state == Plan.State.DRAWN else None
    results = list(Result.objects.filter(draw=drawn).order_by("target_key")) if drawn else []
    return {
        "id": plan.pk, "plan": plan.name, "org": plan.org.name, "org_code": plan.org.code,
        "year": plan.year, "matter": plan.matter.name, "algorithm": plan.algorithm,
        "ratio_percent": f"{plan.ratio_percent.normalize():f}", "ratio_reason": plan.ratio_reason,
        "inspectors_per_target": plan.inspectors_per_target, "seed_sha256": plan.seed_sha256,
        "committed_at": plan.committed_at, "drawn_at": drawn.drawn_at if drawn else None,
        "seed": plan.seed if drawn else None,
        "pool": {"targets": [k for k, _ in plan.pool_targets],
                 "inspectors": [c for c, _ in plan.pool_inspectors]},
        "recusals": [{"target": k, "inspector": c} for k, c in drawn.recusals] if drawn else [],
        "drawn": [{"target": d["target"], "name": d["name"], "inspectors": d["inspectors"]}
                  for d in drawn.drawn] if drawn else [],
        "results": [{"target": r.target_key, "name": r.target_name, "checked_on": r.checked_on,
                     "outcome_code": r.outcome_code, "outcome": codes.OUTCOMES[r.outcome_code],
                     "due_on": r.due_on, "published_on": r.published_on, "late": r.published_on > r.due_on}
                    for r in results],
    }  # fmt: skip


def replay(draw: Draw) -> tuple[bool, list[dict[str, Any]]]:
    """Recompute a stored draw from its plan's seed, frozen pool and recusals: (matches, recomputed)."""
    plan = draw.plan
    ok_seed = hashlib.sha256(plan.seed.encode()).hexdigest() == plan.seed_sha256
    again = lottery.draw(plan.seed, [k for k, _ in plan.pool_targets], [c for c, _ in plan.pool_inspectors],
                         {(k, c) for k, c in draw.recusals}, plan.ratio_percent, plan.inspectors_per_target)  # fmt: skip
    recomputed = [{"target": k, "inspectors": ins} for k, ins in again]
    stored = [{"target": d["target"], "inspectors": d["inspectors"]} for d in draw.drawn]
    return ok_seed and recomputed == stored, recomputed


# --- staff --------------------------------------------------------------------------------------


def staff_board(user: Any, today: dt.date | None = None) -> dict[str, Any]:
    """What needs doing in the user's organisations: held decisions (and whether past the 7-WD
    limit), decisions published late, results missing past their due date, plans not drawn."""
    today = _today(today)
    held = [
        *permissions.scope(LicenceDecision.objects.filter(status=Status.HELD), user).select_related(
            "org"
        ),
        *permissions.scope(PenaltyDecision.objects.filter(status=Status.HELD), user).select_related(
            "org"
        ),
    ]
    late = [
        *permissions.scope(
            LicenceDecision.objects.filter(published_on__gt=F("publish_due_on")), user
        ),
        *permissions.scope(
            PenaltyDecision.objects.filter(published_on__gt=F("publish_due_on")), user
        ),
    ]
    changed = Officer.objects.filter(published_on__gt=F("changed_on")).select_related("org")
    late_officers = [o for o in permissions.scope(changed, user) if o.published_late]
    open_plans = permissions.scope(
        Plan.objects.exclude(state=Plan.State.DRAWN), user
    ).select_related("org")
    drawn = permissions.scope(Draw.objects.select_related("plan"), user, org_field="plan__org")
    missing = []
    for d in drawn:
        done = set(d.results.values_list("target_key", flat=True))
        due = _due_result(d)
        for row in d.drawn:
            if row["target"] not in done:
                missing.append(
                    {
                        "plan": d.plan,
                        "target": row["name"],
                        "due_on": due,
                        "overdue": due is not None and due < today,
                    }
                )
    return {
        "held": [{"obj": o, "overdue": o.publish_due_on < today} for o in held],
        "late": late, "late_officers": late_officers, "open_plans": list(open_plans),
        "missing_results": missing, "today": today,
    }  # fmt: skip


def _due_result(d: Draw) -> dt.date | None:
    try:
        return clock.add(d.plan.check_ends_on, clock.RESULT_DAYS)
    except UnknownYear:
        return None
