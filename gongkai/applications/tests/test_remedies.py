"""Section 四 of the annual report (行政复议 / 行政诉讼) from per-case records, the
`gongkai annual_report` command, and the report's invariants under hypothesis."""

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from gongkai.applications import report, selectors, services
from gongkai.applications.dispositions import ApplicantType, Disposition
from gongkai.lib.errors import Conflict

from .conftest import in_person

D = dt.date


def _closed(org: Any, handler: Any, on: dt.date) -> Any:
    app = in_person(org, handler, on)
    services.answer(app, by=handler, on=on + dt.timedelta(days=3), disposition="withheld_process",
                    reason="过程性信息", today=on + dt.timedelta(days=3))  # fmt: skip
    return app


@pytest.mark.django_db
def test_section4_from_the_records_by_hand(
    client: Client, org: Any, handler: Any, reviewer: Any, tmp_path: Any
) -> None:
    a = _closed(org, handler, D(2026, 3, 2))
    b = _closed(org, handler, D(2026, 4, 1))
    c = _closed(org, handler, D(2025, 11, 2))
    r1 = services.record_remedy(a, by=handler, kind="review", filed_on=D(2026, 4, 1),
                                body="测试市人民政府", case_no="测复〔2026〕1号", today=D(2026, 4, 1))  # fmt: skip
    services.decide_remedy(r1, by=handler, outcome="upheld", decided_on=D(2026, 6, 1),
                           today=D(2026, 6, 1))  # fmt: skip
    with pytest.raises(Conflict, match="已于 2026-06-01 审结"):
        services.decide_remedy(r1, by=handler, outcome="corrected", decided_on=D(2026, 6, 2),
                               today=D(2026, 6, 2))  # fmt: skip
    services.record_remedy(
        a,
        by=handler,
        kind="litigation_after_review",
        filed_on=D(2026, 6, 10),
        body="测试市中级人民法院",
        today=D(2026, 6, 10),
    )  # fmt: skip — pending
    with pytest.raises(Conflict, match="须先有已审结的行政复议"):
        services.record_remedy(b, by=handler, kind="litigation_after_review",
                               filed_on=D(2026, 5, 1), body="法院", today=D(2026, 5, 1))  # fmt: skip
    r3 = services.record_remedy(b, by=handler, kind="litigation_direct", filed_on=D(2026, 5, 1),
                                body="测试市某区人民法院", today=D(2026, 5, 1))  # fmt: skip
    services.decide_remedy(
        r3, by=handler, outcome="corrected", decided_on=D(2027, 1, 5), today=D(2027, 1, 5)
    )  # fmt: skip — decided after the year: 尚未审结 in 2026
    services.record_remedy(
        c,
        by=handler,
        kind="review",
        filed_on=D(2025, 12, 1),
        body="测试市人民政府",
        today=D(2025, 12, 1),
    )  # fmt: skip — another year
    with pytest.raises(PermissionDenied):
        services.record_remedy(a, by=reviewer, kind="review", filed_on=D(2026, 4, 1), body="x")
    with pytest.raises(ValidationError) as e:
        services.record_remedy(a, by=handler, kind="appeal", filed_on=D(2026, 2, 1), body="",
                               today=D(2026, 4, 1))  # fmt: skip
    assert {"kind", "filed_on", "body"} == set(e.value.message_dict)

    s4 = selectors.annual_report(org, 2026)["section4"]
    #                  复议: 维持 纠正 其他 未结 总计 | 直接诉讼 ……… | 复议后诉讼 ………
    assert s4["values"] == [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1]
    assert s4["columns"][:5] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert selectors.annual_report(org, 2025)["section4"]["values"][:5] == [0, 0, 0, 1, 1]

    html = client.get(f"/annual-report/{org.code}/2026/").content.decode()
    assert "四、政府信息公开行政复议、行政诉讼情况" in html and "复议后起诉" in html
    assert (
        "测复〔2026〕1号" not in html and "中级人民法院" not in html and a.tracking_no not in html
    )
    ws = load_workbook(io.BytesIO(client.get(f"/annual-report/{org.code}/2026.xlsx").content))
    sheet = ws["四、行政复议、行政诉讼情况"]
    assert [c.value for c in sheet[5]] == s4["values"]

    out = io.StringIO()
    call_command("annual_report", org.code, "2026", stdout=out)
    data = json.loads(out.getvalue())
    assert data["section4"] == s4 and data["section3"]["rows"][0]["label"].startswith("一、")
    out = io.StringIO()
    call_command(
        "annual_report", "--org", org.code, "--year", "2026", "--format", "text", stdout=out
    )
    assert "（七）总计" in out.getvalue() and "行政复议：结果维持 1" in out.getvalue()
    path = tmp_path / "r.xlsx"
    call_command("annual_report", org.code, "2026", "--format", "xlsx", "--output", str(path),
                 stdout=io.StringIO())  # fmt: skip
    assert load_workbook(path)["四、行政复议、行政诉讼情况"]["A1"].value.startswith("四、")
    with pytest.raises(CommandError, match="没有代码为“nosuch”的机构"):
        call_command("annual_report", "nosuch", "2026")
    with pytest.raises(CommandError, match="年度应在"):
        call_command("annual_report", org.code, "2099")


@pytest.mark.django_db
def test_admin_registers_and_decides_a_review(org: Any, handler: Any, other_org: Any) -> None:
    from gongkai.accounts.models import Role
    from gongkai.applications.models import Remedy
    from gongkai.conftest import PASSWORD, staff

    app = _closed(org, handler, D(2026, 3, 2))
    c = Client()
    c.login(username=handler.username, password=PASSWORD)
    url = f"/admin/applications/application/{app.pk}/act/remedy/"
    assert url in c.get(f"/admin/applications/application/{app.pk}/change/").content.decode()
    r = c.post(url, {"kind": "review", "filed_on": "2026-04-01", "body": "测试市人民政府"})
    assert r.status_code == 302
    remedy = Remedy.objects.get()
    decide = f"/admin/applications/remedy/{remedy.pk}/decide/"
    assert decide in c.get("/admin/applications/remedy/").content.decode()
    r = c.post(decide, {"outcome": "upheld", "decided_on": "2026-03-01"})
    assert r.status_code == 200 and "不能早于" in r.content.decode()
    assert c.post(decide, {"outcome": "upheld", "decided_on": "2026-05-01"}).status_code == 302
    assert Remedy.objects.get().outcome == "upheld"
    stranger = Client()
    stranger.login(username=staff(other_org, Role.ADMIN).username, password=PASSWORD)
    assert stranger.get(decide).status_code == 404
    assert "测试市人民政府" not in stranger.get("/admin/applications/remedy/").content.decode()


_types = st.sampled_from(list(ApplicantType))
_dispositions = st.sampled_from(list(Disposition))
_day = st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 12, 31))


@st.composite
def _case(draw: Any) -> report.CaseFacts:
    received = draw(st.one_of(st.none(), _day))
    if received is None or draw(st.booleans()):
        return report.CaseFacts(draw(_types), received)
    closed = received + dt.timedelta(days=draw(st.integers(0, 400)))
    return report.CaseFacts(draw(_types), received, closed, draw(_dispositions))


@st.composite
def _remedy(draw: Any) -> report.RemedyFacts:
    filed = draw(_day)
    outcome = draw(st.sampled_from(report.OUTCOMES))
    decided = None if outcome == "pending" else filed + dt.timedelta(days=draw(st.integers(0, 400)))
    return report.RemedyFacts(draw(st.sampled_from(report.REMEDY_KINDS)), filed, outcome, decided)


@settings(max_examples=200, deadline=None)
@given(st.lists(_case(), max_size=60), st.lists(_remedy(), max_size=30),
       st.sampled_from([2024, 2025, 2026]))  # fmt: skip
def test_every_total_is_the_sum_of_its_parts(cases: list, remedies: list, year: int) -> None:
    s3 = report.build_section3(year, cases).as_dict()
    rows = {r["key"]: r["values"] for r in s3["rows"]}
    for c in range(7):
        assert rows["new"][c] + rows["carried_in"][c] == rows["total"][c] + rows["carried_out"][c]
        assert rows["total"][c] == sum(rows[d.value][c] for d in Disposition)
    assert all(r["values"][6] == sum(r["values"][:6]) for r in s3["rows"])
    nxt = {r["key"]: r["values"] for r in report.build_section3(year + 1, cases).as_dict()["rows"]}
    assert nxt["carried_in"] == rows["carried_out"]
    s4 = report.build_section4(year, remedies)["values"]
    for base in (0, 5, 10):
        assert s4[base + 4] == sum(s4[base : base + 4])
    assert sum(s4[b + 4] for b in (0, 5, 10)) == sum(r.filed_on.year == year for r in remedies)
