"""Benchmark of the website self-inspection at the issue's scale (issue 23 "Scale and benchmark").

Run:  .venv/bin/python bench/monitoring.py                 (full scale, SQLite throw-away DB)
      .venv/bin/python bench/monitoring.py --quick         (a small run, about a minute)
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/gk_mon_bench .venv/bin/python bench/monitoring.py

Full scale (the defaults): 100,000 links on 2,000 public documents (50 each), against local
servers on 100 loopback hosts (127.0.0.2 …), 10 % answering 404 and 1 % slower than the 15 s
timeout, on every host alike (the servers in their own process, like a far side whose CPU is not ours), 10
checks/s per host, 256 workers — through the real `tasks.check_links` (links
streamed from the database, own-site ones in-process, outbound ones handed out host by host,
only the findings stored), with --allow-private (the hosts are loopback). Then the inspection
(`selectors.inspect`) of 5,000 columns over 1,000,000 documents (seeded with bulk_create, which
is not what is measured). Targets: link check < 180 s, no host above 10 in any second, every
404 and every timeout found, no false broken, RSS < 400 MB (`rss_mb_link_check`, peak RSS when
the link check ends; `rss_mb` at the end includes the seeded documents, in memory on SQLite);
inspection < 3 s.

Figures come with the load average (/proc/loadavg) before and after and the CPU seconds of this
process: other work on the machine slows the wall-clock ones. The last line is one JSON object.
On PostgreSQL the inspection is timed once right after the bulk load (`inspection_s_before_vacuum`:
no visibility map or statistics yet) and then, as measured, after VACUUM (ANALYZE) of the seeded
tables, the state autovacuum leaves any table that has stood a while.
Measured 2026-12-08 on PostgreSQL: link check 130.6–130.9 s, at most 10 per host per second, 0
missed, 0 false broken, RSS 230 MB; inspection 1.59 s (2.45–3.42 s before the vacuum).
2026-12-07 on SQLite: link check 136.0 s, inspection 1.49 s.
"""

import argparse
import collections
import datetime as dt
import http.server
import json
import multiprocessing
import os
import resource
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

import django

django.setup()

from django.test.utils import setup_databases, teardown_databases  # noqa: E402

hits: dict[str, list[float]] = collections.defaultdict(list)
lock = threading.Lock()
TIMEOUT = 15.0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args: Any) -> None:
        return None

    def do_GET(self) -> None:
        with lock:
            hits[str(self.server.server_address[0])].append(time.monotonic())  # type: ignore[index]
        if self.path.startswith("/slow"):
            time.sleep(TIMEOUT + 1)
        status = 404 if self.path.startswith("/missing") else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def serve(n: int, timeout: float, ports: Any, stop: Any, out: Any) -> None:
    """The far side, in its own process (its CPU is not the checker's): n loopback servers;
    sends their ports, serves until `stop`, then sends every host's arrival times."""
    global TIMEOUT
    TIMEOUT = timeout
    servers = []
    for i in range(n):
        httpd = http.server.ThreadingHTTPServer((f"127.0.0.{2 + i}", 0), Handler)
        httpd.daemon_threads = True
        httpd.request_queue_size = 256
        httpd.handle_error = lambda request, address: None  # type: ignore[method-assign,assignment]
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
    ports.put([(str(h.server_address[0]), int(h.server_address[1])) for h in servers])
    stop.wait()
    for h in servers:
        h.shutdown()
    with lock:
        out.put(dict(hits))


def bench_links(a: argparse.Namespace) -> dict[str, Any]:
    from gongkai.documents.models import Document, InfoCategory
    from gongkai.monitoring import tasks
    from gongkai.organizations.models import Organization

    ctx = multiprocessing.get_context("fork")
    ports_q, out_q, stop = ctx.Queue(), ctx.Queue(), ctx.Event()
    far = ctx.Process(target=serve, args=(a.hosts, a.timeout, ports_q, stop, out_q), daemon=True)
    far.start()
    servers = ports_q.get(timeout=60)
    org = Organization.objects.create(code="bench", name="基准市人民政府", level="city",
                                      path="/1/")  # fmt: skip
    cat = InfoCategory.objects.order_by("id").first()
    expected: set[str] = set()
    docs, n = [], 0
    per_page = a.links // a.pages
    for p in range(a.pages):
        body = []
        for _ in range(per_page):
            s = servers[n % a.hosts]
            m = n // a.hosts  # the link's rank on its host: every host has its 404s and slow ones
            kind = "missing" if m % 10 == 3 else "slow" if m % 100 == 7 else "ok"
            url = f"http://{s[0]}:{s[1]}/{kind}/{n}"
            body.append(f'<p><a href="{url}">链接{n}</a></p>')
            if kind != "ok":
                expected.add(url)
            n += 1
        docs.append(Document(org=org, category=cat, title=f"基准页面{p}", body_html="".join(body),
                             status="published", disclosure_attribute="active",
                             published_on=dt.date(2026, 3, 1)))  # fmt: skip
    Document.objects.bulk_create(docs, batch_size=500)
    del docs
    load0, cpu0, start = loadavg(), cpu_s(), time.monotonic()
    run = tasks.check_links(allow_private=True, rate=a.rate, workers=a.workers,
                            timeout=a.timeout)  # fmt: skip
    elapsed, cpu = time.monotonic() - start, cpu_s() - cpu0
    broken = set(run.results.filter(outcome="broken", internal=False).values_list("url", flat=True))
    stop.set()
    far_hits: dict[str, list[float]] = out_q.get(timeout=120)
    far.join(timeout=30)
    worst = 0
    for stamps in far_hits.values():
        per_second = collections.Counter(int(t - start) for t in stamps)
        worst = max(worst, max(per_second.values(), default=0))
    return {"links": n, "pages": a.pages, "hosts": a.hosts, "rate": a.rate, "workers": a.workers,
            "timeout": a.timeout, "link_check_s": round(elapsed, 1), "link_check_cpu_s": round(cpu, 1),
            "checked": run.checked, "broken": run.broken, "stored_rows": run.results.count(),
            "missed_broken": len(expected - broken), "false_broken": len(broken - expected),
            "max_per_host_second": worst, "load_before": load0, "load_after": loadavg(),
            "rss_mb_link_check": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}  # fmt: skip


def bench_inspection(a: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    from gongkai.documents.models import Document, InfoCategory
    from gongkai.monitoring import selectors
    from gongkai.monitoring.models import Column
    from gongkai.organizations.models import Organization

    orgs = [Organization(code=f"o{i}", name=f"基准市第{i}局", level="department",
                         path=f"/1/{i + 2}/") for i in range(a.orgs)]  # fmt: skip
    Organization.objects.bulk_create(orgs)
    orgs = list(Organization.objects.filter(code__startswith="o").order_by("id"))
    cats = list(InfoCategory.objects.order_by("id"))
    seeded = time.monotonic()
    batch: list[Document] = []
    first = dt.date(2024, 1, 1)
    for i in range(a.docs):
        batch.append(Document(org=orgs[i % len(orgs)], category=cats[(i // len(orgs)) % len(cats)],
                              title=f"基准信息{i}", status="published" if i % 20 else "draft",
                              disclosure_attribute="active",
                              published_on=None if i % 997 == 0 else first + dt.timedelta(days=i % 800)))  # fmt: skip
        if len(batch) == 5000:
            Document.objects.bulk_create(batch)
            batch = []
    Document.objects.bulk_create(batch)
    columns = [Column(name=f"栏目{i}", org=orgs[i % len(orgs)], kind="news" if i % 3 else "notice",
                      first_level=i % 2 == 0, on_homepage=i % 50 == 0, source="documents")
               for i in range(a.columns)]  # fmt: skip
    Column.objects.bulk_create(columns, batch_size=1000)
    through = Column.categories.through
    through.objects.bulk_create(
        [through(column_id=c.pk, infocategory_id=cats[(c.pk * 7 + k) % len(cats)].pk)
         for c in Column.objects.only("id") for k in range(2)], batch_size=5000)  # fmt: skip
    seed_s = time.monotonic() - seeded
    before_vacuum: dict[str, float] = {}
    if connection.vendor == "postgresql":
        # a table just bulk-loaded has no visibility map or statistics yet, which autovacuum
        # gives any table that has stood a while: time that state, then the vacuumed one
        start = time.monotonic()
        selectors.inspect(dt.date(2026, 3, 16))
        before_vacuum["inspection_s_before_vacuum"] = round(time.monotonic() - start, 2)
        with connection.cursor() as cur:
            for model in (Document, Column, through):
                cur.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
    load0, cpu0, start = loadavg(), cpu_s(), time.monotonic()
    result = selectors.inspect(dt.date(2026, 3, 16))
    elapsed, cpu = time.monotonic() - start, cpu_s() - cpu0
    assert len(result["columns"]) == a.columns
    return {"columns": a.columns, "documents": a.docs, "seed_s": round(seed_s, 1),
            **before_vacuum,
            "inspection_s": round(elapsed, 2), "inspection_cpu_s": round(cpu, 2),
            "stale": sum(c["stale"] for c in result["columns"]),
            "inspection_load_before": load0, "inspection_load_after": loadavg()}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--quick", action="store_true", help="5,000 links / 20 hosts / 20,000 documents"
    )
    parser.add_argument("--workers", type=int, default=256)
    parser.add_argument("--rate", type=float, default=10)
    parser.add_argument("--timeout", type=float, default=15)
    parser.add_argument("--links-only", action="store_true", help="skip the inspection part")
    a = parser.parse_args()
    if a.quick:
        a.links, a.pages, a.hosts, a.docs, a.columns, a.orgs = 5000, 100, 20, 20_000, 500, 20
        a.timeout = min(a.timeout, 3)
    else:
        a.links, a.pages, a.hosts, a.docs, a.columns, a.orgs = (
            100_000,
            2000,
            100,
            1_000_000,
            5000,
            100,
        )
    old = setup_databases(verbosity=0, interactive=False)
    try:
        out = {"quick": a.quick, "database": django.db.connection.vendor, **bench_links(a),
               **({} if a.links_only else bench_inspection(a)),
               "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}  # fmt: skip
    finally:
        teardown_databases(old, verbosity=0)
    out["targets_met"] = (out["link_check_s"] < 180 and out["max_per_host_second"] <= a.rate
                          and not out["missed_broken"] and not out["false_broken"]
                          and out["rss_mb_link_check"] < 400 and out.get("inspection_s", 0) < 3)  # fmt: skip
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
