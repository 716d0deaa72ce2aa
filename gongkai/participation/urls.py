"""Public pages of this app (mounted at the site root by gongkai/urls.py)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
