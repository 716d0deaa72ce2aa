"""The sitemap section 行政执法公示 (one entry in portal/sitemaps.SITEMAPS): the list pages and every
visible licence and penalty decision, read through the same public selectors as the pages, so a
held, unreviewed, withdrawn, expired or 不予公开 decision never appears."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from . import selectors

PAGES = ["enforcement", "enforcement-officers", "enforcement-licences", "enforcement-penalties",
         "spot-checks"]  # fmt: skip


class EnforcementSitemap(Sitemap):
    changefreq = "daily"
    limit = 50_000

    def items(self) -> list[str]:
        licences = selectors.public_licences().order_by("id").values_list("id", flat=True)
        penalties = selectors.public_penalties().order_by("id").values_list("id", flat=True)
        return (
            [reverse(name) for name in PAGES]
            + [f"/enforcement/licences/{pk}/" for pk in licences]
            + [f"/enforcement/penalties/{pk}/" for pk in penalties]
        )

    def location(self, item: str) -> str:
        return item
