"""Ingestion: encodings, header, types, bad rows by line, formats, failures keep the previous
version serving, the background task and its progress."""

import io
import json
import zipfile
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from gongkai.accounts.permissions import SYSTEM
from gongkai.opendata import datastore, selectors, services, tasks
from gongkai.opendata.models import Resource, ResourceVersion

from .conftest import CSV, make_dataset, upload


def _rows(version: ResourceVersion, **kw: Any) -> datastore.Result:
    res = Resource.objects.select_related("current").get(pk=version.resource_id)
    table = selectors.table_for(res)
    assert table is not None
    return datastore.search(table, selectors.base_dir(), **kw)


@pytest.mark.parametrize(
    ("payload", "encoding"),
    [
        (CSV.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + CSV.encode("utf-8"), "utf-8-sig"),
        (CSV.encode("gbk"), "gb18030"),
    ],
)
def test_encodings_are_detected(org, payload, encoding):
    v = upload(make_dataset(org), payload)
    assert v.status == "ready", v.message
    assert v.encoding == encoding
    assert v.row_count == 4
    assert [c["id"] for c in v.schema] == ["_id", "日期", "区县", "类别", "金额", "说明"]
    types = {c["id"]: c["type"] for c in v.schema}
    assert types["日期"] == "date" and types["金额"] == "numeric" and types["区县"] == "text"
    rows = _rows(v, filters={"区县": "西湖区"}).rows
    assert [r[2] for r in rows] == ["西湖区", "西湖区"]


def test_bad_rows_reported_by_line_with_reason(org):
    good = "".join(f"2024-01-{i % 28 + 1:02d},西湖区,{i}\n" for i in range(70000))
    text = "日期,区县,金额\n" + good + "2024-02-01,上城区,1,多余\n2024-02-02,拱墅区,一百\n"
    v = upload(make_dataset(org), text.encode())
    assert v.status == "ready"
    assert v.row_count == 70000
    assert v.bad_row_count == 2
    first, second = v.bad_rows
    assert first["line"] == 70002 and "列数多于表头" in first["reason"]
    assert second["line"] == 70003 and "金额" in second["reason"] and "一百" in second["reason"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "文件为空"),
        ("名称,,值\n甲,1,2\n".encode(), "表头第 2 列没有列名"),
        ("名称,名称\n甲,乙\n".encode(), "列名“名称”重复"),
        ("_id,名称\n1,甲\n".encode(), "_id"),
        ("名称,值\n".encode(), "没有可用的数据行"),
    ],
)
def test_bad_files_fail_with_chinese_reason(org, content, message):
    ds = make_dataset(org)
    res = services.add_resource(ds, by=SYSTEM, data={"name": "表"})
    if not content:
        with pytest.raises(ValidationError) as exc:
            services.add_version(res, by=SYSTEM, file=io.BytesIO(content), filename="a.csv")
        assert message in str(exc.value)
        return
    v = services.ingest(
        services.add_version(res, by=SYSTEM, file=io.BytesIO(content), filename="a.csv")
    )
    assert v.status == "failed"
    assert message in v.message


def test_unsupported_extension_refused(org):
    res = services.add_resource(make_dataset(org), by=SYSTEM, data={"name": "表"})
    with pytest.raises(ValidationError) as exc:
        services.add_version(res, by=SYSTEM, file=io.BytesIO(b"MZ\x90"), filename="a.exe")
    assert "CSV、XLSX 或 JSON" in str(exc.value)
    assert not ResourceVersion.objects.exists()


def test_failed_ingestion_keeps_previous_version_serving(org):
    ds = make_dataset(org)
    v1 = upload(ds, CSV.encode())
    res = Resource.objects.get(pk=v1.resource_id)
    v2 = upload(ds, "名称,名称\n甲,乙\n".encode(), resource=res)
    assert v2.status == "failed"
    res.refresh_from_db()
    assert res.current_id == v1.pk
    assert _rows(v1).total == 4
    v3 = upload(ds, (CSV + "2024-01-05,拱墅区,道路维修,1,新增\n").encode(), resource=res)
    res.refresh_from_db()
    assert res.current_id == v3.pk and v3.number == 3
    assert _rows(v3).total == 5


def test_xlsx_and_json(org):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["站点", "客流"])
    ws.append(["武林广场", 1200])
    ws.append(["龙翔桥", 980])
    buf = io.BytesIO()
    wb.save(buf)
    v = upload(make_dataset(org), buf.getvalue(), "flow.xlsx")
    assert v.status == "ready", v.message
    assert v.row_count == 2 and {c["id"]: c["type"] for c in v.schema}["客流"] == "int"
    data = json.dumps([{"站点": "武林广场", "客流": 1200}, {"站点": "龙翔桥", "客流": 980}])
    v = upload(make_dataset(org, name="flow-json"), data.encode(), "flow.json")
    assert v.status == "ready", v.message
    assert _rows(v, q="龙翔").rows[0][1] == "龙翔桥"


def test_xlsx_zip_bomb_refused(org):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    v = upload(make_dataset(org), buf.getvalue(), "bomb.xlsx")
    assert v.status == "failed" and "压缩炸弹" in v.message


def test_mis_encoded_bytes_reported(org):
    payload = CSV.encode("gbk") + b"2024-01-09,\xff\xfe\xfd,x,1,y\n"
    v = upload(make_dataset(org), payload)
    # either refused with the line, or the row reported: never silently garbled into the data
    if v.status == "failed":
        assert "无法解码" in v.message or "编码" in v.message
    else:
        assert v.bad_row_count >= 1 or v.row_count == 4


def test_task_ingests_and_reports_progress(org, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    ds = make_dataset(org)
    res = services.add_resource(ds, by=SYSTEM, data={"name": "表"})
    seen: list[int] = []
    original = services._progress

    def spy(version_id: Any) -> Any:
        step = original(version_id)

        def wrapped(pct: int, msg: str) -> None:
            step(pct, msg)
            seen.append(ResourceVersion.objects.get(pk=version_id).progress)

        return wrapped

    services._progress = spy
    try:
        with django_capture_on_commit_callbacks(execute=True):
            version = services.add_version(
                res, by=SYSTEM, file=io.BytesIO(CSV.encode()), filename="a.csv"
            )
            tasks.enqueue_ingest(version)
    finally:
        services._progress = original
    version.refresh_from_db()
    assert version.status == "ready" and version.progress == 100
    assert seen and seen == sorted(seen) and 0 < seen[0] < 100
    ds.refresh_from_db()
    assert ds.last_updated is not None
