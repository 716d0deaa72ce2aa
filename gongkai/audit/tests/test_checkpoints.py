"""F10: the audit chain is checkable from outside the database — checkpoints (SEQ:HASH), the
exported head file with its HMAC-SM3, syslog, and the periodic export task."""

import datetime as dt
import importlib
import socket
from io import StringIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from gongkai.audit import selectors, tasks
from gongkai.audit.models import AuditEntry, AuditHead
from gongkai.audit.services import record
from gongkai.lib import hashchain

append_only = importlib.import_module("gongkai.audit.migrations.0002_append_only")

KEY = "审计密钥-不入库-0123456789"
DAY = dt.datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _write(n: int) -> list[AuditEntry]:
    return [
        record("test.event", object_type="x", object_id=str(i), ip="10.0.0.1") for i in range(n)
    ]


def _run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def _trigger_exists() -> bool:
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("SELECT 1 FROM pg_trigger WHERE tgname = 'audit_append_only'")
        else:
            c.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_no_update'"
            )
        return c.fetchone() is not None


@pytest.fixture
def droppable_trigger(db: Any) -> Any:
    """Lets a test drop the append-only trigger as the auditor did, and puts it back after."""

    def drop() -> None:
        with connection.cursor() as c:
            if connection.vendor == "postgresql":
                c.execute("DROP TRIGGER audit_append_only ON audit_auditentry")
            else:
                c.execute("DROP TRIGGER audit_no_update")
        assert not _trigger_exists()

    yield drop
    if not _trigger_exists():
        with connection.cursor() as c:
            c.execute(
                (append_only.POSTGRES if connection.vendor == "postgresql" else append_only.SQLITE)[
                    -1
                ]
            )
    assert _trigger_exists()


def _rewrite(seq: int, ip: str) -> None:
    """F10's replay: change one entry, recompute every later hash and the head (trigger dropped)."""
    prev = AuditEntry.objects.get(seq=seq).prev_hash
    for entry in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
        if entry.seq == seq:
            entry.ip = ip
        entry.prev_hash = prev
        entry.hash = hashchain.entry_hash(prev, entry.payload())
        AuditEntry.objects.filter(seq=entry.seq).update(
            ip=entry.ip, prev_hash=entry.prev_hash, hash=entry.hash
        )
        prev = entry.hash
    AuditHead.objects.filter(id=1).update(hash=prev)


def _head() -> str:
    head = AuditHead.objects.get(id=1)
    return f"{head.seq}:{head.hash}"


# --- HMAC-SM3 -------------------------------------------------------------------------------


def test_hmac_sm3_matches_the_gmt_0042_vectors() -> None:
    # GM/T 0042-2015 Appendix D.3 (also in OpenSSL's evpmac tests) and Bouncy Castle's HMacTest
    message = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq" * 2
    assert hashchain.hmac_sm3(bytes(range(1, 33)), message) == (
        "ca05e144ed05d1857840d1f318a4a8669e559fc8391f414485bfdf7bb408963a"
    )
    assert hashchain.hmac_sm3(bytes(range(1, 38)), b"\xcd" * 50) == (
        "220bf579ded555393f0159f66c99877822a3ecf610d1552154b41d44b94db3ae"
    )
    assert hashchain.hmac_sm3(b"\x0b" * 20, b"Hi There") == (
        "51b00d1fb49832bfb01c3ce27848e59f871d9ba938dc563b338ca964755cce70"
    )


def test_hmac_sm3_equals_rfc_2104_written_out_over_sm3() -> None:
    def by_hand(key: bytes, data: bytes) -> str:
        key = key if len(key) <= 64 else bytes.fromhex(hashchain.sm3_hex(key))
        key = key.ljust(64, b"\0")
        inner = bytes.fromhex(hashchain.sm3_hex(bytes(b ^ 0x36 for b in key) + data))
        return hashchain.sm3_hex(bytes(b ^ 0x5C for b in key) + inner)

    for key in (KEY.encode(), b"k" * 64, b"long" * 40):
        assert hashchain.hmac_sm3(key, b"gongkai") == by_hand(key, b"gongkai")


def test_export_lines_carry_a_mac_that_binds_time_seq_and_hash() -> None:
    digest = hashchain.sm3_hex(b"x")
    line = hashchain.export_line(DAY, 7, digest, KEY.encode())
    at, seq, h, mac = line.split()
    assert (at, seq, h) == ("2026-12-01T01:00:00Z", "7", digest) and len(mac) == 64
    forged = f"{at} 8 {h} {mac}"
    unkeyed = hashchain.export_line(DAY, 7, digest, None)
    lines, bad = hashchain.parse_export_lines([line, forged, unkeyed, "", "# 注释"])
    assert bad == [] and [x.number for x in lines] == [1, 2, 3]
    problems = hashchain.check_macs(lines, KEY.encode())
    assert [(p.seq, p.kind) for p in problems] == [(8, "mac"), (7, "mac")]
    assert "第 2 行的 MAC 不符" in problems[0].message and "第 3 行没有 MAC" in problems[1].message
    assert hashchain.check_macs(lines[:1], b"another key of 16+ bytes")[0].kind == "mac"


def test_malformed_checkpoints_are_refused_in_chinese() -> None:
    for text in ("5", "x:" + "a" * 64, "5:abc", "0:" + "a" * 64):
        with pytest.raises(ValueError, match="格式不对"):
            hashchain.parse_checkpoint(text)
    _, bad = hashchain.parse_export_lines(["2026-12-01T01:00:00Z 5"])
    assert "第 1 行格式不对" in bad[0].message


# --- checkpoints against the database -------------------------------------------------------


@pytest.mark.django_db
def test_a_noted_head_stays_checkable_after_legitimate_actions() -> None:
    _write(5)
    noted = _head()
    noted_hash = noted.split(":")[1]
    _write(3)  # e.g. a staff login and two comments after the head was noted
    code, out, _ = _run("verify", "--checkpoint", noted)
    assert code == 0 and "完好：8 条记录" in out and "1 个检查点均仍在链上" in out
    assert _run("verify", "--expect-head", noted_hash)[0] == 0
    assert f"链头 {_head()}" in out


@pytest.mark.django_db
def test_a_checkpoint_beyond_the_chain_or_unknown_head_fails() -> None:
    _write(3)
    code, _, err = _run("verify", "--checkpoint", f"9:{'a' * 64}")
    assert code == 1 and "第 9 条记录不存在" in err and "最后一条是第 3 条" in err
    code, _, err = _run("verify", "--expect-head", "b" * 64)
    assert code == 1 and "已不在链上" in err
    code, _, err = _run("verify", "--expect-head", "abc123")
    assert code == 1 and "完整的 64 位" in err
    code, _, err = _run("verify", "--checkpoint", "3")
    assert code == 1 and "格式不对" in err
    code, _, err = _run("verify", "--checkpoint-file", "/nonexistent/heads.log")
    assert code == 1 and "无法读取检查点文件" in err


@pytest.mark.security
@pytest.mark.django_db
def test_f10_full_recompute_passes_alone_but_fails_against_checkpoints(
    droppable_trigger: Any, settings: Any, tmp_path: Path
) -> None:
    heads = tmp_path / "audit-heads.log"
    settings.GONGKAI_AUDIT_HEAD_FILE = str(heads)
    with time_machine.travel(DAY, tick=False):
        _write(5)
        assert _run("export-head")[0] == 0
        noted = _head()
        _write(3)  # legitimate actions after the checkpoint
        assert _run("export-head")[0] == 0
    assert _run("verify", "--checkpoint", noted, "--checkpoint-file", str(heads))[0] == 0

    droppable_trigger()
    _rewrite(3, "203.0.113.9")

    code, out, _ = _run("verify")
    assert (code, AuditEntry.objects.get(seq=3).ip) == (0, "203.0.113.9")
    assert "完好：8 条记录" in out  # the known weakness: the chain alone cannot tell
    code, _, err = _run("verify", "--checkpoint", noted)
    assert code == 1 and "[checkpoint] 第 5 条" in err and "第 1–5 条之间有记录被改写或替换" in err
    code, _, err = _run("verify", "--checkpoint-file", str(heads))
    assert code == 1 and "第 1 行记下的" in err and "第 2 行记下的" in err
    assert "[checkpoint] 第 5 条" in err and "[checkpoint] 第 8 条" in err
    assert _run("verify", "--expect-head", noted.split(":")[1])[0] == 1


@pytest.mark.security
@pytest.mark.django_db
def test_f10_a_rewrite_after_a_checkpoint_is_bracketed_by_the_exports(
    droppable_trigger: Any, settings: Any, tmp_path: Path
) -> None:
    heads = tmp_path / "audit-heads.log"
    settings.GONGKAI_AUDIT_HEAD_FILE = str(heads)
    for _ in range(3):
        _write(3)
        assert _run("export-head")[0] == 0
    droppable_trigger()
    _rewrite(5, "198.51.100.1")
    code, _, err = _run("verify", "--checkpoint-file", str(heads))
    assert code == 1 and "[checkpoint] 第 3 条" not in err  # entries 1–3 are proven untouched
    assert "[checkpoint] 第 6 条" in err and "第 4–6 条之间有记录被改写" in err


@pytest.mark.security
@pytest.mark.django_db
def test_f10_a_rewritten_head_file_fails_on_its_mac(
    droppable_trigger: Any, settings: Any, tmp_path: Path
) -> None:
    heads = tmp_path / "audit-heads.log"
    settings.GONGKAI_AUDIT_HEAD_FILE = str(heads)
    settings.GONGKAI_AUDIT_KEY = KEY
    with time_machine.travel(DAY, tick=False):
        _write(4)
        _run("export-head")
    assert _run("verify", "--checkpoint-file", str(heads))[0] == 0
    original = heads.read_text()
    droppable_trigger()
    _rewrite(2, "192.0.2.7")
    # the rewriter also rewrites the file: new hash, the old MAC kept (the key is out of reach)
    at, seq, _, mac = original.split()
    heads.write_text(f"{at} {seq} {AuditHead.objects.get(id=1).hash} {mac}\n")
    code, _, err = _run("verify", "--checkpoint-file", str(heads))
    assert code == 1 and "[mac] 第 4 条" in err and "第 1 行的 MAC 不符" in err
    heads.write_text(f"{at} {seq} {AuditHead.objects.get(id=1).hash}\n")
    code, _, err = _run("verify", "--checkpoint-file", str(heads))
    assert code == 1 and "第 1 行没有 MAC" in err
    settings.GONGKAI_AUDIT_KEY = ""  # without the key only the hash is checked: the rewrite passes
    assert _run("verify", "--checkpoint-file", str(heads))[0] == 0


@pytest.mark.django_db
def test_the_key_can_come_from_a_file_and_must_be_long_enough(
    settings: Any, tmp_path: Path
) -> None:
    heads, key_file = tmp_path / "heads.log", tmp_path / "audit.key"
    key_file.write_text(KEY + "\n")
    settings.GONGKAI_AUDIT_HEAD_FILE = str(heads)
    settings.GONGKAI_AUDIT_KEY_FILE = str(key_file)
    _write(2)
    _run("export-head")
    at, seq, digest, mac = heads.read_text().split()
    assert mac == hashchain.hmac_sm3(KEY.encode(), hashchain.head_message(at, int(seq), digest))
    key_file.write_text("short")
    code, _, err = _run("verify", "--checkpoint-file", str(heads))
    assert code == 1 and "审计密钥太短" in err


# --- export: append-only file, syslog, the periodic task -----------------------------------


@pytest.mark.django_db
def test_export_appends_to_the_file_and_sends_a_syslog_line(settings: Any, tmp_path: Path) -> None:
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5)
    heads = tmp_path / "heads.log"
    settings.GONGKAI_AUDIT_HEAD_FILE = str(heads)
    settings.GONGKAI_AUDIT_SYSLOG = f"127.0.0.1:{receiver.getsockname()[1]}"
    settings.GONGKAI_AUDIT_KEY = KEY
    try:
        with time_machine.travel(DAY, tick=False):
            _write(2)
            code, out, _ = _run("export-head")
            first = receiver.recv(4096).decode()
            _write(1)
            _run("export-head")
            second = receiver.recv(4096).decode()
    finally:
        receiver.close()
    lines = heads.read_text().splitlines()
    assert code == 0 and out.strip() == lines[0]
    assert lines[0].startswith("2026-12-01T01:00:00Z 2 ") and lines[1].startswith(
        "2026-12-01T01:00:00Z 3 "
    )
    assert lines[1].split()[2] == AuditHead.objects.get(id=1).hash and len(lines[1].split()) == 4
    # <134> = facility local0 (16) × 8 + severity info (6)
    assert first == f"<134>gongkai-audit: head {lines[0]}\x00"
    assert second.endswith(f"head {lines[1]}\x00")


@pytest.mark.django_db
def test_export_to_a_local_syslog_socket(settings: Any, tmp_path: Path) -> None:
    path = tmp_path / "log"  # stands in for /dev/log
    receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    receiver.bind(str(path))
    receiver.settimeout(5)
    settings.GONGKAI_AUDIT_SYSLOG = str(path)
    settings.GONGKAI_AUDIT_SYSLOG_FACILITY = "auth"
    try:
        _write(1)
        code, out, _ = _run("export-head")
        received = receiver.recv(4096).decode()
    finally:
        receiver.close()
    assert (
        code == 0 and received == f"<38>gongkai-audit: head {out.strip()}\x00"
    )  # auth (4) × 8 + 6
    settings.GONGKAI_AUDIT_SYSLOG_FACILITY = "nonsense"
    code, _, err = _run("export-head")
    assert code == 1 and "不是 syslog 设施名" in err


@pytest.mark.django_db
def test_export_without_a_sink_prints_only_and_an_empty_log_exports_nothing(
    settings: Any, tmp_path: Path
) -> None:
    code, out, _ = _run("export-head")
    assert code == 0 and "尚无审计记录" in out
    _write(1)
    code, out, err = _run("export-head")
    assert code == 0 and out.split()[1] == "1" and "未配置" in err
    settings.GONGKAI_AUDIT_HEAD_FILE = str(tmp_path / "missing-dir" / "heads.log")
    code, _, err = _run("export-head")
    assert code == 1 and "链头导出失败" in err


def test_the_export_runs_on_the_interval_boundary(settings: Any) -> None:
    settings.GONGKAI_AUDIT_EXPORT_MINUTES = 60
    at = dt.datetime(2026, 12, 1, 9, 17, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert tasks.next_run(at) == at.replace(hour=10, minute=0, second=0)
    settings.GONGKAI_AUDIT_EXPORT_MINUTES = 15
    assert tasks.next_run(at) == at.replace(minute=30, second=0)
    assert tasks.next_run(at.replace(hour=23, minute=50)).date() == dt.date(2026, 12, 2)


@pytest.mark.django_db
def test_schedule_tasks_hook_exports_and_queues_one_periodic_run(
    settings: Any, tmp_path: Path
) -> None:
    from django.apps import apps
    from django_tasks_db.models import DBTaskResult

    def queued() -> int:
        return DBTaskResult.objects.filter(
            task_path=tasks.export_head_periodically.module_path, status="READY"
        ).count()

    hook = apps.get_app_config("audit").schedule_tasks
    _write(2)
    assert hook()["exported"] is False and queued() == 0  # nothing configured, nothing queued
    heads = tmp_path / "heads.log"
    settings.GONGKAI_AUDIT_HEAD_FILE = str(heads)
    result = hook()
    assert result["exported"] and result["seq"] == 2 and queued() == 1
    hook()  # a second start does not queue a second run
    assert queued() == 1
    DBTaskResult.objects.all().delete()
    _write(1)
    assert tasks.export_head_periodically.call()["seq"] == 3 and queued() == 1
    assert [line.split()[1] for line in heads.read_text().splitlines()] == ["2", "2", "3"]
    settings.GONGKAI_AUDIT_HEAD_FILE = str(tmp_path / "unmounted" / "heads.log")
    result = hook()  # a missing mount must not stop the site from starting
    assert "No such file" in result["error"] and queued() == 1


@pytest.mark.security
@pytest.mark.django_db
def test_f10_each_export_checks_the_previous_one_and_raises_the_alarm(
    droppable_trigger: Any, settings: Any, tmp_path: Path
) -> None:
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5)
    heads = tmp_path / "heads.log"
    settings.GONGKAI_AUDIT_HEAD_FILE = str(heads)
    settings.GONGKAI_AUDIT_SYSLOG = f"127.0.0.1:{receiver.getsockname()[1]}"
    try:
        _write(4)
        assert _run("export-head")[0] == 0
        receiver.recv(4096)
        _write(2)
        assert _run("export-head")[0] == 0  # legitimate growth since the last export
        receiver.recv(4096)
        droppable_trigger()
        _rewrite(5, "203.0.113.5")
        code, _, err = _run("export-head")
        head_line, alert = receiver.recv(4096).decode(), receiver.recv(4096).decode()
    finally:
        receiver.close()
    assert code == 1 and "第 6 条记录的哈希" in err and "与上次导出的链头不符" in err
    assert (
        len(heads.read_text().splitlines()) == 3
    )  # still exported: the file records what was seen
    assert "head " in head_line
    # <131> = local0 × 8 + severity err (3)
    assert alert.startswith("<131>gongkai-audit: ALERT 审计链与上次导出的链头不符：")


@pytest.mark.django_db
def test_the_check_since_the_last_export_reads_from_that_entry_on_only(
    droppable_trigger: Any,
) -> None:
    entries = _write(5)
    checkpoint = hashchain.Checkpoint(3, entries[2].hash)
    droppable_trigger()
    AuditEntry.objects.filter(seq=1).update(actor="某人")  # before the checkpoint: not walked
    assert selectors.verify_since(checkpoint) == []
    assert [p.seq for p in selectors.verify_chain()[1]] == [1]
    AuditEntry.objects.filter(seq=4).update(actor="某人")
    assert [(p.seq, p.kind) for p in selectors.verify_since(checkpoint)] == [(4, "tampered")]


@pytest.mark.django_db
def test_the_append_only_trigger_is_in_place_after_the_replays() -> None:
    _write(1)
    assert _trigger_exists()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(seq=1).update(ip="x")
