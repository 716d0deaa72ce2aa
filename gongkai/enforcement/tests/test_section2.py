"""年度报告 section 二 (国办公开办函〔2021〕30号; 条例 第二十条第（五）（六）（八）项) from the records:
licence decisions decided in the year (all outcomes), penalty cases, coercion decisions and Σ fee
amounts; the figures staff typed count only for a kind without records that year."""

import datetime as dt
import json
from typing import Any

import pytest
from django.core.management import call_command

from gongkai.accounts.permissions import SYSTEM
from gongkai.applications import selectors as applications
from gongkai.applications import services as application_services
from gongkai.enforcement import services

from .conftest import licence, penalty

pytestmark = pytest.mark.django_db


def rows(org: Any, year: int) -> list[Any]:
    s2 = applications.annual_report(org, year, include_draft=True)["section2"]
    return [t["rows"][i]["values"][0] for t, i in ((s2["tables"][1], 0), (s2["tables"][2], 0),
                                                   (s2["tables"][2], 1), (s2["tables"][3], 0))]  # fmt: skip


def test_section2_is_the_recomputation(org: Any, other_org: Any) -> None:
    application_services.save_report_entry(by=SYSTEM, org=org, year=2025, data={
        "licensing_decisions": 777, "penalty_decisions": 888, "enforcement_decisions": 999,
        "fees_amount": "12.34"})  # fmt: skip
    assert rows(org, 2025) == [777, 888, 999, "12.34"]  # no records yet: the typed figures
    licence(org)
    licence(org, outcome="refused")
    held = licence(org, content="联系电话13912345678")  # held: still a decision of the year
    assert held.status == "held"
    licence(org, decided_on=dt.date(2024, 12, 30), valid_from=dt.date(2024, 12, 30))  # other year
    licence(other_org)  # other organisation
    gone = penalty(org)
    services.withdraw(gone, by=SYSTEM, changed_on=dt.date(2025, 10, 20), reason="撤销")
    item = services.save_fee_item(by=SYSTEM, org=org, data={"name": "工本费"})
    services.set_fee_amount(by=SYSTEM, item=item, year=2025, month=3, amount_wan="0.125")
    services.set_fee_amount(by=SYSTEM, item=item, year=2025, month=4, amount_wan="1")
    assert rows(org, 2025) == [3, 1, 999, "1.125"]  # 行政强制 has no records: typed stays
    services.record_coercion(by=SYSTEM, org=org, data={"kind": "execution", "measure": "代履行",
                             "decision_no": "测代〔2025〕1号", "subject_name": "某公司",
                             "decided_on": dt.date(2025, 6, 1)})  # fmt: skip
    assert rows(org, 2025)[2] == 1
    assert rows(org, 2024) == [1, None, None, None]


def test_command_json_has_the_computed_section2(org: Any, capsys: Any) -> None:
    penalty(org)
    penalty(org)
    call_command("annual_report", org.code, "2025", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["section2"]["tables"][2]["rows"][0] == {"label": "行政处罚", "values": [2]}
