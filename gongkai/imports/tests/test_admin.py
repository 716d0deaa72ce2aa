"""The import ledger in the back office: read-only, and nothing of another organisation leaks —
not a failed page's extracted text, not its personal-information flags."""

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from gongkai.accounts.models import Role
from gongkai.conftest import staff
from gongkai.imports.models import ImportBatch, ImportRecord

from .helpers import gov_page, run, write_pages

pytestmark = pytest.mark.django_db


def _login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_records_are_scoped_and_read_only(org: Any, other_org: Any, tmp_path: Path) -> None:
    write_pages(tmp_path / "a", {"a.html": gov_page("本机构导入的通知")})
    write_pages(
        tmp_path / "b",
        {"b.html": gov_page("外机构导入的通知", published="", written="")},  # fails: no date
    )
    run(str(tmp_path / "a"), "--org", org.code, "--no-progress")
    run(str(tmp_path / "b"), "--org", other_org.code, "--no-progress")
    foreign = ImportRecord.objects.get(org=other_org)
    assert foreign.status == "failed"

    client = _login(staff(org, Role.EDITOR))
    listing = client.get("/admin/imports/importrecord/").content.decode()
    assert "本机构导入的通知" in listing and "外机构导入的通知" not in listing
    mine = ImportRecord.objects.get(org=org)
    page = client.get(f"/admin/imports/importrecord/{mine.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    hidden = client.get(f"/admin/imports/importrecord/{foreign.pk}/change/")
    missing = client.get("/admin/imports/importrecord/999999/change/")
    assert hidden.status_code == missing.status_code == 302
    batches = client.get("/admin/imports/importbatch/").content.decode()
    foreign_batch = ImportBatch.objects.get(org=other_org)
    assert f"/admin/imports/importbatch/{foreign_batch.pk}/change/" not in batches
    assert client.get("/admin/imports/importrecord/add/").status_code == 403
    flagged = client.get("/admin/imports/importrecord/?pii=yes")
    assert flagged.status_code == 200
