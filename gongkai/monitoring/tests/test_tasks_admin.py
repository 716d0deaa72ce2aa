"""Scheduling (monitoring_daily at 02:30, probes every 24 h / GONGKAI_PROBES_PER_DAY), the probe
task against a loopback server, and the admin writing through the services (audit trail)."""

import datetime as dt

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import SYSTEM
from gongkai.audit.models import AuditEntry
from gongkai.conftest import PASSWORD, UserFactory, staff
from gongkai.monitoring import tasks
from gongkai.monitoring.models import Column, Probe
from gongkai.portal.models import SiteSettings
from gongkai.portal.services import save_site_settings

from .conftest import BEIJING, Server, at

pytestmark = pytest.mark.django_db


def test_schedule_queues_each_task_once():
    with at(dt.date(2026, 3, 2), hour=10):
        first = tasks.schedule()
        tasks.schedule()
    assert first["monitoring_next_run"] == dt.datetime(2026, 3, 3, 2, 30, tzinfo=BEIJING)
    paths = list(DBTaskResult.objects.values_list("task_path", flat=True))
    assert sorted(paths) == sorted([tasks.monitoring_daily.module_path,
                                    tasks.monitoring_probe.module_path])  # fmt: skip


def test_probe_interval(settings):
    settings.GONGKAI_PROBES_PER_DAY = 24
    assert tasks.probe_interval() == dt.timedelta(hours=1)
    settings.GONGKAI_PROBES_PER_DAY = 20
    assert tasks.probe_interval() == dt.timedelta(minutes=72)


def test_probe_of_a_loopback_site_needs_allow_private(server: Server):
    save_site_settings(SiteSettings(site_url=server.url("/ok")), by=SYSTEM)
    with pytest.raises(ValueError, match="allow-private"):
        tasks.probe()
    assert Probe.objects.count() == 0 and server.hits == []
    p = tasks.probe(allow_private=True)
    assert p.ok and p.status == 200
    bad = tasks.probe(server.url("/error"), allow_private=True)
    assert not bad.ok and bad.status == 500


def test_admin_column_goes_through_services(org):
    admin_user = staff(org, Role.ADMIN)
    c = Client()
    c.login(username=admin_user.username, password=PASSWORD)
    from gongkai.documents.models import InfoCategory

    news = InfoCategory.objects.get(code="news")
    r = c.post("/admin/monitoring/column/add/", {
        "name": "后台栏目", "org": org.pk, "kind": "news", "source": "documents",
        "categories": [news.pk], "order": 100, "url": "", "static_text": ""})  # fmt: skip
    assert r.status_code == 302, r.content.decode()[:2000]
    column = Column.objects.get(name="后台栏目")
    assert list(column.categories.values_list("code", flat=True)) == ["news"]
    assert AuditEntry.objects.filter(action="column.create", object_id=str(column.pk)).exists()
    superuser = UserFactory(is_superuser=True)
    s = Client()
    s.login(username=superuser.username, password=PASSWORD)
    assert s.get("/admin/monitoring/probe/").status_code == 200
    assert c.get("/admin/monitoring/probe/").status_code in (302, 403, 404)
