"""The 管理服务公开 KPIs of the lists app (monitoring's `assessment_kpis` hook): values equal a
recomputation from the rows, 未接入 without data (never 0, never met), secret items and internal
opinions in no KPI and no drill-down."""

import datetime as dt
import json
from typing import Any

import pytest

from gongkai.lists.models import Adjustment, Guide
from gongkai.monitoring import assessment

from .conftest import TODAY, D, adjust, guide, power, service

pytestmark = pytest.mark.django_db
CODES = ("power_list_last_adjustment", "power_adjustments_on_time", "service_guides")


def _kpis(year: int = 2025) -> dict[str, Any]:
    data = assessment.families(year, TODAY)
    family = next(f for f in data["families"] if f["code"] == "management_service")
    return {k["code"]: k for k in family["kpis"]}


def _seed(org: Any, other_org: Any) -> None:
    # approved Wednesday 5 November: publication due 3 working days later, Monday 10 November
    dates = {
        "trigger_on": D(2025, 11, 3),
        "applied_on": D(2025, 11, 4),
        "approved_on": D(2025, 11, 5),
    }
    adjust(power(org, 1), "cancel", **dates, published_on=D(2025, 11, 6))  # on time
    adjust(power(org, 2), "modify", **dates, published_on=D(2025, 11, 12),
           changes={"name": "对未按规定公示年度报告的处罚"})  # late  # fmt: skip
    adjust(power(org, 3), "cancel", **dates)  # approved, unpublished past its due date: late
    adjust(power(org, 4), "cancel", trigger_on=D(2025, 11, 26), applied_on=D(2025, 11, 27),
           approved_on=D(2025, 11, 28))  # due 3 December: not yet due, left out  # fmt: skip
    adjust(power(org, 5, secret=True), "cancel", **dates, published_on=D(2025, 11, 20))
    adjust(power(org, 6), "cancel", trigger_on=D(2025, 11, 3), applied_on=D(2025, 11, 4))
    adjust(power(other_org, 7), "cancel", **dates, published_on=D(2025, 11, 7))
    guide(service(org, "XK00001000-640100-01"))  # every class
    guide(service(org, "XK00002000-640100-01", name="食品经营许可2"), place="")
    guide(service(org, "XK00003000-640100-01", name="食品经营许可3"), place="", hours="",
          process="", conditions=[])  # fmt: skip
    guide(service(org, "XK00004000-640100-01", name="食品经营许可4"), publish=False, place="")


def test_values_equal_recomputation(org: Any, other_org: Any) -> None:
    _seed(org, other_org)
    k = _kpis()
    # on time: approved in 2025, non-secret, published or past the due date
    rows = [(a.published_on, a.publish_due_on) for a in Adjustment.objects.filter(
        approved_on__year=2025, item__secret=False)]  # fmt: skip
    decided = [(done, due) for done, due in rows if due and (done or due < TODAY)]
    good = [(done, due) for done, due in decided if done and done <= due]
    assert k["power_adjustments_on_time"]["value"] == round(100 * len(good) / len(decided), 1)
    assert k["power_adjustments_on_time"]["value"] == 50.0 and len(decided) == 4
    assert k["power_adjustments_on_time"]["items_count"] == 4
    assert k["power_adjustments_on_time"]["met"] is False  # default target 100
    # last 调整公告: newest published one of a non-secret item, in days to today
    published = Adjustment.objects.filter(state="published", item__secret=False)
    newest = max(a.published_on for a in published if a.published_on)
    assert k["power_list_last_adjustment"]["value"] == (TODAY - newest).days == 19
    assert k["power_list_last_adjustment"]["items_count"] == 2  # one per organisation
    assert k["power_list_last_adjustment"]["met"] is None  # no default target
    # guides: published ones of published items, every one of the 8 classes present
    public = [g for g in Guide.objects.select_related("item") if g.status == "published"]
    complete = [g for g in public if all([g.item.name, g.basis, g.conditions, g.materials,
                                          g.place, g.hours, g.consult_phone,
                                          g.process or g.steps])]  # fmt: skip
    assert k["service_guides"]["value"] == round(100 * len(complete) / len(public), 1)
    assert k["service_guides"]["value"] == 33.3 and k["service_guides"]["items_count"] == 3
    assert k["service_guides"]["met"] is False
    for code in CODES:
        assert k[code]["source"].startswith("lists."), code


def test_no_data_is_not_connected(org: Any) -> None:
    power(org, 1)  # an item, but no adjustment and no guide
    k = _kpis()
    for code in CODES:
        assert k[code]["value"] is None and k[code]["met"] is None, code
        assert k[code]["source"] == "未接入"


def test_past_year_and_tenant_target(org: Any, other_org: Any, settings: Any) -> None:
    _seed(org, other_org)
    k = _kpis(2024)  # nothing was approved or published by the end of 2024
    assert k["power_list_last_adjustment"]["value"] is None
    assert k["power_adjustments_on_time"]["value"] is None
    settings.GONGKAI_ASSESSMENT_TARGETS = {"power_list_last_adjustment": 30}
    assert _kpis()["power_list_last_adjustment"]["met"] is True  # 19 days ≤ 30: lower is better
    settings.GONGKAI_ASSESSMENT_TARGETS = {"power_list_last_adjustment": 10}
    assert _kpis()["power_list_last_adjustment"]["met"] is False


def test_secret_items_and_opinions_stay_out(org: Any, other_org: Any) -> None:
    _seed(org, other_org)
    secret = power(org, 8, secret=True)
    dump = json.dumps([k.items for _, k in assessment.all_kpis(2025, TODAY)], ensure_ascii=False)
    assert "640100-001-02-005-00" not in dump and secret.code not in dump
    assert "内部审核意见" not in dump
    assert "食品经营许可4" not in dump  # a draft guide


def test_hook_shape(org: Any) -> None:
    from django.apps import apps

    pairs = apps.get_app_config("lists").assessment_kpis(year=2025, today=dt.date(2025, 12, 1))
    assert [(fam, k["code"]) for fam, k in pairs] == [("management_service", c) for c in CODES]
    assert all(set(k) == {"code", "name", "unit", "rule", "source", "value", "items"}
               for _, k in pairs)  # fmt: skip
