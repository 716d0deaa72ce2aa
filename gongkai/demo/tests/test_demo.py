"""The demo city loads once, through the services, with an intact audit trail and no fixed password."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from gongkai.accounts.models import User
from gongkai.audit.selectors import verify_chain
from gongkai.documents.models import Document
from gongkai.organizations.models import Organization


@pytest.mark.django_db
def test_demo_is_realistic_idempotent_and_has_no_default_password(settings: Any) -> None:
    settings.GONGKAI_DEMO_OPENDATA_BIG_ROWS = 5000  # the real demo's million rows: bench/, not here
    out = StringIO()
    call_command("load_demo", stdout=out)
    first = out.getvalue()
    assert "平台管理员  用户名：admin  密码：" in first
    password = first.split("密码：")[1].split()[0]
    admin = User.objects.get(username="admin")
    assert admin.check_password(password) and not admin.check_password("admin")
    assert (
        Organization.objects.count() >= 15
        and Organization.objects.filter(level="district").count() == 2
    )
    docs = Document.objects.all()
    assert docs.count() >= 300
    assert docs.filter(status="published").count() > 250
    assert {"draft", "pending", "published", "withdrawn"} <= set(
        docs.values_list("status", flat=True)
    )
    assert {"active", "on_request", "redacted", "withheld"} <= set(
        docs.values_list("disclosure_attribute", flat=True)
    )
    assert {"valid", "expired", "repealed"} <= set(docs.values_list("validity", flat=True))
    assert docs.exclude(directory_item=None).count() > 200
    assert len({d.year for d in docs.values_list("published_on", flat=True) if d}) >= 5
    counts = (Organization.objects.count(), docs.count())
    again = StringIO()
    call_command("load_demo", stdout=again)
    assert "已存在" in again.getvalue() and "密码：" not in again.getvalue()
    assert (Organization.objects.count(), Document.objects.count()) == counts
    from gongkai.opendata.models import Dataset

    assert Dataset.objects.filter(state="published").count() >= 30  # open data is alive too
    assert verify_chain()[1] == []
