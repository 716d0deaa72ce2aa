"""Benchmark of the lists (issue 20 "Scale and benchmark").

Run:  .venv/bin/python bench/lists.py                                   (SQLite)
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_bench_lists .venv/bin/python bench/lists.py
Options (environment): ITEMS (100000), ORGS (40), GUIDES (20000), ADJUSTMENTS (5000),
IMPORT_ROWS (10000). Uses a throw-away test database; seeding uses bulk_create (it is not what
is measured), the import goes through the services as in production.

Targets (SQLite): filtered list page and API p95 < 150 ms with ≤ 12 queries; `?on=` view
< 200 ms; CSV of every item < 15 s; import of IMPORT_ROWS XLSX rows < 30 s, unchanged
re-import < 10 s; `lists check` over GUIDES guides < 10 s. The last line printed is JSON.
"""

import datetime as dt
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402

ITEMS = int(os.environ.get("ITEMS", 100_000))
ORGS = int(os.environ.get("ORGS", 40))
GUIDES = int(os.environ.get("GUIDES", 20_000))
ADJUSTMENTS = int(os.environ.get("ADJUSTMENTS", 5_000))
IMPORT_ROWS = int(os.environ.get("IMPORT_ROWS", 10_000))
ON = dt.date(2025, 6, 1)


def seed() -> list:
    from gongkai.lists.models import (
        Adjustment,
        Guide,
        PowerItem,
        PowerType,
        PowerVersion,
        ServiceItem,
    )
    from gongkai.organizations.models import Organization

    orgs = [Organization(code=f"o{i}", name=f"基准市第{i}局", level="department", region_code="990100",
                         path=f"/{i + 1}/") for i in range(ORGS)]  # fmt: skip
    Organization.objects.bulk_create(orgs)
    orgs = list(Organization.objects.order_by("id"))
    types = list(PowerType.objects.order_by("code"))
    items, versions = [], []
    for n in range(ITEMS):
        ptype = types[1] if n % 3 else types[n % len(types)]  # two thirds 处罚
        org = orgs[n % ORGS]
        code = f"990100-{n % ORGS:03d}-{ptype.code}-{n // ORGS % 1000:03d}-{n // (ORGS * 1000):02d}"
        items.append(PowerItem(org=org, code=code, type=ptype, status="published", name=f"对违法行为{n}的处罚",
                               levels=",市,县,"))  # fmt: skip
    PowerItem.objects.bulk_create(items, batch_size=5000)
    basis = [
        {"rank": "法律", "title": "中华人民共和国行政处罚法", "article": "第八条", "text": "条文"}
    ]
    for item in PowerItem.objects.only("id", "name").iterator(chunk_size=5000):
        versions.append(PowerVersion(item_id=item.pk, version=1, valid_from=dt.date(2025, 1, 2), name=item.name,
                                     subject="基准局", levels=",市,县,", basis=basis,
                                     responsibilities=[{"stage": "立案", "text": "依法立案"}]))  # fmt: skip
    PowerVersion.objects.bulk_create(versions, batch_size=5000)
    first = list(PowerItem.objects.order_by("id")[:ADJUSTMENTS])
    Adjustment.objects.bulk_create([
        Adjustment(item=p, org_id=p.org_id, change="modify", trigger="law", trigger_on=dt.date(2025, 3, 3),
                   basis_doc="决定", applied_on=dt.date(2025, 3, 5), approved_on=dt.date(2025, 3, 10),
                   published_on=dt.date(2025, 3, 12), apply_due_on=dt.date(2025, 3, 17),
                   review_due_on=dt.date(2025, 3, 26), publish_due_on=dt.date(2025, 3, 13), state="published")
        for p in first
    ], batch_size=5000)  # fmt: skip
    services = [ServiceItem(org=orgs[n % ORGS], base_code=f"GG{n:08d}", impl_code=f"GG{n:08d}-990100",
                            type_code="GG", name=f"服务{n}", audience="person", status="published")
                for n in range(GUIDES)]  # fmt: skip
    ServiceItem.objects.bulk_create(services, batch_size=5000)
    Guide.objects.bulk_create([
        Guide(item=s, conditions=["条件"], materials=[{"name": "申请表", "count": 1}], place="" if n % 7 else "大厅",
              hours="工作日", consult_phone="0999-12345678", status="published")
        for n, s in enumerate(ServiceItem.objects.order_by("id"))
    ], batch_size=5000)  # fmt: skip
    return orgs


def p95(fn, n: int = 40) -> tuple[float, int]:
    times, queries = [], 0
    fn()  # warm-up: the first request of the process loads templates and URL patterns
    for _ in range(n):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
        queries = max(queries, len(ctx.captured_queries))
    return statistics.quantiles(times, n=20)[-1], queries


def main() -> None:
    from django.core.management import call_command
    from openpyxl import Workbook

    from gongkai.accounts.permissions import SYSTEM
    from gongkai.lists import services, tabular
    from gongkai.lists.models import PowerItem

    old = setup_databases(verbosity=0, interactive=False)
    try:
        t = time.perf_counter()
        orgs = seed()
        out: dict = {"items": ITEMS, "seed_s": round(time.perf_counter() - t, 1)}
        c = Client()
        code = PowerItem.objects.order_by("id").first().code  # type: ignore[union-attr]
        org = orgs[1].code
        # different pages so that the public cache does not answer
        page = iter(range(1, 10_000))
        out["list_page_p95_ms"], out["list_page_queries"] = p95(
            lambda: c.get(f"/lists/powers/?org={org}&type=02&level=市&page={next(page)}")
        )
        out["api_p95_ms"], out["api_queries"] = p95(
            lambda: c.get(f"/api/v1/lists/powers?org={org}&type=02&page={next(page)}")
        )
        days = iter(range(10_000))
        out["on_view_p95_ms"], out["on_view_queries"] = p95(
            lambda: c.get(
                f"/lists/powers/{code}/?on={(ON + dt.timedelta(days=next(days) % 150)).isoformat()}"
            )
        )
        t = time.perf_counter()
        assert c.get("/lists/powers.csv").status_code == 200
        out["csv_s"] = round(time.perf_counter() - t, 2)
        wb = Workbook()
        ws = wb.active
        ws.append(tabular.STAFF_POWER_COLUMNS)
        for n in range(IMPORT_ROWS):
            ws.append([f"990100-{n % 1000:03d}-02-{n // 1000 % 1000:03d}-99", f"对导入违法行为{n}的处罚", "", "行政处罚",
                       "【法律】《中华人民共和国行政处罚法》第八条：条文", "基准局", "法定行政机关", "", "", "市、县",
                       "立案：依法立案", "", "", "0999-12345678", "", "否"])  # fmt: skip
        buf = io.BytesIO()
        wb.save(buf)
        target = orgs[0]
        # CPU seconds of this process beside the wall clock: on a shared machine the wall clock
        # also counts the time other processes held the cores (SQLite works in this process)
        t, cpu = time.perf_counter(), time.process_time()
        report = services.import_table("power", org=target, data=buf.getvalue(), by=SYSTEM)
        out["import_s"] = round(time.perf_counter() - t, 1)
        out["import_cpu_s"] = round(time.process_time() - cpu, 1)
        out["import_errors"] = len(report["errors"])
        t, cpu = time.perf_counter(), time.process_time()
        again = services.import_table("power", org=target, data=buf.getvalue(), by=SYSTEM)
        out["reimport_s"] = round(time.perf_counter() - t, 1)
        out["reimport_cpu_s"] = round(time.process_time() - cpu, 1)
        out["reimport_unchanged"] = again["unchanged"]
        t, cpu = time.perf_counter(), time.process_time()
        call_command("lists", "check", stdout=io.StringIO())
        out["check_s"] = round(time.perf_counter() - t, 2)
        out["check_cpu_s"] = round(time.process_time() - cpu, 2)
    finally:
        teardown_databases(old, verbosity=0)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
