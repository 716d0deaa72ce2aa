"""Scale guard (issue 22 "Scale and benchmark"): every public list page and list API stays within
12 queries however many rows it shows (prefetching, no per-row query)."""

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from gongkai.conftest import OrganizationFactory
from gongkai.demo import execution_demo

pytestmark = pytest.mark.django_db

LISTS = ["/execution/", "/execution/tasks/", "/execution/tasks/?status=overdue", "/execution/inspections/",
         "/proposals/", "/proposals/?kind=suggestion", "/proposals/overview/2026/", "/response/", "/press/",
         "/interviews/", "/api/v1/tasks?size=100", "/api/v1/inspections", "/api/v1/proposals?size=100",
         "/api/v1/proposals/overview?year=2026", "/api/v1/opinion-responses", "/api/v1/press-conferences",
         "/api/v1/press-conferences/quarterly?year=2026", "/api/v1/interviews"]  # fmt: skip


def test_public_lists_stay_within_twelve_queries(django_assert_max_num_queries: Any) -> None:
    orgs = {code: OrganizationFactory(code=code, name=f"示范市{code}", org_code=f"{400 + i}")
            for i, code in enumerate(["city", "bgs", "fgw", "jyj", "czj"])}  # fmt: skip
    execution_demo.build(orgs, out=lambda s: None)
    client = Client()
    for path in LISTS:
        client.get(path)  # warm per-process caches (site settings, calendar)
        cache.clear()  # the public page cache would answer without queries
        with django_assert_max_num_queries(12):
            assert client.get(path).status_code == 200, path
