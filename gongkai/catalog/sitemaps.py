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
        out = [reverse("catalog")]
        for org in selectors.catalog_orgs():
            out.append(reverse("catalog-org", args=[org.code]))
            out += [reverse("catalog-domain", args=[org.code, r.domain.code])
                    for r in selectors.org_domains(org) if r.count]  # fmt: skip
        return out

    def location(self, item: Any) -> str:
        return str(item)
