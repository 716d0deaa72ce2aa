"""Fixtures of the enforcement tests: valid identifiers built from their check characters, and
decisions recorded through the services (never written to the database directly)."""

import datetime as dt
from typing import Any

import factory
import pytest
import time_machine

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import staff
from gongkai.enforcement import services
from gongkai.enforcement.models import LicenceDecision, PenaltyDecision
from gongkai.lib.creditcode import check_character
from gongkai.lib.pii.checks import id_check_character

TODAY = dt.date(2025, 10, 20)


def credit_code(n: int) -> str:
    body = f"91640100{n:09d}"
    return body + check_character(body)


def id_number(born: str = "19800101", n: int = 1) -> str:
    body = f"640102{born}{n:03d}"
    return body + id_check_character(body)


AUTHORITY = {"authority": "测试市市场监督管理局", "authority_credit_code": credit_code(1),
             "source": "测试市市场监督管理局", "source_credit_code": credit_code(1)}  # fmt: skip


class LicenceData(factory.DictFactory):
    subject_name = factory.Sequence(lambda n: f"测试市第{n}商贸有限公司")
    subject_type = "02"
    credit_code = factory.Sequence(lambda n: credit_code(1000 + n))
    legal_rep = "王某某"
    decision_title = "食品经营许可决定书"
    decision_no = factory.Sequence(lambda n: f"测市监许〔2025〕{n + 1}号")
    category_code = "01"
    licence_name = "食品经营许可证"
    licence_no = factory.Sequence(lambda n: f"JY1640100{n:07d}")
    content = "预包装食品销售"
    decided_on = dt.date(2025, 9, 26)
    valid_from = dt.date(2025, 9, 26)
    valid_to = dt.date(2030, 9, 25)
    authority = AUTHORITY["authority"]
    authority_credit_code = AUTHORITY["authority_credit_code"]
    source = AUTHORITY["source"]
    source_credit_code = AUTHORITY["source_credit_code"]


class PenaltyData(factory.DictFactory):
    subject_name = factory.Sequence(lambda n: f"测试市第{n}餐饮有限公司")
    subject_type = "02"
    credit_code = factory.Sequence(lambda n: credit_code(5000 + n))
    decision_no = factory.Sequence(lambda n: f"测市监罚〔2025〕{n + 1}号")
    violation_type = "经营超过保质期的食品"
    facts = "当事人经营超过保质期的预包装食品。"
    basis = "《中华人民共和国食品安全法》第一百二十四条"
    type_codes = factory.LazyFunction(lambda: ["01", "03"])
    content = "警告，罚款人民币伍仟元"
    fine_wan = "0.5"
    decided_on = dt.date(2025, 9, 26)
    valid_until = dt.date(2026, 9, 25)
    authority = AUTHORITY["authority"]
    authority_credit_code = AUTHORITY["authority_credit_code"]
    source = AUTHORITY["source"]
    source_credit_code = AUTHORITY["source_credit_code"]


def person(**over: Any) -> dict[str, Any]:
    """The 相对人 items of a natural person with a stored, valid 身份证号码."""
    data = {"subject_name": "张三", "subject_type": "01", "credit_code": "", "legal_rep": "",
            "id_type": "01", "id_number": id_number(), "contact": "13912345678"}  # fmt: skip
    data.update(over)
    return data


def licence(org: Any, on: dt.date = TODAY, by: Any = SYSTEM, **over: Any) -> LicenceDecision:
    return services.record_licence(by=by, org=org, data=LicenceData(**over), today=on)


def penalty(org: Any, on: dt.date = TODAY, by: Any = SYSTEM, **over: Any) -> PenaltyDecision:
    return services.record_penalty(by=by, org=org, data=PenaltyData(**over), today=on)


@pytest.fixture(autouse=True)
def frozen() -> Any:
    # every rule here reads a date: the suite lives on TODAY (Beijing morning)
    with time_machine.travel(
        dt.datetime(2025, 10, 20, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        yield


@pytest.fixture
def editor(org: Any) -> Any:
    return staff(org, Role.EDITOR, full_name="执法编辑")


@pytest.fixture
def reviewer(org: Any) -> Any:
    return staff(org, Role.REVIEWER, full_name="执法审核")
