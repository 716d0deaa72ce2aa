"""Never public (spec §5, issue 20 "Never public"): secret items, drafts, unapproved
adjustments, internal opinions, not-yet-published changes and staff names appear in no page,
API, export, search, feed or sitemap — every public address of this app is tried."""

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import staff
from gongkai.lists import services
from gongkai.lists.models import PowerItem
from gongkai.search.models import Entry

from .conftest import D, adjust, guide, licence, power, service

pytestmark = pytest.mark.django_db

SECRETS = ["保密事项甲", "草稿事项乙", "未批准调整依据丙", "内部意见丁", "待公布依据戊", "未公布的新名称己",
           "草稿服务庚", "草稿指南内容辛", "草稿中介壬", "保密许可子", "清单编制员", "清单审核员",
           "640100-001-02-900-00", "640100-001-02-901-00", "640100-001-01-902-00"]  # fmt: skip
CANCELLED = "已取消事项癸"


@pytest.fixture
def world(org: Any) -> dict[str, Any]:
    ed = staff(org, Role.EDITOR, full_name="清单编制员")
    rv = staff(org, Role.REVIEWER, full_name="清单审核员")
    pub = licence(org, 1, name="食品经营许可")
    svc = service(org, power_item=pub)
    guide(svc)
    power(org, 900, name="保密事项甲", secret=True)
    secret_licence = licence(org, 902, name="保密许可子", secret=True)
    power(org, 901, name="草稿事项乙", publish=False)
    cancelled = power(org, 3, name=CANCELLED)
    adjust(cancelled, "cancel", trigger_on=D(2025, 11, 3), applied_on=D(2025, 11, 4),
           approved_on=D(2025, 11, 5), published_on=D(2025, 11, 6))  # fmt: skip
    # published 变更 with an internal opinion
    mod = power(org, 4)
    a = services.create_adjustment(by=ed, data={
        "item_code": mod.code, "change": "modify", "trigger": "law", "trigger_on": D(2025, 11, 3),
        "basis_doc": "公开的依据", "applied_on": D(2025, 11, 4), "changes": {"name": "变更后名称"}})  # fmt: skip
    services.approve_adjustment(a, by=rv, approved_on=D(2025, 11, 5), opinion="内部意见丁")
    services.publish_adjustment(a, by=rv, published_on=D(2025, 11, 6))
    # applied, not approved
    adjust(power(org, 5), "cancel", trigger_on=D(2025, 11, 3), applied_on=D(2025, 11, 4),
           basis_doc="未批准调整依据丙")  # fmt: skip
    # approved, not published, with a new name
    adjust(power(org, 6), "modify", trigger_on=D(2025, 11, 3), applied_on=D(2025, 11, 4),
           approved_on=D(2025, 11, 5), basis_doc="待公布依据戊", changes={"name": "未公布的新名称己"})  # fmt: skip
    service(org, "GG00009000-640100-01", type_code="GG", name="草稿服务庚", publish=False)
    draft_guide_item = service(org, "GG00008000-640100-01", type_code="GG", name="公开的服务")
    guide(draft_guide_item, publish=False, conditions=["草稿指南内容辛"])
    secret_svc = service(org, "XK00902000-640100-01", power_item=secret_licence, publish=False)
    guide(secret_svc, publish=False)
    services.save_intermediary(by=SYSTEM, org=org, data={
        "code": "ZJ-9", "name": "草稿中介壬", "approval_codes": [pub.code], "approval_dept": "局",
        "basis": "条例"})  # fmt: skip
    services.save_intermediary(by=SYSTEM, org=org, publish=True, data={
        "code": "ZJ-1", "name": "公开中介", "approval_codes": [pub.code], "approval_dept": "局",
        "basis": "条例"})  # fmt: skip
    return {"pub": pub, "svc": svc, "mod": mod, "cancelled": cancelled}


def public_urls(world: dict[str, Any]) -> list[str]:
    codes = [p.code for p in PowerItem.objects.all()]
    urls = ["/lists/", "/lists/powers/", "/lists/powers/?on=2025-11-05", "/lists/adjustments/",
            "/lists/adjustments/?year=2025", "/lists/services/", "/lists/intermediaries/",
            "/lists/powers.csv", "/lists/powers.xlsx", "/lists/powers/?type=02&org=scj&level=市",
            "/api/v1/lists/powers", "/api/v1/lists/powers?on=2025-11-05", "/api/v1/lists/adjustments",
            "/api/v1/lists/services", "/api/v1/lists/intermediaries", "/sitemap.xml", "/feeds/latest/",
            "/gk/scj/", "/"]  # fmt: skip
    for code in codes:
        for on in ("", "?on=2025-11-05", "?on=2025-12-01"):
            urls += [f"/lists/powers/{code}/{on}", f"/api/v1/lists/powers/{code}{on}"]
    for impl in ("XK00001000-640100-01", "GG00009000-640100-01", "GG00008000-640100-01",
                 "XK00902000-640100-01"):  # fmt: skip
        urls += [
            f"/lists/guides/{impl}/",
            f"/lists/guides/{impl}/print/",
            f"/api/v1/lists/guides/{impl}",
        ]
    for word in [*SECRETS, CANCELLED, "事项", "许可"]:
        urls += [
            f"/search/?q={word}",
            f"/api/v1/search?q={word}",
            f"/lists/powers/?q={word}",
            f"/api/v1/lists/powers?q={word}",
            f"/lists/services/?q={word}",
        ]
    return urls


def text_of(response: Any) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/vnd.openxml"):
        wb = load_workbook(io.BytesIO(body))
        return " ".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row)
    return body.decode("utf-8", "replace")


def test_nothing_non_public_anywhere(world: dict[str, Any]) -> None:
    client = Client()
    seen = 0
    for url in public_urls(world):
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        text = text_of(response)
        for word in SECRETS:
            if word not in url:  # a page may echo what the visitor typed
                assert word not in text, (url, word)
        if "powers" in url and response.status_code == 200 and CANCELLED not in url:
            assert CANCELLED not in text, url
        seen += response.status_code == 200
    assert seen > 40
    keys = set(Entry.objects.values_list("key", flat=True))
    assert keys >= {services.power_search_key(world["pub"])}
    assert services.power_search_key(world["cancelled"]) not in keys
    for p in PowerItem.objects.filter(secret=True) | PowerItem.objects.filter(status="draft"):
        assert services.power_search_key(p) not in keys


def test_public_pages_show_what_is_public(world: dict[str, Any]) -> None:
    client = Client()
    page = client.get(f"/lists/powers/{world['pub'].code}/").content.decode()
    assert "食品经营许可" in page and "企业信息公示暂行条例" in page and "公开中介" in page
    assert "办事指南" in page
    adj = client.get("/lists/adjustments/").content.decode()
    assert CANCELLED in adj and "公开的依据" in adj  # the notice stays
    old = client.get(f"/lists/powers/{world['mod'].code}/?on=2025-11-05").content.decode()
    assert "对未按规定公示信息的处罚4" in old and "第 1 版" in old
    new = client.get(f"/lists/powers/{world['mod'].code}/").content.decode()
    assert "变更后名称" in new
    assert client.get(f"/lists/powers/{world['cancelled'].code}/").status_code == 404
    assert client.get("/lists/powers/x/?on=2025-99-01").status_code == 404
    guide_page = client.get("/lists/guides/XK00001000-640100-01/").content.decode()
    assert "食品经营许可申请书" in guide_page and "受理条件" in guide_page
    assert "<script" not in guide_page.split("</head>")[1] and " style=" not in guide_page


def test_sitemap_lists_public_items_only_and_gk_links(world: dict[str, Any]) -> None:
    client = Client()
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-lists.xml" in index
    powers = client.get("/sitemap-lists.xml").content.decode()
    assert f"/lists/powers/{world['pub'].code}/" in powers
    for p in PowerItem.objects.exclude(pk__in=[world["pub"].pk, world["mod"].pk]).exclude(
        status="published", secret=False
    ):
        assert f"/lists/powers/{p.code}/" not in powers
    guides = powers
    assert "/lists/guides/XK00001000-640100-01/" in guides
    assert "GG00008000" not in guides and "XK00902000" not in guides
    gk = client.get("/gk/scj/").content.decode()
    assert "/lists/powers/?org=scj" in gk


def test_search_finds_public_items_and_guides(world: dict[str, Any]) -> None:
    from gongkai.search import services as search

    search.flush()
    page = Client().get("/search/?q=食品经营许可").content.decode()
    assert f"/lists/powers/{world['pub'].code}/" in page
    assert "/lists/guides/XK00001000-640100-01/" in page


def test_a_rebuild_restores_exactly_the_public_entries(world: dict[str, Any]) -> None:
    from io import StringIO

    from django.core.management import call_command

    from gongkai.search import services as search

    search.flush()
    before = {
        k: t for k, t in Entry.objects.filter(key__startswith="lists:").values_list("key", "title")
    }
    assert before[services.power_search_key(world["mod"])] == "变更后名称"
    call_command("search_reindex", "--check", stdout=StringIO())  # no drift: no SystemExit
    Entry.objects.all().delete()
    with pytest.raises(SystemExit):
        call_command("search_reindex", "--check", stdout=StringIO())
    call_command("search_reindex", "--restart", stdout=StringIO())
    after = {
        k: t for k, t in Entry.objects.filter(key__startswith="lists:").values_list("key", "title")
    }
    assert after == before
    call_command("search_reindex", "--check", stdout=StringIO())
    client = Client()
    for word in SECRETS:
        assert word not in text_of(client.get(f"/api/v1/search?q={word[:4]}")), word
