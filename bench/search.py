"""Search benchmark: N synthetic government documents, tantivy backend, this machine.

    .venv/bin/python bench/search.py               # N from SEARCH_BENCH_DOCS, default 50,000
    SEARCH_BENCH_DOCS=200000 .venv/bin/python bench/search.py
    .venv/bin/python bench/search.py --docs 1000000

Generates N documents (500–3,000 characters of government vocabulary, titles, 文号, 索引号,
organisations, categories, years), builds the index exactly as the app does (rjieba
search-mode segmentation + user dictionary, OpenCC t2s), then runs a fixed set of 120 queries
(one-, two- and three-word, 文号, quoted phrase, with and without filters), each for top-10
WITH facet counts, and reports build rate, index size, p50/p95/p99 latency (all queries and
two-word only), recall against substring truth (two-word queries, all matches), and a naive
`LIKE '%…%'` scan on SQLite over the same texts for comparison. The last line is one JSON object.
"""

import argparse
import datetime as dt
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongkai.lib import segment
from gongkai.search.backends.tantivy import TantivyBackend
from gongkai.search.interface import Filters, SearchEntry
from gongkai.search.query import parse

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


def sentence(rng: random.Random) -> str:
    a, b = rng.sample(TERMS, 2)
    return (
        f"{rng.choice(LINKS)}要{rng.choice(VERBS)}{a}{rng.choice(NOUNS)}，"
        f"{rng.choice(VERBS)}{b}{rng.choice(NOUNS)}{rng.choice(NOUNS)}，"
        f"确保{rng.choice(TERMS)}{rng.choice(VERBS)}到位。"
    )


def generate(n: int, seed: int = 6) -> list[SearchEntry]:
    rng = random.Random(seed)
    sentences = [sentence(rng) for _ in range(20000)]
    entries = []
    for i in range(n):
        size = rng.randint(500, 3000)
        body: list[str] = []
        length = 0
        while length < size:
            s = rng.choice(sentences)
            body.append(s)
            length += len(s)
        year = rng.randint(2008, 2025)
        org_code, org_name = rng.choice(ORGS)
        cat_code, cat_name = rng.choice(KINDS)
        a, b = rng.sample(TERMS, 2)
        title = f"关于{rng.choice(VERBS)}{a}{rng.choice(NOUNS)}的{rng.choice(['通知', '意见', '实施方案', '公告', '办法'])}"
        doc_number = f"{rng.choice(AGENCY_CODES)}〔{year}〕{i % 997 + 1}号" if i % 3 == 0 else ""
        entries.append(
            SearchEntry(
                key=f"doc:{i}",
                title=title,
                url=f"/documents/{i}/",
                body="".join(body) + b,
                org_code=org_code,
                org_name=org_name,
                category_code=cat_code,
                category_name=cat_name,
                published_on=dt.date(year, rng.randint(1, 12), 1),
                index_no=f"640100-{100 + int(org_code[3:])}/{year}-{i:06d}",
                doc_number=doc_number,
            )
        )
    return entries


def queries(entries: list[SearchEntry], rng: random.Random) -> list[tuple[str, str, Filters]]:
    out: list[tuple[str, str, Filters]] = []
    for _ in range(50):
        a, b = rng.sample(TERMS, 2)
        out.append(("two", f"{a} {b}", Filters()))
    for _ in range(15):
        out.append(("one", rng.choice(TERMS), Filters()))
    for _ in range(15):
        out.append(("three", " ".join(rng.sample(TERMS, 3)), Filters()))
    numbered = [e for e in entries if e.doc_number]
    for _ in range(10):
        out.append(("docnumber", rng.choice(numbered).doc_number, Filters()))
    for _ in range(10):
        a = rng.choice(TERMS)
        out.append(("phrase", f'"{rng.choice(VERBS)}{a}"', Filters()))
    for _ in range(20):
        a, b = rng.sample(TERMS, 2)
        f = Filters(org=rng.choice(ORGS)[0], year=rng.randint(2008, 2025))
        out.append(("filtered", f"{a} {b}", f))
    return out


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(len(values) * p))], 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=int(os.environ.get("SEARCH_BENCH_DOCS", 50000)))
    parser.add_argument("--like-queries", type=int, default=10)
    args = parser.parse_args()
    n = args.docs

    t0 = time.perf_counter()
    entries = generate(n)
    gen_s = time.perf_counter() - t0
    print(f"generated {n} documents in {gen_s:.1f}s", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        backend = TantivyBackend(Path(tmp) / "index")
        t0 = time.perf_counter()
        batches = (entries[i : i + 5000] for i in range(0, n, 5000))
        backend.rebuild(batches)
        build_s = time.perf_counter() - t0
        size = backend.size_bytes()
        print(
            f"indexed in {build_s:.1f}s ({n / build_s:.0f} docs/s), {size / 1e6:.0f} MB", flush=True
        )

        rng = random.Random(7)
        qs = queries(entries, rng)
        for _, q, f in qs[:10]:  # warm the caches once
            backend.search(parse(q), f, offset=0, limit=10)
        lat: dict[str, list[float]] = {}
        slowest: list[tuple[float, str]] = []
        for kind, q, f in qs:
            t = time.perf_counter()
            parsed = parse(q)
            backend.search(parsed, f, offset=0, limit=10, facets=True)
            ms = (time.perf_counter() - t) * 1000
            lat.setdefault(kind, []).append(ms)
            slowest.append((ms, f"{kind}: {q}"))
        every = [v for vs in lat.values() for v in vs]

        # recall against substring truth, two-word queries, all matches
        texts = [segment.normalize(f"{e.title} {e.body}") for e in entries]
        recalls = []
        for _, q, _f in [x for x in qs if x[0] == "two"][:20]:
            a, b = q.split()
            truth = {e.key for e, t in zip(entries, texts, strict=True) if a in t and b in t}
            page = backend.search(
                parse(q), Filters(), offset=0, limit=max(len(truth), 1) * 2 + 10, facets=False
            )
            got = {k for k, _ in page.hits}
            if truth:
                recalls.append(len(truth & got) / len(truth))

        # naive LIKE '%…%' on SQLite over the same texts: top-10 and a count, as a facet needs
        db = sqlite3.connect(":memory:")
        db.execute("CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT, body TEXT)")
        db.executemany(
            "INSERT INTO docs VALUES (?, ?, ?)",
            ((i, e.title, e.body) for i, e in enumerate(entries)),
        )
        like = []
        for _, q, _f in [x for x in qs if x[0] == "two"][: args.like_queries]:
            a, b = q.split()
            t = time.perf_counter()
            cond = "(title||body) LIKE ? AND (title||body) LIKE ?"
            db.execute(
                f"SELECT id FROM docs WHERE {cond} LIMIT 10", (f"%{a}%", f"%{b}%")
            ).fetchall()
            db.execute(f"SELECT count(*) FROM docs WHERE {cond}", (f"%{a}%", f"%{b}%")).fetchone()
            like.append((time.perf_counter() - t) * 1000)

    slowest.sort(reverse=True)
    result = {
        "backend": "tantivy",
        "docs": n,
        "avg_chars": round(statistics.mean(len(e.body) for e in entries)),
        "build_s": round(build_s, 1),
        "build_docs_per_s": round(n / build_s),
        "index_mb": round(size / 1e6, 1),
        "queries": len(qs),
        "p50_ms": pct(every, 0.5),
        "p95_ms": pct(every, 0.95),
        "p99_ms": pct(every, 0.99),
        "two_word_p50_ms": pct(lat["two"], 0.5),
        "two_word_p95_ms": pct(lat["two"], 0.95),
        "by_kind_p95_ms": {k: pct(v, 0.95) for k, v in lat.items()},
        "recall_two_word": round(statistics.mean(recalls), 4) if recalls else None,
        "like_p50_ms": pct(like, 0.5),
        "like_over_tantivy_p50": round(pct(like, 0.5) / max(pct(lat["two"], 0.5), 0.01)),
        "slowest": [f"{ms:.1f}ms {q}" for ms, q in slowest[:3]],
        "est_1m_build_min": round(1_000_000 / (n / build_s) / 60, 1),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
