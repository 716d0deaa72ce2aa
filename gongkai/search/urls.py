"""Public pages of this app (mounted at the site root by gongkai/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("search/", views.search, name="search"),
]
