"""Public pages (issue 21 "Public interface"): lists with stable filters, a late decision shows
逾期公开, a natural person's decision shows 文书号 and the masked number only; the CSV keeps the
信用中国 column order; statistics count each case under its heaviest type; the staff board."""

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import PASSWORD, staff
from gongkai.enforcement import selectors, services

from .conftest import TODAY, id_number, licence, penalty, person

pytestmark = pytest.mark.django_db


def test_penalty_list_detail_and_late_badge(client: Client, org: Any) -> None:
    number = id_number(n=41)
    late = penalty(org, **person(id_number=number), decision_no="测市监罚〔2025〕41号")
    on_time = penalty(org, decided_on=dt.date(2025, 10, 16), decision_no="测市监罚〔2025〕42号")
    old = penalty(org, decided_on=dt.date(2024, 12, 20), decision_no="测市监罚〔2024〕9号",
                  valid_until=dt.date(2025, 12, 1))  # fmt: skip
    html = client.get("/enforcement/penalties/?year=2025").content.decode()
    assert late.decision_no in html and on_time.decision_no in html and old.decision_no not in html
    assert html.count("逾期公开") == 1
    page = client.get(f"/enforcement/penalties/{late.pk}/").content.decode()
    assert (
        late.decision_no in page
        and number not in page
        and selectors.masked_id("01", number) in page
    )
    assert "逾期公开" in page and "style=" not in page and "<script>" not in page
    assert client.get("/enforcement/penalties/?org=nosuch").status_code == 200


def test_licence_pages_and_long_term(client: Client, org: Any) -> None:
    lic = licence(org, valid_to=dt.date(2099, 12, 31), category_code="其他-备案")
    html = client.get(f"/enforcement/licences/{lic.pk}/").content.decode()
    assert "长期" in html and "其他-备案" in html
    assert lic.decision_no in client.get("/enforcement/licences/?category=06").content.decode()
    assert lic.decision_no not in client.get("/enforcement/licences/?category=01").content.decode()


def test_csv_order_and_masking(client: Client, org: Any) -> None:
    number = id_number(n=42)
    penalty(org, **person(id_number=number))
    r = client.get(f"/enforcement/penalties.csv?org={org.code}&year=2025")
    text = b"".join(r.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == selectors.PENALTY_HEADERS and len(rows[0]) == 30
    assert rows[1][0] == "张三" and rows[1][12] == selectors.masked_id("01", number)
    assert number not in text and rows[1][22] == "2025/09/26"
    assert client.get("/enforcement/licences.csv?org=nosuch").status_code == 404


def test_statistics_page_and_xlsx(client: Client, org: Any) -> None:
    penalty(org, type_codes=["01", "03"], fine_wan="0.5", confiscated_wan="0.25")
    penalty(org, type_codes=["03"], fine_wan="1")
    services.record_coercion(by=SYSTEM, org=org, data={"kind": "measure", "measure": "扣押财物",
                             "decision_no": "测扣〔2025〕1号", "subject_name": "某公司",
                             "decided_on": dt.date(2025, 3, 1)})  # fmt: skip
    item = services.save_fee_item(by=SYSTEM, org=org, data={"name": "证照工本费"})
    services.set_fee_amount(by=SYSTEM, item=item, year=2025, month=1, amount_wan="1.2")
    services.set_fee_amount(by=SYSTEM, item=item, year=2025, month=2, amount_wan="0.3")
    s = selectors.statistics(org, 2025)
    assert s["penalty"]["by_heaviest"]["03"] == 2 and s["penalty"]["by_heaviest"]["01"] == 0
    assert s["penalty"]["fines_wan"] == "1.75" and s["fees_wan"] == "1.5"
    assert s["coercion"] == {"measures": 1, "executions": 0, "total": 1}
    html = client.get(f"/enforcement/statistics/{org.code}/2025/").content.decode()
    assert "1.75" in html and "未填报" in html
    r = client.get(f"/enforcement/statistics/{org.code}/2025.xlsx")
    assert r.status_code == 200 and r.content.startswith(b"PK")
    assert client.get(f"/enforcement/statistics/{org.code}/2099/").status_code == 404


def test_index_org_officers_and_spot_checks(client: Client, org: Any) -> None:
    services.save_body(
        by=SYSTEM, org=org, data={"basis": "依据", "remedies": "行政复议：测试市人民政府"}
    )
    services.save_officer(by=SYSTEM, org=org, data={"name": "赵执法", "cert_no": "64019999",
                          "field": "市场监管", "valid_until": dt.date(2025, 1, 1)})  # fmt: skip
    services.save_matter(by=SYSTEM, org=org, data={"name": "对经营过期食品的处罚", "kind": "penalty",
                         "basis": "《食品安全法》第一百二十四条"}, discretion=[
        {"level": "minor", "conditions": "首次且货值小", "range": "警告"},
        {"level": "general", "conditions": "货值一万元以下", "range": "罚款五万元以上十万元以下"},
        {"level": "grave", "conditions": "造成危害", "range": "吊销许可证"},
    ])  # fmt: skip
    assert org.name in client.get("/enforcement/").content.decode()
    html = client.get(f"/enforcement/{org.code}/").content.decode()
    assert "行政复议：测试市人民政府" in html and "罚款五万元以上十万元以下" in html
    html = client.get("/enforcement/officers/?q=64019999").content.decode()
    assert "赵执法" in html and "无效" in html  # expired certificate
    assert (
        client.get("/api/v1/enforcement/officers?q=64019999").json()["items"][0]["active"] is False
    )
    m = client.get("/api/v1/enforcement/matters?kind=penalty").json()["items"][0]
    assert [d["level_code"] for d in m["discretion"]] == ["minor", "general", "grave"]
    assert client.get("/spot-checks/").status_code == 200
    assert client.get("/enforcement/nosuch/").status_code == 404


def test_staff_board(client: Client, org: Any) -> None:
    editor = staff(org, Role.EDITOR)
    licence(org, by=editor, decision_no="测市监许〔2025〕待审1号")
    assert client.get("/enforcement/staff/").status_code == 302
    client.login(username=editor.username, password=PASSWORD)
    html = client.get("/enforcement/staff/").content.decode()
    assert "测市监许〔2025〕待审1号" in html and "已逾期" in html
    assert TODAY.year == 2025


@pytest.mark.parametrize(
    ("changed_on", "published_on", "late"),
    [
        # 2025 国庆: 10/1–8 off; Sunday 9/28 and Saturday 10/11 are make-up working days
        (dt.date(2025, 9, 26), dt.date(2025, 10, 10), False),  # 9/28, 9/29, 9/30, 10/9, 10/10
        (dt.date(2025, 9, 26), dt.date(2025, 10, 11), True),
        (dt.date(2025, 9, 30), dt.date(2025, 10, 14), False),  # 10/9, 10/10, 10/11, 10/13, 10/14
        (dt.date(2025, 9, 30), dt.date(2025, 10, 15), True),
        (dt.date(2025, 10, 1), dt.date(2025, 10, 8), False),  # within the holiday: nothing counted
    ],
)
def test_officer_changes_published_late(client: Client, org: Any, changed_on: dt.date,
                                        published_on: dt.date, late: bool) -> None:  # fmt: skip
    o = services.save_officer(by=SYSTEM, org=org, today=published_on, data={
        "name": "变动人员", "cert_no": "64018888", "field": "市场监管",
        "valid_until": dt.date(2027, 1, 1), "changed_on": changed_on})  # fmt: skip
    assert o.published_late is late
    editor = staff(org, Role.EDITOR)
    client.login(username=editor.username, password=PASSWORD)
    html = client.get("/enforcement/staff/").content.decode()
    assert ("变动人员（64018888）" in html) is late
    if late:
        assert f"应于 {o.due_on:%Y-%m-%d} 前公开，实际 {published_on:%Y-%m-%d}" in html


def test_pager_counts_at_most_the_cap(client: Client, org: Any, monkeypatch: Any) -> None:
    from gongkai.enforcement import views

    for _ in range(3):
        penalty(org)
    monkeypatch.setattr(views, "COUNT_CAP", 1)
    html = client.get("/enforcement/penalties/?page=1").content.decode()
    assert "1/1+" not in html  # 20 a page: one page, whatever the cap
    page = views._CappedPaginator(selectors.public_penalties(), 1).get_page(1)
    assert (page.paginator.count, page.paginator.num_pages, page.paginator.capped) == (2, 2, True)
    monkeypatch.setattr(views, "COUNT_CAP", 10)
    page = views._CappedPaginator(selectors.public_penalties(), 1).get_page(3)
    assert (page.paginator.count, page.paginator.capped, len(page.object_list)) == (3, False, 1)
