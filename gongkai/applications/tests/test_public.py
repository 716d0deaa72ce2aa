"""The public form and the progress page: no JavaScript, limits, spam guard, and no leaks."""

import datetime as dt
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from gongkai.applications import services
from gongkai.applications.models import Application

from .conftest import ID_CARD, in_person, person

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


def _post(org: Any, **over: Any) -> dict[str, Any]:
    return {"org": str(org.pk), **person(), "website": "", **over}


def test_form_works_without_javascript(client: Client, org: Any) -> None:
    page = client.get("/apply/").content.decode()
    assert "<script" not in page and 'name="description"' in page and "viewport" in page
    r = client.post("/apply/", _post(org))
    assert r.status_code == 200 and r["Cache-Control"].startswith("private")
    app = Application.objects.get()
    body = r.content.decode()
    assert app.tracking_no in body and app.status == "awaiting_receipt"
    code = re.search(r"查询码：<span class=\"code\">(\w+)</span>", body).group(1)
    assert services.query_digest(app.tracking_no, code) == app.query_digest


def test_bad_input_is_explained_and_nothing_is_lost(client: Client, org: Any) -> None:
    r = client.post("/apply/", _post(org, id_number="110105194912310021",
                                     description="<b>我要的信息</b>"))  # fmt: skip
    body = r.content.decode()
    assert r.status_code == 422 and "GB 11643" in body
    assert "&lt;b&gt;我要的信息&lt;/b&gt;" in body and "<b>我要的信息" not in body  # kept, escaped
    assert Application.objects.count() == 0


def test_honeypot_and_rate_limit(client: Client, org: Any, settings: Any) -> None:
    assert client.post("/apply/", _post(org, website="http://spam.example")).status_code == 400
    assert Application.objects.count() == 0
    settings.GONGKAI_APPLICATION_SUBMIT_LIMIT = 2
    assert client.post("/apply/", _post(org)).status_code == 200
    r = client.post("/apply/", _post(org))
    assert r.status_code == 429 and "频繁" in r.content.decode()
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post("/apply/", _post(org)).status_code == 200  # per address


def _strip_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_progress_page_shows_own_case_only(client: Client, org: Any, handler: Any) -> None:
    mine, code = services.submit_online(org=org, data=person(), today=D(2026, 9, 17))
    services.confirm_receipt(mine, by=handler, on=D(2026, 9, 18), today=D(2026, 9, 18))
    services.start_consultation(mine, by=handler, on=D(2026, 9, 21), third_party="某某置业有限公司",
                                today=D(2026, 9, 21))  # fmt: skip
    services.end_consultation(mine, by=handler, on=D(2026, 9, 22), note="第三方同意公开",
                              today=D(2026, 9, 22))  # fmt: skip
    theirs = in_person(org, handler, D(2026, 9, 18), person(name="李秘密", phone="13912345678",
                                                            description="他人的申请内容"))  # fmt: skip
    r = client.post("/apply/progress/", {"tracking_no": mine.tracking_no.lower(), "code": code})
    body = r.content.decode()
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    assert "2026年10月23日" in body  # due date: 10/22 plus one day of consultation (9/22)
    assert "征求第三方意见" in body
    for secret in ("某某置业", "第三方同意公开", "张三丰", "13800138000", ID_CARD,
                   "zhang@example.cn", "解放西街", theirs.tracking_no, "李秘密", "他人的申请内容"):  # fmt: skip
        assert secret not in body


def test_wrong_code_answers_like_a_missing_case(client: Client, org: Any) -> None:
    app, code = services.submit_online(org=org, data=person(), today=D(2026, 9, 17))
    wrong = client.post("/apply/progress/", {"tracking_no": app.tracking_no, "code": "AAAAAAAAAA"})
    missing = client.post("/apply/progress/", {"tracking_no": "YS20260917000000", "code": code})
    assert wrong.status_code == missing.status_code == 404
    w, m = _strip_csrf(wrong.content.decode()), _strip_csrf(missing.content.decode())
    assert w.replace(app.tracking_no, "X") == m.replace("YS20260917000000", "X")
    assert "不正确" in w and "张三丰" not in w


def test_progress_lookup_is_rate_limited(client: Client, org: Any, settings: Any) -> None:
    settings.GONGKAI_APPLICATION_LOOKUP_LIMIT = 3
    for _ in range(3):
        client.post("/apply/progress/", {"tracking_no": "YS1", "code": "X"})
    app, code = services.submit_online(org=org, data=person(), today=D(2026, 9, 17))
    r = client.post("/apply/progress/", {"tracking_no": app.tracking_no, "code": code})
    assert r.status_code == 429  # even the right code, once the address has used its tries


def test_progress_api(client: Client, org: Any, handler: Any) -> None:
    app, code = services.submit_online(org=org, data=person(), today=D(2026, 9, 17))
    services.confirm_receipt(app, by=handler, on=D(2026, 9, 18), today=D(2026, 9, 18))
    r = client.post("/api/v1/applications/progress",
                    {"tracking_no": app.tracking_no, "code": code}, content_type="application/json")  # fmt: skip
    assert r.status_code == 200
    data = r.json()
    assert data["due_date"] == "2026-10-22" and data["status"] == "in_progress"
    assert "张三丰" not in r.content.decode() and "13800138000" not in r.content.decode()
    bad = client.post("/api/v1/applications/progress",
                      {"tracking_no": app.tracking_no, "code": "WRONG"}, content_type="application/json")  # fmt: skip
    assert bad.status_code == 404 and bad.json()["error"]["code"] == "not_found"
