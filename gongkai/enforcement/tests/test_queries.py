"""Scale guard (issue 21 "Scale and benchmark"): a list page or API list costs a fixed number of
queries (≤ 12), whatever the number of rows shown."""

from typing import Any

import pytest
from django.test import Client

from .conftest import id_number, licence, penalty, person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    ["/enforcement/penalties/", "/enforcement/licences/", "/api/v1/enforcement/penalties?size=50",
     "/api/v1/enforcement/licences?size=50", "/enforcement/penalties.csv", "/api/v1/spot-checks/draws"],
)  # fmt: skip
def test_lists_cost_a_fixed_number_of_queries(client: Client, org: Any, url: str,
                                              django_assert_max_num_queries: Any) -> None:  # fmt: skip
    for i in range(25):
        penalty(org, **(person(id_number=id_number(n=80 + i)) if i % 5 == 0 else {}))
        licence(org)
    with django_assert_max_num_queries(12):
        r = client.get(url)
        if r.streaming:
            b"".join(r.streaming_content)
    assert r.status_code == 200
