"""Benchmark of execution disclosure (issue 22 "Scale and benchmark").

Run:  .venv/bin/python bench/execution.py                               (SQLite)
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_bench_exec .venv/bin/python bench/execution.py
Options (environment): TASKS (20000), REPORTS (100000), PROPOSALS (10000), EVENTS (5000),
SEED (2026). Uses a throw-away test database; rows are written with bulk_create (a data loader
for measuring reads, not the services' path).

Targets on SQLite: overdue task list with counts < 0.3 s; proposals overview < 1 s; all event
clocks < 0.5 s; any public list page ≤ 12 queries. Each timing is the best of 3.
The last line printed is one JSON object.

Measured 2026-12-07 on SQLite, full scale, load average 1.6 → 3.1 (two cores shared): overdue
task list with counts 0.086 s (5,559 overdue), proposals overview 0.028 s, all event clocks
0.326 s, at most 9 queries a page (/execution/tasks/, /proposals/); 52.6 s wall, 28.2 s CPU
(load of 130,000 rows 24.3 s), peak RSS 249 MB.
"""

import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402

TASKS = int(os.environ.get("TASKS", 20000))
REPORTS = int(os.environ.get("REPORTS", 100000))
PROPOSALS = int(os.environ.get("PROPOSALS", 10000))
EVENTS = int(os.environ.get("EVENTS", 5000))
SEED = int(os.environ.get("SEED", 2026))
TODAY = dt.date(2026, 11, 24)
BJ = ZoneInfo("Asia/Shanghai")


def best(fn, n: int = 3) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return round(min(times), 4)


def load(rng: random.Random, orgs: list) -> dict:
    from gongkai.execution.models import (
        OpinionEvent,
        Plan,
        Proposal,
        Proposer,
        Response,
        Task,
        TaskCategory,
        TaskReport,
    )

    t0 = time.perf_counter()
    plans = [Plan.objects.create(org=orgs[0], year=2026 - i % 2, title=f"基准计划{i}", status="published")
             for i in range(4)]  # fmt: skip
    cats = [
        TaskCategory.objects.create(plan=p, name=f"大类{j}", order=j)
        for p in plans
        for j in range(4)
    ]
    tasks = []
    for i in range(TASKS):
        plan = plans[i % len(plans)]
        due = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(700))
        done = rng.random() < 0.4
        tasks.append(Task(
            plan=plan, category=cats[plans.index(plan) * 4 + i % 4], number=i // len(plans) + 1,
            title=f"重点任务{i}", lead_org=orgs[i % len(orgs)] if rng.random() < 0.9 else None,
            due_on=due, status="done" if done else "in_progress",
            completed_on=due + dt.timedelta(days=rng.randint(-30, 20)) if done else None,
        ))  # fmt: skip
    Task.objects.bulk_create(tasks, batch_size=2000)
    task_ids = list(Task.objects.values_list("id", flat=True))
    TaskReport.objects.bulk_create([
        TaskReport(task_id=task_ids[i % len(task_ids)], org=orgs[i % len(orgs)],
                   on=dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(320)), text=f"进展{i}")
        for i in range(REPORTS)
    ], batch_size=5000)  # fmt: skip
    props = []
    for i in range(PROPOSALS):
        kind = "suggestion" if i % 2 else "proposal"
        assigned = dt.date(2025 + i % 2, 2, 1) + dt.timedelta(days=rng.randrange(60))
        replied = rng.random() < 0.8
        props.append(Proposal(
            kind=kind, meeting=f"第{i % 3}次会议", number=f"{i:05}", title=f"建议提案{i}",
            lead_unit=orgs[i % len(orgs)], assigned_on=assigned, due_on=assigned + dt.timedelta(days=90),
            replied_on=assigned + dt.timedelta(days=rng.randint(20, 120)) if replied else None,
            grade=rng.choice("ABCD") if replied else "", disclosure="none" if replied else "",
            satisfaction=rng.choice(["satisfied", "basic", "unsatisfied", ""]) if replied else "",
        ))  # fmt: skip
    Proposal.objects.bulk_create(props, batch_size=2000)
    Proposer.objects.bulk_create([Proposer(proposal_id=pid, name="代表", mobile="13800000000")
                                  for pid in Proposal.objects.values_list("id", flat=True)],
                                 batch_size=5000)  # fmt: skip
    events = []
    for i in range(EVENTS):
        detected = dt.datetime(2026, 1, 1, tzinfo=BJ) + dt.timedelta(minutes=rng.randrange(460000))
        events.append(OpinionEvent(org=orgs[i % len(orgs)], title=f"舆情{i}",
                                   level=rng.choice(["especially_major", "major", "large", "general"]),
                                   detected_at=detected))  # fmt: skip
    OpinionEvent.objects.bulk_create(events, batch_size=2000)
    responses = []
    for e in OpinionEvent.objects.only("id", "detected_at"):
        for _ in range(rng.randint(1, 3)):
            responses.append(Response(event=e, form=rng.choice(["release", "press", "interview"]),
                                      at=e.detected_at + dt.timedelta(hours=rng.randint(1, 72)),
                                      text="回应"))  # fmt: skip
    Response.objects.bulk_create(responses, batch_size=5000)
    return {"load_s": round(time.perf_counter() - t0, 2), "responses": len(responses)}


def main() -> dict:
    rng = random.Random(SEED)
    old = setup_databases(verbosity=0, interactive=False)
    try:
        import time_machine
        from django.apps import apps
        from django.core.cache import cache
        from django.test import Client
        from django.utils import timezone

        from gongkai.accounts.permissions import SYSTEM
        from gongkai.documents.reference import load as load_reference
        from gongkai.execution import selectors
        from gongkai.organizations.services import create_organization

        load_reference(apps)
        orgs = [create_organization(by=SYSTEM, level="department", code=f"bench{i}", name=f"基准测试局{i}",
                                    region_code="640100", org_code=f"{200 + i}") for i in range(20)]  # fmt: skip
        result: dict = {"database": connection.vendor, "tasks": TASKS, "reports": REPORTS,
                        "proposals": PROPOSALS, "events": EVENTS}  # fmt: skip
        result.update(load(rng, orgs))
        with time_machine.travel(dt.datetime(2026, 11, 24, 10, tzinfo=BJ), tick=False):

            def overdue_list() -> None:
                selectors.task_counts(TODAY)
                page = selectors.public_tasks(status="overdue", today=TODAY)
                page.count()
                for t in page[:20]:
                    list(t.reports.all())
                    list(t.co_orgs.all())

            result["overdue_tasks_s"] = best(overdue_list)
            result["overdue_tasks"] = selectors.task_counts(TODAY)["overdue"]
            result["overview_s"] = best(lambda: selectors.overview(2026))
            now = timezone.now()

            def all_clocks() -> int:
                return sum(len(rows) for rows in selectors.all_clocks(now).values())

            result["event_clocks_s"] = best(all_clocks)
            client = Client()
            pages = ["/execution/", "/execution/tasks/", "/execution/tasks/?status=overdue",
                     "/execution/inspections/", "/proposals/", "/proposals/overview/2026/", "/response/",
                     "/press/", "/interviews/", "/api/v1/tasks", "/api/v1/proposals",
                     "/api/v1/proposals/overview?year=2026", "/api/v1/opinion-responses"]  # fmt: skip
            queries = {}
            for path in pages:
                cache.clear()
                with CaptureQueriesContext(connection) as ctx:
                    status = client.get(path).status_code
                queries[path] = len(ctx) if status == 200 else f"HTTP {status}"
            result["max_queries"] = max(q for q in queries.values() if isinstance(q, int))
            result["queries"] = queries
        result["targets_met"] = (result["overdue_tasks_s"] < 0.3 and result["overview_s"] < 1
                                 and result["event_clocks_s"] < 0.5 and result["max_queries"] <= 12)  # fmt: skip
    finally:
        teardown_databases(old, verbosity=0)
    return result


if __name__ == "__main__":
    print(json.dumps(main(), ensure_ascii=False))
