"""Import benchmark: `gongkai import_pages` writing 10,000 generated government pages.

Run:  .venv/bin/python bench/importer.py [--pages N] [--chunk N]                   (SQLite)
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai .venv/bin/python bench/importer.py
Uses a throw-away test database and a temporary search index and folder.

The pages (seeded, so every run imports the same ones) mix three layouts — an HTML metadata
table, a CMS page with <meta ArticleTitle/PubDate/ContentSource> tags, and a text page saved
from a browser — in UTF-8 and GBK, with navigation and footers around the text. One page in
fifty has no 索引号 (a new one is assigned), one in a hundred repeats the 索引号 of the page two before it
(a clash, reported), one in twenty carries a phone number (flagged). The import is timed,
then the same command is run again and timed: the second run must write nothing.
The last line printed is one JSON object: pages, outcomes, seconds, pages per second for the
import and for the re-run, and the rows the re-run wrote (0 expected).
"""

import argparse
import html
import json
import os
import random
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

SUBJECTS = ["政务公开", "优化营商环境", "安全生产", "乡村振兴", "城市更新", "数据开放", "医疗保障",
            "教育发展", "生态环境保护", "交通运输", "就业创业", "养老服务"]  # fmt: skip
KINDS = ["通知", "实施方案", "意见", "公告", "工作要点", "管理办法"]
COLUMNS = ["通知公告", "部门文件", "政策解读", "工作动态", "规划计划", "专题专栏"]
SENTENCES = [
    "为深入贯彻落实党中央、国务院决策部署，进一步提升政务服务水平，结合本市实际，制定本方案。",
    "各单位要高度重视，明确责任分工，细化工作措施，确保各项任务按时保质完成。",
    "坚持以人民为中心的发展思想，聚焦群众关注关切，推动政策落地见效。",
    "加强统筹协调，建立健全工作机制，定期调度工作进展，及时研究解决存在的问题。",
    "强化监督检查，将工作落实情况纳入年度绩效考核，对工作不力的单位予以通报。",
    "本方案自印发之日起施行，由市发展和改革委员会负责解释。",
]


def _page(n: int, rng: random.Random, index_no: str) -> tuple[str, str]:
    """(file suffix, text) of page n in one of three layouts."""
    title = f"关于{rng.choice(SUBJECTS)}第{n}项工作的{rng.choice(KINDS)}"
    year, month, day = rng.randint(2012, 2023), rng.randint(1, 12), rng.randint(1, 28)
    published = f"{year}-{month:02d}-{day:02d}"
    written = f"{year}-{month:02d}-{max(1, day - rng.randint(0, 5)):02d}"
    body = [rng.choice(SENTENCES) for _ in range(rng.randint(4, 12))]
    if n % 20 == 0:
        body.append(f"联系人：王明，联系电话：139{rng.randint(10000000, 99999999)}。")
    column = rng.choice(COLUMNS)
    layout = n % 3
    e = html.escape
    if layout == 0:  # an HTML metadata table
        rows = (f"<tr><td>索引号：</td><td>{index_no}</td><td>信息分类：</td><td>{column}</td></tr>"
                f"<tr><td>发布机构：</td><td>基准测试市发展和改革委员会</td><td>成文日期：</td><td>{written}</td></tr>"
                f"<tr><td>文号：</td><td>基发改发〔{year}〕{n % 300 + 1}号</td><td>发布日期：</td><td>{published}</td></tr>"
                f"<tr><td>名称：</td><td>{e(title)}</td><td>效力状态：</td><td>有效</td></tr>")  # fmt: skip
        text = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>" + e(title) + "</title></head>"
                "<body><div class='nav'><a href='/'>首页</a> | <a href='/xxgk/'>信息公开</a></div>"
                f"<div class='position'>当前位置：首页 > 信息公开 > {column}</div><table>{rows}</table>"
                f"<h1>{e(title)}</h1><div class='content'>" + "".join(f"<p>{e(p)}</p>" for p in body)
                + "</div><div class='footer'>上一篇：无<br>版权所有：基准测试市</div></body></html>")  # fmt: skip
        return ".html", text
    if layout == 1:  # a CMS page with <meta> tags
        metas = (f"<meta name='ArticleTitle' content='{e(title)}'><meta name='PubDate' content='{published} 09:30'>"
                 f"<meta name='ContentSource' content='基准测试市发展和改革委员会'><meta name='ColumnName' content='{column}'>")  # fmt: skip
        text = ("<html><head><meta charset='utf-8'>" + metas + "</head><body>"
                f"<div class='crumb'>首页 > {column}</div><h1>{e(title)}</h1>"
                f"<div class='info'>索引号：{index_no}　发布日期：{published}</div><div id='zoom'>"
                + "".join(f"<p>{e(p)}</p>" for p in body)
                + "</div><div class='share'>分享到：微信 微博</div></body></html>")  # fmt: skip
        return ".htm", text
    lines = ["无障碍 | 长者版", f"当前位置: 首页>政府信息公开>{column}", "",
             f"索 引 号:{index_no} 效力状态:有效", f"发布机构:基准测试市发展和改革委员会 成文日期:{written}",
             f"责任部门:综合科 发布日期:{published}", f"名 称:{title}", "", title, "", *body, "",
             "【打印本页】 【关闭窗口】"]  # fmt: skip
    return ".txt", "\n".join(lines)


def generate(folder: Path, count: int) -> None:
    rng = random.Random(20240601)
    for n in range(1, count + 1):
        if n % 50 == 0:
            index_no = ""
        elif n % 100 == 1 and n > 100:
            index_no = f"640100-141/2000-{n - 2:05d}"  # repeats page n-2's: a clash
        else:
            index_no = f"640100-141/2000-{n:05d}"
        suffix, text = _page(n, rng, index_no)
        encoding = "gbk" if n % 7 == 0 else "utf-8"
        if encoding == "gbk":
            text = text.replace("charset='utf-8'", "charset='gbk'")
        sub = folder / f"{n // 1000:02d}"
        sub.mkdir(exist_ok=True)
        (sub / f"{n:05d}{suffix}").write_bytes(text.encode(encoding))


def rows() -> int:
    from gongkai.audit.models import AuditEntry
    from gongkai.documents.models import Document, DocumentVersion
    from gongkai.imports.models import ImportBatch, ImportRecord

    return sum(
        m.objects.count()
        for m in (AuditEntry, Document, DocumentVersion, ImportBatch, ImportRecord)
    )


def main(count: int, chunk: int, workdir: Path) -> dict:
    from gongkai.accounts.permissions import SYSTEM
    from gongkai.organizations.models import Organization
    from gongkai.organizations.services import save_organization

    settings.GONGKAI_SEARCH_DIR = workdir / "search"
    org = save_organization(
        Organization(level="department", code="bench", name="基准测试市发展和改革委员会",
                     region_code="640100", org_code="141"),
        by=SYSTEM,
    )  # fmt: skip
    pages = workdir / "pages"
    pages.mkdir()
    generate(pages, count)
    size_mb = sum(p.stat().st_size for p in pages.rglob("*") if p.is_file()) / 1024 / 1024

    def run() -> tuple[dict, float]:
        out = StringIO()
        started = time.perf_counter()
        call_command("import_pages", str(pages), "--org", org.code, "--format", "json",
                     "--chunk", str(chunk), stdout=out, stderr=sys.stderr)  # fmt: skip
        return json.loads(out.getvalue()), time.perf_counter() - started

    first, seconds = run()
    before = rows()
    second, reseconds = run()
    return {
        "bench": "importer",
        "database": connection.vendor,
        "pages": count,
        "megabytes": round(size_mb, 1),
        "imported": first["imported"],
        "clash": first["clash"],
        "failed": first["failed"],
        "pii_flagged": first["pii_flagged"],
        "seconds": round(seconds, 2),
        "pages_per_s": round(count / seconds, 1),
        "rerun_unchanged": second["unchanged"],
        "rerun_seconds": round(reseconds, 2),
        "rerun_pages_per_s": round(count / reseconds, 1),
        "rerun_rows_written": rows() - before,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--chunk", type=int, default=25)
    args = parser.parse_args()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        with tempfile.TemporaryDirectory(prefix="gongkai-bench-import-") as tmp:
            result = main(args.pages, args.chunk, Path(tmp))
    finally:
        teardown_databases(old, verbosity=0)
    print(json.dumps(result, ensure_ascii=False))
