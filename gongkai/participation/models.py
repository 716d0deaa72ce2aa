"""Public participation and response (公众参与与回应): consultation on drafts (征求意见), the leader
mailbox (领导信箱), major administrative decisions (重大行政决策) and the marks the policy
interpretation rule (政策解读时限) needs. Spec §1 and §5; only `services` change these rows.

- `Consultation` / `Comment` / `FeedbackGroup`: a draft put to the public between two dates, the
  comments received (shown only after moderation, never with personal data) and the 意见采纳情况
  反馈 — for each group of comments 采纳 / 部分采纳 / 未采纳 with the reason.
- `Mailbox` / `Letter` / `LetterEvent` / `ReplyTemplate`: letters to a named mailbox, their
  workflow 受理 → 转办 → 办理 → 答复 → 审核 → 公开 with a time limit in working days, the writer's
  rating on the 好差评 scale and one reopening. Contact data never leaves staff pages.
- `MajorDecision` / `DecisionStep`: the annual 决策事项目录 and the five statutory steps of
  《重大行政决策程序暂行条例》 (Order 713).
- `ImportantPolicy`: a published document marked 重要政策, which needs an interpretation in time.
"""

from django.conf import settings
from django.db import models

# ---------------------------------------------------------------------------------------------
# 征求意见 — consultation on drafts


class Consultation(models.Model):
    class Kind(models.TextChoices):
        MAJOR_DECISION = "major_decision", "重大行政决策"
        RULE = "rule", "政府规章"
        NORMATIVE = "normative", "行政规范性文件"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        DRAFT = "draft", "未发布"
        PUBLISHED = "published", "已发布"
        WITHDRAWN = "withdrawn", "已撤回"

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="consultations",
        verbose_name="征集机构",
    )  # fmt: skip
    department = models.CharField("起草部门", max_length=100, blank=True)
    kind = models.CharField("草案类型", max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField("标题", max_length=300)
    draft_html = models.TextField("草案全文")
    explanation_html = models.TextField("起草说明", blank=True)
    basis = models.TextField("制定依据", blank=True)
    opens_on = models.DateField("开始日期")
    closes_on = models.DateField("截止日期")
    shortened_reason = models.TextField("征求意见期限缩短的理由", blank=True)
    show_comments = models.BooleanField("公开展示经审核的意见", default=False)
    contact = models.CharField(
        "意见反馈渠道", max_length=200, blank=True, help_text="机关的通信地址、邮箱（公开）"
    )
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    feedback_summary = models.TextField("意见采纳情况说明", blank=True)
    feedback_published_on = models.DateField("反馈发布日期", null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "征求意见"
        verbose_name_plural = "征求意见"
        ordering = ["-opens_on", "-id"]

    def __str__(self) -> str:
        return self.title


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        REVIEWED = "reviewed", "已审核"
        HIDDEN = "hidden", "已屏蔽"

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="comments", verbose_name="征求意见"
    )
    # personal data: staff only, never on a public page or in the public API
    name = models.CharField("姓名", max_length=50, blank=True)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    article = models.CharField("针对条款", max_length=100, blank=True)
    body = models.TextField("意见内容")
    digest = models.CharField(max_length=64, editable=False)  # duplicate detection
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="审核人",
    )  # fmt: skip
    moderated_at = models.DateTimeField("审核时间", null=True, blank=True)
    group = models.ForeignKey(
        "FeedbackGroup", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="comments", verbose_name="归类",
    )  # fmt: skip
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = "意见"
        verbose_name_plural = "意见"
        ordering = ["consultation", "id"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "digest"], name="one_comment_per_text")
        ]

    def __str__(self) -> str:
        return self.body[:30]


class FeedbackGroup(models.Model):
    class Decision(models.TextChoices):
        ADOPTED = "adopted", "采纳"
        PARTLY = "partly", "部分采纳"
        NOT_ADOPTED = "not_adopted", "未采纳"

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="groups", verbose_name="征求意见"
    )
    summary = models.TextField("意见概要")
    decision = models.CharField("采纳情况", max_length=16, choices=Decision.choices)
    reason = models.TextField("理由", blank=True)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "意见归类与采纳情况"
        verbose_name_plural = "意见归类与采纳情况"
        ordering = ["consultation", "order", "id"]

    def __str__(self) -> str:
        return self.summary[:30]


# ---------------------------------------------------------------------------------------------
# 领导信箱 — the leader mailbox


class Mailbox(models.Model):
    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="mailboxes",
        verbose_name="机构",
    )  # fmt: skip
    code = models.SlugField("标识", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60, help_text="如 市长信箱、局长信箱")
    intro = models.TextField("说明", blank=True)
    reply_days = models.PositiveSmallIntegerField("答复时限（工作日）", default=15)
    is_active = models.BooleanField("接受来信", default=True)
    order = models.PositiveIntegerField("排序", default=100)

    class Meta:
        verbose_name = "信箱"
        verbose_name_plural = "信箱"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Letter(models.Model):
    class Kind(models.TextChoices):
        CONSULT = "consult", "咨询"
        SUGGEST = "suggest", "建议"
        COMPLAIN = "complain", "投诉"
        HELP = "help", "求助"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待受理"
        ACCEPTED = "accepted", "已受理"
        ASSIGNED = "assigned", "已转办"
        HANDLING = "handling", "办理中"
        REPLIED = "replied", "答复待审核"
        ANSWERED = "answered", "已答复"
        REJECTED = "rejected", "不予受理"
        CONVERTED = "converted", "已转为政府信息公开申请"

    class Rating(models.IntegerChoices):
        """The national 好差评 scale."""

        VERY_SATISFIED = 5, "非常满意"
        SATISFIED = 4, "满意"
        FAIRLY_SATISFIED = 3, "基本满意"
        UNSATISFIED = 2, "不满意"
        VERY_UNSATISFIED = 1, "非常不满意"

    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.PROTECT, related_name="letters", verbose_name="信箱"
    )
    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+",
        verbose_name="信箱所属机构",
    )  # fmt: skip
    department = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name="承办单位",
    )  # fmt: skip
    tracking_no = models.CharField("信件编号", max_length=32, unique=True, editable=False)
    query_digest = models.CharField(max_length=64, editable=False)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    subject = models.CharField("标题", max_length=200)
    content = models.TextField("来信内容")
    # personal data: staff only
    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    email = models.CharField("电子邮箱", max_length=100, blank=True)
    consent_publish = models.BooleanField("同意公开（个人信息隐去）", default=False)

    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.SUBMITTED, db_index=True,
        editable=False,
    )  # fmt: skip
    submitted_on = models.DateField("来信日期", editable=False)
    accepted_on = models.DateField("受理日期", null=True, blank=True, editable=False)
    due_on = models.DateField("答复期限", null=True, blank=True, editable=False)
    due_error = models.CharField("期限计算问题", max_length=300, blank=True, editable=False)
    reply = models.TextField("答复内容", blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True, editable=False)
    rating = models.PositiveSmallIntegerField(
        "评价", choices=Rating.choices, null=True, blank=True, editable=False
    )
    rating_reason = models.TextField("评价理由", blank=True, editable=False)
    reopened = models.BooleanField("已重新办理", default=False, editable=False)
    is_published = models.BooleanField("已公开选登", default=False, editable=False)
    public_subject = models.CharField("公开标题", max_length=200, blank=True, editable=False)
    public_question = models.TextField("公开的来信内容", blank=True, editable=False)
    public_reply = models.TextField("公开的答复内容", blank=True, editable=False)
    published_on = models.DateField("公开日期", null=True, blank=True, editable=False)
    application = models.ForeignKey(
        "applications.Application", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="转为的依申请公开申请", editable=False,
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "来信"
        verbose_name_plural = "来信"
        ordering = ["-submitted_on", "-id"]
        indexes = [models.Index(fields=["is_published", "-published_on"])]
        constraints = [
            # a letter is published only with its writer's consent
            models.CheckConstraint(
                condition=models.Q(is_published=False) | models.Q(consent_publish=True),
                name="published_only_with_consent",
            )
        ]

    def __str__(self) -> str:
        return self.tracking_no

    OPEN_STATES = ("submitted", "accepted", "assigned", "handling", "replied")

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATES


class LetterEvent(models.Model):
    """One step of a letter, append-only: its history (kept when it becomes an application)."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("事项", max_length=30)
    on = models.DateField("日期")
    note = models.TextField("说明", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="经办人",
    )  # fmt: skip
    by_label = models.CharField("经办", max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "来信办理记录"
        verbose_name_plural = "来信办理记录"
        ordering = ["letter", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.on}"


class ReplyTemplate(models.Model):
    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+",
        verbose_name="机构",
    )  # fmt: skip
    title = models.CharField("名称", max_length=100)
    body = models.TextField("答复模板", help_text="可用 {姓名称呼} {标题} 占位")

    class Meta:
        verbose_name = "答复模板"
        verbose_name_plural = "答复模板"
        ordering = ["org", "title"]

    def __str__(self) -> str:
        return self.title


# ---------------------------------------------------------------------------------------------
# 重大行政决策 — major decisions


class MajorDecision(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "列入目录"
        DECIDED = "decided", "已作出决策"
        PUBLISHED = "published", "决策结果已公开"

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="major_decisions",
        verbose_name="决策机关",
    )  # fmt: skip
    year = models.PositiveSmallIntegerField("目录年度")
    title = models.CharField("决策事项", max_length=300)
    description = models.TextField("事项说明", blank=True)
    sponsor = models.CharField("承办单位", max_length=100, blank=True)
    listed = models.BooleanField("在决策事项目录中公开", default=True)
    consultation = models.ForeignKey(
        Consultation, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="decisions", verbose_name="公众参与（征求意见）",
    )  # fmt: skip
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.PLANNED, editable=False
    )
    decided_on = models.DateField("决策日期", null=True, blank=True, editable=False)
    result = models.TextField("决策结果", blank=True, editable=False)
    result_documents = models.ManyToManyField(
        "documents.Document", blank=True, related_name="+", verbose_name="决策结果文件"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "重大行政决策事项"
        verbose_name_plural = "重大行政决策事项目录"
        ordering = ["-year", "org", "id"]

    def __str__(self) -> str:
        return self.title


class DecisionStep(models.Model):
    class Kind(models.TextChoices):
        PUBLIC_PARTICIPATION = "public_participation", "公众参与"
        EXPERT_REVIEW = "expert_review", "专家论证"
        RISK_ASSESSMENT = "risk_assessment", "风险评估"
        LEGALITY_REVIEW = "legality_review", "合法性审查"
        COLLECTIVE_DECISION = "collective_decision", "集体讨论决定"

    decision = models.ForeignKey(
        MajorDecision, on_delete=models.CASCADE, related_name="steps", verbose_name="决策事项"
    )
    kind = models.CharField("程序", max_length=24, choices=Kind.choices)
    on = models.DateField("日期")
    performed_by = models.CharField("承办人/机构", max_length=200)
    document = models.CharField("相关文书", max_length=300, blank=True)
    note = models.TextField("说明", blank=True)
    experts = models.TextField("论证专家", blank=True)
    opinions = models.TextField("专家意见", blank=True)
    publish_opinions = models.BooleanField("公开专家意见", default=False)
    passed = models.BooleanField("审查通过（合法性审查意见书）", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="登记人",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "决策程序"
        verbose_name_plural = "决策程序"
        ordering = ["decision", "on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"


# ---------------------------------------------------------------------------------------------
# 政策解读 — policies marked 重要政策


class ImportantPolicy(models.Model):
    document = models.OneToOneField(
        "documents.Document", on_delete=models.CASCADE, related_name="+", verbose_name="政策文件"
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="标记人",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "重要政策"
        verbose_name_plural = "重要政策"

    def __str__(self) -> str:
        return str(self.document_id)
