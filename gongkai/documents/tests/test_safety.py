"""Safety of de-identification: identifiers seeded into every field and attachment of items
published 删减后公开 (masked by the reviewer, or with an editor-written public version), next to
an item whose finding was never resolved, must never be served in clear by any public path:
pages, the API, search (page and API), feeds, sitemaps, the negative list and attachment
downloads."""

import io
import random
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import staff
from gongkai.documents import services
from gongkai.documents.models import Document, InfoCategory
from gongkai.lib.errors import Conflict
from gongkai.lib.pii import synth
from gongkai.review.models import Finding

pytestmark = pytest.mark.django_db

rng = random.Random(11643)
ID = synth.id_card(rng)
ID2 = synth.id_card(rng)
MOBILE = synth.mobile(rng)
MOBILE2 = synth.mobile(rng)
EMAIL = "zhangxm1990@163.com"
CARD = synth.bank_card(rng, 19)
NAME = "张晓明"
PLATE = "贵A12345"
SECRET_BODY = "内部原文未删减"


def _docx(text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "word/document.xml",
            f"<w:document><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return buf.getvalue()


def _compact(value: str) -> str:
    return "".join(c for c in value if c.isalnum())


@pytest.fixture
def seeded(org: Any, django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    reviewer = staff(org, Role.REVIEWER)
    notice = InfoCategory.objects.get(code="notice")
    masked = services.create_document(by=SYSTEM, org=org, data={
        "title": f"关于申请人{NAME}（{MOBILE}）补偿款发放的公示", "category": notice,
        "summary": f"当事人{NAME}，身份证号码{ID}。", "keywords": f"补偿，{EMAIL}",
        "department": f"联系人{NAME}",
        "body_html": (f"<p>申请人{NAME}，身份证号码{ID}，手机{MOBILE}，银行卡号{CARD}，车牌{PLATE}。</p>"
                      f'<p><a href="mailto:{EMAIL}">来信</a><a href="tel:{MOBILE2}">回电</a></p>'),
    })  # fmt: skip
    services.add_attachment(
        masked, by=SYSTEM, upload=SimpleUploadedFile("名单.docx", _docx(f"户主{NAME}{ID2}"))
    )
    services.add_attachment(
        masked, by=SYSTEM, upload=SimpleUploadedFile("明细.txt", f"身份证{ID2}".encode("gbk"))
    )
    services.add_attachment(
        masked, by=SYSTEM, upload=SimpleUploadedFile("说明.txt", "本次补偿按标准执行。".encode())
    )
    services.submit(masked, by=SYSTEM)
    for att in masked.attachments.filter(name__in=["名单.docx", "明细.txt"]):
        services.set_attachment_public(att, by=reviewer, is_public=False)
    for finding in Finding.objects.filter(document=masked, present=True, status="open"):
        services.resolve_finding(masked, finding, by=reviewer, action="mask")
    # an editor-written public version: the original body stays internal
    written = services.create_document(by=SYSTEM, org=org, data={
        "title": "关于信访事项处理情况的通报", "category": notice, "disclosure_attribute": "redacted",
        "disclosure_reason": "含个人信息",
        "body_html": f"<p>{SECRET_BODY}：来信人{NAME}，身份证{ID}，手机{MOBILE}。</p>",
        "public_body_html": "<p>来信人反映的问题已办结。</p>",
    })  # fmt: skip
    services.submit(written, by=SYSTEM)
    # an item whose finding nobody resolved
    unresolved = services.create_document(by=SYSTEM, org=org, data={
        "title": "关于困难群众救助情况的通知", "category": notice,
        "body_html": f"<p>救助对象{NAME}，身份证{ID}。</p>",
    })  # fmt: skip
    services.submit(unresolved, by=SYSTEM)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(masked, by=reviewer)
        services.publish(written, by=reviewer)
        with pytest.raises(Conflict):
            services.publish(unresolved, by=reviewer)
    return {"masked": masked, "written": written, "unresolved": unresolved}


def test_no_public_path_serves_an_identifier_in_clear(org: Any, seeded: dict[str, Any]) -> None:
    masked, written, unresolved = seeded["masked"], seeded["written"], seeded["unresolved"]
    masked.refresh_from_db()
    assert masked.status == "published" and masked.disclosure_attribute == "redacted"
    unresolved.refresh_from_db()
    assert unresolved.status == "pending"
    client = Client()
    paths = ["/", "/gk/", f"/gk/{org.code}/", "/list/", f"/list/?org={org.code}", "/list/?category=notice",
             "/sitemap/", "/sitemap.xml", "/sitemap-documents.xml", f"/feeds/org/{org.code}/",
             "/feeds/category/notice/", "/api/v1/documents", f"/api/v1/documents?org={org.code}",
             "/api/v1/negative-list"]  # fmt: skip
    for doc in (masked, written):
        paths += [f"/documents/{doc.pk}/", f"/api/v1/documents/{doc.pk}"]
    for q in ("补偿", "信访", "救助", "公示"):
        paths += [f"/search/?q={q}", f"/api/v1/search?q={q}"]
    for q in (NAME, ID, MOBILE, EMAIL, SECRET_BODY):  # the page echoes the query: count the hits
        assert client.get("/api/v1/search", {"q": q}).json()["items"] == [], q
        assert "共找到 0 条结果" in client.get("/search/", {"q": q}).content.decode(), q
    served = []
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        served.append(response.content.decode())
    detail = client.get(f"/api/v1/documents/{masked.pk}").json()
    assert {a["name"] for a in detail["attachments"]} == {"说明.txt"}
    for a in detail["attachments"]:
        download = client.get(a["url"])
        served.append(b"".join(download.streaming_content).decode())
    for att in masked.attachments.exclude(name="说明.txt"):
        assert client.get(f"/attachments/{att.pk}/{att.name}").status_code == 404
    assert client.get(f"/documents/{unresolved.pk}/").status_code == 404
    everything = "\n".join(served)
    # the masked versions are what the public gets
    assert f"/documents/{masked.pk}/" in everything and "张*明" in everything
    assert "来信人反映的问题已办结" in everything
    for value in (ID, ID2, MOBILE, MOBILE2, EMAIL, CARD, NAME, PLATE, SECRET_BODY):
        assert value not in everything, value
    compact = _compact(everything)
    for value in (ID, ID2, MOBILE, MOBILE2, CARD):
        assert _compact(value) not in compact, value
    assert "救助对象" not in everything


def test_the_original_stays_internal(seeded: dict[str, Any]) -> None:
    masked = Document.objects.get(pk=seeded["masked"].pk)
    assert ID in masked.body_html and ID not in masked.public_body_html
    first = masked.versions.order_by("number").first()
    assert first is not None and NAME in first.data["title"]  # the original title, for staff only
