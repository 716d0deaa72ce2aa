"""Catalogue rules: who may write, what may be published, overdue updates, audit trail."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gongkai.accounts.permissions import SYSTEM
from gongkai.audit.models import AuditEntry
from gongkai.conftest import staff
from gongkai.lib.errors import Conflict
from gongkai.opendata import selectors, services
from gongkai.opendata.models import Dataset

from .conftest import make_dataset


def test_editor_drafts_reviewer_publishes(org):
    editor = staff(org, "editor")
    reviewer = staff(org, "reviewer")
    ds = services.create_dataset(
        by=editor, org=org, data={"name": "air", "title": "空气质量", "frequency": "daily"}
    )
    assert ds.state == Dataset.State.DRAFT
    with pytest.raises(PermissionDenied):
        services.publish_dataset(ds, by=editor)
    services.publish_dataset(ds, by=reviewer)
    ds.refresh_from_db()
    assert ds.state == Dataset.State.PUBLISHED and ds.published_at
    actions = list(
        AuditEntry.objects.filter(object_id=str(ds.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["opendata.dataset.create", "opendata.dataset.publish"]


def test_foreign_organisation_cannot_write(org, other_org):
    outsider = staff(other_org, "admin")
    with pytest.raises(PermissionDenied):
        services.create_dataset(by=outsider, org=org, data={"name": "x1", "title": "外单位"})
    ds = make_dataset(org, state="draft")
    with pytest.raises(Exception) as exc:
        selectors.staff_dataset(outsider, ds.pk)
    assert "未找到" in str(exc.value)


def test_closed_dataset_is_never_published(org):
    ds = make_dataset(org, state="draft", name="secret", open_level="closed")
    with pytest.raises(Conflict):
        services.publish_dataset(ds, by=SYSTEM)
    open_ds = make_dataset(org, name="open")
    with pytest.raises(Conflict):
        services.update_dataset(open_ds, by=SYSTEM, data={"open_level": "closed"})
    assert not selectors.public_datasets().filter(open_level="closed").exists()


def test_conditions_required_and_clear_errors(org):
    with pytest.raises(ValidationError) as exc:
        services.create_dataset(
            by=SYSTEM, org=org, data={"name": "c", "title": "", "open_level": "conditional"}
        )
    errors = exc.value.message_dict
    assert "有条件开放须说明申请条件" in errors["open_conditions"]
    assert "数据集名称不能为空" in errors["title"]
    assert "标识名" in errors["name"][0]


def test_overdue_flag_follows_frequency(org):
    ds = make_dataset(org, frequency="weekly")
    now = timezone.now()
    ds.last_updated = now - dt.timedelta(days=3)
    assert not ds.is_overdue(now)
    ds.last_updated = now - dt.timedelta(days=10)
    assert ds.is_overdue(now)
    ds.frequency = "irregular"
    assert not ds.is_overdue(now)


def test_withdraw_needs_reason_and_hides(org):
    ds = make_dataset(org)
    with pytest.raises(ValidationError):
        services.withdraw_dataset(ds, by=SYSTEM, reason=" ")
    services.withdraw_dataset(ds, by=SYSTEM, reason="数据有误")
    assert selectors.public_dataset(ds.name) is None
