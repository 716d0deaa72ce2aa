"""The lists back office: an editor writes a 办事指南 in the admin form (one line per entry); the
service checks and saves it as a draft, its rules shown as field errors; other organisations'
guides stay out of reach."""

from typing import Any

import pytest
from django.test import Client

from gongkai.audit.models import AuditEntry
from gongkai.conftest import OrganizationFactory
from gongkai.lists.models import Guide

from .conftest import guide, licence, service

pytestmark = pytest.mark.django_db


def form(**over: Any) -> dict[str, Any]:
    data = {
        "basis": "《中华人民共和国食品安全法》第三十五条\n《食品经营许可管理办法》第十条",
        "conditions": "具有与经营的食品品种相适应的场所\n\n具有食品安全管理人员",
        "materials": "食品经营许可申请书|原件|1|申请人自备|签字盖章|https://zwfw.example.gov.cn/b.docx\n营业执照|复印件|1|政府部门核发",
        "steps": "现场核查|5|《食品经营许可管理办法》第二十一条|否|否",
        "process": "申请—受理—审查—决定", "legal_days": "20", "promised_days": "10",
        "place": "测试市政务服务中心二楼", "hours": "工作日 9:00-17:00", "visits": "1",
        "consult_phone": "0951-12345678", "complaint_phone": "0951-12345679",
        "apply_methods": ["窗口", "网上"], "faq": "需要预约吗？|不需要", "postcode": "750001",
    }  # fmt: skip
    data.update(over)
    return data


def test_editor_writes_a_guide_in_the_admin(org: Any, editor: Any) -> None:
    item = service(org, power_item=licence(org))
    c = Client()
    c.force_login(editor)
    assert c.get("/admin/lists/guide/add/").status_code == 200
    r = c.post("/admin/lists/guide/add/", {"item": item.pk, **form()})
    assert r.status_code == 302, r.content.decode()[:3000]
    g = Guide.objects.get(item=item)
    assert g.status == "draft"
    assert g.conditions == ["具有与经营的食品品种相适应的场所", "具有食品安全管理人员"]
    assert [m["name"] for m in g.materials] == ["食品经营许可申请书", "营业执照"]
    assert g.materials[0]["template_url"] == "https://zwfw.example.gov.cn/b.docx"
    assert g.steps == [{"name": "现场核查", "days": 5, "basis": "《食品经营许可管理办法》第二十一条",
                        "fee": False, "counted_in_legal_limit": False}]  # fmt: skip
    assert g.apply_methods == ["窗口", "网上"] and g.faq == [{"q": "需要预约吗？", "a": "不需要"}]
    assert AuditEntry.objects.filter(action="guide.save").count() == 1
    page = c.get(f"/admin/lists/guide/{g.pk}/change/").content.decode()
    assert (
        "现场核查|5|" in page and "营业执照|复印件|1|政府部门核发" in page
    )  # round trip of the lines
    r = c.post(f"/admin/lists/guide/{g.pk}/change/", {"item": item.pk, **form(promised_days="8")})
    assert r.status_code == 302, r.context["adminform"].form.errors
    g.refresh_from_db()
    assert g.promised_days == 8 and g.conditions[1] == "具有食品安全管理人员"


def test_the_rules_show_as_field_errors_and_nothing_is_saved(org: Any, editor: Any) -> None:
    item = service(org, power_item=licence(org))
    c = Client()
    c.force_login(editor)
    r = c.post("/admin/lists/guide/add/", {"item": item.pk, **form(
        postcode="7500", steps="现场核查|五天", online_url="javascript:alert(1)")})  # fmt: skip
    assert r.status_code == 200
    text = r.content.decode()
    assert "邮政编码应为 6 位数字" in text and "环节时限应为整数" in text and "http" in text
    assert not Guide.objects.exists()


def test_other_organisations_guides_are_out_of_reach(org: Any, editor: Any) -> None:
    other = OrganizationFactory(code="jyj", name="测试市教育局", region_code="640100")
    theirs = guide(service(other, "XK00003000-640100-01", power_item=licence(other, 3,
                   code="640100-001-01-003-00")))  # fmt: skip
    c = Client()
    c.force_login(editor)
    assert c.get(f"/admin/lists/guide/{theirs.pk}/change/").status_code in (302, 404)
    add = c.get("/admin/lists/guide/add/").content.decode()
    assert theirs.item.name not in add
    r = c.post(
        "/admin/lists/guide/add/", {"item": service(other, "XK00004000-640100-01").pk, **form()}
    )
    assert r.status_code == 200 and "选择一个有效的选项" in r.content.decode()
    assert Guide.objects.count() == 1
