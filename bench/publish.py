"""Concurrent publication benchmark: many reviewers publish at once; count 索引号 duplicates.

Run:  .venv/bin/python bench/publish.py                       (SQLite)
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai .venv/bin/python bench/publish.py
Options: THREADS (default 16), PER_THREAD (default 25). Uses a throw-away test database.
Prints one JSON object on its last line: publications, threads, seconds, publications/s,
duplicates, gaps, and whether every publication reached the search index when the last one
returned (`search_missing`, `search_pending`: both must be 0; the index is a throw-away copy).
"""

import datetime as dt
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

THREADS = int(os.environ.get("THREADS", 16))
PER_THREAD = int(os.environ.get("PER_THREAD", 25))


def main() -> dict:
    from gongkai.accounts.models import User
    from gongkai.accounts.permissions import SYSTEM
    from gongkai.accounts.services import grant_role
    from gongkai.documents import services
    from gongkai.documents.models import Document, InfoCategory
    from gongkai.organizations.services import create_organization
    from gongkai.search import backends
    from gongkai.search.models import Pending

    org = create_organization(
        by=SYSTEM,
        level="department",
        code="bench",
        name="基准测试局",
        region_code="640100",
        org_code="141",
    )
    reviewers = []
    for i in range(THREADS):
        user = User.objects.create(username=f"reviewer{i}", is_staff=True)
        grant_role(by=SYSTEM, user=user, organization=org, role="reviewer")
        reviewers.append(user)
    notice = InfoCategory.objects.get(code="notice")
    pending = []
    for i in range(THREADS * PER_THREAD):
        doc = services.create_document(
            by=SYSTEM,
            org=org,
            data={"title": f"基准{i}", "category": notice, "published_on": dt.date(2026, 1, 5)},
        )
        pending.append(services.submit(doc, by=SYSTEM))
    barrier = threading.Barrier(THREADS + 1)
    errors: list[str] = []

    def worker(n: int) -> None:
        try:
            barrier.wait()
            for doc in pending[n * PER_THREAD : (n + 1) * PER_THREAD]:
                services.publish(doc, by=reviewers[n])
        except Exception as e:
            errors.append(repr(e))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    numbers = [n for n in Document.objects.filter(org=org).values_list("index_no", flat=True) if n]
    published = {
        services.search_key(pk)
        for pk in Document.objects.filter(org=org, index_no__gt="").values_list("pk", flat=True)
    }
    in_index = backends.current().keys() if backends.backend_name() == "tantivy" else published
    serials = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    return {
        "bench": "concurrent_publish",
        "database": connection.vendor,
        "threads": THREADS,
        "publications": len(numbers),
        "errors": len(errors),
        "seconds": round(seconds, 3),
        "publications_per_s": round(len(numbers) / seconds, 1),
        "duplicates": len(numbers) - len(set(numbers)),
        "gaps": (serials[-1] - len(serials)) if serials else 0,
        "search_missing": len(published - in_index),
        "search_pending": Pending.objects.count(),
    }


if __name__ == "__main__":
    from django.conf import settings

    settings.GONGKAI_SEARCH_DIR = tempfile.mkdtemp(prefix="gongkai-publish-bench-")
    old = setup_databases(verbosity=0, interactive=False)
    try:
        result = main()
    finally:
        teardown_databases(old, verbosity=0)
    print(json.dumps(result, ensure_ascii=False))
