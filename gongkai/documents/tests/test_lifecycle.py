"""Government information through its lifecycle: rules of the services, versions, 索引号, audit."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import SYSTEM
from gongkai.audit.models import AuditEntry
from gongkai.audit.selectors import verify_chain
from gongkai.conftest import OrganizationFactory, make_document, staff
from gongkai.documents import services
from gongkai.documents.models import Document, IndexSerial, InfoCategory
from gongkai.lib.errors import Conflict

pytestmark = pytest.mark.django_db


def _draft(org: Any, **data: Any) -> Document:
    return make_document(org, state="draft", **data)


def test_lifecycle_with_versions_and_audit(org: Any) -> None:
    editor, reviewer = staff(org, Role.EDITOR), staff(org, Role.REVIEWER)
    doc = services.create_document(
        by=editor, org=org,
        data={"title": "关于印发《示范市政务公开工作要点》的通知", "body_html": "<p>正文</p>",
              "category": InfoCategory.objects.get(code="notice"), "doc_number": "示政办发[2024]3号"},
    )  # fmt: skip
    assert (
        doc.status == "draft" and doc.doc_number == "示政办发〔2024〕3号" and doc.index_no is None
    )
    services.update_document(
        doc, by=editor, data={"title": "关于印发《示范市2024年政务公开工作要点》的通知"}
    )
    services.submit(doc, by=editor)
    with pytest.raises(Conflict):
        services.update_document(doc, by=editor, data={"title": "改"})
    with pytest.raises(PermissionDenied):
        services.publish(doc, by=editor)  # 先审查、后公开: the drafter cannot publish
    services.publish(doc, by=reviewer, today=dt.date(2024, 5, 6))
    doc.refresh_from_db()
    assert doc.status == "published" and doc.published_on == dt.date(2024, 5, 6)
    assert doc.index_no == "640100-141/2024-00001"
    services.withdraw(doc, by=reviewer, reason="内容有误")
    services.update_document(doc, by=editor, data={"summary": "更正后重新发布"})
    services.submit(doc, by=editor)
    services.publish(doc, by=reviewer)
    doc.refresh_from_db()
    assert doc.index_no == "640100-141/2024-00001"  # never changed once assigned
    statuses = list(doc.versions.order_by("number").values_list("status", flat=True))
    assert statuses == [
        "draft",
        "draft",
        "pending",
        "published",
        "withdrawn",
        "withdrawn",
        "pending",
        "published",
    ]
    assert doc.versions.get(number=1).data["title"] == "关于印发《示范市政务公开工作要点》的通知"
    actions = list(
        AuditEntry.objects.filter(object_type="documents.document", object_id=str(doc.pk))
        .order_by("seq")
        .values_list("action", "actor")
    )
    assert actions[0] == ("document.create", editor.username)
    assert ("document.publish", reviewer.username) in actions
    update = (
        AuditEntry.objects.filter(action="document.update", object_id=str(doc.pk))
        .order_by("seq")
        .first()
    )
    assert update is not None and update.before == {
        "title": "关于印发《示范市政务公开工作要点》的通知"
    }
    assert verify_chain()[1] == []


def test_reviewer_can_return_a_submission_with_a_reason(org: Any) -> None:
    reviewer = staff(org, Role.REVIEWER)
    doc = make_document(org, state="pending")
    with pytest.raises(ValidationError):
        services.return_to_draft(doc, by=reviewer, reason=" ")
    services.return_to_draft(doc, by=reviewer, reason="请补充文号")
    doc.refresh_from_db()
    assert doc.status == "draft"


@pytest.mark.parametrize("attribute", ["on_request", "redacted", "withheld"])
def test_non_proactive_disclosure_needs_a_reason(org: Any, attribute: str) -> None:
    with pytest.raises(ValidationError) as e:
        _draft(org, disclosure_attribute=attribute, public_body_html="<p>公开版</p>")
    assert "disclosure_reason" in e.value.message_dict


def test_redacted_disclosure_needs_a_public_version(org: Any) -> None:
    with pytest.raises(ValidationError) as e:
        _draft(org, disclosure_attribute="redacted", disclosure_reason="含个人信息")
    assert "public_body_html" in e.value.message_dict


def test_fields_are_validated_with_named_errors(org: Any, other_org: Any) -> None:
    with pytest.raises(ValidationError) as e:
        _draft(org, title=" ", doc_number="第几号", written_on=dt.date(2024, 5, 1), published_on=dt.date(2024, 4, 1),
               effective_on=dt.date(2024, 5, 1), expires_on=dt.date(2024, 1, 1))  # fmt: skip
    assert set(e.value.message_dict) >= {"title", "doc_number", "published_on", "expires_on"}


def test_hostile_html_is_neutralised_when_saved(org: Any) -> None:
    doc = _draft(
        org,
        body_html='<p onclick="x()">正文<script>alert(1)</script><a href="javascript:x()">链</a></p>',
    )
    assert (
        "script" not in doc.body_html
        and "onclick" not in doc.body_html
        and "javascript" not in doc.body_html
    )
    assert "正文" in doc.body_html


def test_normative_documents_default_to_valid_and_lapse_by_date(org: Any) -> None:
    doc = make_document(
        org,
        category="normative",
        effective_on=dt.date(2020, 1, 1),
        expires_on=dt.date(2024, 12, 31),
    )
    assert doc.validity == "valid"
    assert services.lapse_validity(today=dt.date(2024, 12, 31)) == 0
    assert services.lapse_validity(today=dt.date(2025, 1, 1)) == 1
    doc.refresh_from_db()
    assert doc.validity == "expired"
    entry = AuditEntry.objects.get(action="document.lapse")
    assert entry.actor == "系统" and entry.after["validity"] == "expired"
    assert services.lapse_validity(today=dt.date(2025, 1, 2)) == 0


def test_the_daily_task_lapses_and_schedules_itself(org: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    from gongkai.documents import tasks

    doc = make_document(
        org, category="normative", expires_on=dt.date(2020, 1, 1), effective_on=dt.date(2019, 1, 1)
    )
    assert tasks.lapse_validity_daily.call() == 1
    doc.refresh_from_db()
    assert doc.validity == "expired"
    assert (
        DBTaskResult.objects.filter(
            task_path=tasks.lapse_validity_daily.module_path, status="READY"
        ).count()
        == 1
    )
    tasks.schedule_daily()  # a second schedule does not duplicate
    assert DBTaskResult.objects.filter(status="READY").count() == 1


def test_index_serials_count_per_org_and_year_and_skip_imported_numbers(
    org: Any, other_org: Any
) -> None:
    a1 = make_document(org, published_on=dt.date(2024, 1, 5))
    a2 = make_document(org, published_on=dt.date(2024, 2, 5))
    b1 = make_document(other_org, published_on=dt.date(2024, 2, 5))
    a3 = make_document(org, published_on=dt.date(2025, 1, 5))
    assert [a1.index_no, a2.index_no, b1.index_no, a3.index_no] == [
        "640100-141/2024-00001", "640100-141/2024-00002", "640100-142/2024-00001", "640100-141/2025-00001",
    ]  # fmt: skip
    Document.objects.filter(pk=_draft(org).pk).update(
        index_no="640100-141/2025-00002"
    )  # as an import would
    assert make_document(org, published_on=dt.date(2025, 3, 1)).index_no == "640100-141/2025-00003"


def test_monthly_index_format(db: Any) -> None:
    org = OrganizationFactory(
        credit_code="11341702486344515H",
        index_format="{统一社会信用代码}/{year}{month:02d}-{seq:05d}",
    )
    doc = make_document(org, published_on=dt.date(2021, 10, 9))
    assert doc.index_no == "11341702486344515H/202110-00001"


def test_a_publication_that_fails_midway_consumes_no_serial(org: Any, monkeypatch: Any) -> None:
    reviewer = staff(org, Role.REVIEWER)
    doc = make_document(org, state="pending", published_on=dt.date(2024, 6, 1))
    from gongkai.documents import services as svc

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(svc, "_transition", broken)
    with pytest.raises(RuntimeError):
        services.publish(doc, by=reviewer)
    doc.refresh_from_db()
    assert doc.status == "pending" and doc.index_no is None
    assert not IndexSerial.objects.filter(org=org, last__gt=0).exists()
    monkeypatch.undo()
    services.publish(doc, by=reviewer)
    doc.refresh_from_db()
    assert doc.index_no == "640100-141/2024-00001"


def test_attachments_are_checked_and_versioned(org: Any) -> None:
    editor = staff(org, Role.EDITOR)
    doc = _draft(org)
    pdf = SimpleUploadedFile("实施方案.pdf", b"%PDF-1.7\n%%EOF\n", content_type="application/pdf")
    att = services.add_attachment(doc, by=editor, upload=pdf)
    assert att.size == 15 and att.content_type == "application/pdf" and len(att.sha256) == 64
    disguised = SimpleUploadedFile("通知.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(ValidationError, match="与扩展名"):
        services.add_attachment(doc, by=editor, upload=disguised)
    doc.refresh_from_db()
    assert doc.attachments.count() == 1
    assert doc.versions.order_by("-number").first().data["attachments"][0]["name"] == "实施方案.pdf"


def test_oversized_upload_is_refused(org: Any, settings: Any) -> None:
    settings.GONGKAI_ATTACHMENT_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="超过上限"):
        services.add_attachment(
            _draft(org), by=SYSTEM, upload=SimpleUploadedFile("大.pdf", b"%PDF-" + b"0" * 2000)
        )


def test_directory_items_belong_to_their_organisation(org: Any, other_org: Any) -> None:
    from gongkai.documents.models import DirectoryItem

    item = services.save_directory_item(DirectoryItem(org=other_org, name="财政预决算"), by=SYSTEM)
    assert item.time_limit == "信息形成或变更之日起20个工作日内" and item.scope == "public"
    with pytest.raises(ValidationError) as e:
        _draft(org, directory_item=item)
    assert "directory_item" in e.value.message_dict
