"""The site's URLs plus the review app's public page (until gongkai/urls.py includes it)."""

from django.urls import include, path

from gongkai.urls import urlpatterns as site

urlpatterns = [path("", include("gongkai.review.urls")), *site]
