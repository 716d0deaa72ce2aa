"""The sitemap section of the lists (one entry in portal/sitemaps.SITEMAPS): the list pages, every
public power item and every public guide, read through the same public selectors as the pages,
so a secret, draft or cancelled item never appears."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import timezone

from . import selectors

PAGES = ["lists", "lists-powers", "lists-adjustments", "lists-services", "lists-intermediaries"]


class ListsSitemap(Sitemap):
    changefreq = "weekly"
    limit = 50_000

    def items(self) -> list[str]:
        codes = (
            selectors.public_power_versions(on=timezone.localdate())
            .order_by("item__code")
            .values_list("item__code", flat=True)
        )
        guides = (
            selectors.public_guides()
            .order_by("item__impl_code")
            .values_list("item__impl_code", flat=True)
        )
        return (
            [reverse(name) for name in PAGES]
            + [reverse("lists-power", args=[c]) for c in codes]
            + [reverse("lists-guide", args=[g]) for g in guides]
        )

    def location(self, item: str) -> str:
        return item
