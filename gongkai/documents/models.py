"""Government information (政府信息) with its metadata, versions, attachments, 索引号 counters,
reference categories and the 主动公开基本目录.

Metadata follows 《政府信息公开目录系统实施指引（试行）》 (spec §2). Lifecycle:
草稿 → 待审核 → 已发布 → 已撤回 (先审查、后公开, 一事一审). Only the services change state.

行政规范性文件 (gazette-catalog spec §2, 国办发〔2018〕37号 统一登记、统一编号): a 登记号 from a
per-organisation yearly counter (`RegSerial`, never reused), a term (`effective_on`…`expires_on`,
暂行/试行 shorter), 清理 (`CleanupExercise` with its three lists) and the expiry reminders
(`NormativeReminder`, one row per reminder sent).
"""

from django.conf import settings
from django.db import models

from gongkai.review.models import LegalGround


class TopicCategory(models.Model):
    """主题分类 — the State Council subject categories, e.g. 综合政务\\政务公开."""

    code = models.CharField("代码", max_length=10, unique=True)
    name = models.CharField("名称", max_length=50)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name="上级分类",
    )  # fmt: skip
    full_name = models.CharField("完整名称", max_length=120, editable=False)

    class Meta:
        verbose_name = "主题分类"
        verbose_name_plural = "主题分类"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.full_name or self.name


class InfoCategory(models.Model):
    """体裁分类 / 信息类别 — 通知、公告、规范性文件、政策解读 …"""

    RULE = "rule"  # 政府规章 (reference data, data/categories.txt); 令号 as its 文号

    code = models.SlugField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=30, unique=True)
    order = models.PositiveIntegerField("排序", default=100)
    is_normative = models.BooleanField("属于规范性文件", default=False)
    is_interpretation = models.BooleanField("属于政策解读", default=False)

    class Meta:
        verbose_name = "信息类别"
        verbose_name_plural = "信息类别"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class DisclosureScope(models.TextChoices):
    PUBLIC = "public", "全社会"
    GROUP = "group", "特定群体"


class DirectoryItem(models.Model):
    """主动公开基本目录 item: what an agency discloses, on what basis, by whom, how fast."""

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="directory_items",
        verbose_name="机构",
    )  # fmt: skip
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children",
        verbose_name="上级事项",
    )  # fmt: skip
    name = models.CharField("公开内容", max_length=200)
    basis = models.TextField("公开依据", blank=True)
    responsible = models.CharField("责任主体", max_length=200, blank=True)
    time_limit = models.CharField(
        "公开时限", max_length=200, default="信息形成或变更之日起20个工作日内"
    )
    method = models.CharField("公开方式", max_length=200, default="政府网站")
    scope = models.CharField(
        "公开范围", max_length=16, choices=DisclosureScope.choices, default=DisclosureScope.PUBLIC
    )
    order = models.PositiveIntegerField("排序", default=100)

    class Meta:
        verbose_name = "主动公开基本目录事项"
        verbose_name_plural = "主动公开基本目录"
        ordering = ["org", "order", "id"]

    def __str__(self) -> str:
        return self.name


# 现行有效目录 (selectors.public_normative_current): status and validity, then its order, then
# what the filter checks, so that the index alone answers the filter, the order and the count
CURRENT_INDEX_FIELDS = ["status", "validity", "-effective_on", "-id", "disclosure_attribute",
                        "expires_on", "category"]  # fmt: skip


class Document(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PENDING = "pending", "待审核"
        PUBLISHED = "published", "已发布"
        WITHDRAWN = "withdrawn", "已撤回"

    class Attribute(models.TextChoices):
        ACTIVE = "active", "主动公开"
        ON_REQUEST = "on_request", "依申请公开"
        REDACTED = "redacted", "删减后公开"
        WITHHELD = "withheld", "不予公开"

    class Validity(models.TextChoices):
        VALID = "valid", "有效"
        EXPIRED = "expired", "失效"
        REPEALED = "repealed", "废止"
        AMENDED = "amended", "已修改"

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="documents",
        verbose_name="发布机构",
    )  # fmt: skip
    department = models.CharField("责任部门", max_length=100, blank=True)
    title = models.CharField("标题", max_length=300)
    body_html = models.TextField("正文", blank=True)
    public_body_html = models.TextField(
        "删减后公开的正文", blank=True, help_text="公开属性为“删减后公开”时向公众展示的版本"
    )
    doc_number = models.CharField("文号", max_length=60, blank=True, db_index=True)
    written_on = models.DateField("成文日期", null=True, blank=True)
    published_on = models.DateField("发布日期", null=True, blank=True, db_index=True)
    topic = models.ForeignKey(
        TopicCategory, null=True, blank=True, on_delete=models.PROTECT, verbose_name="主题分类"
    )
    category = models.ForeignKey(InfoCategory, on_delete=models.PROTECT, verbose_name="信息类别")
    keywords = models.CharField("关键词", max_length=200, blank=True)
    summary = models.TextField("内容概述", blank=True)
    disclosure_attribute = models.CharField(
        "公开属性", max_length=16, choices=Attribute.choices, default=Attribute.ACTIVE
    )
    disclosure_reason = models.TextField("不予主动公开的理由", blank=True)
    disclosure_ground = models.CharField(
        "法律依据", max_length=20, choices=LegalGround.choices, blank=True,
        help_text="依申请公开、不予公开须注明（条例第十四至十六条）",
    )  # fmt: skip
    negative_list_entry = models.ForeignKey(
        "review.NegativeListEntry", null=True, blank=True, on_delete=models.PROTECT,
        related_name="documents", verbose_name="负面清单事项",
        help_text="属于本机构或上级机构负面清单事项的，须引用该事项",
    )  # fmt: skip
    disclosure_method = models.CharField("公开方式", max_length=100, default="政府网站")
    disclosure_scope = models.CharField(
        "公开范围", max_length=16, choices=DisclosureScope.choices, default=DisclosureScope.PUBLIC
    )
    validity = models.CharField("效力状态", max_length=16, choices=Validity.choices, blank=True)
    effective_on = models.DateField("生效日期", null=True, blank=True)
    expires_on = models.DateField("失效日期", null=True, blank=True, db_index=True)
    # spec §2: 登记号 printed with a normative document; a renewal takes a new one
    reg_no = models.CharField(
        "登记号", max_length=60, unique=True, null=True, blank=True, editable=False
    )
    is_trial = models.BooleanField(
        "暂行/试行", default=False, help_text="暂行、试行的规范性文件有效期较短（默认不超过2年）"
    )
    amend_by = models.DateField(
        "须修改后重新发布的期限", null=True, blank=True, editable=False,
        help_text="清理结果为“需修改后重新发布”的，逾期未重新发布即失效",
    )  # fmt: skip
    directory_item = models.ForeignKey(
        DirectoryItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="documents",
        verbose_name="主动公开基本目录",
    )  # fmt: skip

    class InterpretationForm(models.TextChoices):
        TEXT = "text", "文字解读"
        GRAPHIC = "graphic", "图解"
        QA = "qa", "问答"
        VIDEO = "video", "视频链接"

    interpretation_form = models.CharField(
        "解读形式", max_length=16, choices=InterpretationForm.choices, blank=True
    )
    interprets = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interpretations",
        verbose_name="所解读的政策文件",
        help_text="政策解读与其政策文件双向关联（谁起草、谁解读）",
    )
    index_no = models.CharField(
        "索引号", max_length=64, unique=True, null=True, blank=True, editable=False
    )
    status = models.CharField(
        "状态",
        max_length=16,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        editable=False,
    )
    version = models.PositiveIntegerField("版本", default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        editable=False, verbose_name="起草人",
    )  # fmt: skip
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    first_published_at = models.DateTimeField("首次发布时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "政府信息"
        verbose_name_plural = "政府信息"
        ordering = ["-published_on", "-id"]
        indexes = [
            models.Index(
                fields=["status", "disclosure_attribute", "-published_on"], name="doc_public_list"
            ),
            # one organisation's documents by state; covering for the self-inspection's grouped
            # aggregate (count and newest date per org + category of the public ones,
            # monitoring.selectors.document_figures): 2.3 → 0.3 s at 1M documents
            models.Index(
                fields=["org", "status", "category", "disclosure_attribute", "published_on"],
                name="doc_org_status_category",
            ),
            # 50,000 normative documents: 现行有效目录 p95 760 → <150 ms (bench/gazette.py)
            models.Index(fields=CURRENT_INDEX_FIELDS, name="doc_normative_current"),
            models.Index(fields=["org", "category", "published_on"], name="doc_org_category_date"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        """Shown to the public: published, and 主动公开 or 删减后公开 (its public version)."""
        return (
            self.status == self.Status.PUBLISHED and self.disclosure_attribute in PUBLIC_ATTRIBUTES
        )

    def public_body(self) -> str:
        if self.disclosure_attribute == self.Attribute.REDACTED:
            return self.public_body_html
        return self.body_html


PUBLIC_ATTRIBUTES = (Document.Attribute.ACTIVE, Document.Attribute.REDACTED)


class DocumentVersion(models.Model):
    """Every saved state of a document, for staff and auditors."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    status = models.CharField("状态", max_length=16, choices=Document.Status.choices)
    data = models.JSONField("内容快照")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="操作人",
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "历史版本"
        verbose_name_plural = "历史版本"
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="one_number_per_version")
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class Attachment(models.Model):
    NAME_MAX = 200

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", upload_to="attachments/%Y/%m/")
    name = models.CharField("文件名", max_length=NAME_MAX)
    size = models.PositiveBigIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=120)
    sha256 = models.CharField(max_length=64)
    is_public = models.BooleanField(
        "对外公开", default=True, help_text="删减后公开时可只公开部分附件"
    )
    order = models.PositiveIntegerField("排序", default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def extension(self) -> str:
        """The file type shown to readers, e.g. PDF."""
        return self.name.rsplit(".", 1)[-1].upper() if "." in self.name else ""


class IndexSerial(models.Model):
    """The last 索引号 serial used by an organisation in a period. Serials are never reused."""

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(max_length=6)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "索引号计数"
        verbose_name_plural = "索引号计数"
        constraints = [
            models.UniqueConstraint(fields=["org", "period"], name="one_counter_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.org_id}/{self.period}: {self.last}"


class RegSerial(models.Model):
    """The last 登记号 serial of an organisation in a year (spec §2). Serials are never reused."""

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "登记号计数"
        verbose_name_plural = "登记号计数"
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="one_reg_counter_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.org_id}/{self.year}: {self.last}"


class CleanupExercise(models.Model):
    """清理 of normative documents (spec §2): one published notice with three lists; the listed
    documents change status as of the notice (`services.publish_cleanup`, one transaction)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已公布"

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="cleanups",
        verbose_name="组织清理的机构",
    )  # fmt: skip
    title = models.CharField("清理名称", max_length=200)
    basis = models.TextField("清理依据", blank=True, help_text="如新制定的上位法、改革要求")
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    notice = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="清理结果公告", help_text="公布清理结果的政府信息（须已提交审核或已发布）",
    )  # fmt: skip
    staff_note = models.TextField("内部备注", blank=True, help_text="仅工作人员可见")
    published_on = models.DateField("公布日期", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        editable=False,
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "规范性文件清理"
        verbose_name_plural = "规范性文件清理"
        ordering = ["-published_on", "-id"]

    def __str__(self) -> str:
        return self.title


class CleanupItem(models.Model):
    class Result(models.TextChoices):
        CONTINUE = "continue", "继续有效"
        EXPIRE = "expire", "宣布失效"
        REPEAL = "repeal", "废止"
        AMEND = "amend", "需修改后重新发布"

    exercise = models.ForeignKey(CleanupExercise, on_delete=models.CASCADE, related_name="items")
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="cleanup_items", verbose_name="规范性文件"
    )
    result = models.CharField("清理结果", max_length=16, choices=Result.choices)
    lapses_on = models.DateField(
        "失效或废止日期",
        null=True,
        blank=True,
        help_text="宣布失效、废止的生效日期；默认为公布日期",
    )
    amend_by = models.DateField("修改期限", null=True, blank=True, help_text="需修改的须填写")
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "清理事项"
        verbose_name_plural = "清理事项"
        ordering = ["exercise", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "document"], name="one_result_per_cleanup")
        ]

    def __str__(self) -> str:
        return f"{self.document_id}: {self.get_result_display()}"


class NormativeReminder(models.Model):
    """One reminder mailed to the editors before a normative document expires (spec §2: review
    within the 6 months before expiry; monthly until renewed or decided). Never public."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="reminders")
    expires_on = models.DateField("到期日期")
    sent_on = models.DateField("提醒日期", db_index=True)
    recipients = models.TextField("收件人", blank=True)
    emailed = models.PositiveIntegerField("已发送邮件数", default=0)

    class Meta:
        verbose_name = "规范性文件到期提醒"
        verbose_name_plural = "规范性文件到期提醒"
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "sent_on"], name="one_reminder_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} {self.sent_on}"
