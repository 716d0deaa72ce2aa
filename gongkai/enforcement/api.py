"""API of 行政执法公示 and 双随机、一公开 (mounted under /api/v1/ by gongkai/api.py; issue 21).

Public reads (`{count, items}` with `page`/`size`), all from `selectors.public_*`, identifiers
masked: /enforcement/officers, /matters, /licences, /penalties, /withdrawals, /statistics,
/spot-checks/draws. Staff writes with a personal token: POST /staff/enforcement/licences|penalties
(422 with every field error, nothing saved), …/{id}/withdraw, /staff/spot-checks/plans/{id}/draw.
"""

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from gongkai.accounts import permissions
from gongkai.accounts.api import token_auth
from gongkai.accounts.permissions import NotFound
from gongkai.lib.apierrors import ErrorOut
from gongkai.lib.bounds import PageNo, Size
from gongkai.organizations.models import Organization

from . import selectors, services
from .models import LicenceDecision, PenaltyDecision, Plan

router = Router(tags=["行政执法公示"])

MAX_PAGE_SIZE = 100
Year = Annotated[int, Field(ge=1949, le=2099, description="决定年度")]


class Filters(Schema):
    org: str = Field("", description="机构代码")
    year: Year | None = None
    page: PageNo = 1
    size: Size = 20


def _org(code: str) -> Organization | None:
    return Organization.objects.filter(code=code, is_active=True).first() if code else None


EMPTY: dict[str, Any] = {"count": 0, "items": []}  # an unknown org= lists nothing


def _listing(
    f: Filters, select: Callable[[Organization | None], Any], row: Callable[[Any], Any]
) -> dict[str, Any]:
    """One page of a public list (`select` applies visibility); an unknown org= lists nothing."""
    org = _org(f.org)
    if f.org and org is None:
        return EMPTY
    qs, size = select(org), min(f.size, MAX_PAGE_SIZE)
    return {"count": qs.count(), "items": [row(x) for x in qs[(f.page - 1) * size : f.page * size]]}


def _one(found: Any, row: Callable[[Any], Any], missing: str) -> Any:
    if found is None:
        raise NotFound(missing)
    return row(found)


class OfficerOut(Schema):
    id: int
    name: str
    cert_no: str
    field: str
    org: str
    org_code: str
    valid_until: dt.date
    active: bool


class OfficerList(Schema):
    count: int
    items: list[OfficerOut]


class OfficerFilters(Filters):
    q: str = Field("", max_length=50, description="执法证号或姓名")


@router.get("/enforcement/officers", response=OfficerList, summary="执法人员（可按执法证号查询）")
def officers(request: HttpRequest, f: Query[OfficerFilters]) -> dict[str, Any]:
    today = timezone.localdate()
    return _listing(f, lambda org: selectors.public_officers(org=org, q=f.q),
                    lambda o: {"id": o.pk, "name": o.name, "cert_no": o.cert_no, "field": o.field,
                               "org": o.org.name, "org_code": o.org.code,
                               "valid_until": o.valid_until,
                               "active": o.active and o.valid_until >= today})  # fmt: skip


class DiscretionOut(Schema):
    level: str
    level_code: str
    conditions: str
    range: str


class MatterOut(Schema):
    id: int
    name: str
    kind: str
    kind_code: str
    basis: str
    org: str
    time_limit: str
    flowchart: str
    discretion: list[DiscretionOut]


class MatterList(Schema):
    count: int
    items: list[MatterOut]


class MatterFilters(Filters):
    kind: str = Field(
        "", max_length=20, description="licence/penalty/coercion/inspection/levy/other"
    )


@router.get("/enforcement/matters", response=MatterList, summary="执法事项及行政裁量权基准")
def matters(request: HttpRequest, f: Query[MatterFilters]) -> dict[str, Any]:
    return _listing(f, lambda org: selectors.public_matters(org=org, kind=f.kind), _matter_row)


def _matter_row(m: Any) -> dict[str, Any]:
    return {"id": m.pk, "name": m.name, "kind": m.get_kind_display(), "kind_code": m.kind,
            "basis": m.basis, "org": m.org.name, "time_limit": m.time_limit,
            "flowchart": m.flowchart,
            "discretion": [{"level": d.get_level_display(), "level_code": d.level,
                            "conditions": d.conditions, "range": d.range}
                           for d in m.discretion.all()]}  # fmt: skip


class SubjectOut(Schema):
    id: int
    decision_no: str
    subject_name: str
    subject_type_code: str
    subject_type: str
    credit_code: str
    id_type_code: str
    id_number: str = Field(description="自然人证件号码，已遮蔽")
    legal_rep: str
    authority: str
    authority_credit_code: str
    decided_on: dt.date
    published_on: dt.date | None
    publish_due_on: dt.date
    published_late: bool
    org: str
    org_code: str
    url: str


class LicenceOut(SubjectOut):
    decision_title: str
    category_code: str
    category: str
    licence_name: str
    licence_no: str
    content: str
    valid_from: dt.date
    valid_to: dt.date
    long_term: bool
    status: str
    outcome: str


class LicenceList(Schema):
    count: int
    items: list[LicenceOut]


class LicenceFilters(Filters):
    category: str = Field("", max_length=2, description="许可类别代码 01–06")
    q: str = Field("", max_length=100, description="相对人名称或文书号")


@router.get("/enforcement/licences", response=LicenceList, summary="行政许可决定（双公示）")
def licences(request: HttpRequest, f: Query[LicenceFilters]) -> dict[str, Any]:
    return _listing(f, lambda org: selectors.public_licences(org=org, year=f.year,
                                                             category=f.category, q=f.q),
                    selectors.licence_row)  # fmt: skip


@router.get("/enforcement/licences/{int:pk}", response=LicenceOut, summary="行政许可决定")
def licence(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _one(selectors.public_licence(pk), selectors.licence_row, "未找到该行政许可决定")


class PenaltyOut(SubjectOut):
    violation_type: str
    facts: str
    basis: str
    type_codes: list[str]
    types: list[str]
    heaviest_type_code: str
    content: str
    fine_wan: str | None
    confiscated_wan: str | None
    valid_until: dt.date
    publicity_until: dt.date


class PenaltyList(Schema):
    count: int
    items: list[PenaltyOut]


class PenaltyFilters(Filters):
    type: str = Field("", max_length=2, description="处罚种类代码 01–13、99")
    q: str = Field("", max_length=100, description="相对人名称或文书号")


@router.get("/enforcement/penalties", response=PenaltyList, summary="行政处罚决定（双公示）")
def penalties(request: HttpRequest, f: Query[PenaltyFilters]) -> dict[str, Any]:
    return _listing(f, lambda org: selectors.public_penalties(org=org, year=f.year, type=f.type,
                                                              q=f.q),
                    selectors.penalty_row)  # fmt: skip


@router.get("/enforcement/penalties/{int:pk}", response=PenaltyOut, summary="行政处罚决定")
def penalty(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _one(selectors.public_penalty(pk), selectors.penalty_row, "未找到该行政处罚决定")


class WithdrawalOut(Schema):
    kind: str
    kind_label: str
    decision_no: str
    cause: str
    changed_on: dt.date
    withdrawn_on: dt.date
    due_on: dt.date
    late: bool
    reason: str
    org: str


class WithdrawalList(Schema):
    count: int
    items: list[WithdrawalOut]


@router.get("/enforcement/withdrawals", response=WithdrawalList, summary="撤下公示的决定及理由")
def withdrawals(request: HttpRequest, f: Query[Filters]) -> dict[str, Any]:
    return _listing(f, lambda org: selectors.public_withdrawals(org=org, year=f.year),
                    selectors.withdrawal_row)  # fmt: skip


class LicensingStats(Schema):
    applications: int | None
    accepted: int | None
    granted: int
    refused: int
    revoked: int
    total: int
    public: int
    not_public: int


class PenaltyStats(Schema):
    by_heaviest: dict[str, int]
    total: int
    fines_wan: str
    public: int
    not_public: int


class CoercionStats(Schema):
    measures: int
    executions: int
    total: int


class StatisticsOut(Schema):
    org: str
    org_code: str
    year: int
    licensing: LicensingStats
    penalty: PenaltyStats
    coercion: CoercionStats
    fees_wan: str | None


class StatisticsQuery(Schema):
    org: str = Field(description="机构代码")
    year: Year


@router.get("/enforcement/statistics", response={200: StatisticsOut, 404: ErrorOut},
            summary="年度行政执法数据")  # fmt: skip
def statistics(request: HttpRequest, f: Query[StatisticsQuery]) -> dict[str, Any]:
    org = _org(f.org)
    if org is None:
        raise NotFound("没有这个机构")
    return selectors.statistics(org, f.year)


class PoolOut(Schema):
    targets: list[str]
    inspectors: list[str]


class RecusalOut(Schema):
    target: str
    inspector: str


class DrawnOut(Schema):
    target: str
    name: str
    inspectors: list[str]


class ResultOut(Schema):
    target: str
    name: str
    checked_on: dt.date
    outcome_code: str
    outcome: str
    due_on: dt.date
    published_on: dt.date
    late: bool


class DrawOut(Schema):
    id: int
    plan: str
    org: str
    org_code: str
    year: int
    matter: str
    algorithm: str
    ratio_percent: str
    ratio_reason: str
    inspectors_per_target: int
    seed_sha256: str
    committed_at: dt.datetime | None
    drawn_at: dt.datetime | None
    seed: str | None = Field(description="抽取后公开，此前为 null")
    pool: PoolOut
    recusals: list[RecusalOut]
    drawn: list[DrawnOut]
    results: list[ResultOut]


class DrawList(Schema):
    count: int
    items: list[DrawOut]


@router.get("/spot-checks/draws", response=DrawList, summary="双随机抽查计划、种子承诺与抽取记录")
def draws(request: HttpRequest, f: Query[Filters]) -> dict[str, Any]:
    return _listing(f, lambda org: selectors.public_plans(org=org, year=f.year),
                    selectors.plan_row)  # fmt: skip


@router.get("/spot-checks/draws/{int:pk}", response=DrawOut, summary="一次抽查计划及其抽取记录")
def draw_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _one(selectors.public_plan(pk), selectors.plan_row, "未找到该抽查计划")


# --- staff writes ---------------------------------------------------------------------------


class SubjectIn(Schema):
    org: str = Field(description="决定机关的机构代码")
    subject_name: str = ""
    subject_type: str = Field("", description="01 自然人 / 02 法人 / 03 非法人组织 / 04 个体工商户")
    credit_code: str = ""
    reg_no: str = ""
    org_code_no: str = ""
    tax_no: str = ""
    institution_no: str = ""
    social_org_no: str = ""
    legal_rep: str = ""
    legal_rep_id_type: str = ""
    legal_rep_id_number: str = ""
    id_type: str = ""
    id_number: str = ""
    contact: str = ""
    internal_note: str = ""
    authority: str = ""
    authority_credit_code: str = ""
    source: str = ""
    source_credit_code: str = ""
    remarks: str = ""
    disclosure: str = "public"
    not_public_reason: str = ""
    decision_no: str = ""
    decided_on: dt.date


class LicenceIn(SubjectIn):
    decision_title: str = ""
    category_code: str = Field("", description="01–06，或“其他-备案”")
    category_other: str = ""
    licence_name: str = ""
    licence_no: str = ""
    content: str = ""
    valid_from: dt.date
    valid_to: dt.date
    outcome: str = "granted"


class PenaltyIn(SubjectIn):
    violation_type: str = ""
    facts: str = ""
    basis: str = ""
    type_codes: list[str] = []
    content: str = ""
    fine_wan: str | None = None
    confiscated_wan: str | None = None
    licence_revoked: str = ""
    valid_until: dt.date
    severity: str = "general"
    publicity_months: int | None = Field(None, ge=1, le=120)


class RecordedOut(Schema):
    id: int
    decision_no: str
    status: str
    held_reason: str
    publish_due_on: dt.date
    published_on: dt.date | None
    published_late: bool


def _recorded(d: Any) -> dict[str, Any]:
    return {"id": d.pk, "decision_no": d.decision_no, "status": d.status, "held_reason": d.held_reason,
            "publish_due_on": d.publish_due_on, "published_on": d.published_on,
            "published_late": d.published_late}  # fmt: skip


def _staff_org(request: HttpRequest, code: str) -> Organization:
    from django.core.exceptions import ValidationError

    org = permissions.scope(
        Organization.objects.filter(code=code), request.user, org_field="pk"
    ).first()
    if org is None:
        raise ValidationError({"org": f"未知的机构“{code}”"})
    return org


@router.post("/staff/enforcement/licences", response={201: RecordedOut, 403: ErrorOut},
             auth=token_auth, summary="登记行政许可决定")  # fmt: skip
def record_licence(request: HttpRequest, payload: LicenceIn) -> Status[dict[str, Any]]:
    data = payload.dict()
    org = _staff_org(request, data.pop("org"))
    return Status(201, _recorded(services.record_licence(by=request.user, org=org, data=data)))


@router.post("/staff/enforcement/penalties", response={201: RecordedOut, 403: ErrorOut},
             auth=token_auth, summary="登记行政处罚决定")  # fmt: skip
def record_penalty(request: HttpRequest, payload: PenaltyIn) -> Status[dict[str, Any]]:
    data = payload.dict()
    org = _staff_org(request, data.pop("org"))
    return Status(201, _recorded(services.record_penalty(by=request.user, org=org, data=data)))


class WithdrawIn(Schema):
    changed_on: dt.date
    reason: str
    cause: str = Field("revoked", description="changed / revoked / illegal / void")


class WithdrawnOut(Schema):
    decision_no: str
    changed_on: dt.date
    due_on: dt.date
    withdrawn_on: dt.date
    late: bool
    reason: str


def _withdraw(request: HttpRequest, model: Any, pk: int, payload: WithdrawIn) -> dict[str, Any]:
    obj = permissions.get_scoped(model.objects.all(), request.user, pk=pk)
    w = services.withdraw(obj, by=request.user, changed_on=payload.changed_on, reason=payload.reason,
                          cause=payload.cause)  # fmt: skip
    return {"decision_no": w.decision_no, "changed_on": w.changed_on, "due_on": w.due_on,
            "withdrawn_on": w.withdrawn_on, "late": w.late, "reason": w.reason}  # fmt: skip


@router.post("/staff/enforcement/licences/{int:pk}/withdraw", response={200: WithdrawnOut, 403: ErrorOut},
             auth=token_auth, summary="撤下行政许可决定公示")  # fmt: skip
def withdraw_licence(request: HttpRequest, pk: int, payload: WithdrawIn) -> dict[str, Any]:
    return _withdraw(request, LicenceDecision, pk, payload)


@router.post("/staff/enforcement/penalties/{int:pk}/withdraw", response={200: WithdrawnOut, 403: ErrorOut},
             auth=token_auth, summary="撤下行政处罚决定公示")  # fmt: skip
def withdraw_penalty(request: HttpRequest, pk: int, payload: WithdrawIn) -> dict[str, Any]:
    return _withdraw(request, PenaltyDecision, pk, payload)


@router.post("/staff/spot-checks/plans/{int:pk}/draw", response={200: DrawOut, 403: ErrorOut},
             auth=token_auth, summary="按已承诺的种子抽取（只能一次）")  # fmt: skip
def draw_plan(request: HttpRequest, pk: int) -> dict[str, Any]:
    plan = permissions.get_scoped(Plan.objects.select_related("org", "matter"), request.user, pk=pk)
    services.draw(plan, by=request.user)
    return selectors.plan_row(Plan.objects.select_related("org", "matter", "draw").get(pk=pk))
