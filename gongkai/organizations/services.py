"""Writes on organisations: creation keeps the hierarchy path right and every change is audited."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict

from gongkai.audit.services import changes, record
from gongkai.lib.creditcode import is_valid_credit_code
from gongkai.lib.indexno import IndexFormatError, validate_format

from .models import Organization

EDITABLE = [
    "parent", "level", "code", "name", "short_name", "region_code", "org_code", "credit_code",
    "index_format", "order", "is_active", "intro", "functions", "leadership",
    "disclosure_leader", "address", "office_hours", "phone", "complaint_phone", "postcode",
]  # fmt: skip


def _validate(org: Organization) -> None:
    errors: dict[str, str] = {}
    if org.credit_code and not is_valid_credit_code(org.credit_code):
        errors["credit_code"] = "统一社会信用代码校验位不正确（GB 32100）"
    try:
        validate_format(org.index_format)
    except IndexFormatError as e:
        errors["index_format"] = str(e)
    if org.parent is not None and org.pk and str(org.pk) in org.parent.path.strip("/").split("/"):
        errors["parent"] = "上级机构不能是本机构或其下级机构"
    if errors:
        raise ValidationError(errors)
    org.full_clean(validate_unique=True)


def _snapshot(org: Organization) -> dict[str, Any]:
    return model_to_dict(org, fields=EDITABLE)


@transaction.atomic
def save_organization(org: Organization, *, by: Any, ip: str = "") -> Organization:
    """Create or update `org` (already carrying the new values) and audit the difference."""
    creating = org.pk is None
    before = {} if creating else _snapshot(Organization.objects.get(pk=org.pk))
    _validate(org)
    if org.credit_code:
        org.credit_code = org.credit_code.upper()
    org.save()
    old_path = org.path
    org.path = (org.parent.path if org.parent else "/") + f"{org.pk}/"
    org.save(update_fields=["path"])
    if not creating and old_path != org.path:
        for child in Organization.objects.filter(path__startswith=old_path).exclude(pk=org.pk):
            child.path = org.path + child.path[len(old_path) :]
            child.save(update_fields=["path"])
    b, a = changes(before, _snapshot(org))
    record(
        "organization.create" if creating else "organization.update",
        actor=by, obj=org, org_id=org.pk, before=b or None, after=a, ip=ip,
    )  # fmt: skip
    return org


def create_organization(*, by: Any, **fields: Any) -> Organization:
    return save_organization(Organization(**fields), by=by)
