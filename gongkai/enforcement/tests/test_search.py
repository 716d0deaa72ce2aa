"""Public licence and penalty decisions as search entries (issue 21 "Never public": search):
indexed when they become public (recorded, released, imported), removed when withdrawn, expired
(the daily task) or never public (held, unreviewed, 不予公开, minors); a natural person's name is
masked and no 证件号码 or contact is ever in an entry; a rebuild restores exactly the public ones."""

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from gongkai.accounts.permissions import SYSTEM
from gongkai.enforcement import services, tasks
from gongkai.search import services as search
from gongkai.search.models import Entry

from .conftest import TODAY, licence, penalty
from .test_noleak import SHOWN_ID, world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def ours() -> dict[str, tuple[str, str]]:
    rows = Entry.objects.filter(key__startswith="enforcement:")
    return {k: (t, b) for k, t, b in rows.values_list("key", "title", "body")}


def found(client: Client, q: str) -> str:
    """What the public search shows for `q`, the query's own echo taken out (the page repeats
    it in the title and the box): the page and the API's items."""
    search.flush()
    page = client.get("/search/", {"q": q}).content.decode()
    api = client.get("/api/v1/search", {"q": q})
    assert api.status_code == 200
    items = json.dumps(api.json()["items"], ensure_ascii=False)
    return page.replace(q, "") + items


def test_only_public_decisions_are_entries(client: Client, world: dict[str, Any]) -> None:  # noqa: F811
    shown, lic = world["shown"], world["lic"]
    entries = ours()
    assert set(entries) == {f"enforcement:penalty:{shown.pk}", f"enforcement:licence:{lic.pk}"}
    title, body = entries[f"enforcement:penalty:{shown.pk}"]
    assert shown.decision_no in title and "李*" in title and "李四" not in title + body
    row = Entry.objects.get(key=f"enforcement:penalty:{shown.pk}")
    assert (row.category_code, row.category_name, row.url) == (
        "enforcement-penalty",
        "行政处罚公示",
        f"/enforcement/penalties/{shown.pk}/",
    )
    assert f"/enforcement/penalties/{shown.pk}/" in found(client, shown.decision_no)
    assert f"/enforcement/licences/{lic.pk}/" in found(client, "预包装食品销售")
    for obj in world["hidden"]:  # held, unreviewed, withdrawn, expired, minor, 不予公开
        kind = "penalties" if obj.__class__.__name__ == "PenaltyDecision" else "licences"
        for q in (obj.decision_no, obj.subject_name, "行政处罚决定书", "食品经营许可决定书"):
            assert f"/enforcement/{kind}/{obj.pk}/" not in found(client, q), (obj.decision_no, q)
    for word in [*world["secret"], SHOWN_ID, SHOWN_ID[:10], "李四"]:
        shown_text = found(client, word) + found(client, shown.decision_no)
        assert word not in shown_text, word
        assert all(word not in t + b for t, b in ours().values()), word


def test_release_indexes_withdrawal_and_expiry_remove(org: Any, editor: Any) -> None:
    waiting = licence(org, by=editor, decision_no="测市监许〔2025〕搜1号")
    key = f"enforcement:licence:{waiting.pk}"
    assert key not in ours()
    services.release(waiting, by=SYSTEM, today=TODAY)
    assert key in ours()
    services.withdraw(waiting, by=SYSTEM, changed_on=TODAY, reason="依法撤销", today=TODAY)
    assert key not in ours()
    short = penalty(org, decided_on=dt.date(2025, 9, 26), publicity_months=3)
    pkey = f"enforcement:penalty:{short.pk}"
    assert short.visible_until == dt.date(2025, 12, 26) and pkey in ours()
    tasks.run_daily(today=dt.date(2025, 12, 26))  # the last day: still public
    assert pkey in ours()
    with time_machine.travel(dt.datetime(2025, 12, 27, 9), tick=False):
        tasks.run_daily(today=dt.date(2025, 12, 27))
        assert pkey not in ours()
        call_command("search_reindex", "--check", stdout=StringIO())  # no drift after expiry


def test_import_indexes_public_rows_once_and_not_held(org: Any) -> None:
    from .conftest import LicenceData

    rows = [(2, dict(LicenceData(decision_no="导搜〔2025〕1号"))),
            (3, dict(LicenceData(decision_no="导搜〔2025〕2号", content="联系电话13812345678")))]  # fmt: skip
    out = services.import_rows(by=SYSTEM, org=org, kind="licence", rows=rows)
    assert (out["imported"], out["held"]) == (2, 1)
    numbers = {Entry.objects.get(key=k).doc_number for k in ours()}
    assert numbers == {"导搜〔2025〕1号"}


def test_a_rebuild_restores_exactly_the_public_entries(world: dict[str, Any]) -> None:  # noqa: F811
    search.flush()
    before = ours()
    assert len(before) == 2
    call_command("search_reindex", "--check", stdout=StringIO())  # no drift: no SystemExit
    Entry.objects.filter(key__startswith="enforcement:").delete()
    with pytest.raises(SystemExit):
        call_command("search_reindex", "--check", stdout=StringIO())
    call_command("search_reindex", "--restart", stdout=StringIO())
    assert ours() == before
    call_command("search_reindex", "--check", stdout=StringIO())


def test_sitemap_lists_exactly_the_public_decisions(client: Client, world: dict[str, Any]) -> None:  # noqa: F811
    assert "sitemap-enforcement.xml" in client.get("/sitemap.xml").content.decode()
    text = client.get("/sitemap-enforcement.xml").content.decode()
    for path in ("/enforcement/licences/", "/enforcement/penalties/", "/enforcement/officers/",
                 f"/enforcement/penalties/{world['shown'].pk}/",
                 f"/enforcement/licences/{world['lic'].pk}/"):  # fmt: skip
        assert f"{path}</loc>" in text, path
    for obj in world["hidden"]:  # held, unreviewed, withdrawn, expired, minor, 不予公开
        kind = "penalties" if obj.__class__.__name__ == "PenaltyDecision" else "licences"
        assert f"/enforcement/{kind}/{obj.pk}/" not in text, obj.decision_no
    for word in world["secret"]:
        assert word not in text
