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
        # two queries whatever the number of gazettes and issues (a fixed bound per page)
        out = [reverse("gazette"), reverse("normative")]
        years: dict[tuple[str, int], None] = {}
        issues = []
        for i in selectors.public_issues().order_by("gazette__order", "year", "issue_no"):
            q = f"?gazette={i.gazette.org.code}"
            years[(q, i.year)] = None
            issues.append(reverse("gazette-issue", args=[i.year, i.issue_no]) + q)
        out += [reverse("gazette-year", args=[y]) + q for q, y in years]
        out += issues
        out += [reverse("normative-cleanup", args=[c.pk]) for c in documents.public_cleanups()]
        return out

    def location(self, item: Any) -> str:
        return str(item)
