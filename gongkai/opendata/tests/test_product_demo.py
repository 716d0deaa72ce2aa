"""The open-data demo: a realistic catalogue (≥ 30 datasets, several providers, every open
level, overdue ones, pending applications, one big table), loaded through the services,
idempotent, with the 不予开放 dataset nowhere public."""

from typing import Any

import pytest
from django.test import Client

from gongkai.conftest import OrganizationFactory
from gongkai.opendata import demo, selectors
from gongkai.opendata.models import AccessRequest, Dataset, InventoryItem


@pytest.fixture
def orgs(db: Any) -> dict[str, Any]:
    codes = ["bgs", "fgw", "jyj", "czj", "rsj", "zrj", "sthj", "zjj", "jtj", "wjw", "scj", "yjj",
             "city", "dcq", "xhq"]  # fmt: skip
    return {c: OrganizationFactory(code=c, name=f"示范市{c}", org_code=f"9{i:02d}")
            for i, c in enumerate(codes)}  # fmt: skip


def test_demo_catalogue(orgs, settings):
    settings.GONGKAI_DEMO_OPENDATA_BIG_ROWS = 3000  # the real demo loads a million
    lines: list[str] = []
    assert demo.build(orgs, out=lines.append, year=2025) == 35
    public = list(selectors.public_datasets())
    assert len(public) >= 30 and len({d.org_id for d in public}) >= 10
    assert len({d.domain for d in public}) >= 8
    assert {d.frequency for d in public} == set(Dataset.Frequency.values) - {"realtime"}
    assert {d.open_level for d in public} == {"unconditional", "conditional"}
    tabular = [r for d in public for r in d.resources.all() if r.current_id]
    assert len(tabular) >= 30
    big = Dataset.objects.get(name="fiscal-payments").resources.get().current
    assert big.row_count == 3000
    assert [c["id"] for c in big.schema][1:] == ["日期", "区县", "类别", "事项", "金额", "数量"]
    assert len(selectors.overdue_datasets()) >= 3
    assert AccessRequest.objects.filter(status="pending").count() >= 2
    closed = Dataset.objects.get(open_level="closed")
    assert closed.state == "draft"
    client = Client()
    assert client.get(f"/data/{closed.name}/").status_code == 404
    assert closed.title not in client.get("/data/", {"q": "纳税"}).content.decode()
    assert closed.title not in client.get("/data/plan/").content.decode()
    rid = closed.resources.get().pk
    assert client.get(f"/data/export/{rid}.csv").status_code == 404
    assert InventoryItem.objects.count() >= 35
    assert "35 个数据集" in lines[-1]
    # deterministic and idempotent
    before = Dataset.objects.count(), AccessRequest.objects.count(), InventoryItem.objects.count()
    assert demo.build(orgs, out=lines.append, year=2025) == 0
    assert (Dataset.objects.count(), AccessRequest.objects.count(),
            InventoryItem.objects.count()) == before  # fmt: skip


def test_big_table_generator_is_deterministic(tmp_path):
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    demo.write_payments(a, 500, seed=5)
    demo.write_payments(b, 500, seed=5)
    demo.write_payments(c, 500, seed=6)
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()
    lines = a.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "日期,区县,类别,事项,金额,数量" and len(lines) == 501
    assert len({line.split(",")[1] for line in lines[1:]}) == len(demo.DISTRICTS)
