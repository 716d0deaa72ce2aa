"""Shared fixtures and factories for the whole suite (SQLite and PostgreSQL alike).

`GONGKAI_TEST_TODAY=2031-03-01` runs the whole suite with the process clock travelled to that
day (time-machine, ticking), so CI proves no test depends on the real date (`.ci/run`).
"""

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import factory
import pytest
import time_machine
from django.db import connection
from django.test import Client

from gongkai.accounts import services as accounts
from gongkai.accounts.models import Role, User
from gongkai.accounts.permissions import SYSTEM
from gongkai.documents import services as documents
from gongkai.documents.models import Document, InfoCategory, TopicCategory
from gongkai.organizations.models import Organization
from gongkai.organizations.services import save_organization

if _travel_to := os.environ.get("GONGKAI_TEST_TODAY"):
    # Started at import, before any test: the whole session lives on that day (09:00 Beijing).
    time_machine.travel(
        dt.datetime.combine(
            dt.date.fromisoformat(_travel_to), dt.time(9), ZoneInfo("Asia/Shanghai")
        ),
        tick=True,
    ).start()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    level = "department"
    code = factory.Sequence(lambda n: f"org{n}")
    name = factory.Sequence(lambda n: f"测试市第{n}局")
    region_code = "640100"
    org_code = factory.Sequence(lambda n: f"{100 + n}")

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Organization:
        return save_organization(model_class(**kwargs), by=SYSTEM)


PASSWORD = "Str0ng-Passw0rd!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = "测试人员"
    is_staff = True

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> User:
        password = kwargs.pop("password", PASSWORD)
        user = model_class(**kwargs)
        user.set_password(password)
        user.save()
        return user


def staff(org: Organization, role: Role | str, **kw: Any) -> User:
    user = UserFactory(**kw)
    accounts.grant_role(by=SYSTEM, user=user, organization=org, role=role)
    return user


def make_document(org: Organization, state: str = "published", **data: Any) -> Document:
    """A document driven through the real services to `state`."""
    base: dict[str, Any] = {
        "title": data.pop("title", "关于做好政务公开工作的通知"),
        "body_html": "<p>正文内容</p>",
        "category": InfoCategory.objects.get(code=data.pop("category", "notice")),
        "written_on": dt.date(2020, 3, 1),
    }
    base.update(data)
    if base["category"].is_normative and base.get("validity", "valid") == "valid":
        # a normative document in force needs its term to be published (documents/normative.py)
        base.setdefault("effective_on", base.get("published_on") or base["written_on"])
        if base["effective_on"] is not None:
            base.setdefault("expires_on", dt.date(base["effective_on"].year + 2, 12, 31))
    if base.get("disclosure_attribute") in ("on_request", "withheld"):
        base.setdefault("disclosure_ground", "process")  # 依申请公开/不予公开 cite a legal ground
    doc = documents.create_document(by=SYSTEM, org=org, data=base)
    if state in ("pending", "published", "withdrawn"):
        documents.submit(doc, by=SYSTEM)
    if state in ("published", "withdrawn"):
        documents.publish(doc, by=SYSTEM)
    if state == "withdrawn":
        documents.withdraw(doc, by=SYSTEM, reason="测试撤回")
    doc.refresh_from_db()
    return doc


@pytest.fixture(autouse=True)
def fast_hasher(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def plain_static_files(settings: Any) -> None:
    # tests serve static files by their plain names, whatever a local collectstatic left behind
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GONGKAI_SEARCH_DIR = (
        tmp_path / "search"
    )  # each test its own index, nothing left behind


# PostgreSQL's search backend needs a PostgreSQL database: it is a parameter of the suite's
# PostgreSQL pass only (collected there, not skipped here)
SEARCH_BACKENDS = ["tantivy", "postgres"] if connection.vendor == "postgresql" else ["tantivy"]


@pytest.fixture(params=SEARCH_BACKENDS)
def backend(request: Any, settings: Any, db: Any) -> str:
    """Each search backend this database can run, in turn."""
    settings.GONGKAI_SEARCH_BACKEND = request.param
    return request.param


@pytest.fixture
def org(db: Any) -> Organization:
    return OrganizationFactory(code="fgw", name="测试市发展和改革委员会", org_code="141")


@pytest.fixture
def other_org(db: Any) -> Organization:
    return OrganizationFactory(code="jyj", name="测试市教育局", org_code="142")


@pytest.fixture
def topic(db: Any) -> TopicCategory:
    return TopicCategory.objects.get(full_name="综合政务\\政务公开")


def token_client(user: User) -> tuple[Client, dict[str, str]]:
    _, raw = accounts.issue_token(by=SYSTEM, user=user, name="测试")
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def reference_data(transactional_db: Any) -> None:
    """Transactional tests flush the tables, reference data included: load it again."""
    from django.apps import apps

    from gongkai.documents.reference import load

    load(apps)


# --- the browser tests: Debian's Chromium driven by Playwright, axe-core from npm ----------------

CHROMIUM = "/usr/bin/chromium"  # Debian's package (scripts/ensure-browser), never a downloaded one
AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium per test module (Playwright's sync API runs an event loop in this
    thread, so browser modules set DJANGO_ALLOW_ASYNC_UNSAFE)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), (
        "需要 Debian 的 chromium 软件包：make browser 会安装（scripts/ensure-browser）"
    )
    assert AXE.exists(), "需要 axe-core：make browser 会运行 npm ci"
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


def axe_violations(page: Any) -> list[Any]:
    """axe-core's serious and critical violations on `page`: (rule, first three targets)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))  # not an inline <script>: the CSP refuses those
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
            if v["impact"] in ("serious", "critical")]  # fmt: skip


def axe_at(browser: Any, url: str) -> list[Any]:
    """`axe_violations` of `url` opened on a desktop screen."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(url)
    found = axe_violations(page)
    context.close()
    return found
