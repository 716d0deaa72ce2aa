"""`gongkai import_pages PATH… --org CODE`: pages become published documents, once.

Covers the corpus pages and pages built here: 索引号 kept, clashes reported and not
overwritten, original URL and hash stored, idempotent re-runs that write nothing, an
interrupted run continued, category/validity mapping, sanitised HTML, PII flags, rights.
"""

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management.base import CommandError

from gongkai.accounts.models import Role
from gongkai.audit.models import AuditEntry
from gongkai.audit.selectors import verify_chain
from gongkai.conftest import make_document, staff
from gongkai.documents import selectors as document_selectors
from gongkai.documents.models import Document
from gongkai.imports import services
from gongkai.imports.models import ImportBatch, ImportRecord

from .helpers import FIXTURES, GUANGDONG, GUIYANG, YINCHUAN, counts, gov_page, run, write_pages

pytestmark = pytest.mark.django_db
BASE = "http://old.example.gov.cn/xxgk/"


def run_json(*args: str) -> dict[str, Any]:
    out, _ = run(*args, "--format", "json", "--no-progress")
    data = json.loads(out)
    assert isinstance(data, dict)
    return data


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in (GUIYANG, GUANGDONG, YINCHUAN):
        shutil.copy(FIXTURES / name, folder / name)
    return folder


def test_corpus_pages_become_published_documents(org: Any, corpus: Path) -> None:
    report = run_json(str(corpus), "--org", org.code, "--base-url", BASE)
    assert (report["imported"], report["failed"], report["unchanged"]) == (2, 1, 0)

    rec = ImportRecord.objects.get(source_path__endswith=YINCHUAN)
    raw = (corpus / YINCHUAN).read_bytes()
    assert rec.source_hash == hashlib.sha256(raw).hexdigest()
    assert rec.source_url == BASE + YINCHUAN
    doc = rec.document
    assert doc is not None and doc.status == Document.Status.PUBLISHED
    assert doc.index_no == "640100-141/2019-00064"  # the original 索引号, kept
    assert str(doc.published_on) == "2019-07-19" and str(doc.written_on) == "2019-07-19"
    assert doc.department == "综合科" and doc.validity == Document.Validity.VALID
    assert doc.category.code == "policy"  # breadcrumb column 部门文件
    assert doc.org == org and doc.versions.count() == 1
    assert doc.body_html.startswith("<p>为认真贯彻落实") and doc.body_html.count("<p>") > 10
    assert "上一篇" not in doc.body_html and "长者版" not in doc.body_html
    assert document_selectors.public_documents().filter(pk=doc.pk).exists()
    # the page said 银川市大数据产业发展服务中心, imported into the organisation given
    assert any("银川市大数据产业发展服务中心" in w for w in rec.warnings)

    guangdong = ImportRecord.objects.get(source_path__endswith=GUANGDONG).document
    assert guangdong is not None
    assert guangdong.index_no == "640100-141/2016-00001"  # none on the page: the org's next one
    assert guangdong.category.code == "notice"  # by the title's ending, warned
    assert "廣東" not in guangdong.body_html and "fā" not in guangdong.body_html

    failed = ImportRecord.objects.get(source_path__endswith=GUIYANG)
    assert failed.status == ImportRecord.Status.FAILED and failed.document is None
    assert "发布日期" in failed.error  # never invented from the mangled 2017412
    assert failed.extracted["title"].endswith("解读")  # what was extracted is kept
    assert any(p["status"] == "failed" and GUIYANG in p["page"] for p in report["problems"])

    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"document.import", "import.page", "import.batch_open", "import.batch_close"} <= actions
    assert verify_chain()[1] == []
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.imported, batch.failed, batch.seen) == ("finished", 2, 1, 3)


def test_second_import_changes_nothing(org: Any, corpus: Path) -> None:
    run_json(str(corpus), "--org", org.code)
    before = counts()
    report = run_json(str(corpus), "--org", org.code)
    assert counts() == before  # not one row written, not even a batch or an audit entry
    assert (report["unchanged"], report["imported"], report["batch"]) == (2, 0, None)
    # the page that failed is reported again with its earlier outcome
    assert report["failed"] == 1 and "上次导入的结果" in report["problems"][0]["message"]


def test_index_no_clash_is_reported_not_overwritten(org: Any, tmp_path: Path) -> None:
    existing = make_document(org, title="已有的信息")
    folder = write_pages(
        tmp_path / "p",
        {"a.html": gov_page("与已有信息索引号相同的通知", index_no=existing.index_no)},
    )
    report = run_json(str(folder), "--org", org.code)
    assert report["clash"] == 1 and report["imported"] == 0
    assert "未覆盖" in report["problems"][0]["message"]
    existing.refresh_from_db()
    assert existing.title == "已有的信息" and Document.objects.count() == 1
    rec = ImportRecord.objects.get()
    assert rec.status == "clash" and rec.index_no == existing.index_no and rec.document is None

    # --retry tries again (still a clash); without it the earlier outcome is only reported
    before = counts()
    assert run_json(str(folder), "--org", org.code)["clash"] == 1
    assert counts() == before
    assert run_json(str(folder), "--org", org.code, "--retry")["clash"] == 1
    assert ImportRecord.objects.get().attempts == 2


def test_same_url_with_other_content_is_not_overwritten(org: Any, tmp_path: Path) -> None:
    write_pages(tmp_path / "v1", {"n.html": gov_page(body=("第一版正文内容，说明检查安排。",))})
    write_pages(tmp_path / "v2", {"n.html": gov_page(body=("第二版正文内容，已经修改过了。",))})
    assert run_json(str(tmp_path / "v1"), "--org", org.code, "--base-url", BASE)["imported"] == 1
    report = run_json(str(tmp_path / "v2"), "--org", org.code, "--base-url", BASE)
    assert report["changed"] == 1
    doc = Document.objects.get()
    assert "第一版" in doc.body_html and Document.objects.count() == 1


def test_interrupted_run_is_continued_by_the_next(
    org: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = {
        f"{n:02d}.html": gov_page(f"关于第{n}项工作的通知", index_no=f"640100-141/2020-{n:05d}")
        for n in range(1, 8)
    }
    folder = write_pages(tmp_path / "p", pages)
    real = services.import_page
    calls = {"n": 0}

    def flaky(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt  # Ctrl-C in the middle of the second chunk
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "import_page", flaky)
    with pytest.raises(CommandError, match="中断") as e:
        run(str(folder), "--org", org.code, "--chunk", "3", "--no-progress")
    assert e.value.returncode == 1
    # the first chunk committed; the chunk in flight was rolled back as a whole
    assert Document.objects.count() == 3
    batch = ImportBatch.objects.get()
    assert batch.status == "interrupted" and batch.imported == 3

    monkeypatch.setattr(services, "import_page", real)
    report = run_json(str(folder), "--org", org.code, "--chunk", "3")
    assert (report["imported"], report["unchanged"], report["batch"]) == (4, 3, batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.runs, batch.imported) == ("finished", 2, 7)
    assert sorted(Document.objects.values_list("index_no", flat=True)) == [
        f"640100-141/2020-{n:05d}" for n in range(1, 8)
    ]


def test_progress_bar_goes_to_stderr(org: Any, tmp_path: Path) -> None:
    folder = write_pages(
        tmp_path / "p",
        {f"{n}.html": gov_page(index_no=f"640100-141/2020-{n:05d}") for n in range(1, 4)},
    )
    out, err = run(str(folder), "--org", org.code)
    assert "导入 [" in err and "3/3" in err and "100.0%" in err
    assert "新导入 3" in out


def test_org_is_required_and_must_exist(db: Any, corpus: Path) -> None:
    with pytest.raises(CommandError, match="--org"):
        run(str(corpus))
    with pytest.raises(CommandError, match="未找到机构代码“nope”"):
        run(str(corpus), "--org", "nope")
    assert counts()["records"] == 0


def test_user_needs_rights_to_draft_and_publish(org: Any, other_org: Any, corpus: Path) -> None:
    editor = staff(org, Role.EDITOR)
    foreign_admin = staff(other_org, Role.ADMIN)
    for user in (editor, foreign_admin):
        with pytest.raises(CommandError, match="没有导入权限"):
            run(str(corpus), "--org", org.code, "--user", user.username)
    admin = staff(org, Role.ADMIN)
    report = run_json(str(corpus), "--org", org.code, "--user", admin.username)
    assert report["imported"] == 2
    assert Document.objects.filter(created_by=admin).count() == 2
    imports = AuditEntry.objects.filter(action__in=["document.import", "document.import_held"])
    assert imports.filter(actor=admin.username).count() == 2


def test_nothing_imported_skips_the_personal_information_review(org: Any, tmp_path: Path) -> None:
    from django.test import Client

    folder = write_pages(
        tmp_path,
        {
            "clean.html": gov_page(index_no="640100-141/2020-00001", body=("关于做好防汛工作的通知正文。",)),
            "pii.html": gov_page(index_no="640100-141/2020-00002",
                                 body=("申请人张某，身份证号11010519491231002X，联系电话13800138000。",)),
        },
    )  # fmt: skip
    run(str(folder), "--org", org.code)
    clean = Document.objects.get(index_no="640100-141/2020-00001")
    held = Document.objects.get(index_no="640100-141/2020-00002")
    assert clean.status == "published" and held.status == "pending"  # 索引号 kept, not public
    client = Client()
    assert client.get(f"/documents/{held.pk}/").status_code == 404
    listing = client.get("/api/v1/documents?page_size=100").content.decode()
    assert "11010519491231002X" not in listing and "13800138000" not in listing
    assert AuditEntry.objects.filter(action="document.import_held", object_id=str(held.pk)).exists()


def test_mapping_html_and_hostile_input(org: Any, tmp_path: Path) -> None:
    pages = {
        "interp.html": gov_page(
            "《测试市政务公开办法》政策解读", index_no="640100-141/2020-00001",
            category="政策解读", validity="部分失效",
        ),
        "odd.html": gov_page(
            "某某事项的情况", index_no="640100-141/2020-00002", category="专题专栏",
            doc_number="第三号", validity="未知",
        ),
        "hostile.txt": (
            "名称：关于防范网络攻击的通知\n索引号：640100-141/2020-00003\n发布日期：2020-06-01\n"
            "正文提到 <script>alert(1)</script> 和 <img src=x onerror=alert(2)> 这样的字样，需要注意防范。\n"
        ),
    }  # fmt: skip
    folder = write_pages(tmp_path / "p", pages)
    assert run_json(str(folder), "--org", org.code)["imported"] == 3
    by_no = {d.index_no[-1]: d for d in Document.objects.all()}
    assert by_no["1"].category.code == "interpretation"
    assert by_no["1"].validity == "amended"  # 部分失效: nearest platform state, warned
    assert by_no["2"].category.code == "other" and by_no["2"].validity == ""
    assert by_no["2"].doc_number == ""  # 第三号 is not a 文号 the platform accepts
    odd = ImportRecord.objects.get(document=by_no["2"])
    assert any("专题专栏" in w and "其他" in w for w in odd.warnings)
    assert any("第三号" in w for w in odd.warnings)
    assert odd.extracted["doc_number"] == "第三号"  # kept in the ledger: nothing lost
    hostile = by_no["3"].body_html
    assert set(re.findall(r"<\s*/?\s*([a-zA-Z]+)", hostile)) == {"p"}  # text, not tags
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile
    assert by_no["1"].body_html.startswith("<p>各县（市）区发展改革局")


def test_personal_information_is_flagged_not_blocked(org: Any, tmp_path: Path) -> None:
    body = (
        "经审核，同意张三同志（身份证号 110101199003078515，手机 13912345678）的申请。",
        "特此公告。",
    )
    folder = write_pages(tmp_path / "p", {"p.html": gov_page("关于申请结果的公告", body=body)})
    report = run_json(str(folder), "--org", org.code)
    assert report["imported"] == 1 and report["pii_flagged"] == 1
    rec = ImportRecord.objects.get()
    assert rec.pii_types.get("id_card") == 1 and rec.pii_types.get("mobile") == 1
    assert rec.pii_count >= 2 and any("个人信息" in w for w in rec.warnings)
    assert any("个人信息" in p["message"] for p in report["problems"])


def test_gbk_page_and_unreadable_file(org: Any, tmp_path: Path) -> None:
    folder = tmp_path / "p"
    write_pages(folder, {"gbk.html": gov_page().replace("utf-8", "gbk")}, encoding="gbk")
    (folder / "junk.txt").write_bytes(bytes(range(256)) * 8)
    report = run_json(str(folder), "--org", org.code)
    assert report["imported"] == 1 and report["failed"] == 1
    doc = Document.objects.get()
    assert doc.title == "关于开展2020年政务公开专项检查的通知"
    assert doc.doc_number == "银发改发〔2020〕12号" and str(doc.written_on) == "2020-05-02"
    junk = ImportRecord.objects.get(status="failed")
    assert "二进制" in junk.error and junk.document is None


def test_same_page_twice_in_one_run_is_imported_once(org: Any, tmp_path: Path) -> None:
    page = gov_page()
    folder = write_pages(tmp_path / "p", {"a.html": page, "copy/a.html": page})
    report = run_json(str(folder), "--org", org.code)
    assert (report["imported"], report["unchanged"]) == (1, 1)
    assert Document.objects.count() == 1
