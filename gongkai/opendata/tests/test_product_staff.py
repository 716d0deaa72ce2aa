"""The staff upload page (数据上传): scoped to the official's organisations, CSRF-protected,
clear errors, and a progress page that refreshes itself while the ingestion runs."""

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gongkai.conftest import staff
from gongkai.opendata import services
from gongkai.opendata.models import Resource, ResourceVersion

from .conftest import CSV, make_dataset


def _login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_upload_makes_a_pending_version_with_a_progress_page(org):
    ds = make_dataset(org)
    res = services.add_resource(ds, by=staff(org, "editor"), data={"name": "数据表"})
    client = _login(staff(org, "editor"))
    home = client.get("/data/staff/").content.decode()
    assert "公交线路" in home
    r = client.post(f"/data/staff/datasets/{ds.pk}/",
                    {"resource": res.pk, "file": SimpleUploadedFile("a.csv", CSV.encode())})  # fmt: skip
    v = ResourceVersion.objects.get(resource=res)
    assert r.status_code == 302 and r["Location"] == f"/data/staff/versions/{v.pk}/"
    page = client.get(r["Location"]).content.decode()
    assert 'http-equiv="refresh"' in page and "排队中" in page and "<progress" in page
    services.ingest(v)
    page = client.get(r["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in page and "已导入 4 行" in page
    assert f"/api/3/action/datastore_search?resource_id={res.pk}" in page


def test_bad_files_get_clear_errors(org):
    ds = make_dataset(org)
    res = services.add_resource(ds, by=staff(org, "editor"), data={"name": "数据表"})
    client = _login(staff(org, "editor"))
    r = client.post(f"/data/staff/datasets/{ds.pk}/",
                    {"resource": res.pk, "file": SimpleUploadedFile("a.pdf", b"%PDF")})  # fmt: skip
    assert r.status_code == 422 and "只接受 CSV、XLSX 或 JSON" in r.content.decode()
    r = client.post(f"/data/staff/datasets/{ds.pk}/", {"resource": res.pk})
    assert r.status_code == 422 and "请选择要上传的文件" in r.content.decode()
    assert not ResourceVersion.objects.exists()


def test_other_organisations_and_the_public_are_kept_out(org, other_org):
    ds = make_dataset(org)
    res = services.add_resource(ds, by=staff(org, "editor"), data={"name": "数据表"})
    assert Client().get("/data/staff/")["Location"].startswith("/admin/login/")
    outsider = _login(staff(other_org, "editor"))
    assert "公交线路" not in outsider.get("/data/staff/").content.decode()
    assert outsider.get(f"/data/staff/datasets/{ds.pk}/").status_code == 404
    r = outsider.post(f"/data/staff/datasets/{ds.pk}/",
                      {"resource": res.pk, "file": SimpleUploadedFile("a.csv", CSV.encode())})  # fmt: skip
    assert r.status_code == 404 and not ResourceVersion.objects.exists()
    viewer = _login(staff(org, "reviewer"))  # reviewers publish; they do not upload
    r = viewer.post(f"/data/staff/datasets/{ds.pk}/",
                    {"resource": res.pk, "file": SimpleUploadedFile("a.csv", CSV.encode())})  # fmt: skip
    assert r.status_code in (403, 422) and not ResourceVersion.objects.exists()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff(org, "editor"))
    r = strict.post(f"/data/staff/datasets/{ds.pk}/", {"new-name": "新表"})
    assert r.status_code == 403 and Resource.objects.count() == 1


def test_the_official_describes_the_columns_after_ingestion(client, org):
    ds = make_dataset(org)
    editor = staff(org, "editor")
    res = services.add_resource(ds, by=editor, data={"name": "数据表"})
    v = services.ingest(
        services.add_version(res, by=editor, file=io.BytesIO(CSV.encode()), filename="a.csv")
    )
    staff_client = _login(editor)
    r = staff_client.post(f"/data/staff/versions/{v.pk}/", {"desc-金额": "维修金额（万元）",
                                                             "desc-区县": "所在区县"})  # fmt: skip
    assert r.status_code == 200 and "字段说明已保存" in r.content.decode()
    assert 'value="维修金额（万元）"' in r.content.decode()
    assert Resource.objects.get(pk=res.pk).column_descriptions == {
        "金额": "维修金额（万元）",
        "区县": "所在区县",
    }
    assert "维修金额（万元）" in client.get(f"/data/{ds.name}/").content.decode()
    api = client.get(f"/api/v1/datasets/{ds.name}").json()
    failed = {c["key"] for c in api["quality_criteria"] if not c["passed"]}
    assert failed == {"columns", "temporal", "description"}  # 日期/类别/说明 still undescribed
    assert api["quality"] == 67
    outsider = _login(staff(org, "reviewer"))
    r = outsider.post(f"/data/staff/versions/{v.pk}/", {"desc-金额": "改掉"})
    assert r.status_code == 422
    assert Resource.objects.get(pk=res.pk).column_descriptions["金额"] == "维修金额（万元）"
