"""The public negative list (政务公开负面清单): the matters an organisation does not disclose,
their legal ground, scope and review date — the matters only, never a withheld item's content.
Cached and answered conditionally like every anonymous public page (gongkai.caching)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

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
