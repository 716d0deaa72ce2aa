"""On-request disclosure (依申请公开, 《政府信息公开条例》 Art. 27–45): applications and their events.

- `Application`: one request to one organisation. The applicant's personal data (name, identity
  document, contact) is never public: it is shown only to staff who handle the case and masked
  for others. The secret query code is stored as a keyed digest only (`query_digest`).
- `ApplicationEvent`: everything that happens to a case, append-only — receipt confirmation,
  补正 (correction) notice and correction, 征求第三方意见 (third-party consultation), 收费通知
  (fee notice) and payment, 延期 (extension, with its approver), 答复 (reply, with its legal reply
  type). The statutory clock is computed from these rows by `gongkai.lib.statutory`; `status`,
  `received_on` and `due_date` on the application are a cache of that computation, rewritten by
  the services on every change.
"""

import datetime as dt

from django.conf import settings
from django.db import models

from gongkai.lib.statutory import Channel as ClockChannel
from gongkai.lib.statutory import EventKind as ClockKind

from .dispositions import APPLICANT_TYPE_LABELS, DISPOSITIONS


def _choices(labels: dict) -> list[tuple[str, str]]:
    return [(k.value, v) for k, v in labels.items()]


APPLICANT_TYPE_CHOICES = [
    (k.value, v if k.value == "natural" else f"法人或其他组织·{v}")
    for k, v in APPLICANT_TYPE_LABELS.items()
]
DISPOSITION_CHOICES = [(d.value, info.name) for d, info in DISPOSITIONS.items()]
CHANNEL_CHOICES = [
    (ClockChannel.IN_PERSON.value, "当面"),
    (ClockChannel.POST.value, "邮寄"),
    (ClockChannel.ONLINE.value, "网络"),
    (ClockChannel.FAX.value, "传真/电子邮件"),
]


class Application(models.Model):
    class Status(models.TextChoices):
        AWAITING_RECEIPT = "awaiting_receipt", "待确认收到"  # online/fax, Art. 31(三)
        IN_PROGRESS = "in_progress", "办理中"
        CORRECTION = "correction", "待补正"  # Art. 30
        CONSULTATION = "consultation", "征求意见中"  # Art. 32
        FEE = "fee", "待缴费"  # 国办函〔2020〕109号
        CLOSED = "closed", "已办结"

    class IdType(models.TextChoices):
        ID_CARD = "id_card", "居民身份证"
        PASSPORT = "passport", "护照"
        HK_MACAO = "hk_macao", "港澳居民来往内地通行证"
        TAIWAN = "taiwan", "台湾居民来往大陆通行证"
        CREDIT_CODE = "credit_code", "统一社会信用代码"
        OTHER = "other", "其他证件"

    class Form(models.TextChoices):
        PAPER = "paper", "纸质"
        ELECTRONIC = "electronic", "电子"
        INSPECTION = "inspection", "当面查阅"

    class Delivery(models.TextChoices):
        POST = "post", "邮寄"
        EMAIL = "email", "电子邮件"
        PICKUP = "pickup", "当面领取"
        ONLINE = "online", "网上获取"

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="applications",
        verbose_name="受理机关",
    )  # fmt: skip
    tracking_no = models.CharField("申请编号", max_length=32, unique=True, editable=False)
    query_digest = models.CharField(max_length=64, editable=False)

    applicant_type = models.CharField("申请人类型", max_length=16, choices=APPLICANT_TYPE_CHOICES)
    name = models.CharField("申请人姓名/名称", max_length=100)
    id_type = models.CharField("证件类型", max_length=16, choices=IdType.choices)
    id_number = models.CharField("证件号码", max_length=40)
    legal_rep = models.CharField("法定代表人", max_length=50, blank=True)
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=30)
    email = models.EmailField("电子邮箱", max_length=100, blank=True)
    address = models.CharField("通信地址", max_length=200, blank=True)
    postcode = models.CharField("邮政编码", max_length=6, blank=True)

    description = models.TextField("所需政府信息的名称、文号或者便于查询的其他特征性描述")
    purpose = models.TextField("用途（选填）", blank=True)
    form = models.CharField("信息的指定提供形式", max_length=16, choices=Form.choices)
    delivery = models.CharField("获取信息的方式", max_length=16, choices=Delivery.choices)

    channel = models.CharField("申请渠道", max_length=16, choices=CHANNEL_CHOICES)
    submitted_on = models.DateField("提交日期")
    signed_for_on = models.DateField("签收日期", null=True, blank=True)  # post, Art. 31(二)
    confirmed_on = models.DateField("双方确认日期", null=True, blank=True)  # Art. 31(二)(三)

    # cache of the clock, rewritten by services on every change
    received_on = models.DateField("收到申请日期", null=True, blank=True, editable=False)
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.AWAITING_RECEIPT,
        editable=False, db_index=True,
    )  # fmt: skip
    due_date = models.DateField("法定答复期限", null=True, blank=True, editable=False)
    # 暂定: the due date runs into a year without a confirmed schedule (lib.workdays)
    due_earliest = models.DateField("期限最早可能日期", null=True, blank=True, editable=False)
    due_basis = models.CharField("期限暂定说明", max_length=200, blank=True, editable=False)
    clock_error = models.CharField("期限计算问题", max_length=300, blank=True, editable=False)
    closed_on = models.DateField("办结日期", null=True, blank=True, editable=False)
    disposition = models.CharField(
        "办理结果", max_length=32, choices=DISPOSITION_CHOICES, blank=True, editable=False
    )

    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="承办人",
    )  # fmt: skip
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "政府信息公开申请"
        verbose_name_plural = "政府信息公开申请"
        ordering = ["-submitted_on", "-id"]
        indexes = [
            models.Index(fields=["org", "received_on"]),
            models.Index(fields=["org", "closed_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(status="closed", closed_on__isnull=False)
                           & ~models.Q(disposition=""))
                | (~models.Q(status="closed") & models.Q(closed_on__isnull=True, disposition="")),
                name="closed_has_one_disposition",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.tracking_no

    @property
    def due_provisional(self) -> bool:
        return bool(self.due_basis)

    @property
    def warn_date(self) -> dt.date | None:
        """What warnings count to: the earliest plausible date of a provisional due date."""
        return self.due_earliest or self.due_date

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class ApplicationEvent(models.Model):
    """One thing that happened to a case; never edited or deleted."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "提交申请"
        RECEIPT_CONFIRMED = "receipt_confirmed", "确认收到申请"
        CORRECTION_REQUESTED = ClockKind.CORRECTION_REQUESTED.value, "补正告知"
        CORRECTION_RECEIVED = ClockKind.CORRECTION_RECEIVED.value, "收到补正"
        CONSULTATION_STARTED = ClockKind.CONSULTATION_STARTED.value, "征求第三方意见"
        CONSULTATION_ENDED = ClockKind.CONSULTATION_ENDED.value, "征求意见结束"
        FEE_NOTICE_SENT = ClockKind.FEE_NOTICE_SENT.value, "收费通知"
        FEE_PAID = ClockKind.FEE_PAID.value, "缴纳信息处理费"
        EXTENSION_GRANTED = ClockKind.EXTENSION_GRANTED.value, "延期答复告知"
        ANSWERED = ClockKind.ANSWERED.value, "答复"
        DELIVERED = "delivered", "送达"

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", verbose_name="申请"
    )
    seq = models.PositiveIntegerField("序号")
    kind = models.CharField("事项", max_length=32, choices=Kind.choices)
    on = models.DateField("日期")
    days = models.PositiveSmallIntegerField("延长工作日数", null=True, blank=True)
    deadline = models.DateField("补正期限", null=True, blank=True)
    approver = models.CharField("批准人", max_length=50, blank=True)
    amount = models.DecimalField(
        "金额（元）", max_digits=10, decimal_places=2, null=True, blank=True
    )
    disposition = models.CharField(
        "答复类型", max_length=32, choices=DISPOSITION_CHOICES, blank=True
    )
    # told to the applicant (notice text, reasons); shown on their progress page
    notice = models.TextField("告知内容", blank=True)
    # staff only (third party's name, internal remarks); never shown to the applicant
    internal_note = models.TextField("内部备注", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="登记人",
    )  # fmt: skip
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["application", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["application", "seq"], name="one_event_per_seq")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"

    @property
    def is_clock_event(self) -> bool:
        return self.kind in ClockKind.__members__.values()


class Reminder(models.Model):
    """One reminder about one case on one day (what the daily task told the handler).

    At most one per case, kind and day, so a task that runs twice never mails twice; the
    dashboard shows the latest. Recipients are staff accounts, never the applicant.
    """

    class Kind(models.TextChoices):
        OVERDUE = "overdue", "已超期"
        DUE_SOON = "due_soon", "即将到期"
        CALENDAR = "calendar", "缺少节假日安排，无法计算期限"
        UNCONFIRMED = "unconfirmed", "网上申请待确认收到"
        CONSULTATION_LAPSED = "consultation_lapsed", "第三方答复期限已过"

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="reminders", verbose_name="申请"
    )
    kind = models.CharField("提醒事项", max_length=24, choices=Kind.choices)
    on = models.DateField("提醒日期")
    due_date = models.DateField("当时的法定答复期限", null=True, blank=True)
    text = models.CharField("提醒内容", max_length=300)
    recipients = models.CharField("提醒对象", max_length=500, blank=True)
    emailed = models.BooleanField("已发送邮件", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "办理提醒"
        verbose_name_plural = "办理提醒"
        ordering = ["-on", "application"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind", "on"], name="one_reminder_per_case_kind_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.get_kind_display()}"


class CaseBoard(Application):
    """The staff dashboard (办理看板) as an entry of the admin index; no table of its own."""

    class Meta:
        proxy = True
        verbose_name = "办理看板"
        verbose_name_plural = "办理看板"


class HolidaySchedule(models.Model):
    """A year's holiday schedule (节假日安排) entered by staff from the 国务院办公厅 notice, for
    years after those shipped in gongkai/lib/data/workdays.csv. Used by every due date together
    with the shipped file (`clock.work_calendar`); changed only through
    `services.save_holiday_schedule`, which recomputes the due dates of open cases."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    source = models.CharField(
        "依据的通知", max_length=200,
        help_text="如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕X号）",
    )  # fmt: skip
    source_url = models.URLField("通知网址", max_length=300, blank=True)
    text = models.TextField(
        "放假和调休安排",
        help_text="把通知中“一、元旦：……”至“七、国庆节：……”的原文整段粘贴到这里；"
        "括号中的星期和“共N天”会被用来核对日期。",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="录入人", editable=False,
    )  # fmt: skip
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年节假日安排"


class HolidayDay(models.Model):
    """One date of a staff-entered schedule: a day off (放假) or a make-up working day (调休上班)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "放假"
        WORKDAY = "workday", "调休上班"

    schedule = models.ForeignKey(
        HolidaySchedule, on_delete=models.CASCADE, related_name="days", verbose_name="节假日安排"
    )
    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    name = models.CharField("节日", max_length=20, blank=True)

    class Meta:
        verbose_name = "放假/调休日期"
        verbose_name_plural = "放假/调休日期"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class Remedy(models.Model):
    """An administrative review (行政复议) or lawsuit (行政诉讼) about a case, with its outcome;
    counted in section 四 of the annual report (Art. 50, 51). Written by the services only."""

    class Kind(models.TextChoices):
        REVIEW = "review", "行政复议"
        LITIGATION_DIRECT = "litigation_direct", "行政诉讼（未经复议直接起诉）"
        LITIGATION_AFTER_REVIEW = "litigation_after_review", "行政诉讼（复议后起诉）"

    class Outcome(models.TextChoices):
        PENDING = "pending", "尚未审结"
        UPHELD = "upheld", "维持"
        CORRECTED = "corrected", "纠正"
        OTHER = "other", "其他"

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="remedies", verbose_name="申请"
    )
    kind = models.CharField("类型", max_length=24, choices=Kind.choices)
    filed_on = models.DateField("申请复议/起诉日期")
    body = models.CharField("复议机关/人民法院", max_length=100)
    case_no = models.CharField("案号", max_length=60, blank=True)
    outcome = models.CharField(
        "结果", max_length=12, choices=Outcome.choices, default=Outcome.PENDING
    )
    decided_on = models.DateField("审结日期", null=True, blank=True)
    note = models.TextField("备注", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="登记人",
    )  # fmt: skip
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "行政复议/行政诉讼"
        verbose_name_plural = "行政复议/行政诉讼"
        ordering = ["-filed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(outcome="pending") & models.Q(decided_on__isnull=True))
                | (~models.Q(outcome="pending") & models.Q(decided_on__isnull=False)),
                name="remedy_decided_has_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.case_no or self.filed_on}"


class AnnualReportEntry(models.Model):
    """What staff write into one organisation's 政府信息公开工作年度报告 (annual report, Art. 49-50;
    format of 国办公开办函〔2021〕30号) for one year: the section 二 figures the platform cannot count
    (第二十条第（五）（六）（八）项: 行政许可, 行政处罚, 行政强制 decisions and 行政事业性收费 in 万元)
    and the text of sections 一 (总体情况), 五 (存在的主要问题及改进情况) and 六 (其他需要报告的事项).

    Nothing here is public until `is_published` (定稿公开): before that, the public report shows
    the computed tables only. A figure left empty is "未填报", never 0. Written by the services only.
    """

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="annual_reports",
        verbose_name="机构",
    )  # fmt: skip
    year = models.PositiveSmallIntegerField("年度")
    licensing_decisions = models.PositiveIntegerField(
        "行政许可 本年处理决定数量", null=True, blank=True
    )
    penalty_decisions = models.PositiveIntegerField(
        "行政处罚 本年处理决定数量", null=True, blank=True
    )
    enforcement_decisions = models.PositiveIntegerField(
        "行政强制 本年处理决定数量", null=True, blank=True
    )
    fees_amount = models.DecimalField(
        "行政事业性收费 本年收费金额（万元）", max_digits=14, decimal_places=4, null=True,
        blank=True,
    )  # fmt: skip
    overview = models.TextField("一、总体情况", blank=True)
    problems = models.TextField("五、存在的主要问题及改进情况", blank=True)
    other_matters = models.TextField("六、其他需要报告的事项", blank=True)
    is_published = models.BooleanField(
        "定稿公开", default=False, help_text="勾选后，以上数字和文字在公开的年度报告中显示"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="填报人", editable=False,
    )  # fmt: skip
    updated_at = models.DateTimeField("填报时间", auto_now=True)

    class Meta:
        verbose_name = "年度报告填报内容"
        verbose_name_plural = "年度报告填报内容"
        ordering = ["-year", "org"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="annual_report_entry_org_year"),
            models.CheckConstraint(
                condition=models.Q(fees_amount__isnull=True) | models.Q(fees_amount__gte=0),
                name="annual_report_entry_fees_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org}{self.year}年政府信息公开工作年度报告"


class DueDateChange(models.Model):
    """A due date that moved because a holiday schedule was entered (期限调整记录): the case's
    history keeps old and new date and why; the handler's list shows it until seen."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="due_changes", verbose_name="申请"
    )
    old_date = models.DateField("原期限", null=True, blank=True)
    new_date = models.DateField("新期限", null=True, blank=True)
    reason = models.CharField("调整原因", max_length=300)
    changed_at = models.DateTimeField("调整时间", auto_now_add=True)
    seen_at = models.DateTimeField("已阅时间", null=True, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="已阅人",
    )  # fmt: skip

    class Meta:
        verbose_name = "期限调整记录"
        verbose_name_plural = "期限调整记录"
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["application", "seen_at"])]

    def __str__(self) -> str:
        return f"{self.old_date} → {self.new_date}"
