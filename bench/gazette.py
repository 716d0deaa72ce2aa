"""Benchmark of the 政府公报, 行政规范性文件 and the standard catalogue (issue 24 "Scale and
benchmark"; gazette-catalog spec §1–§3).

Run:  .venv/bin/python bench/gazette.py                                 (SQLite)
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_bench_gazette .venv/bin/python bench/gazette.py
Options (environment): DOCS (50000 normative documents), ISSUES (240), ENTRIES (30 per issue),
CATALOG (20000 catalogue entries), CLEANUP (10000 documents in the 清理), IMPORT_ROWS (10000),
REQUESTS (40 per p95), PROFILE (cleanup, current or import: cProfile of that operation on
stderr). Quick run: DOCS=5000 ISSUES=24 CATALOG=2000 CLEANUP=1000 IMPORT_ROWS=1000.
Uses a throw-away test database and its own search index directory; seeding uses bulk_create
(not measured), what is measured goes through the real services, API and command.

Targets (SQLite): publishing a 清理 of CLEANUP documents ≤ 20 s (`services.publish_cleanup`:
versions, audit entries, search updates in one transaction, the index flush after commit
included); `GET /api/v1/normative/current` p95 ≤ 150 ms on page 1 and on page 500; importing
an IMPORT_ROWS-row catalogue XLSX (`gongkai catalog import`) ≤ 30 s. The targets are wall
times; the `*_cpu_*` figures are this process's CPU time, which a shared, busy machine does not
inflate. The last line printed is one JSON object.
"""

import datetime as dt
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

import django

django.setup()

import time_machine  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402

DOCS = int(os.environ.get("DOCS", 50_000))
ISSUES = int(os.environ.get("ISSUES", 240))
ENTRIES = int(os.environ.get("ENTRIES", 30))
CATALOG = int(os.environ.get("CATALOG", 20_000))
CLEANUP = int(os.environ.get("CLEANUP", 10_000))
IMPORT_ROWS = int(os.environ.get("IMPORT_ROWS", 10_000))
REQUESTS = int(os.environ.get("REQUESTS", 40))
PROFILE = os.environ.get("PROFILE", "")
DEPTS = 20
TODAY = dt.date(2026, 6, 15)  # the clock is frozen here: terms and 现行有效 do not drift
CHANNELS = ["政府网站", "政府公报", "两微一端"]


def seed() -> dict:
    from gongkai.catalog.models import Domain
    from gongkai.catalog.models import Entry as CatalogEntry
    from gongkai.documents.models import Document, InfoCategory
    from gongkai.gazette.models import Entry, Gazette, Issue, Section
    from gongkai.organizations.models import Organization
    from gongkai.search.models import Entry as SearchEntry

    city = Organization.objects.create(code="city", name="基准市人民政府", level="city",
                                       region_code="990100", org_code="001")  # fmt: skip
    Organization.objects.bulk_create([
        Organization(code=f"d{i}", name=f"基准市第{i}局", level="department", region_code="990100",
                     org_code=f"{100 + i}", parent=city)
        for i in range(DEPTS)
    ])  # fmt: skip
    depts = list(Organization.objects.filter(parent=city).order_by("id"))
    for d in depts:  # the path holds the ancestors' ids (organizations.models)
        d.path = f"{city.path}{d.pk}/"
    Organization.objects.bulk_update(depts, ["path"])
    orgs = [city, *depts]
    normative = InfoCategory.objects.get(code="normative")
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    docs = []
    for n in range(DOCS):
        # the first CLEANUP documents are the city's own (the 清理 lists them)
        org = city if n < CLEANUP else orgs[n % len(orgs)]
        effective = dt.date(2022, 1, 1) + dt.timedelta(days=n % 1400)
        docs.append(Document(
            org=org, title=f"基准市关于规范第{n}项管理工作的规定", body_html=f"<p>第{n}项规定正文。</p>",
            doc_number=f"基政规〔{effective.year}〕{n + 1}号", written_on=effective,
            published_on=effective, category=normative, validity="valid", effective_on=effective,
            expires_on=dt.date(effective.year + 5, effective.month, 1) - dt.timedelta(days=1),
            reg_no=f"JZ-{effective.year}-{n + 1:06d}", index_no=f"990100-001-{n + 1:07d}",
            status="published", disclosure_attribute="active", version=1, first_published_at=now,
        ))  # fmt: skip
    Document.objects.bulk_create(docs, batch_size=2000)
    rows = Document.objects.order_by("id").values_list("id", "title", "doc_number", "index_no")
    SearchEntry.objects.bulk_create(
        [SearchEntry(key=f"doc:{pk}", title=t, url=f"/documents/{pk}/", body="规定正文",
                     doc_number=num, index_no=ino or "", validity="valid", validity_label="有效")
         for pk, t, num, ino in rows],
        batch_size=2000,
    )  # fmt: skip
    notice = Document.objects.create(
        org=city, title="基准市人民政府关于公布规范性文件清理结果的通知", category=normative,
        body_html="<p>清理结果见附件。</p>", published_on=TODAY, status="published",
        disclosure_attribute="active", version=1, first_published_at=now, validity="valid",
        effective_on=TODAY, expires_on=dt.date(2031, 1, 1), reg_no="JZ-2026-NOTICE",
    )  # fmt: skip
    gazette = Gazette.objects.create(org=city, name="基准市人民政府公报")
    issues = [
        Issue(gazette=gazette, year=2006 + n // 12, issue_no=n % 12 + 1, total_no=n + 1,
              published_on=dt.date(2006 + n // 12, n % 12 + 1, 15), status="published")
        for n in range(ISSUES)
    ]  # fmt: skip
    Issue.objects.bulk_create(issues)
    issues = list(Issue.objects.order_by("id"))
    Section.objects.bulk_create(
        [
            Section(issue=i, name=name, order=o)
            for i in issues
            for o, name in enumerate(("政府规章", "政府文件", "部门文件"), start=1)
        ]
    )
    sections = {(s.issue_id, s.order): s for s in Section.objects.all()}
    ids = [pk for pk, *_ in rows]
    Entry.objects.bulk_create(
        [Entry(issue=i, section=sections[(i.pk, k % 3 + 1)], order=k, page=k * 4 + 1,
               title=f"公报条目{n}-{k}", document_id=ids[(n * ENTRIES + k) % len(ids)])
         for n, i in enumerate(issues) for k in range(ENTRIES)],
        batch_size=2000,
    )  # fmt: skip
    domains = list(Domain.objects.order_by("order"))
    towns = [Organization(code=f"t{i}", name=f"基准街道{i}", level="township", region_code="990100",
                          org_code=f"{300 + i}") for i in range(10)]  # fmt: skip
    Organization.objects.bulk_create(towns)
    towns = list(Organization.objects.filter(code__startswith="t").order_by("id"))
    CatalogEntry.objects.bulk_create(
        [CatalogEntry(org=towns[n % len(towns)], domain=domains[n // len(towns) % len(domains)],
                      seq=n // (len(towns) * len(domains)) + 1, level1=f"事项{n}", level2="子项",
                      content="公开内容", time_limit_rule="wd20",
                      time_limit_text="信息形成或者变更之日起20个工作日内", publisher="街道办",
                      channels=CHANNELS[:2], audience=["全社会"], mode=["主动"], levels=["乡级"])
         for n in range(CATALOG)],
        batch_size=2000,
    )  # fmt: skip
    return {"city": city, "notice": notice, "doc_ids": ids, "domains": domains}


def profiled(name: str, fn):
    """Run `fn`, under cProfile (top functions on stderr) when PROFILE names this operation."""
    if name != PROFILE:
        return fn()
    import cProfile
    import pstats

    prof = cProfile.Profile()
    try:
        return prof.runcall(fn)
    finally:
        pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(35)


def p95(fn, n: int = REQUESTS) -> tuple[float, int, float]:
    """(p95 wall ms, most queries, p95 CPU ms of this process: what a busy machine hides)."""
    times, cpu, queries = [], [], 0
    fn()  # warm-up: the first request of the process loads URL patterns
    for _ in range(n):
        with CaptureQueriesContext(connection) as ctx:
            t, c = time.perf_counter(), time.process_time()
            fn()
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        queries = max(queries, len(ctx.captured_queries))
    q = lambda xs: round(statistics.quantiles(xs, n=20)[-1], 1)  # noqa: E731
    return q(times), queries, q(cpu)


class Timer:
    """Wall and CPU seconds of a block (the machine may be shared: CPU time shows the work)."""

    def __enter__(self) -> "Timer":
        self.t, self.c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = round(time.perf_counter() - self.t, 1)
        self.cpu = round(time.process_time() - self.c, 1)


def catalog_xlsx(path: Path, domains: list, rows: int) -> None:
    """The template's layout: one sheet per domain, two header rows with merged cells, ticks."""
    from openpyxl import Workbook

    wb = Workbook(write_only=False)
    wb.remove(wb.active)
    per = -(-rows // len(domains))
    for d in domains:
        ws = wb.create_sheet(d.name)
        ws.append(["序号", "公开事项", "", "公开内容（要素）", "公开依据", "公开时限", "公开主体",
                   "公开渠道和载体", "", "", "公开对象", "", "公开方式", "", "公开层级", ""])  # fmt: skip
        ws.append(["", "一级事项", "二级事项", "", "", "", "", *CHANNELS, "全社会", "特定群体",
                   "主动", "依申请", "县级", "乡级"])  # fmt: skip
        for rng in ("A1:A2", "B1:C1", "D1:D2", "E1:E2", "F1:F2", "G1:G2", "H1:J1", "K1:L1",
                    "M1:N1", "O1:P1"):  # fmt: skip
            ws.merge_cells(rng)
        for seq in range(1, min(per, rows) + 1):
            ws.append([seq, f"{d.name}信息{seq}", "办理结果", "依据、程序、结果",
                       "【法律】《中华人民共和国政府信息公开条例》", "信息形成或者变更之日起20个工作日内",
                       "区有关部门", "■", "", "√", "■", "", "■", "", "■", ""])  # fmt: skip
        rows -= min(per, rows)
    wb.save(path)


def main() -> None:
    from django.core.management import call_command

    from gongkai.accounts.permissions import SYSTEM
    from gongkai.documents import services
    from gongkai.documents.models import CleanupExercise, CleanupItem, Document
    from gongkai.organizations.models import Organization

    tmp = Path(tempfile.mkdtemp(prefix="gk-bench-gazette-"))
    settings.GONGKAI_SEARCH_DIR = tmp / "search"
    out: dict = {"docs": DOCS, "issues": ISSUES, "gazette_entries": ISSUES * ENTRIES,
                 "catalog_entries": CATALOG, "cleanup_docs": CLEANUP, "import_rows": IMPORT_ROWS,
                 "database": connection.vendor}  # fmt: skip
    old = setup_databases(verbosity=0, interactive=False)
    try:
        with time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC), tick=True):
            t = time.perf_counter()
            seeded = seed()
            out["seed_s"] = round(time.perf_counter() - t, 1)
            c = Client()
            bust = iter(range(1_000_000))  # a new URL each time: the public cache never answers
            for page in (1, 500):
                p = min(page, max(1, DOCS // 20))
                if PROFILE == "current":
                    profiled(
                        "current", lambda p=p: c.get(f"/api/v1/normative/current?page={p}&b=x{p}")
                    )
                (
                    out[f"current_page{page}_p95_ms"],
                    out[f"current_page{page}_queries"],
                    out[f"current_page{page}_cpu_p95_ms"],
                ) = p95(lambda p=p: c.get(f"/api/v1/normative/current?page={p}&b={next(bust)}"))
            assert c.get("/api/v1/normative/current?page=1").json()["count"] >= DOCS - 1

            city = seeded["city"]
            ids = seeded["doc_ids"][:CLEANUP]
            ex = CleanupExercise.objects.create(org=city, title="基准市规范性文件集中清理",
                                                notice=seeded["notice"])  # fmt: skip
            R = CleanupItem.Result
            results = (R.CONTINUE, R.EXPIRE, R.REPEAL, R.AMEND)
            CleanupItem.objects.bulk_create(
                [CleanupItem(exercise=ex, document_id=pk, order=n, result=results[n % 4],
                             amend_by=dt.date(2026, 12, 31) if n % 4 == 3 else None)
                 for n, pk in enumerate(ids)],
                batch_size=2000,
            )  # fmt: skip
            with Timer() as timer:
                profiled("cleanup", lambda: services.publish_cleanup(ex, by=SYSTEM, today=TODAY))
            out["cleanup_publish_s"], out["cleanup_publish_cpu_s"] = timer.wall, timer.cpu
            changed = Document.objects.filter(pk__in=ids).exclude(validity="valid").count()
            out["cleanup_lapsed_or_repealed"] = changed
            assert changed == sum(1 for n in range(len(ids)) if n % 4 in (1, 2))

            town = Organization.objects.create(code="imp", name="基准导入街道", level="township",
                                               region_code="990100", org_code="399")  # fmt: skip
            path = tmp / "catalog.xlsx"
            catalog_xlsx(path, seeded["domains"], IMPORT_ROWS)
            buf = io.StringIO()
            with Timer() as timer:
                profiled(
                    "import",
                    lambda: call_command(
                        "catalog",
                        "import",
                        str(path),
                        "--org",
                        town.code,
                        "--format",
                        "json",
                        stdout=buf,
                    ),
                )
            out["catalog_import_s"], out["catalog_import_cpu_s"] = timer.wall, timer.cpu
            report = json.loads(buf.getvalue())
            out["catalog_import_created"] = report["created"]
            out["catalog_import_errors"] = len(report["errors"])
            buf = io.StringIO()
            t = time.perf_counter()
            call_command("catalog", "import", str(path), "--org", town.code, "--format", "json",
                         stdout=buf)  # fmt: skip
            out["catalog_reimport_s"] = round(time.perf_counter() - t, 1)
            out["catalog_reimport_unchanged"] = json.loads(buf.getvalue())["unchanged"]
    finally:
        teardown_databases(old, verbosity=0)
    out["targets_met"] = {
        "cleanup_publish_le_20s": out["cleanup_publish_s"] <= 20,
        "current_page1_p95_le_150ms": out["current_page1_p95_ms"] <= 150,
        "current_page500_p95_le_150ms": out["current_page500_p95_ms"] <= 150,
        "catalog_import_le_30s": out["catalog_import_s"] <= 30,
    }
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
