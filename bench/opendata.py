"""Open-data benchmark: ingestion of a generated government table and datastore_search latency.

Run from the project root:

    .venv/bin/python bench/opendata.py [--rows 1000000] [--runs 30] [--dir /tmp/gk-bench]

Generates a CSV (dates, districts, streets, categories, amounts, a Chinese description) with
DuckDB, ingests it through `gongkai.opendata.tabular.ingest` (Parquet + the rjieba/character
token index), then times `gongkai.opendata.datastore.search` — the code behind CKAN's
`datastore_search` here — for: the first page, two-column filters, a page deep in the table,
a sort by amount, full-text q=杭州 and q=州 through the index, and the same q as a plain scan
without the index (what the index saves). Each sort and `q` query is also timed through the general DuckDB query (`fast=False`, what
the indexes replace), so before/after figures come from the same run on the same load.
Reports p50/p95 in ms and peak RSS. No Django needed. `--reuse` keeps the ingested table in
`--dir` for the next run.
The last line printed is one JSON object with the figures.
"""

import argparse
import json
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongkai.opendata import datastore, tabular

DISTRICTS = ["上城区", "拱墅区", "西湖区", "滨江区", "萧山区", "余杭区", "临平区", "钱塘区", "富阳区", "临安区", "桐庐县", "淳安县", "建德市"]  # fmt: skip
CATEGORIES = ["道路维修", "绿化养护", "路灯维护", "排水疏通", "环境卫生", "违章停车", "噪声扰民", "消防通道", "公交站台", "共享单车"]  # fmt: skip
CITIES = ["杭州市", "宁波市", "温州市", "嘉兴市", "湖州市", "绍兴市", "金华市", "衢州市", "舟山市", "台州市", "丽水市"]  # fmt: skip


def generate(path: Path, rows: int) -> None:
    con = duckdb.connect()
    d = "[" + ",".join(f"'{x}'" for x in DISTRICTS) + "]"
    c = "[" + ",".join(f"'{x}'" for x in CATEGORIES) + "]"
    m = "[" + ",".join(f"'{x}'" for x in CITIES) + "]"
    con.execute(
        f"""COPY (
          SELECT DATE '2015-01-01' + CAST(i % 3650 AS INTEGER) AS 受理日期,
                 {d}[1 + (i * 7) % {len(DISTRICTS)}] AS 区县,
                 '第' || ((i * 13) % 60 + 1) || '街道' AS 街道,
                 {c}[1 + (i * 11) % {len(CATEGORIES)}] AS 类别,
                 round(((i * 7919) % 1000000) / 100.0, 2) AS 金额,
                 {m}[1 + (i * 3) % {len(CITIES)}] || {d}[1 + (i * 7) % {len(DISTRICTS)}]
                   || {c}[1 + (i * 11) % {len(CATEGORIES)}] || '工单' || (i % 997) AS 说明
          FROM range({rows}) t(i)
        ) TO '{path}' (HEADER, DELIMITER ',')"""
    )
    con.close()


def timed(fn, runs: int) -> dict:
    fn()  # warm
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 2),
    }


def main() -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--dir", default="/tmp/gk-opendata-bench")
    ap.add_argument(
        "--reuse", action="store_true", help="keep the ingested table in --dir and reuse it"
    )
    args = ap.parse_args()
    base = Path(args.dir)
    src = base / "source.csv"
    work = base / "v1"
    saved = base / "ingested.json"
    if args.reuse and saved.exists():
        meta = json.loads(saved.read_text())
        result = tabular.IngestResult(meta["row_count"], meta["schema"], meta["encoding"])
        gen_s, ingest_s, size = meta["generate_s"], meta["ingest_s"], meta["csv_bytes"]
    else:
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
        t0 = time.perf_counter()
        generate(src, args.rows)
        gen_s = time.perf_counter() - t0
        size = src.stat().st_size
        t0 = time.perf_counter()
        result = tabular.ingest(src, "CSV", work)
        ingest_s = time.perf_counter() - t0
        src.unlink()
        saved.write_text(
            json.dumps(
                {"row_count": result.row_count, "schema": result.schema,
                 "encoding": result.encoding, "generate_s": gen_s, "ingest_s": ingest_s,
                 "csv_bytes": size}
            )
        )  # fmt: skip
    rss_after_ingest = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    assert result.row_count == args.rows, result
    table = datastore.Table(
        name="bench",
        data=work / tabular.DATA_FILE,
        terms=work / tabular.TERMS_FILE,
        schema=tuple((c["id"], c["type"], c["native"]) for c in result.schema),
        row_count=result.row_count,
        sorts=tuple(
            (c["id"], tabular.sort_index_path(work, i))
            for i, c in enumerate(result.schema)
            if tabular.sort_index_path(work, i).exists()
        ),
    )
    no_index = datastore.Table(table.name, table.data, None, table.schema, table.row_count)

    def run(t: datastore.Table = table, **kw) -> datastore.Result:
        return datastore.search(t, base, **kw)

    def general(**kw) -> datastore.Result:
        return datastore.search(table, base, fast=False, **kw)

    for kw in ({"q": "杭州"}, {"q": "州", "sort": "金额 desc"}, {"sort": "受理日期", "offset": 7}):
        assert run(**kw, limit=50).rows == general(**kw, limit=50).rows, kw

    checks = {
        "q_杭州": run(q="杭州", limit=10).total,
        "q_州": run(q="州", limit=10).total,
        "q_杭州_scan": run(no_index, q="杭州", limit=10).total,
    }
    assert checks["q_杭州"] == checks["q_杭州_scan"], checks
    figures = {
        "first_page_limit100": timed(lambda: run(limit=100), args.runs),
        "filters_two_columns": timed(
            lambda: run(filters={"区县": "西湖区", "类别": "道路维修"}, limit=100), args.runs
        ),
        "offset_deep": timed(lambda: run(limit=100, offset=args.rows // 2), args.runs),
        "sort_amount_desc": timed(lambda: run(sort="金额 desc", limit=100), args.runs),
        "sort_amount_deep_offset": timed(
            lambda: run(sort="金额 desc", limit=100, offset=args.rows // 2), args.runs
        ),
        "q_杭州_index": timed(lambda: run(q="杭州", limit=100), args.runs),
        "q_州_index": timed(lambda: run(q="州", limit=100), args.runs),
        "q_杭州_西湖区_index": timed(lambda: run(q="杭州 西湖区", limit=100), args.runs),
        "q_杭州_scan_no_index": timed(lambda: run(no_index, q="杭州", limit=100), args.runs),
        "q_杭州_filter_sort": timed(
            lambda: run(q="杭州", filters={"区县": "滨江区"}, sort="受理日期 desc", limit=100),
            args.runs,
        ),
        "q_州_sort_amount_desc": timed(lambda: run(q="州", sort="金额 desc", limit=100), args.runs),
        # the same queries through the general DuckDB path (what the fast paths replace)
        "general_sort_amount_desc": timed(lambda: general(sort="金额 desc", limit=100), args.runs),
        "general_sort_amount_deep_offset": timed(
            lambda: general(sort="金额 desc", limit=100, offset=args.rows // 2), args.runs
        ),
        "general_q_杭州": timed(lambda: general(q="杭州", limit=100), args.runs),
        "general_q_州": timed(lambda: general(q="州", limit=100), args.runs),
        "general_q_杭州_西湖区": timed(lambda: general(q="杭州 西湖区", limit=100), args.runs),
    }
    terms_size = (work / tabular.TERMS_FILE).stat().st_size
    data_size = (work / tabular.DATA_FILE).stat().st_size
    for name, fig in figures.items():
        print(f"{name:28s} p50 {fig['p50_ms']:8.2f} ms   p95 {fig['p95_ms']:8.2f} ms")
    out = {
        "rows": args.rows,
        "csv_mb": round(size / 1024**2, 1),
        "generate_s": round(gen_s, 1),
        "ingest_s": round(ingest_s, 1),
        "ingest_rows_per_s": round(args.rows / ingest_s),
        "parquet_mb": round(data_size / 1024**2, 1),
        "terms_index_mb": round(terms_size / 1024**2, 1),
        "peak_rss_mb_after_ingest": rss_after_ingest,
        "matches": checks,
        **{k: v for k, v in figures.items()},
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }
    if not args.reuse:
        shutil.rmtree(base, ignore_errors=True)
    return out


if __name__ == "__main__":
    print(json.dumps(main(), ensure_ascii=False))
