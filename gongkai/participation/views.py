"""Pages of participation: consultations and their feedback, the leader mailbox (write, look up,
rate, reopen, published letters, statistics), the major-decision catalogue, and for staff the
dashboard and the comment export. Thin: reads through selectors, writes through services.

- Public forms have a honeypot and a per-address rate limit (`gongkai.applications.guard`).
- The letter lookup needs tracking number AND query code, sent by POST so the code never lands
  in a URL or a log; a wrong code answers exactly like a missing letter.
- Pages that show a writer's own letter are private and not cached.
"""

import csv
import datetime as dt
import io
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from gongkai.accounts import permissions
from gongkai.accounts.backends import client_ip
from gongkai.accounts.throttle import rate_limited
from gongkai.caching import private
from gongkai.lib.errors import Conflict
from gongkai.organizations.models import Organization

from . import selectors, services
from .forms import CommentForm, LetterForm, QueryForm, RateForm, ReopenForm
from .models import Letter


def _message(request: HttpRequest, title: str, message: str, status: int = 200) -> HttpResponse:
    return render(
        request, "participation/message.html", {"title": title, "message": message}, status=status
    )


def _too_many(request: HttpRequest, what: str) -> HttpResponse:
    return _message(request, "操作过于频繁", f"{what}过于频繁，请稍后再试。", status=429)


def _spam(request: HttpRequest) -> HttpResponse:
    return _message(request, "提交未成功", "提交未成功，请刷新页面后重新填写。", status=400)


def _page(request: HttpRequest, qs: Any, per_page: int = 20) -> Any:
    page = Paginator(qs, per_page).get_page(request.GET.get("page"))
    # the pager links keep the filters
    query = request.GET.copy()
    query.pop("page", None)
    page.query = query.urlencode()  # type: ignore[attr-defined]
    return page


def index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    consultations = list(selectors.public_consultations()[:6])
    return render(request, "participation/index.html", {
        "consultations": [(c, selectors.PHASES[selectors.phase(c, today)]) for c in consultations],
        "letters": selectors.public_letters()[:6], "mailboxes": selectors.active_mailboxes(),
        "decisions": selectors.public_decisions()[:6],
    })  # fmt: skip


# --- consultations -------------------------------------------------------------------------


def consultation_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    wanted = request.GET.get("status", "")
    rows = [(c, selectors.phase(c, today)) for c in selectors.public_consultations()]
    if wanted in selectors.PHASES:
        rows = [r for r in rows if r[1] == wanted]
    page = _page(request, rows)
    return render(request, "participation/consultation_list.html", {
        "page": page, "phases": selectors.PHASES, "wanted": wanted,
        "rows": [(c, p, selectors.PHASES[p]) for c, p in page.object_list],
    })  # fmt: skip


@never_cache
@require_http_methods(["GET", "POST"])
def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.public_consultation(pk)
    if c is None:
        raise Http404("没有该征求意见")
    today = timezone.localdate()
    form = CommentForm()
    status = 200
    if request.method == "POST":
        limit = int(getattr(settings, "GONGKAI_COMMENT_SUBMIT_LIMIT", 10))
        if rate_limited(request, "comment", limit, 3600):
            return _too_many(request, "提交意见")
        form = CommentForm(request.POST)
        if form.is_spam():
            return _spam(request)
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in ("name", "contact", "article", "body")}
            try:
                services.submit_comment(c, data=data, ip=client_ip(request), today=today)
            except ValidationError as e:
                for field, msgs in e.message_dict.items():
                    form.add_error(field if field in form.fields else None, msgs)
            except Conflict as e:
                form.add_error(None, str(e))
            else:
                return _message(
                    request, "意见已提交",
                    f"感谢您对《{c.title}》提出意见。意见经审核后由起草部门研究，采纳情况将在征求意见结束后公布。",
                )  # fmt: skip
        status = 422
    phase = selectors.phase(c, today)
    return render(request, "participation/consultation_detail.html", {
        "c": c, "phase": phase, "phase_label": selectors.PHASES[phase], "form": form,
        "comments": selectors.public_comments(c), "is_open": services.is_open(c, today),
        "decisions": c.decisions.filter(listed=True),
    }, status=status)  # fmt: skip


def consultation_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.public_consultation(pk)
    rows = selectors.feedback(c) if c is not None else None
    if c is None or rows is None:
        raise Http404("该征求意见的采纳情况尚未公布")
    return render(request, "participation/consultation_feedback.html", {"c": c, "rows": rows})


# --- the leader mailbox ----------------------------------------------------------------------


def mailbox_index(request: HttpRequest) -> HttpResponse:
    mailboxes = list(selectors.active_mailboxes())
    code = request.GET.get("mailbox", "")
    chosen = next((m for m in mailboxes if m.code == code), None)
    page = _page(request, selectors.public_letters(chosen))
    return render(request, "participation/mailbox_index.html", {
        "mailboxes": mailboxes, "chosen": chosen, "page": page,
    })  # fmt: skip


@never_cache
@require_http_methods(["GET", "POST"])
def letter_write(request: HttpRequest, code: str) -> HttpResponse:
    mailbox = selectors.active_mailboxes().filter(code=code).first()
    if mailbox is None:
        raise Http404("没有该信箱")
    if request.method == "GET":
        form = LetterForm(initial={"kind": Letter.Kind.CONSULT})
        return render(
            request, "participation/letter_write.html", {"form": form, "mailbox": mailbox}
        )
    limit = int(getattr(settings, "GONGKAI_LETTER_SUBMIT_LIMIT", 5))
    if rate_limited(request, "letter", limit, 3600):
        return _too_many(request, "写信")
    form = LetterForm(request.POST)
    if form.is_spam():
        return _spam(request)
    if not form.is_valid():
        return render(request, "participation/letter_write.html",
                      {"form": form, "mailbox": mailbox}, status=422)  # fmt: skip
    data = {k: form.cleaned_data[k] for k in services.LETTER_FIELDS}
    letter, secret = services.submit_letter(mailbox, data=data, ip=client_ip(request))
    return private(render(request, "participation/letter_submitted.html",
                           {"letter": letter, "code": secret}))  # fmt: skip


def _lookup_page(request: HttpRequest, letter: Letter, code: str, **extra: Any) -> HttpResponse:
    status = extra.pop("status", 200)
    events = [(e.on, e.action) for e in letter.events.order_by("id")]
    rate_form = extra.pop("rate_form", None) or RateForm(
        initial={"tracking_no": letter.tracking_no, "code": code}
    )
    reopen_form = extra.pop("reopen_form", None) or ReopenForm(
        initial={"tracking_no": letter.tracking_no, "code": code}
    )
    return private(render(request, "participation/letter_query.html", {
        "letter": letter, "events": events, "rate_form": rate_form, "reopen_form": reopen_form,
        "can_rate": letter.status == Letter.Status.ANSWERED and letter.rating is None,
        "can_reopen": letter.status == Letter.Status.ANSWERED and not letter.reopened
        and letter.rating in services.UNSATISFIED, **extra,
    }, status=status))  # fmt: skip


@never_cache
@require_http_methods(["GET", "POST"])
def letter_query(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return private(render(request, "participation/letter_query.html", {"form": QueryForm()}))
    limit = int(getattr(settings, "GONGKAI_LETTER_LOOKUP_LIMIT", 20))
    if rate_limited(request, "letter-query", limit, 600):
        return private(_too_many(request, "查询"))
    form = QueryForm(request.POST)
    letter = None
    if form.is_valid():
        letter = services.find_letter(form.cleaned_data["tracking_no"], form.cleaned_data["code"])
    if letter is None:
        initial = {"tracking_no": request.POST.get("tracking_no", "")[:32]}
        return private(render(request, "participation/letter_query.html",
                               {"form": QueryForm(initial=initial), "not_found": True}, status=404))  # fmt: skip
    code = form.cleaned_data["code"]
    action = request.POST.get("action", "")
    if action not in ("rate", "reopen"):
        return _lookup_page(request, letter, code)
    act_form: Any = (RateForm if action == "rate" else ReopenForm)(request.POST)
    if act_form.is_valid():
        try:
            if action == "rate":
                services.rate(letter, rating=act_form.cleaned_data["rating"],
                              reason=act_form.cleaned_data["reason"], ip=client_ip(request))  # fmt: skip
                note = "感谢您的评价。"
            else:
                services.reopen(
                    letter, reason=act_form.cleaned_data["reason"], ip=client_ip(request)
                )
                note = "已重新交办理单位办理，将在答复时限内重新答复。"
        except ValidationError as e:
            for field, msgs in e.message_dict.items():
                act_form.add_error(field if field in act_form.fields else None, msgs)
        except Conflict as e:
            act_form.add_error(None, str(e))
        else:
            return _lookup_page(request, letter, code, done=note)
    return _lookup_page(request, letter, code, status=422, **{f"{action}_form": act_form})


def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    letter = selectors.public_letter(pk)
    if letter is None:
        raise Http404("没有该公开信件")
    return render(request, "participation/letter_detail.html", {"letter": letter})


def letter_statistics(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    if not 2000 <= year <= today.year:
        raise Http404("没有该年度的统计")
    stats = selectors.letter_statistics(year)
    return render(request, "participation/letter_statistics.html", {
        "stats": stats, "years": range(today.year, today.year - 5, -1),
    })  # fmt: skip


# --- major decisions -------------------------------------------------------------------------


def decision_list(request: HttpRequest) -> HttpResponse:
    org_code = request.GET.get("org", "")
    try:
        year = int(request.GET.get("year") or 0) or None
    except ValueError:
        year = None
    qs = selectors.public_decisions(org_code or None, year)
    orgs = Organization.objects.filter(
        pk__in=selectors.public_decisions().values("org_id")
    ).order_by("path")
    years = sorted(set(selectors.public_decisions().values_list("year", flat=True)), reverse=True)
    return render(request, "participation/decision_list.html", {
        "page": _page(request, qs, 50), "orgs": orgs, "years": years, "org_code": org_code,
        "year": year,
    })  # fmt: skip


def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    d = selectors.public_decision(pk)
    if d is None:
        raise Http404("没有该决策事项")
    return render(request, "participation/decision_detail.html", {
        "d": d, "steps": selectors.public_steps(d), "status": selectors.step_status(d),
        "documents": selectors.public_result_documents(d),
        "consultation": selectors.public_decision_consultation(d),
    })  # fmt: skip


# --- staff -----------------------------------------------------------------------------------


@never_cache
@permissions.staff_page
def staff_dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return private(render(request, "participation/staff_dashboard.html",
                           {"today": today, **selectors.dashboard(request.user, today)}))  # fmt: skip


EXPORT_HEADER = [
    "序号",
    "提交时间",
    "针对条款",
    "意见内容",
    "姓名",
    "联系方式",
    "审核状态",
    "归类",
    "采纳情况",
]


def _export_rows(request: HttpRequest, pk: int) -> list[list[str]]:
    rows = []
    for x in selectors.staff_comments(request.user, pk):
        rows.append([
            str(x.pk), timezone.localtime(x.created_at).strftime("%Y-%m-%d %H:%M"), x.article,
            x.body, x.name, x.contact, x.get_status_display(),
            x.group.summary if x.group else "", x.group.get_decision_display() if x.group else "",
        ])  # fmt: skip
    return rows


def _cell(value: str) -> str:
    # a leading = + - @ would run as a formula in a spreadsheet (CSV injection)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@never_cache
@permissions.staff_page
def export_comments(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """All comments of one consultation for the drafting department (staff in scope only)."""
    if fmt not in ("csv", "xlsx"):
        raise Http404("导出格式应为 csv 或 xlsx")
    rows = [[_cell(v) for v in r] for r in _export_rows(request, pk)]
    name = f"consultation-{pk}-comments-{dt.date.today():%Y%m%d}"
    if fmt == "csv":
        out = io.StringIO()
        out.write("\ufeff")  # Excel opens UTF-8 with a BOM as UTF-8
        writer = csv.writer(out)
        writer.writerow(EXPORT_HEADER)
        writer.writerows(rows)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = "意见汇总"
        ws.append(EXPORT_HEADER)
        for r in rows:
            ws.append(r)
        buf = io.BytesIO()
        wb.save(buf)
        response = HttpResponse(
            buf.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return private(response)
