"""索引号 stay unique and gap-free when many reviewers publish at the same moment.

Threads with their own database connections publish documents of one organisation at once,
released together by a barrier; on PostgreSQL this exercises the row lock on the serial counter,
on SQLite the IMMEDIATE write transactions.
"""

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection

from gongkai.accounts.models import Role
from gongkai.conftest import OrganizationFactory, make_document, staff
from gongkai.documents import services
from gongkai.documents.models import Document

THREADS = 8
PER_THREAD = 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_publications_get_unique_consecutive_serials(
    reference_data: None, capsys: Any
) -> None:
    org = OrganizationFactory(code="fgw", region_code="640100", org_code="141")
    reviewers = [staff(org, Role.REVIEWER) for _ in range(THREADS)]
    pending = [
        make_document(org, state="pending", title=f"并发发布{i}", published_on=dt.date(2024, 7, 1))
        for i in range(THREADS * PER_THREAD)
    ]
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def publish_batch(n: int) -> None:
        try:
            barrier.wait()
            for doc in pending[n * PER_THREAD : (n + 1) * PER_THREAD]:
                services.publish(doc, by=reviewers[n])
        except BaseException as e:  # reported below; a thread's exception is otherwise lost
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish_batch, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = list(Document.objects.filter(org=org).values_list("index_no", flat=True))
    duplicates = len(numbers) - len(set(numbers))
    with capsys.disabled():
        print(
            f"\n[concurrent publish] {connection.vendor}: {THREADS} threads × {PER_THREAD} = {len(numbers)} publications, duplicates {duplicates}"
        )
    assert duplicates == 0 and len(numbers) == THREADS * PER_THREAD
    assert sorted(numbers) == [
        f"640100-141/2024-{i:05d}" for i in range(1, THREADS * PER_THREAD + 1)
    ]
