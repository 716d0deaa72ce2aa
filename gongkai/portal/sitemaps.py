"""sitemap.xml: an index of sections, each paginated (50,000 URLs a page) when large.

Every public page kind is listed: documents (interpretations among them), organisations with
their 公开指南 and annual reports, datasets, consultations, published letters, major decisions,
the list pages and execution disclosure (tasks, 督查, press conferences, interviews,
opinion responses). Each section reads the same public selector as its page, so nothing that
page would refuse can appear here.
"""

import datetime as dt
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import timezone

from gongkai.catalog.sitemaps import CatalogSitemap
from gongkai.documents import selectors as documents
from gongkai.documents.models import InfoCategory
from gongkai.enforcement.sitemaps import EnforcementSitemap
from gongkai.execution.sitemaps import ExecutionSitemap
from gongkai.gazette.sitemaps import GazetteSitemap
from gongkai.lists.sitemaps import ListsSitemap
from gongkai.opendata import selectors as opendata
from gongkai.organizations.selectors import public_organizations
from gongkai.participation import selectors as participation

FIRST_REPORT_YEAR = 2019  # annual reports under the 2019 regulation


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
    """Each organisation's disclosure column, its 公开指南 and its list of annual reports."""

    changefreq = "weekly"
    limit = 50_000

    def items(self) -> list[tuple[str, str]]:
        codes = public_organizations().order_by("path").values_list("code", flat=True)
        return [
            (name, code) for code in codes for name in ("org_index", "org_guide", "org_reports")
        ]

    def location(self, item: tuple[str, str]) -> str:
        return reverse(item[0], args=[item[1]])


class AnnualReportSitemap(Sitemap):
    """政府信息公开工作年度报告: one per organisation and past year since 2019."""

    changefreq = "yearly"
    limit = 50_000

    def items(self) -> list[tuple[str, int]]:
        years = range(timezone.localdate().year - 1, FIRST_REPORT_YEAR - 1, -1)
        codes = public_organizations().order_by("path").values_list("code", flat=True)
        return [(code, year) for code in codes for year in years]

    def location(self, item: tuple[str, int]) -> str:
        return reverse("annual-report", args=[item[0], item[1]])


class DatasetSitemap(Sitemap):
    changefreq = "weekly"
    limit = 50_000

    def items(self) -> Any:
        return opendata.public_datasets().order_by("name")

    def location(self, item: Any) -> str:
        return reverse("opendata:dataset", args=[item.name])

    def lastmod(self, item: Any) -> dt.datetime:
        return item.updated_at


class ConsultationSitemap(Sitemap):
    changefreq = "weekly"
    limit = 50_000

    def items(self) -> Any:
        return participation.public_consultations().order_by("id")

    def location(self, item: Any) -> str:
        return reverse("consultation", args=[item.pk])

    def lastmod(self, item: Any) -> dt.datetime:
        return item.updated_at


class LetterSitemap(Sitemap):
    changefreq = "monthly"
    limit = 50_000

    def items(self) -> Any:
        return participation.public_letters().order_by("id")

    def location(self, item: Any) -> str:
        return reverse("letter", args=[item.pk])


class DecisionSitemap(Sitemap):
    changefreq = "monthly"
    limit = 50_000

    def items(self) -> Any:
        return participation.public_decisions().order_by("id")

    def location(self, item: Any) -> str:
        return reverse("decision", args=[item.pk])


class PageSitemap(Sitemap):
    """The list pages: the site's sections and each 信息类别's list."""

    changefreq = "daily"

    def items(self) -> list[str]:
        pages = ["home", "disclosure_index", "document_list", "site_map", "participation",
                 "consultations", "mailbox", "decisions", "opendata:catalogue", "search"]  # fmt: skip
        codes = InfoCategory.objects.order_by("code").values_list("code", flat=True)
        return pages + [f"category:{code}" for code in codes]

    def location(self, item: str) -> str:
        if item.startswith("category:"):
            return reverse("document_list") + "?category=" + item.split(":", 1)[1]
        return reverse(item)


SITEMAPS = {
    "pages": PageSitemap,
    "organizations": OrganizationSitemap,
    "documents": DocumentSitemap,
    "datasets": DatasetSitemap,
    "consultations": ConsultationSitemap,
    "letters": LetterSitemap,
    "decisions": DecisionSitemap,
    "reports": AnnualReportSitemap,
    "lists": ListsSitemap,
    "gazette": GazetteSitemap,
    "catalog": CatalogSitemap,
    "enforcement": EnforcementSitemap,
    "execution": ExecutionSitemap,
}
