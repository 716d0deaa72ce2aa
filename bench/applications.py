"""Benchmark of 依申请公开: statutory clocks of many open cases, and the annual report's section 三.

Run:  .venv/bin/python bench/applications.py                       (SQLite)
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_bench_apps .venv/bin/python bench/applications.py
Options (environment): CASES (default 10000), SEED (default 2026). Uses a throw-away test database.

1. clocks: CASES random open cases (receipt in 2025–2026, some with 补正, consultation, fee,
   extension) through `gongkai.lib.statutory.compute_clock` on the shipped calendar.
2. report: CASES cases of one organisation written with bulk_create, then
   `selectors.annual_report(org, 2026)` (query + table + invariant checks), best of 3.
3. board: on the same cases, the staff dashboard (`selectors.dashboard`, all open cases with
   their flags), `services.recompute_open` (what saving a holiday schedule triggers), and the
   cost of one `clock.work_calendar()` call (the schedule fingerprint query).
The last line printed is one JSON object.
"""

import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from gongkai.lib.statutory import ClockEvent, EventKind, compute_clock  # noqa: E402
from gongkai.lib.workdays import default_calendar  # noqa: E402

CASES = int(os.environ.get("CASES", 10000))
SEED = int(os.environ.get("SEED", 2026))
AS_OF = dt.date(2026, 11, 24)


def random_case(rng: random.Random) -> tuple[dt.date, list[ClockEvent]]:
    cal = default_calendar()
    receipt = dt.date(2025, 1, 2) + dt.timedelta(days=rng.randrange(640))
    events: list[ClockEvent] = []
    day = receipt
    roll = rng.random()
    if roll < 0.2:
        day = cal.add_working_days(day, rng.randint(1, 7))
        events.append(
            ClockEvent(EventKind.CORRECTION_REQUESTED, day, deadline=day + dt.timedelta(days=15))
        )
        day = cal.add_working_days(day, rng.randint(1, 8))
        events.append(ClockEvent(EventKind.CORRECTION_RECEIVED, day))
    if rng.random() < 0.2:
        day = cal.add_working_days(day, rng.randint(1, 5))
        events.append(ClockEvent(EventKind.CONSULTATION_STARTED, day))
        day = cal.add_working_days(day, rng.randint(1, 15))
        events.append(ClockEvent(EventKind.CONSULTATION_ENDED, day))
    if rng.random() < 0.15:
        day = cal.add_working_days(day, rng.randint(1, 10))
        events.append(ClockEvent(EventKind.EXTENSION_GRANTED, day, days=rng.randint(5, 20)))
    return receipt, [e for e in events if e.on <= AS_OF]


def bench_clocks(rng: random.Random) -> dict:
    cal = default_calendar()
    cases = [random_case(rng) for _ in range(CASES)]
    start = time.perf_counter()
    overdue = 0
    for receipt, events in cases:
        as_of = max([AS_OF, receipt, *(e.on for e in events)])
        overdue += compute_clock(receipt, events, cal, as_of).overdue
    seconds = time.perf_counter() - start
    return {"clock_cases": CASES, "clock_seconds": round(seconds, 3),
            "clocks_per_s": round(CASES / seconds), "overdue": overdue}  # fmt: skip


def bench_report(rng: random.Random) -> dict:
    from gongkai.accounts.permissions import SYSTEM
    from gongkai.applications import selectors
    from gongkai.applications.dispositions import ApplicantType, Disposition
    from gongkai.applications.models import Application
    from gongkai.organizations.services import create_organization

    org = create_organization(by=SYSTEM, level="department", code="benchapps", name="基准测试局",
                              region_code="640100", org_code="141")  # fmt: skip
    rows = []
    for i in range(CASES):
        received = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(700))
        closed = received + dt.timedelta(days=rng.randrange(60)) if rng.random() < 0.85 else None
        rows.append(Application(
            org=org, tracking_no=f"YSB{i:012d}", query_digest="-", applicant_type=rng.choice(list(ApplicantType)),
            name="某", id_type="other", id_number="-", phone="0", description="基准", form="paper",
            delivery="post", channel="in_person", submitted_on=received, received_on=received,
            closed_on=closed, disposition=rng.choice(list(Disposition)) if closed else "",
            status="closed" if closed else "in_progress",
        ))  # fmt: skip
    Application.objects.bulk_create(rows, batch_size=1000)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        data = selectors.annual_report(org, 2026)
        best = min(best, time.perf_counter() - start)
    total = next(r for r in data["section3"]["rows"] if r["key"] == "total")["values"][-1]
    return {"report_cases": CASES, "report_seconds": round(best, 3), "report_closed_2026": total}


def bench_board() -> dict:
    from gongkai.accounts.permissions import SYSTEM
    from gongkai.applications import clock, selectors, services

    start = time.perf_counter()
    board = selectors.dashboard(SYSTEM, AS_OF)
    board_s = time.perf_counter() - start
    start = time.perf_counter()
    services.recompute_open(today=AS_OF)
    recompute_s = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(1000):
        clock.work_calendar()
    per_call_ms = time.perf_counter() - start  # 1000 calls → seconds equal milliseconds per call
    return {"board_open_cases": len(board.rows), "board_seconds": round(board_s, 3),
            "recompute_seconds": round(recompute_s, 3),
            "work_calendar_call_ms": round(per_call_ms, 3)}  # fmt: skip


def main() -> dict:
    rng = random.Random(SEED)
    result = {"database": connection.vendor, **bench_clocks(rng)}
    old = setup_databases(verbosity=0, interactive=False)
    try:
        result.update(bench_report(rng))
        result.update(bench_board())
    finally:
        teardown_databases(old, verbosity=0)
    return result


if __name__ == "__main__":
    print(json.dumps(main(), ensure_ascii=False))
