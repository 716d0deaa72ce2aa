"""Factories of the gazette tests: a city government with a gazette, issues driven through the
real services."""

import datetime as dt
from typing import Any

import pytest

from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import OrganizationFactory, make_document
from gongkai.gazette import services
from gongkai.gazette.models import Gazette, Issue

D = dt.date


@pytest.fixture
def city(db: Any) -> Any:
    return OrganizationFactory(level="city", code="city", name="示范市人民政府", org_code="001")


@pytest.fixture
def dept(city: Any) -> Any:
    return OrganizationFactory(parent=city, code="sfj", name="示范市司法局", org_code="010")


@pytest.fixture
def gazette(city: Any) -> Gazette:
    return services.save_gazette(by=SYSTEM, org=city, name="示范市人民政府公报")


def rule(org: Any, **kw: Any) -> Any:
    kw.setdefault("title", "示范市停车管理办法")
    kw.setdefault("doc_number", "示范市人民政府令第12号")
    return make_document(org, category="rule", published_on=D(2025, 3, 1), **kw)


def issue(gazette: Gazette, year: int, no: int, total: int, docs: list[Any] = (),  # type: ignore[assignment]
          publish: bool = True, section: str = "政府规章") -> Issue:  # fmt: skip
    i = services.save_issue(by=SYSTEM, gazette=gazette, year=year, issue_no=no, total_no=total)
    s = services.add_section(by=SYSTEM, issue=i, name=section)
    for n, d in enumerate(docs, start=1):
        services.add_entry(by=SYSTEM, issue=i, section=s, page=n * 3, document=d)
    if publish:
        services.publish_issue(i, by=SYSTEM, today=D(year, min(no, 12), 15))
    i.refresh_from_db()
    return i
