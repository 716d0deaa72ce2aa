"""The searchable copy of public information, and the queue of index updates (outbox).

`Entry` holds exactly what the public may see of each searchable item (for 删减后公开 only the
public version) — it is written in the same transaction as the publication or withdrawal that
causes it, so it is never ahead of or behind the database truth. Every hit an index returns is
re-checked against it and its snippet is cut from it: a stale index can never show a withdrawn
or non-public item. On PostgreSQL the table also carries the pre-segmented `tsv` tsvector with a
GIN index (migration 0002), which *is* the PostgreSQL backend's index.

`Pending` rows are the outbox of the tantivy backend: keys whose index copy must be refreshed
from `Entry` (or dropped when the entry is gone), applied after commit by the one index writer.
"""

from django.db import models


class Entry(models.Model):
    key = models.CharField("键", max_length=64, unique=True)
    title = models.CharField("标题", max_length=300)
    url = models.CharField("地址", max_length=300)
    body = models.TextField("公开正文（纯文本）", blank=True)
    org_code = models.CharField("机构代码", max_length=64, blank=True, db_index=True)
    org_name = models.CharField("机构名称", max_length=200, blank=True)
    category_code = models.CharField("信息类别代码", max_length=30, blank=True)
    category_name = models.CharField("信息类别", max_length=30, blank=True)
    topic_codes = models.CharField("主题分类代码（含上级）", max_length=200, blank=True)
    topic_name = models.CharField("主题分类", max_length=120, blank=True)
    validity = models.CharField("效力状态", max_length=16, blank=True)
    validity_label = models.CharField("效力状态名称", max_length=16, blank=True)
    published_on = models.DateField("发布日期", null=True, blank=True)
    index_no = models.CharField("索引号", max_length=64, blank=True, db_index=True)
    doc_number = models.CharField("文号", max_length=60, blank=True, db_index=True)
    tags = models.CharField("标签", max_length=200, blank=True)  # space-separated, e.g. gazette
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "检索条目"
        verbose_name_plural = "检索条目"

    def __str__(self) -> str:
        return self.key


class Pending(models.Model):
    key = models.CharField("键", max_length=64)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "待更新索引"
        verbose_name_plural = "待更新索引"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.key


class Checkpoint(models.Model):
    """Where an unfinished `gongkai search reindex` stands (at most one row; gone when done).

    Stage `entries`: the caller's batches are stored in order, `source_cursor` after each
    committed batch. Stage `index`: the index is rebuilt from `Entry` in id order and
    `index_cursor` is the last entry id the index has committed. A re-run continues from here.
    """

    started_at = models.DateTimeField("开始时间")
    stage = models.CharField("阶段", max_length=16, default="entries")
    source_cursor = models.BigIntegerField("已写入的来源位置", default=0)
    index_cursor = models.BigIntegerField("已索引的条目位置", default=0)
    stored = models.PositiveIntegerField("已写入条目", default=0)
    last_pending = models.BigIntegerField("开始时最后的待更新编号", default=0)

    class Meta:
        verbose_name = "重建检查点"
        verbose_name_plural = "重建检查点"

    def __str__(self) -> str:
        return f"{self.stage} {self.source_cursor}/{self.index_cursor}"
