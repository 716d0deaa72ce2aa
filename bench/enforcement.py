"""Benchmark of 行政执法公示 (issue 21 "Scale and benchmark").

Run:  .venv/bin/python bench/enforcement.py                                    (SQLite)
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_bench_enforcement .venv/bin/python bench/enforcement.py
Options (environment): LICENCES (200000), PENALTIES (200000), TARGETS (50000), CSV_ROWS (100000),
IMPORT_ROWS (10000), SEED (2026). Uses a throw-away test database.

Targets (SQLite): list page p95 < 150 ms and ≤ 12 queries; statistics < 0.5 s; CSV of 100,000
rows < 20 s; draw and replay of 50,000 targets < 2 s; import of 10,000 rows < 30 s.
Rows for the lists are written with bulk_create (the services' validation is measured by the
import); the draw and replay go through `services.draw` and `selectors.replay`.
On PostgreSQL the lists are timed once right after the bulk load (`list_p95_ms_before_vacuum`:
no visibility map or statistics yet) and then, as measured, after VACUUM (ANALYZE) — the state
autovacuum leaves a table that has stood. Measured 2026-12-08 on PostgreSQL: list p95 27.8 ms
(620.9 ms before the vacuum), ≤ 4 queries, statistics 0.294 s, CSV 7.16 s, draw/replay
0.57/0.21 s, import 9.15 s.
The last line printed is one JSON object.
"""

import datetime as dt
import json
import os
import random
import statistics as stats
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402

LICENCES = int(os.environ.get("LICENCES", 200000))
PENALTIES = int(os.environ.get("PENALTIES", 200000))
TARGETS = int(os.environ.get("TARGETS", 50000))
CSV_ROWS = int(os.environ.get("CSV_ROWS", 100000))
IMPORT_ROWS = int(os.environ.get("IMPORT_ROWS", 10000))
SEED = int(os.environ.get("SEED", 2026))
TODAY = dt.date(2025, 12, 20)


def _credit(n: int) -> str:
    from gongkai.lib.creditcode import check_character

    body = f"91640100{n:09d}"
    return body + check_character(body)


def _common(org: Any, i: int) -> dict[str, Any]:
    code = _credit(1)
    return {
        "org": org, "subject_name": f"基准测试{i}有限公司", "subject_type": "02", "credit_code": _credit(10_000_000 + i),
        "authority": org.name, "authority_credit_code": code, "source": org.name, "source_credit_code": code,
        "status": "published", "publish_due_on": TODAY, "published_on": TODAY, "visible_until": dt.date(2030, 1, 1),
    }  # fmt: skip


def fill(rng: random.Random, org: Any) -> None:
    from gongkai.enforcement.models import LicenceDecision, PenaltyDecision

    batch: list[Any] = []
    for i in range(LICENCES):
        d = TODAY - dt.timedelta(days=rng.randrange(700))
        batch.append(LicenceDecision(**_common(org, i), decision_title="准予许可决定书", decision_no=f"基许{i}号",
                                     category_code=rng.choice(["01", "02", "03", "04", "05"]), decided_on=d,
                                     valid_from=d, valid_to=dt.date(2030, 1, 1)))  # fmt: skip
        if len(batch) == 5000:
            LicenceDecision.objects.bulk_create(batch)
            batch = []
    LicenceDecision.objects.bulk_create(batch)
    batch = []
    for i in range(PENALTIES):
        d = TODAY - dt.timedelta(days=rng.randrange(300))
        t = rng.choice(["01", "03", "04", "08", "10"])
        batch.append(PenaltyDecision(**_common(org, i), decision_no=f"基罚{i}号", violation_type="违法经营", facts="事实",
                                     basis="依据", type_codes=t, heaviest_type=t, content="处罚", fine_wan=1,
                                     decided_on=d, valid_until=dt.date(2030, 1, 1), publicity_months=12,
                                     publicity_until=dt.date(2030, 1, 1)))  # fmt: skip
        if len(batch) == 5000:
            PenaltyDecision.objects.bulk_create(batch)
            batch = []
    PenaltyDecision.objects.bulk_create(batch)


def bench_pages(org: Any) -> dict[str, Any]:
    from django.test import Client

    client = Client()
    times, queries = [], 0
    urls = ["/enforcement/penalties/?year=2025", "/enforcement/licences/?year=2025&page=50",
            f"/api/v1/enforcement/penalties?org={org.code}&year=2025&size=50", "/enforcement/penalties/?type=08"]  # fmt: skip
    for run in range(20):
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                assert client.get(url).status_code == 200
                times.append(time.perf_counter() - start)
            queries = max(queries, len(ctx))
        del run
    p95 = sorted(times)[int(len(times) * 0.95) - 1]
    by_url = {u: round(stats.median(times[i :: len(urls)]) * 1000, 1) for i, u in enumerate(urls)}
    return {"list_p95_ms": round(p95 * 1000, 1), "list_median_ms": round(stats.median(times) * 1000, 1),
            "list_max_queries": queries, "list_median_ms_by_url": by_url}  # fmt: skip


def bench_statistics(org: Any) -> dict[str, Any]:
    from gongkai.enforcement import selectors

    start = time.perf_counter()
    selectors.statistics(org, 2025)
    return {"statistics_s": round(time.perf_counter() - start, 3)}


def bench_csv(org: Any) -> dict[str, Any]:
    import csv
    import io

    from gongkai.enforcement import selectors

    start = time.perf_counter()
    out, n = io.StringIO(), 0
    writer = csv.writer(out)
    for row in selectors.public_csv_rows("penalty", org=org, year=None):
        writer.writerow(row)
        n += 1
        if n > CSV_ROWS:
            break
    return {"csv_rows": n - 1, "csv_s": round(time.perf_counter() - start, 2)}


def bench_draw(org: Any) -> dict[str, Any]:
    from gongkai.accounts.permissions import SYSTEM
    from gongkai.enforcement import selectors, services
    from gongkai.enforcement.models import Target

    Target.objects.bulk_create(
        Target(org=org, name=f"对象{i}", key=_credit(20_000_000 + i)) for i in range(TARGETS)
    )
    people = [services.save_officer(by=SYSTEM, org=org, data={"name": f"检查员{i}", "cert_no": f"B{i:06d}",
              "field": "市场监管", "valid_until": dt.date(2030, 1, 1)}) for i in range(20)]  # fmt: skip
    matter = services.save_spot_matter(
        by=SYSTEM, org=org, data={"name": "基准抽查", "basis": "依据"}
    )
    plan = services.create_plan(by=SYSTEM, org=org, matter=matter, inspectors=people,
                                data={"name": "基准计划", "ratio_percent": "5", "check_ends_on": TODAY})  # fmt: skip
    services.approve_plan(plan, by=SYSTEM)
    start = time.perf_counter()
    draw = services.draw(plan, by=SYSTEM)
    drawn_s = time.perf_counter() - start
    start = time.perf_counter()
    ok, _ = selectors.replay(draw)
    return {"draw_targets": TARGETS, "draw_s": round(drawn_s, 3), "replay_s": round(time.perf_counter() - start, 3),
            "replay_ok": ok}  # fmt: skip


def bench_import(org: Any) -> dict[str, Any]:
    from gongkai.accounts.permissions import SYSTEM
    from gongkai.enforcement import services

    code = _credit(1)
    rows = [(i + 2, {"subject_name": f"导入{i}公司", "subject_type": "02", "credit_code": _credit(30_000_000 + i),
                     "decision_title": "准予许可决定书", "decision_no": f"导{i}号", "category_code": "01",
                     "decided_on": "2025/12/01", "valid_from": "2025/12/01", "valid_to": "2099/12/31",
                     "content": "食品销售", "authority": org.name, "authority_credit_code": code,
                     "source": org.name, "source_credit_code": code}) for i in range(IMPORT_ROWS)]  # fmt: skip
    start, cpu = time.perf_counter(), time.process_time()
    out = services.import_rows(by=SYSTEM, org=org, kind="licence", rows=rows, today=TODAY)
    return {"import_rows": out["imported"], "import_s": round(time.perf_counter() - start, 2),
            "import_cpu_s": round(time.process_time() - cpu, 2)}  # fmt: skip


def main() -> None:
    import time_machine

    old = setup_databases(verbosity=0, interactive=False)
    try:
        with time_machine.travel(dt.datetime(2025, 12, 20, 9), tick=True):
            from gongkai.accounts.permissions import SYSTEM
            from gongkai.organizations.models import Organization
            from gongkai.organizations.services import save_organization

            org = save_organization(Organization(code="bench", name="基准测试局", level="department",
                                                 region_code="640100", org_code="901"), by=SYSTEM)  # fmt: skip
            rng = random.Random(SEED)
            start = time.perf_counter()
            fill(rng, org)
            result: dict[str, Any] = {"licences": LICENCES, "penalties": PENALTIES,
                                      "fill_s": round(time.perf_counter() - start, 1)}  # fmt: skip
            if connection.vendor == "postgresql":
                # just bulk-loaded tables have no visibility map or statistics, which autovacuum
                # gives any table that has stood a while: time that state, then the vacuumed one
                from gongkai.enforcement.models import LicenceDecision, PenaltyDecision

                result["list_p95_ms_before_vacuum"] = bench_pages(org)["list_p95_ms"]
                with connection.cursor() as cur:
                    for model in (LicenceDecision, PenaltyDecision):
                        cur.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
            for fn in (bench_pages, bench_statistics, bench_csv, bench_draw, bench_import):
                result.update(fn(org))
                print(fn.__name__, "done", flush=True)
            result["vendor"] = connection.vendor
    finally:
        teardown_databases(old, verbosity=0)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
