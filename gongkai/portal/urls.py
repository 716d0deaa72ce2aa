"""Public pages of the disclosure site."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import URLPattern, URLResolver, path

from . import feeds, views
from .sitemaps import SITEMAPS

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("gk/", views.disclosure_index, name="disclosure_index"),
    path("gk/<slug:code>/", views.org_index, name="org_index"),
    path("gk/<slug:code>/guide/", views.org_guide, name="org_guide"),
    path("gk/<slug:code>/reports/", views.org_reports, name="org_reports"),
    path("list/", views.document_list, name="document_list"),
    path("documents/<int:doc_id>/", views.document_detail, name="document"),
    path("sitemap/", views.site_map, name="site_map"),
    path("mode/<str:mode>/", views.set_mode, name="set_mode"),
    path("font/<str:size>/", views.set_font_size, name="set_font_size"),
    path("feeds/latest/", feeds.LatestFeed(), name="feed_latest"),
    path("feeds/press/", feeds.PressFeed(), name="feed_press"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("feeds/org/<slug:code>/", feeds.OrganizationFeed(), name="feed_org"),
    path("feeds/category/<slug:code>/", feeds.CategoryFeed(), name="feed_category"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
]
