"""Pages of the website self-inspection (issue 23). Thin: reads through selectors, writes through
services.

Public: /correction/ (我要纠错 form; per-address limit, honeypot), /correction/progress/ (tracking
number AND query code by POST; a wrong code answers like a missing report; private, never
cached), /site-report/<year>/ (only a published 报表).
Staff (@permissions.staff_page): /monitoring/staff/ — the latest stored inspection for the
platform administrator, the columns and corrections of the person's organisations for others.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from gongkai.accounts import permissions
from gongkai.accounts.backends import client_ip
from gongkai.accounts.throttle import rate_limited
from gongkai.caching import private

from . import assessment, conf, reports, selectors, services
from .models import Correction


class CorrectionForm(forms.Form):
    page_url = forms.CharField(label="出错页面地址", max_length=500,
                               help_text="本站页面的网址，如 /documents/12/")  # fmt: skip
    kind = forms.ChoiceField(label="错误类型", choices=Correction.Kind.choices,
                             widget=forms.RadioSelect)  # fmt: skip
    description = forms.CharField(label="问题描述", max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 6}))  # fmt: skip
    contact = forms.CharField(label="联系方式（选填，不公开）", max_length=100, required=False)
    website = forms.CharField(label="网址（请勿填写）", required=False)  # honeypot

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.error_messages["required"] = f"请填写“{f.label}”"
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})


class ProgressForm(forms.Form):
    tracking_no = forms.CharField(label="纠错编号", max_length=32)
    code = forms.CharField(label="查询码", max_length=32)


def _message(request: HttpRequest, title: str, text: str, status: int) -> HttpResponse:
    return private(render(request, "monitoring/message.html", {"title": title, "text": text},
                          status=status))  # fmt: skip


@never_cache
@require_http_methods(["GET", "POST"])
def correction(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        initial = {"page_url": request.GET.get("page", "")[:500]}
        return render(
            request, "monitoring/correction.html", {"form": CorrectionForm(initial=initial)}
        )
    if rate_limited(request, "correction", conf.correction_limit(), 3600):
        return _message(request, "操作过于频繁", "提交过于频繁，请稍后再试。", 429)
    form = CorrectionForm(request.POST)
    if form.data.get("website"):
        return _message(request, "提交未成功", "提交未成功，请刷新页面后重新填写。", 400)
    if form.is_valid():
        data = {k: form.cleaned_data[k] for k in services.CORRECTION_FIELDS}
        try:
            c, code = services.submit_correction(data, ip=client_ip(request),
                                                 request_host=request.get_host())  # fmt: skip
        except ValidationError as e:
            for field, msgs in e.message_dict.items():
                form.add_error(field if field in form.fields else None, msgs)
        else:
            return private(render(request, "monitoring/correction_submitted.html",
                                  {"c": c, "code": code}))  # fmt: skip
    return render(request, "monitoring/correction.html", {"form": form}, status=422)


@never_cache
@require_http_methods(["GET", "POST"])
def correction_progress(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return private(render(request, "monitoring/correction_progress.html",
                              {"form": ProgressForm()}))  # fmt: skip
    if rate_limited(request, "correction-query", 20, 600):
        return _message(request, "操作过于频繁", "查询过于频繁，请稍后再试。", 429)
    form = ProgressForm(request.POST)
    c = None
    if form.is_valid():
        c = selectors.find_correction(form.cleaned_data["tracking_no"], form.cleaned_data["code"])
    if c is None:
        initial = {"tracking_no": request.POST.get("tracking_no", "")[:32]}
        return private(render(request, "monitoring/correction_progress.html",
                              {"form": ProgressForm(initial=initial), "not_found": True},
                              status=404))  # fmt: skip
    return private(render(request, "monitoring/correction_progress.html",
                          {"form": ProgressForm(), "c": c}))  # fmt: skip


def site_report(request: HttpRequest, year: int) -> HttpResponse:
    report = selectors.public_site_report(year)
    if report is None:
        raise Http404("该年度报表尚未发布")
    data = selectors.yearly(year, report, computed=report.computed)
    return render(request, "monitoring/site_report.html", {"report": report, "data": data})


@permissions.staff_page
def staff_dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    whole = selectors.sees_whole_site(user)
    columns = selectors.columns_report(today, selectors.staff_columns(user))
    corrections = list(selectors.staff_corrections(user).exclude(
        status=Correction.Status.ANSWERED)[:50])  # fmt: skip
    rows = [(c, selectors.correction_overdue(c, today)) for c in corrections]
    ctx = {"inspection": selectors.latest_inspection() if whole else None, "whole": whole,
           "columns": columns, "corrections": rows}  # fmt: skip
    return private(render(request, "monitoring/staff_dashboard.html", ctx))


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    today = timezone.localdate()
    if not raw:
        return today.year
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise Http404("年度无效")
    return int(raw)


@permissions.staff_page
def staff_assessment(request: HttpRequest) -> HttpResponse:
    if not selectors.sees_whole_site(request.user):
        raise permissions.NotFound("未找到")
    year = _year(request)
    data = assessment.families(year, timezone.localdate())
    return private(render(request, "monitoring/assessment.html", {"data": data, "year": year}))


@permissions.staff_page
def staff_assessment_kpi(request: HttpRequest, code: str) -> HttpResponse:
    if not selectors.sees_whole_site(request.user):
        raise permissions.NotFound("未找到")
    year = _year(request)
    found = assessment.kpi(code, year, timezone.localdate())
    if found is None:
        raise Http404("没有该指标")
    keys = sorted({k for row in found.items for k in row})
    rows = [[row.get(k) for k in keys] for row in found.items]
    return private(render(request, "monitoring/assessment_kpi.html", {
        "kpi": found.as_dict(year), "keys": keys, "rows": rows, "year": year}))  # fmt: skip


def _whole_site(request: HttpRequest) -> None:
    if not selectors.sees_whole_site(request.user):
        raise permissions.NotFound("未找到")


@permissions.staff_page
def staff_report(request: HttpRequest, period: str) -> HttpResponse:
    _whole_site(request)
    try:
        r = reports.period_report(period)
    except reports.BadPeriod as e:
        raise Http404(str(e)) from None
    return private(render(request, "monitoring/report.html", {"r": r}))


@permissions.staff_page
def staff_report_xlsx(request: HttpRequest, period: str) -> HttpResponse:
    _whole_site(request)
    try:
        r = reports.period_report(period)
    except reports.BadPeriod as e:
        raise Http404(str(e)) from None
    resp = HttpResponse(reports.period_xlsx(r), content_type=XLSX)
    resp["Content-Disposition"] = f'attachment; filename="monitoring-{period}.xlsx"'
    return private(resp)


@permissions.staff_page
def staff_evidence(request: HttpRequest, year: int) -> HttpResponse:
    _whole_site(request)
    if not 2000 <= year <= timezone.localdate().year:
        raise Http404("年度无效")
    resp = HttpResponse(reports.evidence_zip(year), content_type="application/zip")
    resp["Content-Disposition"] = f'attachment; filename="evidence-{year}.zip"'
    return private(resp)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
