"""权责事项 and 动态调整 rules (spec §1.3, §1.4; issue 20 "Bad input"): each bad input is refused
with its field and saves nothing; clocks in working days across 国庆 and 调休; as-of views."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongkai.accounts.permissions import SYSTEM
from gongkai.audit.models import AuditEntry
from gongkai.lib.errors import Conflict
from gongkai.lists import selectors, services
from gongkai.lists.models import Adjustment, PowerItem, PowerVersion
from gongkai.search.models import Entry

from .conftest import TODAY, D, adjust, power, power_data

pytestmark = pytest.mark.django_db


def refused(fn: Any, field: str, *args: Any, **kw: Any) -> str:
    with pytest.raises(ValidationError) as e:
        fn(*args, **kw)
    assert field in e.value.message_dict, e.value.message_dict
    return e.value.message_dict[field][0]


@pytest.mark.parametrize(("over", "field", "words"), [
    ({"code": "330100-001-02-001-00"}, "code", "编码规则"),  # another region
    ({"code": "640100-001-01-001-00"}, "code", "编码规则"),  # type digits differ from 02
    ({"code": "640100-01-02-001-00"}, "code", "编码规则"),
    ({"type_code": "99"}, "type_code", "未知的职权类型"),
    ({"basis": []}, "basis", "至少应有一项依据"),
    ({"basis": [{"rank": "通知", "title": "某通知"}]}, "basis", "效力层级"),
    ({"levels": ["市", "村"]}, "levels", "不能是：村"),
    ({"levels": []}, "levels", "请填写行使层级"),
    ({"supervision_phone": "12345678"}, "supervision_phone", "区号-号码"),
    ({"supervision_phone": "13912345678"}, "supervision_phone", "区号-号码"),
    ({"subject_nature": "受委托组织"}, "entrusting_org", "委托机关"),
    ({"name": ""}, "name", "事项名称"),
])  # fmt: skip
def test_bad_item_refused_and_nothing_saved(org: Any, over: dict, field: str, words: str) -> None:
    before = AuditEntry.objects.count()
    message = refused(services.draft_power, field, by=SYSTEM, org=org, data=power_data(**over))
    assert words in message
    assert not PowerItem.objects.exists() and not PowerVersion.objects.exists()
    assert AuditEntry.objects.count() == before


def test_code_pattern_is_a_setting(org: Any, settings: Any) -> None:
    settings.GONGKAI_LISTS_CODE_PATTERN = "{region}{type}SSSS"
    item = services.draft_power(by=SYSTEM, org=org, data=power_data(code="640100020001"))
    assert item.code == "640100020001"


def test_codes_never_reused_even_after_cancel(org: Any) -> None:
    item = power(org, 1)
    adjust(item, "cancel", trigger_on=D(2025, 11, 3), applied_on=D(2025, 11, 4),
           approved_on=D(2025, 11, 5), published_on=D(2025, 11, 6))  # fmt: skip
    assert PowerItem.objects.get(pk=item.pk).status == "cancelled"
    assert "不得再用" in refused(
        services.draft_power, "code", by=SYSTEM, org=org, data=power_data(1)
    )


def test_basis_sorted_highest_rank_first(org: Any) -> None:
    item = power(org, basis=[{"rank": "规章", "title": "B"}, {"rank": "法律", "title": "A"}])
    assert [b["title"] for b in item.versions.get().basis] == ["A", "B"]


def test_editor_drafts_reviewer_publishes(org: Any, editor: Any, reviewer: Any) -> None:
    item = services.draft_power(by=editor, org=org, data=power_data())
    with pytest.raises(PermissionDenied):
        services.publish_power(item, by=editor)
    services.publish_power(item, by=reviewer)
    assert PowerItem.objects.get(pk=item.pk).status == "published"
    with pytest.raises(PermissionDenied):
        services.draft_power(by=reviewer, org=org, data=power_data(2))


def test_identifier_in_free_text_blocks_publishing_until_kept_with_reason(org: Any) -> None:
    item = services.draft_power(by=SYSTEM, org=org, data=power_data(
        supervision="联系人张三，手机13912345678"))  # fmt: skip
    assert "个人信息" in refused(services.publish_power, "supervision", item, by=SYSTEM)
    services.update_power_draft(item, by=SYSTEM, data={"pii_kept_reason": "经审查为公开的举报电话"})
    services.publish_power(item, by=SYSTEM)
    assert PowerItem.objects.get(pk=item.pk).status == "published"


def test_published_item_changes_only_by_adjustment(org: Any) -> None:
    item = power(org)
    with pytest.raises(Conflict):
        services.update_power_draft(item, by=SYSTEM, data={"name": "新名称"})


# --- clocks ----------------------------------------------------------------------------------


def test_due_dates_across_national_day_and_make_up_days(org: Any) -> None:
    """2025: 10-01…10-08 off, Sunday 09-28 and Saturday 10-11 are working days (调休)."""
    item = power(org)
    a = adjust(item, "modify", trigger_on=D(2025, 9, 26), applied_on=D(2025, 9, 30),
               changes={"name": "对未按规定公示年度报告的处罚"})  # fmt: skip
    # trigger 09-26 (Fri): 09-28, 29, 30, 10-09, 10, 11, 13, 14, 15, 16 → the 10th is 10-16
    assert a.apply_due_on == D(2025, 10, 16)
    # applied 09-30: 10-09, 10, 11 (调休), 13…17, 20…24, 27, 28 → the 15th is 10-28
    assert a.review_due_on == D(2025, 10, 28)
    services.approve_adjustment(a, by=SYSTEM, approved_on=D(2025, 9, 30))
    a.refresh_from_db()
    # approved 09-30 (Tue): 10-09, 10-10, 10-11 (Saturday, 调休) → 10-11
    assert a.publish_due_on == D(2025, 10, 11)


def test_late_names_each_stage(org: Any) -> None:
    item = power(org)
    # applied 12 working days after the trigger (late), approved in time, published late
    a = adjust(item, "modify", trigger_on=D(2025, 11, 3), applied_on=D(2025, 11, 19),
               approved_on=D(2025, 11, 20), published_on=D(2025, 11, 28),
               changes={"name": "新名称"})  # fmt: skip
    assert a.apply_due_on == D(2025, 11, 17)
    assert a.publish_due_on == D(2025, 11, 25)
    assert selectors.late(a, TODAY) == ["apply", "publish"]
    other = power(org, 2)
    b = adjust(other, "cancel", trigger_on=D(2025, 10, 20), applied_on=D(2025, 10, 21))
    assert b.review_due_on == D(2025, 11, 11)
    assert selectors.late(b, TODAY) == ["review"]  # open past its due date
    rows = selectors.overdue(Adjustment.objects.all(), TODAY)
    assert [(r.adjustment.pk, r.stage, r.due_on) for r in rows] == [
        (b.pk, "review", D(2025, 11, 11))
    ]


def test_limits_are_settings(org: Any, settings: Any) -> None:
    settings.GONGKAI_LISTS_APPLY_DAYS = 1
    a = adjust(power(org), "cancel", trigger_on=D(2025, 11, 28), applied_on=D(2025, 11, 28))
    assert a.apply_due_on == D(2025, 12, 1)


@pytest.mark.parametrize(("dates", "field", "words"), [
    ({"trigger_on": D(2025, 12, 2)}, "trigger_on", "不能晚于今天"),
    ({"applied_on": D(2025, 12, 2)}, "applied_on", "不能晚于今天"),
    ({"trigger_on": D(2025, 11, 10), "applied_on": D(2025, 11, 9)}, "applied_on", "不能早于触发日期"),
    ({"trigger_on": "2025-13-01"}, "trigger_on", "YYYY-MM-DD"),
])  # fmt: skip
def test_bad_adjustment_dates(org: Any, dates: dict, field: str, words: str) -> None:
    item = power(org)
    data = {"item_code": item.code, "change": "cancel", "trigger": "law", "basis_doc": "决定",
            "trigger_on": D(2025, 11, 3), "applied_on": D(2025, 11, 4), **dates}  # fmt: skip
    assert words in refused(services.create_adjustment, field, by=SYSTEM, data=data)
    assert not Adjustment.objects.exists()


def test_approval_and_publication_keep_their_order(org: Any) -> None:
    a = adjust(power(org), "cancel", trigger_on=D(2025, 11, 3), applied_on=D(2025, 11, 10))
    assert "不能早于申请日期" in refused(services.approve_adjustment, "approved_on", a, by=SYSTEM,
                                          approved_on=D(2025, 11, 9))  # fmt: skip
    assert "不能晚于今天" in refused(services.approve_adjustment, "approved_on", a, by=SYSTEM,
                                        approved_on=D(2025, 12, 2))  # fmt: skip
    with pytest.raises(Conflict):  # not approved yet
        services.publish_adjustment(a, by=SYSTEM, published_on=D(2025, 11, 20))
    services.approve_adjustment(a, by=SYSTEM, approved_on=D(2025, 11, 12))
    assert "不能早于批准日期" in refused(services.publish_adjustment, "published_on", a, by=SYSTEM,
                                          published_on=D(2025, 11, 11))  # fmt: skip
    with pytest.raises(Conflict):
        services.approve_adjustment(a, by=SYSTEM, approved_on=D(2025, 11, 12))


def test_adjustment_bad_kinds(org: Any) -> None:
    item = power(org)
    base = {"item_code": item.code, "trigger": "law", "basis_doc": "决定",
            "trigger_on": D(2025, 11, 3), "applied_on": D(2025, 11, 4)}  # fmt: skip
    refused(services.create_adjustment, "change", by=SYSTEM, data={**base, "change": "撤销"})
    refused(services.create_adjustment, "item_code", by=SYSTEM, data={**base, "change": "add"})
    refused(services.create_adjustment, "changes", by=SYSTEM, data={**base, "change": "下放"})
    refused(services.create_adjustment, "changes.levels", by=SYSTEM,
            data={**base, "change": "下放", "changes": {"levels": ["村"]}})  # fmt: skip
    refused(services.create_adjustment, "item_code", by=SYSTEM,
            data={**base, "change": "cancel", "item_code": "640100-001-02-999-00"})  # fmt: skip
    adjust(item, "cancel", trigger_on=D(2025, 11, 3), applied_on=D(2025, 11, 4))
    with pytest.raises(Conflict):  # one open adjustment per item
        services.create_adjustment(by=SYSTEM, data={**base, "change": "cancel"})


def test_other_org_cannot_adjust(org: Any, other_org: Any) -> None:
    from gongkai.accounts.models import Role
    from gongkai.conftest import staff

    outsider = staff(other_org, Role.ADMIN)
    item = power(org)
    data = {"item_code": item.code, "change": "cancel", "trigger": "law", "basis_doc": "决定",
            "trigger_on": D(2025, 11, 3), "applied_on": D(2025, 11, 4)}  # fmt: skip
    assert "未找到" in refused(services.create_adjustment, "item_code", by=outsider, data=data)


# --- versions, as-of ---------------------------------------------------------------------------


def test_modify_keeps_old_version_for_past_days(org: Any) -> None:
    item = power(org, on=D(2025, 1, 2))
    adjust(item, "modify", trigger_on=D(2025, 11, 3), applied_on=D(2025, 11, 4),
           approved_on=D(2025, 11, 5), published_on=D(2025, 11, 6),
           changes={"name": "对未按规定公示年度报告的处罚"})  # fmt: skip
    assert selectors.public_power(item.code, D(2025, 11, 5)).name == "对未按规定公示信息的处罚1"
    assert selectors.public_power(item.code, D(2025, 11, 6)).name == "对未按规定公示年度报告的处罚"
    assert selectors.public_power(item.code, D(2025, 1, 1)) is None  # before it existed
    versions = selectors.public_versions(item)
    assert [(v.version, v.valid_from, v.valid_to) for v in versions] == [
        (1, D(2025, 1, 2), D(2025, 11, 5)), (2, D(2025, 11, 6), None)]  # fmt: skip
    assert PowerItem.objects.get(pk=item.pk).name == "对未按规定公示年度报告的处罚"


def test_delegate_changes_levels(org: Any) -> None:
    item = power(org, levels=["市"])
    adjust(item, "delegate", trigger_on=D(2025, 11, 3), applied_on=D(2025, 11, 4),
           approved_on=D(2025, 11, 5), published_on=D(2025, 11, 6), changes={"levels": ["县"]})  # fmt: skip
    assert selectors.public_power_versions(on=TODAY, level="县").count() == 1
    assert selectors.public_power_versions(on=TODAY, level="市").count() == 0
    assert selectors.public_power_versions(on=D(2025, 11, 5), level="市").count() == 1


def test_add_publishes_a_drafted_item(org: Any) -> None:
    item = power(org, publish=False)
    assert selectors.public_item(item.code) is None
    adjust(item, "add", trigger_on=D(2025, 11, 3), applied_on=D(2025, 11, 4),
           approved_on=D(2025, 11, 5), published_on=D(2025, 11, 6))  # fmt: skip
    assert selectors.public_power(item.code, TODAY).valid_from == D(2025, 11, 6)
    assert Entry.objects.filter(key=services.power_search_key(item)).exists()


def test_cancel_removes_item_from_public_places_but_notice_stays(org: Any) -> None:
    item = power(org)
    assert Entry.objects.filter(key=services.power_search_key(item)).exists()
    a = adjust(item, "cancel", trigger_on=D(2025, 11, 3), applied_on=D(2025, 11, 4),
               approved_on=D(2025, 11, 5), published_on=D(2025, 11, 6))  # fmt: skip
    assert not Entry.objects.filter(key=services.power_search_key(item)).exists()
    assert selectors.public_item(item.code) is None
    assert not selectors.public_power_versions(on=TODAY).exists()
    assert list(selectors.public_adjustments()) == [a]


def test_every_change_is_audited(org: Any) -> None:
    before = AuditEntry.objects.count()
    item = power(org)
    adjust(item, "cancel", trigger_on=D(2025, 11, 3), applied_on=D(2025, 11, 4),
           approved_on=D(2025, 11, 5), published_on=D(2025, 11, 6))  # fmt: skip
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True)[before:])
    assert actions == ["power.draft", "power.publish", "adjustment.apply", "adjustment.approve",
                       "adjustment.publish"]  # fmt: skip


DATES = {"trigger_on": D(2025, 11, 3), "applied_on": D(2025, 11, 4)}


def test_accept_publishes_an_item_taken_over_from_a_higher_level(org: Any) -> None:
    """承接 (local kind, §1.4): a drafted item goes public on a higher level's 下放 decision."""
    item = power(org, publish=False)
    assert "上级" in refused(adjust, "trigger", item, "accept", **DATES)
    a = adjust(item, "accept", trigger="higher", approved_on=D(2025, 11, 5),
               published_on=D(2025, 11, 6), **DATES)  # fmt: skip
    item.refresh_from_db()
    assert item.status == "published" and a.get_change_display() == "承接"
    assert selectors.public_power(item.code, TODAY) is not None
    assert Entry.objects.filter(key=services.power_search_key(item)).exists()
    assert "承接" in refused(adjust, "item_code", item, "accept", trigger="higher", **DATES)


def test_merge_closes_the_item_and_names_the_one_it_joins(org: Any, other_org: Any) -> None:
    """合并 (local kind, §1.4): like 取消 the item leaves every public place; the notice says
    which public item of the same department it was merged into."""
    from django.test import Client

    kept, merged = power(org, 1), power(org, 2)
    foreign = power(other_org, 3, code="640100-001-02-003-00")
    secret = power(org, 4, secret=True)
    assert "into" in refused(adjust, "changes", merged, "merge", **DATES)
    for into in (merged.code, foreign.code, secret.code, "640100-001-02-999-00"):
        assert "已公布的公开事项" in refused(adjust, "changes.into", merged, "merge",
                                             changes={"into": into}, **DATES)  # fmt: skip
    assert not Adjustment.objects.filter(item=merged).exists()
    adjust(merged, "merge", changes={"into": kept.code}, approved_on=D(2025, 11, 5),
           published_on=D(2025, 11, 6), **DATES)  # fmt: skip
    merged.refresh_from_db()
    assert merged.status == "cancelled"
    assert selectors.public_item(merged.code) is None
    assert not Entry.objects.filter(key=services.power_search_key(merged)).exists()
    assert selectors.public_item(kept.code) is not None
    page = Client().get("/lists/adjustments/").content.decode()
    assert "合并" in page and f"并入 {kept.code}" in page
    item = Client().get("/api/v1/lists/adjustments").json()["items"][0]
    assert (item["change"], item["merged_into"]) == ("合并", kept.code)


def test_local_kinds_are_a_tenant_setting(org: Any, settings: Any) -> None:
    settings.GONGKAI_LISTS_LOCAL_CHANGES = []
    item = power(org, publish=False)
    assert "本地未启用" in refused(adjust, "change", item, "accept", trigger="higher", **DATES)
    assert "本地未启用" in refused(adjust, "change", power(org, 2), "merge",
                                  changes={"into": "x"}, **DATES)  # fmt: skip


def test_a_county_licence_takes_its_name_from_the_city_list(settings: Any) -> None:
    """2号 (§1.4): a 行政许可 of a district is published only under a name of the city's list
    (the city government and its departments), in the service and in an import; with no city
    list here, or the rule off, nothing is checked."""
    from gongkai.conftest import OrganizationFactory

    from .conftest import licence

    city = OrganizationFactory(
        code="city", name="测试市人民政府", level="city", region_code="640100"
    )
    dept = OrganizationFactory(
        code="scj", name="测试市市场监督管理局", parent=city, region_code="640100"
    )
    district = OrganizationFactory(code="xq", name="测试市西区人民政府", level="district", parent=city,
                                   region_code="640102")  # fmt: skip
    own = licence(
        district, 1, name="临时占用绿地许可", code="640102-001-01-001-00"
    )  # no city list yet
    assert own.status == "published"
    licence(dept, 1, name="食品经营许可", code="640100-001-01-001-00")
    same = licence(district, 2, name="食品经营许可", code="640102-001-01-002-00")
    assert same.status == "published"
    draft = power(district, 3, type_code="01", name="户外广告设施设置许可", publish=False,
                  code="640102-001-01-003-00")  # fmt: skip
    message = refused(services.publish_power, "name", draft, by=SYSTEM)
    assert "2号" in message and "户外广告设施设置许可" in message
    assert PowerItem.objects.get(pk=draft.pk).status == "draft"
    settings.GONGKAI_LISTS_UPPER_LICENCE_RULE = False
    services.publish_power(draft, by=SYSTEM)
    assert PowerItem.objects.get(pk=draft.pk).status == "published"


def test_an_import_row_outside_the_city_list_is_a_row_error() -> None:
    import io

    from openpyxl import Workbook

    from gongkai.conftest import OrganizationFactory
    from gongkai.lists import tabular

    from .conftest import licence

    city = OrganizationFactory(
        code="city", name="测试市人民政府", level="city", region_code="640100"
    )
    licence(city, 1, name="食品经营许可", code="640100-001-01-001-00")
    district = OrganizationFactory(code="xq", name="测试市西区人民政府", level="district", parent=city,
                                   region_code="640102")  # fmt: skip
    wb = Workbook()
    ws = wb.active
    ws.append(tabular.STAFF_POWER_COLUMNS)
    for n, name in ((1, "食品经营许可"), (2, "户外广告设施设置许可")):
        ws.append([f"640102-001-01-00{n}-00", name, "", "行政许可", "【法律】《中华人民共和国食品安全法》第三十五条：条文",
                   "测试市西区人民政府", "法定行政机关", "", "", "县", "受理：依法受理", "", "", "0951-12345678", "",
                   "否"])  # fmt: skip
    buf = io.BytesIO()
    wb.save(buf)
    report = services.import_table("power", org=district, data=buf.getvalue(), by=SYSTEM)
    assert [(e["row"], e["column"]) for e in report["errors"]] == [(3, "事项名称")]
    assert not PowerItem.objects.filter(org=district).exists()
