"""The fast paths of datastore_search (postings-only `q`, pre-sorted column indexes) give the
same records and totals as the general DuckDB query, ties and NULLs included."""

import itertools
import random
from typing import Any

import pytest

from gongkai.opendata import datastore, selectors, tabular
from gongkai.opendata.models import Resource

from .conftest import make_dataset, upload

DISTRICTS = ["西湖区", "上城区", "滨江区", "拱墅区", "萧山区"]
CATEGORIES = ["道路维修", "绿化养护", "路灯维护"]


def _csv(rows: int) -> bytes:
    rng = random.Random(8)
    lines = ["日期,区县,类别,金额,件数,说明"]
    for i in range(rows):
        amount = "" if i % 17 == 0 else f"{rng.randint(0, 50) / 2}"  # ties and NULLs
        count = "" if i % 23 == 0 else str(rng.randint(0, 9))
        district = rng.choice(DISTRICTS)
        note = f"{rng.choice(['杭州市', '宁波市'])}{district}{rng.choice(CATEGORIES)}工单{i % 7}"
        lines.append(
            f"2024-0{1 + i % 9}-{1 + i % 28:02d},{district},{rng.choice(CATEGORIES)},"
            f"{amount},{count},{note}"
        )
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def table(org: Any) -> datastore.Table:
    v = upload(make_dataset(org), _csv(3000))
    assert v.status == "ready", v.message
    res = Resource.objects.select_related("current").get(pk=v.resource_id)
    t = selectors.table_for(res)
    assert t is not None
    return t


def _both(table: datastore.Table, **kw: Any) -> tuple[datastore.Result, datastore.Result]:
    fast = datastore.search(table, selectors.base_dir(), **kw)
    slow = datastore.search(table, selectors.base_dir(), fast=False, **kw)
    return fast, slow


def test_every_column_has_a_sort_index(table: datastore.Table) -> None:
    assert [c for c, _ in table.sorts] == ["日期", "区县", "类别", "金额", "件数", "说明"]


SORTS = ["金额 desc", "金额", "件数 asc", "件数 desc", "区县 desc", "日期", "说明 desc", "_id desc", "_id"]  # fmt: skip


@pytest.mark.parametrize(
    ("sort", "offset"), list(itertools.product(SORTS, [0, 7, 1490, 2950, 5000]))
)
def test_sorted_pages_match_the_general_query(
    table: datastore.Table, sort: str, offset: int
) -> None:
    fast, slow = _both(table, sort=sort, offset=offset, limit=60)
    assert fast.rows == slow.rows and fast.total == slow.total == 3000
    assert fast.columns == slow.columns


@pytest.mark.parametrize(
    "q",
    ["杭州", "州", "道路维修", "西湖区 道路维修", "杭州 宁波", "工单3", "不存在的词", "西湖 路灯"],
)
@pytest.mark.parametrize("sort", [None, "金额 desc", "区县", "_id desc"])
def test_full_text_pages_match_the_general_query(
    table: datastore.Table, q: str, sort: str | None
) -> None:
    for offset, limit in [(0, 100), (250, 40), (10_000, 5)]:
        fast, slow = _both(table, q=q, sort=sort, offset=offset, limit=limit)
        assert fast.total == slow.total, (q, sort)
        assert fast.rows == slow.rows, (q, sort, offset)


def test_fields_without_id_limit_zero_and_no_total(table: datastore.Table) -> None:
    fast, slow = _both(table, q="滨江区", fields="说明,金额", sort="金额 desc", limit=30)
    assert fast.rows == slow.rows and fast.columns == [("说明", "text"), ("金额", "numeric")]
    fast, slow = _both(table, q="杭州", limit=0)
    assert fast.rows == slow.rows == [] and fast.total == slow.total
    assert (fast.total or 0) > 0
    fast, slow = _both(table, q="杭州 道路", include_total=False, limit=3)
    assert fast.total is None and fast.rows == slow.rows


def test_a_table_ingested_without_sort_indexes_still_sorts(table: datastore.Table) -> None:
    bare = datastore.Table(table.name, table.data, None, table.schema, table.row_count)
    fast = datastore.search(bare, selectors.base_dir(), sort="金额 desc", q="杭州", limit=50)
    slow = datastore.search(table, selectors.base_dir(), sort="金额 desc", q="杭州", limit=50)
    assert fast.rows == slow.rows


def test_sort_index_files_are_removed_with_a_failed_version(org: Any) -> None:
    ds = make_dataset(org, name="bad")
    v = upload(ds, "名称,名称\n甲,乙\n".encode())
    assert v.status == "failed"
    from gongkai.opendata.models import version_dir

    assert not (version_dir(v) / tabular.SORT_DIR).exists()


def test_sorted_full_text_window_grows_until_the_page_is_full(
    table: datastore.Table, monkeypatch: Any
) -> None:
    monkeypatch.setattr(datastore, "SORT_WINDOW_MIN", 1)
    for q, sort, offset in [
        ("杭州", "金额 desc", 0),
        ("工单3", "件数", 300),
        ("滨江区 路灯", "日期", 40),
    ]:
        fast, slow = _both(table, q=q, sort=sort, offset=offset, limit=50)
        assert fast.rows == slow.rows and fast.total == slow.total
