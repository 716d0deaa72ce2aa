"""The public negative list (政务公开负面清单): the matters an organisation does not disclose,
their legal ground, scope and review date — the matters only, never a withheld item's content.
Cached and answered conditionally like every anonymous public page (gongkai.caching).

And the reviewers' archive audit: the already-published items of their organisations whose public
text still holds personal information nobody resolved (the web form of `gongkai pii audit`)."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gongkai.accounts import permissions
from gongkai.accounts.permissions import Action
from gongkai.caching import private
from gongkai.organizations.models import Organization
from gongkai.organizations.selectors import public_organizations

from . import selectors


@require_GET
def negative_list(request: HttpRequest) -> HttpResponse:
    org = None
    if code := (request.GET.get("org") or "").strip():
        org = public_organizations().filter(code=code).first()
        if org is None:
            raise Http404("未找到该机构")
    entries = list(selectors.public_negative_list(org))
    context = {
        "org": org,
        "entries": entries,
        "organizations": list(public_organizations().order_by("path", "order")),
    }
    return render(request, "review/negative_list.html", context)


@staff_member_required
@require_GET
def archive_audit(request: HttpRequest) -> HttpResponse:
    """存量信息审查: pick one of your organisations, get the items to fix, each linked to its review."""
    ids = permissions.org_ids(request.user, Action.REVIEW)
    choices = Organization.objects.filter(is_active=True).order_by("path", "order")
    if ids is not None:
        choices = choices.filter(pk__in=ids)
    org, report = None, None
    if code := (request.GET.get("org") or "").strip():
        org = choices.filter(code=code).first()
        if org is None:
            raise Http404(
                "未找到该机构"
            )  # another organisation's archive answers like a missing one
        report = selectors.archive_audit(org, include_children=request.GET.get("children") != "0")
    context = {
        "title": "存量信息个人信息审查",
        "organizations": choices,
        "org": org,
        "report": report,
    }
    return private(render(request, "review/archive_audit.html", context))
