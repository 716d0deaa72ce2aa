"""Fixtures of the open-data tests: a private data folder and datasets driven through the
real services."""

import io
from typing import Any

import pytest

from gongkai.accounts.permissions import SYSTEM
from gongkai.opendata import services
from gongkai.opendata.models import Dataset, Resource, ResourceVersion
from gongkai.organizations.models import Organization


@pytest.fixture(autouse=True)
def opendata_dir(settings: Any, tmp_path: Any) -> Any:
    settings.GONGKAI_OPENDATA_DIR = tmp_path / "opendata"
    return settings.GONGKAI_OPENDATA_DIR


def make_dataset(org: Organization, state: str = "published", **data: Any) -> Dataset:
    base: dict[str, Any] = {
        "name": data.pop("name", "bus-lines"),
        "title": data.pop("title", "公交线路"),
        "description": "全市公交线路及站点",
        "domain": "交通出行",
        "tags": ["公交", "交通"],
        "frequency": "monthly",
        "spatial": "测试市",
    }
    base.update(data)
    if base.get("open_level") in ("conditional", "closed") and "open_conditions" not in base:
        base["open_conditions"] = "依申请，限科研用途"
    ds = services.create_dataset(by=SYSTEM, org=org, data=base)
    if state == "published":
        services.publish_dataset(ds, by=SYSTEM)
    ds.refresh_from_db()
    return ds


def upload(
    ds: Dataset, content: bytes, filename: str = "data.csv", resource: Resource | None = None
) -> ResourceVersion:
    """Upload and ingest synchronously; returns the version (ready or failed)."""
    res = resource or services.add_resource(ds, by=SYSTEM, data={"name": "数据表"})
    version = services.add_version(res, by=SYSTEM, file=io.BytesIO(content), filename=filename)
    return services.ingest(version)


CSV = (
    "日期,区县,类别,金额,说明\n"
    "2024-01-01,西湖区,道路维修,12.5,杭州市西湖区道路维修\n"
    "2024-01-02,上城区,绿化养护,7.25,上城区公园绿化\n"
    "2024-01-03,滨江区,道路维修,30,滨江区主干道修补\n"
    "2024-01-04,西湖区,路灯维护,4,西湖区路灯更换\n"
)


# Public, draft, 不予开放, withdrawn and 有条件开放 datasets: what the CKAN tests try to reach.
@pytest.fixture
def catalogue(org, other_org) -> dict[str, Any]:
    public = make_dataset(org, name="road-works", title="道路维修记录", tags=["道路"])
    v = upload(public, CSV.encode())
    draft = make_dataset(org, state="draft", name="draft-set", title="草稿数据集秘密")
    upload(draft, CSV.encode())
    closed = make_dataset(
        other_org, state="draft", name="closed-set", title="不予开放秘密", open_level="closed"
    )
    vc = upload(closed, CSV.encode())
    withdrawn = make_dataset(org, name="withdrawn-set", title="撤回数据集秘密")
    vw = upload(withdrawn, CSV.encode())
    services.withdraw_dataset(withdrawn, by=SYSTEM, reason="错误")
    conditional = make_dataset(
        other_org, name="cond-set", title="企业信用", open_level="conditional", domain="信用服务"
    )
    vcond = upload(conditional, CSV.encode())
    return {
        "public": public, "resource": str(v.resource_id), "closed_resource": str(vc.resource_id),
        "withdrawn_resource": str(vw.resource_id), "cond_resource": str(vcond.resource_id),
        "draft": draft, "closed": closed,
    }  # fmt: skip
