"""The demo lists (issue 20 "Demo content"), built on four organisations like the demo city's."""

from typing import Any

import pytest

from gongkai.conftest import OrganizationFactory
from gongkai.demo import lists_demo
from gongkai.lists import selectors
from gongkai.lists.models import Adjustment, Guide, Intermediary, PowerItem, ServiceItem

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def test_demo_content_matches_the_issue() -> None:
    orgs: dict[str, Any] = {
        code: OrganizationFactory(code=code, name=f"示范市{code}", region_code="990100")
        for code in lists_demo.ORGS
    }
    lists_demo.build(orgs, out=lambda s: None, today=TODAY)
    public = selectors.public_power_versions(on=TODAY)
    assert public.count() >= 120
    assert public.values("item__type__code").distinct().count() == 10
    assert public.filter(item__type__code="02").count() >= 60
    assert PowerItem.objects.filter(secret=True).count() == 2
    licences = PowerItem.objects.filter(type__code="01", status="published")
    assert licences.count() >= 8
    assert selectors.guide_check(Guide.objects.all(), licences)["licences_without_guide"] == []
    adjustments = Adjustment.objects.all()
    assert sorted(adjustments.values_list("change", flat=True)) == [
        "add", "cancel", "delegate", "modify", "modify"]  # fmt: skip
    published = selectors.public_adjustments()
    assert [a.change for a in published if selectors.late(a, TODAY)] == ["delegate"]
    overdue = selectors.overdue(adjustments, TODAY)
    assert [(o.adjustment.change, o.stage) for o in overdue] == [("modify", "review")]
    modified = Adjustment.objects.get(change="modify", state="published")
    before = modified.published_on - __import__("datetime").timedelta(days=1)
    assert selectors.public_power(modified.item.code, before).name != modified.item.name
    assert ServiceItem.objects.count() >= 20
    assert ServiceItem.objects.filter(node="handling").count() == 2
    guides = Guide.objects.filter(status="published")
    assert guides.count() >= 20
    check = selectors.guide_check(guides, licences)
    assert sum(1 for r in check["rows"] if r["missing"]) == 3
    assert len(check["guides_missing_4plus"]) == 1
    assert guides.filter(instant=True).count() == 2 and guides.filter(charged=True).count() == 2
    with_steps = [g for g in guides if g.steps]
    assert len(with_steps) == 3
    assert sum(1 for g in with_steps if not g.steps[0]["counted_in_legal_limit"]) == 1
    inter = Intermediary.objects.filter(status="published")
    assert inter.count() == 6
    assert (
        inter.filter(fee_nature="government").count() == 2
        and inter.filter(charged=False).count() == 1
    )
    assert PowerItem.objects.filter(intermediaries__isnull=False).distinct().count() >= 4
    lists_demo.build(orgs, out=lambda s: None, today=TODAY)  # idempotent
    assert Intermediary.objects.count() == 6
