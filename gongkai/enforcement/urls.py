"""Public pages of 行政执法公示 and 双随机、一公开 (mounted at the site root by gongkai/urls.py),
and the staff board at /enforcement/staff/."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("enforcement/", views.index, name="enforcement"),
    path("enforcement/staff/", views.staff_board, name="enforcement-staff"),
    path("enforcement/officers/", views.officers, name="enforcement-officers"),
    path("enforcement/licences/", views.licences, name="enforcement-licences"),
    path("enforcement/licences/<int:pk>/", views.licence, name="enforcement-licence"),
    path("enforcement/licences.csv", views.licences_csv, name="enforcement-licences-csv"),
    path("enforcement/penalties/", views.penalties, name="enforcement-penalties"),
    path("enforcement/penalties/<int:pk>/", views.penalty, name="enforcement-penalty"),
    path("enforcement/penalties.csv", views.penalties_csv, name="enforcement-penalties-csv"),
    path(
        "enforcement/statistics/<slug:org>/<int:year>/",
        views.statistics,
        name="enforcement-statistics",
    ),
    path(
        "enforcement/statistics/<slug:org>/<int:year>.xlsx",
        views.statistics_xlsx,
        name="enforcement-statistics-xlsx",
    ),
    path("enforcement/<slug:org>/", views.org_page, name="enforcement-org"),
    path("spot-checks/", views.spot_checks, name="spot-checks"),
    path("spot-checks/draws/<int:pk>/", views.draw, name="spot-check-draw"),
]
