"""Replays of audit F1 (shared/reports/security-audit-2026-12.md): scalar functions building one
huge value took ~10 GB of the web worker, ran past the time limit, or answered 200 with a
400 MB body. datastore_search_sql now runs in bounded worker processes (`sqlworker`)."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from gongkai.opendata import datastore, selectors, sqlworker
from gongkai.opendata.models import Resource

from .conftest import make_dataset, upload
from .test_ckan import action

pytestmark = pytest.mark.security

REFUSALS = (
    sqlworker.timeout_message(datastore.SQL_TIMEOUT_S),
    sqlworker.MEMORY_MESSAGE,
    sqlworker.bytes_message(datastore.SQL_RESULT_BYTES),
)
REPORT = [
    'SELECT len(range(1000000000)) FROM "{rid}" WHERE _id=1',
    "SELECT length(repeat('x', 2000000000)) FROM \"{rid}\" WHERE _id=1",
    "SELECT repeat('x', 10000000) AS s FROM \"{rid}\"",
]
# the same class through functions no deny list names: only the process bound stops them
UNLISTED = [
    "SELECT length(lpad('x', 2000000000, 'y')) FROM \"{rid}\" WHERE _id=1",
    'SELECT len(list_resize([1], 1000000000)) FROM "{rid}" WHERE _id=1',
]
# one vector of 40 rows, each an edit distance of 4·10⁸ steps (about 18 s, little memory):
# DuckDB's interrupt, honoured between vectors only, cannot stop it
SLOW_SCALAR = (
    "SELECT levenshtein(lpad('', CAST(20000 + _id AS INTEGER), 'a'), lpad('', 20000, 'b'))"
    ' FROM "{rid}"'
)


def rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class PeakRss:
    """This process's RSS growth while the block runs, sampled every 10 ms."""

    def __enter__(self) -> "PeakRss":
        self.start = self.peak = rss_mb()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self) -> None:
        while not self.done.wait(0.01):
            self.peak = max(self.peak, rss_mb())

    def __exit__(self, *exc: Any) -> None:
        self.done.set()
        self.thread.join()
        self.growth = max(self.peak, rss_mb()) - self.start


@pytest.fixture
def forty(org: Any) -> dict[str, Any]:
    """A public 40-row resource, like the one of the report, and its table."""
    ds = make_dataset(org, name="forty-rows", title="四十行")
    rows = "".join(f"2024-01-{i % 28 + 1:02d},西湖区,道路维修,{i}.5,第{i}行\n" for i in range(40))
    v = upload(ds, ("日期,区县,类别,金额,说明\n" + rows).encode())
    table = selectors.table_for(Resource.objects.select_related("current").get(pk=v.resource_id))
    assert table is not None and table.row_count == 40
    return {"rid": str(v.resource_id), "table": table}


def assert_refused(status: int, body: dict[str, Any]) -> str:
    assert status == 409, body
    error = body["error"]
    assert not body["success"] and error["__type"] == "Validation Error"
    assert error["sql"][0] in REFUSALS, error
    return str(error["sql"][0])


@pytest.mark.parametrize("sql", REPORT + UNLISTED)
def test_huge_scalar_values_are_refused_quickly_in_bounded_memory(
    client: Client, forty: dict[str, Any], sql: str
) -> None:
    with PeakRss() as rss:
        t0 = time.monotonic()
        status, body = action(client, "datastore_search_sql", sql=sql.format(rid=forty["rid"]))
        seconds = time.monotonic() - t0
    assert_refused(status, body)
    assert seconds < 6, seconds
    assert rss.growth < 600, rss.growth
    # the pool still answers
    status, body = action(
        client, "datastore_search_sql", sql=f'SELECT count(*) AS n FROM "{forty["rid"]}"'
    )
    assert status == 200 and body["result"]["records"] == [{"n": 40}]


def test_hostile_queries_in_threads_leave_ordinary_ones_fast(forty: dict[str, Any]) -> None:
    table, rid = forty["table"], forty["rid"]
    answers: dict[str, Any] = {}

    def hostile(name: str, sql: str) -> None:
        try:
            datastore.run_sql(sql.format(rid=rid), [table])
            answers[name] = "answered"
        except datastore.QueryError as e:
            answers[name] = str(e)

    def ordinary() -> None:
        time.sleep(0.3)  # while both hostile queries run
        times = []
        for _ in range(5):
            t0 = time.monotonic()
            result, _ = datastore.run_sql(
                f'SELECT "区县", count(*) AS n FROM "{rid}" GROUP BY 1', [table]
            )
            page = datastore.search(table, table.data.parent.parent, limit=10)
            times.append(time.monotonic() - t0)
            assert result.rows == [("西湖区", 40)] and len(page.rows) == 10
        answers["ordinary"] = max(times)

    warm = threading.Barrier(datastore.SQL_WORKERS)

    def warm_up() -> None:  # every worker of the pool started, as on a server in use
        warm.wait()
        datastore.run_sql(f'SELECT count(*) FROM "{rid}"', [table])

    warmers = [threading.Thread(target=warm_up) for _ in range(datastore.SQL_WORKERS)]
    for t in warmers:
        t.start()
    for t in warmers:
        t.join(30)
    threads = [
        threading.Thread(target=hostile, args=("range", REPORT[0])),
        threading.Thread(target=hostile, args=("slow", SLOW_SCALAR)),
        threading.Thread(target=ordinary),
    ]
    with PeakRss() as rss:
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        seconds = time.monotonic() - t0
    assert answers["range"] == sqlworker.MEMORY_MESSAGE, answers
    assert answers["slow"] == sqlworker.timeout_message(datastore.SQL_TIMEOUT_S), answers
    assert answers["ordinary"] < 1, answers
    assert seconds < 7 and rss.growth < 600, (seconds, rss.growth)


def test_deadline_kills_a_query_that_ignores_the_interrupt(forty: dict[str, Any]) -> None:
    table, rid = forty["table"], forty["rid"]
    t0 = time.monotonic()
    with pytest.raises(datastore.QueryError) as exc:
        datastore.run_sql(SLOW_SCALAR.format(rid=rid), [table], timeout=1)
    assert str(exc.value) == "查询超过 1 秒，已中止"
    assert time.monotonic() - t0 < 2
    result, _ = datastore.run_sql(f'SELECT max(_id) FROM "{rid}"', [table])
    assert result.rows == [(40,)]


def test_ordinary_query_gives_correct_rows(client: Client, catalogue: dict[str, Any]) -> None:
    rid = catalogue["resource"]
    sql = f'SELECT "区县", count(*) AS n, sum("金额") AS s FROM "{rid}" GROUP BY 1 ORDER BY 1'
    status, body = action(client, "datastore_search_sql", sql=sql)
    assert status == 200, body
    assert body["result"]["records"] == [
        {"区县": "上城区", "n": 1, "s": 7.25},
        {"区县": "滨江区", "n": 1, "s": 30.0},
        {"区县": "西湖区", "n": 2, "s": 16.5},
    ]
    assert [f["id"] for f in body["result"]["fields"]] == ["区县", "n", "s"]
    assert "records_truncated" not in body["result"]


def test_result_bytes_are_capped_with_a_409(
    client: Client, forty: dict[str, Any], settings: Any
) -> None:
    settings.GONGKAI_SQL_RESULT_BYTES = 100_000
    sql = f"SELECT _id, lpad('x', 10000, 'y') AS s FROM \"{forty['rid']}\""
    status, body = action(client, "datastore_search_sql", sql=sql + " LIMIT 8")
    assert status == 200 and len(body["result"]["records"]) == 8  # 80 kB: under the cap
    status, body = action(client, "datastore_search_sql", sql=sql)  # 400 kB
    assert status == 409, body
    assert body["error"]["sql"] == [sqlworker.bytes_message(100_000)]
    assert body["error"]["__type"] == "Validation Error" and "LIMIT" in body["error"]["sql"][0]


def test_default_cap_stops_the_400_mb_answer(forty: dict[str, Any]) -> None:
    with pytest.raises(datastore.QueryError) as exc:
        datastore.run_sql(
            f"SELECT _id, repeat('x', 1000000) AS s FROM \"{forty['rid']}\"", [forty["table"]]
        )  # 40 MB
    assert str(exc.value) == sqlworker.bytes_message(datastore.SQL_RESULT_BYTES)


def test_a_crashed_worker_is_replaced(client: Client, forty: dict[str, Any]) -> None:
    rid = forty["rid"]
    sql = f'SELECT count(*) AS n FROM "{rid}"'
    assert action(client, "datastore_search_sql", sql=sql)[0] == 200
    pool = sqlworker.pool(datastore.SQL_WORKERS, datastore.SQL_MEMORY_MB)
    pids = pool.pids()
    assert pids
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.1)
    status, body = action(client, "datastore_search_sql", sql=sql)
    assert status == 200 and body["result"]["records"] == [{"n": 40}]
    assert not set(pool.pids()) & set(pids)


def test_workers_leave_with_their_web_process(forty: dict[str, Any], tmp_path: Path) -> None:
    """A process that used the pool and exits (or is killed) leaves no worker behind."""
    table = forty["table"]
    source = ('"t"', f"'{table.data.parent / 'index' / 'data.duckdb'}'", 0, True)
    script = (
        "import sys, os, signal\n"
        "from gongkai.opendata import sqlworker\n"
        "p = sqlworker.pool(2, 1024)\n"
        f"print(p.run('SELECT count(*) FROM t', [{source!r}], max_rows=5, max_bytes=1000,"
        " timeout=5)[1], flush=True)\n"
        "print(p.pids()[0], flush=True)\n"
        "if sys.argv[1] == 'kill': os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    for how in ("exit", "kill"):
        out = subprocess.run(  # noqa: S603 — this interpreter, a fixed script
            [sys.executable, "-c", script, how], capture_output=True, text=True, timeout=60
        )
        lines = out.stdout.split()
        assert lines[0] == "[(40,)]", out
        pid = int(lines[1])
        for _ in range(50):  # a killed parent: the worker sees its socket close
            if not Path(f"/proc/{pid}").exists() or "Z" in _state(pid):
                break
            time.sleep(0.1)
        assert not Path(f"/proc/{pid}").exists() or "Z" in _state(pid), how


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"
