"""Tests of `gongkai pii scan|redact` (no database needed)."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ID = "11010519491231002X"
TEXT = f"申请人张三，身份证号码{ID}，手机１３８ ００１３ ８０００。索引号640100-141/2019-00064\n"


def run(*args: str, stdin: bytes | None = None) -> str:
    out = io.StringIO()
    options: dict[str, object] = {"stdout": out}
    if stdin is not None:
        options["stdin"] = io.BytesIO(stdin)
    call_command("pii", *args, **options)
    return out.getvalue()


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "page.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_scan_json(page: Path) -> None:
    findings = json.loads(run("scan", str(page), "--format", "json"))
    assert [f["type"] for f in findings] == ["person_name", "id_card", "mobile"]
    for f in findings:
        assert set(f) == {"type", "start", "end", "text", "confidence"}
        assert TEXT[f["start"] : f["end"]] == f["text"]
    assert findings[2]["text"] == "１３８ ００１３ ８０００"


def test_scan_text_table(page: Path) -> None:
    out = run("scan", str(page))
    assert "身份证号" in out and ID in out
    assert "共发现 3 处个人信息" in out


def test_redact(page: Path) -> None:
    out = run("redact", str(page))
    assert (
        out
        == "申请人张*，身份证号码1101**********002X，手机１３８ **** ８０００。索引号640100-141/2019-00064\n"
    )


def test_stdin_and_types_and_threshold() -> None:
    data = f"手机13800138000，编号{ID[:17]}0".encode()
    findings = json.loads(run("scan", "-", "--format", "json", "--types", "mobile", stdin=data))
    assert [f["type"] for f in findings] == ["mobile"]
    hints = json.loads(run("scan", "-", "--format", "json", "--min-confidence", "0", stdin=data))
    assert {f["type"] for f in hints} == {"mobile", "id_card"}


def test_unknown_type_is_refused() -> None:
    with pytest.raises(CommandError, match="未知的类型"):
        run("scan", "-", "--types", "ssn", stdin=b"x")


def test_jsonl_scan_and_redact(tmp_path: Path) -> None:
    lines = [
        {"id": 1, "text": "手机13800138000"},
        {"id": 2, "text": "无个人信息"},
        {"id": 3, "text": f"身份证{ID}"},
    ]
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", "utf-8")
    scanned = [json.loads(x) for x in run("scan", str(path), "--jsonl").splitlines()]
    assert [[f["type"] for f in row] for row in scanned] == [["mobile"], [], ["id_card"]]
    assert scanned[2][0]["start"] == 3
    redacted = [json.loads(x) for x in run("redact", str(path), "--jsonl").splitlines()]
    assert [r["id"] for r in redacted] == [1, 2, 3]
    assert [r["text"] for r in redacted] == [
        "手机138****8000",
        "无个人信息",
        "身份证1101**********002X",
    ]


def test_jsonl_keeps_line_separators_inside_records(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    record = {"text": "手机13800138000\u2028第二段"}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    out = run("redact", str(path), "--jsonl")
    assert len(out.splitlines()) == 1
    assert json.loads(out)["text"] == "手机138****8000\u2028第二段"


def test_jsonl_bad_line_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "好"}\n{"id": 2}\n', "utf-8")
    with pytest.raises(CommandError, match="第 2 行"):
        run("scan", str(path), "--jsonl")
    path.write_text("not json\n", "utf-8")
    with pytest.raises(CommandError, match="第 1 行不是合法的 JSON"):
        run("redact", str(path), "--jsonl")


def test_gbk_and_bom_input(tmp_path: Path) -> None:
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(TEXT.encode("gbk"))
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    for path in (gbk, bom):
        findings = json.loads(run("scan", str(path), "--format", "json"))
        assert [f["start"] for f in findings] == [3, 11, 32]


def test_undecodable_input_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="无法识别输入的字符编码"):
        run("scan", "-", stdin=b"\x80\x81\xff\xfe\xff")
    with pytest.raises(CommandError, match="找不到文件"):
        run("scan", str(tmp_path / "missing.txt"))


def test_console_command_gbk_stdin_and_exit_code() -> None:
    cmd = [sys.executable, "-m", "gongkai", "pii"]
    ok = subprocess.run(  # noqa: S603
        [*cmd, "redact", "-"], input=TEXT.encode("gbk"), capture_output=True, check=True
    )
    assert "138 ****" not in ok.stdout.decode()
    assert "１３８ **** ８０００" in ok.stdout.decode("utf-8")
    bad = subprocess.run(  # noqa: S603
        [*cmd, "scan", "-", "--format", "json"], input=b"\xff\xff\x80", capture_output=True
    )
    assert bad.returncode != 0
    assert "无法识别输入的字符编码" in bad.stderr.decode("utf-8")
