"""Open data (政府数据开放): the dataset catalogue, its resources and their ingested versions.

- Dataset (数据集): 数据提供方 (`org`), 数据领域 (`domain`), 开放属性 (`open_level`:
  无条件开放 `unconditional` / 有条件开放 `conditional` / 不予开放 `closed`), 更新频率
  (`frequency`) with 最近更新 (`last_updated`) and an overdue flag, licence, contact, spatial
  and temporal coverage, and a state 草稿/已发布/已撤回.
- A dataset is public only when 已发布 and 无条件开放 or 有条件开放; 不予开放 is never public
  (seed spec §6: 分级分类开放). `PUBLIC_LEVELS` is the one list the selectors use.
- Resource (数据资源): an uploaded table (CSV/XLSX/JSON) or a link. Every upload is a
  ResourceVersion; `Resource.current` is the version that serves, and only a successful
  ingestion moves it, so a failed one leaves the previous version serving.
"""

import datetime as dt
import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone


def opendata_dir() -> Path:
    """Where uploads, Parquet files and full-text indexes live (one folder per resource)."""
    return Path(getattr(settings, "GONGKAI_OPENDATA_DIR", settings.VAR_DIR / "opendata"))


class Dataset(models.Model):
    class OpenLevel(models.TextChoices):
        UNCONDITIONAL = "unconditional", "无条件开放"
        CONDITIONAL = "conditional", "有条件开放"
        CLOSED = "closed", "不予开放"

    class Frequency(models.TextChoices):
        REALTIME = "realtime", "实时"
        DAILY = "daily", "每日"
        WEEKLY = "weekly", "每周"
        MONTHLY = "monthly", "每月"
        QUARTERLY = "quarterly", "每季度"
        YEARLY = "yearly", "每年"
        IRREGULAR = "irregular", "不定期"

    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"
        WITHDRAWN = "withdrawn", "已撤回"

    class License(models.TextChoices):
        CC_BY = "cc-by-4.0", "知识共享署名 4.0（CC BY 4.0）"
        CC_ZERO = "cc-zero", "CC0 公共领域贡献"
        ODC_BY = "odc-by", "开放数据共享署名许可（ODC-By）"
        GOV_OPEN = "gov-open", "政府数据开放许可协议"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.SlugField(
        "标识名", max_length=100, unique=True, help_text="接口与网址中使用的英文标识，如 bus-lines"
    )
    title = models.CharField("数据集名称", max_length=200)
    description = models.TextField("数据集摘要", blank=True)
    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="datasets",
        verbose_name="数据提供方",
    )  # fmt: skip
    domain = models.CharField("数据领域", max_length=40, blank=True, db_index=True)
    tags = models.JSONField("标签", default=list, blank=True)
    open_level = models.CharField(
        "开放属性", max_length=16, choices=OpenLevel.choices, default=OpenLevel.UNCONDITIONAL
    )
    open_conditions = models.TextField(
        "开放条件或不予开放理由", blank=True, help_text="有条件开放的申请条件；不予开放的依据"
    )
    frequency = models.CharField(
        "更新频率", max_length=16, choices=Frequency.choices, default=Frequency.IRREGULAR
    )
    last_updated = models.DateTimeField("最近更新", null=True, blank=True)
    license_id = models.CharField(
        "开放许可", max_length=20, choices=License.choices, default=License.CC_BY
    )
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_email = models.EmailField("联系邮箱", blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    spatial = models.CharField("空间范围", max_length=100, blank=True)
    temporal_start = models.DateField("时间范围起", null=True, blank=True)
    temporal_end = models.DateField("时间范围止", null=True, blank=True)
    state = models.CharField(
        "状态", max_length=16, choices=State.choices, default=State.DRAFT, editable=False
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        editable=False, verbose_name="创建人",
    )  # fmt: skip
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "数据集"
        verbose_name_plural = "数据集"
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["state", "open_level"], name="dataset_public")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.state == self.State.PUBLISHED and self.open_level in PUBLIC_LEVELS

    def due_by(self) -> dt.datetime | None:
        """When the next update is due by the stated frequency; None if it has no deadline."""
        days = FREQUENCY_DAYS.get(self.frequency)
        if days is None:
            return None
        start = self.last_updated or self.published_at
        return start + dt.timedelta(days=days) if start else None

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        due = self.due_by()
        return due is not None and due < (now or timezone.now())


PUBLIC_LEVELS = (Dataset.OpenLevel.UNCONDITIONAL, Dataset.OpenLevel.CONDITIONAL)

# stated frequency → days allowed between updates (with a day's grace); 不定期 has no deadline
FREQUENCY_DAYS: dict[str, int] = {
    Dataset.Frequency.REALTIME: 2,
    Dataset.Frequency.DAILY: 2,
    Dataset.Frequency.WEEKLY: 8,
    Dataset.Frequency.MONTHLY: 32,
    Dataset.Frequency.QUARTERLY: 93,
    Dataset.Frequency.YEARLY: 367,
}


class Resource(models.Model):
    class Kind(models.TextChoices):
        UPLOAD = "upload", "上传文件"
        LINK = "link", "外部链接"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey(
        Dataset, on_delete=models.CASCADE, related_name="resources", verbose_name="数据集"
    )
    name = models.CharField("资源名称", max_length=200)
    description = models.TextField("说明", blank=True)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices, default=Kind.UPLOAD)
    url = models.URLField("链接地址", max_length=500, blank=True)
    format = models.CharField("格式", max_length=20, blank=True)
    position = models.PositiveIntegerField("排序", default=0)
    current = models.ForeignKey(
        "ResourceVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="当前版本", editable=False,
    )  # fmt: skip
    column_descriptions = models.JSONField("字段说明", default=dict, blank=True)
    download_count = models.PositiveBigIntegerField("下载次数", default=0, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "数据资源"
        verbose_name_plural = "数据资源"
        ordering = ["dataset", "position", "created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def datastore_active(self) -> bool:
        return self.current_id is not None


class ResourceVersion(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "处理中"
        READY = "ready", "已生效"
        FAILED = "failed", "失败"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="versions", verbose_name="数据资源"
    )
    number = models.PositiveIntegerField("版本号")
    original_name = models.CharField("原文件名", max_length=200)
    format = models.CharField("格式", max_length=20)
    size = models.PositiveBigIntegerField("大小（字节）", default=0)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    encoding = models.CharField("编码", max_length=20, blank=True)
    status = models.CharField(
        "处理状态", max_length=10, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    message = models.TextField("处理说明", blank=True)
    row_count = models.PositiveBigIntegerField("行数", null=True, blank=True)
    schema = models.JSONField("字段", default=list, blank=True)
    bad_rows = models.JSONField("问题行", default=list, blank=True)
    bad_row_count = models.PositiveBigIntegerField("问题行数", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="上传人",
    )  # fmt: skip
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "资源版本"
        verbose_name_plural = "资源版本"
        ordering = ["resource", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="one_resource_version")
        ]

    def __str__(self) -> str:
        return f"{self.resource} v{self.number}"


def version_dir(version: ResourceVersion) -> Path:
    """The folder of one uploaded version: its source file, data.parquet and index/."""
    return opendata_dir() / str(version.resource_id) / str(version.pk)


class InventoryItem(models.Model):
    """One entry of an organisation's 数据资源清单 (data resource inventory, seed 001 §10) and
    its place in the 开放计划 (opening plan): the 开放属性 and the planned opening date.

    The public sees the entries planned to open (无条件开放/有条件开放) and their progress; an
    entry is 已开放 once it is linked to a published public dataset. 不予开放 entries stay in
    the inventory for staff only, never on a public page."""

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="data_inventory",
        verbose_name="数据提供方",
    )  # fmt: skip
    title = models.CharField("数据资源名称", max_length=200)
    description = models.TextField("资源摘要", blank=True)
    domain = models.CharField("数据领域", max_length=40, blank=True)
    open_level = models.CharField(
        "开放属性", max_length=16, choices=Dataset.OpenLevel.choices,
        default=Dataset.OpenLevel.UNCONDITIONAL,
    )  # fmt: skip
    planned_open_on = models.DateField("计划开放日期", null=True, blank=True)
    dataset = models.ForeignKey(
        Dataset, null=True, blank=True, on_delete=models.SET_NULL, related_name="inventory_items",
        verbose_name="对应数据集", help_text="开放后关联已发布的数据集",
    )  # fmt: skip
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "数据资源清单条目"
        verbose_name_plural = "数据资源清单与开放计划"
        ordering = ["org", "planned_open_on", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_opened(self) -> bool:
        return self.dataset is not None and self.dataset.is_public


class AccessRequest(models.Model):
    """A 有条件开放 data-use application (数据使用申请): the applicant states a purpose, the
    提供方 approves with an expiry or refuses with a reason. Approval makes the applicant a
    (non-staff) user whose personal API token (`accounts.services.issue_token`), collected
    with the tracking number and 查询码, unlocks the rows of this one dataset until expiry."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "未予批准"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tracking_no = models.CharField("申请编号", max_length=24, unique=True, editable=False)
    query_digest = models.CharField(max_length=64, editable=False)
    dataset = models.ForeignKey(
        Dataset, on_delete=models.PROTECT, related_name="access_requests", verbose_name="数据集"
    )
    applicant_name = models.CharField("申请人", max_length=50)
    applicant_org = models.CharField("申请单位", max_length=100, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    phone = models.CharField("联系电话", max_length=30)
    purpose = models.TextField("使用用途")
    days = models.PositiveSmallIntegerField("申请使用期限（天）", default=180)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PENDING, editable=False
    )
    reason = models.TextField("审核意见", blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        editable=False, verbose_name="审核人",
    )  # fmt: skip
    decided_at = models.DateTimeField("审核时间", null=True, blank=True, editable=False)
    expires_at = models.DateTimeField("授权到期", null=True, blank=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        editable=False, verbose_name="授权用户",
    )  # fmt: skip
    token = models.ForeignKey(
        "accounts.ApiToken", null=True, on_delete=models.SET_NULL, related_name="+",
        editable=False, verbose_name="接口密钥",
    )  # fmt: skip
    created_at = models.DateTimeField("申请时间", auto_now_add=True)

    class Meta:
        verbose_name = "有条件开放申请"
        verbose_name_plural = "有条件开放申请"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.tracking_no} {self.applicant_name}"

    def is_active(self, now: dt.datetime | None = None) -> bool:
        return (
            self.status == self.Status.APPROVED
            and self.expires_at is not None
            and self.expires_at > (now or timezone.now())
        )


class ApiRequest(models.Model):
    """The platform's own log of data API requests (CKAN datastore actions, the native data
    API, exports): 接口可用率 (seed 002 §三.(五)) is the share answered without a server error,
    and every use of a 有条件开放 key is kept here with its application."""

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    endpoint = models.CharField("接口", max_length=40)
    resource_id = models.UUIDField("数据资源", null=True, blank=True)
    status = models.PositiveSmallIntegerField("状态码")
    duration_ms = models.PositiveIntegerField("耗时（毫秒）", default=0)
    access = models.ForeignKey(
        AccessRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="uses",
        verbose_name="授权申请",
    )  # fmt: skip

    class Meta:
        verbose_name = "接口请求记录"
        verbose_name_plural = "接口请求记录"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.endpoint} {self.status}"
