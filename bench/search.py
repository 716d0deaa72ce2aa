"""Search benchmark: N synthetic government documents, streamed, the backends side by side.

    .venv/bin/python bench/search.py                # N from DOCS (or --docs), default 50,000
    .venv/bin/python bench/search.py --docs 20000 --backends tantivy,fts5,postgres,like
    nohup .venv/bin/python bench/search.py --docs 1000000 > /tmp/search-1m.log &   # tantivy only
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_searchbench \
        .venv/bin/python bench/search.py --backends postgres

The documents are never held together: each batch of BATCH (2,000) is made by its own
generator seeded by (seed, batch number), so every backend streams the very same corpus batch by
batch, a 文号 query can look up the one document it needs, and memory stays bounded at any N
(`peak_rss_mb`: this process, and the largest segmenting worker). Every figure is printed next
to the load average it ran under, as other work on the machine slows the wall-clock ones.
Measured 2026-12-08, 1,000,000 documents, three runs on 2 cores (load 1–4.5, other light work
beside): whole run 507–518 s (8.5–8.6 min); build 503–514 s, 1,946–1,988 docs/s wall-clock with
the documents made in this same process (52–56 s of it), 0.86–0.94 ms CPU per document
(`build_docs_per_s_cpu_bound_2_cores` 2,117–2,330); index 1,797 MB in 3–10 segments; 130
queries p50 22–24 ms, p95 34–53 ms; peak RSS 2.0–2.1 GB in the bench process (the 400 MB
writer heap, then the final commit and merges), 116 MB per segmenting worker — the documents
themselves are never held.

Backends (`--backends`, default tantivy,fts5,like up to 200,000 documents and tantivy alone
above; run in the order tantivy, like, fts5, postgres): `tantivy` (the default backend's own
`rebuild`, fed the streamed batches as `gongkai search reindex` feeds it, segmentation in its
process pool, then its `search`), `fts5` (SQLite FTS5, contentless, over the very same rjieba
segmentation, bm25 with the same field weights, facets in one statement), `postgres` (the real
PostgreSQL backend code against the database of DATABASE_URL — default the gongkai_searchbench
database, created if missing; its search tables are migrated and emptied; COPY then GIN
index), `like` (a naive `LIKE '%…%'` scan on SQLite, top-10 plus the count a facet needs).
Every backend segments for itself inside its build time: nothing segmented is cached or
shared. Build figures come with CPU seconds per document (all processes, generating the
documents excluded), which other work on the machine does not inflate;
`build_docs_per_s_cpu_bound_2_cores` is what two idle cores would give. `build_docs_per_s` is
wall-clock and includes generating the documents (`generate_s`).

Not at 1M by default, with the measured reason: PostgreSQL builds its tsvector literals at
~1.95 ms CPU per document (`tsvectors_of`, 2.3× tantivy's segmentation), i.e. ~16 minutes of
both cores for 1M before COPY and the GIN build — beyond the 15-minute budget on its own; run
it at 1M explicitly (`--backends postgres`) when the time is there. LIKE scans the ~5 GB of
text per query and FTS5 segments everything a second time; both are for comparison at ≤200k.

Generates N documents (500–3,000 characters of government vocabulary, titles, 文号, 索引号,
organisations, categories, years; 1 in 20 also holds one of 20 rare words such as 枸杞 or
贺兰山), builds the index exactly as the app does (rjieba search-mode segmentation + user
dictionary, OpenCC t2s), then runs a fixed set of 130 queries (`query_mix`: one-, two- and
three-word common words, rare word, 文号, quoted phrase, two words filtered by organisation and
year), each for top-10 WITH facet counts, and reports build rate, index size, p50/p95/p99
latency (all, two-word, and p95 by kind), and recall against substring truth (20 two-word
queries and the rare-word ones, all matches; only up to --recall-max-docs, 200,000, as it
makes and scans every text once more). LIKE scans every document per query, so it is timed on
a FIXED subset — the first --like-queries (10) two-word queries, named in the JSON — and
compared at p50 with each engine's p50 on that same subset (`over_<engine>_p50`). Each engine
stops timing queries after --query-budget-s. The last line is one JSON object (with `wall_s`,
the whole run); FTS5 phrases are approximated with NEAR (FTS5 has no phrase with gaps).
"""

import argparse
import datetime as dt
import json
import os
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

from gongkai.lib import segment
from gongkai.search.backends.tantivy import CHUNK, TantivyBackend, texts_of
from gongkai.search.interface import Filters, SearchEntry
from gongkai.search.query import ParsedQuery, parse

PG_URL = "postgres://postgres@127.0.0.1:5432/gongkai_searchbench"
BIG = 200_000  # above: only tantivy by default, and no recall (it scans every text)

TERMS = [
    "政务公开",
    "信息公开",
    "依申请公开",
    "主动公开",
    "规范性文件",
    "放管服",
    "一网通办",
    "营商环境",
    "专项资金",
    "财政预算",
    "部门决算",
    "三公经费",
    "政府采购",
    "公共资源交易",
    "行政许可",
    "行政处罚",
    "行政复议",
    "安全生产",
    "应急管理",
    "食品安全",
    "社会保险",
    "养老保险",
    "医疗保险",
    "最低生活保障",
    "就业创业",
    "住房保障",
    "老旧小区改造",
    "义务教育",
    "职业教育",
    "乡村振兴",
    "高标准农田",
    "耕地保护",
    "生态环境保护",
    "河长制",
    "碳达峰",
    "重大项目",
    "民生实事",
    "公众参与",
    "重大行政决策",
    "政策解读",
    "权责清单",
    "双随机一公开",
    "证明事项告知承诺制",
    "跨省通办",
    "数字政府",
    "城市更新",
    "交通运输",
    "水利工程",
    "文化旅游",
    "卫生健康",
    "疫情防控",
    "退役军人",
    "人才引进",
    "科技创新",
    "中小企业",
    "减税降费",
    "资金拨付",
    "绩效评价",
    "审计整改",
    "统计公报",
    "人口普查",
    "防汛抗旱",
    "森林防火",
    "物价监测",
    "市场监管",
    "知识产权",
]
VERBS = [
    "加强",
    "推进",
    "落实",
    "规范",
    "完善",
    "深化",
    "优化",
    "做好",
    "建立",
    "健全",
    "提升",
    "强化",
    "开展",
    "实施",
    "保障",
]
NOUNS = [
    "工作",
    "管理",
    "制度",
    "机制",
    "体系",
    "服务",
    "监督",
    "考核",
    "措施",
    "方案",
    "办法",
    "意见",
    "要求",
    "职责",
    "能力",
    "水平",
]
LINKS = [
    "各区县人民政府",
    "市政府各部门",
    "各有关单位",
    "市直各部门",
    "各乡镇人民政府",
    "各街道办事处",
]
KINDS = [("notice", "通知"), ("announce", "公告"), ("normative", "规范性文件"),
         ("interpretation", "政策解读"), ("plan", "计划总结"), ("report", "统计信息")]  # fmt: skip
ORGS = [(f"org{i:02d}", name) for i, name in enumerate(
    ["人民政府办公室", "发展和改革委员会", "财政局", "教育局", "公安局", "民政局", "司法局", "人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "水务局", "农业农村局", "商务局", "文化和旅游局", "卫生健康委员会", "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局", "政务服务管理局", "数据局"])]  # fmt: skip
AGENCY_CODES = [
    "宁政发",
    "宁政办发",
    "宁财发",
    "宁教发",
    "宁民发",
    "宁人社发",
    "宁环发",
    "宁建发",
    "宁交发",
    "宁农发",
]


RARE = ["枸杞", "滩羊", "葡萄酒", "光伏", "沙漠化", "黄河", "肉牛", "长城", "贺兰山", "六盘山",
        "沙湖", "引黄灌区", "盐碱地", "马铃薯", "红枣", "清真", "民宿", "冬小麦", "湿地公园",
        "移民搬迁"]  # fmt: skip
RARE_SHARE = 0.05  # documents holding one rare word (each: about 1 in 400 documents)
BATCH = 2000  # documents per generated batch: each from its own seeded generator
SEED = 6


def sentence(rng: random.Random) -> str:
    a, b = rng.sample(TERMS, 2)
    return (
        f"{rng.choice(LINKS)}要{rng.choice(VERBS)}{a}{rng.choice(NOUNS)}，"
        f"{rng.choice(VERBS)}{b}{rng.choice(NOUNS)}{rng.choice(NOUNS)}，"
        f"确保{rng.choice(TERMS)}{rng.choice(VERBS)}到位。"
    )


_pool: dict[int, tuple[list[str], int]] = {}


def sentences(seed: int = SEED) -> tuple[list[str], int]:
    """The 20,000 sentences the bodies are drawn from, and their mean length."""
    if seed not in _pool:
        rng = random.Random(seed)
        pool = [sentence(rng) for _ in range(20000)]
        _pool[seed] = pool, round(statistics.mean(map(len, pool)))
    return _pool[seed]


def batch(b: int, n: int, seed: int = SEED) -> list[SearchEntry]:
    """Documents b·BATCH … min(n, (b+1)·BATCH) − 1 (500–3,000 characters each), from a
    generator seeded by (seed, b) alone: any batch can be made again, alone, in any order, so
    the corpus is never held whole and every backend reads the very same documents."""
    pool, mean = sentences(seed)
    rng = random.Random(seed * 1_000_003 + b)
    out = []
    for i in range(b * BATCH, min(n, (b + 1) * BATCH)):
        body = rng.choices(pool, k=rng.randint(500, 3000) // mean + 1)
        if rng.random() < RARE_SHARE:
            rare = (
                f"{rng.choice(LINKS)}要{rng.choice(VERBS)}{rng.choice(RARE)}{rng.choice(NOUNS)}。"
            )
            body.insert(rng.randrange(len(body)), rare)
        year = rng.randint(2008, 2025)
        org_code, org_name = rng.choice(ORGS)
        cat_code, cat_name = rng.choice(KINDS)
        a, b2 = rng.sample(TERMS, 2)
        title = f"关于{rng.choice(VERBS)}{a}{rng.choice(NOUNS)}的{rng.choice(['通知', '意见', '实施方案', '公告', '办法'])}"
        doc_number = f"{rng.choice(AGENCY_CODES)}〔{year}〕{i % 997 + 1}号" if i % 3 == 0 else ""
        out.append(
            SearchEntry(
                key=f"doc:{i}",
                title=title,
                url=f"/documents/{i}/",
                body="".join(body) + b2,
                org_code=org_code,
                org_name=org_name,
                category_code=cat_code,
                category_name=cat_name,
                published_on=dt.date(year, rng.randint(1, 12), 1),
                index_no=f"640100-{100 + int(org_code[3:])}/{year}-{i:06d}",
                doc_number=doc_number,
            )
        )
    return out


class Stream:
    """The N documents as (cursor, batch) pairs, made batch by batch as they are read — the
    shape `TantivyBackend.rebuild` and `services.rebuild` take. Counts the time spent making
    them (wall and CPU, in this process), so a build can report its rate without it."""

    def __init__(self, n: int, progress: str = "") -> None:
        self.n, self.progress = n, progress
        self.gen_s = self.gen_cpu_s = 0.0

    def __iter__(self) -> Iterator[tuple[int, list[SearchEntry]]]:
        started = time.perf_counter()
        for b in range(-(-self.n // BATCH)):
            t, c = time.perf_counter(), time.process_time()
            entries = batch(b, self.n)
            self.gen_s += time.perf_counter() - t
            self.gen_cpu_s += time.process_time() - c
            yield b * BATCH + len(entries), entries
            done = b * BATCH + len(entries)
            if self.progress and done % 100_000 == 0:
                s = time.perf_counter() - started
                print(
                    f"{self.progress}: {done} documents in {s:.0f}s ({done / s:.0f}/s), "
                    f"RSS peak {peak_rss_mb()[0]} MB, load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )

    def entries(self) -> Iterator[SearchEntry]:
        for _, entries in self:
            yield from entries


def document(i: int, n: int) -> SearchEntry:
    return batch(i // BATCH, n)[i % BATCH]


def peak_rss_mb() -> tuple[int, int]:
    """Peak resident memory (MB) of this process, and of the largest finished child."""
    return (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024,
    )


def queries(n: int, rng: random.Random) -> list[tuple[str, str, Filters]]:
    out: list[tuple[str, str, Filters]] = []
    for _ in range(50):
        a, b = rng.sample(TERMS, 2)
        out.append(("two", f"{a} {b}", Filters()))
    for _ in range(15):
        out.append(("one", rng.choice(TERMS), Filters()))
    for _ in range(15):
        out.append(("three", " ".join(rng.sample(TERMS, 3)), Filters()))
    for _ in range(10):  # the 文号 of a numbered document (every third one)
        out.append(("docnumber", document(rng.randrange(0, n, 3), n).doc_number, Filters()))
    for _ in range(10):
        a = rng.choice(TERMS)
        out.append(("phrase", f'"{rng.choice(VERBS)}{a}"', Filters()))
    for _ in range(20):
        a, b = rng.sample(TERMS, 2)
        f = Filters(org=rng.choice(ORGS)[0], year=rng.randint(2008, 2025))
        out.append(("filtered", f"{a} {b}", f))
    for _ in range(10):  # a word in about 1 of 400 documents
        out.append(("rare", rng.choice(RARE), Filters()))
    return out


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return round(values[min(len(values) - 1, int(len(values) * p))], 2)


def cpu_s() -> float:
    """CPU seconds of this process and its finished children (the segmenting pool)."""
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


per_query_cpu: dict[int, float] = {}  # CPU ms of each query of the last `latencies` run


def latencies(
    qs: list[tuple[str, str, Filters]], run: Any, budget_s: float
) -> tuple[dict[str, list[float]], list[tuple[float, str]], dict[int, float], list[float]]:
    """Time `run(parsed, filters)` per query (top-10 with facets); stops after `budget_s`.
    Returns the times by kind, the slowest first, the time of each query by its number, and
    the CPU time of each query in this process — its latency on an idle core, which the other
    work on a shared machine does not inflate (not for PostgreSQL: its CPU is the server's)."""
    for _, q, f in qs[:5]:  # warm the caches once
        run(parse(q), f)
    lat: dict[str, list[float]] = {}
    slowest: list[tuple[float, str]] = []
    per_query: dict[int, float] = {}
    cpu: list[float] = []
    started = time.perf_counter()
    per_query_cpu.clear()
    for number, (kind, q, f) in enumerate(qs):
        if time.perf_counter() - started > budget_s:
            break
        t, c = time.perf_counter(), time.process_time()
        run(parse(q), f)
        ms = (time.perf_counter() - t) * 1000
        cpu.append((time.process_time() - c) * 1000)
        per_query_cpu[number] = cpu[-1]
        lat.setdefault(kind, []).append(ms)
        per_query[number] = ms
        filt = f" [org={f.org} year={f.year}]" if f.active() else ""
        slowest.append((ms, f"{kind}: {q}{filt}"))
    slowest.sort(reverse=True)
    return lat, slowest, per_query, cpu


def figures(
    lat: dict[str, list[float]], slowest: list[tuple[float, str]], cpu: list[float] | None = None
) -> dict[str, Any]:
    every = [v for vs in lat.values() for v in vs]
    return {
        "queries": len(every),
        "p50_ms": pct(every, 0.5),
        "p95_ms": pct(every, 0.95),
        "p99_ms": pct(every, 0.99),
        **({"cpu_p50_ms": pct(cpu, 0.5), "cpu_p95_ms": pct(cpu, 0.95)} if cpu else {}),
        "two_word_p50_ms": pct(lat.get("two", []), 0.5),
        "two_word_p95_ms": pct(lat.get("two", []), 0.95),
        "by_kind_p50_ms": {k: pct(v, 0.5) for k, v in lat.items()},
        "by_kind_p95_ms": {k: pct(v, 0.95) for k, v in lat.items()},
        "slowest": [f"{ms:.1f}ms {q}" for ms, q in slowest[:3]],
    }


def _fts_quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def fts5_query(q: ParsedQuery) -> str:
    """The FTS5 expression of a parsed query, as the backends read it (words ANDed, a word
    also matched by all its parts, phrases as NEAR within their span, exclusions)."""
    parts = []
    for w in q.words:
        whole = _fts_quote(w.text)
        parts.append(
            f"({whole} OR ({' AND '.join(map(_fts_quote, w.parts))}))" if w.parts else whole
        )
    for placed in q.phrases:
        span = placed[-1][0] - placed[0][0]
        parts.append(f"NEAR({' '.join(_fts_quote(x) for _, x in placed)}, {span})")
    expr = " AND ".join(parts)
    for x in q.excluded:
        expr += f" NOT {_fts_quote(x)}"
    return expr


FTS5_FACETS = "org", "year", "category", "topic", "validity"


def texts_chunk(entries: list[SearchEntry]) -> list[tuple[str, str, str]]:
    return [texts_of(e) for e in entries]


def tsvectors_chunk(entries: list[SearchEntry]) -> list[tuple[str, str]]:
    from gongkai.search.backends.postgres import tsvectors_of

    return [tsvectors_of(e) for e in entries]


def segmented(
    stream: Stream, workers: int, chunk: Any = texts_chunk
) -> Iterator[tuple[SearchEntry, Any]]:
    """(entry, `chunk` of it) for each entry in order — default `texts_of` (title, 文号, body
    tokens) — segmented in a pool a bounded number of chunks ahead (as TantivyBackend.rebuild
    does it), so that FTS5 and PostgreSQL pay their own segmentation inside their build time
    and nothing is kept."""
    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        ahead: deque[tuple[list[SearchEntry], Any]] = deque()
        for _, entries in stream:
            for i in range(0, len(entries), CHUNK):
                part = entries[i : i + CHUNK]
                ahead.append((part, pool.submit(chunk, part)))
                while len(ahead) > 2 * workers + 2:
                    part, task = ahead.popleft()
                    yield from zip(part, task.result(), strict=True)
        while ahead:
            part, task = ahead.popleft()
            yield from zip(part, task.result(), strict=True)


def fts5_bench(
    n: int, workers: int,
    qs: list[tuple[str, str, Filters]], tmp: str, budget_s: float,
) -> dict[str, Any]:  # fmt: skip
    path = Path(tmp) / "fts5.sqlite3"
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(title, numbers, body, content='', "
        "tokenize='unicode61 remove_diacritics 0')"
    )
    db.execute(
        "CREATE TABLE meta (id INTEGER PRIMARY KEY, org TEXT, year INT, category TEXT, "
        "topic TEXT, validity TEXT, published INT)"
    )
    stream = Stream(n, "fts5")
    t0, c0 = time.perf_counter(), cpu_s()
    with db:
        texts: list[tuple[Any, ...]] = []
        meta: list[tuple[Any, ...]] = []
        for i, (e, segments) in enumerate(segmented(stream, workers)):
            texts.append((i, *segments))
            meta.append(
                (i, e.org_code, e.published_on.year if e.published_on else None, e.category_code,
                 e.topic_codes[0] if e.topic_codes else None, e.validity or None,
                 e.published_on.toordinal() if e.published_on else 0)
            )  # fmt: skip
            if len(texts) == BATCH or i == n - 1:
                db.executemany("INSERT INTO fts (rowid, title, numbers, body) VALUES (?, ?, ?, ?)", texts)  # fmt: skip
                db.executemany("INSERT INTO meta VALUES (?, ?, ?, ?, ?, ?, ?)", meta)
                texts, meta = [], []
        db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    write_s, write_cpu = time.perf_counter() - t0, cpu_s() - c0 - stream.gen_cpu_s
    db.close()
    size = path.stat().st_size
    db = sqlite3.connect(path)

    def run(q: ParsedQuery, f: Filters) -> None:
        expr = fts5_query(q)
        where = "fts MATCH ?"
        params: list[Any] = [expr]
        if f.org:
            where += " AND m.org = ?"
            params.append(f.org)
        if f.year:
            where += " AND m.year = ?"
            params.append(f.year)
        if not expr:
            return
        base = f"FROM fts JOIN meta m ON m.id = fts.rowid WHERE {where}"
        db.execute(
            f"SELECT fts.rowid {base} ORDER BY bm25(fts, 3.0, 2.0, 1.0), m.published DESC LIMIT 10",
            params,
        ).fetchall()
        groups = " UNION ALL ".join(
            f"SELECT '{c}', {c}, count(*) FROM hit WHERE {c} IS NOT NULL GROUP BY {c}"
            for c in FTS5_FACETS
        )
        db.execute(
            f"WITH hit AS MATERIALIZED (SELECT m.* {base}) "
            f"SELECT '', '', count(*) FROM hit UNION ALL {groups}",
            params,
        ).fetchall()

    lat, slowest, per_query, cpu = latencies(qs, run, budget_s)
    return {
        "build_s": round(write_s, 1),
        "build_docs_per_s": round(n / write_s),
        "generate_s": round(stream.gen_s, 1),
        "build_cpu_ms_per_doc": round(write_cpu / n * 1000, 2),
        "index_mb": round(size / 1e6, 1),
        **figures(lat, slowest, cpu),
        "_per_query": per_query,
        "_per_query_cpu": dict(per_query_cpu),
    }


def postgres_bench(
    n: int, workers: int,
    qs: list[tuple[str, str, Filters]], url: str, budget_s: float,
) -> dict[str, Any]:  # fmt: skip
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from gongkai.search.backends.postgres import PostgresBackend

    call_command("migrate", "search", verbosity=0)
    columns = (
        "key, title, url, body, org_code, org_name, category_code, category_name, topic_codes, "
        "topic_name, validity, validity_label, published_on, index_no, doc_number, updated_at, tsv, "
        "tsv_head"
    )
    now = dt.datetime.now(dt.UTC)
    stream = Stream(n, "postgres")
    t0, c0 = time.perf_counter(), cpu_s()
    with connection.cursor() as cur:
        cur.execute("TRUNCATE search_entry, search_pending")
        cur.execute("DROP INDEX IF EXISTS search_entry_tsv")
        cur.execute("SET maintenance_work_mem = '512MB'")
        with cur.cursor.copy(f"COPY search_entry ({columns}) FROM STDIN") as copy:
            for e, (tsv, head) in segmented(stream, workers, tsvectors_chunk):
                copy.write_row(
                    (e.key, e.title, e.url, e.body, e.org_code, e.org_name, e.category_code,
                     e.category_name, " ".join(e.topic_codes), e.topic_name, e.validity,
                     e.validity_label, e.published_on, e.index_no, e.doc_number, now, tsv, head)
                )  # fmt: skip
        cur.execute("CREATE INDEX search_entry_tsv ON search_entry USING gin (tsv)")
        cur.execute("ANALYZE search_entry")
        write_s, write_cpu = time.perf_counter() - t0, cpu_s() - c0 - stream.gen_cpu_s
        cur.execute(
            "SELECT pg_relation_size('search_entry_tsv'), pg_total_relation_size('search_entry')"
        )
        gin, total = cur.fetchone()
    backend = PostgresBackend()
    lat, slowest, per_query, _ = latencies(
        qs, lambda q, f: backend.search(q, f, offset=0, limit=10, facets=True), budget_s
    )
    return {
        "database": name,
        "build_s": round(write_s, 1),
        "build_docs_per_s": round(n / write_s),
        "generate_s": round(stream.gen_s, 1),
        "build_cpu_ms_per_doc_client": round(write_cpu / n * 1000, 2),
        "gin_index_mb": round(gin / 1e6, 1),
        "table_with_indexes_mb": round(total / 1e6, 1),
        **figures(lat, slowest),
        "_per_query": per_query,
    }


def public(figures: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in figures.items() if not k.startswith("_")}


def recall(backend: TantivyBackend, entries: Iterable[SearchEntry], qs: list[Any]) -> Any:
    """Recall against substring truth: 20 two-word queries and the rare-word ones, all their
    matches (one more pass over the generated documents, nothing kept but matching keys)."""
    asked = {
        "two_word": [tuple(q.split()) for kind, q, _ in qs if kind == "two"][:20],
        "rare": [(q,) for kind, q, _ in qs if kind == "rare"],
    }
    every = [words for group in asked.values() for words in group]
    truth: dict[tuple[str, ...], set[str]] = {words: set() for words in every}
    for e in entries:
        text = segment.normalize(f"{e.title} {e.body}")
        for words, found in truth.items():
            if all(w in text for w in words):
                found.add(e.key)
    out: dict[str, float | None] = {}
    for name, group in asked.items():
        recalls = []
        for words in group:
            if found := truth[words]:
                page = backend.search(
                    parse(" ".join(words)), Filters(), offset=0, limit=len(found) * 2 + 10,
                    facets=False,
                )  # fmt: skip
                recalls.append(len(found & {k for k, _ in page.hits}) / len(found))
        out[name] = round(statistics.mean(recalls), 4) if recalls else None
    return out


def main() -> None:
    started = time.perf_counter()
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--docs", type=int, default=int(os.environ.get("DOCS", os.environ.get("SEARCH_BENCH_DOCS", 50000)))
    )  # fmt: skip
    parser.add_argument(
        "--backends", default=None,
        help=f"comma-separated; default tantivy,fts5,like, only tantivy above {BIG:,} documents",
    )  # fmt: skip
    parser.add_argument("--like-queries", type=int, default=10)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--query-budget-s", type=float, default=90, help="per backend; later queries are skipped"
    )
    parser.add_argument("--pg-url", default=os.environ.get("DATABASE_URL", PG_URL))
    parser.add_argument(
        "--recall-max-docs", type=int, default=BIG, help="recall is measured up to this N"
    )
    parser.add_argument("--tmp", default=None, help="directory for the indexes (default TMPDIR)")
    args = parser.parse_args()
    n = args.docs
    default = "tantivy,fts5,like" if n <= BIG else "tantivy"
    chosen = [b.strip() for b in (args.backends or default).split(",") if b.strip()]
    if unknown := set(chosen) - {"tantivy", "fts5", "postgres", "like"}:
        parser.error(f"unknown backends {sorted(unknown)}")
    if "postgres" in chosen and not args.pg_url.startswith("postgres"):
        parser.error("postgres needs --pg-url or DATABASE_URL=postgres://…")

    rng = random.Random(7)
    qs = queries(n, rng)
    sample = batch(0, n)
    result: dict[str, Any] = {
        "docs": n,
        "avg_chars_first_batch": round(statistics.mean(len(e.body) for e in sample)),
        "load_avg_1m_at_start": round(os.getloadavg()[0], 1),
        "cores": os.cpu_count(),
        "backends": chosen,
        "query_mix": {k: sum(1 for kind, _, _ in qs if kind == k) for k in dict.fromkeys(k for k, _, _ in qs)},
    }  # fmt: skip
    del sample

    subset: list[int] = []

    def compare_like() -> None:
        """Each engine's p50 on the very queries LIKE was timed on, and LIKE's over it."""
        for name in ("tantivy", "fts5", "postgres"):
            if name in result and (p50 := subset_p50(name, subset)):
                result["like"][f"{name}_p50_ms_same_subset"] = p50
                result["like"][f"over_{name}_p50"] = round(
                    result["like"]["p50_ms"] / max(p50, 0.01)
                )
            cpu = result.get(name, {}).get("_per_query_cpu", {})
            if cpu and all(i in cpu for i in subset):  # the same in CPU time: load-independent
                p50 = pct([cpu[i] for i in subset], 0.5)
                result["like"][f"{name}_cpu_p50_ms_same_subset"] = p50
                result["like"][f"over_{name}_cpu_p50"] = round(
                    result["like"]["cpu_p50_ms"] / max(p50, 0.01)
                )

    def subset_p50(name: str, numbers: list[int]) -> float | None:
        times = [result[name]["_per_query"].get(i) for i in numbers]
        return pct([t for t in times if t is not None], 0.5) if times else None

    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        if "tantivy" in chosen:
            # the app's own rebuild (TantivyBackend.rebuild, as `gongkai search reindex` calls
            # it): batches streamed, segmentation in its process pool, nothing cached
            backend = TantivyBackend(Path(tmp) / "index")
            stream = Stream(n, "tantivy")
            t0, c0 = time.perf_counter(), cpu_s()
            backend.rebuild(stream, workers=args.workers)
            build_s, build_cpu = time.perf_counter() - t0, cpu_s() - c0 - stream.gen_cpu_s
            load = os.getloadavg()
            size = backend.size_bytes()
            print(f"tantivy: {n / build_s:.0f} docs/s, {size / 1e6:.0f} MB", flush=True)
            lat, slowest, per_query, cpu = latencies(
                qs,
                lambda q, f: backend.search(q, f, offset=0, limit=10, facets=True),
                args.query_budget_s,
            )
            result["tantivy"] = {
                "build_s": round(build_s, 1),
                "build_docs_per_s": round(n / build_s),  # generating the documents included
                "generate_s": round(stream.gen_s, 1),
                "build_cpu_ms_per_doc": round(build_cpu / n * 1000, 2),  # generating excluded
                # what 2 idle cores would give: CPU time spread over both, if nothing else ran
                "build_docs_per_s_cpu_bound_2_cores": round(2000 / (build_cpu / n * 1000)),
                "load_avg_1_5_15m_after_build": [round(x, 1) for x in load],
                "index_mb": round(size / 1e6, 1),
                "segments": backend.index.searcher().num_segments,
                "peak_rss_mb_after_build": dict(zip(("bench", "largest_worker"), peak_rss_mb(), strict=True)),
                **figures(lat, slowest, cpu),
                "load_avg_1m_after_queries": round(os.getloadavg()[0], 1),
                "_per_query_cpu": dict(per_query_cpu),
                "recall": recall(backend, Stream(n).entries(), qs) if n <= args.recall_max_docs else None,
                "_per_query": per_query,
            }  # fmt: skip
            print(json.dumps(public(result["tantivy"]), ensure_ascii=False), flush=True)
            del backend

        if "like" in chosen:
            # naive LIKE '%…%' on SQLite (a file: at 1M the texts are ~5 GB) over the same texts:
            # top-10 and the count a facet needs, for the FIRST --like-queries two-word queries
            # (a fixed subset: each scans every document); compared at p50 on that same subset
            db = sqlite3.connect(Path(tmp) / "like.sqlite3")
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
            db.execute("CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT, body TEXT)")
            for _, entries in Stream(n):
                with db:
                    db.executemany(
                        "INSERT INTO docs VALUES (?, ?, ?)",
                        ((int(e.key[4:]), e.title, e.body) for e in entries),
                    )
            subset = [i for i, (kind, _, _) in enumerate(qs) if kind == "two"][: args.like_queries]
            like, like_cpu = [], []
            for i in subset:
                a, b = qs[i][1].split()
                t, c = time.perf_counter(), time.process_time()
                cond = "(title||body) LIKE ? AND (title||body) LIKE ?"
                db.execute(
                    f"SELECT id FROM docs WHERE {cond} LIMIT 10", (f"%{a}%", f"%{b}%")
                ).fetchall()
                db.execute(
                    f"SELECT count(*) FROM docs WHERE {cond}", (f"%{a}%", f"%{b}%")
                ).fetchone()
                like.append((time.perf_counter() - t) * 1000)
                like_cpu.append((time.process_time() - c) * 1000)
            db.close()
            result["like"] = {
                "queries": len(like),
                "query_subset": f"the first {len(subset)} two-word queries (query numbers {subset})",
                "p50_ms": pct(like, 0.5),
                "cpu_p50_ms": pct(like_cpu, 0.5),
            }
            compare_like()  # with the engines timed so far, printed at once
            print(json.dumps(result["like"], ensure_ascii=False), flush=True)

        if "fts5" in chosen:
            result["fts5"] = fts5_bench(n, args.workers, qs, tmp, args.query_budget_s)
            print(json.dumps(public(result["fts5"]), ensure_ascii=False), flush=True)

        if "postgres" in chosen:
            result["postgres"] = postgres_bench(
                n, args.workers, qs, args.pg_url, args.query_budget_s
            )
            print(json.dumps(public(result["postgres"]), ensure_ascii=False), flush=True)

    if "like" in chosen:
        compare_like()
    for name in ("tantivy", "fts5", "postgres"):
        if name in result:
            result[name] = public(result[name])
    result["peak_rss_mb"] = dict(zip(("bench", "largest_worker"), peak_rss_mb(), strict=True))
    result["wall_s"] = round(time.perf_counter() - started, 1)
    result["load_avg_1_5_15m_at_end"] = [round(x, 1) for x in os.getloadavg()]
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
