"""The demo content of 行政执法公示 (issue 21 "Demo content") loads through the services."""

from typing import Any

import pytest

from gongkai.demo import enforcement_demo
from gongkai.enforcement import selectors
from gongkai.enforcement.models import (
    CoercionDecision,
    FeeItem,
    LicenceDecision,
    Matter,
    Officer,
    PenaltyDecision,
    Plan,
    Target,
    Withdrawal,
)  # fmt: skip
from gongkai.organizations.models import Organization

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def test_demo_counts(org: Any, other_org: Any) -> None:
    enforcement_demo.build({"scj": org, "jtj": other_org}, out=lambda s: None, today=TODAY)
    assert (
        Officer.objects.count() == 12 and Officer.objects.filter(valid_until__lt=TODAY).count() == 1
    )
    assert Matter.objects.count() == 8
    assert sum(m.discretion.count() >= 3 for m in Matter.objects.all()) == 3
    lic = LicenceDecision.objects.all()
    assert lic.count() == 30 and set(lic.values_list("category_code", flat=True)) == {
        "01",
        "02",
        "03",
        "04",
        "05",
        "06",
    }
    assert lic.filter(subject_type="01").count() == 4 and sum(x.long_term for x in lic) == 3
    assert sum(x.published_late for x in lic) == 2
    pen = PenaltyDecision.objects.all()
    assert pen.count() == 24 and pen.filter(subject_type="01").exclude(id_number="").count() == 6
    assert (
        len(set(pen.values_list("heaviest_type", flat=True))) >= 5
        and sum(x.published_late for x in pen) == 2
    )
    assert pen.filter(status="expired").count() == 1
    assert Withdrawal.objects.count() == 2 and not any(w.late for w in Withdrawal.objects.all())
    assert CoercionDecision.objects.count() == 6 and FeeItem.objects.count() == 4
    assert Target.objects.count() == 200
    drawn = Plan.objects.get(state="drawn")
    row = selectors.plan_row(drawn)
    assert (
        len(row["drawn"]) == 10
        and len(row["results"]) == 10
        and sum(r["late"] for r in row["results"]) == 1
    )
    assert Plan.objects.filter(state="approved").count() == 1
    assert selectors.replay(drawn.draw)[0]
    assert Organization.objects.count() == 2
