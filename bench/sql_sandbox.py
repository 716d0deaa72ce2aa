"""datastore_search_sql sandbox benchmark: an ordinary GROUP BY over a 1,000,000-row table, and
the hostile queries of audit F1 (shared/reports/security-audit-2026-12.md) on a 40-row one.

Run from the project root (about a minute; the tables are built once into --dir):

    .venv/bin/python bench/sql_sandbox.py [--rows 1000000] [--runs 50] [--dir /tmp/gk-sql-bench]
        [--skip NAME ...] [--only-group-by]

- The tables are /work/shared/peers/ckan/gen_table.py's (日期, 区县, 类别, 事项, 金额, 数量), as in
  bench/opendata.py, ingested with `tabular.ingest`; they are kept in --dir for the next run.
- GROUP BY: p50/p95 of `datastore.run_sql` (in this process, which plays the web worker) over
  --runs after two warm-ups.
- Hostile queries: each through `datastore.run_sql` plus the JSON encoding ckan.py does; its
  status as the API would answer (200, or 409 for a refusal), seconds, this process's RSS growth
  (VmHWM after minus VmRSS before) and the answer's size. `--skip range` etc. leaves one out
  (never run `range` against a build without the process bound: it takes about 10 GB).
The last line printed is one JSON object with every figure.
"""

import argparse
import contextlib
import csv
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GEN_TABLE = Path("/work/shared/peers/ckan/gen_table.py")
GROUP_BY = (
    'SELECT "区县", count(*) AS n, sum("金额") AS s FROM "{rid}" GROUP BY "区县" ORDER BY n DESC'
)
HOSTILE = {
    "range": 'SELECT len(range(1000000000)) FROM "{rid}" WHERE _id=1',
    "repeat_2g": "SELECT length(repeat('x', 2000000000)) FROM \"{rid}\" WHERE _id=1",
    "repeat_rows": "SELECT repeat('x', 10000000) AS s FROM \"{rid}\"",
    # not on any deny list: only the process bound stops these
    "lpad_2g": "SELECT length(lpad('x', 2000000000, 'y')) FROM \"{rid}\" WHERE _id=1",
    "list_resize": 'SELECT len(list_resize([1], 1000000000)) FROM "{rid}" WHERE _id=1',
}


def status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak() -> None:
    """Reset VmHWM to the current RSS (Linux: writing 5 to clear_refs)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def generate(path: Path, rows: int) -> None:
    gen: dict[str, Any] = {"__name__": "gen_table"}
    exec(compile(GEN_TABLE.read_text(), str(GEN_TABLE), "exec"), gen)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["日期", "区县", "类别", "事项", "金额", "数量"])
        w.writerows(gen["rows"](rows))


def table(base: Path, name: str, rows: int) -> Any:
    from gongkai.opendata import datastore, tabular

    work = base / name
    meta_file = work / "meta.json"
    if not meta_file.exists():
        src = base / f"{name}.csv"
        generate(src, rows)
        result = tabular.ingest(src, "CSV", work)
        meta_file.write_text(json.dumps({"schema": result.schema, "rows": result.row_count}))
    meta = json.loads(meta_file.read_text())
    cols = tuple((c["id"], c["type"], c["native"]) for c in meta["schema"])
    terms = work / tabular.TERMS_FILE
    return datastore.Table(
        name=name, data=work / tabular.DATA_FILE, terms=terms if terms.exists() else None,
        schema=cols, row_count=int(meta["rows"]),
    )  # fmt: skip


def main() -> dict[str, Any]:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--dir", default="/tmp/gk-sql-bench")
    ap.add_argument("--skip", nargs="*", default=[], choices=sorted(HOSTILE))
    ap.add_argument("--only-group-by", action="store_true")
    args = ap.parse_args()
    base = Path(args.dir)
    base.mkdir(parents=True, exist_ok=True)
    from gongkai.opendata import datastore

    big = table(base, f"big{args.rows}", args.rows)
    small = table(base, "small40", 40)
    out: dict[str, Any] = {"rows": args.rows, "runs": args.runs}

    sql = GROUP_BY.format(rid=big.name)
    for _ in range(2):
        datastore.run_sql(sql, [big])
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        result, _ = datastore.run_sql(sql, [big])
        times.append((time.perf_counter() - t0) * 1000)
    assert len(result.rows) == 15 and sum(r[1] for r in result.rows) == args.rows, result.rows
    times.sort()
    out["group_by_1m_ms_p50"] = round(statistics.median(times), 1)
    out["group_by_1m_ms_p95"] = round(times[min(len(times) - 1, int(len(times) * 0.95))], 1)
    print(f"group by: p50 {out['group_by_1m_ms_p50']} ms, p95 {out['group_by_1m_ms_p95']} ms")

    hostile: list[dict[str, Any]] = []
    for name, q in HOSTILE.items():
        if args.only_group_by or name in args.skip:
            continue
        sql = q.format(rid=small.name)
        rss0 = status_mb("VmRSS")
        reset_peak()
        t0 = time.perf_counter()
        try:
            result, _ = datastore.run_sql(sql, [small])
            body = json.dumps(
                [dict(zip([c[0] for c in result.columns], r, strict=True)) for r in result.rows],
                ensure_ascii=False, default=str,
            )  # fmt: skip
            status, answer = 200, f"{len(body.encode())} bytes"
            del body, result
        except datastore.QueryError as e:
            status, answer = 409, str(e)
        seconds = time.perf_counter() - t0
        fig = {"name": name, "sql": sql, "status": status, "seconds": round(seconds, 2),
               "parent_rss_growth_mb": round(status_mb("VmHWM") - rss0, 1), "answer": answer}  # fmt: skip
        hostile.append(fig)
        print(json.dumps(fig, ensure_ascii=False), flush=True)
    out["hostile_queries"] = hostile
    return out


if __name__ == "__main__":
    print(json.dumps(main(), ensure_ascii=False))
