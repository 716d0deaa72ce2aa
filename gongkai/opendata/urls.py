"""Public pages of open data and the CKAN-compatible Action API (mounted at the site root by
gongkai/urls.py, before its /api/ catch-all)."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "opendata"

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/3/action/<str:name>", views.ckan_action, name="ckan_action"),
    path("api/action/<str:name>", views.ckan_action),  # CKAN's unversioned alias
    path("data/", views.catalogue, name="catalogue"),
    path("data/catalog.jsonld", views.dcat_jsonld, name="dcat_jsonld"),
    path("data/catalog.ttl", views.dcat_turtle, name="dcat_turtle"),
    path("data/plan/", views.plan, name="plan"),
    path("data/dashboard/", views.dashboard, name="dashboard"),
    path("data/download/<str:resource_id>/", views.download, name="download"),
    path("data/export/<str:resource_id>.<str:fmt>", views.export, name="export"),
    path("data/access/", views.access_status, name="access_status"),
    path("data/staff/", views.staff_home, name="staff_home"),
    path("data/staff/datasets/<str:dataset_id>/", views.staff_dataset, name="staff_dataset"),
    path("data/staff/versions/<str:version_id>/", views.staff_version, name="staff_version"),
    path("data/<slug:name>/apply/", views.apply_access, name="apply_access"),
    path("data/<slug:name>/", views.dataset, name="dataset"),
]
