"""The DCAT-AP 3.0 export (Turtle and JSON-LD) validated with pyshacl against the official shapes
vendored in data/dcat-ap-3.0/ (see SOURCE.md there): zero sh:Violation from the mandatory
(shapes.ttl) and range (range.ttl) shapes, on a realistic catalogue that also holds a 不予开放,
a draft and a withdrawn dataset which must not appear. Offline: nothing remote is fetched."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from pyshacl import validate
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from gongkai.accounts.permissions import SYSTEM
from gongkai.opendata import services
from gongkai.opendata.models import Dataset

from .conftest import CSV, make_dataset, upload

SHAPES_DIR = Path(__file__).parent / "data" / "dcat-ap-3.0"
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
SH = Namespace("http://www.w3.org/ns/shacl#")
EU = "http://publications.europa.eu/resource/authority/"
SECRET = "秘密"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    g = Graph()
    for name in ("shapes.ttl", "range.ttl"):
        g.parse(SHAPES_DIR / name, format="turtle")
    return g


@pytest.fixture
def catalogue(org: Any, other_org: Any) -> dict[str, Dataset]:
    roads = make_dataset(
        org, name="road-works", title="道路维修记录", tags=["道路", "市政"], domain="交通出行",
        frequency="daily", spatial="测试市西湖区", temporal_start=dt.date(2024, 1, 1),
        temporal_end=dt.date(2024, 12, 31), contact_name="数据科", contact_email="data@example.gov.cn",
        contact_phone="0571-12345678", license_id="cc-by-4.0",
    )  # fmt: skip
    upload(roads, CSV.encode())
    services.add_resource(
        roads, by=SYSTEM,
        data={"name": "接口说明", "kind": "link", "url": "https://example.gov.cn/api.html", "format": "HTML"},
    )  # fmt: skip
    parks = make_dataset(
        org, name="parks", title="公园名录", tags=["公园"], domain="城建住房", frequency="yearly",
        description='含"引号"与\n换行的描述\\反斜杠',
    )  # fmt: skip
    upload(parks, "名称,面积\n西湖公园,12\n".encode(), filename="parks.csv")
    schools = make_dataset(
        other_org, name="schools", title="学校名录", domain="教育文化", frequency="irregular",
        tags=[], spatial="", license_id="cc-zero",
    )  # fmt: skip
    upload(schools, '[{"名称": "第一中学", "学生数": 1200}]'.encode(), filename="schools.json")
    for i, freq in enumerate(("realtime", "weekly", "monthly", "quarterly")):
        make_dataset(other_org, name=f"stats-{i}", title=f"统计数据{i}", frequency=freq, domain="")
    credit = make_dataset(
        other_org, name="credit", title="企业信用", open_level="conditional", domain="信用服务"
    )
    upload(credit, CSV.encode())
    closed = make_dataset(
        other_org, state="draft", name="closed-set", title=f"不予开放{SECRET}", open_level="closed"
    )
    upload(closed, CSV.encode())
    make_dataset(org, state="draft", name="draft-set", title=f"草稿{SECRET}")
    withdrawn = make_dataset(org, name="withdrawn-set", title=f"撤回{SECRET}")
    services.withdraw_dataset(withdrawn, by=SYSTEM, reason="数据有误")
    return {"roads": roads, "credit": credit, "closed": closed}


def _violations(data: Graph, shapes: Graph) -> list[str]:
    _, report, _ = validate(
        data, shacl_graph=shapes, inference="none", abort_on_first=False, allow_warnings=True
    )
    out = []
    for result in report.subjects(SH.resultSeverity, SH.Violation):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        out.append(f"{focus} {path}: {message}")
    return sorted(out)


def _export(client: Client, path: str, fmt: str) -> tuple[str, Graph]:
    r = client.get(path)
    assert r.status_code == 200
    text = r.content.decode()
    g = Graph()
    g.parse(data=text, format=fmt, publicID="http://testserver/")
    return text, g


@pytest.mark.parametrize(
    ("path", "fmt"), [("/data/catalog.ttl", "turtle"), ("/data/catalog.jsonld", "json-ld")]
)
def test_export_conforms_to_dcat_ap_3(client, catalogue, shapes, path, fmt):
    text, g = _export(client, path, fmt)
    found = _violations(g, shapes)
    assert found == [], "\n".join(found)
    datasets = set(g.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == 8  # the eight public datasets, 有条件开放 included
    for secret in (SECRET, "closed-set", "draft-set", "withdrawn-set", str(catalogue["closed"].pk)):
        assert secret not in text
    catalog = next(g.subjects(RDF.type, DCAT.Catalog))
    assert set(g.objects(catalog, DCAT.dataset)) == datasets


def test_chinese_fields_are_mapped(client, catalogue):
    _, g = _export(client, "/data/catalog.ttl", "turtle")
    roads = URIRef("http://testserver/data/road-works/#dataset")
    publisher = g.value(roads, DCT.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in g  # 数据提供方, typed for the range shapes
    assert g.value(publisher, FOAF.name) == Literal("测试市发展和改革委员会", lang="zh")
    theme = g.value(roads, DCAT.theme)  # 数据领域
    assert (theme, RDF.type, SKOS.Concept) in g
    assert g.value(theme, SKOS.prefLabel) == Literal("交通出行", lang="zh")
    assert g.value(roads, DCT.accrualPeriodicity) == URIRef(EU + "frequency/DAILY")  # 更新频率
    assert g.value(roads, DCT.accessRights) == URIRef(EU + "access-right/PUBLIC")  # 开放属性
    credit = URIRef("http://testserver/data/credit/#dataset")
    assert g.value(credit, DCT.accessRights) == URIRef(EU + "access-right/RESTRICTED")
    frequencies = {str(o).rsplit("/", 1)[1] for o in g.objects(None, DCT.accrualPeriodicity)}
    assert frequencies == {"DAILY", "ANNUAL", "IRREG", "CONT", "WEEKLY", "MONTHLY", "QUARTERLY"}
    distributions = list(g.objects(roads, DCAT.distribution))
    assert len(distributions) == 2
    formats = {str(g.value(d, DCT["format"])).rsplit("/", 1)[-1] for d in distributions}
    assert formats == {"CSV", "HTML"}
    assert {str(g.value(d, DCAT.accessURL)) for d in distributions} >= {
        "https://example.gov.cn/api.html"
    }


def test_shapes_catch_a_broken_export(client, catalogue, shapes):
    """The validation can fail: an untyped publisher and a dataset without a title are caught."""
    _, g = _export(client, "/data/catalog.ttl", "turtle")
    roads = URIRef("http://testserver/data/road-works/#dataset")
    g.remove((g.value(roads, DCT.publisher), RDF.type, None))
    g.remove((roads, DCT["title"], None))
    found = "\n".join(_violations(g, shapes))
    assert str(DCT.publisher) in found and str(DCT["title"]) in found
