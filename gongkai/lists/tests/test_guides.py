"""办事指南, 公共服务事项 and 中介服务 rules (spec §2.2, §2.3, §3; issue 20 "Bad input")."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from gongkai.accounts.permissions import SYSTEM
from gongkai.lib.errors import Conflict
from gongkai.lists import selectors, services
from gongkai.lists.models import Guide, Intermediary

from .conftest import guide, licence, power, service

pytestmark = pytest.mark.django_db


def refused_publish(g: Guide, field: str) -> str:
    with pytest.raises(ValidationError) as e:
        services.publish_guide(g, by=SYSTEM)
    assert field in e.value.message_dict, e.value.message_dict
    assert Guide.objects.get(pk=g.pk).status == "draft"
    return e.value.message_dict[field][0]


@pytest.mark.parametrize(("over", "field", "words"), [
    ({"conditions": ["具有营业执照", "法律、法规规定的其他条件"]}, "conditions", "兜底"),
    ({"materials": [{"name": "其他材料"}]}, "materials", "兜底"),
    ({"consult_phone": "12345678"}, "consult_phone", "区号-号码"),
    ({"complaint_phone": "13912345678"}, "complaint_phone", "区号-号码"),
    ({"legal_days": 10, "promised_days": 15}, "promised_days", "不能超过法定办结时限"),
    ({"place": "请联系王小明，身份证号110101199003074514"}, "place", "个人信息"),
])  # fmt: skip
def test_guide_publication_refused(org: Any, over: dict, field: str, words: str) -> None:
    g = guide(service(org, power_item=licence(org)), publish=False, **over)
    assert words in refused_publish(g, field)


def test_fallback_phrases_are_a_setting(org: Any, settings: Any) -> None:
    settings.GONGKAI_LISTS_FALLBACK_PHRASES = ["等等"]
    g = guide(service(org, power_item=licence(org)), publish=False, conditions=["场所、设备等等"])
    refused_publish(g, "conditions")
    g2 = guide(service(org, "XK00002000-640100-01", power_item=licence(org, 2)),
               conditions=["法律、法规规定的其他条件"])  # fmt: skip
    assert g2.status == "published"


def test_identifier_kept_with_reason_publishes(org: Any) -> None:
    g = guide(service(org, power_item=licence(org)), publish=False,
              place="咨询邮箱 zhangsan@example.cn")  # fmt: skip
    refused_publish(g, "place")
    services.save_guide(g.item, by=SYSTEM, data={**_data(g), "pii_kept_reason": "机关公务邮箱"})
    services.publish_guide(Guide.objects.get(pk=g.pk), by=SYSTEM)
    assert Guide.objects.get(pk=g.pk).status == "published"


def _data(g: Guide) -> dict[str, Any]:
    return {k: getattr(g, k) for k in services.GUIDE_FIELDS}


def test_name_and_type_must_equal_the_power_item(org: Any) -> None:
    item = licence(org, name="食品经营许可")
    g = guide(service(org, power_item=item, name="食品经营备案"), publish=False)
    assert "不一致" in refused_publish(g, "name")
    g2 = guide(service(org, "QR00001000-640100-01", power_item=item, type_code="QR"), publish=False)
    assert "不一致" in refused_publish(g2, "type_code")


def test_no_guide_for_a_secret_item(org: Any) -> None:
    item = licence(org, secret=True)
    svc = service(org, power_item=item, publish=False)
    with pytest.raises(ValidationError):
        services.publish_service_item(svc, by=SYSTEM)
    g = guide(svc, publish=False)
    with pytest.raises(Conflict):  # the item itself cannot be public
        services.publish_guide(g, by=SYSTEM)
    assert "保密" in services.guide_problems(g)["power_code"]


def test_guide_needs_published_item(org: Any) -> None:
    g = guide(service(org, power_item=licence(org), publish=False), publish=False)
    with pytest.raises(Conflict):
        services.publish_guide(g, by=SYSTEM)


def test_tree_and_codes(org: Any) -> None:
    main = service(org, "GG00001000-640100-01", type_code="GG", name="社会保障卡服务", node="main",
                   audience="person")  # fmt: skip
    sub = service(org, "GG00001001-640100-01", type_code="GG", name="社会保障卡申领", node="sub",
                  parent_code=main.impl_code, audience="person")  # fmt: skip
    service(org, "GG00001001-640100-01-A", type_code="GG", name="社会保障卡首次申领",
            node="handling", parent_code=sub.impl_code, audience="person")  # fmt: skip
    with pytest.raises(ValidationError) as e:
        service(org, "GG00001001-640100-01", type_code="GG", name="x", audience="person")
    assert "impl_code" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        service(org, "ZZ1", type_code="ZZ", name="x", audience="person")
    assert "type_code" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        service(org, "GG2", type_code="GG", name="x", node="sub", audience="person")
    assert "parent_code" in e.value.message_dict
    rows = list(selectors.public_service_items(audience="person"))
    assert [r.node for r in rows] == ["main", "sub", "handling"]


def test_missing_classes_reported_not_refused(org: Any) -> None:
    g = guide(service(org, power_item=licence(org)), place="", hours="", consult_phone="",
              process="", basis=[])  # fmt: skip
    assert g.status == "published"
    assert selectors.missing_classes(g) == ["basis", "place", "hours", "phone", "process"]
    g2 = guide(service(org, "XK00002000-640100-01", power_item=licence(org, 2)), hours="")
    report = selectors.guide_check(
        Guide.objects.all(), selectors.PowerItem.objects.filter(type__code="01")
    )
    assert report["guides"] == 2
    assert report["missing_by_class"]["办理时间"] == 2
    assert report["missing_by_class"]["办理地点"] == 1
    assert report["guides_missing_4plus"] == [g.item.impl_code]
    assert report["share_missing_4plus"] == {"scj": 0.5}
    licence(org, 3)
    assert report["licences_without_guide"] == []
    again = selectors.guide_check(
        Guide.objects.all(), selectors.PowerItem.objects.filter(type__code="01")
    )
    assert again["licences_without_guide"] == ["640100-001-01-003-00"]
    assert g2.status == "published"


# --- 中介服务 -----------------------------------------------------------------------------------


def inter_data(**over: Any) -> dict[str, Any]:
    data = {"code": "ZJ-001", "name": "建设项目环境影响评价文件编制", "approval_dept": "测试市生态环境局",
            "basis": "《中华人民共和国环境影响评价法》第十六条", "charged": True,
            "fee_nature": "市场调节价", "fee_standard": "按合同约定"}  # fmt: skip
    data.update(over)
    return data


def test_intermediary_serves_public_licences_only(org: Any) -> None:
    lic = licence(org)
    fine = power(org, 5)  # 行政处罚
    secret = licence(org, 6, secret=True)
    for codes, words in ((["640100-001-01-999-00"], "未找到"), ([fine.code], "不是行政许可"),
                         ([secret.code], "未找到"), ([], "请填写")):  # fmt: skip
        with pytest.raises(ValidationError) as e:
            services.save_intermediary(by=SYSTEM, org=org, data=inter_data(approval_codes=codes))
        assert words in e.value.message_dict["approval_codes"][0]
    assert not Intermediary.objects.exists()
    with pytest.raises(ValidationError) as e:
        services.save_intermediary(by=SYSTEM, org=org, data=inter_data(approval_codes=[lic.code],
                                                                      fee_nature=""))  # fmt: skip
    assert "fee_nature" in e.value.message_dict
    x = services.save_intermediary(by=SYSTEM, org=org, data=inter_data(approval_codes=[lic.code]),
                                   publish=True)  # fmt: skip
    assert list(selectors.public_intermediaries()) == [x]
    free = services.save_intermediary(by=SYSTEM, org=org, data=inter_data(
        code="ZJ-002", approval_codes=[lic.code], charged=False, fee_nature="市场调节价"))  # fmt: skip
    assert free.fee_nature == "" and free.status == "draft"


MORE = {"office_address": "测试市人民路1号政务服务中心", "postcode": "750001", "window": "B区12号窗口",
        "apply_methods": ["窗口", "网上"], "flowchart_url": "https://zwfw.example.gov.cn/lc/1.png",
        "result": "食品经营许可证", "result_sample_url": "https://zwfw.example.gov.cn/yb/1.pdf",
        "promise": "材料齐全的，当场受理"}  # fmt: skip


def test_further_guide_elements_on_the_page_api_and_print(org: Any) -> None:
    """§2.2: address and postcode, window, 申请方式, 流程图, 办理结果 with sample, 服务承诺."""
    from django.test import Client

    g = guide(service(org, power_item=licence(org)), **MORE)
    c = Client()
    api = c.get(f"/api/v1/lists/guides/{g.item.impl_code}").json()
    assert {k: api[k] for k in MORE} == MORE
    for url in (f"/lists/guides/{g.item.impl_code}/", f"/lists/guides/{g.item.impl_code}/print/"):
        page = c.get(url).content.decode()
        for text in ("测试市人民路1号政务服务中心", "750001", "B区12号窗口", "窗口、网上", "流程图",
                     "食品经营许可证", "材料齐全的，当场受理"):  # fmt: skip
            assert text in page, (url, text)


@pytest.mark.parametrize(("over", "field", "words"), [
    ({"apply_methods": ["传真"]}, "apply_methods", "申请方式"),
    ({"postcode": "75000"}, "postcode", "6 位数字"),
    ({"flowchart_url": "javascript:alert(1)"}, "flowchart_url", "http"),
    ({"result_sample_url": "ftp://x/y.pdf"}, "result_sample_url", "http"),
    ({"window": "窗" * 101}, "window", "100"),
])  # fmt: skip
def test_further_elements_bad_input_saves_nothing(
    org: Any, over: dict, field: str, words: str
) -> None:
    item = service(org, power_item=licence(org))
    with pytest.raises(ValidationError) as e:
        services.save_guide(item, by=SYSTEM, data={**MORE, **over})
    assert words in e.value.message_dict[field][0]
    assert not Guide.objects.filter(item=item).exists()


def test_identifiers_in_the_promise_block_publishing(org: Any) -> None:
    g = guide(service(org, power_item=licence(org)), publish=False, promise="联系人手机13912345678")
    refused_publish(g, "promise")
