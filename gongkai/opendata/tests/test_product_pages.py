"""The dataset page's chart, query, export links and API calls; the public export URL; the
quality score and the catalogue's ranking by it; and what must never leak through them."""

import csv
import html
import io
import json
import re
from typing import Any

from openpyxl import load_workbook

from gongkai.accounts.permissions import SYSTEM
from gongkai.opendata import selectors, services
from gongkai.opendata.models import Dataset, Resource

from .conftest import CSV, make_dataset, upload


def _published_with_table(org: Any, **data: Any) -> tuple[Dataset, str]:
    ds = make_dataset(org, **data)
    return ds, str(upload(ds, CSV.encode()).resource_id)


def test_chart_of_the_chosen_column_is_inline_svg(client, org):
    _, rid = _published_with_table(org)
    page = client.get("/data/bus-lines/").content.decode()
    assert "<svg" in page and "<script" not in page
    assert "“区县”的分布" in page  # the first text column by default
    bars = re.findall(r"<title>([^<]+)</title></rect>", page)
    assert bars[0] == "西湖区：2"
    page = client.get("/data/bus-lines/", {"res": rid, "chart": "金额"}).content.decode()
    assert "“金额”的分布" in page and len(re.findall(r"<rect ", page)) == 10
    page = client.get("/data/bus-lines/", {"res": rid, "chart": "nope"}).content.decode()
    assert "字段“nope”不存在" in page and "<rect " not in page


def test_query_drives_preview_export_and_api_calls(client, org):
    _, rid = _published_with_table(org)
    r = client.get(
        "/data/bus-lines/", {"res": rid, "fc": "区县", "fv": "西湖区", "sort": "金额 desc"}
    )
    page = html.unescape(r.content.decode())
    assert "共 2 行" in page and "上城区公园绿化" not in page
    export = re.search(r'href="(/data/export/[^"]+\.csv\?[^"]*)"', page).group(1)
    body = b"".join(client.get(export).streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert [r[4] for r in rows[1:]] == ["12.5", "4.0"]
    for pattern in (r"curl '(http://testserver/api/v1/data/[^']+)'",
                    r"curl '(http://testserver/api/3/action/datastore_search[^']+)'"):  # fmt: skip
        url = re.search(pattern, page).group(1).replace("http://testserver", "")
        data = client.get(url).json()
        result = data.get("result", data)
        assert result["total"] == 2
        assert [rec["金额"] for rec in result["records"]] == [12.5, 4.0]
    bad = client.get("/data/bus-lines/", {"res": rid, "sort": "x; DROP TABLE"})
    assert bad.status_code == 200 and "排序" in bad.content.decode()


def test_export_formats_and_errors(client, org):
    _, rid = _published_with_table(org)
    body = json.loads(
        b"".join(client.get(f"/data/export/{rid}.json", {"q": "州"}).streaming_content)
    )
    assert [r["_id"] for r in body["records"]] == [1]
    r = client.get(f"/data/export/{rid}.xlsx", {"filters": json.dumps({"类别": "道路维修"})})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True).active
    values = list(ws.values)
    assert values[0] == ("_id", "日期", "区县", "类别", "金额", "说明")
    assert [v[4] for v in values[1:]] == [12.5, 30.0] and isinstance(values[1][0], int)
    assert client.get(f"/data/export/{rid}.csv", {"sort": "nope"}).status_code == 400
    assert client.get(f"/data/export/{rid}.pdf").status_code == 404
    assert Resource.objects.get(pk=rid).download_count == 2  # the two good exports


def test_nothing_unpublished_or_closed_leaks(client, org):
    secret = "绝密区县"
    table = CSV.replace("西湖区", secret).encode()
    draft = make_dataset(org, name="draft-ds", title="草稿数据集", state="draft")
    closed = make_dataset(org, name="closed-ds", title="不予开放数据集", state="draft",
                          open_level="closed")  # fmt: skip
    withdrawn = make_dataset(org, name="gone-ds", title="已撤回数据集")
    cond = make_dataset(org, name="cond-ds", title="有条件数据集", open_level="conditional")
    rids = {ds.name: str(upload(ds, table).resource_id) for ds in (draft, closed, withdrawn, cond)}
    services.withdraw_dataset(withdrawn, by=SYSTEM, reason="数据有误")
    catalogue = client.get("/data/").content.decode()
    for title in ("草稿数据集", "不予开放数据集", "已撤回数据集"):
        assert title not in catalogue
    for name in ("draft-ds", "closed-ds", "gone-ds"):
        rid = rids[name]
        assert client.get(f"/data/{name}/").status_code == 404
        assert client.get(f"/data/{name}/", {"res": rid, "chart": "区县"}).status_code == 404
        for fmt in ("csv", "json", "xlsx"):
            assert client.get(f"/data/export/{rid}.{fmt}").status_code == 404
        assert client.get(f"/data/download/{rid}/").status_code == 404
    # 有条件开放: the page is public, its rows are not (no preview, chart, export, download)
    page = client.get("/data/cond-ds/", {"res": rids["cond-ds"], "chart": "区县"}).content.decode()
    assert "有条件数据集" in page and secret not in page and "<svg" not in page
    assert "Authorization: 您的接口密钥" in page
    for fmt in ("csv", "json", "xlsx"):
        assert client.get(f"/data/export/{rids['cond-ds']}.{fmt}").status_code == 403
    assert client.get(f"/data/download/{rids['cond-ds']}/").status_code == 403


def test_quality_score_is_shown_with_its_criteria(client, org):
    bare = make_dataset(org, name="bare", title="简陋数据集", description="", spatial="",
                        frequency="irregular")  # fmt: skip
    q = selectors.quality(bare)
    assert q.total == 9 and q.passed == 1 and q.score == 11  # only the licence
    _, rid = _published_with_table(
        org, name="rich", title="完备数据集", description="全市道路维修记录，来源于市政管理系统，按月汇总更新，含金额。",
        temporal_start="2024-01-01",
    )  # fmt: skip
    res = Resource.objects.get(pk=rid)
    columns = [c["id"] for c in res.current.schema if c["id"] != "_id"]
    services.set_column_descriptions(res, by=SYSTEM, descriptions={c: f"{c}说明" for c in columns})
    assert selectors.quality(selectors.public_dataset("rich")).score == 100
    page = client.get("/data/bare/").content.decode()
    assert (
        "11 分" in page
        and "未满足（填写数据覆盖的起止日期）" in page
        and "明确开放许可：已满足" in page
    )
    # the catalogue ranks by the score by default, by date on request
    titles = re.findall(
        r"<strong>(简陋数据集|完备数据集)</strong>", client.get("/data/").content.decode()
    )
    assert titles == ["完备数据集", "简陋数据集"]
    Dataset.objects.filter(name="bare").update(last_updated="2099-01-01T00:00:00Z")
    page = client.get("/data/", {"sort": "updated"}).content.decode()
    assert re.findall(r"<strong>(简陋数据集|完备数据集)</strong>", page) == [
        "简陋数据集",
        "完备数据集",
    ]


def test_overdue_dataset_fails_the_on_time_criterion(org):
    ds = make_dataset(org, name="late", frequency="daily")
    Dataset.objects.filter(pk=ds.pk).update(last_updated="2020-01-01T00:00:00Z")
    ds.refresh_from_db()
    on_time = {c.key: c.passed for c in selectors.quality(ds).criteria}["on_time"]
    assert on_time is False


def test_native_api_ranks_by_quality_on_request(client, org):
    make_dataset(org, name="bare", title="简陋数据集", description="", spatial="",
                 frequency="irregular")  # fmt: skip
    make_dataset(org, name="better", title="较好数据集", temporal_start="2024-01-01",
                 description="全市道路维修记录，来源于市政管理系统，按月汇总更新，含金额。")  # fmt: skip
    Dataset.objects.filter(name="bare").update(last_updated="2099-01-01T00:00:00Z")
    by_date = client.get("/api/v1/datasets").json()["items"]
    by_quality = client.get("/api/v1/datasets", {"sort": "quality"}).json()["items"]
    assert [d["name"] for d in by_date] == ["bare", "better"]
    assert [d["name"] for d in by_quality] == ["better", "bare"]
    assert by_quality[0]["quality"] > by_quality[1]["quality"] == 11
    assert client.get("/api/v1/datasets", {"sort": "x"}).status_code == 422
