"""Website self-inspection (国办秘函〔2019〕19号, spec monitoring.md): the columns the inspection
counts, uptime probes, link checks, stored inspections, 我要纠错 reports, the yearly 报表 and the
staff attestations of the `security` veto item. Nothing here is public except a published
SiteReport and a correction's own progress (tracking number + query code)."""

from django.conf import settings
from django.db import models

from gongkai.lib.sitecheck import DEFAULT_PERIOD_DAYS


class Column(models.Model):
    """A column of the website (§3): its kind fixes the update period unless overridden."""

    class Kind(models.TextChoices):
        NEWS = "news", "动态/要闻"
        NOTICE = "notice", "通知公告"
        POLICY = "policy", "政策文件"
        PERSONNEL = "personnel", "人事"
        PLAN = "plan", "规划计划"
        PERIODIC = "periodic", "其他定期更新"
        STATIC = "static", "静态"
        INTERACTIVE = "interactive", "互动"
        EXTERNAL = "external", "外链"

    class Source(models.TextChoices):
        DOCUMENTS = "documents", "政府信息（按信息类别）"
        MAILBOX = "mailbox", "领导信箱"
        EXTERNAL = "external", "外部链接"
        STATIC = "static", "静态内容"

    name = models.CharField("栏目名称", max_length=100)
    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+",
        verbose_name="所属机构",
    )  # fmt: skip
    kind = models.CharField("栏目类型", max_length=16, choices=Kind.choices)
    first_level = models.BooleanField("一级栏目", default=False)
    on_homepage = models.BooleanField("首页栏目", default=False)
    source = models.CharField("内容来源", max_length=16, choices=Source.choices)
    categories = models.ManyToManyField(
        "documents.InfoCategory", blank=True, related_name="+", verbose_name="信息类别"
    )
    mailbox = models.ForeignKey(
        "participation.Mailbox", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name="信箱",
    )  # fmt: skip
    url = models.URLField("链接地址", max_length=500, blank=True)
    static_text = models.TextField("静态内容", blank=True)
    static_updated_on = models.DateField("静态内容更新日期", null=True, blank=True)
    period_days = models.PositiveIntegerField(
        "更新周期（天）", null=True, blank=True, help_text="留空按栏目类型的默认周期"
    )
    order = models.PositiveIntegerField("排序", default=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "栏目"
        verbose_name_plural = "栏目"
        ordering = ["org_id", "order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def effective_period(self) -> int | None:
        return self.period_days or DEFAULT_PERIOD_DAYS.get(self.kind)


class Probe(models.Model):
    """One uptime probe (§5): GET of the homepage within the time limit."""

    at = models.DateTimeField("时间", db_index=True)
    url = models.CharField("地址", max_length=500)
    ok = models.BooleanField("成功")
    status = models.PositiveSmallIntegerField("HTTP 状态", null=True, blank=True)
    elapsed_ms = models.PositiveIntegerField("耗时（毫秒）", default=0)
    error = models.CharField("错误", max_length=300, blank=True)

    class Meta:
        verbose_name = "可用性监测"
        verbose_name_plural = "可用性监测"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {'正常' if self.ok else '失败'}"


class LinkCheck(models.Model):
    """One run of the link checker (§5)."""

    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    allow_private = models.BooleanField("检查内网地址", default=False)
    checked = models.PositiveIntegerField("检查数", default=0)
    broken = models.PositiveIntegerField("失效数", default=0)
    skipped_private = models.PositiveIntegerField("跳过（内网地址）", default=0)
    unverifiable = models.PositiveIntegerField("无法验证", default=0)

    class Meta:
        verbose_name = "链接检查"
        verbose_name_plural = "链接检查"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} 链接检查"


class LinkResult(models.Model):
    class Outcome(models.TextChoices):
        OK = "ok", "正常"
        BROKEN = "broken", "失效"
        UNVERIFIABLE = "unverifiable", "无法验证"
        SKIPPED_PRIVATE = "skipped_private", "跳过（内网地址）"

    check_run = models.ForeignKey(LinkCheck, on_delete=models.CASCADE, related_name="results")
    url = models.CharField("链接", max_length=1000)
    internal = models.BooleanField("本站链接")
    outcome = models.CharField("结果", max_length=16, choices=Outcome.choices)
    status = models.PositiveSmallIntegerField("HTTP 状态", null=True, blank=True)
    error = models.CharField("错误", max_length=300, blank=True)
    found_on = models.CharField("所在页面", max_length=500)
    on_homepage = models.BooleanField("首页链接", default=False)

    class Meta:
        verbose_name = "链接检查结果"
        verbose_name_plural = "链接检查结果"
        indexes = [models.Index(fields=["check_run", "outcome"])]

    def __str__(self) -> str:
        return self.url


class Inspection(models.Model):
    """A stored self-inspection: the verdict and the whole result as computed on `as_of`."""

    as_of = models.DateField("检查日期", db_index=True)
    verdict_code = models.CharField("结论", max_length=8)
    score = models.DecimalField("得分", max_digits=5, decimal_places=1)
    result = models.JSONField("检查结果")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "网站自查"
        verbose_name_plural = "网站自查"
        ordering = ["-as_of", "-id"]

    def __str__(self) -> str:
        return f"{self.as_of} 自查"


class Correction(models.Model):
    """我要纠错 (§6): acknowledge within 1 working day, answer within 3 (tenant settings)."""

    class Kind(models.TextChoices):
        TYPO = "typo", "错别字"
        BROKEN_LINK = "broken_link", "链接错误"
        STALE = "stale", "内容不更新"
        WRONG = "wrong", "内容错误"
        UNREACHABLE = "unreachable", "无法访问"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待确认"
        ACKNOWLEDGED = "acknowledged", "已确认，办理中"
        ANSWERED = "answered", "已答复"

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+",
        verbose_name="办理机构",
    )  # fmt: skip
    tracking_no = models.CharField("纠错编号", max_length=32, unique=True, editable=False)
    query_digest = models.CharField(max_length=64, editable=False)
    page_url = models.CharField("页面地址", max_length=500)  # never fetched (visitor input)
    kind = models.CharField("错误类型", max_length=16, choices=Kind.choices)
    description = models.TextField("问题描述")
    contact = models.CharField("联系方式", max_length=100, blank=True)  # personal: staff only
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.SUBMITTED, editable=False
    )
    submitted_on = models.DateField("提交日期", editable=False)
    acknowledge_due_on = models.DateField("确认期限", null=True, editable=False)
    answer_due_on = models.DateField("答复期限", null=True, editable=False)
    acknowledged_on = models.DateField("确认日期", null=True, blank=True, editable=False)
    answered_on = models.DateField("答复日期", null=True, blank=True, editable=False)
    reply = models.TextField("答复", blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "纠错"
        verbose_name_plural = "纠错"
        ordering = ["-submitted_on", "-id"]

    def __str__(self) -> str:
        return self.tracking_no


class SiteReport(models.Model):
    """政府网站工作年度报表 (§7, 国办函〔2018〕12号): entered fields; public once published."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    entered = models.JSONField("填报数据", default=dict, blank=True)
    computed = models.JSONField("统计数据（发布时固定）", default=dict, blank=True, editable=False)
    published_on = models.DateField("发布日期", null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "网站年度报表"
        verbose_name_plural = "网站年度报表"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} 年度报表"


class Attestation(models.Model):
    """Staff statement on a `security` item for a period (§2: the part no machine can see)."""

    class Item(models.TextChoices):
        WORDING = "wording", "严重表述错误"
        SECRET = "secret", "泄露国家秘密"
        HARMFUL = "harmful", "发布或链接有害信息"
        DEFACED = "defaced", "页面被篡改或挂马未及时处置"
        FRAUD = "fraud", "弄虚作假（如伪造发布日期）"
        OPINION = "opinion", "造成严重负面舆情"

    item = models.CharField("事项", max_length=16, choices=Item.choices)
    period_start = models.DateField("期间开始")
    period_end = models.DateField("期间结束")
    incident = models.BooleanField("发生该类问题")
    note = models.TextField("说明", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="声明人",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "安全事项声明"
        verbose_name_plural = "安全事项声明"
        ordering = ["-period_end", "item"]

    def __str__(self) -> str:
        return f"{self.get_item_display()} {self.period_start}—{self.period_end}"
