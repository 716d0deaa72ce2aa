"""Reply letters (告知书): one wording per legal reply type with its ground and the remedies, a
valid DOCX, shown on the progress page without personal data, downloaded by staff with it."""

import datetime as dt
import io
import re
import zipfile
from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.applications import letters, services
from gongkai.applications.dispositions import DISPOSITIONS, Disposition
from gongkai.applications.docx import Para, document_bytes
from gongkai.conftest import PASSWORD, staff

from .conftest import ID_CARD, in_person, person

pytestmark = pytest.mark.django_db
D = dt.date
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_text(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {"[Content_Types].xml", "_rels/.rels", "word/document.xml"} <= set(z.namelist())
        root = ElementTree.fromstring(z.read("word/document.xml"))
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]


def test_docx_is_valid_xml_even_for_hostile_text() -> None:
    data = document_bytes([Para("标题", align="center"), Para("<w:p>&\x00\x1f</w:p> 正文")])
    assert docx_text(data) == ["标题", "<w:p>&</w:p> 正文"]


def _answered(org: Any, handler: Any, d: Disposition) -> Any:
    app = in_person(org, handler, D(2026, 9, 18))
    if d is Disposition.UNAVAILABLE_STILL_UNCLEAR:
        services.request_correction(app, by=handler, on=D(2026, 9, 21), deadline=D(2026, 9, 30),
                                    notice="请写明文件名称", today=D(2026, 9, 21))  # fmt: skip
        services.receive_correction(app, by=handler, on=D(2026, 9, 22), today=D(2026, 9, 22))
    if d is Disposition.OTHER_NO_CORRECTION:
        services.request_correction(app, by=handler, on=D(2026, 9, 21), deadline=D(2026, 9, 30),
                                    notice="请写明文件名称", today=D(2026, 9, 21))  # fmt: skip
        services.close_lapsed(today=D(2026, 10, 8))
        return app
    if d is Disposition.OTHER_UNPAID:
        services.send_fee_notice(app, by=handler, on=D(2026, 9, 21), amount=100,
                                 today=D(2026, 9, 21))  # fmt: skip
        services.close_lapsed(today=D(2026, 11, 2))
        return app
    reason = "" if d is Disposition.DISCLOSED else "具体理由"
    services.answer(app, by=handler, on=D(2026, 10, 9), disposition=d, reason=reason,
                    today=D(2026, 10, 9))  # fmt: skip
    return app


@pytest.mark.parametrize("d", list(Disposition))
def test_every_reply_type_has_its_letter_with_ground_and_remedies(
    org: Any, handler: Any, d: Disposition
) -> None:
    app = _answered(org, handler, d)
    app.refresh_from_db()
    assert app.disposition == d.value
    events = list(app.events.order_by("seq"))
    [reply] = [lt for lt in letters.letters(app, events, personal=True) if lt.kind == "answered"]
    text = "\n".join(reply.paragraphs)
    assert reply.title == "政府信息公开申请答复告知书" and reply.addressee == "张三丰"
    assert DISPOSITIONS[d].ground in text and "六十日内" in text and "六个月内" in text
    assert app.tracking_no in text and app.description in text
    if DISPOSITIONS[d].needs_reason:
        assert "具体理由" in text
    public = letters.letter(app, events[-1], events, personal=False)
    assert public is not None and "张三丰" not in str(public) and app.description not in str(public)
    body = docx_text(reply.docx())
    assert body[0] == "政府信息公开申请答复告知书" and "张三丰：" in body and org.name in body


def test_wording_of_some_types(org: Any, handler: Any) -> None:
    def reply_text(d: Disposition) -> str:
        app = _answered(org, handler, d)
        app.refresh_from_db()
        events = list(app.events.order_by("seq"))
        return "\n".join(letters.letters(app, events, personal=False)[-1].paragraphs)

    assert "予以公开" in reply_text(Disposition.DISCLOSED)
    assert "不予公开" in reply_text(Disposition.WITHHELD_THIRD_PARTY)
    assert "2026年9月30日" in reply_text(Disposition.OTHER_NO_CORRECTION)
    assert "不作为政府信息公开申请处理" in reply_text(Disposition.NOT_PROCESSED_REPEAT)


def test_progress_page_shows_and_downloads_the_letters_without_personal_data(
    client: Client, org: Any, handler: Any
) -> None:
    app, code = services.submit_online(org=org, data=person(), today=D(2026, 9, 17))
    services.confirm_receipt(app, by=handler, on=D(2026, 9, 18), today=D(2026, 9, 18))
    services.extend(app, by=handler, on=D(2026, 10, 20), days=10, approver="赵主任",
                    today=D(2026, 10, 20))  # fmt: skip
    services.answer(app, by=handler, on=D(2026, 10, 21), disposition="partial",
                    reason="第3页涉及第三方商业秘密，已删除", today=D(2026, 10, 21))  # fmt: skip
    r = client.post("/apply/progress/", {"tracking_no": app.tracking_no, "code": code})
    body = r.content.decode()
    assert "政府信息公开申请延期答复告知书" in body and "政府信息公开申请答复告知书" in body
    assert "延长10个工作日" in body and "六十日内" in body and "第三十七条" in body
    for secret in ("张三丰", "13800138000", ID_CARD, app.description, "赵主任"):
        assert secret not in body
    seq = re.findall(r'name="seq" value="(\d+)"', body)[-1]
    r = client.post("/apply/progress/letter/", {"tracking_no": app.tracking_no, "code": code,
                                                "seq": seq})  # fmt: skip
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    assert "no-store" in r["Cache-Control"]
    text = "\n".join(docx_text(r.content))
    assert "申请人：" in text and "区分处理" in text
    assert "张三丰" not in text and app.description not in text
    # a wrong code, a letterless event and a GET all give nothing
    for data in ({"tracking_no": app.tracking_no, "code": "WRONGCODE1", "seq": seq},
                 {"tracking_no": app.tracking_no, "code": code, "seq": "1"},
                 {"tracking_no": app.tracking_no, "code": code, "seq": "x"}):  # fmt: skip
        assert client.post("/apply/progress/letter/", data).status_code == 404
    assert client.get("/apply/progress/letter/").status_code == 405


def test_staff_download_the_letter_with_the_applicant_only_if_they_handle_cases(
    org: Any, other_org: Any, handler: Any, reviewer: Any
) -> None:
    app = in_person(org, handler, D(2026, 9, 18))
    ev = services.answer(app, by=handler, on=D(2026, 10, 9), disposition="disclosed",
                         reason="见本机关门户网站", today=D(2026, 10, 9))  # fmt: skip
    url = f"/admin/applications/application/{app.pk}/letter/{ev.seq}/"
    c = Client()
    c.login(username=handler.username, password=PASSWORD)
    page = c.get(f"/admin/applications/application/{app.pk}/change/").content.decode()
    assert url in page
    assert "张三丰：" in docx_text(c.get(url).content)
    c.login(username=reviewer.username, password=PASSWORD)
    assert "申请人：" in docx_text(c.get(url).content)  # masked role: no name
    c.login(username=staff(other_org, Role.ADMIN).username, password=PASSWORD)
    assert c.get(url).status_code == 404
    c.login(username=handler.username, password=PASSWORD)
    assert c.get(f"/admin/applications/application/{app.pk}/letter/1/").status_code == 404
