"""Fixtures of the application tests: applicants, handlers and cases driven through services."""

import datetime as dt
from typing import Any

import pytest

from gongkai.accounts.models import Role
from gongkai.applications import services
from gongkai.applications.models import Application
from gongkai.conftest import staff

ID_CARD = "11010519491231002X"  # GB 11643 check character computed, not a real person's
CREDIT_CODE = "91640100MA76XYY12A"  # GB 32100 check character computed


def person(**over: Any) -> dict[str, Any]:
    data = {
        "applicant_type": "natural", "name": "张三丰", "id_type": "id_card", "id_number": ID_CARD,
        "phone": "13800138000", "email": "zhang@example.cn", "address": "宁夏银川市兴庆区解放西街1号",
        "postcode": "750001", "description": "2025年本市老旧小区改造项目清单", "form": "electronic",
        "delivery": "email",
    }  # fmt: skip
    data.update(over)
    return data


def company(**over: Any) -> dict[str, Any]:
    data = {
        "applicant_type": "business", "name": "银川某某科技有限公司", "id_type": "credit_code",
        "id_number": CREDIT_CODE, "contact_person": "李四", "legal_rep": "王五",
    }  # fmt: skip
    return person(**{**data, **over})


def in_person(org: Any, by: Any, on: dt.date, data: dict | None = None) -> Application:
    app, _ = services.register(
        by=by, org=org, data=data or person(), channel="in_person", submitted_on=on, today=on
    )
    return app


@pytest.fixture
def handler(org: Any) -> Any:
    return staff(org, Role.EDITOR, full_name="承办人")


@pytest.fixture
def reviewer(org: Any) -> Any:
    return staff(org, Role.REVIEWER)
