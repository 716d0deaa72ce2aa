"""Open-data benchmark: ingestion, datastore_search, datastore_search_sql and the CSV export on
the same generated table as the CKAN reference peer, and CKAN's own figures in the same run.

Run from the project root (about 15 minutes for 10 million rows on this machine):

    .venv/bin/python bench/opendata.py [--rows 10000000] [--runs 20] [--dir /tmp/gk-opendata-bench]
        [--csv FILE] [--ckan-resource RID] [--ckan-wait SECONDS] [--no-http] [--no-ckan]
        [--reuse]

- The table is /work/shared/peers/ckan/gen_table.py's (日期, 区县, 类别, 事项, 金额, 数量; same N and
  seed give the same bytes): `--csv`, else /tmp/ckanbench/gov_<rows>.csv when present, else it is
  generated into --dir with that generator.
- Ingestion runs `tabular.ingest` in a child process: rows/s and that process's peak RSS.
- Queries (p50/p95 over --runs after one warm-up): first page, one- and two-column filters,
  sort by 金额, a sorted page at 80 % of the table, q=社区 / 公共服务 / 务, q + filter + sort,
  datastore_search_sql GROUP BY and the total count. Timed in-process (`datastore.search`,
  `datastore.run_sql`) and over HTTP against a live server of ours (gunicorn, 2 workers, a
  throwaway SQLite catalogue under --dir whose resource version folder holds the table).
- The full CSV export and a filtered one run in a child process: rows/s and peak RSS.
- CKAN: when its DataStore answers on http://127.0.0.1:5055 and holds the same table
  (`--ckan-resource`, else the last line of /tmp/ckanlog/load<rows>.log or load10m.log), the
  same requests go to CKAN in the same run, and the ratios are printed. CKAN's q with Chinese
  finds 0 rows (PostgreSQL's English parser): reported as such, never as a speed-up.
- `--reuse` keeps the ingested table and catalogue in --dir for the next run.
The last line printed is one JSON object with every figure.
"""

import argparse
import csv
import functools
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GEN_TABLE = Path("/work/shared/peers/ckan/gen_table.py")
CKAN_URL = "http://127.0.0.1:5055"
PORT = 8765

# name → datastore_search parameters (CKAN's names); `deep` offsets are set from the row count
QUERIES: dict[str, dict[str, Any]] = {
    "first_page": {"limit": 100},
    "filter_one": {"filters": {"区县": "朝阳区"}, "limit": 100},
    "filter_two": {"filters": {"区县": "朝阳区", "类别": "教育"}, "limit": 100},
    "sort_amount": {"sort": "金额 desc", "limit": 100},
    "sort_deep_80pct": {"sort": "金额 desc", "limit": 100, "offset": -1},
    "q_社区": {"q": "社区", "limit": 100},
    "q_公共服务": {"q": "公共服务", "limit": 100},
    "q_务": {"q": "务", "limit": 100},
    "q_filter_sort": {
        "q": "社区",
        "filters": {"区县": "朝阳区"},
        "sort": "金额 desc",
        "limit": 100,
    },
    "total_count": {"limit": 0},
}
SQL = 'SELECT "区县", count(*) AS n, sum("金额") AS s FROM "{rid}" GROUP BY "区县" ORDER BY n DESC'


def p(times: list[float]) -> dict[str, Any]:
    times = sorted(times)
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1),
    }


def timed(fn: Callable[[], Any], runs: int, warm: int = 1) -> tuple[dict[str, Any], Any]:
    for _ in range(warm):  # over HTTP: every worker of the server
        out = fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return p(times), out


def child(args: list[str], env: dict[str, str] | None = None) -> tuple[dict[str, Any], int]:
    """Run this script in a child process: (its JSON answer, its peak RSS in MB)."""
    proc = subprocess.Popen(
        [sys.executable, __file__, *args], stdout=subprocess.PIPE, env=env or dict(os.environ)
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    if proc.wait():
        raise SystemExit(f"child {args[0]} failed ({proc.returncode})")
    answer = json.loads(out.decode().strip().splitlines()[-1])
    return answer, int(answer.pop("vm_hwm_mb", 0))


def peak_rss_mb() -> int:
    """This process's own peak RSS (VmHWM: unlike ru_maxrss it does not carry the parent's
    size over fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0


# --- children -------------------------------------------------------------------------------------
def ingest_child(src: str, work: str) -> dict[str, Any]:
    from gongkai.opendata import tabular

    t0 = time.perf_counter()
    shutil.rmtree(Path(work) / tabular.INDEX_DIR, ignore_errors=True)
    result = tabular.ingest(Path(src), "CSV", Path(work))
    seconds = time.perf_counter() - t0
    return {
        "rows": result.row_count,
        "bad_rows": result.bad_row_count,
        "seconds": round(seconds, 1),
        "schema": result.schema,
        "encoding": result.encoding,
    }


def export_child(work: str, schema_json: str, kind: str) -> dict[str, Any]:
    from gongkai.opendata import datastore

    table = make_table(Path(work), json.loads(schema_json))
    kw: dict[str, Any] = {} if kind == "full" else {"filters": {"区县": "朝阳区"}}
    t0 = time.perf_counter()
    size = lines = 0
    with open(os.devnull, "wb") as sink:
        for chunk in datastore.export(table, Path(work).parent.parent, "csv", **kw):
            size += len(chunk)
            lines += chunk.count(b"\n")
            sink.write(chunk)
    seconds = time.perf_counter() - t0
    rows = lines - 1
    return {"rows": rows, "mb": round(size / 1024**2, 1), "seconds": round(seconds, 2),
            "rows_per_s": round(rows / seconds)}  # fmt: skip


def django_env(base: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="gongkai.settings",
        GONGKAI_VAR_DIR=str(base / "var"),
        DATABASE_URL=f"sqlite:///{base / 'var' / 'bench.sqlite3'}",
        SECRET_KEY="bench-only-not-secret",
        LOG_LEVEL="ERROR",
    )
    return env


def setup_child(base: str) -> dict[str, Any]:
    """A catalogue with one public dataset whose resource's version folder will hold the table."""
    import io

    import django

    django.setup()
    from django.core.management import call_command

    from gongkai.accounts.permissions import SYSTEM
    from gongkai.opendata import services
    from gongkai.opendata.models import version_dir
    from gongkai.organizations.models import Organization

    call_command("migrate", verbosity=0)
    org = Organization.objects.create(code="bench", name="基准测试局", org_code="199")
    ds = services.create_dataset(
        by=SYSTEM, org=org,
        data={"name": "gov-table", "title": "财政资金支付明细（基准）", "description": "基准测试表",
              "domain": "财税金融", "tags": ["基准"], "frequency": "monthly", "spatial": "测试市"},
    )  # fmt: skip
    services.publish_dataset(ds, by=SYSTEM)
    res = services.add_resource(ds, by=SYSTEM, data={"name": "明细表"})
    placeholder = "日期,区县,类别,事项,金额,数量\n2020-01-01,东城区,教育,占位,1.0,1\n"
    version = services.add_version(
        res, by=SYSTEM, file=io.BytesIO(placeholder.encode()), filename="gov.csv"
    )
    version = services.ingest(version)
    return {"resource_id": str(res.pk), "version_id": str(version.pk),
            "work": str(version_dir(version))}  # fmt: skip


def finish_child(version_id: str, ingested: str) -> dict[str, Any]:
    import django

    django.setup()
    from gongkai.opendata.models import ResourceVersion

    meta = json.loads(ingested)
    ResourceVersion.objects.filter(pk=version_id).update(
        row_count=meta["rows"], schema=meta["schema"], bad_row_count=0, bad_rows=[]
    )
    return {"ok": True}


def make_table(work: Path, schema: list[dict[str, str]]) -> Any:
    from gongkai.opendata import datastore, tabular

    cols = tuple((c["id"], c["type"], c["native"]) for c in schema)
    terms = work / tabular.TERMS_FILE
    meta = json.loads((work / tabular.INDEX_DIR / tabular.META_FILE).read_text())
    return datastore.Table(
        name="bench",
        data=work / tabular.DATA_FILE,
        terms=terms if terms.exists() else None,
        schema=cols,
        row_count=int(meta["rows"]),
        sorts=tuple(
            (c[0], tabular.sort_index_path(work, i))
            for i, c in enumerate(cols)
            if tabular.sort_index_path(work, i).exists()
        ),
    )


# --- HTTP -------------------------------------------------------------------------------------------
def post(url: str, body: dict[str, Any], timeout: float = 120) -> dict[str, Any]:
    req = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as e:
        return json.loads(e.read() or b"{}")


def http_figures(
    base_url: str, rid: str, queries: dict[str, dict[str, Any]], runs: int, with_sql: bool = True
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, params in queries.items():
        body = {"resource_id": rid, **params}
        fig, answer = timed(
            functools.partial(post, f"{base_url}/api/3/action/datastore_search", body), runs, 4
        )
        result = answer.get("result") or {}
        fig["total"] = result.get("total")
        fig["records"] = len(result.get("records") or [])
        if not answer.get("success"):
            fig["error"] = str(answer.get("error"))[:200]
        out[name] = fig
    if not with_sql:
        return out
    sql = {"sql": SQL.format(rid=rid)}
    fig, answer = timed(
        lambda: post(f"{base_url}/api/3/action/datastore_search_sql", sql), runs, warm=4
    )
    fig["records"] = len((answer.get("result") or {}).get("records") or [])
    if not answer.get("success"):
        fig["error"] = str(answer.get("error"))[:200]
    out["sql_group_by"] = fig
    return out


def ckan_resource(rows: int, given: str | None) -> str | None:
    if given:
        return given
    for log in (Path(f"/tmp/ckanlog/load{rows}.log"),
                Path("/tmp/ckanlog/load10m.log" if rows == 10_000_000 else "/nonexistent")):  # fmt: skip
        if log.exists():
            lines = [
                ln.strip() for ln in log.read_text(errors="replace").splitlines() if ln.strip()
            ]
            if lines and len(lines[-1]) == 36 and lines[-1].count("-") == 4:
                return lines[-1]
    return None


# --- main -------------------------------------------------------------------------------------------
def generate(path: Path, rows: int) -> None:
    gen: dict[str, Any] = {"__name__": "gen_table"}
    exec(compile(GEN_TABLE.read_text(), str(GEN_TABLE), "exec"), gen)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["日期", "区县", "类别", "事项", "金额", "数量"])
        w.writerows(gen["rows"](rows))


def main() -> dict[str, Any]:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--dir", default="/tmp/gk-opendata-bench")
    ap.add_argument("--csv")
    ap.add_argument("--ckan-resource")
    ap.add_argument(
        "--ckan-wait", type=int, default=0, help="seconds to wait for CKAN's load to finish"
    )
    ap.add_argument("--no-http", action="store_true", help="in-process figures only")
    ap.add_argument("--no-ckan", action="store_true", help="skip the CKAN peer")
    ap.add_argument("--ckan-queries", help="comma-separated names: only these through CKAN")
    ap.add_argument("--reuse", action="store_true")
    args = ap.parse_args()
    base = Path(args.dir)
    state_file = base / "state.json"
    queries = json.loads(json.dumps(QUERIES))
    queries["sort_deep_80pct"]["offset"] = int(args.rows * 0.8)
    out: dict[str, Any] = {"rows": args.rows}
    env = django_env(base)

    if args.reuse and state_file.exists():
        state = json.loads(state_file.read_text())
    else:
        shutil.rmtree(base, ignore_errors=True)
        (base / "var").mkdir(parents=True)
        src = Path(args.csv) if args.csv else Path(f"/tmp/ckanbench/gov_{args.rows}.csv")
        if not src.exists():
            src = base / "source.csv"
            t0 = time.perf_counter()
            generate(src, args.rows)
            print(f"generated {src} in {time.perf_counter() - t0:.0f}s", flush=True)
        setup, _ = child(["--setup-child", str(base)], env)
        print(f"catalogue ready: resource {setup['resource_id']}", flush=True)
        ingested, rss = child(["--ingest-child", str(src), setup["work"]])
        child(["--finish-child", setup["version_id"], json.dumps(ingested)], env)
        state = {
            **setup, "source": str(src), "csv_mb": round(src.stat().st_size / 1024**2, 1),
            "ingest": {"rows": ingested["rows"], "seconds": ingested["seconds"],
                       "rows_per_s": round(ingested["rows"] / ingested["seconds"]),
                       "peak_rss_mb": rss, "bad_rows": ingested["bad_rows"]},
            "schema": ingested["schema"],
        }  # fmt: skip
        state_file.write_text(json.dumps(state, ensure_ascii=False))
    out["csv_mb"] = state["csv_mb"]
    out["ingest"] = state["ingest"]
    print("ingest", json.dumps(state["ingest"]), flush=True)
    work = Path(state["work"])
    out["disk_mb"] = {
        "parquet": round((work / "data.parquet").stat().st_size / 1024**2, 1),
        "index": round(sum(f.stat().st_size for f in (work / "index").iterdir()) / 1024**2, 1),
    }
    assert state["ingest"]["rows"] == args.rows, state["ingest"]

    # in-process
    os.environ.update({k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"})
    from gongkai.opendata import datastore

    table = make_table(work, state["schema"])
    base_dir = work.parent.parent
    ours: dict[str, Any] = {}
    for name, params in queries.items():
        kw = {k: v for k, v in params.items()}
        fig, result = timed(functools.partial(datastore.search, table, base_dir, **kw), args.runs)
        fig["total"] = result.total
        ours[name] = fig
        print(
            f"in-process {name:18s} p95 {fig['p95_ms']:8.1f} ms  total {result.total}", flush=True
        )
    rtable = datastore.Table(state["resource_id"], table.data, table.terms, table.schema,
                             table.row_count, table.sorts)  # fmt: skip
    fig, _ = timed(
        lambda: datastore.run_sql(SQL.format(rid=state["resource_id"]), [rtable]), args.runs
    )
    ours["sql_group_by"] = fig
    print(f"in-process sql_group_by       p95 {fig['p95_ms']:8.1f} ms", flush=True)
    out["in_process"] = ours
    # the general DuckDB query the index replaces, for the record (fewer runs: seconds each)
    slow: dict[str, Any] = {}
    for name in ("sort_amount", "q_社区", "filter_two"):
        kw = dict(queries[name])
        fig, _ = timed(functools.partial(datastore.search, table, base_dir, fast=False, **kw), 2)
        slow[name] = fig
    out["in_process_general_path"] = slow

    # exports in child processes
    for kind in ("full", "filtered"):
        fig, rss = child(["--export-child", str(work), json.dumps(state["schema"]), kind])
        fig["peak_rss_mb"] = rss
        out[f"export_csv_{kind}"] = fig
        print(f"export {kind}", json.dumps(fig), flush=True)

    # over HTTP: ours, then CKAN
    if not args.no_http:
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "gongkai.wsgi", "-b", f"127.0.0.1:{PORT}", "-w", "2",
             "--timeout", "300", "--log-level", "warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        try:
            for _ in range(60):
                try:
                    post(f"http://127.0.0.1:{PORT}/api/3/action/status_show", {}, timeout=5)
                    break
                except OSError:
                    time.sleep(1)
            out["http_ours"] = http_figures(
                f"http://127.0.0.1:{PORT}", state["resource_id"], queries, args.runs
            )
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        for name, fig in out["http_ours"].items():
            print(f"http ours  {name:18s} p95 {fig['p95_ms']:8.1f} ms", flush=True)
        rid = None if args.no_ckan else ckan_resource(args.rows, args.ckan_resource)
        deadline = time.time() + args.ckan_wait
        while rid is None and not args.no_ckan and time.time() < deadline:
            time.sleep(20)
            rid = ckan_resource(args.rows, args.ckan_resource)
        ckan_total = None
        if rid:
            try:
                ckan_total = post(f"{CKAN_URL}/api/3/action/datastore_search",
                                  {"resource_id": rid, "limit": 0}, timeout=60)["result"]["total"]  # fmt: skip
            except (OSError, KeyError, ValueError):
                ckan_total = None
        if rid and ckan_total == args.rows:
            only = set(args.ckan_queries.split(",")) if args.ckan_queries else None
            ckan = http_figures(
                CKAN_URL, rid, {k: v for k, v in queries.items() if not only or k in only},
                args.runs, with_sql=not only or "sql_group_by" in only,
            )  # fmt: skip
            out["http_ckan"] = ckan
            out["ckan_resource"] = rid
            ratios: dict[str, Any] = {}
            for name, fig in ckan.items():
                mine = out["http_ours"][name]
                if name.startswith("q_") and not fig.get("total") and mine.get("total"):
                    ratios[name] = f"CKAN finds 0 rows (we find {mine['total']})"
                elif fig.get("error"):
                    ratios[name] = f"CKAN error: {fig['error'][:80]}"
                else:
                    ratios[name] = round(fig["p95_ms"] / max(mine["p95_ms"], 0.1), 1)
            out["ratio_ckan_over_ours_p95"] = ratios
            for name, r in ratios.items():
                print(f"{name:18s} ours {out['http_ours'][name]['p95_ms']:8.1f} ms   CKAN "
                      f"{ckan[name]['p95_ms']:8.1f} ms   ratio {r}", flush=True)  # fmt: skip
        else:
            out["http_ckan"] = f"not run: resource {rid!r}, CKAN total {ckan_total!r}"
    if not args.reuse:
        shutil.rmtree(base, ignore_errors=True)
    return out


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1].endswith("-child"):
        kind, rest = sys.argv[1], sys.argv[2:]
        answer = {
            "--ingest-child": lambda: ingest_child(*rest),
            "--export-child": lambda: export_child(*rest),
            "--setup-child": lambda: setup_child(*rest),
            "--finish-child": lambda: finish_child(*rest),
        }[kind]()
        answer["vm_hwm_mb"] = peak_rss_mb()
        print(json.dumps(answer, ensure_ascii=False, default=str))
    else:
        print(json.dumps(main(), ensure_ascii=False))
