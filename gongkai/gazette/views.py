"""Public pages of the 政府公报 (spec §1, §4: year → issues → 目录 → the document's own page; the
PDF beside the HTML) and of 行政规范性文件 (现行有效目录 with its XLSX, published 清理 results).
Thin: every read goes through the public selectors, so a draft issue, its PDF or a draft cleanup
is a 404 exactly like a missing one."""

import io
from typing import Any

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from gongkai.documents import selectors as documents
from gongkai.organizations.selectors import public_organizations

from . import selectors
from .models import Gazette


def _bounded(year: int, issue_no: int = 1) -> None:
    if not (1 <= year <= 9999 and 1 <= issue_no <= 100_000):  # no database overflow on odd paths
        raise Http404("未找到该期公报")


def _gazette(request: HttpRequest) -> Gazette:
    gazette = selectors.default_gazette(request.GET.get("gazette") or None)
    if gazette is None:
        raise Http404("未找到该公报")
    return gazette


def gazette_index(request: HttpRequest) -> HttpResponse:
    gazettes = list(selectors.public_gazettes())
    gazette = selectors.default_gazette(request.GET.get("gazette") or None) if gazettes else None
    if request.GET.get("gazette") and gazette is None:
        raise Http404("未找到该公报")
    issues = list(selectors.public_issues(gazette)[:12]) if gazette else []
    years = selectors.public_years(gazette) if gazette else []
    return render(request, "gazette/index.html", {
        "gazettes": gazettes, "gazette": gazette, "issues": issues, "years": years,
        "latest": issues[0] if issues else None,
    })  # fmt: skip


def gazette_year(request: HttpRequest, year: int) -> HttpResponse:
    _bounded(year)
    gazette = _gazette(request)
    issues = list(selectors.public_issues(gazette, year))
    if not issues:
        raise Http404("该年度没有已出版的公报")
    return render(request, "gazette/year.html", {
        "gazette": gazette, "year": year, "issues": issues, "years": selectors.public_years(gazette),
    })  # fmt: skip


def gazette_issue(request: HttpRequest, year: int, issue_no: int) -> HttpResponse:
    _bounded(year, issue_no)
    gazette = _gazette(request)
    issue = selectors.public_issue_by_number(gazette, year, issue_no)
    if issue is None:
        raise Http404("未找到该期公报")
    return render(request, "gazette/issue.html", {
        "gazette": gazette, "issue": issue, "sections": selectors.public_toc(issue),
    })  # fmt: skip


def gazette_pdf(request: HttpRequest, year: int, issue_no: int) -> FileResponse:
    _bounded(year, issue_no)
    gazette = _gazette(request)
    issue = selectors.public_issue_by_number(gazette, year, issue_no)
    if issue is None or not issue.pdf:
        raise Http404("未找到该期公报的PDF版")
    response = FileResponse(
        issue.pdf.open("rb"), content_type="application/pdf",
        filename=f"{gazette.name}{issue.year}年第{issue.issue_no}期.pdf",
    )  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _current(request: HttpRequest) -> tuple[Any, dict[str, str]]:
    org = (request.GET.get("org") or "").strip()
    q = (request.GET.get("q") or "").strip()[:100]
    qs = documents.public_normative_current(timezone.localdate(), org=org or None, q=q or None)
    return qs, {"org": org, "q": q}


def normative_current(request: HttpRequest) -> HttpResponse:
    qs, filters = _current(request)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "gazette/normative_current.html", {
        "page": page, "filters": filters, "query": query.urlencode(),
        "organizations": public_organizations().order_by("path"),
        "cleanups": documents.public_cleanups()[:10],
    })  # fmt: skip


XLSX_COLUMNS = ["序号", "标题", "文号", "登记号", "发布机构", "施行日期", "有效期至", "暂行/试行",
                "须修改期限", "网址"]  # fmt: skip


def normative_current_xlsx(request: HttpRequest) -> HttpResponse:
    from openpyxl import Workbook

    qs, _ = _current(request)
    wb = Workbook(
        write_only=True
    )  # rows streamed to the file, not held as cells (50,000 documents)
    ws = wb.create_sheet("现行有效规范性文件目录")
    ws.append(XLSX_COLUMNS)
    base = request.build_absolute_uri("/")[:-1]
    for n, d in enumerate(qs.iterator(chunk_size=2000), start=1):
        ws.append([
            n, d.title, d.doc_number, d.reg_no or "", d.org.name, d.effective_on, d.expires_on,
            "是" if d.is_trial else "", d.amend_by, f"{base}/documents/{d.pk}/",
        ])  # fmt: skip
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''normative-current.xlsx"
    return response


def normative_cleanup(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = documents.public_cleanup(pk)
    if exercise is None:
        raise Http404("未找到该清理结果")
    return render(request, "gazette/cleanup.html", {
        "exercise": exercise, "lists": documents.public_cleanup_lists(exercise),
    })  # fmt: skip
