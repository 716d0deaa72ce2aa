"""Public pages of the 基层政务公开标准目录 (mounted at the site root by gongkai/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("catalog/", views.index, name="catalog"),
    path("catalog/<slug:code>/", views.org_catalog, name="catalog-org"),
    path("catalog/<slug:code>/<slug:domain>/", views.domain_table, name="catalog-domain"),
]
