"""The CKAN Action API through the real `ckanapi` client (RemoteCKAN) against a live server:
every action the issue lists, each DataStore parameter, GET (get_only) and POST alike, the
error → exception mapping ckanapi applies, the paging a CKAN harvester does, and attempts to
reach a 不予开放, draft or withdrawn dataset through every action."""

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import ckanapi
import pytest
from django.utils import timezone

from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import staff
from gongkai.opendata import services
from gongkai.opendata.models import Dataset

from .conftest import CSV, make_dataset, upload

SECRET = "秘密"
# the keys a real CKAN 2.12.0 answers with (package_show, resource_show, organization_show and
# datastore_search of the reference server in ../shared/peers/ckan, recorded 2026-11-24)
CKAN_PACKAGE = {
    "author", "author_email", "creator_user_id", "id", "isopen", "license_id", "license_title",
    "maintainer", "maintainer_email", "metadata_created", "metadata_modified", "name", "notes",
    "num_resources", "num_tags", "organization", "owner_org", "private", "state", "title", "type",
    "url", "version", "resources", "extras", "tags", "groups", "relationships_as_subject",
    "relationships_as_object",
}  # fmt: skip
CKAN_RESOURCE = {
    "cache_last_updated", "cache_url", "created", "datastore_active", "description", "format",
    "hash", "id", "last_modified", "metadata_modified", "mimetype", "mimetype_inner", "name",
    "package_id", "position", "resource_type", "size", "state", "url", "url_type",
}  # fmt: skip
CKAN_PACKAGE_ORG = {
    "id", "name", "title", "type", "description", "image_url", "created", "is_organization",
    "approval_status", "state",
}  # fmt: skip
CKAN_ORG = CKAN_PACKAGE_ORG | {
    "display_name", "image_display_url", "num_followers", "package_count", "users", "extras",
    "groups",
}  # fmt: skip
CKAN_DATASTORE = {
    "include_next_page", "include_total", "limit", "records_format", "resource_id", "records",
    "fields", "total", "total_was_estimated",
}  # fmt: skip
HIDDEN_NAMES = ("closed-set", "draft-set", "withdrawn-set")


@pytest.fixture
def site(live_server: Any, org: Any, other_org: Any) -> dict[str, Any]:
    road = make_dataset(
        org, name="road-works", title="道路维修记录", tags=["道路", "市政"], domain="交通出行"
    )
    road_v = upload(road, CSV.encode())
    parks = make_dataset(
        org, name="parks", title="公园名录", tags=["公园"], domain="城建住房", frequency="yearly"
    )
    upload(parks, "名称,面积\n西湖公园,12\n".encode(), filename="parks.csv")
    cond = make_dataset(
        other_org, name="cond-set", title="企业信用", open_level="conditional", domain="信用服务",
        tags=["信用"],
    )  # fmt: skip
    cond_v = upload(cond, CSV.encode())
    closed = make_dataset(
        other_org, state="draft", name="closed-set", title=f"不予开放{SECRET}",
        open_level="closed", tags=["不予开放标签"],
    )  # fmt: skip
    closed_v = upload(closed, CSV.encode())
    draft = make_dataset(
        org, state="draft", name="draft-set", title=f"草稿{SECRET}", tags=["草稿标签"]
    )
    draft_v = upload(draft, CSV.encode())
    withdrawn = make_dataset(org, name="withdrawn-set", title=f"撤回{SECRET}", tags=["撤回标签"])
    withdrawn_v = upload(withdrawn, CSV.encode())
    services.withdraw_dataset(withdrawn, by=SYSTEM, reason="数据有误")
    return {
        "url": live_server.url,
        "road": road, "rid": str(road_v.resource_id),
        "cond": cond, "cond_rid": str(cond_v.resource_id),
        "hidden_ids": [str(closed.pk), str(draft.pk), str(withdrawn.pk)],
        "hidden_rids": [str(v.resource_id) for v in (closed_v, draft_v, withdrawn_v)],
    }  # fmt: skip


@pytest.fixture(params=["post", "get"])
def ck(request: Any, site: dict[str, Any]) -> Iterator[ckanapi.RemoteCKAN]:
    """ckanapi as harvesters use it: POST with a JSON body, or GET only (get_only=True)."""
    with ckanapi.RemoteCKAN(site["url"], get_only=request.param == "get") as remote:
        yield remote


def test_catalogue_actions(ck: ckanapi.RemoteCKAN, site: dict[str, Any]) -> None:
    assert ck.action.status_show()["ckan_version"].startswith("2.")
    assert "include_next_page" in ck.action.help_show(name="datastore_search")
    assert ck.action.package_list() == ["cond-set", "parks", "road-works"]
    assert ck.action.package_list(limit=1, offset=1) == ["parks"]

    pkg = ck.action.package_show(id="road-works")
    assert pkg["id"] == str(site["road"].pk) and pkg["title"] == "道路维修记录"
    assert pkg["organization"]["name"] == "fgw" and pkg["owner_org"] == pkg["organization"]["id"]
    assert sorted(t["name"] for t in pkg["tags"]) == ["市政", "道路"] and pkg["num_tags"] == 2
    assert pkg["groups"][0]["name"] == "交通出行"
    assert all(set(e) == {"key", "value"} for e in pkg["extras"])
    res = pkg["resources"][0]
    assert res["id"] == site["rid"] and res["package_id"] == pkg["id"]
    assert res["datastore_active"] is True and res["format"] == "CSV"
    assert ck.action.package_show(id=pkg["id"])["name"] == "road-works"  # by id as well
    assert ck.action.resource_show(id=site["rid"]) == res
    assert set(pkg) >= CKAN_PACKAGE and set(res) >= CKAN_RESOURCE
    assert set(pkg["organization"]) >= CKAN_PACKAGE_ORG
    assert set(ck.action.organization_show(id="fgw")) >= CKAN_ORG
    assert set(ck.action.datastore_search(resource_id=site["rid"], limit=1)) >= CKAN_DATASTORE

    result = ck.action.package_search(
        q="道路", rows=5, start=0, sort="name asc",
        **{"facet.field": ["organization", "tags", "res_format", "groups"]},
    )  # fmt: skip
    assert result["count"] == 1 and [p["name"] for p in result["results"]] == ["road-works"]
    assert result["facets"]["res_format"] == {"CSV": 1}
    items = result["search_facets"]["tags"]["items"]
    assert {i["name"] for i in items} == {"道路", "市政"} and all(i["count"] == 1 for i in items)

    everything = ck.action.package_search(rows=1000)
    assert everything["count"] == 3 and everything["sort"] == "score desc, metadata_modified desc"
    names = [p["name"] for p in ck.action.package_search(sort="name desc")["results"]]
    assert names == ["road-works", "parks", "cond-set"]
    page = ck.action.package_search(sort="name asc", rows=1, start=1)
    assert page["count"] == 3 and [p["name"] for p in page["results"]] == ["parks"]
    assert ck.action.package_search(rows=0)["results"] == []

    by_fq = ck.action.package_search(fq="organization:jyj")
    assert [p["name"] for p in by_fq["results"]] == ["cond-set"]
    by_fq = ck.action.package_search(fq='tags:"公园" OR groups:交通出行', sort="name asc")
    assert [p["name"] for p in by_fq["results"]] == ["parks", "road-works"]
    by_fq = ck.action.package_search(fq="-organization:jyj +res_format:CSV", sort="name asc")
    assert [p["name"] for p in by_fq["results"]] == ["parks", "road-works"]

    assert ck.action.organization_list() == ["fgw", "jyj"]
    orgs = ck.action.organization_list(all_fields=True)
    assert {o["name"]: o["package_count"] for o in orgs} == {"fgw": 2, "jyj": 1}
    org = ck.action.organization_show(id="fgw", include_datasets=True)
    assert org["is_organization"] is True and org["package_count"] == 2
    assert sorted(p["name"] for p in org["packages"]) == ["parks", "road-works"]
    assert ck.action.group_list() == ["交通出行", "信用服务", "城建住房"]
    groups = ck.action.group_list(all_fields=True)
    assert {g["name"]: g["package_count"] for g in groups} == {
        "交通出行": 1, "信用服务": 1, "城建住房": 1,
    }  # fmt: skip
    assert ck.action.tag_list() == sorted(["道路", "市政", "公园", "信用"])
    assert ck.action.tag_list(query="道") == ["道路"]


def test_harvester_paging(ck: ckanapi.RemoteCKAN) -> None:
    """What ckanext-harvest's CKANHarvester sends: sort=id asc, rows/start paging, and an fq of
    organisations and of datasets modified since the last run."""
    since = (timezone.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S")
    seen: list[str] = []
    params: dict[str, Any] = {"rows": 2, "start": 0, "sort": "id asc"}
    params["fq"] = f"organization:fgw OR organization:jyj metadata_modified:[{since}Z TO *]"
    while True:
        page = ck.action.package_search(**params)["results"]
        if not page:
            break
        seen.extend(p["id"] for p in page)
        params["start"] += params["rows"]
    assert len(seen) == 3 and seen == sorted(seen)
    future = (timezone.now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ck.action.package_search(fq=f"metadata_modified:[{future} TO *]")["count"] == 0


def test_datastore_search_parameters(ck: ckanapi.RemoteCKAN, site: dict[str, Any]) -> None:
    rid = site["rid"]
    r = ck.action.datastore_search(resource_id=rid)
    assert r["total"] == 4 and r["total_was_estimated"] is False and len(r["records"]) == 4
    assert r["records_format"] == "objects" and r["limit"] == 100
    assert "_links" not in r and "next_page" not in r  # CKAN 2.12 dropped _links
    assert [f["id"] for f in r["fields"]] == ["_id", "日期", "区县", "类别", "金额", "说明"]
    assert {f["id"]: f["type"] for f in r["fields"]}["金额"] == "numeric"

    def search(**params: Any) -> dict[str, Any]:
        # get_only sends a query string: structured values travel as JSON text, as in CKAN
        if ck.get_only:
            params = {k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v
                      for k, v in params.items()}  # fmt: skip
        return ck.action.datastore_search(resource_id=rid, **params)

    assert [x["_id"] for x in search(filters={"区县": "西湖区"})["records"]] == [1, 4]
    assert search(filters={"类别": ["道路维修", "路灯维护"]})["total"] == 3
    assert [x["_id"] for x in search(q="州")["records"]] == [1]  # Chinese q, single character
    assert search(q="上城区 绿化")["total"] == 1
    assert search(fields="区县,金额", limit=1)["records"] == [{"区县": "西湖区", "金额": 12.5}]
    assert [x["金额"] for x in search(sort="金额 desc", limit=2)["records"]] == [30.0, 12.5]
    assert [x["_id"] for x in search(limit=2, offset=2)["records"]] == [3, 4]
    r = search(include_total=False, limit=1)
    assert "total" not in r and r["include_total"] is False
    r = search(records_format="lists", fields="_id,区县", limit=2)
    assert r["records"] == [[1, "西湖区"], [2, "上城区"]]
    assert search(records_format="csv", fields="区县", limit=2)["records"] == "西湖区\n上城区\n"
    assert search(records_format="tsv", fields="_id,区县", limit=1)["records"] == "1\t西湖区\n"

    # include_next_page: follow next_page (a filter) to the end, like CKAN 2.12 clients
    got: list[int] = []
    r = search(limit=3, include_next_page=True)
    while r["records"]:
        got.extend(x["_id"] for x in r["records"])
        r = search(limit=3, include_next_page=True, filters=r["next_page"])
    assert got == [1, 2, 3, 4]


def test_datastore_search_sql(ck: ckanapi.RemoteCKAN, site: dict[str, Any]) -> None:
    rid = site["rid"]
    r = ck.action.datastore_search_sql(
        sql=f'SELECT "区县", count(*) AS n FROM "{rid}" GROUP BY 1 ORDER BY 2 DESC, 1'
    )
    assert r["records"][0] == {"区县": "西湖区", "n": 2} and [f["id"] for f in r["fields"]] == [
        "区县",
        "n",
    ]
    for sql in (f'DELETE FROM "{rid}"', f'SELECT * FROM "{rid}"; DROP TABLE "{rid}"',
                "SELECT * FROM read_csv('/etc/passwd')"):  # fmt: skip
        with pytest.raises(ckanapi.ValidationError):
            ck.action.datastore_search_sql(sql=sql)


def test_errors_map_to_ckanapi_exceptions(ck: ckanapi.RemoteCKAN, site: dict[str, Any]) -> None:
    with pytest.raises(ckanapi.NotFound):
        ck.action.package_show(id="no-such-dataset")
    with pytest.raises(ckanapi.NotFound):
        ck.action.resource_show(id="00000000-0000-0000-0000-000000000000")
    with pytest.raises(ckanapi.NotFound):
        ck.action.organization_show(id="no-such-org")
    with pytest.raises(ckanapi.NotFound):
        ck.action.datastore_search(resource_id="no-such-resource")
    with pytest.raises(ckanapi.ValidationError) as exc:
        ck.action.package_show()
    assert exc.value.error_dict["id"] == ["Missing value"]
    with pytest.raises(ckanapi.ValidationError):
        ck.action.datastore_search()
    with pytest.raises(ckanapi.ValidationError) as exc:
        ck.action.package_search(rows="abc")
    assert "rows" in exc.value.error_dict
    with pytest.raises(ckanapi.ValidationError) as exc:
        ck.action.datastore_search(resource_id=site["rid"], sort="nope desc")
    assert "sort" in exc.value.error_dict
    with pytest.raises(ckanapi.ValidationError):
        ck.action.datastore_search(resource_id=site["rid"], records_format="xml")
    with pytest.raises(ckanapi.SearchQueryError):
        ck.action.package_search(sort="no_such_field asc")
    with pytest.raises(ckanapi.SearchError):
        ck.action.package_search(fq="nosuchfield:1")
    with pytest.raises(ckanapi.NotFound) as unknown:  # the envelope, not a bare string
        ck.call_action("no_such_action")
    assert "Action name not known" in str(unknown.value)
    for write in ("package_create", "resource_update", "datastore_upsert", "package_delete"):
        with pytest.raises(ckanapi.NotAuthorized):  # read-only, as CKAN refuses an anonymous write
            ck.call_action(write, {"name": "x", "resource_id": site["rid"]})
    with pytest.raises(ckanapi.ValidationError) as exc:
        ck.action.package_autocomplete()
    assert exc.value.error_dict["q"] == ["Missing value"]
    with pytest.raises(ckanapi.NotFound):
        ck.action.datastore_info(resource_id="no-such-resource")


def test_read_actions_clients_call(ck: ckanapi.RemoteCKAN, site: dict[str, Any]) -> None:
    """datastore_info, current_package_list_with_resources and package_autocomplete in the
    shapes of CKAN 2.12 (ckanext/datastore datastore_info docs, logic/action/get.py)."""
    info = ck.action.datastore_info(resource_id=site["rid"])
    assert set(info["meta"]) >= {"id", "count", "table_type", "size", "idx_size", "aliases"}
    assert info["meta"]["id"] == site["rid"] and info["meta"]["count"] == 4
    assert info["meta"]["table_type"] == "BASE TABLE" and info["meta"]["size"] > 0
    # CKAN leaves its internal _id out of the data dictionary
    assert [f["id"] for f in info["fields"]] == ["日期", "区县", "类别", "金额", "说明"]
    amount = next(f for f in info["fields"] if f["id"] == "金额")
    assert amount["type"] == "numeric"
    assert set(amount["schema"]) == {
        "native_type",
        "notnull",
        "index_name",
        "is_index",
        "uniquekey",
    }
    assert ck.action.datastore_info(id=site["rid"])["meta"]["count"] == 4  # the older parameter
    bare = ck.action.datastore_info(
        resource_id=site["rid"], include_meta=False, include_fields_schema=False
    )
    assert bare["meta"] == {} and all("schema" not in f for f in bare["fields"])
    # the columns are metadata: shown for 有条件开放 too (its rows still need a key)
    assert ck.action.datastore_info(resource_id=site["cond_rid"])["meta"]["count"] == 4

    recent = ck.action.current_package_list_with_resources()
    assert {p["name"] for p in recent} == {"cond-set", "parks", "road-works"}
    modified = [p["metadata_modified"] for p in recent]
    assert modified == sorted(modified, reverse=True)  # newest first
    assert all(p["resources"] and set(p) >= CKAN_PACKAGE for p in recent)
    assert [p["name"] for p in ck.action.current_package_list_with_resources(limit=1)] == [
        recent[0]["name"]
    ]
    page = ck.action.current_package_list_with_resources(limit=1, offset=2)
    assert [p["name"] for p in page] == [recent[2]["name"]]
    assert ck.action.current_package_list_with_resources(offset=10**30) == []
    by_page = ck.action.current_package_list_with_resources(limit=1, page=2)  # CKAN's old paging
    assert [p["name"] for p in by_page] == [recent[1]["name"]]

    assert ck.action.package_autocomplete(q="road") == [
        {"name": "road-works", "title": "道路维修记录", "match_field": "name",
         "match_displayed": "road-works"}
    ]  # fmt: skip
    assert ck.action.package_autocomplete(q="公园") == [
        {"name": "parks", "title": "公园名录", "match_field": "title",
         "match_displayed": "公园名录 (parks)"}
    ]  # fmt: skip
    assert len(ck.action.package_autocomplete(q="r", limit=1)) == 1
    assert len(ck.action.package_autocomplete(q="-", limit=500)) <= 10  # CKAN's default is the cap
    assert ck.action.package_autocomplete(q="") == []


def test_new_read_actions_hide_what_is_not_public(
    ck: ckanapi.RemoteCKAN, site: dict[str, Any]
) -> None:
    """A 不予开放, draft or withdrawn dataset is not there for any of the three new actions."""
    for rid in site["hidden_rids"]:
        with pytest.raises(ckanapi.NotFound):
            ck.action.datastore_info(resource_id=rid)
        with pytest.raises(ckanapi.NotFound):
            ck.action.datastore_info(id=rid)
    recent = ck.action.current_package_list_with_resources(limit=1000)
    dumped = json.dumps(recent, ensure_ascii=False)
    assert SECRET not in dumped and not any(n in dumped for n in HIDDEN_NAMES)
    assert not set(site["hidden_rids"]) & {r["id"] for p in recent for r in p["resources"]}
    for q in ("set", "closed", "draft", "withdrawn", SECRET, "不予开放", "草稿", "撤回"):
        found = ck.action.package_autocomplete(q=q)
        assert not {p["name"] for p in found} & set(HIDDEN_NAMES), q
        assert SECRET not in json.dumps(found, ensure_ascii=False)
    assert [p["name"] for p in ck.action.package_autocomplete(q="set")] == ["cond-set"]


def test_conditional_rows_need_a_key(site: dict[str, Any], org: Any, other_org: Any) -> None:
    rid, url = site["cond_rid"], site["url"]
    anonymous = ckanapi.RemoteCKAN(url)
    assert anonymous.action.resource_show(id=rid)["id"] == rid  # its metadata is public
    with pytest.raises(ckanapi.NotAuthorized):
        anonymous.action.datastore_search(resource_id=rid)
    with pytest.raises(ckanapi.NotAuthorized):
        anonymous.action.datastore_search_sql(sql=f'SELECT * FROM "{rid}"')
    with pytest.raises(ckanapi.NotAuthorized):
        ckanapi.RemoteCKAN(url, apikey="gk_bogus_key").action.datastore_search(resource_id=rid)
    req, code = services.apply_for_access(
        site["cond"], data={"applicant_name": "张三", "applicant_org": "某大学",
                            "phone": "13800000000", "purpose": "城市信用研究", "days": 30},
    )  # fmt: skip
    services.approve_access(req, by=staff(other_org, "reviewer"))
    _, key = services.collect_key(req.tracking_no, code)
    keyed = ckanapi.RemoteCKAN(url, apikey=key)
    assert keyed.action.datastore_search(resource_id=rid, limit=1)["total"] == 4
    sql = keyed.action.datastore_search_sql(sql=f'SELECT count(*) AS n FROM "{rid}"')
    assert sql["records"] == [{"n": 4}]
    other = make_dataset(org, name="cond-2", title="另一有条件开放", open_level="conditional")
    other_rid = str(upload(other, CSV.encode()).resource_id)
    with pytest.raises(ckanapi.NotAuthorized):  # the key opens its own dataset only
        keyed.action.datastore_search(resource_id=other_rid)


def test_nothing_hidden_leaks(ck: ckanapi.RemoteCKAN, site: dict[str, Any]) -> None:
    for key in (*HIDDEN_NAMES, *site["hidden_ids"]):
        with pytest.raises(ckanapi.NotFound):
            ck.action.package_show(id=key)
    for rid in site["hidden_rids"]:
        with pytest.raises(ckanapi.NotFound):
            ck.action.resource_show(id=rid)
        with pytest.raises(ckanapi.NotFound):
            ck.action.datastore_search(resource_id=rid)
        with pytest.raises(ckanapi.NotFound):
            ck.action.datastore_search_sql(sql=f'SELECT * FROM "{rid}"')
    listed = ck.action.package_list()
    assert not set(HIDDEN_NAMES) & set(listed)
    for fq in ("", "organization:jyj", "open_level:closed", "tags:不予开放标签", "name:closed-set"):
        found = ck.action.package_search(q="", fq=fq, rows=1000, **{"facet.field": '["tags"]'})
        assert not {p["name"] for p in found["results"]} & set(HIDDEN_NAMES)
        assert not {"不予开放标签", "草稿标签", "撤回标签"} & set(found["facets"].get("tags", {}))
    assert ck.action.package_search(q=SECRET)["count"] == 0
    tags = ck.action.tag_list(all_fields=True)
    assert not {"不予开放标签", "草稿标签", "撤回标签"} & {t["name"] for t in tags}
    assert ck.action.organization_show(id="jyj")["package_count"] == 1  # cond-set only
    shown = ck.action.organization_show(id="jyj", include_datasets=True)
    dumped = json.dumps([shown, ck.action.organization_list(all_fields=True)], ensure_ascii=False)
    assert SECRET not in dumped and not any(n in dumped for n in HIDDEN_NAMES)
    assert Dataset.objects.filter(name__in=HIDDEN_NAMES).count() == 3  # they do exist
