"""Never public (issue 21): full 证件号码 and contacts of natural persons, held/unreviewed,
withdrawn (notice aside), expired and 不予公开 decisions, internal notes, recusal reasons, target
contacts, draft plans and the seed before the draw. Every public page, CSV, XLSX, API answer,
feed, sitemap and search of the site is fetched and searched for each of them."""

import datetime as dt
import io
import json
import zipfile
from typing import Any

import pytest
from django.test import Client

from gongkai.accounts.permissions import SYSTEM
from gongkai.enforcement import services
from gongkai.enforcement.models import LicenceDecision, PenaltyDecision, Plan

from .conftest import TODAY, credit_code, id_number, licence, penalty, person

pytestmark = pytest.mark.django_db

SHOWN_ID = id_number(n=21)


@pytest.fixture
def world(org: Any, editor: Any) -> dict[str, Any]:
    secret: list[str] = []

    def mark(tag: str) -> str:
        secret.append(f"泄露标记{tag}")
        return secret[-1]

    services.save_body(
        by=SYSTEM, org=org, data={"basis": "《食品安全法》", "remedies": "可在六十日内申请行政复议"}
    )
    shown = penalty(org, **person(id_number=SHOWN_ID, contact="13900001111", subject_name="李四"),
                    internal_note=mark("内部备注"), legal_rep_id_number="")  # fmt: skip
    secret += [SHOWN_ID, "13900001111"]
    lic = licence(org, **person(id_number=id_number(n=22), contact="13900002222"),
                  internal_note=mark("许可内部"))  # fmt: skip
    secret += [id_number(n=22), "13900002222"]
    held_id = id_number(n=23)
    held = penalty(
        org, facts=f"{mark('待处理事实')}，身份证{held_id}", decision_no="测市监罚〔2025〕待1号"
    )
    secret += [held_id, held.decision_no]
    unreviewed = licence(
        org, by=editor, content=mark("待审核内容"), decision_no="测市监许〔2025〕待2号"
    )
    secret.append(unreviewed.decision_no)
    gone = penalty(org, facts=mark("撤下的事实"))
    services.withdraw(gone, by=SYSTEM, changed_on=TODAY, reason="经行政复议决定撤销", today=TODAY)
    expired = penalty(org, decided_on=dt.date(2025, 1, 2), publicity_months=3, facts=mark("过期事实"),
                      decision_no="测市监罚〔2025〕过期号")  # fmt: skip
    secret.append(expired.decision_no)
    minor_id = id_number(born="20120303", n=24)
    minor = penalty(
        org, **person(id_number=minor_id, subject_name="王小五"), facts=mark("未成年人事实")
    )
    secret += [minor_id, "王小五"]
    not_public = licence(org, disclosure="not_public", not_public_reason="涉及商业秘密",
                         content=mark("商业秘密"), subject_name="保密科技有限公司")  # fmt: skip
    secret.append("保密科技有限公司")
    # 双随机
    services.bulk_targets(by=SYSTEM, org=org, rows=[
        {"name": f"抽查对象{i}有限公司", "key": credit_code(30000 + i), "contact": f"1380000{i:04d}"}
        for i in range(20)
    ])  # fmt: skip
    secret += [f"1380000{i:04d}" for i in range(20)]
    people = [services.save_officer(by=SYSTEM, org=org, data={
        "name": f"检查员{i}", "cert_no": f"6401{i:05d}", "field": "市场监管",
        "valid_until": dt.date(2027, 1, 1)}) for i in range(4)]  # fmt: skip
    matter = services.save_spot_matter(
        by=SYSTEM, org=org, data={"name": "食品抽查", "basis": "《食品安全法》"}
    )
    pdata = {"ratio_percent": "10", "check_ends_on": dt.date(2025, 9, 30)}
    drawn = services.create_plan(by=SYSTEM, org=org, matter=matter, data={**pdata, "name": "已抽取计划"},
                                 inspectors=people)  # fmt: skip
    services.approve_plan(drawn, by=SYSTEM)
    from gongkai.enforcement.models import Target

    services.add_recusal(by=SYSTEM, target=Target.objects.get(key=credit_code(30001)), officer=people[0],
                         reason=mark("回避理由"))  # fmt: skip
    d = services.draw(drawn, by=SYSTEM)
    services.record_result(d, by=SYSTEM, target_key=d.drawn[0]["target"], checked_on=dt.date(2025, 9, 29),
                           outcome_code="05", note=mark("结果内部"), today=TODAY)  # fmt: skip
    committed = services.create_plan(by=SYSTEM, org=org, matter=matter,
                                     data={**pdata, "name": "已承诺计划"}, inspectors=people)  # fmt: skip
    services.approve_plan(committed, by=SYSTEM)
    secret.append(committed.seed)
    draft = services.create_plan(by=SYSTEM, org=org, matter=matter, data={**pdata, "name": mark("草拟计划")},
                                 inspectors=people)  # fmt: skip
    return {"secret": secret, "shown": shown, "lic": lic, "hidden": [held, unreviewed, gone, expired, minor, not_public],
            "drawn": drawn, "committed": committed, "draft": draft, "gone": gone}  # fmt: skip


def body_of(response: Any) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if raw.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            return "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    return raw.decode("utf-8-sig")


def test_nothing_non_public_leaks_anywhere(client: Client, org: Any, world: dict[str, Any]) -> None:
    y, code = TODAY.year, org.code
    hidden = world["hidden"]
    urls = [
        "/enforcement/", f"/enforcement/{code}/", "/enforcement/officers/", f"/enforcement/officers/?org={code}",
        "/enforcement/licences/", f"/enforcement/licences/?org={code}&year={y}",
        "/enforcement/penalties/", f"/enforcement/penalties/?org={code}&year={y}&type=03",
        f"/enforcement/penalties/{world['shown'].pk}/", f"/enforcement/licences/{world['lic'].pk}/",
        "/enforcement/licences.csv", "/enforcement/penalties.csv", f"/enforcement/penalties.csv?org={code}&year={y}",
        f"/enforcement/statistics/{code}/{y}/", f"/enforcement/statistics/{code}/{y}.xlsx",
        "/spot-checks/", f"/spot-checks/draws/{world['drawn'].pk}/", f"/spot-checks/draws/{world['committed'].pk}/",
        "/api/v1/enforcement/officers", "/api/v1/enforcement/matters", "/api/v1/enforcement/licences",
        "/api/v1/enforcement/penalties", f"/api/v1/enforcement/penalties?org={code}&year={y}",
        f"/api/v1/enforcement/penalties/{world['shown'].pk}", f"/api/v1/enforcement/licences/{world['lic'].pk}",
        "/api/v1/enforcement/withdrawals", f"/api/v1/enforcement/statistics?org={code}&year={y}",
        "/api/v1/spot-checks/draws", f"/api/v1/spot-checks/draws/{world['drawn'].pk}",
        f"/api/v1/spot-checks/draws/{world['committed'].pk}",
        "/sitemap.xml", "/sitemap/", "/feeds/latest/", "/search/?q=泄露标记", "/api/v1/search?q=泄露标记",
        "/", f"/gk/{code}/",
    ]  # fmt: skip
    seen = {}
    for url in urls:
        r = client.get(url)
        if r.status_code == 404 and url.startswith(
            ("/sitemap", "/feeds", "/search", "/api/v1/search", "/gk/")
        ):
            continue  # a portal route under another name: nothing of ours there either way
        assert r.status_code == 200, (url, r.status_code)
        seen[url] = body_of(r)
    for url, text in seen.items():
        for s in world["secret"]:
            assert s not in text, (url, s)
    # the hidden decisions are missing one by one, in pages and the API
    for obj in hidden:
        kind = "penalties" if isinstance(obj, PenaltyDecision) else "licences"
        assert client.get(f"/enforcement/{kind}/{obj.pk}/").status_code == 404
        assert client.get(f"/api/v1/enforcement/{kind}/{obj.pk}").status_code == 404
    # what must be there is there: the masked number, the withdrawal notice without its facts
    masked = SHOWN_ID[:4] + "*" * 10 + SHOWN_ID[-4:]
    assert masked in seen[f"/enforcement/penalties/{world['shown'].pk}/"]
    assert masked in seen["/enforcement/penalties.csv"]
    assert (
        json.loads(seen[f"/api/v1/enforcement/penalties/{world['shown'].pk}"])["id_number"]
        == masked
    )
    notice = json.loads(seen["/api/v1/enforcement/withdrawals"])["items"]
    assert [w["decision_no"] for w in notice] == [world["gone"].decision_no]
    assert notice[0]["reason"] == "经行政复议决定撤销"
    plans = {p["plan"]: p for p in json.loads(seen["/api/v1/spot-checks/draws"])["items"]}
    assert set(plans) == {"已抽取计划", "已承诺计划"}
    assert plans["已承诺计划"]["seed"] is None and plans["已承诺计划"]["seed_sha256"]
    assert plans["已抽取计划"]["seed"] == Plan.objects.get(pk=world["drawn"].pk).seed
    assert client.get(f"/spot-checks/draws/{world['draft'].pk}/").status_code == 404
    assert client.get(f"/api/v1/spot-checks/draws/{world['draft'].pk}").status_code == 404
    stats = json.loads(seen[f"/api/v1/enforcement/statistics?org={code}&year={y}"])
    assert (
        stats["penalty"]["total"] == PenaltyDecision.objects.count()
    )  # counts include all, content none
    assert stats["licensing"]["not_public"] == 1 and LicenceDecision.objects.count() == 3
