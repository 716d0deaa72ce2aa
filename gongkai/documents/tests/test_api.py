"""The API: public reads, token-authenticated writes, one error shape, and nothing non-public leaks."""

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import make_document, staff, token_client
from gongkai.documents import services
from gongkai.documents.models import Document

pytestmark = pytest.mark.django_db
SECRET = "内部秘密内容"


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and body["error"]["status"] == status
    assert isinstance(body["error"]["code"], str) and body["error"]["message"]
    return body["error"]


@pytest.fixture
def every_kind(org: Any) -> dict[str, Document]:
    """One document in every lifecycle state and every 公开属性, each carrying SECRET where it must not show."""
    docs: dict[str, Document] = {}
    for state in ("draft", "pending", "published", "withdrawn"):
        for attr in ("active", "on_request", "redacted", "withheld"):
            extra: dict[str, Any] = {}
            if attr != "active":
                extra["disclosure_reason"] = "理由"
            if attr == "redacted":
                extra["public_body_html"] = "<p>删减后的公开版本</p>"
            public = state == "published" and attr in ("active", "redacted")
            doc = make_document(
                org, state=state, disclosure_attribute=attr, **extra,
                title=f"公开-{attr}" if public else f"{state}-{attr}-{SECRET}",
                # the full text of a 删减后公开 item is secret too: only its public version may show
                body_html="<p>公开正文</p>" if (public and attr == "active") else f"<p>{SECRET}</p>",
            )  # fmt: skip
            docs[f"{state}-{attr}"] = doc
    # an attachment that must stay private: on a draft, and a non-public one on a published item
    draft = docs["draft-active"]
    services.add_attachment(
        draft, by=SYSTEM, upload=SimpleUploadedFile("内部.pdf", b"%PDF-1.4 " + SECRET.encode())
    )
    return docs


def test_only_published_proactive_information_leaves_any_public_path(
    every_kind: dict[str, Document],
) -> None:
    client = Client()
    public = {every_kind["published-active"].pk, every_kind["published-redacted"].pk}
    listed = client.get("/api/v1/documents?page_size=100").json()
    assert {d["id"] for d in listed["items"]} == public and listed["count"] == 2
    pages = [json.dumps(listed, ensure_ascii=False), client.get("/").content.decode()]
    for key, doc in every_kind.items():
        api = client.get(f"/api/v1/documents/{doc.pk}")
        page = client.get(f"/documents/{doc.pk}/")
        if doc.pk in public:
            assert api.status_code == 200 and page.status_code == 200, key
        else:
            _error(api, 404)
            assert page.status_code == 404, key
        pages += [api.content.decode(), page.content.decode()]
    for att in every_kind["draft-active"].attachments.all():
        response = client.get(f"/attachments/{att.pk}/{att.name}")
        assert response.status_code == 404
    for filters in (
        "?org=fgw",
        "?year=2020",
        "?category=notice",
        f"?index_no={every_kind['withdrawn-active'].index_no}",
    ):
        pages.append(client.get("/api/v1/documents" + filters).content.decode())
    everything = "\n".join(pages)
    assert SECRET not in everything
    redacted = client.get(f"/api/v1/documents/{every_kind['published-redacted'].pk}").json()
    assert redacted["body_html"] == "<p>删减后的公开版本</p>"


def test_document_detail_has_every_metadata_field(org: Any, topic: Any) -> None:
    doc = make_document(org, title="示范市规范性文件管理办法", category="normative", topic=topic,
                        doc_number="示政发〔2024〕5号", department="法规科", keywords="规范性文件",
                        summary="概述", written_on=dt.date(2024, 1, 2), published_on=dt.date(2024, 1, 8))  # fmt: skip
    services_doc = Document.objects.get(pk=doc.pk)
    body = Client().get(f"/api/v1/documents/{doc.pk}").json()
    for field in ("index_no", "title", "org", "department", "doc_number", "written_on", "published_on", "category",
                  "topic", "validity", "disclosure_attribute", "keywords", "summary", "body_html", "attachments"):  # fmt: skip
        assert field in body, field
    assert body["index_no"] == services_doc.index_no == "640100-141/2024-00001"
    assert body["org"]["code"] == "fgw" and body["topic"]["name"] == "综合政务\\政务公开"
    assert body["validity"] == "valid" and body["validity_label"] == "有效"
    assert body["written_on"] == "2024-01-02" and body["doc_number"] == "示政发〔2024〕5号"


def test_list_filters_and_pagination(org: Any, other_org: Any, topic: Any) -> None:
    for i in range(5):
        make_document(org, title=f"通知{i}", published_on=dt.date(2023, 1, 1 + i))
    make_document(
        org, title="办法", category="normative", topic=topic, published_on=dt.date(2024, 1, 1)
    )
    make_document(other_org, title="教育", published_on=dt.date(2024, 2, 1))
    client = Client()
    page1 = client.get("/api/v1/documents?page_size=3").json()
    assert page1["count"] == 7 and len(page1["items"]) == 3 and "page=2" in page1["next"]
    page3 = client.get(page1["next"].replace("page=2", "page=3")).json()
    assert len(page3["items"]) == 1 and page3["next"] is None
    assert client.get("/api/v1/documents?org=jyj").json()["count"] == 1
    assert client.get("/api/v1/documents?year=2023").json()["count"] == 5
    assert client.get("/api/v1/documents?category=normative").json()["count"] == 1
    assert (
        client.get("/api/v1/documents?topic=01").json()["count"] == 1
    )  # a parent topic includes its children
    assert client.get("/api/v1/documents?validity=有效").json()["count"] == 1
    assert (
        client.get("/api/v1/documents?index_no=640100-142/2024-00001").json()["items"][0]["title"]
        == "教育"
    )
    assert (
        client.get("/api/v1/organizations?code=fgw").json()[0]["name"] == "测试市发展和改革委员会"
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [("year=20x9", "year"), ("category=nope", "category"), ("topic=99", "topic"), ("validity=good", "validity"),
     ("page=0", "page"), ("page_size=1000", "page_size")],
)  # fmt: skip
def test_bad_filters_name_the_field(db: Any, query: str, field: str) -> None:
    err = _error(Client().get(f"/api/v1/documents?{query}"), 422)
    assert field in err["fields"]


def test_one_error_shape(org: Any) -> None:
    client = Client()
    _error(client.get("/api/v1/documents/999999"), 404)
    _error(client.get("/api/v1/no-such-endpoint"), 404)
    _error(client.post("/api/v1/documents", {}, content_type="application/json"), 401)
    _error(
        client.post(
            "/api/v1/documents",
            {},
            content_type="application/json",
            HTTP_AUTHORIZATION="Bearer gk_x_y",
        ),
        401,
    )
    _error(client.delete("/api/v1/documents/1"), 405)


def test_server_errors_keep_the_shape(org: Any, monkeypatch: Any) -> None:
    from gongkai.documents import selectors

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database exploded")

    monkeypatch.setattr(selectors, "public_document", boom)
    err = _error(Client().get("/api/v1/documents/1"), 500)
    assert "exploded" not in err["message"]


def test_token_writes_through_the_whole_lifecycle(org: Any, topic: Any) -> None:
    editor, reviewer = staff(org, Role.EDITOR), staff(org, Role.REVIEWER)
    client, auth = token_client(editor)
    created = client.post(
        "/api/v1/documents", {"org": "fgw", "title": "关于开展政务公开培训的通知", "category": "notice", "topic": topic.code,
                              "body_html": "<p>内容<script>x()</script></p>", "doc_number": "示发改[2024]9号",
                              "written_on": "2024-04-01"},
        content_type="application/json", **auth,
    )  # fmt: skip
    assert created.status_code == 201, created.content
    doc = created.json()
    assert (
        doc["status"] == "draft"
        and doc["doc_number"] == "示发改〔2024〕9号"
        and "script" not in doc["body_html"]
    )
    patched = client.patch(
        f"/api/v1/documents/{doc['id']}",
        {"summary": "培训安排"},
        content_type="application/json",
        **auth,
    )
    assert patched.json()["summary"] == "培训安排" and patched.json()["version"] == 2
    upload = client.post(
        f"/api/v1/documents/{doc['id']}/attachments",
        {"file": SimpleUploadedFile("日程.pdf", b"%PDF-1.5 x")},
        **auth,
    )
    assert upload.status_code == 201 and upload.json()["content_type"] == "application/pdf"
    bad = client.post(
        f"/api/v1/documents/{doc['id']}/attachments",
        {"file": SimpleUploadedFile("日程.pdf", b"MZ\x90\x00")},
        **auth,
    )
    assert "file" in _error(bad, 422)["fields"]
    assert (
        client.post(f"/api/v1/documents/{doc['id']}/submit", **auth).json()["status"] == "pending"
    )
    _error(client.post(f"/api/v1/documents/{doc['id']}/publish", **auth), 403)
    _error(client.post(f"/api/v1/documents/{doc['id']}/submit", **auth), 409)
    rclient, rauth = token_client(reviewer)
    # a PDF's text cannot be read here: a person must review it before it goes public
    refused = _error(rclient.post(f"/api/v1/documents/{doc['id']}/publish", **rauth), 409)
    assert "日程.pdf" in refused["message"] and "人工审阅" in refused["message"]
    findings = rclient.get(f"/api/v1/staff/documents/{doc['id']}/findings", **rauth).json()
    assert [f["kind"] for f in findings] == ["unreadable"]
    kept = rclient.post(
        f"/api/v1/documents/{doc['id']}/findings/{findings[0]['id']}/resolve",
        {"action": "keep", "reason": "checked_by_hand"}, content_type="application/json", **rauth,
    )  # fmt: skip
    assert kept.json()["status"] == "kept"
    published = rclient.post(f"/api/v1/documents/{doc['id']}/publish", **rauth).json()
    assert published["status"] == "published" and published["index_no"].startswith("640100-141/")
    attachment = Client().get(f"/api/v1/documents/{doc['id']}").json()["attachments"][0]
    assert attachment["name"] == "日程.pdf"
    download = Client().get(attachment["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.5 x"
    _error(
        rclient.post(
            f"/api/v1/documents/{doc['id']}/withdraw", {}, content_type="application/json", **rauth
        ),
        422,
    )
    withdrawn = rclient.post(
        f"/api/v1/documents/{doc['id']}/withdraw",
        {"reason": "重复发布"},
        content_type="application/json",
        **rauth,
    )
    assert withdrawn.json()["status"] == "withdrawn"
    _error(Client().get(f"/api/v1/documents/{doc['id']}"), 404)
    assert Client().get(attachment["url"]).status_code == 404  # a withdrawn item's files go with it


def test_write_errors_name_the_field(org: Any) -> None:
    client, auth = token_client(staff(org, Role.EDITOR))

    def post(payload: dict[str, Any]) -> dict[str, Any]:
        return _error(
            client.post("/api/v1/documents", payload, content_type="application/json", **auth), 422
        )

    assert "org" in post({"org": "nowhere", "title": "x", "category": "notice"})["fields"]
    assert "category" in post({"org": "fgw", "title": "x", "category": "nope"})["fields"]
    assert (
        "topic"
        in post({"org": "fgw", "title": "x", "category": "notice", "topic": "9999"})["fields"]
    )
    assert (
        "written_on"
        in post({"org": "fgw", "title": "x", "category": "notice", "written_on": "2024-02-30"})[
            "fields"
        ]
    )
    assert (
        "doc_number"
        in post({"org": "fgw", "title": "x", "category": "notice", "doc_number": "随便写"})[
            "fields"
        ]
    )
    assert (
        "disclosure_attribute"
        in post(
            {"org": "fgw", "title": "x", "category": "notice", "disclosure_attribute": "secret"}
        )["fields"]
    )
    assert (
        "disclosure_reason"
        in post(
            {"org": "fgw", "title": "x", "category": "notice", "disclosure_attribute": "withheld"}
        )["fields"]
    )


def test_a_foreign_document_answers_exactly_like_a_missing_one(org: Any, other_org: Any) -> None:
    foreign = make_document(other_org, state="draft", title=SECRET)
    client, auth = token_client(staff(org, Role.ADMIN))
    missing_id = foreign.pk + 1000
    for method, path in [("get", "/api/v1/staff/documents/{}"), ("patch", "/api/v1/documents/{}"),
                         ("post", "/api/v1/documents/{}/submit"), ("post", "/api/v1/documents/{}/publish")]:  # fmt: skip
        responses = [
            getattr(client, method)(path.format(pk), {}, content_type="application/json", **auth)
            for pk in (foreign.pk, missing_id)
        ]
        assert responses[0].status_code == responses[1].status_code == 404
        assert responses[0].json() == responses[1].json()
    created = client.post("/api/v1/documents", {"org": "jyj", "title": "越权", "category": "notice"},
                          content_type="application/json", **auth)  # fmt: skip
    _error(created, 403)
    assert not Document.objects.filter(title="越权").exists()


def test_openapi_describes_the_api(db: Any) -> None:
    spec = Client().get("/api/v1/openapi.json").json()
    assert (
        "/api/v1/documents" in spec["paths"]
        and "/api/v1/documents/{doc_id}/publish" in spec["paths"]
    )
    assert Client().get("/api/v1/docs").status_code == 200


def test_an_interpretation_links_its_policy_and_names_its_form(org: Any, other_org: Any) -> None:
    policy = make_document(org, title="示范市数据开放管理办法", category="normative")
    foreign_draft = make_document(other_org, state="draft", title=SECRET, category="normative")
    client, auth = token_client(staff(org, Role.EDITOR))
    base = {"org": "fgw", "title": "《示范市数据开放管理办法》图解", "category": "interpretation"}
    refused = client.post("/api/v1/documents", {**base, "interprets": foreign_draft.pk},
                          content_type="application/json", **auth)  # fmt: skip
    assert "interprets" in _error(refused, 422)["fields"]
    wrong = client.post("/api/v1/documents", {**base, "category": "notice", "interpretation_form": "graphic"},
                        content_type="application/json", **auth)  # fmt: skip
    assert "interpretation_form" in _error(wrong, 422)["fields"]
    created = client.post("/api/v1/documents", {**base, "interprets": policy.pk, "interpretation_form": "graphic"},
                          content_type="application/json", **auth)  # fmt: skip
    assert created.status_code == 201, created.content
    doc = Document.objects.get(pk=created.json()["id"])
    services.submit(doc, by=SYSTEM)
    services.publish(doc, by=SYSTEM)
    body = Client().get(f"/api/v1/documents/{doc.pk}").json()
    assert body["interprets"] == policy.pk and body["interpretation_form"] == "graphic"
    page = Client().get(f"/documents/{doc.pk}/").content.decode()
    assert "政策解读（图解）" in page and "示范市数据开放管理办法" in page
