"""双公示 items and clocks (spec §1.3, §2.3, §3.4, §4): every bad input is refused with nothing
saved; due dates cross 国庆 and its make-up days; heaviest type; publicity and retention."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongkai.accounts.permissions import SYSTEM
from gongkai.enforcement import clock, selectors, services
from gongkai.enforcement.models import LicenceDecision, PenaltyDecision, Status, Withdrawal
from gongkai.lib.errors import Conflict

from .conftest import TODAY, LicenceData, PenaltyData, id_number, licence, penalty, person

pytestmark = pytest.mark.django_db


def refused(fn: Any, field: str, **kw: Any) -> str:
    before = (LicenceDecision.objects.count(), PenaltyDecision.objects.count())
    with pytest.raises(ValidationError) as e:
        fn(**kw)
    assert (LicenceDecision.objects.count(), PenaltyDecision.objects.count()) == before
    assert field in e.value.message_dict, e.value.message_dict
    return e.value.message_dict[field][0]


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"category_code": "07"}, "category_code"),
        ({"category_code": "06"}, "category_code"),  # 其他 without its kind
        ({"category_code": "其他"}, "category_code"),
        ({"valid_to": dt.date(2025, 9, 1)}, "valid_to"),  # before 有效期自
        ({"decided_on": TODAY + dt.timedelta(days=1)}, "decided_on"),
        ({"credit_code": "91640100000001000X"}, "credit_code"),  # wrong check character
        ({"credit_code": ""}, "credit_code"),  # a legal person without any code
        ({"decision_title": ""}, "decision_title"),
        ({"authority_credit_code": ""}, "authority_credit_code"),
        ({"subject_type": "09"}, "subject_type"),
        ({**person(), "id_number": ""}, "id_number"),  # a natural person without 证件号码
        (
            {
                **person(),
                "id_number": id_number()[:-1] + "0"
                if not id_number().endswith("0")
                else id_number()[:-1] + "1",
            },
            "id_number",
        ),
        ({**person(), "credit_code": "91640100000001000X"}, "credit_code"),  # person with a code
    ],
)
def test_bad_licence_is_refused_and_nothing_saved(org: Any, over: dict, field: str) -> None:
    refused(
        services.record_licence, field, by=SYSTEM, org=org, data=LicenceData(**over), today=TODAY
    )


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"fine_wan": "-1"}, "fine_wan"),
        ({"confiscated_wan": "-0.01"}, "confiscated_wan"),
        ({"type_codes": ["14"]}, "type_codes"),
        ({"type_codes": []}, "type_codes"),
        ({"facts": ""}, "facts"),
        ({"decided_on": TODAY + dt.timedelta(days=3)}, "decided_on"),
        ({"type_codes": ["03"], "fine_wan": None}, "fine_wan"),
        ({"severity": "general", "publicity_months": 13}, "publicity_months"),
        ({"severity": "serious", "publicity_months": 5}, "publicity_months"),
    ],
)
def test_bad_penalty_is_refused_and_nothing_saved(org: Any, over: dict, field: str) -> None:
    refused(
        services.record_penalty, field, by=SYSTEM, org=org, data=PenaltyData(**over), today=TODAY
    )


def test_codes_or_names_and_other_kind(org: Any) -> None:
    lic = licence(org, category_code="其他-备案", subject_type="法人")
    assert (lic.category_code, lic.category_other, lic.category_label) == (
        "06",
        "备案",
        "其他-备案",
    )
    pen = penalty(org, type_codes=["罚款", "警告", "吊销许可证件"])
    assert pen.types == ["01", "03", "08"] and pen.heaviest_type == "08"
    assert penalty(org, type_codes=["99", "01"]).heaviest_type == "01"  # 其他 never outweighs


def test_duplicate_number_refused(org: Any) -> None:
    licence(org, decision_no="测市监许〔2025〕99号")
    refused(services.record_licence, "decision_no", by=SYSTEM, org=org,
            data=LicenceData(decision_no="测市监许〔2025〕99号"), today=TODAY)  # fmt: skip


def test_due_dates_cross_national_day_and_make_up_days(org: Any) -> None:
    # 2025: 10/1–10/8 off, Sunday 9/28 and Saturday 10/11 are working days
    lic = licence(org, decided_on=dt.date(2025, 9, 26))
    assert lic.publish_due_on == dt.date(2025, 10, 13)
    assert lic.published_on == TODAY and lic.published_late is True
    on_time = licence(org, decided_on=dt.date(2025, 9, 26), on=dt.date(2025, 10, 11))
    assert on_time.published_late is False
    assert clock.add(dt.date(2025, 9, 27), 1) == dt.date(2025, 9, 28)  # the make-up Sunday counts


def test_withdrawal_within_three_working_days(org: Any) -> None:
    pen = penalty(org, decided_on=dt.date(2025, 9, 1), on=dt.date(2025, 9, 2))
    w = services.withdraw(pen, by=SYSTEM, changed_on=dt.date(2025, 9, 30), reason="经行政复议撤销",
                          today=dt.date(2025, 10, 10))  # fmt: skip
    assert w.due_on == dt.date(2025, 10, 11) and w.late is False  # 10/9, 10/10, Saturday 10/11
    pen.refresh_from_db()
    assert pen.status == Status.WITHDRAWN
    with pytest.raises(Conflict):
        services.withdraw(pen, by=SYSTEM, changed_on=dt.date(2025, 9, 30), reason="再次")
    assert Withdrawal.objects.count() == 1
    other = penalty(org)
    late = services.withdraw(other, by=SYSTEM, changed_on=dt.date(2025, 10, 9), reason="变更",
                             cause="changed", today=TODAY)  # fmt: skip
    assert late.due_on == dt.date(2025, 10, 13) and late.late is True


def test_withdrawal_reason_required_and_checked(org: Any) -> None:
    pen = penalty(org)
    with pytest.raises(ValidationError):
        services.withdraw(pen, by=SYSTEM, changed_on=TODAY, reason="")
    with pytest.raises(ValidationError):
        services.withdraw(pen, by=SYSTEM, changed_on=TODAY, reason="当事人电话13912345678")


def test_publicity_period_and_retention(org: Any) -> None:
    general = penalty(org, decided_on=dt.date(2025, 1, 31), publicity_months=3)
    assert (
        general.publicity_until == dt.date(2025, 4, 30)
        and general.visible_until == general.publicity_until
    )
    serious = penalty(org, severity="serious")
    assert serious.publicity_months == 36 and serious.publicity_until == dt.date(2028, 9, 26)
    assert serious.visible_until == dt.date(2028, 9, 26)  # 5-year retention is later
    man = penalty(org, **person(id_number=id_number(n=7)), severity="serious")
    assert man.visible_until == dt.date(2027, 10, 20)  # natural person: 2 years from publication
    lic = licence(org, **person(id_number=id_number(n=8)))
    assert lic.visible_until == dt.date(2027, 10, 20)
    assert set(selectors.public_penalties()) == {serious, man}  # general is past 公示截止期
    assert services.expire(today=TODAY) == 1
    general.refresh_from_db()
    assert general.status == Status.EXPIRED


def test_retention_is_a_setting(org: Any, settings: Any) -> None:
    settings.GONGKAI_ENFORCEMENT_RETENTION_YEARS = 1
    assert licence(org).visible_until == dt.date(2026, 10, 20)


def test_minor_is_never_published(org: Any) -> None:
    pen = penalty(org, **person(id_number=id_number(born="20100505")))
    assert pen.disclosure == "not_public" and "未成年" in pen.not_public_reason
    assert not selectors.public_penalties().exists()


def test_identifiers_in_free_text_hold_the_decision(org: Any, reviewer: Any) -> None:
    pen = penalty(org, facts=f"当事人张三（身份证号{id_number(n=9)}）经营过期食品。")
    assert pen.status == Status.HELD and "id_card" in pen.held_reason
    assert not selectors.public_penalties().exists()
    with pytest.raises(Conflict):
        services.release(pen, by=reviewer, today=TODAY)
    services.release(pen, by=reviewer, texts={"facts": "当事人经营过期食品。"}, today=TODAY)
    assert list(selectors.public_penalties()) == [pen]


def test_editor_records_reviewer_publishes(org: Any, editor: Any, reviewer: Any) -> None:
    lic = licence(org, by=editor)
    assert lic.status == Status.HELD and lic.held_reason == "待审核发布"
    with pytest.raises(PermissionDenied):
        services.release(lic, by=editor)
    services.release(lic, by=reviewer, today=TODAY)
    assert lic.status == Status.PUBLISHED and lic.published_on == TODAY


def test_foreign_org_cannot_record(org: Any, other_org: Any, editor: Any) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        licence(other_org, by=editor)


def test_masking(org: Any) -> None:
    number = id_number(n=11)
    pen = penalty(org, **person(id_number=number))
    row = selectors.penalty_row(pen)
    assert row["id_number"] == number[:4] + "*" * 10 + number[-4:]
    assert row["credit_code"] == ""
    cells = selectors.penalty_cells(pen)
    assert number not in cells and row["id_number"] in cells
    assert number in selectors.penalty_cells(pen, full=True)  # the credit-platform upload only
