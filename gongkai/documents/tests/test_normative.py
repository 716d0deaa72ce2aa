"""行政规范性文件 (gazette-catalog spec §2): term limits, 登记号 numbering, renewal, lapse dates,
需修改 deadlines, expiry reminders and the one-transaction 清理 (last item fails → nothing changed)."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import SYSTEM
from gongkai.audit.models import AuditEntry
from gongkai.conftest import OrganizationFactory, make_document, staff
from gongkai.documents import normative, selectors, services
from gongkai.documents.models import CleanupItem, Document, NormativeReminder
from gongkai.lib.errors import Conflict

pytestmark = pytest.mark.django_db
D = dt.date


def norm(org: Any, state: str = "published", **kw: Any) -> Document:
    kw.setdefault("effective_on", D(2025, 3, 1))
    kw.setdefault("expires_on", D(2030, 2, 28))
    kw.setdefault("published_on", D(2025, 2, 20))
    return make_document(org, state, category="normative", **kw)


def test_term_limit_is_five_years_and_two_for_trial() -> None:
    assert normative.latest_end(D(2025, 3, 1), trial=False) == D(2030, 2, 28)
    assert normative.latest_end(D(2024, 2, 29), trial=True) == D(2026, 2, 27)
    assert normative.term_errors(D(2025, 3, 1), D(2030, 2, 28), False) == {}
    assert "expires_on" in normative.term_errors(D(2025, 3, 1), D(2030, 3, 1), False)
    assert "expires_on" in normative.term_errors(D(2025, 3, 1), D(2027, 3, 1), True)
    assert set(normative.term_errors(None, None, False)) == {"effective_on", "expires_on"}


def test_publishing_needs_a_term_within_the_limit(org: Any) -> None:
    doc = make_document(org, "pending", category="normative", effective_on=None, expires_on=None)
    with pytest.raises(ValidationError) as e:
        services.publish(doc, by=SYSTEM)
    assert {"effective_on", "expires_on"} <= set(e.value.message_dict)
    doc.refresh_from_db()
    assert doc.status == "pending" and doc.reg_no is None and doc.index_no is None
    with pytest.raises(ValidationError) as e:
        norm(org, "draft", is_trial=True, title="示范市停车管理暂行办法")
    assert "2年" in e.value.message_dict["expires_on"][0]


def test_settings_change_the_limit(org: Any, settings: Any) -> None:
    settings.GONGKAI_NORMATIVE_MAX_YEARS = 3
    with pytest.raises(ValidationError):
        norm(org, "draft")


def test_reg_no_per_org_and_year_never_reused(org: Any, other_org: Any) -> None:
    a = norm(org)
    b = norm(org)
    c = norm(other_org)
    assert (a.reg_no, b.reg_no, c.reg_no) == ("141-2025-0001", "141-2025-0002", "142-2025-0001")
    services.withdraw(b, by=SYSTEM, reason="调整")
    services.submit(b, by=SYSTEM)
    services.publish(b, by=SYSTEM)
    b.refresh_from_db()
    assert b.reg_no == "141-2025-0002"  # kept through withdraw and republish
    assert norm(org).reg_no == "141-2025-0003"
    assert make_document(org, category="notice").reg_no is None  # only normative documents


def test_a_failed_publication_takes_no_reg_no(org: Any) -> None:
    doc = norm(org, "pending")
    Document.objects.filter(pk=doc.pk).update(expires_on=D(2031, 1, 1))  # past the limit
    with pytest.raises(ValidationError):
        services.publish(doc, by=SYSTEM)
    assert norm(org).reg_no == "141-2025-0001"


def test_tenant_format(org: Any, settings: Any) -> None:
    settings.GONGKAI_REG_NO_FORMAT = "SFPR-{year}-{机构代码}{seq:06d}"
    assert norm(org).reg_no == "SFPR-2025-141000001"


def test_renew_gives_a_new_reg_no_and_term_and_restores_force(org: Any) -> None:
    reviewer, editor = staff(org, Role.REVIEWER), staff(org, Role.EDITOR)
    doc = norm(org)
    old = doc.reg_no
    services.lapse_validity(today=D(2030, 3, 1))
    doc.refresh_from_db()
    assert doc.validity == "expired"
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.renew(doc, by=editor, effective_on=D(2030, 3, 1), expires_on=D(2035, 2, 28))
    with pytest.raises(ValidationError):
        services.renew(doc, by=reviewer, effective_on=D(2030, 3, 1), expires_on=D(2035, 3, 1))
    services.renew(doc, by=reviewer, effective_on=D(2030, 3, 1), expires_on=D(2035, 2, 28))
    doc.refresh_from_db()
    assert doc.validity == "valid" and doc.reg_no == "141-2030-0001" != old
    entry = AuditEntry.objects.get(action="document.renew")
    assert entry.before["reg_no"] == old and entry.after["reg_no"] == doc.reg_no


def test_lapse_on_the_day_after_expiry(org: Any) -> None:
    doc = norm(org, effective_on=D(2024, 1, 1), expires_on=D(2025, 12, 31), is_trial=True)
    assert services.lapse_validity(today=D(2025, 12, 31)) == 0
    assert services.lapse_validity(today=D(2026, 1, 1)) == 1
    doc.refresh_from_db()
    assert doc.validity == "expired"
    assert list(selectors.public_normative_current(D(2026, 1, 1))) == []
    assert selectors.public_document(doc.pk) is not None  # still public, with its status


def test_current_list_excludes_expired_even_before_the_task(org: Any) -> None:
    doc = norm(org)
    assert list(selectors.public_normative_current(D(2030, 2, 28))) == [doc]
    assert list(selectors.public_normative_current(D(2030, 3, 1))) == []


def test_reminders_six_months_before_then_monthly(org: Any) -> None:
    editor = staff(org, Role.EDITOR, email="editor@example.org")
    staff(org, Role.REVIEWER, email="reviewer@example.org")
    doc = norm(org)  # expires 2030-02-28
    assert services.send_expiry_reminders(today=D(2029, 8, 27)) == 0
    assert services.send_expiry_reminders(today=D(2029, 8, 28)) == 1
    assert services.send_expiry_reminders(today=D(2029, 8, 28)) == 0  # one per day at most
    assert services.send_expiry_reminders(today=D(2029, 9, 27)) == 0
    assert services.send_expiry_reminders(today=D(2029, 9, 28)) == 1
    assert [m.to for m in mail.outbox] == [[editor.email], [editor.email]]
    assert NormativeReminder.objects.filter(document=doc).count() == 2
    reviewer = staff(org, Role.REVIEWER)
    services.renew(doc, by=reviewer, effective_on=D(2029, 10, 1), expires_on=D(2034, 9, 30))
    assert services.send_expiry_reminders(today=D(2029, 10, 28)) == 0  # renewed: stops


def test_the_daily_task_sends_reminders(org: Any) -> None:
    from gongkai.documents import tasks

    staff(org, Role.EDITOR, email="e@example.org")
    norm(org)
    with time_machine.travel(dt.datetime(2029, 9, 1, 9, tzinfo=dt.UTC), tick=False):
        assert tasks.lapse_validity_daily.call() == 0
    assert NormativeReminder.objects.count() == 1 and len(mail.outbox) == 1


# --- 清理 -------------------------------------------------------------------------------------------
def _cleanup(org: Any, docs: list[Document], results: list[dict[str, Any]]) -> Any:
    notice = make_document(org, "pending", title="关于公布规范性文件清理结果的通知")
    items = [{"document": d, **r} for d, r in zip(docs, results, strict=True)]
    return services.save_cleanup(by=SYSTEM, org=org, title="2026年规范性文件清理", notice=notice,
                                 items=items)  # fmt: skip


def test_publish_cleanup_changes_every_document_and_the_notice(org: Any) -> None:
    docs = [norm(org, title=f"办法{n}") for n in range(4)]
    ex = _cleanup(org, docs, [
        {"result": "continue"}, {"result": "expire"}, {"result": "repeal", "lapses_on": D(2026, 1, 1)},
        {"result": "amend", "amend_by": D(2026, 9, 30)},
    ])  # fmt: skip
    services.publish_cleanup(ex, by=SYSTEM, today=D(2026, 3, 1))
    v = {
        d.title: (d.validity, d.expires_on, d.amend_by)
        for d in Document.objects.filter(pk__in=[d.pk for d in docs])
    }
    assert v == {
        "办法0": ("valid", D(2030, 2, 28), None),
        "办法1": ("expired", D(2026, 2, 28), None),
        "办法2": ("repealed", D(2025, 12, 31), None),
        "办法3": ("valid", D(2030, 2, 28), D(2026, 9, 30)),
    }
    ex.refresh_from_db()
    assert ex.status == "published" and ex.notice.status == "published"
    lists = selectors.public_cleanup_lists(ex)
    assert [len(lists.continued), len(lists.repealed), len(lists.to_amend)] == [1, 2, 1]
    # 需修改 stays in force until amend_by, then lapses
    assert services.lapse_validity(today=D(2026, 9, 30)) == 0
    assert services.lapse_validity(today=D(2026, 10, 1)) == 1
    assert Document.objects.get(title="办法3").validity == "expired"


def test_cleanup_writes_a_version_an_audit_entry_and_search_for_each_change(org: Any) -> None:
    from gongkai.audit.selectors import verify_chain
    from gongkai.search.models import Entry

    docs = [norm(org, title=f"规定{n}") for n in range(3)]
    versions = {d.pk: d.version for d in docs}
    ex = _cleanup(org, docs, [{"result": "continue"}, {"result": "repeal"},
                              {"result": "amend", "amend_by": D(2026, 9, 30)}])  # fmt: skip
    before = AuditEntry.objects.count()
    services.publish_cleanup(ex, by=SYSTEM, today=D(2026, 3, 1))
    rows = {d.pk: d for d in Document.objects.filter(pk__in=versions)}
    assert [rows[d.pk].version - versions[d.pk] for d in docs] == [0, 1, 1]
    last = [rows[d.pk].versions.order_by("-number").first() for d in docs[1:]]
    assert [(v.number, v.note, v.data["validity"]) for v in last] == [
        (rows[docs[1].pk].version, "清理：废止", "repealed"),
        (rows[docs[2].pk].version, "清理：需修改后重新发布", "valid"),
    ]
    cleanup = AuditEntry.objects.filter(action="document.cleanup").order_by("seq")
    assert [(e.object_id, e.after["result"]) for e in cleanup] == [
        (str(docs[1].pk), "repeal"), (str(docs[2].pk), "amend"),
    ]  # fmt: skip
    assert AuditEntry.objects.filter(action="cleanup.publish").count() == 1
    assert AuditEntry.objects.count() > before
    assert verify_chain()[1] == []
    assert Entry.objects.get(key=f"doc:{docs[1].pk}").validity == "repealed"


def test_cleanup_is_one_transaction_last_item_fails(org: Any) -> None:
    docs = [norm(org, title=f"办法{n}") for n in range(3)]
    ex = _cleanup(org, docs, [{"result": "expire"}, {"result": "repeal"}, {"result": "expire"}])
    services.withdraw(docs[2], by=SYSTEM, reason="撤回")  # the last item is no longer public
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as e:
        services.publish_cleanup(ex, by=SYSTEM, today=D(2026, 3, 1))
    assert "第3项" in str(e.value)
    assert set(
        Document.objects.filter(pk__in=[d.pk for d in docs[:2]]).values_list("validity", flat=True)
    ) == {"valid"}
    ex.refresh_from_db()
    assert ex.status == "draft" and ex.notice.status == "pending" and ex.notice.index_no is None
    assert AuditEntry.objects.count() == audit_before
    assert selectors.public_cleanup(ex.pk) is None


def test_cleanup_rules(org: Any, other_org: Any) -> None:
    foreign = norm(other_org)
    ex = _cleanup(org, [foreign], [{"result": "expire"}])
    with pytest.raises(ValidationError, match="不属于本机构"):
        services.publish_cleanup(ex, by=SYSTEM, today=D(2026, 3, 1))
    mine = norm(org)
    ex = _cleanup(org, [mine], [{"result": "amend"}])
    with pytest.raises(ValidationError, match="修改期限"):
        services.publish_cleanup(ex, by=SYSTEM, today=D(2026, 3, 1))
    ex = _cleanup(org, [mine], [{"result": "continue"}])
    services.publish_cleanup(ex, by=SYSTEM, today=D(2026, 3, 1))
    with pytest.raises(Conflict):
        services.publish_cleanup(ex, by=SYSTEM, today=D(2026, 3, 1))
    with pytest.raises(ValidationError):
        services.save_cleanup(
            by=SYSTEM, org=org, title="x", items=[{"document": mine, "result": "x"}]
        )
    # a city cleanup may list its departments' documents
    city = OrganizationFactory(level="city", code="city", name="测试市人民政府", org_code="001")
    dept = OrganizationFactory(parent=city, code="dept", name="测试市某局", org_code="002")
    d = norm(dept)
    ex = _cleanup(city, [d], [{"result": "repeal"}])
    services.publish_cleanup(ex, by=SYSTEM, today=D(2026, 3, 1))
    assert Document.objects.get(pk=d.pk).validity == "repealed"
    assert CleanupItem.objects.filter(exercise=ex).count() == 1


def test_rule_category_exists() -> None:
    from gongkai.documents.models import InfoCategory

    rule = InfoCategory.objects.get(code="rule")
    assert rule.name == "政府规章" and not rule.is_normative


def test_normative_due_command(org: Any, other_org: Any) -> None:
    import io
    import json

    from django.core.management import call_command

    soon = norm(org, effective_on=D(2025, 1, 1), expires_on=D(2026, 5, 31))
    norm(org, effective_on=D(2025, 1, 1), expires_on=D(2029, 12, 31))  # not within 183 days
    norm(other_org, effective_on=D(2025, 1, 1), expires_on=D(2026, 4, 30))
    out = io.StringIO()
    with time_machine.travel(dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC), tick=False):
        call_command("normative", "due", "--org", org.code, "--format", "json", stdout=out)
    assert json.loads(out.getvalue()) == [{"document_id": soon.pk, "title": soon.title,
        "reg_no": soon.reg_no, "expires_on": "2026-05-31", "org": org.code}]  # fmt: skip
