"""The remembered resource → table lookup of the data APIs never outlives a public change:
a withdrawal, a change of open level or a new version is seen by the very next query."""

from typing import Any

import pytest
from django.test import Client

from gongkai.accounts.permissions import SYSTEM
from gongkai.opendata import selectors, services

from .conftest import CSV, make_dataset, upload
from .test_ckan import action

pytestmark = pytest.mark.django_db


def test_withdrawal_closes_the_data_apis_at_once(org: Any) -> None:
    ds = make_dataset(org)
    rid = str(upload(ds, CSV.encode()).resource_id)
    client = Client()
    for _ in range(2):  # the second query is answered from the remembered lookup
        assert action(client, "datastore_search", resource_id=rid)[1]["result"]["total"] == 4
    assert client.get(f"/api/v1/data/{rid}").status_code == 200
    services.withdraw_dataset(ds, by=SYSTEM, reason="数据有误")
    assert action(client, "datastore_search", resource_id=rid)[0] == 404
    assert client.get(f"/api/v1/data/{rid}").status_code == 404
    assert selectors.public_table(rid) is None


def test_closing_the_open_level_needs_a_key_at_once(org: Any) -> None:
    ds = make_dataset(org)
    rid = str(upload(ds, CSV.encode()).resource_id)
    client = Client()
    assert action(client, "datastore_search", resource_id=rid)[0] == 200
    services.update_dataset(
        ds, by=SYSTEM, data={"open_level": "conditional", "open_conditions": "限科研用途"}
    )
    assert action(client, "datastore_search", resource_id=rid)[0] == 403
    assert client.get(f"/api/v1/data/{rid}").status_code == 403


def test_a_new_version_is_served_at_once(org: Any) -> None:
    ds = make_dataset(org)
    first = upload(ds, CSV.encode())
    rid = str(first.resource_id)
    client = Client()
    assert action(client, "datastore_search", resource_id=rid)[1]["result"]["total"] == 4
    upload(ds, (CSV + "2024-01-05,西湖区,道路维修,1,补充\n").encode(), resource=first.resource)
    assert action(client, "datastore_search", resource_id=rid)[1]["result"]["total"] == 5
