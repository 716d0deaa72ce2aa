"""`gongkai import_tasks` (issue 22): every bad row reported (row, column, message), nothing
imported from a file with errors, exit non-zero; idempotent by plan + 序号; CSV and XLSX."""

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from gongkai.execution.models import Plan, Task
from gongkai.execution.taskfile import parse_due

from .conftest import D

pytestmark = pytest.mark.django_db
HEADER = "序号,大类,任务,牵头部门,配合部门,完成时限\n"


def _run(path: Path, org: Any, *extra: str) -> dict[str, Any]:
    out = StringIO()
    call_command("import_tasks", str(path), "--org", org.code, "--year", "2026", "--format",
                 "json", *extra, stdout=out)  # fmt: skip
    return json.loads(out.getvalue())


def test_import_is_idempotent_by_plan_and_number(tmp_path: Path, lead: Any, co: Any) -> None:
    f = tmp_path / "tasks.csv"
    f.write_text(HEADER + f"1,深化公开,公开财政预决算,{lead.name},{co.name},2026年6月底\n"
                 f"2,深化公开,公开重大项目进展,,{co.code},2026-12-31\n", encoding="utf-8")  # fmt: skip
    first = _run(f, lead)
    assert (first["created"], first["updated"], first["unchanged"]) == (2, 0, 0)
    t1 = Task.objects.get(number=1)
    assert t1.lead_org == lead and list(t1.co_orgs.all()) == [co] and t1.due_on == D(2026, 6, 30)
    assert Task.objects.get(number=2).lead_org is None  # 未明确牵头部门, never guessed
    again = _run(f, lead)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    f.write_text(
        HEADER + f"1,深化公开,公开财政预决算（修订）,{lead.name},,2026年底\n", encoding="utf-8"
    )
    third = _run(f, lead)
    assert (third["created"], third["updated"]) == (0, 1)
    assert Task.objects.count() == 2 and Plan.objects.count() == 1
    assert Task.objects.get(number=1).due_on == D(2026, 12, 31)


def test_dry_run_saves_nothing(tmp_path: Path, lead: Any) -> None:
    f = tmp_path / "tasks.csv"
    f.write_text(HEADER + f"1,大类,任务一,{lead.name},,\n", encoding="utf-8")
    assert _run(f, lead, "--dry-run")["created"] == 1
    assert not Task.objects.exists() and not Plan.objects.exists()


def test_a_file_with_errors_imports_nothing_and_names_each_problem(
    tmp_path: Path, lead: Any, co: Any
) -> None:
    f = tmp_path / "tasks.csv"
    f.write_text(HEADER + f"1,大类,好的任务,{lead.name},,2026-06-30\n"
                 f"x,大类,序号错误,{lead.name},,\n"
                 f"3,大类,,{lead.name},,\n"
                 f"4,大类,两个牵头,{lead.name}、{co.name},,\n"
                 f"5,大类,未知部门,不存在的局,,明年\n"
                 f"1,大类,重复序号,{lead.name},{lead.name},\n", encoding="utf-8")  # fmt: skip
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_tasks", str(f), "--org", lead.code, "--year", "2026", "--format", "json",
                     stdout=out)  # fmt: skip
    errors = {(e["row"], e["column"]) for e in json.loads(out.getvalue())["errors"]}
    assert errors == {(3, "序号"), (4, "任务"), (5, "牵头部门"), (6, "牵头部门"), (6, "完成时限"),
                      (7, "序号"), (7, "配合部门")}  # fmt: skip
    assert not Task.objects.exists() and not Plan.objects.exists()


def test_xlsx_and_missing_columns(tmp_path: Path, lead: Any) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "大类", "任务", "牵头部门", "配合部门", "完成时限"])
    ws.append([1, "大类", "表格任务", lead.name, None, D(2026, 9, 30)])
    wb.save(tmp_path / "t.xlsx")
    assert _run(tmp_path / "t.xlsx", lead)["created"] == 1
    assert Task.objects.get().due_on == D(2026, 9, 30)
    bad = tmp_path / "bad.csv"
    bad.write_text("序号,任务\n1,x\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_tasks", str(bad), "--org", lead.code, "--year", "2026", stdout=StringIO(),
                     stderr=StringIO())  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), [
    ("2026年2月底", D(2026, 2, 28)), ("2028年2月底", D(2028, 2, 29)), ("2026年底", D(2026, 12, 31)),
    ("2026/6/1", D(2026, 6, 1)), ("2026年6月1日", D(2026, 6, 1)), ("", None),
])  # fmt: skip
def test_due_dates(text: str, expected: Any) -> None:
    assert parse_due(text) == expected
