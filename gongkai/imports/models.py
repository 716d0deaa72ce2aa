"""Imports of pages from an agency's old website (历史网页导入): batches and one ledger row per page.

- `ImportBatch`: one run of `gongkai import_pages` / `gongkai import_site` into one organisation,
  with what it was given (`sources`) and its tallies. A batch that was interrupted stays
  unfinished and is continued by the next run over the same sources (resumable).
- `ImportRecord`: one page of one organisation, identified by the SHA-256 of its bytes
  (`source_hash`, unique per organisation — importing the same page again changes nothing),
  with its original URL, what was extracted from it, the warnings, the personal-information
  count, and the document it became. A page whose 索引号 is held by another item is recorded as
  a clash and not overwritten; a page that cannot be imported keeps its error and is retried by
  the next run.

Only `gongkai.imports.services` writes these rows.
"""

from django.conf import settings
from django.db import models


class ImportBatch(models.Model):
    class Kind(models.TextChoices):
        FILES = "files", "文件"
        SITE = "site", "网站抓取"

    class Status(models.TextChoices):
        RUNNING = "running", "进行中"
        INTERRUPTED = "interrupted", "已中断"
        FINISHED = "finished", "已完成"

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+",
        verbose_name="导入机构",
    )  # fmt: skip
    kind = models.CharField("来源类型", max_length=10, choices=Kind.choices, default=Kind.FILES)
    sources = models.JSONField("来源", default=list, help_text="导入的文件、目录或网址")
    # sha256 of org + kind + sorted sources: the run that continues an interrupted batch
    fingerprint = models.CharField(max_length=64, db_index=True, editable=False)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.RUNNING, db_index=True
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="操作人",
    )  # fmt: skip
    started_at = models.DateTimeField("开始时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    runs = models.PositiveIntegerField("运行次数", default=1)
    seen = models.PositiveIntegerField("处理页面数", default=0)
    imported = models.PositiveIntegerField("新导入", default=0)
    unchanged = models.PositiveIntegerField("已导入过（未变）", default=0)
    clashes = models.PositiveIntegerField("索引号冲突/内容变化", default=0)
    failed = models.PositiveIntegerField("失败", default=0)
    flagged = models.PositiveIntegerField("含个人信息待核", default=0)

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"第 {self.pk} 批（{self.get_status_display()}）"


class ImportRecord(models.Model):
    class Status(models.TextChoices):
        IMPORTED = "imported", "已导入"
        CLASH = "clash", "索引号冲突"
        CHANGED = "changed", "同一网址内容已变化"
        FAILED = "failed", "失败"

    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, related_name="records",
        verbose_name="批次", help_text="最近一次处理本页面的批次",
    )  # fmt: skip
    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+",
        verbose_name="导入机构",
    )  # fmt: skip
    source_url = models.CharField("原网址", max_length=1000, blank=True, db_index=True)
    source_path = models.CharField("文件路径", max_length=1000, blank=True)
    source_hash = models.CharField("原页面 SHA-256", max_length=64)
    status = models.CharField("状态", max_length=10, choices=Status.choices, db_index=True)
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name="导入后的政府信息",
    )  # fmt: skip
    title = models.CharField("标题", max_length=300, blank=True)
    index_no = models.CharField("原索引号", max_length=64, blank=True)
    warnings = models.JSONField("提示", default=list, blank=True)
    error = models.TextField("错误", blank=True)
    pii_count = models.PositiveIntegerField("疑似个人信息数", default=0)
    pii_types = models.JSONField("疑似个人信息类型", default=dict, blank=True)
    extracted = models.JSONField("提取结果", default=dict, blank=True)
    attempts = models.PositiveIntegerField("尝试次数", default=1)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "导入页面"
        verbose_name_plural = "导入页面"
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "source_hash"], name="one_record_per_page")
        ]

    def __str__(self) -> str:
        return self.title or self.source_url or self.source_path or self.source_hash[:12]
