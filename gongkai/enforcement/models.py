"""行政执法公示 (三项制度, 国办发〔2018〕118号), 双公示 (信用中国 data items) and 双随机、一公开
(国办发〔2015〕58号, 国发〔2019〕5号). Facts: shared/spec/enforcement.md; only `services` write.

- 事前公开 (spec §1.1): `EnforcementBody`, `Officer` (执法人员), `Matter` with `DiscretionLevel`s
  (行政裁量权基准).
- 事后公开 (spec §1.3, §2): `LicenceDecision`, `PenaltyDecision` carry every 双公示 item in the
  信用中国 column order; `CoercionDecision` (强制法 art.9/12); `FeeItem` + monthly `FeeAmount`
  (万元). A decision is public only while `status == published`, `disclosure == public` and
  today ≤ `visible_until` (公示截止期 / retention). `Withdrawal` is the public notice that stays
  when a decision is changed, revoked or found void (处罚法 art.48).
- 双随机、一公开 (spec §6): `SpotCheckMatter`, `Target` (检查对象名录库), `Recusal`, `Plan`
  (commits to a secret seed on approval), `Draw` (the stored, replayable log) and `Result`.

Full 证件号码 and contacts of natural persons are stored for the credit-platform upload only;
everything public reads them through `masked_*` helpers in `selectors`.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from gongkai.lib.workdays import UnknownYear

from . import clock, codes


class EnforcementBody(models.Model):
    """执法主体 (118号 事前公开): one per organisation, with its 救济渠道."""

    org = models.OneToOneField(
        "organizations.Organization", on_delete=models.PROTECT, related_name="enforcement_body",
        verbose_name="机构",
    )  # fmt: skip
    kind = models.CharField("主体类型", max_length=20, default="法定", help_text="法定/授权/委托")
    basis = models.TextField("职责、权限及依据")
    remedies = models.TextField(
        "救济渠道", help_text="行政复议、行政诉讼的机关和期限，投诉电话、地址"
    )
    procedure = models.TextField("执法程序", blank=True)
    updated_on = models.DateField("更新日期", null=True, blank=True)

    class Meta:
        verbose_name = "执法主体"
        verbose_name_plural = "执法主体"

    def __str__(self) -> str:
        return str(self.org)


class Officer(models.Model):
    """执法人员: name, 执法证号, 执法类别/领域, issuing body, validity (118号)."""

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="officers",
        verbose_name="机构",
    )  # fmt: skip
    name = models.CharField("姓名", max_length=50)
    cert_no = models.CharField("执法证号", max_length=40, unique=True)
    field = models.CharField("执法类别（领域）", max_length=100)
    issued_by = models.CharField("发证机关", max_length=100, blank=True)
    valid_until = models.DateField("有效期至")
    active = models.BooleanField("在岗", default=True)
    changed_on = models.DateField("信息变动日期")
    published_on = models.DateField("公开日期", null=True, blank=True)
    publish_due_on = models.DateField("应公开日期", null=True, blank=True)

    class Meta:
        verbose_name = "执法人员"
        verbose_name_plural = "执法人员"
        ordering = ["org", "cert_no"]

    def __str__(self) -> str:
        return f"{self.name}（{self.cert_no}）"

    @property
    def due_on(self) -> dt.date | None:
        """The change public within `clock.officer_days()` working days of `changed_on`, on the
        platform calendar (make-up days count); the stored date beyond the calendar's years."""
        try:
            return clock.add(self.changed_on, clock.officer_days())
        except UnknownYear:
            return self.publish_due_on

    @property
    def published_late(self) -> bool:
        due = self.due_on
        return self.published_on is not None and due is not None and self.published_on > due


class Matter(models.Model):
    """执法事项 with its basis, flow chart and time limit (118号 事前公开)."""

    class Kind(models.TextChoices):
        LICENCE = "licence", "行政许可"
        PENALTY = "penalty", "行政处罚"
        COERCION = "coercion", "行政强制"
        INSPECTION = "inspection", "行政检查"
        LEVY = "levy", "行政征收"
        OTHER = "other", "其他"

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="enforcement_matters",
        verbose_name="机构",
    )  # fmt: skip
    name = models.CharField("事项名称", max_length=200)
    kind = models.CharField("事项类型", max_length=20, choices=Kind.choices)
    basis = models.TextField("实施依据")
    flowchart = models.TextField("执法流程", blank=True)
    time_limit = models.CharField("办理时限", max_length=100, blank=True)
    is_public = models.BooleanField("公开", default=True)

    class Meta:
        verbose_name = "执法事项"
        verbose_name_plural = "执法事项"
        ordering = ["org", "kind", "id"]

    def __str__(self) -> str:
        return self.name


class DiscretionLevel(models.Model):
    """行政裁量权基准 (seed 001 §6): one level of a penalty matter with conditions and range."""

    class Level(models.TextChoices):
        MINOR = "minor", "轻微"
        GENERAL = "general", "一般"
        SERIOUS = "serious", "较重"
        GRAVE = "grave", "严重"

    matter = models.ForeignKey(
        Matter, on_delete=models.CASCADE, related_name="discretion", verbose_name="事项"
    )
    level = models.CharField("裁量等级", max_length=10, choices=Level.choices)
    conditions = models.TextField("适用条件")
    range = models.TextField("处罚幅度")

    class Meta:
        verbose_name = "裁量基准"
        verbose_name_plural = "裁量基准"
        ordering = ["matter", "id"]
        constraints = [
            models.UniqueConstraint(fields=["matter", "level"], name="one_discretion_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.matter}：{self.get_level_display()}"


class Status(models.TextChoices):
    HELD = "held", "待处理（含个人信息）"
    PUBLISHED = "published", "已公开"
    WITHDRAWN = "withdrawn", "已撤下"
    EXPIRED = "expired", "公示期满"


class Disclosure(models.TextChoices):
    PUBLIC = "public", "公开"
    NOT_PUBLIC = "not_public", "不予公开"


def visible_q(today: dt.date) -> Q:
    """The public-visibility rule of a decision (module docstring): the one definition, used by
    the public selectors and by the search entries (`services.search_*`)."""
    return Q(status=Status.PUBLISHED, disclosure=Disclosure.PUBLIC, visible_until__gte=today,
             published_on__lte=today)  # fmt: skip


class Decision(models.Model):
    """The 相对人 items 1–13 shared by licences and penalties (spec §2.1–2.2) and the state."""

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+",
        verbose_name="决定机关",
    )  # fmt: skip
    subject_name = models.CharField("行政相对人名称", max_length=200)
    subject_type = models.CharField(
        "行政相对人类别", max_length=2, choices=codes.SUBJECT_TYPES.items()
    )
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    reg_no = models.CharField("工商注册号", max_length=50, blank=True)
    org_code_no = models.CharField("组织机构代码", max_length=20, blank=True)
    tax_no = models.CharField("税务登记号", max_length=30, blank=True)
    institution_no = models.CharField("事业单位证书号", max_length=30, blank=True)
    social_org_no = models.CharField("社会组织登记证号", max_length=30, blank=True)
    legal_rep = models.CharField("法定代表人", max_length=50, blank=True)
    legal_rep_id_type = models.CharField("法定代表人证件类型", max_length=30, blank=True)
    legal_rep_id_number = models.CharField("法定代表人证件号码", max_length=40, blank=True)
    id_type = models.CharField("证件类型", max_length=2, blank=True)
    id_number = models.CharField("证件号码", max_length=40, blank=True)  # full: upload only
    contact = models.CharField("联系方式（内部）", max_length=100, blank=True)  # never public
    internal_note = models.TextField("内部备注", blank=True)  # never public
    authority = models.CharField("决定机关名称", max_length=200)
    authority_credit_code = models.CharField("决定机关统一社会信用代码", max_length=18)
    source = models.CharField("数据来源单位", max_length=200)
    source_credit_code = models.CharField("数据来源单位统一社会信用代码", max_length=18)
    remarks = models.TextField("备注", blank=True)
    disclosure = models.CharField(
        "公开属性", max_length=12, choices=Disclosure.choices, default=Disclosure.PUBLIC
    )
    not_public_reason = models.TextField("不予公开理由", blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.HELD, db_index=True
    )
    held_reason = models.TextField("暂缓公开原因", blank=True)
    publish_due_on = models.DateField("应公开日期")
    published_on = models.DateField("公开日期", null=True, blank=True)
    visible_until = models.DateField("公开截止日期", null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def published_late(self) -> bool:
        return self.published_on is not None and self.published_on > self.publish_due_on

    def is_visible(self, today: dt.date) -> bool:
        """`visible_q` for one loaded decision."""
        return (
            self.status == Status.PUBLISHED
            and self.disclosure == Disclosure.PUBLIC
            and self.visible_until is not None
            and self.visible_until >= today
            and self.published_on is not None
            and self.published_on <= today
        )

    @property
    def is_person(self) -> bool:
        return self.subject_type == codes.NATURAL_PERSON


class LicenceDecision(Decision):
    """行政许可决定 (spec §2.1); `outcome` counts 许可/不予许可 for the statistics (§5)."""

    class Outcome(models.TextChoices):
        GRANTED = "granted", "准予许可"
        REFUSED = "refused", "不予许可"

    decision_title = models.CharField("行政许可决定文书名称", max_length=200)
    decision_no = models.CharField("行政许可决定文书号", max_length=100)
    category_code = models.CharField(
        "许可类别", max_length=2, choices=codes.LICENCE_CATEGORIES.items()
    )
    category_other = models.CharField("其他许可类别名称", max_length=50, blank=True)
    licence_name = models.CharField("许可证书名称", max_length=200, blank=True)
    licence_no = models.CharField("许可编号", max_length=100, blank=True)
    content = models.TextField("许可内容", blank=True)
    decided_on = models.DateField("许可决定日期", db_index=True)
    valid_from = models.DateField("有效期自")
    valid_to = models.DateField("有效期至")
    outcome = models.CharField(
        "办理结果", max_length=10, choices=Outcome.choices, default=Outcome.GRANTED
    )

    class Meta:
        verbose_name = "行政许可决定"
        verbose_name_plural = "行政许可决定"
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "decision_no"], name="one_licence_per_number")
        ]
        indexes = [
            # one organisation's public list and its count, visibility covered (bench)
            models.Index(fields=["org", "status", "decided_on", "disclosure", "visible_until",
                                 "published_on"], name="licence_org_list"),
            # the public lists: visibility columns covered, newest first (bench/enforcement.py)
            models.Index(fields=["status", "decided_on", "disclosure", "visible_until",
                                 "published_on"], name="licence_public_list"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.decision_no

    @property
    def long_term(self) -> bool:
        return self.valid_to == codes.LONG_TERM

    @property
    def category_label(self) -> str:
        label = codes.LICENCE_CATEGORIES.get(self.category_code, "")
        return f"{label}-{self.category_other}" if self.category_other else label


class PenaltyDecision(Decision):
    """行政处罚决定 (spec §2.2); `heaviest_type` is the statistics type (spec §5, order §3.4)."""

    class Severity(models.TextChoices):
        GENERAL = "general", "一般失信"
        SERIOUS = "serious", "严重失信"

    decision_no = models.CharField("行政处罚决定书文号", max_length=100)
    violation_type = models.CharField("违法行为类型", max_length=200)
    facts = models.TextField("违法事实")
    basis = models.TextField("处罚依据")
    type_codes = models.CharField("处罚类别", max_length=60)  # codes joined by ","
    heaviest_type = models.CharField("最重处罚种类", max_length=2, db_index=True)
    content = models.TextField("处罚内容")
    fine_wan = models.DecimalField(
        "罚款金额（万元）", max_digits=18, decimal_places=6, null=True, blank=True
    )
    confiscated_wan = models.DecimalField(
        "没收违法所得、没收非法财物的金额（万元）", max_digits=18, decimal_places=6, null=True,
        blank=True,
    )  # fmt: skip
    licence_revoked = models.CharField("暂扣或吊销证照名称及编号", max_length=200, blank=True)
    decided_on = models.DateField("处罚决定日期", db_index=True)
    valid_until = models.DateField("处罚有效期")
    severity = models.CharField(
        "失信程度", max_length=10, choices=Severity.choices, default=Severity.GENERAL
    )
    publicity_months = models.PositiveSmallIntegerField("公示期（月）")
    publicity_until = models.DateField("公示截止期")

    class Meta:
        verbose_name = "行政处罚决定"
        verbose_name_plural = "行政处罚决定"
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "decision_no"], name="one_penalty_per_number")
        ]
        indexes = [
            models.Index(fields=["org", "status", "decided_on", "disclosure", "visible_until",
                                 "published_on"], name="penalty_org_list"),
            # the public lists, visibility and the ?type= codes covered: a count never reads
            # the rows (bench/enforcement.py)
            models.Index(fields=["status", "decided_on", "disclosure", "visible_until",
                                 "published_on", "type_codes"], name="penalty_public_list_type"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.decision_no

    @property
    def types(self) -> list[str]:
        return [c for c in self.type_codes.split(",") if c]


class Withdrawal(models.Model):
    """The notice of a published decision that was changed, revoked, found illegal or void
    (处罚法 art.48): due within 3 working days (art.85), it stays public with its reason."""

    class Kind(models.TextChoices):
        LICENCE = "licence", "行政许可"
        PENALTY = "penalty", "行政处罚"

    class Cause(models.TextChoices):
        CHANGED = "changed", "变更"
        REVOKED = "revoked", "撤销"
        ILLEGAL = "illegal", "确认违法"
        VOID = "void", "确认无效"

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+",
        verbose_name="决定机关",
    )  # fmt: skip
    kind = models.CharField("决定类型", max_length=10, choices=Kind.choices)
    licence = models.OneToOneField(
        LicenceDecision, null=True, blank=True, on_delete=models.PROTECT, related_name="withdrawal"
    )
    penalty = models.OneToOneField(
        PenaltyDecision, null=True, blank=True, on_delete=models.PROTECT, related_name="withdrawal"
    )
    decision_no = models.CharField("文书号", max_length=100)
    cause = models.CharField("撤下原因类别", max_length=10, choices=Cause.choices)
    changed_on = models.DateField("变更/撤销日期")
    reason = models.TextField("撤下理由")
    due_on = models.DateField("应撤下日期")
    withdrawn_on = models.DateField("撤下日期")

    class Meta:
        verbose_name = "撤下公示"
        verbose_name_plural = "撤下公示"
        ordering = ["-withdrawn_on", "-id"]

    def __str__(self) -> str:
        return f"撤下：{self.decision_no}"

    @property
    def late(self) -> bool:
        return self.withdrawn_on > self.due_on


class CoercionDecision(models.Model):
    """行政强制 (强制法 art.9 measures, art.12 executions); counted in statistics and section 二."""

    class Kind(models.TextChoices):
        MEASURE = "measure", "行政强制措施"
        EXECUTION = "execution", "行政强制执行"

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+",
        verbose_name="决定机关",
    )  # fmt: skip
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    measure = models.CharField("强制方式", max_length=60)
    decision_no = models.CharField("决定书文号", max_length=100)
    subject_name = models.CharField("当事人", max_length=200)
    decided_on = models.DateField("决定日期", db_index=True)
    basis = models.TextField("依据", blank=True)

    class Meta:
        verbose_name = "行政强制决定"
        verbose_name_plural = "行政强制决定"
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "decision_no"], name="one_coercion_per_number")
        ]

    def __str__(self) -> str:
        return self.decision_no


class FeeItem(models.Model):
    """行政事业性收费 项目 (条例 第二十条第（八）项)."""

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+",
        verbose_name="机构",
    )  # fmt: skip
    name = models.CharField("收费项目", max_length=200)
    basis = models.TextField("收费依据", blank=True)
    standard = models.TextField("收费标准", blank=True)

    class Meta:
        verbose_name = "收费项目"
        verbose_name_plural = "收费项目"

    def __str__(self) -> str:
        return self.name


class FeeAmount(models.Model):
    item = models.ForeignKey(FeeItem, on_delete=models.CASCADE, related_name="amounts")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    amount_wan = models.DecimalField("收费金额（万元）", max_digits=18, decimal_places=6)

    class Meta:
        verbose_name = "月度收费金额"
        verbose_name_plural = "月度收费金额"
        constraints = [
            models.UniqueConstraint(fields=["item", "year", "month"], name="one_fee_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.year}-{self.month:02d}"


class LicensingIntake(models.Model):
    """申请数量 and 受理数量 of a year (spec §5 许可 table): not derivable from decisions, so
    entered by staff; None in the statistics until entered (never a guessed 0)."""

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    applications = models.PositiveIntegerField("申请数量")
    accepted = models.PositiveIntegerField("受理数量")

    class Meta:
        verbose_name = "许可申请受理数"
        verbose_name_plural = "许可申请受理数"
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="one_intake_per_year")]

    def __str__(self) -> str:
        return f"{self.org} {self.year}"


# ---------------------------------------------------------------------------------------------
# 双随机、一公开


class SpotCheckMatter(models.Model):
    """随机抽查事项清单 row (spec §6)."""

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+",
        verbose_name="检查主体",
    )  # fmt: skip
    name = models.CharField("抽查事项", max_length=200)
    category = models.CharField("抽查类别", max_length=100, blank=True)
    content = models.TextField("抽查内容", blank=True)
    target_kind = models.CharField("检查对象", max_length=100, blank=True)
    importance = models.CharField("事项类别", max_length=10, default="一般")
    method = models.CharField("检查方式", max_length=20, default="现场检查")
    basis = models.TextField("抽查依据")

    class Meta:
        verbose_name = "随机抽查事项"
        verbose_name_plural = "随机抽查事项"

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    """检查对象名录库: `key` (统一社会信用代码, else 注册号) ranks it in the draw."""

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+",
        verbose_name="机构",
    )  # fmt: skip
    name = models.CharField("名称", max_length=200)
    key = models.CharField("统一社会信用代码（或注册号）", max_length=30)
    legal_rep = models.CharField("法定代表人", max_length=50, blank=True)
    address = models.CharField("住所", max_length=200, blank=True)
    contact = models.CharField("联系方式（内部）", max_length=100, blank=True)  # never public
    active = models.BooleanField("在库", default=True)

    class Meta:
        verbose_name = "检查对象"
        verbose_name_plural = "检查对象名录库"
        constraints = [models.UniqueConstraint(fields=["org", "key"], name="one_target_per_key")]

    def __str__(self) -> str:
        return self.name


class Recusal(models.Model):
    """回避: the officer may not inspect the target."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="recusals")
    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="recusals")
    reason = models.CharField("回避理由（内部）", max_length=200)

    class Meta:
        verbose_name = "回避"
        verbose_name_plural = "回避"
        constraints = [
            models.UniqueConstraint(fields=["target", "officer"], name="one_recusal_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.officer} 回避 {self.target}"


class Plan(models.Model):
    """A 抽查计划: draft → approved (seed committed) → drawn. The seed stays secret until drawn."""

    class State(models.TextChoices):
        DRAFT = "draft", "草拟"
        APPROVED = "approved", "已批准（已承诺种子）"
        DRAWN = "drawn", "已抽取"

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+",
        verbose_name="检查主体",
    )  # fmt: skip
    matter = models.ForeignKey(SpotCheckMatter, on_delete=models.PROTECT, verbose_name="抽查事项")
    name = models.CharField("计划名称", max_length=200)
    year = models.PositiveSmallIntegerField("年度")
    ratio_percent = models.DecimalField("抽查比例（%）", max_digits=5, decimal_places=2)
    ratio_reason = models.TextField("比例低于下限的理由", blank=True)
    inspectors_per_target = models.PositiveSmallIntegerField("每户检查人员数", default=2)
    inspectors = models.ManyToManyField(Officer, related_name="plans", verbose_name="执法检查人员")
    check_ends_on = models.DateField("检查结束日期")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.DRAFT)
    algorithm = models.CharField("算法", max_length=30, default="sha256-rank-v1")
    seed = models.CharField(max_length=64, blank=True)  # secret until the draw
    seed_sha256 = models.CharField("种子摘要", max_length=64, blank=True)
    committed_at = models.DateTimeField("承诺时间", null=True, blank=True)
    pool_targets = models.JSONField("对象库快照", default=list)  # [[key, name], …] at approval
    pool_inspectors = models.JSONField("人员库快照", default=list)  # [[cert_no, name], …]
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "抽查计划"
        verbose_name_plural = "抽查计划"
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.name


class Draw(models.Model):
    """The one draw of a plan: everything `replay` needs, stored (never redrawn)."""

    plan = models.OneToOneField(Plan, on_delete=models.PROTECT, related_name="draw")
    drawn_at = models.DateTimeField("抽取时间")
    recusals = models.JSONField("回避", default=list)  # [[target_key, cert_no], …]
    drawn = models.JSONField("抽取结果", default=list)  # [{target, name, inspectors: [cert_no]}]

    class Meta:
        verbose_name = "抽取记录"
        verbose_name_plural = "抽取记录"
        ordering = ["-drawn_at"]

    def __str__(self) -> str:
        return f"{self.plan} 抽取记录"


class Result(models.Model):
    """抽查结果, public within 20 working days after the check ends (冀政办发〔2015〕22号, local)."""

    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="results")
    target_key = models.CharField("对象代码", max_length=30)
    target_name = models.CharField("对象名称", max_length=200)
    checked_on = models.DateField("检查日期")
    outcome_code = models.CharField("检查结果", max_length=2, choices=codes.OUTCOMES.items())
    due_on = models.DateField("应公开日期")
    published_on = models.DateField("公开日期")
    internal_note = models.TextField("内部备注", blank=True)  # never public

    class Meta:
        verbose_name = "抽查结果"
        verbose_name_plural = "抽查结果"
        constraints = [
            models.UniqueConstraint(fields=["draw", "target_key"], name="one_result_per_target")
        ]

    def __str__(self) -> str:
        return f"{self.target_name}：{self.get_outcome_code_display()}"
