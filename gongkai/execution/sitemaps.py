"""The sitemap section of execution disclosure (one entry in portal/sitemaps.SITEMAPS): the hub
and list pages, and every public task, concluded 督查, published press conference and interview
and every opinion event with a response, read through the same public selectors as the pages,
so a draft, an unconcluded 督查 or an event without a response never appears. (建议提案 replies
are Documents, listed by the documents section; the proposal pages by their list.)"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from . import selectors

PAGES = ["execution", "execution-tasks", "execution-inspections", "proposals", "responses",
         "press", "interviews"]  # fmt: skip
DETAILS = [
    ("execution-task", selectors.public_task_rows),
    ("execution-inspection", selectors.public_inspections),
    ("press-conference", selectors.public_press),
    ("interview", selectors.public_interviews),
    ("response", selectors.public_events),
]


class ExecutionSitemap(Sitemap):
    changefreq = "weekly"
    limit = 50_000

    def items(self) -> list[str]:
        urls = [reverse(name) for name in PAGES]
        for name, rows in DETAILS:
            ids = rows().prefetch_related(None).order_by("pk").values_list("pk", flat=True)
            urls += [reverse(name, args=[pk]) for pk in ids]
        return urls

    def location(self, item: str) -> str:
        return item
