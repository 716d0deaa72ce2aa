"""The query index (tabular.build_index) on columns too varied to code: numbers, dates and
times kept as fixed-width values, free text kept as bytes. Every answer of the fast path equals
the general DuckDB query's, ties, NULLs and deep pages included."""

import itertools
import random
from typing import Any

import pytest

from gongkai.opendata import datastore, selectors, tabular
from gongkai.opendata.models import Resource

from .conftest import make_dataset, upload

DISTRICTS = ["西湖区", "上城区", "滨江区", "拱墅区", "萧山区"]


def _csv(rows: int) -> bytes:
    rng = random.Random(11)
    lines = ["日期,时间,区县,金额,件数,说明"]
    for i in range(rows):
        amount = "" if i % 19 == 0 else f"{rng.randint(0, 400) / 4}"
        count = "" if i % 29 == 0 else str(rng.randint(0, 300))
        when = f"2024-0{1 + i % 9}-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:00"
        note = (
            ""
            if i % 31 == 0
            else f"{rng.choice(['杭州市', '宁波市', 'Hangzhou'])}{rng.choice(DISTRICTS)}工单{i}"
        )
        lines.append(
            f"2024-0{1 + i % 9}-{1 + i % 28:02d},{when},{rng.choice(DISTRICTS)},{amount},{count},{note}"
        )
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def table(org: Any, monkeypatch: Any) -> datastore.Table:
    monkeypatch.setattr(tabular, "CODES_MAX", 40)  # only 区县 stays coded
    monkeypatch.setattr(tabular, "BATCH", 256)  # many segments and batches
    v = upload(make_dataset(org), _csv(2500))
    assert v.status == "ready", v.message
    res = Resource.objects.select_related("current").get(pk=v.resource_id)
    t = selectors.table_for(res)
    assert t is not None
    return t


def test_columns_are_stored_by_kind(table: datastore.Table) -> None:
    ix = datastore.index_of(table)
    assert ix is not None
    kinds = {name: ix.kind(name) for name in table.columns}
    assert kinds == {"_id": "id", "日期": "raw", "时间": "raw", "区县": "codes", "金额": "raw",
                     "件数": "raw", "说明": "text"}  # fmt: skip
    assert [c for c, _ in table.sorts] == ["日期", "时间", "区县", "金额", "件数"]


QUERIES: list[dict[str, Any]] = [
    {"sort": s, "offset": o}
    for s, o in itertools.product(
        ["金额 desc", "金额", "件数", "时间 desc", "日期"], [0, 1234, 2460]
    )
] + [
    {"q": "杭州", "sort": "金额 desc"},
    {"q": "杭州", "sort": "件数", "offset": 300},
    {"q": "工单1", "sort": "_id desc", "offset": 20},
    {"q": "hangzhou 滨江"},
    {"q": "州", "filters": {"区县": ["西湖区", "滨江区"]}, "sort": "时间"},
    {"filters": {"区县": "上城区"}},
    {"filters": {"区县": "上城区"}, "sort": "_id desc", "offset": 130},
    {"filters": {"区县": ["上城区", "拱墅区"]}, "sort": "金额 desc", "offset": 400},
    {"filters": {"区县": "不存在"}, "sort": "金额"},
    {"filters": {"区县": "西湖区"}, "q": "宁波", "sort": "区县 desc"},
    {"q": "区", "sort": "区县", "offset": 2000},
    {"q": "不存在的词"},
    {"fields": "说明,时间,日期,金额", "q": "宁波 工单", "sort": "日期 desc"},
]


@pytest.mark.parametrize("kw", QUERIES)
def test_fast_path_matches_the_general_query(table: datastore.Table, kw: dict[str, Any]) -> None:
    base = selectors.base_dir()
    for limit in (1, 50):
        fast = datastore.search(table, base, limit=limit, **kw)
        slow = datastore.search(table, base, limit=limit, fast=False, **kw)
        assert fast.total == slow.total, kw
        assert fast.rows == slow.rows, kw
        assert fast.columns == slow.columns


def test_sorted_pages_need_the_index(table: datastore.Table) -> None:
    ix = datastore.index_of(table)
    assert ix is not None
    con = datastore.connection(selectors.base_dir()).cursor()
    found = datastore._fast(
        table, con, cols=table.columns, order=[("说明", "ASC")], filters=[], q=None, limit=5,
        offset=0, include_total=True,
    )  # fmt: skip
    assert found is None  # free text sorts through DuckDB
    result = datastore.search(table, selectors.base_dir(), sort="说明 desc", limit=5)
    notes = [r[-1] for r in result.rows]
    assert result.total == 2500 and notes == sorted(notes, reverse=True)


def test_full_export_streams_the_rendered_file(table: datastore.Table) -> None:
    body = b"".join(datastore.export(table, selectors.base_dir(), "csv"))
    assert body.startswith("\ufeff".encode())
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0] == "_id,日期,时间,区县,金额,件数,说明" and len(lines) == 2501
    general = b"".join(datastore.export(table, selectors.base_dir(), "csv", sort="_id"))
    assert general.decode("utf-8-sig").splitlines()[1].split(",")[:4] == lines[1].split(",")[:4]


def test_query_grams() -> None:
    assert tabular.query_grams("杭州") == ["杭州"]
    assert tabular.query_grams("公共服务") == ["公共", "共服", "服务"]
    assert tabular.query_grams("州， AB") == ["州", "ab"]
    assert tabular.query_grams("  ") == []
