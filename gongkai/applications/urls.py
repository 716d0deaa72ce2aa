"""Public pages of 依申请公开 (mounted at the site root by gongkai/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("apply/", views.apply, name="apply"),
    path("apply/progress/", views.progress, name="apply-progress"),
    path("apply/progress/letter/", views.progress_letter, name="apply-progress-letter"),
    path(
        "annual-report/<slug:org_code>/<int:year>/",
        views.annual_report,
        name="annual-report",
    ),
    path(
        "annual-report/<slug:org_code>/<int:year>.xlsx",
        views.annual_report_xlsx,
        name="annual-report-xlsx",
    ),
]
