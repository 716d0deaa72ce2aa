"""Public pages of execution disclosure and the staff overdue board (spec response.md §7: every
item shows its body and date, lists filter by year and body, newest first). Thin: every read
goes through `selectors`, which apply visibility; numbers are computed from the records."""

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

from . import conf, selectors, services
from .forms import QuestionForm
from .models import Proposal, Task


def _page(request: HttpRequest, qs: Any, per_page: int = 20) -> Any:
    page = Paginator(qs, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    page.query = query.urlencode()  # type: ignore[attr-defined]
    return page


def _int(value: str | None) -> int | None:
    try:
        n = int(value or "")
    except ValueError:
        return None
    return n if 1900 <= n <= 2999 else None


def _orgs() -> Any:
    return Organization.objects.filter(is_active=True).order_by("code")


def hub(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(request, "execution/hub.html", {
        "counts": selectors.task_counts(today),
        # titles only: no related rows to prefetch
        "tasks": list(selectors.public_tasks(today=today).prefetch_related(None)[:5]),
        "inspections": list(selectors.public_inspections().prefetch_related(None)[:5]),
        "proposals": list(selectors.public_proposals().prefetch_related(None)[:5]),
        "events": list(selectors.public_events().prefetch_related(None)[:5]),
        "today": today,
    })  # fmt: skip


# --- tasks -----------------------------------------------------------------------------------


def task_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year = _int(request.GET.get("year"))
    org = request.GET.get("org", "")[:30]
    status = request.GET.get("status", "")
    if status not in (*Task.Status.values, "overdue"):
        status = ""
    qs = selectors.public_tasks(year=year, org=org, status=status, today=today)
    page = _page(request, qs)
    rows = [(t, selectors.is_overdue(t, today), selectors.is_late(t)) for t in page.object_list]
    return render(request, "execution/task_list.html", {
        "page": page, "rows": rows, "year": year, "org_code": org, "status": status,
        "years": selectors.task_years(), "orgs": _orgs(), "statuses": Task.Status.choices,
        "counts": selectors.task_counts(today, year),
    })  # fmt: skip


def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    task = selectors.public_task(pk, today)
    if task is None:
        raise Http404("未找到该任务")
    return render(request, "execution/task_detail.html", {
        "task": task, "overdue": selectors.is_overdue(task, today), "late": selectors.is_late(task),
    })  # fmt: skip


# --- 督查 ------------------------------------------------------------------------------------


def inspection_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.public_inspections())
    return render(request, "execution/inspection_list.html", {"page": page})


def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    insp = selectors.public_inspection(pk)
    if insp is None:
        raise Http404("未找到该督查")
    findings = [(f, selectors.finding_status(f, today)) for f in insp.findings.all()]
    return render(request, "execution/inspection_detail.html", {"insp": insp, "findings": findings})


# --- 建议提案 --------------------------------------------------------------------------------


def proposal_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year = _int(request.GET.get("year"))
    kind = request.GET.get("kind", "")
    kind = kind if kind in Proposal.Kind.values else ""
    meeting = request.GET.get("meeting", "")[:100]
    unit = request.GET.get("unit", "")[:30]
    qs = selectors.public_proposals(year=year, kind=kind, meeting=meeting, unit=unit)
    page = _page(request, qs)
    items = list(page.object_list)
    replies = selectors.public_replies(items)
    rows = [(p, selectors.proposal_overdue(p, today), replies.get(p.pk)) for p in items]
    return render(request, "execution/proposal_list.html", {
        "page": page, "rows": rows, "year": year, "kind": kind, "meeting": meeting,
        "unit": unit, "kinds": Proposal.Kind.choices, "years": selectors.proposal_years(),
        "meetings": selectors.proposal_meetings(), "orgs": _orgs(),
    })  # fmt: skip


def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    p = selectors.public_proposal(pk)
    if p is None:
        raise Http404("未找到该建议提案")
    reply = selectors.public_replies([p]).get(p.pk)
    return render(request, "execution/proposal_detail.html", {
        "p": p, "reply": reply, "overdue": selectors.proposal_overdue(p, today),
        "grade_label": conf.get("PROPOSAL_GRADES").get(p.grade, ""),
        "publish_due_on": selectors.publish_due_on(p),
    })  # fmt: skip


def _share(n: int, total: int) -> str:
    return f"{n * 100 / total:.2f}%" if total else "—"


def proposal_overview(request: HttpRequest, year: int, fmt: str = "") -> HttpResponse:
    if not 1900 <= year <= 2999 or fmt not in ("", "xlsx"):
        raise Http404("未找到")
    data = selectors.overview(year)
    grades = conf.get("PROPOSAL_GRADES")
    answered = data["answered"]
    grade_rows = [(g, grades[g], n, _share(n, answered)) for g, n in data["grades"].items()]
    if fmt == "xlsx":
        return _overview_xlsx(data, grade_rows)
    return render(request, "execution/proposal_overview.html", {
        "o": data, "grade_rows": grade_rows, "answer_rate": _share(answered, data["total"]),
        "satisfied_rate": _share(data["satisfied"], data["rated"]),
    })  # fmt: skip


def _overview_xlsx(
    data: dict[str, Any], grade_rows: list[tuple[str, str, int, str]]
) -> HttpResponse:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = f"{data['year']}年办理情况"
    ws.append(["项目", "数量"])
    for label, value in [
        ("收到建议提案", data["total"]),
        ("其中：建议", data["by_kind"]["suggestion"]),
        ("其中：提案", data["by_kind"]["proposal"]),
        ("已答复", data["answered"]),
        ("主办单位数", data["lead_units"]),
        ("满意和基本满意", data["satisfied"]),
    ]:
        ws.append([label, value])
    ws.append([])
    ws.append(["办理结果类别", "说明", "件数", "占已答复比例"])
    for row in grade_rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    resp = HttpResponse(
        buf.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    resp["Content-Disposition"] = f'attachment; filename="proposals-{data["year"]}.xlsx"'
    return resp


# --- 回应关切 --------------------------------------------------------------------------------


def event_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.public_events())
    return render(request, "execution/event_list.html", {"page": page})


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.public_event(pk)
    if event is None:
        raise Http404("未找到该回应")
    responses = list(event.responses.all())
    related = selectors.public_related(responses)
    return render(request, "execution/event_detail.html", {
        "e": event, "clocks": selectors.clocks(event, responses, timezone.now()),
        "responses": [(r, related.get(r.pk, [])) for r in responses],
    })  # fmt: skip


# --- staff -----------------------------------------------------------------------------------


@never_cache
@permissions.staff_page
def staff_board(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return private(render(request, "execution/staff_board.html", {
        "tasks": selectors.staff_overdue_tasks(request.user, today),
        "proposals": selectors.staff_overdue_proposals(request.user, today),
        "events": selectors.staff_missed_events(request.user, timezone.now()),
        "today": today,
    }))  # fmt: skip


# --- 新闻发布会 and 在线访谈 ------------------------------------------------------------------


def press_list(request: HttpRequest) -> HttpResponse:
    year = _int(request.GET.get("year"))
    page = _page(request, selectors.public_press(year))
    return render(request, "execution/press_list.html", {"page": page, "year": year})


def press_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pc = selectors.public_press_one(pk)
    if pc is None:
        raise Http404("未找到该发布会")
    return render(request, "execution/press_detail.html", {
        "pc": pc, "speakers": pc.speakers.splitlines(), "photos": pc.photos.splitlines(),
        "documents": selectors.press_documents(pc),
    })  # fmt: skip


def interview_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.public_interviews())
    return render(request, "execution/interview_list.html", {"page": page})


def interview_detail(request: HttpRequest, pk: int) -> HttpResponse:
    iv = selectors.public_interview(pk)
    if iv is None:
        raise Http404("未找到该访谈")
    return render(request, "execution/interview_detail.html", {
        "iv": iv, "guests": iv.guests.splitlines(), "due": selectors.followup_due_on(iv),
        "questions": iv.public_questions,  # type: ignore[attr-defined]
        "is_open": services.accepts_questions(iv, timezone.now()),
    })  # fmt: skip


@never_cache
@require_http_methods(["GET", "POST"])
def interview_ask(request: HttpRequest, pk: int) -> HttpResponse:
    """A visitor's question (spec §6): throttled per address, held for moderation; the name and
    contact are never shown."""
    iv = selectors.public_interview(pk)
    if iv is None:
        raise Http404("未找到该访谈")
    now = timezone.now()
    context: dict[str, Any] = {"iv": iv, "is_open": services.accepts_questions(iv, now),
                               "ended": now > iv.ends_at}  # fmt: skip
    form = QuestionForm()
    status = 200
    if request.method == "POST":
        limit = int(getattr(settings, "GONGKAI_INTERVIEW_QUESTIONS_PER_HOUR", 5))
        if rate_limited(request, "interview-question", limit, 3600):
            return render(request, "execution/interview_ask.html", {
                **context, "message_title": "操作过于频繁", "status_error": True,
                "message": "提问过于频繁，请一小时后再试。",
            }, status=429)  # fmt: skip
        form = QuestionForm(request.POST)
        if form.is_valid():
            try:
                services.submit_question(iv, data=form.cleaned_data, now=now, ip=client_ip(request))
            except ValidationError as e:
                for field, msgs in e.message_dict.items():
                    form.add_error(field if field in form.fields else None, msgs)
            except Conflict as e:
                form.add_error(None, str(e))
            else:
                return render(request, "execution/interview_ask.html", {
                    **context, "message_title": "问题已提交",
                    "message": "感谢您的提问。问题经审核后显示在访谈页面，您的姓名和联系方式不会公开。",
                })  # fmt: skip
        status = 422
    return render(request, "execution/interview_ask.html", {**context, "form": form},
                  status=status)  # fmt: skip
