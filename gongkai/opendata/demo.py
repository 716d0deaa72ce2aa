"""Demo open data for the demo city: a few published datasets with small generated tables,
ingested synchronously through the services (deterministic), plus one 有条件开放 dataset."""

import io
import random
from collections.abc import Callable
from typing import Any

from gongkai.accounts.permissions import SYSTEM
from gongkai.organizations.models import Organization

from . import services

DISTRICTS = ["东城区", "西湖区"]


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    lines = [",".join(header)] + [",".join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _bikes(rng: random.Random) -> bytes:
    rows = [
        [f"ZD{n:04d}", f"{rng.choice(['人民路', '湖滨路', '青山街', '和平路', '政府路'])}{n}号站",
         rng.choice(DISTRICTS), rng.randint(10, 40), round(120.1 + rng.random() / 10, 6),
         round(30.2 + rng.random() / 10, 6)]
        for n in range(1, 201)
    ]  # fmt: skip
    return _csv(["站点编号", "站点名称", "所在区", "车桩数", "经度", "纬度"], rows)


def _services_volume(rng: random.Random, year: int) -> bytes:
    depts = [
        "发展和改革委员会",
        "教育局",
        "人力资源和社会保障局",
        "市场监督管理局",
        "住房和城乡建设局",
    ]
    rows = [
        [
            f"{year}-{m:02d}",
            d,
            rng.randint(200, 3000),
            rng.randint(150, 2900),
            round(rng.uniform(97, 100), 1),
        ]
        for m in range(1, 13)
        for d in depts
    ]
    return _csv(["月份", "部门", "受理量", "办结量", "满意率"], rows)


def _air(rng: random.Random, year: int) -> bytes:
    rows = [
        [
            f"{year}-{m:02d}-{d:02d}",
            rng.choice(DISTRICTS),
            rng.randint(20, 160),
            rng.choice(["优", "良", "轻度污染"]),
        ]
        for m in range(1, 13)
        for d in (1, 8, 15, 22)
    ]
    return _csv(["日期", "监测点", "AQI", "空气质量等级"], rows)


def build(
    orgs: dict[str, Organization], out: Callable[[str], Any] = print, year: int = 2025
) -> int:
    rng = random.Random(11)
    specs = [
        ("jtj", "public-bikes", "示范市公共自行车站点", "交通出行", "monthly", "unconditional", _bikes(rng)),
        ("bgs", "service-volume", "示范市政务服务事项办件量统计", "政务服务", "monthly", "unconditional",
         _services_volume(rng, year)),
        ("sthj", "air-quality", "示范市空气质量日报", "生态环境", "daily", "unconditional", _air(rng, year)),
        ("scj", "credit-ratings", "示范市企业信用评价结果", "信用服务", "quarterly", "conditional",
         _csv(["企业名称", "评价等级"], [[f"示范市某某企业{n}", rng.choice("ABC")] for n in range(50)])),
    ]  # fmt: skip
    made = 0
    for org_code, name, title, domain, frequency, level, table in specs:
        org = orgs.get(org_code) or next(iter(orgs.values()))
        data = {
            "name": name, "title": title, "description": f"{org.name}发布的{title}。",
            "domain": domain, "tags": [domain], "frequency": frequency, "open_level": level,
            "spatial": "示范市",
        }  # fmt: skip
        if level == "conditional":
            data["open_conditions"] = "限科研和信用服务用途，须提交申请并经数据提供方审核"
        dataset = services.create_dataset(by=SYSTEM, org=org, data=data)
        resource = services.add_resource(dataset, by=SYSTEM, data={"name": f"{title}（CSV）"})
        version = services.add_version(
            resource, by=SYSTEM, file=io.BytesIO(table), filename=f"{name}.csv"
        )
        services.ingest(version)
        services.publish_dataset(dataset, by=SYSTEM)
        made += 1
    out(f"数据开放演示数据：{made} 个数据集")
    return made
