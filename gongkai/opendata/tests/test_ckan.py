"""CKAN Action API compatibility (envelope, names, errors) and the native API, with attempts
to leak drafts, withdrawn and 不予开放 datasets and to break out through SQL."""

import json
from typing import Any

import pytest
from django.test import Client

from gongkai.conftest import staff, token_client
from gongkai.opendata import datastore
from gongkai.opendata.models import Resource


def action(client: Client, name: str, post: bool = True, **params: Any) -> tuple[int, dict]:
    """As ckanapi calls it: POST with a JSON body (or GET with query parameters)."""
    url = f"/api/3/action/{name}"
    if post:
        r = client.post(url, data=json.dumps(params), content_type="application/json")
    else:
        r = client.get(url, params)
    body = r.json()
    assert body["help"].endswith(f"help_show?name={name}")
    assert body["success"] is (r.status_code == 200)
    return r.status_code, body


SECRETS = ("秘密", "draft-set", "closed-set", "withdrawn-set")


def test_catalogue_actions_show_only_public(client, catalogue):
    _, body = action(client, "package_list")
    assert sorted(body["result"]) == ["cond-set", "road-works"]
    _, body = action(
        client,
        "package_search",
        q="道路",
        rows=10,
        **{"facet.field": '["organization","tags","res_format"]'},
    )
    result = body["result"]
    assert result["count"] == 1 and result["results"][0]["name"] == "road-works"
    assert result["facets"]["res_format"] == {"CSV": 1}
    pkg = result["results"][0]
    for key in (
        "id",
        "name",
        "title",
        "notes",
        "organization",
        "resources",
        "tags",
        "license_id",
        "metadata_modified",
    ):
        assert key in pkg
    assert pkg["resources"][0]["datastore_active"] is True
    _, body = action(client, "package_search", fq="organization:jyj")
    assert [p["name"] for p in body["result"]["results"]] == ["cond-set"]
    _, body = action(client, "package_show", post=False, id="road-works")
    assert body["result"]["organization"]["name"] == "fgw"
    _, body = action(client, "organization_list", all_fields=True)
    counts = {o["name"]: o["package_count"] for o in body["result"]}
    assert counts == {"fgw": 1, "jyj": 1}
    _, body = action(client, "organization_show", id="fgw", include_datasets=True)
    assert [p["name"] for p in body["result"]["packages"]] == ["road-works"]
    _, body = action(client, "group_list")
    assert body["result"] == ["交通出行", "信用服务"] or sorted(body["result"]) == [
        "交通出行",
        "信用服务",
    ]
    _, body = action(client, "tag_list")
    assert "道路" in body["result"]
    _, body = action(client, "status_show")
    assert body["result"]["ckan_version"] == "2.12.0"


def test_nothing_non_public_leaks(client, catalogue):
    for name in (
        "draft-set",
        "closed-set",
        "withdrawn-set",
        str(catalogue["draft"].pk),
        str(catalogue["closed"].pk),
    ):
        status, body = action(client, "package_show", id=name)
        assert status == 404 and body["error"]["__type"] == "Not Found Error"
    for rid in (catalogue["closed_resource"], catalogue["withdrawn_resource"]):
        assert action(client, "resource_show", id=rid)[0] == 404
        assert action(client, "datastore_search", resource_id=rid)[0] == 404
        assert action(client, "datastore_search_sql", sql=f'SELECT * FROM "{rid}"')[0] == 404
        assert client.get(f"/data/download/{rid}/").status_code == 404
        assert client.get(f"/api/v1/data/{rid}").status_code == 404
    everything = "".join(
        [
            json.dumps(action(client, "package_search", rows=1000)[1], ensure_ascii=False),
            json.dumps(action(client, "package_search", q="数据集")[1], ensure_ascii=False),
            json.dumps(
                action(client, "organization_show", id="jyj", include_datasets=True)[1],
                ensure_ascii=False,
            ),
            client.get("/api/v1/datasets?page_size=100").content.decode(),
            client.get("/data/").content.decode(),
            client.get("/data/?q=数据集").content.decode(),
            client.get("/data/catalog.jsonld").content.decode(),
            client.get("/data/catalog.ttl").content.decode(),
        ]
    )
    for secret in SECRETS:
        assert secret not in everything
    assert client.get("/data/closed-set/").status_code == 404
    assert client.get("/data/draft-set/").status_code == 404
    assert client.get("/api/v1/datasets/closed-set").status_code == 404
    assert client.get("/data/?open_level=closed").status_code == 200
    assert "不予开放秘密" not in client.get("/data/?open_level=closed").content.decode()


def test_conditional_rows_need_a_grant(client, catalogue):
    rid = catalogue["cond_resource"]
    assert action(client, "resource_show", id=rid)[0] == 200  # its metadata is public
    status, body = action(client, "datastore_search", resource_id=rid)
    assert status == 403 and body["error"]["__type"] == "Authorization Error"
    assert action(client, "datastore_search_sql", sql=f'SELECT * FROM "{rid}"')[0] == 403
    assert client.get(f"/data/download/{rid}/").status_code == 403
    assert client.get(f"/api/v1/data/{rid}").status_code == 403
    page = client.get("/data/cond-set/").content.decode()
    assert "杭州市西湖区道路维修" not in page and "须经申请授权" in page


def test_datastore_search(client, catalogue):
    rid = catalogue["resource"]
    _, body = action(client, "datastore_search", resource_id=rid, limit=2)
    r = body["result"]
    assert r["total"] == 4 and len(r["records"]) == 2
    assert r["fields"][0] == {"id": "_id", "type": "int"}
    assert r["records"][0]["_id"] == 1 and r["records"][0]["日期"] == "2024-01-01"
    assert "next_page" not in r and "_links" not in r and r["include_next_page"] is False
    # CKAN 2.12: next_page is the keyset filter of the next page, and it is understood
    _, body = action(client, "datastore_search", resource_id=rid, limit=3, include_next_page=True)
    assert body["result"]["next_page"] == {"_id": {"gt": 3}}
    _, body = action(
        client, "datastore_search", resource_id=rid, limit=3, include_next_page=True,
        filters=body["result"]["next_page"], fields="_id,区县",
    )  # fmt: skip
    r = body["result"]
    assert r["records"] == [{"_id": 4, "区县": "西湖区"}] and r["total"] == 1
    assert r["next_page"] == {"_id": {"gt": 4}}
    _, body = action(
        client, "datastore_search", resource_id=rid, sort="_id desc", limit=2,
        include_next_page=True, fields="区县",
    )  # fmt: skip
    assert body["result"]["next_page"] == {"_id": {"lt": 3}}
    assert body["result"]["records"] == [{"区县": "西湖区"}, {"区县": "滨江区"}]
    _, body = action(
        client, "datastore_search", resource_id=rid, sort="_id desc", filters={"_id": {"lt": 3}}
    )
    assert [rec["_id"] for rec in body["result"]["records"]] == [2, 1]
    _, body = action(client, "datastore_search", resource_id=rid, limit=10**6)
    assert body["result"]["limit"] == datastore.ROWS_MAX  # lowered to the maximum, as CKAN does
    _, body = action(
        client,
        "datastore_search",
        resource_id=rid,
        filters={"区县": "西湖区", "类别": ["道路维修", "路灯维护"]},
        sort="金额 desc",
        fields="区县,金额",
    )
    assert body["result"]["records"] == [
        {"区县": "西湖区", "金额": 12.5},
        {"区县": "西湖区", "金额": 4.0},
    ]
    _, body = action(client, "datastore_search", post=False, resource_id=rid, q="州")
    assert [rec["_id"] for rec in body["result"]["records"]] == [1]
    _, body = action(client, "datastore_search", resource_id=rid, q="道路 西湖")
    assert body["result"]["total"] == 1
    _, body = action(
        client,
        "datastore_search",
        resource_id=rid,
        records_format="lists",
        offset=3,
        include_total=False,
    )
    assert body["result"]["records"] == [
        [4, "2024-01-04", "西湖区", "路灯维护", 4.0, "西湖区路灯更换"]
    ]
    assert "total" not in body["result"]
    _, body = action(
        client, "datastore_search", resource_id=rid, records_format="csv", limit=1, fields=["区县"]
    )
    assert body["result"]["records"] == "西湖区\n"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"filters": {"区县; DROP TABLE x": "a"}}, "filters"),
        ({"filters": {"日期": "not-a-date"}}, "filters"),
        ({"sort": "金额 desc; SELECT 1"}, "sort"),
        ({"sort": "(SELECT 1)"}, "sort"),
        ({"fields": "区县,\"x\" FROM read_csv('/etc/passwd') --"}, "fields"),
        ({"limit": -1}, "limit"),
        ({"limit": "abc"}, "limit"),
        ({"filters": {"_id": {"like": "1"}}}, "filters"),
        ({"filters": '{"区县": '}, "filters"),
    ],
)
def test_datastore_search_injection_refused(client, catalogue, params, field):
    status, body = action(client, "datastore_search", resource_id=catalogue["resource"], **params)
    assert status == 409
    assert body["error"]["__type"] == "Validation Error" and field in body["error"]


def test_datastore_search_sql(client, catalogue):
    rid = catalogue["resource"]
    _, body = action(
        client,
        "datastore_search_sql",
        sql=f'SELECT "区县", sum("金额") AS 合计 FROM "{rid}" GROUP BY 1 ORDER BY 2 DESC',
    )
    assert body["result"]["records"][0] == {"区县": "滨江区", "合计": 30.0}
    assert "records_truncated" not in body["result"]  # CKAN sends it only when rows were cut


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM '/etc/passwd'",
        'SELECT * FROM "{rid}"; DROP TABLE "{rid}"',
        "COPY (SELECT 1) TO '/tmp/x.csv'",
        "ATTACH '/tmp/x.db' AS x",
        "INSTALL httpfs",
        "SET enable_external_access = true",
        "SELECT current_setting('allowed_paths')",
        "SELECT * FROM duckdb_settings()",
        "SELECT * FROM \"{rid}\" WHERE 1 = (SELECT count(*) FROM glob('/*'))",
        'SELECT * FROM "{other}"',
        'SELECT * FROM main."{rid}"',
        "PRAGMA version",
    ],
)
def test_hostile_sql_refused(client, catalogue, sql):
    rid = catalogue["resource"]
    status, body = action(
        client, "datastore_search_sql", sql=sql.format(rid=rid, other=catalogue["closed_resource"])
    )
    assert status in (403, 404, 409)
    assert not body["success"] and (body["error"].get("message") or body["error"]["sql"])


def test_sql_time_and_row_limits(catalogue):
    res = Resource.objects.select_related("current", "dataset").get(pk=catalogue["resource"])
    from gongkai.opendata import selectors

    table = selectors.table_for(res)
    assert table is not None
    rid = catalogue["resource"]
    big = " CROSS JOIN ".join(f'"{rid}" t{i}' for i in range(16))
    total = " + ".join(f"t{i}._id" for i in range(16))
    with pytest.raises(datastore.QueryError) as exc:
        datastore.run_sql(f"SELECT sum(hash({total})) FROM {big}", [table], timeout=0.5)
    assert "中止" in str(exc.value)
    result, truncated = datastore.run_sql(
        f'SELECT * FROM "{rid}" a, "{rid}" b', [table], max_rows=5
    )
    assert truncated and len(result.rows) == 5


def test_native_api(client, catalogue):
    r = client.get("/api/v1/datasets", {"q": "道路"})
    assert r.status_code == 200 and r.json()["count"] == 1
    r = client.get("/api/v1/datasets/road-works")
    assert r.json()["resources"][0]["row_count"] == 4
    r = client.get(
        f"/api/v1/data/{catalogue['resource']}",
        {"filters": json.dumps({"区县": "西湖区"}), "sort": "金额", "fields": "_id,金额"},
    )
    data = r.json()
    assert data["total"] == 2 and data["records"] == [
        {"_id": 4, "金额": 4.0},
        {"_id": 1, "金额": 12.5},
    ]
    r = client.get(f"/api/v1/data/{catalogue['resource']}", {"sort": "nope"})
    assert r.status_code == 422 and "nope" in r.json()["error"]["message"]


def test_staff_upload_via_api_and_progress(
    org, other_org, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    editor = staff(org, "editor")
    client, auth = token_client(editor)
    r = client.post(
        "/api/v1/staff/datasets",
        data=json.dumps(
            {"org": "fgw", "name": "parks", "title": "公园名录", "frequency": "yearly"}
        ),
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 201, r.content
    r = client.post(
        "/api/v1/staff/datasets/parks/resources",
        data=json.dumps({"name": "公园"}),
        content_type="application/json",
        **auth,
    )
    rid = r.json()["id"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    f = SimpleUploadedFile("公园.csv", "名称,面积\n西湖公园,12\n".encode("gbk"))
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/api/v1/staff/resources/{rid}/upload", {"file": f}, **auth)
    assert r.status_code == 202, r.content
    r = client.get(f"/api/v1/staff/versions/{r.json()['id']}", **auth)
    body = r.json()
    assert body["status"] == "ready" and body["progress"] == 100 and body["row_count"] == 1
    assert (
        body["encoding"] == "gb18030"
        and body["columns"][1]["id"] == "名称"
        and body["columns"][1]["type"] == "text"
    )
    outsider_client, outsider_auth = token_client(staff(other_org, "admin"))
    assert (
        outsider_client.get(f"/api/v1/staff/versions/{body['id']}", **outsider_auth).status_code
        == 404
    )
    # not published yet: the public sees nothing
    assert Client().get("/api/v1/datasets/parks").status_code == 404


def test_bad_requests_answer_like_ckan(client, catalogue):
    """CKAN answers a body that is not a JSON object with a bare JSON string and 400, worded as
    its _finish_bad_request; an unknown action and a write get the envelope (404, 403)."""
    url = "/api/3/action/package_list"
    r = client.get("/api/3/action/no_such_action")
    assert r.status_code == 404 and r.json()["success"] is False
    assert r.json()["error"]["__type"] == "Not Found Error"
    assert r.json()["error"]["message"].startswith("Not found: Action name not known")
    assert r.json()["help"].endswith("?name=no_such_action")
    r = client.post("/api/3/action/package_create", data={}, content_type="application/json")
    assert r.status_code == 403 and r.json()["error"]["__type"] == "Authorization Error"
    assert r.json()["error"]["message"].startswith("Access denied: ")
    r = client.post(url, data="{bad", content_type="application/json")
    assert r.status_code == 400 and r.json().startswith("Bad request - JSON Error")
    r = client.post(url, data="[1]", content_type="application/json")
    assert r.status_code == 400 and r.json().startswith("Bad request - JSON Error")
    r = client.put(url, data="{}", content_type="application/json")
    assert r.status_code == 400 and r.json().startswith("Bad request - JSON Error")
    # a repeated query key is a list; a form body works as well as JSON
    r = client.get(
        "/api/3/action/package_search", {"facet.field": ["organization", "tags"], "rows": 0}
    )
    assert set(r.json()["result"]["facets"]) == {"organization", "tags"}
    r = client.post("/api/3/action/package_show", {"id": "road-works"})
    assert r.status_code == 200 and r.json()["result"]["name"] == "road-works"
    status, body = action(client, "package_search", sort="nope asc")
    assert status == 400 and body["error"]["__type"] == "Search Query Error"
    status, body = action(client, "package_search", fq="nosuch:1")
    assert status == 409 and body["error"]["__type"] == "Search Error"
    status, body = action(client, "package_show")
    assert status == 409 and body["error"] == {
        "__type": "Validation Error",
        "id": ["Missing value"],
    }
    status, body = action(client, "package_show", id="nope")
    assert status == 404 and body["error"]["message"].startswith("Not found: ")


@pytest.mark.security
@pytest.mark.parametrize(
    ("name", "params"),
    [("package_show", {"id": "a\x00"}), ("organization_show", {"id": "a\x00"}),
     ("package_autocomplete", {"q": "a\x00"}), ("package_search", {"fq": "name:a\x00"})],
)  # fmt: skip
def test_a_nul_character_is_a_validation_error(client, catalogue, name, params):
    """PostgreSQL text cannot hold NUL: package_show id=a%00 was a 500 there."""
    r = client.get(f"/api/3/action/{name}", params)
    assert r.status_code == 409 and r.json()["error"]["__type"] == "Validation Error"
    key = next(iter(params))
    assert r.json()["error"][key] == ["不能包含 NUL 字符"]
    r = client.post(f"/api/3/action/{name}", {key: "a\x00"}, content_type="application/json")
    assert r.status_code == 409
