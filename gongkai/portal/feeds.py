"""Atom feeds of public information, per organisation and per category (信息类别), and of
press conferences and online interviews (/feeds/press/)."""

import datetime as dt
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from gongkai.documents import selectors as documents
from gongkai.documents.models import Document, InfoCategory
from gongkai.execution import selectors as execution
from gongkai.execution.models import PressConference
from gongkai.organizations.selectors import public_organizations

from .selectors import site_settings

ITEMS = 30


class _DocumentFeed(Feed):
    feed_type = Atom1Feed

    def items(self, obj: Any) -> list[Document]:
        return list(self.queryset(obj)[:ITEMS])

    def queryset(self, obj: Any) -> Any:
        raise NotImplementedError

    def item_title(self, item: Document) -> str:
        return item.title

    def item_description(self, item: Document) -> str:
        return item.summary or f"{item.org.name}发布的{item.category.name}"

    def item_link(self, item: Document) -> str:
        return reverse("document", args=[item.pk])

    def item_pubdate(self, item: Document) -> dt.datetime | None:
        if item.published_on is None:
            return None
        return timezone.make_aware(dt.datetime.combine(item.published_on, dt.time(9, 0)))

    def item_updateddate(self, item: Document) -> dt.datetime:
        return item.updated_at

    def item_author_name(self, item: Document) -> str:
        return item.org.name

    def item_categories(self, item: Document) -> list[str]:
        return [item.category.name]


class OrganizationFeed(_DocumentFeed):
    def get_object(self, request: HttpRequest, code: str) -> Any:
        org = public_organizations().filter(code=code).first()
        if org is None:
            raise Http404
        return org

    def title(self, obj: Any) -> str:
        return f"{obj.name} · 政府信息公开 · {site_settings().site_name}"

    def link(self, obj: Any) -> str:
        return reverse("org_index", args=[obj.code])

    def description(self, obj: Any) -> str:
        return f"{obj.name}最新公开的政府信息"

    def queryset(self, obj: Any) -> Any:
        return documents.public_documents(documents.DocumentFilters(org=obj.code))


class CategoryFeed(_DocumentFeed):
    def get_object(self, request: HttpRequest, code: str) -> Any:
        category = InfoCategory.objects.filter(code=code).first()
        if category is None:
            raise Http404
        return category

    def title(self, obj: Any) -> str:
        return f"{obj.name} · {site_settings().site_name}"

    def link(self, obj: Any) -> str:
        return reverse("document_list") + f"?category={obj.code}"

    def description(self, obj: Any) -> str:
        return f"最新公开的{obj.name}"

    def queryset(self, obj: Any) -> Any:
        return documents.public_documents(documents.DocumentFilters(category=obj.code))


class LatestFeed(_DocumentFeed):
    """Everything the site publishes, newest first: the feed the home page advertises."""

    def title(self) -> str:
        return f"{site_settings().site_name} · 最新信息"

    def link(self) -> str:
        return reverse("home")

    def description(self) -> str:
        return f"{site_settings().site_name}最新公开的政府信息"

    def queryset(self, obj: Any) -> Any:
        return documents.public_documents()


class PressFeed(Feed):
    """新闻发布会 and 在线访谈, newest first (published ones only, through the execution
    selectors: never a draft, an unmoderated question or an asker)."""

    feed_type = Atom1Feed

    def title(self) -> str:
        return f"{site_settings().site_name} · 新闻发布会与在线访谈"

    def link(self) -> str:
        return reverse("press")

    def description(self) -> str:
        return f"{site_settings().site_name}最新的新闻发布会和在线访谈"

    def items(self) -> list[Any]:
        rows = [*execution.public_press()[:ITEMS], *execution.public_interviews()[:ITEMS]]
        rows.sort(key=self._at, reverse=True)
        return rows[:ITEMS]

    @staticmethod
    def _at(item: Any) -> dt.datetime:
        return item.held_at if isinstance(item, PressConference) else item.starts_at

    def item_title(self, item: Any) -> str:
        return item.title

    def item_description(self, item: Any) -> str:
        kind = "新闻发布会" if isinstance(item, PressConference) else "在线访谈"
        return f"{item.org.name}{kind}，{timezone.localtime(self._at(item)):%Y-%m-%d %H:%M}"

    def item_link(self, item: Any) -> str:
        name = "press-conference" if isinstance(item, PressConference) else "interview"
        return reverse(name, args=[item.pk])

    def item_guid(self, item: Any) -> str:
        return self.item_link(item)

    def item_pubdate(self, item: Any) -> dt.datetime:
        return self._at(item)

    def item_author_name(self, item: Any) -> str:
        return item.org.name

    def item_categories(self, item: Any) -> list[str]:
        return ["新闻发布会" if isinstance(item, PressConference) else "在线访谈"]
