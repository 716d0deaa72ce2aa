"""Two importers given the same pages at the same moment create each document once.

Threads with their own connections import the same pages into one organisation; on PostgreSQL
the unique ledger row (org, hash) makes the second importer wait and then find the page
imported, on SQLite the IMMEDIATE write transactions queue them.
"""

import threading

import pytest
from django.db import connection

from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import OrganizationFactory
from gongkai.documents.models import Document
from gongkai.imports import services
from gongkai.imports.models import ImportRecord

from .helpers import gov_page

THREADS = 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_importers_create_each_page_once(reference_data: None) -> None:
    org = OrganizationFactory(code="fgw", region_code="640100", org_code="141")
    pages = [
        gov_page(f"关于第{n}项工作的通知", index_no=f"640100-141/2020-{n:05d}").encode()
        for n in range(1, 6)
    ]
    batches = [services.open_batch(by=SYSTEM, org=org, sources=[f"run{n}"]) for n in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def importer(n: int) -> None:
        try:
            barrier.wait()
            for raw in pages:
                outcomes.append(services.import_page(batches[n], by=SYSTEM, raw=raw).status)
        except BaseException as e:
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=importer, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Document.objects.count() == len(pages)
    assert ImportRecord.objects.filter(status="imported").count() == len(pages)
    assert sorted(outcomes).count("imported") == len(pages)
    assert outcomes.count("unchanged") == len(pages) * (THREADS - 1)
