"""Section 三 of the annual report: a scripted year against a hand-computed table, the template's
invariants on random case histories, and the public HTML / JSON / XLSX outputs leak nothing."""

import datetime as dt
import io
import random
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from gongkai.applications import report, selectors, services
from gongkai.applications.dispositions import ApplicantType, Disposition
from gongkai.applications.models import Application

from .conftest import company, in_person, person

D = dt.date
COLS = ["natural", "business", "research", "nonprofit", "legal_service", "other"]


def _case(org: Any, by: Any, on: dt.date, kind: str = "natural", **over: Any) -> Application:
    data = person(**over) if kind == "natural" else company(applicant_type=kind, **over)
    return in_person(org, by, on, data)


def _answer(app: Application, by: Any, on: dt.date, disposition: str, reason: str = "理由") -> None:
    services.answer(app, by=by, on=on, disposition=disposition, reason=reason, today=on)


@pytest.mark.django_db
def test_scripted_year_matches_the_hand_computed_table(
    org: Any, other_org: Any, handler: Any
) -> None:
    a = _case(org, handler, D(2025, 12, 15))  # carried in, disclosed in 2026
    _answer(a, handler, D(2026, 1, 9), "disclosed")
    b = _case(org, handler, D(2025, 11, 3), "business")  # closed in 2025: not in 2026 at all
    _answer(b, handler, D(2025, 11, 20), "withheld_process")
    c = _case(org, handler, D(2026, 3, 2))
    _answer(c, handler, D(2026, 3, 20), "partial")
    d = _case(org, handler, D(2026, 5, 6), "research")
    _answer(d, handler, D(2026, 5, 20), "unavailable_not_held")
    _case(org, handler, D(2026, 11, 16), "legal_service")  # open on 31 December: carried out
    _case(org, handler, D(2025, 12, 22))  # carried in and carried out
    services.submit_online(org=org, data=person(), today=D(2026, 11, 20))  # never confirmed
    h = _case(org, handler, D(2026, 2, 9), "other")
    services.request_correction(h, by=handler, on=D(2026, 2, 12), deadline=D(2026, 3, 6),
                                notice="补正", today=D(2026, 2, 12))  # fmt: skip
    services.close_lapsed(today=D(2026, 3, 9))
    i = _case(org, handler, D(2026, 6, 1), "nonprofit")
    _answer(i, handler, D(2026, 6, 5), "not_processed_repeat")
    _case(other_org, _other_handler(other_org), D(2026, 3, 2))  # another organisation

    rows = {r["key"]: r["values"] for r in selectors.annual_report(org, 2026)["section3"]["rows"]}
    #                        自然人 商业 科研 公益 法律 其他 总计
    assert rows["new"] == [1, 0, 1, 1, 1, 1, 5]
    assert rows["carried_in"] == [2, 0, 0, 0, 0, 0, 2]
    assert rows["disclosed"] == [1, 0, 0, 0, 0, 0, 1]
    assert rows["partial"] == [1, 0, 0, 0, 0, 0, 1]
    assert rows["unavailable_not_held"] == [0, 0, 1, 0, 0, 0, 1]
    assert rows["not_processed_repeat"] == [0, 0, 0, 1, 0, 0, 1]
    assert rows["other_no_correction"] == [0, 0, 0, 0, 0, 1, 1]
    assert rows["total"] == [2, 0, 1, 1, 0, 1, 5]
    assert rows["carried_out"] == [1, 0, 0, 0, 1, 0, 2]
    others = set(rows) - {"new", "carried_in", "disclosed", "partial", "unavailable_not_held",
                          "not_processed_repeat", "other_no_correction", "total", "carried_out"}  # fmt: skip
    assert len(others) == 16 and all(rows[k] == [0] * 7 for k in others)
    y2025 = {r["key"]: r["values"] for r in selectors.annual_report(org, 2025)["section3"]["rows"]}
    assert (
        y2025["new"][6] == 3 and y2025["withheld_process"][1] == 1 and y2025["carried_out"][6] == 2
    )


def _other_handler(org: Any) -> Any:
    from gongkai.conftest import staff

    return staff(org, "editor")


def test_labels_are_the_template_verbatim() -> None:
    s = report.build_section3(2026, [])
    labels = [r.label for r in s.rows]
    assert labels[:4] == ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量",
                          "（一）予以公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"]  # fmt: skip
    assert labels[-2:] == ["（七）总计", "四、结转下年度继续办理"]
    assert "3.危及“三安全一稳定”" in labels and "5.要求行政机关确认或重新出具已获取信息" in labels
    assert len(s.rows) == 25 and report.COLUMNS[-1] == "总计" and len(report.COLUMNS) == 7


def _random_history(rng: random.Random, n: int) -> list[report.CaseFacts]:
    cases = []
    for _ in range(n):
        received = D(2024, 1, 1) + dt.timedelta(days=rng.randrange(3 * 366))
        closed = disp = None
        if rng.random() < 0.8:
            closed = received + dt.timedelta(days=rng.randrange(0, 90))
            disp = rng.choice(list(Disposition))
        unconfirmed = rng.random() < 0.05
        cases.append(report.CaseFacts(rng.choice(list(ApplicantType)),
                                      None if unconfirmed else received,
                                      None if unconfirmed else closed,
                                      None if unconfirmed else disp))  # fmt: skip
    return cases


@pytest.mark.parametrize("seed", range(40))
def test_invariants_hold_on_random_histories(seed: int) -> None:
    rng = random.Random(seed)
    cases = _random_history(rng, rng.randrange(0, 300))
    for year in (2024, 2025, 2026):
        s = report.build_section3(year, cases)  # checks the three invariants itself
        first, last = D(year, 1, 1), D(year, 12, 31)
        got = [c for c in cases if c.received_on and first <= c.received_on <= last]
        assert s.row("new").values[-1] == len(got)
        open_at_end = [c for c in cases if c.received_on and c.received_on <= last
                       and (c.closed_on is None or c.closed_on > last)]  # fmt: skip
        assert s.row("carried_out").values[-1] == len(open_at_end)
        nxt = report.build_section3(year + 1, cases)
        assert nxt.row("carried_in").values == s.row("carried_out").values  # 结转 carries over


def test_a_broken_table_is_caught() -> None:
    s = report.build_section3(2026, [report.CaseFacts(ApplicantType.NATURAL, D(2026, 3, 1))])
    s.row("disclosed").values[0] += 1
    with pytest.raises(report.ReportInvariantError, match="自然人"):
        report.check_invariants(s)
    with pytest.raises(ValueError, match="办理结果"):
        report.build_section3(
            2026, [report.CaseFacts(ApplicantType.NATURAL, D(2026, 3, 1), D(2026, 3, 2))]
        )


@pytest.mark.django_db
def test_report_on_generated_cases_in_the_database(org: Any) -> None:
    rng = random.Random(7)
    facts = [f for f in _random_history(rng, 400) if f.received_on]
    Application.objects.bulk_create([
        Application(org=org, tracking_no=f"YS{i:014d}", query_digest="x", applicant_type=f.applicant_type,
                    name="某", id_type="other", id_number="x", phone="1", description="d", form="paper",
                    delivery="post", channel="in_person", submitted_on=f.received_on,
                    received_on=f.received_on, closed_on=f.closed_on, disposition=f.disposition or "",
                    status="closed" if f.closed_on else "in_progress")
        for i, f in enumerate(facts)
    ])  # fmt: skip
    for year in (2024, 2025, 2026):
        got = selectors.annual_report(org, year)["section3"]
        assert got == report.build_section3(year, facts).as_dict()


@pytest.mark.django_db
def test_public_outputs_count_and_name_nobody(client: Client, org: Any, handler: Any) -> None:
    app = _case(org, handler, D(2026, 3, 2), name="王秘密", phone="13912345678")
    _answer(app, handler, D(2026, 3, 20), "withheld_third_party", reason="涉及王秘密的隐私")
    html = client.get(f"/annual-report/{org.code}/2026/")
    js = client.get(f"/api/v1/annual-reports/{org.code}/2026")
    xl = client.get(f"/annual-report/{org.code}/2026.xlsx")
    assert html.status_code == js.status_code == xl.status_code == 200
    assert js.json()["section3"]["rows"][0]["values"] == [1, 0, 0, 0, 0, 0, 1]
    assert "<table" in html.content.decode() and "4.保护第三方合法权益" in html.content.decode()
    ws = load_workbook(io.BytesIO(xl.content)).active
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert "（七）总计" in text
    for body in (html.content.decode(), js.content.decode(), text):
        assert "王秘密" not in body and "13912345678" not in body and app.tracking_no not in body
    assert client.get(f"/api/v1/annual-reports/{org.code}/2099").status_code == 404
    assert client.get("/api/v1/annual-reports/nosuch/2026").status_code == 404
    assert client.get(f"/annual-report/{org.code}/2018/").status_code == 404
