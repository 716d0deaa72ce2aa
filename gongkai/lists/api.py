"""API of the 权责清单, 公共服务事项清单, 办事指南 and 中介服务事项清单 (mounted under /api/v1/).

Public (spec shared/spec/lists.md §4, issue 20 "Public interface"), all through the public
selectors: GET /lists/powers[?on=], /lists/powers/{code}, /lists/adjustments (published only,
with the three time limits), /lists/services, /lists/guides/{impl_code}, /lists/intermediaries.
Staff with a token: POST /staff/lists/adjustments, …/{id}/approve, …/{id}/publish.
"""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from gongkai.accounts.api import token_auth
from gongkai.accounts.backends import client_ip
from gongkai.accounts.permissions import NotFound
from gongkai.lib.bounds import PageNo

from . import selectors, services
from .models import Adjustment, Guide, Intermediary, PowerVersion, ServiceItem

router = Router(tags=["权责清单与服务事项"])

MAX_PAGE_SIZE = 100
Year = Annotated[int, Field(ge=1990, le=2100, description="公布年份")]
PageSize = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE, description="每页条数")]
Text = Annotated[str, Field(max_length=100)]


class Page(Schema):
    page: PageNo = 1
    size: PageSize = 20


def _slice(qs: Any, p: Page) -> tuple[int, Any]:
    return qs.count(), qs[(p.page - 1) * p.size : p.page * p.size]


class BasisOut(Schema):
    rank: str
    title: str
    article: str
    text: str


class ResponsibilityOut(Schema):
    stage: str
    text: str


class PowerOut(Schema):
    code: str
    name: str
    sub_name: str
    type_code: str
    type: str
    org: str
    subject: str
    subject_nature: str
    handling_unit: str
    levels: list[str]
    basis: list[BasisOut]
    responsibilities: list[ResponsibilityOut]
    accountability: list[str]
    supervision: str
    supervision_phone: str
    remedy: str
    version: int
    valid_from: dt.date
    guide_impl_code: str | None
    url: str


class VersionOut(Schema):
    version: int
    valid_from: dt.date
    valid_to: dt.date | None
    name: str


class PowerDetailOut(PowerOut):
    versions: list[VersionOut]
    adjustments: list[int]


class PowerList(Schema):
    count: int
    items: list[PowerOut]


def _power(v: PowerVersion, guides: dict[int, str]) -> dict[str, Any]:
    item = v.item
    return {
        "code": item.code, "name": v.name, "sub_name": v.sub_name, "type_code": item.type.code,
        "type": item.type.name, "org": item.org.code, "subject": v.subject,
        "subject_nature": v.get_subject_nature_display(), "handling_unit": v.handling_unit,
        "levels": v.level_list, "basis": v.basis, "responsibilities": v.responsibilities,
        "accountability": v.accountability, "supervision": v.supervision,
        "supervision_phone": v.supervision_phone, "remedy": v.remedy, "version": v.version,
        "valid_from": v.valid_from, "guide_impl_code": guides.get(item.pk),
        "url": reverse("lists-power", args=[item.code]),
    }  # fmt: skip


class PowerFilters(Page):
    org: Text = ""
    type: Text = ""
    level: Text = ""
    q: Text = ""
    on: dt.date | None = None


@router.get("/lists/powers", response=PowerList, summary="权责清单（可按某日查看）")
def powers(request: HttpRequest, f: Query[PowerFilters]) -> dict[str, Any]:
    on = f.on or timezone.localdate()
    qs = selectors.public_power_versions(on=on, org=f.org, type=f.type, level=f.level, q=f.q)
    total, rows = _slice(qs, f)
    rows = list(rows)
    guides = selectors.guide_impl_codes([v.item for v in rows])
    return {"count": total, "items": [_power(v, guides) for v in rows]}


class OnQuery(Schema):
    on: dt.date | None = None


@router.get("/lists/powers/{code}", response=PowerDetailOut, summary="权责事项（含历史版本与调整）")
def power(request: HttpRequest, code: str, q: Query[OnQuery]) -> dict[str, Any]:
    item = selectors.public_item(code)
    v = selectors.public_power(code, q.on or timezone.localdate()) if item else None
    if item is None or v is None:
        raise NotFound("未找到该权责事项（或该日不在清单中）")
    out = _power(v, selectors.guide_impl_codes([item]))
    out["versions"] = [
        {"version": x.version, "valid_from": x.valid_from, "valid_to": x.valid_to, "name": x.name}
        for x in selectors.public_versions(item)
    ]
    out["adjustments"] = list(selectors.public_adjustments(item=item).values_list("id", flat=True))
    return out


class LimitsOut(Schema):
    apply_days: int
    review_days: int
    publish_days: int


class AdjustmentOut(Schema):
    id: int
    item_code: str
    item_name: str
    change: str
    trigger: str
    trigger_on: dt.date
    basis_doc: str
    applied_on: dt.date
    approved_on: dt.date | None
    published_on: dt.date | None
    apply_due_on: dt.date
    review_due_on: dt.date
    publish_due_on: dt.date | None
    late: list[str]
    merged_into: str | None = Field(None, description="合并：并入的事项编码")


class AdjustmentList(Schema):
    count: int
    items: list[AdjustmentOut]
    limits: LimitsOut


def _adjustment(a: Adjustment, today: dt.date) -> dict[str, Any]:
    return {
        "id": a.pk, "item_code": a.item.code, "item_name": a.item.name,
        "change": a.get_change_display(), "trigger": a.get_trigger_display(),
        "trigger_on": a.trigger_on, "basis_doc": a.basis_doc, "applied_on": a.applied_on,
        "approved_on": a.approved_on, "published_on": a.published_on,
        "apply_due_on": a.apply_due_on, "review_due_on": a.review_due_on,
        "publish_due_on": a.publish_due_on, "late": selectors.late(a, today),
        "merged_into": a.changes.get("into") if a.change == Adjustment.Change.MERGE else None,
    }  # fmt: skip


def _limits() -> dict[str, int]:
    return {"apply_days": services.apply_days(), "review_days": services.review_days(),
            "publish_days": services.publish_days()}  # fmt: skip


class AdjustmentFilters(Page):
    org: Text = ""
    year: Year | None = None


@router.get("/lists/adjustments", response=AdjustmentList, summary="权责清单调整公告")
def adjustments(request: HttpRequest, f: Query[AdjustmentFilters]) -> dict[str, Any]:
    today = timezone.localdate()
    total, rows = _slice(selectors.public_adjustments(org=f.org, year=f.year), f)
    return {"count": total, "items": [_adjustment(a, today) for a in rows], "limits": _limits()}


class ServiceOut(Schema):
    base_code: str
    impl_code: str
    name: str
    node: str
    parent_code: str | None
    type_code: str
    org: str
    power_code: str | None
    audience: str
    guide_url: str | None


class ServiceList(Schema):
    count: int
    items: list[ServiceOut]


class ServiceFilters(Page):
    org: Text = ""
    audience: Text = ""
    q: Text = ""


def _service(s: ServiceItem) -> dict[str, Any]:
    guide = selectors.public_guide_of(s)
    return {
        "base_code": s.base_code, "impl_code": s.impl_code, "name": s.name, "node": s.node,
        "parent_code": s.parent.impl_code if s.parent else None, "type_code": s.type_code,
        "org": s.org.code, "power_code": s.power.code if s.power else None,
        "audience": s.audience,
        "guide_url": reverse("lists-guide", args=[s.impl_code]) if guide else None,
    }  # fmt: skip


@router.get("/lists/services", response=ServiceList, summary="公共服务事项清单")
def services_list(request: HttpRequest, f: Query[ServiceFilters]) -> dict[str, Any]:
    qs = selectors.public_service_items(org=f.org, audience=f.audience, q=f.q)
    total, rows = _slice(qs, f)
    return {"count": total, "items": [_service(s) for s in rows]}


class MaterialOut(Schema):
    name: str
    form: str
    count: int
    basis: str
    requirements: str
    source: str
    template_url: str


class StepOut(Schema):
    name: str
    days: int | None
    basis: str
    fee: bool
    counted_in_legal_limit: bool


class FaqOut(Schema):
    q: str
    a: str


class GuideOut(Schema):
    impl_code: str
    power_code: str | None
    name: str
    org: str
    audience: str
    basis: list[str]
    conditions: list[str]
    materials: list[MaterialOut]
    process: str
    steps: list[StepOut]
    legal_days: int | None
    promised_days: int | None
    instant: bool
    charged: bool
    fee_basis: list[str]
    fee_standard: list[str]
    place: str
    hours: str
    visits: int | None
    consult_phone: str
    complaint_phone: str
    online_url: str
    query_url: str
    faq: list[FaqOut]
    office_address: str
    postcode: str
    window: str
    apply_methods: list[str]
    flowchart_url: str
    result: str
    result_sample_url: str
    promise: str
    intermediaries: list[str]
    updated_on: dt.date | None


def guide_out(g: Guide) -> dict[str, Any]:
    item = g.item
    inter = []
    if item.power_id:
        inter = list(
            Intermediary.objects.filter(approval_items=item.power_id, status="published")
            .order_by("code").values_list("name", flat=True)
        )  # fmt: skip
    return {
        "impl_code": item.impl_code, "power_code": item.power.code if item.power else None,
        "name": item.name, "org": item.org.code, "audience": item.get_audience_display(),
        "basis": g.basis, "conditions": g.conditions, "materials": g.materials,
        "process": g.process, "steps": g.steps, "legal_days": g.legal_days,
        "promised_days": g.promised_days, "instant": g.instant, "charged": g.charged,
        "fee_basis": g.fee_basis, "fee_standard": g.fee_standard, "place": g.place,
        "hours": g.hours, "visits": g.visits, "consult_phone": g.consult_phone,
        "complaint_phone": g.complaint_phone, "online_url": g.online_url,
        "query_url": g.query_url, "faq": g.faq, "office_address": g.office_address,
        "postcode": g.postcode, "window": g.window, "apply_methods": g.apply_methods,
        "flowchart_url": g.flowchart_url, "result": g.result,
        "result_sample_url": g.result_sample_url, "promise": g.promise, "intermediaries": inter,
        "updated_on": g.updated_on,
    }  # fmt: skip


@router.get("/lists/guides/{impl_code}", response=GuideOut, summary="办事指南")
def guide(request: HttpRequest, impl_code: str) -> dict[str, Any]:
    g = selectors.public_guide(impl_code)
    if g is None:
        raise NotFound("未找到该办事指南")
    return guide_out(g)


class ApprovalItemOut(Schema):
    code: str
    name: str


class IntermediaryOut(Schema):
    code: str
    name: str
    org: str
    approval_items: list[ApprovalItemOut]
    approval_dept: str
    basis: str
    provider_requirements: str
    charged: bool
    fee_nature: str
    fee_basis: str
    fee_standard: str


class IntermediaryList(Schema):
    count: int
    items: list[IntermediaryOut]


class OrgFilter(Page):
    org: Text = ""


def _intermediary(x: Intermediary) -> dict[str, Any]:
    return {
        "code": x.code, "name": x.name, "org": x.org.code,
        "approval_items": [{"code": p.code, "name": p.name} for p in x.approval_items.all()],
        "approval_dept": x.approval_dept, "basis": x.basis,
        "provider_requirements": x.provider_requirements, "charged": x.charged,
        "fee_nature": x.get_fee_nature_display(), "fee_basis": x.fee_basis,
        "fee_standard": x.fee_standard,
    }  # fmt: skip


@router.get("/lists/intermediaries", response=IntermediaryList, summary="中介服务事项清单")
def intermediaries(request: HttpRequest, f: Query[OrgFilter]) -> dict[str, Any]:
    total, rows = _slice(selectors.public_intermediaries(org=f.org), f)
    return {"count": total, "items": [_intermediary(x) for x in rows]}


# --- staff -----------------------------------------------------------------------------------


class AdjustmentIn(Schema):
    item_code: Annotated[str, Field(max_length=40)]
    change: Annotated[
        str,
        Field(max_length=16, description="新增、取消、下放、变更（或 add/cancel/delegate/modify）"),
    ]
    trigger: Annotated[
        str,
        Field(max_length=30, description="法律法规规章立改废释、机构职能调整、上级取消或下放决定"),
    ]
    trigger_on: dt.date
    basis_doc: Annotated[str, Field(max_length=300)]
    applied_on: dt.date
    changes: dict[str, Any] = Field(default_factory=dict, description="下放/变更后的内容")


class StaffAdjustmentOut(AdjustmentOut):
    state: str
    opinion: str


def _staff_adjustment(a: Adjustment) -> dict[str, Any]:
    return {**_adjustment(a, timezone.localdate()), "state": a.state, "opinion": a.opinion}


def _staff_get(request: HttpRequest, adj_id: int) -> Adjustment:
    a = selectors.staff_adjustments(request.user).filter(pk=adj_id).first()
    if a is None:
        raise NotFound("未找到该调整")
    return a


@router.post(
    "/staff/lists/adjustments", response={201: StaffAdjustmentOut}, auth=token_auth,
    summary="申请权责清单调整",
)  # fmt: skip
def create_adjustment(request: HttpRequest, payload: AdjustmentIn) -> Status[dict[str, Any]]:
    a = services.create_adjustment(by=request.user, data=payload.dict(), ip=client_ip(request))
    return Status(201, _staff_adjustment(a))


class ApproveIn(Schema):
    approved_on: dt.date
    opinion: Annotated[str, Field(max_length=2000)] = ""


class PublishIn(Schema):
    published_on: dt.date


@router.post(
    "/staff/lists/adjustments/{int:adj_id}/approve", response=StaffAdjustmentOut,
    auth=token_auth, summary="批准调整",
)  # fmt: skip
def approve(request: HttpRequest, adj_id: int, payload: ApproveIn) -> dict[str, Any]:
    a = _staff_get(request, adj_id)
    services.approve_adjustment(a, by=request.user, approved_on=payload.approved_on,
                                opinion=payload.opinion, ip=client_ip(request))  # fmt: skip
    return _staff_adjustment(_staff_get(request, adj_id))


@router.post(
    "/staff/lists/adjustments/{int:adj_id}/publish", response=StaffAdjustmentOut,
    auth=token_auth, summary="公布调整",
)  # fmt: skip
def publish(request: HttpRequest, adj_id: int, payload: PublishIn) -> dict[str, Any]:
    a = _staff_get(request, adj_id)
    services.publish_adjustment(a, by=request.user, published_on=payload.published_on,
                                ip=client_ip(request))  # fmt: skip
    return _staff_adjustment(_staff_get(request, adj_id))
