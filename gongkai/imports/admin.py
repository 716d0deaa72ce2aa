"""Back office of the page import: batches and pages, read-only, scoped through `permissions`.

Imports are run with `gongkai import_pages` / `gongkai import_site`; here staff follow them up:
clashes, failures and pages flagged for personal information, each linked to its document.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from gongkai.accounts.admin_scoping import ScopedAdmin

from .models import ImportBatch, ImportRecord


class ReadOnlyScopedAdmin(ScopedAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "id", "org", "kind", "status", "started_at", "finished_at", "seen", "imported",
        "unchanged", "clashes", "failed", "flagged", "runs",
    ]  # fmt: skip
    list_filter = ["status", "kind"]
    readonly_fields = ["sources_list"]
    exclude = ["sources"]

    @admin.display(description="来源")
    def sources_list(self, obj: ImportBatch) -> str:
        return "\n".join(str(s) for s in obj.sources)


class PiiFilter(admin.SimpleListFilter):
    title = "疑似个人信息"
    parameter_name = "pii"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "有，待复核"), ("no", "无")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(pii_count__gt=0)
        if self.value() == "no":
            return queryset.filter(pii_count=0)
        return queryset


@admin.register(ImportRecord)
class ImportRecordAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "title",
        "org",
        "status",
        "index_no",
        "pii_count",
        "document_link",
        "updated_at",
    ]
    list_filter = ["status", PiiFilter]
    search_fields = ["title", "index_no", "source_url", "source_path", "source_hash"]
    list_select_related = ["org", "document"]

    @admin.display(description="政府信息")
    def document_link(self, obj: ImportRecord) -> str:
        if obj.document_id is None:
            return "—"
        url = reverse("admin:documents_document_change", args=[obj.document_id])
        return format_html('<a href="{}">{}</a>', url, obj.document_id)
