"""Pages built for the import tests: a government CMS page with its metadata table."""

import html
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command

FIXTURES = Path(__file__).resolve().parents[2] / "lib" / "tests" / "fixtures"
YINCHUAN = "002_cf883fa431da65ec.txt"
GUANGDONG = "001_5f9f14d222025910.txt"
GUIYANG = "000_0907045adda1f67c.txt"


def gov_page(
    title: str = "关于开展2020年政务公开专项检查的通知",
    *,
    index_no: str = "640100-141/2020-00007",
    published: str = "2020-05-06",
    written: str = "2020-05-02",
    category: str = "通知公告",
    validity: str = "有效",
    doc_number: str = "银发改发〔2020〕12号",
    body: tuple[str, ...] = (
        "各县（市）区发展改革局，市直各有关单位：",
        "为深入推进政务公开工作，经研究，决定于2020年5月开展政务公开专项检查，现将有关事项通知如下。",
        "一、检查范围。各单位门户网站政府信息公开专栏及政务新媒体。",
    ),
    extra_head: str = "",
) -> str:
    """An HTML page like a city CMS renders it: navigation, a metadata table, the text, a footer."""
    e = html.escape
    rows = (
        f"<tr><td>索引号：</td><td>{e(index_no)}</td><td>信息分类：</td><td>{e(category)}</td></tr>"
        f"<tr><td>发布机构：</td><td>测试市发展和改革委员会</td><td>成文日期：</td><td>{written}</td></tr>"
        f"<tr><td>文号：</td><td>{e(doc_number)}</td><td>发布日期：</td><td>{published}</td></tr>"
        f"<tr><td>名称：</td><td>{e(title)}</td><td>效力状态：</td><td>{validity}</td></tr>"
    )
    paragraphs = "".join(f"<p>{e(p)}</p>" for p in body)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{e(title)}_测试市发展和改革委员会</title>{extra_head}</head><body>"
        "<div class='nav'><a href='/'>首页</a> | <a href='/xxgk/'>政府信息公开</a></div>"
        "<div class='position'>当前位置：首页 > 政府信息公开 > 通知公告</div>"
        f"<table class='meta'>{rows}</table>"
        f"<h1>{e(title)}</h1><div class='content'>{paragraphs}</div>"
        "<div class='footer'>上一篇：关于某事的通知<br>版权所有：测试市发展和改革委员会</div>"
        "</body></html>"
    )


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_pages", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write_pages(folder: Path, pages: dict[str, str], encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in pages.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(text.encode(encoding))
    return folder


def counts() -> dict[str, Any]:
    """Row counts of everything an import could write."""
    from gongkai.audit.models import AuditEntry
    from gongkai.documents.models import Document, DocumentVersion
    from gongkai.imports.models import ImportBatch, ImportRecord
    from gongkai.search.models import Entry

    return {
        "documents": Document.objects.count(),
        "versions": DocumentVersion.objects.count(),
        "audit": AuditEntry.objects.count(),
        "batches": ImportBatch.objects.count(),
        "records": ImportRecord.objects.count(),
        "search": Entry.objects.count(),
        "record_updates": sorted(
            str(t) for t in ImportRecord.objects.values_list("updated_at", flat=True)
        ),
    }
