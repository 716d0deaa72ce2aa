"""URL map: the back office at /admin/, the API at /api/v1/, the public pages at /."""

from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path

from gongkai.api import api, not_found
from gongkai.documents import views as documents


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


handler404 = "gongkai.portal.views.page_not_found"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("healthz", healthz),
    path("attachments/<int:attachment_id>/<str:name>", documents.attachment, name="attachment"),
    # first among the apps: the most visited pages resolve without trying every other app's
    # patterns (~50 µs a request); no other app's path starts like portal's (test_urls.py)
    path("", include("gongkai.portal.urls")),
    path("", include("gongkai.search.urls")),
    path("", include("gongkai.applications.urls")),
    path("", include("gongkai.opendata.urls")),
    path("", include("gongkai.lists.urls")),
    path("", include("gongkai.participation.urls")),
    path("", include("gongkai.execution.urls")),
    path("", include("gongkai.gazette.urls")),
    path("", include("gongkai.catalog.urls")),
    path("", include("gongkai.monitoring.urls")),
    path("", include("gongkai.review.urls")),
    path("", include("gongkai.enforcement.urls")),
    # last: any other /api/ path answers in the API's error shape
    re_path(r"^api/(?P<rest>.*)$", not_found),
]
