"""Public API of organisations: GET /api/v1/organizations."""

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from .models import Organization
from .selectors import public_organizations

router = Router(tags=["机构"])


class OrganizationOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    level: str
    level_label: str
    parent: str | None
    region_code: str
    org_code: str
    credit_code: str
    intro: str
    functions: str
    leadership: str
    disclosure_leader: str
    address: str
    office_hours: str
    phone: str
    complaint_phone: str

    @staticmethod
    def resolve_parent(obj: Organization) -> str | None:
        return obj.parent.code if obj.parent else None

    @staticmethod
    def resolve_level_label(obj: Organization) -> str:
        return obj.get_level_display()


@router.get("/organizations", response=list[OrganizationOut], summary="机构列表")
def list_organizations(
    request: HttpRequest, code: str | None = None, parent: str | None = None
) -> list[Organization]:
    qs = public_organizations()
    if code:
        qs = qs.filter(code=code)
    if parent:
        qs = qs.filter(parent__code=parent)
    return list(qs)


@router.get("/organizations/{code}", response=OrganizationOut, summary="机构详情")
def get_organization(request: HttpRequest, code: str) -> Organization:
    org = public_organizations().filter(code=code).first()
    if org is None:
        raise Http404("未找到该机构")
    return org
