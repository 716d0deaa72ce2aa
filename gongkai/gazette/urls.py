"""Public pages of the 政府公报 and of 行政规范性文件 (mounted at the site root by gongkai/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("gazette/", views.gazette_index, name="gazette"),
    path("gazette/<int:year>/", views.gazette_year, name="gazette-year"),
    path("gazette/<int:year>/<int:issue_no>/", views.gazette_issue, name="gazette-issue"),
    path("gazette/<int:year>/<int:issue_no>.pdf", views.gazette_pdf, name="gazette-pdf"),
    path("normative/", views.normative_current, name="normative"),
    path("normative/current.xlsx", views.normative_current_xlsx, name="normative-xlsx"),
    path("normative/cleanups/<int:pk>/", views.normative_cleanup, name="normative-cleanup"),
]
