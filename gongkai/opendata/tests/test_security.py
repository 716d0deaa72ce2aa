"""Replays of the open-data requests in shared/reports/security-audit-2026-12.md (F2, F3, F9):
each answered 500 or leaked server configuration before the fix."""

import json
from typing import Any

import pytest
from django.test import Client

from .test_ckan import action

pytestmark = pytest.mark.security

SETTINGS = "('allowed_paths','allowed_directories','memory_limit','temp_directory')"


@pytest.mark.parametrize(
    "sql",
    [
        # F2: a CTE of a system view's name inside a subquery lifted the allow-list outside it
        'SELECT s.name, s.setting FROM "{rid}" r, (WITH pg_settings AS (SELECT 1 AS a) '
        f"SELECT * FROM pg_settings) x, pg_settings s WHERE r._id=1 AND s.name IN {SETTINGS}",
        'SELECT d.database_name, d.path FROM "{rid}" r, (WITH duckdb_databases AS '
        "(SELECT 1 AS a) SELECT * FROM duckdb_databases) x, duckdb_databases d WHERE r._id=1",
        'SELECT t.sql FROM "{rid}" r, (WITH duckdb_tables AS (SELECT 1 AS a) '
        "SELECT * FROM duckdb_tables) x, duckdb_tables t",
        # a CTE that reads the view of its own name (a non-recursive CTE binds it outside)
        "WITH pg_proc AS (SELECT * FROM pg_proc) SELECT count(*) FROM pg_proc",
        # an ordinary CTE name does not reach into a sibling subquery either
        'SELECT * FROM "{rid}" r, (WITH other AS (SELECT 1 AS a) SELECT * FROM other) x, other o',
        "SELECT * FROM sqlite_master",
        "SELECT * FROM information_schema_tables",
    ],
)
def test_catalogue_views_stay_unreachable(client: Client, catalogue: dict[str, Any], sql: str):
    status, body = action(client, "datastore_search_sql", sql=sql.format(rid=catalogue["resource"]))
    assert status in (404, 409), body  # refused, or "no such resource"
    text = json.dumps(body, ensure_ascii=False)
    assert "allowed_paths" not in text and "data.duckdb" not in text and "CREATE TABLE" not in text


def test_ctes_in_their_own_scope_still_work(client: Client, catalogue: dict[str, Any]):
    rid = catalogue["resource"]
    sql = (
        f'WITH t AS (SELECT "区县", "金额" FROM "{rid}") SELECT count(*) AS n FROM t, '
        f"(WITH u AS (SELECT 1 AS a) SELECT * FROM u) x"
    )
    status, body = action(client, "datastore_search_sql", sql=sql)
    assert status == 200, body
    assert body["result"]["records"][0]["n"] > 0


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        # F3: lone UTF-16 surrogates in a JSON body
        ("datastore_search", '{{"resource_id": "{rid}", "q": "\\ud800"}}'),
        ("datastore_search", '{{"resource_id": "{rid}", "q": "a\\ud800b"}}'),
        ("datastore_search_sql", '{{"sql": "SELECT \'\\ud800\' FROM \\"{rid}\\" LIMIT 1"}}'),
        # F9: nesting deep enough to exhaust the decoder's recursion
        ("package_search", "[" * 100_000 + "]" * 100_000),
    ],
)
def test_undecodable_json_is_a_400(
    client: Client, catalogue: dict[str, Any], name: str, raw: str
) -> None:
    body = raw if raw.startswith("[") else raw.format(rid=catalogue["resource"])
    r = client.post(f"/api/3/action/{name}", data=body, content_type="application/json")
    assert r.status_code == 400, r.content[:300]
    assert "JSON" in r.json()  # CKAN's own answer to a bad body: a bare string
