"""Public pages of the review app (include at the site root: `path("", include("gongkai.review.urls"))`)."""

from django.urls import path

from . import views

urlpatterns = [
    path("negative-list/", views.negative_list, name="negative_list"),
    path("staff/review/archive/", views.archive_audit, name="archive_audit"),
]
