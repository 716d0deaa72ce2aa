"""Public pages and the DCAT export."""

import json

from .conftest import CSV, make_dataset, upload


def test_catalogue_page_filters(client, org, other_org):
    make_dataset(org, name="road", title="道路维修记录")
    make_dataset(other_org, name="school", title="学校名录", domain="教育文化", frequency="yearly")
    page = client.get("/data/").content.decode()
    assert "道路维修记录" in page and "学校名录" in page
    page = client.get("/data/", {"domain": "教育文化"}).content.decode()
    assert "学校名录" in page and "道路维修记录" not in page
    page = client.get("/data/", {"org": "fgw", "frequency": "monthly"}).content.decode()
    assert "道路维修记录" in page and "学校名录" not in page
    r = client.get("/data/", {"frequency": "hourly"})
    assert r.status_code == 200 and "更新频率应为" in r.content.decode()


def test_dataset_page_preview_columns_and_api(client, org):
    ds = make_dataset(org)
    v = upload(ds, CSV.encode())
    from gongkai.accounts.permissions import SYSTEM
    from gongkai.opendata import services
    from gongkai.opendata.models import Resource

    services.set_column_descriptions(
        Resource.objects.get(pk=v.resource_id), by=SYSTEM, descriptions={"金额": "维修金额（万元）"}
    )
    page = client.get(f"/data/{ds.name}/").content.decode()
    assert "杭州市西湖区道路维修" in page  # preview
    assert "维修金额（万元）" in page  # column description
    assert f"/api/3/action/datastore_search?resource_id={v.resource_id}" in page
    assert "<script" not in page
    r = client.get(f"/data/download/{v.resource_id}/")
    assert r.status_code == 200 and b"".join(r.streaming_content).decode() == CSV
    assert Resource.objects.get(pk=v.resource_id).download_count == 1


def test_hostile_html_in_metadata_is_escaped(client, org):
    make_dataset(org, name="xss", title="<script>alert(1)</script>数据")
    page = client.get("/data/xss/").content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_dcat_exports(client, org):
    ds = make_dataset(org, temporal_start="2024-01-01", contact_email="data@example.gov.cn")
    upload(ds, CSV.encode())
    doc = json.loads(client.get("/data/catalog.jsonld").content)
    nodes = {n["@id"]: n for n in doc["@graph"]}
    dataset = next(
        n for n in nodes.values() if "http://www.w3.org/ns/dcat#Dataset" in n.get("@type", [])
    )
    assert dataset["http://purl.org/dc/terms/title"][0]["@value"] == "公交线路"
    publisher = nodes[dataset["http://purl.org/dc/terms/publisher"][0]["@id"]]
    assert "http://xmlns.com/foaf/0.1/Agent" in publisher["@type"]
    freq = dataset["http://purl.org/dc/terms/accrualPeriodicity"][0]["@id"]
    assert freq.endswith("frequency/MONTHLY")
    assert dataset["http://purl.org/dc/terms/accessRights"][0]["@id"].endswith(
        "access-right/PUBLIC"
    )
    dist = nodes[dataset["http://www.w3.org/ns/dcat#distribution"][0]["@id"]]
    assert "http://www.w3.org/ns/dcat#accessURL" in dist
    # every object node is typed (the range shapes need it without background ontologies)
    for node in nodes.values():
        for key, values in node.items():
            for value in values if isinstance(values, list) and key != "@type" else []:
                if (
                    isinstance(value, dict)
                    and "@id" in value
                    and key != "http://www.w3.org/ns/dcat#accessURL"
                    and key != "http://xmlns.com/foaf/0.1/homepage"
                    and key != "http://www.w3.org/ns/dcat#landingPage"
                    and not key.startswith("http://www.w3.org/2006/vcard")
                ):
                    assert nodes.get(value["@id"], {}).get("@type"), (key, value)
    ttl = client.get("/data/catalog.ttl").content.decode()
    assert "dcat:Dataset" in ttl and '"公交线路"@zh' in ttl
