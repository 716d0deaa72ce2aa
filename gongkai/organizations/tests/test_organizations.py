"""Organisations: hierarchy, codes, the index-number format, the public profile in the API."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from gongkai.accounts.permissions import SYSTEM
from gongkai.audit.models import AuditEntry
from gongkai.conftest import OrganizationFactory
from gongkai.organizations.selectors import descendant_ids
from gongkai.organizations.services import save_organization

pytestmark = pytest.mark.django_db


def test_hierarchy_paths_follow_moves() -> None:
    province = OrganizationFactory(code="p", level="province")
    city = OrganizationFactory(code="c", level="city", parent=province)
    district = OrganizationFactory(code="d", level="district", parent=city)
    other = OrganizationFactory(code="o", level="city", parent=province)
    assert district.path == f"/{province.pk}/{city.pk}/{district.pk}/"
    assert descendant_ids({city.pk}) == {city.pk, district.pk}
    city.parent = other
    save_organization(city, by=SYSTEM)
    district.refresh_from_db()
    assert district.path == f"/{province.pk}/{other.pk}/{city.pk}/{district.pk}/"
    assert descendant_ids({other.pk}) == {other.pk, city.pk, district.pk}
    district.parent = district
    with pytest.raises(ValidationError):
        save_organization(district, by=SYSTEM)


def test_codes_and_formats_are_validated() -> None:
    with pytest.raises(ValidationError) as e:
        OrganizationFactory(
            region_code="64010", credit_code="11370812004339255C", index_format="{region}-{seq}"
        )
    assert {"credit_code", "index_format"} <= set(e.value.message_dict)
    with pytest.raises(ValidationError) as e:
        OrganizationFactory(region_code="64010x")
    assert "region_code" in e.value.message_dict
    ok = OrganizationFactory(credit_code="11370812004339255b")
    assert ok.credit_code == "11370812004339255B"
    assert AuditEntry.objects.filter(action="organization.create", object_id=str(ok.pk)).exists()


def test_public_profile_in_the_api() -> None:
    OrganizationFactory(
        code="fgw", name="某市发展和改革委员会", disclosure_leader="副主任", complaint_phone="12345"
    )
    OrganizationFactory(code="off", is_active=False)
    body = Client().get("/api/v1/organizations").json()
    assert [o["code"] for o in body] == ["fgw"]
    assert body[0]["disclosure_leader"] == "副主任" and body[0]["complaint_phone"] == "12345"
    assert Client().get("/api/v1/organizations/off").status_code == 404
