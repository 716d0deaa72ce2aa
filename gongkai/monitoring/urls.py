"""Pages of the website self-inspection (mounted at the site root by gongkai/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("correction/", views.correction, name="correction"),
    path("correction/progress/", views.correction_progress, name="correction-progress"),
    path("site-report/<int:year>/", views.site_report, name="site-report"),
    path("monitoring/staff/", views.staff_dashboard, name="monitoring-staff"),
    path("monitoring/staff/assessment/", views.staff_assessment, name="monitoring-assessment"),
    path(
        "monitoring/staff/assessment/<slug:code>/",
        views.staff_assessment_kpi,
        name="monitoring-assessment-kpi",
    ),
    path(
        "monitoring/staff/reports/<str:period>.xlsx",
        views.staff_report_xlsx,
        name="monitoring-report-xlsx",
    ),
    path("monitoring/staff/reports/<str:period>/", views.staff_report, name="monitoring-report"),
    path(
        "monitoring/staff/evidence/<int:year>.zip", views.staff_evidence, name="monitoring-evidence"
    ),
]
