"""Sitemap section of the 政府公报 and 行政规范性文件 pages: read through the same public
selectors as the pages, so a draft issue or cleanup can never be listed."""

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from gongkai.documents import selectors as documents

from . import selectors


class GazetteSitemap(Sitemap):
    changefreq = "weekly"
    limit = 50_000

    def items(self) -> list[str]:
        out = [reverse("gazette"), reverse("normative")]
        for g in selectors.public_gazettes():
            q = f"?gazette={g.org.code}"
            out += [reverse("gazette-year", args=[y]) + q for y in selectors.public_years(g)]
            out += [reverse("gazette-issue", args=[i.year, i.issue_no]) + q
                    for i in selectors.public_issues(g).order_by("year", "issue_no")]  # fmt: skip
        out += [reverse("normative-cleanup", args=[c.pk]) for c in documents.public_cleanups()]
        return out

    def location(self, item: Any) -> str:
        return str(item)
