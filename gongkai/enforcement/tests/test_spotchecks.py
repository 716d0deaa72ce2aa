"""双随机、一公开 (spec §6, issue 21 `sha256-rank-v1`): ratio and inspector rules, the commitment,
the draw by the published algorithm (recomputed here independently), recusal, one draw only,
replay, results due 20 working days after the check ends."""

import datetime as dt
import hashlib
import math
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from gongkai.accounts.permissions import SYSTEM
from gongkai.enforcement import selectors, services
from gongkai.enforcement.models import Draw, Plan
from gongkai.lib.errors import Conflict

from .conftest import credit_code

pytestmark = pytest.mark.django_db


def setup_pool(org: Any, targets: int = 40, officers: int = 5) -> tuple[Any, list[Any]]:
    services.bulk_targets(by=SYSTEM, org=org, rows=[
        {"name": f"测试市第{i}食品有限公司", "key": credit_code(20000 + i), "contact": f"1391234{i:04d}"}
        for i in range(targets)
    ])  # fmt: skip
    people = [
        services.save_officer(
            by=SYSTEM,
            org=org,
            data={
                "name": f"执法员{i}",
                "cert_no": f"64010{i:04d}",
                "field": "市场监管",
                "valid_until": dt.date(2027, 12, 31),
            },
        )
        for i in range(officers)
    ]
    matter = services.save_spot_matter(
        by=SYSTEM, org=org, data={"name": "食品经营者检查", "basis": "《食品安全法》"}
    )
    return matter, people


def plan(org: Any, matter: Any, people: list[Any], **over: Any) -> Plan:
    data = {"name": "2025年食品经营者双随机抽查", "ratio_percent": "5", "inspectors_per_target": 2,
            "check_ends_on": dt.date(2025, 9, 26)}  # fmt: skip
    data.update(over)
    return services.create_plan(by=SYSTEM, org=org, matter=matter, data=data, inspectors=people)


def h(s: str) -> str:
    return hashlib.sha256(s.encode()).hexdigest()


def test_ratio_and_inspector_rules(org: Any) -> None:
    matter, people = setup_pool(org, 5, 3)
    for over, field in [({"ratio_percent": "4.99"}, "ratio_percent"), ({"ratio_percent": "0"}, "ratio_percent"),
                        ({"inspectors_per_target": 1}, "inspectors_per_target"),
                        ({"inspectors_per_target": 4}, "inspectors")]:  # fmt: skip
        with pytest.raises(ValidationError) as e:
            plan(org, matter, people, **over)
        assert field in e.value.message_dict
    assert Plan.objects.count() == 0
    assert (
        plan(org, matter, people, ratio_percent="3", ratio_reason="上年已全覆盖检查").ratio_percent
        == 3
    )


def test_draw_follows_the_published_algorithm(org: Any) -> None:
    matter, people = setup_pool(org, 40, 5)
    p = plan(org, matter, people)
    with pytest.raises(Conflict):
        services.draw(p, by=SYSTEM)  # not approved: no seed committed
    services.approve_plan(p, by=SYSTEM)
    row = selectors.plan_row(p)
    assert row["seed"] is None and row["seed_sha256"] == h(p.seed) and len(p.seed) == 64
    assert row["drawn"] == [] and len(row["pool"]["targets"]) == 40
    # one recusal on the first-ranked inspector of the first drawn target
    keys = sorted((k for k, _ in p.pool_targets), key=lambda k: h(f"{p.seed}|T|{k}"))
    first = keys[0]
    certs = sorted((o.cert_no for o in people), key=lambda c: h(f"{p.seed}|I|{first}|{c}"))
    from gongkai.enforcement.models import Target

    services.add_recusal(by=SYSTEM, target=Target.objects.get(key=first),
                         officer=next(o for o in people if o.cert_no == certs[0]), reason="亲属关系")  # fmt: skip
    d = services.draw(p, by=SYSTEM)
    n = math.ceil(40 * 5 / 100)
    assert [x["target"] for x in d.drawn] == keys[:n] and n == 2
    assert d.drawn[0]["inspectors"] == certs[1:3]  # the recused one skipped
    for x in d.drawn[1:]:
        k = x["target"]
        assert (
            x["inspectors"]
            == sorted((o.cert_no for o in people), key=lambda c: h(f"{p.seed}|I|{k}|{c}"))[:2]
        )
    with pytest.raises(Conflict):
        services.draw(p, by=SYSTEM)  # never redrawn
    assert Draw.objects.count() == 1
    ok, again = selectors.replay(d)
    assert ok and [x["target"] for x in again] == keys[:n]
    row = selectors.plan_row(Plan.objects.get(pk=p.pk))
    assert row["seed"] == p.seed and row["recusals"] == [{"target": first, "inspector": certs[0]}]


def test_replay_detects_a_changed_log(org: Any) -> None:
    matter, people = setup_pool(org, 20, 4)
    p = plan(org, matter, people, ratio_percent="10")
    services.approve_plan(p, by=SYSTEM)
    d = services.draw(p, by=SYSTEM)
    d.drawn = list(reversed(d.drawn))
    assert selectors.replay(d)[0] is False


def test_pool_is_frozen_at_approval(org: Any) -> None:
    matter, people = setup_pool(org, 20, 4)
    p = plan(org, matter, people)
    services.approve_plan(p, by=SYSTEM)
    with pytest.raises(Conflict):
        services.approve_plan(p, by=SYSTEM)  # no second seed
    services.save_target(
        by=SYSTEM, org=org, data={"name": "后加入的公司", "key": credit_code(99999)}
    )
    d = services.draw(p, by=SYSTEM)
    assert credit_code(99999) not in [x["target"] for x in d.drawn]
    assert len(Plan.objects.get(pk=p.pk).pool_targets) == 20


def test_results_due_twenty_working_days_after_the_check(org: Any) -> None:
    matter, people = setup_pool(org, 20, 4)
    p = plan(org, matter, people, check_ends_on=dt.date(2025, 9, 26))
    services.approve_plan(p, by=SYSTEM)
    d = services.draw(p, by=SYSTEM)
    key = d.drawn[0]["target"]
    r = services.record_result(d, by=SYSTEM, target_key=key, checked_on=dt.date(2025, 9, 20),
                               outcome_code="01", today=dt.date(2025, 10, 20))  # fmt: skip
    # 9/28, 9/29, 9/30, 10/9–10/11 (6), then 10/13–10/17 (11), 10/20–10/24 (16), 10/27–10/30 (20)
    assert r.due_on == dt.date(2025, 10, 30)
    with pytest.raises(ValidationError):
        services.record_result(d, by=SYSTEM, target_key="NOT-DRAWN", checked_on=dt.date(2025, 9, 20),
                               outcome_code="01")  # fmt: skip
    with pytest.raises(ValidationError):
        services.record_result(d, by=SYSTEM, target_key=key,
                               checked_on=dt.date(2025, 9, 20), outcome_code="77")  # fmt: skip


def test_target_key_checked(org: Any) -> None:
    with pytest.raises(ValidationError):
        services.save_target(
            by=SYSTEM, org=org, data={"name": "坏代码公司", "key": "91640100000000001X"}
        )
