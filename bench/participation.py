"""Benchmark of participation: letter statistics and time-limit flags, the interpretation rule over
many policies, and public comments written through the service.

Run:  .venv/bin/python bench/participation.py                        (SQLite)
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_bench_participation .venv/bin/python bench/participation.py
Options (environment): LETTERS (default 20000), POLICIES (default 3000), COMMENTS (default 300),
SEED (default 2026). Uses a throw-away test database.

1. statistics: LETTERS letters of one year written with bulk_create, then
   `selectors.letter_statistics(2025)` (by month and department), best of 3.
2. flags: `selectors.letter_flags` for every open letter (the dashboard's work).
3. interpretations: POLICIES published 规范性文件, two thirds interpreted, then
   `selectors.interpretation_status` over all of them, best of 3.
4. comments: COMMENTS comments through `services.submit_comment` (validation, duplicate check,
   audit entry), one transaction each.
The last line printed is one JSON object.
"""

import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

LETTERS = int(os.environ.get("LETTERS", 20000))
POLICIES = int(os.environ.get("POLICIES", 3000))
COMMENTS = int(os.environ.get("COMMENTS", 300))
SEED = int(os.environ.get("SEED", 2026))
AS_OF = dt.date(2025, 12, 20)


def _best(fn, runs: int = 3) -> tuple[float, Any]:
    best, value = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def bench_letters(rng: random.Random, orgs: list) -> dict:
    from gongkai.accounts.permissions import SYSTEM
    from gongkai.lib.workdays import default_calendar
    from gongkai.participation import selectors, services
    from gongkai.participation.models import Letter

    cal = default_calendar()
    box = services.save_mailbox(by=SYSTEM, org=orgs[0], data={"code": "bench", "name": "基准信箱"})
    rows = []
    for i in range(LETTERS):
        submitted = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(350))
        due = cal.add_working_days(submitted, 15)
        answered = rng.random() < 0.8
        replied = submitted + dt.timedelta(days=rng.randint(1, 30)) if answered else None
        rows.append(Letter(
            mailbox=box, org=orgs[0], department=rng.choice(orgs), tracking_no=f"XJB{i:012d}",
            query_digest="-", kind="consult", subject="基准", content="基准", name="某",
            submitted_on=submitted, accepted_on=submitted, due_on=due,
            status="answered" if answered else "handling", replied_on=replied,
            rating=rng.randint(1, 5) if answered and rng.random() < 0.5 else None,
        ))  # fmt: skip
    Letter.objects.bulk_create(rows, batch_size=1000)
    seconds, stats = _best(lambda: selectors.letter_statistics(2025))
    open_letters = list(Letter.objects.filter(status__in=Letter.OPEN_STATES))
    start = time.perf_counter()
    overdue = sum(selectors.letter_flags(x, AS_OF).overdue for x in open_letters)
    flags_seconds = time.perf_counter() - start
    return {"letters": LETTERS, "statistics_seconds": round(seconds, 3),
            "statistics_received": stats["total"].received, "open_letters": len(open_letters),
            "flags_seconds": round(flags_seconds, 3), "overdue_letters": overdue}  # fmt: skip


def bench_interpretations(rng: random.Random, orgs: list) -> dict:
    from gongkai.documents.models import Document, InfoCategory
    from gongkai.participation import selectors

    normative = InfoCategory.objects.get(code="normative")
    interpretation = InfoCategory.objects.get(code="interpretation")
    policies = []
    for i in range(POLICIES):
        on = dt.date(2025, 1, 2) + dt.timedelta(days=rng.randrange(340))
        policies.append(Document(
            org=rng.choice(orgs), title=f"基准规范性文件{i}", category=normative, status="published",
            published_on=on, index_no=f"B/2025-{i:06d}", validity="valid",
        ))  # fmt: skip
    Document.objects.bulk_create(policies, batch_size=1000)
    docs = []
    for i, p in enumerate(Document.objects.filter(category=normative)):
        if rng.random() < 0.66:
            docs.append(Document(
                org=p.org, title=f"解读{i}", category=interpretation, status="published",
                published_on=(p.published_on or AS_OF) + dt.timedelta(days=rng.randint(0, 8)), interprets=p,
                index_no=f"BI/2025-{i:06d}",
            ))  # fmt: skip
    Document.objects.bulk_create(docs, batch_size=1000)
    seconds, rows = _best(lambda: selectors.interpretation_status(AS_OF))
    figures = selectors.interpretation_figures(rows)
    return {"policies": POLICIES, "interpretation_seconds": round(seconds, 3),
            "interpretation_figures": figures}  # fmt: skip


def bench_comments(rng: random.Random, orgs: list) -> dict:
    from gongkai.accounts.permissions import SYSTEM
    from gongkai.participation import services

    c = services.create_consultation(by=SYSTEM, org=orgs[0], data={
        "title": "基准征求意见", "draft_html": "<p>草案</p>", "opens_on": dt.date(2025, 1, 1),
        "closes_on": dt.date(2025, 12, 31),
    })  # fmt: skip
    services.publish_consultation(c, by=SYSTEM)
    start = time.perf_counter()
    for i in range(COMMENTS):
        services.submit_comment(
            c, data={"name": "某", "body": f"第{i}条意见：" + "建议" * rng.randint(5, 200)},
            today=dt.date(2025, 6, 1),
        )  # fmt: skip
    seconds = time.perf_counter() - start
    return {"comments": COMMENTS, "comments_seconds": round(seconds, 3),
            "comments_per_s": round(COMMENTS / seconds)}  # fmt: skip


def main() -> dict:
    rng = random.Random(SEED)
    old = setup_databases(verbosity=0, interactive=False)
    try:
        from django.apps import apps

        from gongkai.accounts.permissions import SYSTEM
        from gongkai.documents.reference import load
        from gongkai.organizations.services import create_organization

        load(apps)
        orgs = [
            create_organization(
                by=SYSTEM,
                level="department",
                code=f"bench{i}",
                name=f"基准测试局{i}",
                region_code="640100",
                org_code=f"{200 + i}",
            )
            for i in range(8)
        ]
        result: dict = {"database": connection.vendor}
        result.update(bench_letters(rng, orgs))
        result.update(bench_interpretations(rng, orgs))
        result.update(bench_comments(rng, orgs))
    finally:
        teardown_databases(old, verbosity=0)
    return result


if __name__ == "__main__":
    print(json.dumps(main(), ensure_ascii=False))
