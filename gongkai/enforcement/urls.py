"""Public pages of 行政执法公示 and 双随机、一公开 (mounted at the site root by gongkai/urls.py)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
