"""sitemap.xml: an index of sections, each paginated (50,000 URLs a page) when large."""

import datetime as dt
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from gongkai.documents import selectors as documents
from gongkai.organizations.selectors import public_organizations


class DocumentSitemap(Sitemap):
    changefreq = "monthly"
    limit = 50_000

    def items(self) -> Any:
        return (
            documents.public_documents()
            .select_related(None)
            .only("id", "updated_at")
            .order_by("id")
        )

    def location(self, item: Any) -> str:
        return reverse("document", args=[item.pk])

    def lastmod(self, item: Any) -> dt.datetime:
        return item.updated_at


class OrganizationSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> Any:
        return public_organizations().order_by("path")

    def location(self, item: Any) -> str:
        return reverse("org_index", args=[item.code])


class PageSitemap(Sitemap):
    changefreq = "daily"

    def items(self) -> list[str]:
        return ["home", "disclosure_index", "document_list", "site_map"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {
    "pages": PageSitemap,
    "organizations": OrganizationSitemap,
    "documents": DocumentSitemap,
}
