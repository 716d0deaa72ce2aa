"""Sitemap section of the 基层政务公开标准目录: the index, each government's catalogue and each
domain table that holds entries (public organisations only, as on the pages)."""

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from . import selectors


class CatalogSitemap(Sitemap):
    changefreq = "monthly"
    limit = 50_000

    def items(self) -> list[str]:
        # two queries whatever the number of governments (a fixed bound per page)
        out = [reverse("catalog")]
        out += [reverse("catalog-org", args=[o.code]) for o in selectors.catalog_orgs()]
        pairs = (
            selectors.public_entries()
            .prefetch_related(None)
            .order_by("org__path", "domain__order")
            .values_list("org__code", "domain__code")
            .distinct()
        )
        out += [reverse("catalog-domain", args=[org, domain]) for org, domain in pairs]
        return out

    def location(self, item: Any) -> str:
        return str(item)
