"""The audit trail: every change is chained with SM3; `gongkai audit verify` names what was altered."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from gongkai.audit.models import AuditEntry
from gongkai.audit.selectors import verify_chain
from gongkai.audit.services import record


def _write(n: int) -> list[AuditEntry]:
    return [
        record("test.event", object_type="x", object_id=str(i), after={"i": i, "名称": "值"})
        for i in range(n)
    ]


def _raw(sql: str, params: list[Any]) -> None:
    """Change the log behind the application's back, as a privileged hand would."""
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_append_only")
        else:
            c.execute("DROP TRIGGER IF EXISTS audit_no_update")
        c.execute(sql, params)


def _verify() -> tuple[int, str]:
    err = StringIO()
    try:
        call_command("audit", "verify", stdout=StringIO(), stderr=err)
    except CommandError:
        return 1, err.getvalue()
    return 0, err.getvalue()


@pytest.mark.django_db
def test_entries_are_chained_and_verify_cleanly() -> None:
    entries = _write(5)
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[1].prev_hash == entries[0].hash
    assert verify_chain() == (5, [])
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "完好：5 条记录" in out.getvalue()


@pytest.mark.django_db
def test_the_log_refuses_updates_at_the_database() -> None:
    _write(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(seq=1).update(action="changed")


@pytest.mark.django_db
@pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="SQLite keeps the delete guard in verify only"
)
def test_the_log_refuses_deletes_on_postgresql() -> None:
    _write(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(seq=1).delete()


@pytest.mark.django_db
def test_verify_names_a_changed_entry() -> None:
    _write(5)
    _raw("UPDATE audit_auditentry SET actor = %s WHERE seq = 3", ["某人"])
    code, err = _verify()
    assert code == 1 and "[tampered] 第 3 条" in err


@pytest.mark.django_db
def test_verify_names_a_deleted_entry() -> None:
    _write(5)
    _raw("DELETE FROM audit_auditentry WHERE seq = 2", [])
    code, err = _verify()
    assert code == 1 and "[deleted] 第 3 条" in err and "第 2–2 条记录被删除" in err


@pytest.mark.django_db
def test_verify_names_deleted_newest_entries() -> None:
    _write(5)
    _raw("DELETE FROM audit_auditentry WHERE seq >= 4", [])
    code, err = _verify()
    assert code == 1 and "[truncated]" in err and "第 4–5 条" in err


@pytest.mark.django_db
def test_verify_names_an_inserted_entry() -> None:
    entries = _write(3)
    _raw(
        "INSERT INTO audit_auditentry (seq, at, actor, ip, action, object_type, object_id, prev_hash, hash)"
        " VALUES (4, %s, 'x', '', 'forged', '', '', %s, %s)",
        [entries[-1].at, entries[-1].hash, "f" * 64],
    )
    code, err = _verify()
    assert code == 1 and "第 4 条" in err


@pytest.mark.django_db
def test_a_rolled_back_change_leaves_no_entry() -> None:
    _write(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        record("test.event", object_type="x", object_id="1")
        raise RuntimeError("fails after auditing")
    assert AuditEntry.objects.count() == 1
    assert verify_chain()[1] == []
