"""Execution disclosure and response to public concern (执行公开与回应关切), spec response.md.
Only `services` change these rows; public reads go through `selectors`.

- `Plan` → `TaskCategory` → `Task` → `TaskReport` (§1): a year's key-work plan broken into
  numbered tasks with one lead (or none: "未明确牵头部门") and co-departments. 逾期 is derived
  from due_on and completed_on, never stored.
- `Inspection` → `Finding`, `Accountability` (§2): a 督查 is public only once concluded; its
  working notes never are (条例 Art. 16, 过程性信息).
- `Proposal` with `Proposer`s (§3): NPC 建议 / CPPCC 提案; the proposers' contact data stay
  staff-only; the reply is published as a `documents.Document` (信息类别 建议提案办理复文).
- `OpinionEvent` → `Response` (§4): 政务舆情 with its 5 h / 24 h / 48 h clocks; the event is
  public only with a response, its internal notes never.
"""

import datetime as dt

from django.db import models


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "未发布"
        PUBLISHED = "published", "已发布"

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+",
        verbose_name="制定机构",
    )  # fmt: skip
    year = models.PositiveIntegerField("年度")
    title = models.CharField("标题", max_length=300)
    source_document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="来源文件",
    )  # fmt: skip
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False
    )

    class Meta:
        verbose_name = "重点工作计划"
        verbose_name_plural = "重点工作计划"
        ordering = ["-year", "id"]

    def __str__(self) -> str:
        return self.title


class TaskCategory(models.Model):
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="categories", verbose_name="计划"
    )
    name = models.CharField("大类", max_length=200)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "任务大类"
        verbose_name_plural = "任务大类"
        ordering = ["plan", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="one_category_name")]

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "未启动"
        IN_PROGRESS = "in_progress", "推进中"
        DONE = "done", "已完成"
        ADJUSTED = "adjusted", "已调整"

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="tasks", verbose_name="计划"
    )
    category = models.ForeignKey(
        TaskCategory, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks",
        verbose_name="大类",
    )  # fmt: skip
    number = models.PositiveIntegerField("序号")
    title = models.CharField("任务", max_length=500)
    measures = models.TextField("具体措施", blank=True)
    lead_org = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name="牵头部门",
    )  # fmt: skip
    co_orgs = models.ManyToManyField(
        "organizations.Organization", blank=True, related_name="+", verbose_name="配合部门"
    )
    due_on = models.DateField("完成时限", null=True, blank=True, db_index=True)
    completed_on = models.DateField("完成日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.NOT_STARTED
    )
    adjustment_reason = models.TextField("调整说明", blank=True)

    class Meta:
        verbose_name = "重点工作任务"
        verbose_name_plural = "重点工作任务"
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="one_task_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class TaskReport(models.Model):
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="reports", verbose_name="任务"
    )
    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+",
        verbose_name="报送单位",
    )  # fmt: skip
    on = models.DateField("报送日期")
    text = models.TextField("工作进展")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "工作进展"
        verbose_name_plural = "工作进展"
        ordering = ["task", "on", "id"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.on}"


class Inspection(models.Model):
    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+",
        verbose_name="督查机关",
    )  # fmt: skip
    title = models.CharField("标题", max_length=300)
    concluded_on = models.DateField("督查结论日期", null=True, blank=True, editable=False)
    # 过程性信息 (条例 Art. 16): staff only
    working_notes = models.TextField("工作底稿（内部）", blank=True)

    class Meta:
        verbose_name = "督查"
        verbose_name_plural = "督查"
        ordering = ["-concluded_on", "-id"]

    def __str__(self) -> str:
        return self.title


class Finding(models.Model):
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="findings", verbose_name="督查"
    )
    matter = models.CharField("事项名称", max_length=300)
    responsible = models.CharField("责任主体", max_length=200)
    facts = models.TextField("主要事实")
    requirement = models.TextField("整改要求")
    rectify_due_on = models.DateField("整改期限", null=True, blank=True)
    rectification = models.TextField("整改情况", blank=True)
    rectified_on = models.DateField("整改完成日期", null=True, blank=True)

    class Meta:
        verbose_name = "督查发现问题"
        verbose_name_plural = "督查发现问题"
        ordering = ["inspection", "id"]

    def __str__(self) -> str:
        return self.matter


class Accountability(models.Model):
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="accountability", verbose_name="督查"
    )
    subject = models.CharField("问责主体", max_length=200)
    basis = models.TextField("依据")
    action = models.TextField("处理方式")

    class Meta:
        verbose_name = "问责情况"
        verbose_name_plural = "问责情况"
        ordering = ["inspection", "id"]

    def __str__(self) -> str:
        return self.subject


class Proposal(models.Model):
    class Kind(models.TextChoices):
        SUGGESTION = "suggestion", "建议"
        PROPOSAL = "proposal", "提案"

    class Disclosure(models.TextChoices):
        FULL = "full", "全文公开"
        SUMMARY = "summary", "摘要公开"
        NONE = "none", "不公开"

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        BASIC = "basic", "基本满意"
        UNSATISFIED = "unsatisfied", "不满意"

    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    meeting = models.CharField("届次会议", max_length=100, help_text="如：市十五届人大四次会议")
    number = models.CharField("编号", max_length=20)
    title = models.CharField("标题", max_length=300)
    lead_unit = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+",
        verbose_name="主办单位",
    )  # fmt: skip
    co_units = models.ManyToManyField(
        "organizations.Organization", blank=True, related_name="+", verbose_name="协办单位"
    )
    assigned_on = models.DateField("交办日期")
    due_on = models.DateField("办理期限", editable=False)
    extended_to = models.DateField("延期至", null=True, blank=True, editable=False)
    extension_reason = models.TextField("延期理由", blank=True, editable=False)
    replied_on = models.DateField("答复日期", null=True, blank=True, editable=False)
    grade = models.CharField("办理结果类别", max_length=2, blank=True, editable=False)
    disclosure = models.CharField(
        "公开方式", max_length=16, choices=Disclosure.choices, blank=True, editable=False
    )
    disclosure_reason = models.TextField("不公开理由", blank=True, editable=False)
    # the reply as sent; public only through its published Document
    reply_text = models.TextField("答复内容", blank=True, editable=False)
    reply_document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="复文（政府信息）", editable=False,
    )  # fmt: skip
    satisfaction = models.CharField(
        "代表委员意见", max_length=16, choices=Satisfaction.choices, blank=True
    )

    class Meta:
        verbose_name = "建议提案"
        verbose_name_plural = "建议提案"
        ordering = ["-assigned_on", "meeting", "kind", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "kind", "number"], name="one_item_number")
        ]

    def __str__(self) -> str:
        return f"{self.meeting}第{self.number}号{self.get_kind_display()}"

    @property
    def deadline(self) -> dt.date:
        """The date the item is overdue after: the extended date if extended."""
        return self.extended_to or self.due_on


class Proposer(models.Model):
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="proposers", verbose_name="建议提案"
    )
    name = models.CharField("代表/委员姓名", max_length=50)
    # contact data (46号, 皖政办〔2015〕2号): never published
    mobile = models.CharField("手机号码（不公开）", max_length=20, blank=True)
    address = models.CharField("通信地址（不公开）", max_length=200, blank=True)

    class Meta:
        verbose_name = "领衔/联名代表委员"
        verbose_name_plural = "领衔/联名代表委员"
        ordering = ["proposal", "id"]

    def __str__(self) -> str:
        return self.name


class OpinionEvent(models.Model):
    class Level(models.TextChoices):
        ESPECIALLY_MAJOR = "especially_major", "特别重大"
        MAJOR = "major", "重大"
        LARGE = "large", "较大"
        GENERAL = "general", "一般"

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+",
        verbose_name="责任单位",
    )  # fmt: skip
    title = models.CharField("舆情事项", max_length=300)
    level = models.CharField("级别", max_length=20, choices=Level.choices)
    category = models.CharField("舆情类型", max_length=100, blank=True)
    detected_at = models.DateTimeField("发现时间")
    internal_notes = models.TextField("研判记录（内部）", blank=True)

    class Meta:
        verbose_name = "政务舆情"
        verbose_name_plural = "政务舆情"
        ordering = ["-detected_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_major(self) -> bool:
        return self.level in (self.Level.ESPECIALLY_MAJOR, self.Level.MAJOR)


class Response(models.Model):
    class Form(models.TextChoices):
        RELEASE = "release", "权威发布"
        PRESS = "press", "新闻发布会"
        BRIEFING = "briefing", "吹风会"
        INTERVIEW = "interview", "媒体采访"
        INTERPRETATION = "interpretation", "解读"

    event = models.ForeignKey(
        OpinionEvent, on_delete=models.CASCADE, related_name="responses", verbose_name="舆情"
    )
    form = models.CharField("回应形式", max_length=20, choices=Form.choices)
    at = models.DateTimeField("回应时间")
    text = models.TextField("回应内容")
    related_documents = models.ManyToManyField(
        "documents.Document", blank=True, related_name="+", verbose_name="相关政策与解读"
    )

    class Meta:
        verbose_name = "舆情回应"
        verbose_name_plural = "舆情回应"
        ordering = ["event", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_form_display()} {self.at:%Y-%m-%d %H:%M}"


class PressConference(models.Model):
    """新闻发布会 (spec §5, 100号): published afterwards with 文字实录, video, photos, documents."""

    class Status(models.TextChoices):
        DRAFT = "draft", "未发布"
        PUBLISHED = "published", "已发布"

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+",
        verbose_name="发布机构",
    )  # fmt: skip
    title = models.CharField("标题", max_length=300)
    held_at = models.DateTimeField("举行时间", db_index=True)
    announced_at = models.DateTimeField("预告时间", null=True, blank=True)
    speakers = models.TextField("发布人（每行一位）", blank=True)
    transcript = models.TextField("文字实录", blank=True)
    video_url = models.URLField("视频地址", blank=True)
    photos = models.TextField("图片地址（每行一个）", blank=True)
    documents = models.ManyToManyField(
        "documents.Document", blank=True, related_name="+", verbose_name="发布的文件"
    )
    event = models.ForeignKey(
        OpinionEvent, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="press_conferences", verbose_name="回应的舆情",
    )  # fmt: skip
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False
    )

    class Meta:
        verbose_name = "新闻发布会"
        verbose_name_plural = "新闻发布会"
        ordering = ["-held_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Interview(models.Model):
    """在线访谈 (spec §6): announced ahead, questions moderated, follow-ups within N working days."""

    class Status(models.TextChoices):
        DRAFT = "draft", "未发布"
        PUBLISHED = "published", "已发布"

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+",
        verbose_name="主办单位",
    )  # fmt: skip
    title = models.CharField("主题", max_length=300)
    announced_at = models.DateTimeField("预告时间")
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    guests = models.TextField("嘉宾（每行一位）", blank=True)
    transcript = models.TextField("文字实录", blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False
    )

    class Meta:
        verbose_name = "在线访谈"
        verbose_name_plural = "在线访谈"
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已审核"
        HIDDEN = "hidden", "已屏蔽"

    interview = models.ForeignKey(
        Interview, on_delete=models.CASCADE, related_name="questions", verbose_name="访谈"
    )
    # the asker's identity: staff only, never shown (spec §6)
    asker = models.CharField("提问人（不公开）", max_length=50, blank=True)
    asker_contact = models.CharField("联系方式（不公开）", max_length=100, blank=True)
    question = models.TextField("问题")
    answer = models.TextField("回答", blank=True)
    answered_live = models.BooleanField("访谈中回答", default=False)
    answered_on = models.DateField("回答日期", null=True, blank=True)
    status = models.CharField(
        "审核状态", max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )

    class Meta:
        verbose_name = "网民提问"
        verbose_name_plural = "网民提问"
        ordering = ["interview", "id"]

    def __str__(self) -> str:
        return self.question[:30]
