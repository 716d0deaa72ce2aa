"""Streamed export of a query (CSV with BOM, JSON) and the per-column chart data."""

import csv
import io
import json

from gongkai.opendata import datastore, selectors
from gongkai.opendata.models import Resource

from .conftest import CSV, make_dataset, upload


def _table(org):
    v = upload(make_dataset(org), CSV.encode())
    res = Resource.objects.select_related("current").get(pk=v.resource_id)
    return selectors.table_for(res)


def test_export_csv_and_json_follow_the_query(org, monkeypatch):
    table = _table(org)
    monkeypatch.setattr(datastore, "EXPORT_BATCH", 1)  # several batches
    chunks = list(
        datastore.export(
            table, selectors.base_dir(), "csv", filters={"区县": "西湖区"}, sort="金额 desc"
        )
    )
    assert len(chunks) >= 3
    text = b"".join(chunks).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["_id", "日期", "区县", "类别", "金额", "说明"]
    assert [r[4] for r in rows[1:]] == ["12.5", "4.0"]
    body = json.loads(b"".join(datastore.export(table, selectors.base_dir(), "json", q="州")))
    assert body["fields"][0] == "_id" and [r["_id"] for r in body["records"]] == [1]


def test_export_refuses_bad_parameters_before_streaming(org):
    table = _table(org)
    for kw in ({"sort": "x; DROP"}, {"fields": "nope"}, {"filters": {"日期": "bad-date"}}):
        try:
            datastore.export(table, selectors.base_dir(), "csv", **kw)
        except datastore.QueryError:
            continue
        raise AssertionError(kw)


def test_column_summary(org):
    table = _table(org)
    base = selectors.base_dir()
    assert datastore.column_summary(table, base, "区县")[0] == ("西湖区", 2)
    bins = datastore.column_summary(table, base, "金额")
    assert len(bins) == datastore.CHART_BINS and sum(c for _, c in bins) == 4
    assert datastore.column_summary(table, base, "日期") == [("2024-01", 4)]
