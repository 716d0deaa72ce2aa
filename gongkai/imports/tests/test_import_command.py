"""`gongkai import_pages … --dry-run`: the JSON preview of the corpus pages, and its refusals.

No test here is marked django_db, so pytest-django fails any of them that touches the
database — which is how "writes nothing" is checked.
"""

import json
import shutil
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

FIXTURES = Path(__file__).resolve().parents[2] / "lib" / "tests" / "fixtures"
YINCHUAN = "002_cf883fa431da65ec.txt"


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_pages", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_json(*args: str) -> list[dict[str, Any]]:
    out, _ = run(*args, "--dry-run", "--format", "json")
    data = json.loads(out)
    assert isinstance(data, list)
    return data


def test_dry_run_json_on_the_corpus_folder() -> None:
    items = run_json(str(FIXTURES), "--org", "640100-141")
    assert [Path(i["path"]).name for i in items] == [
        "000_0907045adda1f67c.txt",
        "001_5f9f14d222025910.txt",
        YINCHUAN,
    ]  # expected.json is not a page and is skipped
    by_name = {Path(i["path"]).name: i for i in items}
    yinchuan = by_name[YINCHUAN]
    assert yinchuan["org"] == "640100-141"
    assert {k: yinchuan[k] for k in ("index_no", "org_name", "department", "validity")} == {
        "index_no": "640100-141/2019-00064",
        "org_name": "银川市大数据产业发展服务中心",
        "department": "综合科",
        "validity": "有效",
    }
    assert yinchuan["written_on"] == "2019-07-19" and yinchuan["published_on"] == "2019-07-19"
    assert yinchuan["doc_number"] == ""
    assert any("银政办发〔2019〕76号" in w for w in yinchuan["warnings"])
    guangdong = by_name["001_5f9f14d222025910.txt"]
    assert guangdong["published_on"] == "2016-09-27" and guangdong["written_on"] == "2016-08-02"
    assert "印发《关于我省" in guangdong["title"]
    assert by_name["000_0907045adda1f67c.txt"]["category"] == "政策解读"
    for item in items:
        assert set(item) >= {"title", "body_text", "attachments", "warnings"}
        assert "上一篇" not in item["body_text"] and "扫一扫" not in item["body_text"]


def test_any_encoding_and_a_file_that_is_not_a_page(tmp_path: Path) -> None:
    text = (FIXTURES / YINCHUAN).read_text("utf-8").replace("\xa0", " ")
    (tmp_path / "gbk.html").write_bytes(text.encode("gbk"))
    (tmp_path / "junk.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n")  # not a page suffix: ignored
    items = run_json(str(tmp_path))
    assert [Path(i["path"]).name for i in items] == ["gbk.html", "junk.txt"]
    assert items[0]["index_no"] == "640100-141/2019-00064"
    assert "error" in items[1] and "二进制" in items[1]["error"]


def test_text_format_is_a_readable_summary(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / YINCHUAN, tmp_path / "page.txt")
    out, _ = run(str(tmp_path / "page.txt"), "--dry-run")
    assert "索引号：640100-141/2019-00064" in out
    assert "预览模式，未写入任何数据" in out


def test_writing_needs_an_org() -> None:
    # not marked django_db: refused before any database access
    with pytest.raises(CommandError, match="--org"):
        run(str(FIXTURES / YINCHUAN))


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="路径不存在"):
        run(str(tmp_path / "nope"), "--dry-run")
    with pytest.raises(CommandError, match="没有找到"):
        run(str(tmp_path), "--dry-run")
