"""Public pages of 依申请公开: the application form, the progress page and the annual report.

- The form and the lookup are rate-limited per client address (Django's cache) and the form has
  a honeypot; the progress page needs the tracking number AND the query code, sent by POST so
  the code never lands in a URL or a log, and a wrong code answers exactly like a missing case.
- Nothing personal is ever rendered on a public page: the progress page shows status, dates,
  the statutory due date and the notices sent, and the annual report counts (its staff-written
  part appears only once published, 定稿公开).
"""

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from gongkai.accounts.backends import client_ip
from gongkai.accounts.throttle import rate_limited
from gongkai.caching import private

from . import selectors, services
from .exports import xlsx_bytes
from .forms import ApplicationForm, ProgressForm
from .guard import FIRST_REPORT_YEAR


def _too_many(request: HttpRequest, what: str) -> HttpResponse:
    return render(
        request, "applications/message.html",
        {"title": "操作过于频繁", "message": f"{what}过于频繁，请稍后再试。如需帮助，请致电受理机关。"},
        status=429,
    )  # fmt: skip


@never_cache
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = ApplicationForm(initial={"applicant_type": "natural", "id_type": "id_card"})
        return render(request, "applications/apply.html", {"form": form})
    limit = int(getattr(settings, "GONGKAI_APPLICATION_SUBMIT_LIMIT", 5))
    if rate_limited(request, "apply", limit, 3600):
        return _too_many(request, "提交申请")
    form = ApplicationForm(request.POST)
    if form.is_spam():
        return render(request, "applications/message.html",
                      {"title": "提交未成功", "message": "提交未成功，请刷新页面后重新填写。"},
                      status=400)  # fmt: skip
    if not form.is_valid():
        return render(request, "applications/apply.html", {"form": form}, status=422)
    data = {k: v for k, v in form.cleaned_data.items() if k in services.APPLICANT_FIELDS}
    app, code = services.submit_online(
        org=form.cleaned_data["org"], data=data, ip=client_ip(request)
    )
    return private(render(request, "applications/submitted.html", {"app": app, "code": code}))


@never_cache
@require_http_methods(["GET", "POST"])
def progress(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return private(render(request, "applications/progress.html", {"form": ProgressForm()}))
    limit = int(getattr(settings, "GONGKAI_APPLICATION_LOOKUP_LIMIT", 20))
    if rate_limited(request, "progress", limit, 600):
        return private(_too_many(request, "查询"))
    form = ProgressForm(request.POST)
    found = None
    if form.is_valid():
        found = selectors.progress(form.cleaned_data["tracking_no"], form.cleaned_data["code"])
    if found is None:
        # The same answer for a missing case, a wrong code and a malformed request.
        return private(
            render(request, "applications/progress.html",
                   {"form": ProgressForm(initial={"tracking_no": request.POST.get("tracking_no", "")[:32]}),
                    "not_found": True}, status=404)
        )  # fmt: skip
    code = form.cleaned_data["code"]
    return private(render(request, "applications/progress.html", {"progress": found, "code": code}))


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@never_cache
@require_http_methods(["POST"])
def progress_letter(request: HttpRequest) -> HttpResponse:
    """A letter of the applicant's own case as DOCX: POST, so the query code stays out of URLs."""
    limit = int(getattr(settings, "GONGKAI_APPLICATION_LOOKUP_LIMIT", 20))
    if rate_limited(request, "progress", limit, 600):
        return private(_too_many(request, "查询"))
    form = ProgressForm(request.POST)
    found = None
    if form.is_valid():
        found = selectors.progress_letter(
            form.cleaned_data["tracking_no"], form.cleaned_data["code"], request.POST.get("seq")
        )
    if found is None:
        return private(
            render(request, "applications/progress.html",
                   {"form": ProgressForm(), "not_found": True}, status=404)
        )  # fmt: skip
    response = HttpResponse(found.docx(), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    return private(response)


def _report_args(org_code: str, year: int) -> Any:
    org = selectors.active_org(org_code)
    if org is None or not FIRST_REPORT_YEAR <= year <= timezone.localdate().year:
        raise Http404("没有该机关或该年度的年度报告")
    return org


def annual_report(request: HttpRequest, org_code: str, year: int) -> HttpResponse:
    org = _report_args(org_code, year)
    data = selectors.annual_report(org, year)
    return render(request, "applications/annual_report.html", {"org": org, "report": data})


def annual_report_xlsx(request: HttpRequest, org_code: str, year: int) -> HttpResponse:
    org = _report_args(org_code, year)
    data = selectors.annual_report(org, year)
    body = xlsx_bytes(data)
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="annual-report-{org.code}-{year}.xlsx"'
    return response
