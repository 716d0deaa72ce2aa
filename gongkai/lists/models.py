"""管理和服务公开: 权责清单 with 动态调整, 公共服务事项清单 and 办事指南, 中介服务事项清单.

Facts in shared/spec/lists.md; only `services` change these rows.

- `PowerType`: the "9 + X" 职权类型 (§1.2), tenant-editable data seeded by migration 0002.
- `PowerItem` / `PowerVersion`: an item of the 权责清单 (§1.3) and each of its published states;
  a version is in force from `valid_from` to `valid_to` (both inclusive, None = still in force),
  so the list as it stood on any past day can be rebuilt (§1.4). Codes are never reused: items
  are never deleted, a 取消 item stays as `cancelled`.
- `Adjustment`: one 动态调整 (新增/取消/下放/变更, §1.4) with its three working-day clocks.
- `ServiceItem` / `Guide`: the 公共服务事项清单 tree 主项→子项→办理项 (§2.1) and the 办事指南 of an
  item (§2.2).
- `Intermediary`: an item of the 中介服务事项清单 and the 行政许可 items it serves (§3).
"""

from django.db import models

LEVELS = ["国家", "省", "市", "县", "乡"]  # 行使层级, §1.3 (乡 = 乡镇、街道)


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    CANCELLED = "cancelled", "已取消"


class PowerType(models.Model):
    code = models.CharField("类型编号", max_length=2, unique=True, help_text="如 01")
    letters = models.CharField("类型代码", max_length=4, unique=True, help_text="如 XK")
    name = models.CharField("职权类型", max_length=20, unique=True)
    order = models.PositiveIntegerField("排序", default=100)

    class Meta:
        verbose_name = "职权类型"
        verbose_name_plural = "职权类型"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class PowerItem(models.Model):
    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="power_items",
        verbose_name="所属部门",
    )  # fmt: skip
    code = models.CharField("事项编码", max_length=40, unique=True)
    type = models.ForeignKey(PowerType, on_delete=models.PROTECT, verbose_name="职权类型")
    secret = models.BooleanField(
        "是否保密", default=False, help_text="保密事项只在内部清单中保留，永不公开"
    )
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    # the version in force now, kept beside the item so that list pages need no join by date
    name = models.CharField("事项名称", max_length=300, editable=False)
    levels = models.CharField("行使层级", max_length=40, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "权责事项"
        verbose_name_plural = "权责清单"
        ordering = ["org", "code"]
        indexes = [
            models.Index(fields=["status", "secret", "org", "type"]),
            # which organisations have a public item (the 部门 filter): one probe per organisation
            models.Index(fields=["org", "status", "secret"], name="lists_power_org_public"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED and not self.secret


class PowerVersion(models.Model):
    class Nature(models.TextChoices):
        LEGAL = "legal", "法定行政机关"
        AUTHORISED = "authorised", "授权组织"
        ENTRUSTED = "entrusted", "受委托组织"

    item = models.ForeignKey(PowerItem, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField("版本")
    valid_from = models.DateField("生效日期", null=True, blank=True)
    valid_to = models.DateField("失效日期", null=True, blank=True)
    name = models.CharField("事项名称", max_length=300)
    sub_name = models.CharField("子项名称", max_length=300, blank=True)
    subject = models.CharField("行使主体", max_length=200)
    subject_nature = models.CharField(
        "行使主体性质", max_length=16, choices=Nature.choices, default=Nature.LEGAL
    )
    entrusting_org = models.CharField("委托机关", max_length=200, blank=True)
    handling_unit = models.CharField("承办机构", max_length=200, blank=True)
    levels = models.CharField("行使层级", max_length=40, help_text="如 ,市,县,")
    basis = models.JSONField("依据", default=list)  # [{rank, title, article, text}]
    responsibilities = models.JSONField("责任事项", default=list)  # [{stage, text}]
    accountability = models.JSONField("追责情形", default=list)  # [text]
    supervision = models.TextField("监督方式", blank=True)
    supervision_phone = models.CharField("监督电话", max_length=40, blank=True)
    remedy = models.TextField("救济渠道", blank=True)
    pii_kept_reason = models.TextField("保留个人信息的理由", blank=True)

    class Meta:
        verbose_name = "权责事项版本"
        verbose_name_plural = "权责事项版本"
        ordering = ["item", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="one_power_version")
        ]

    def __str__(self) -> str:
        return f"{self.item.code} v{self.version}"

    @property
    def level_list(self) -> list[str]:
        return [x for x in self.levels.split(",") if x]


class Adjustment(models.Model):
    class Change(models.TextChoices):
        ADD = "add", "新增"
        CANCEL = "cancel", "取消"
        DELEGATE = "delegate", "下放"
        MODIFY = "modify", "变更"
        # local kinds (§1.4), switched on per tenant by GONGKAI_LISTS_LOCAL_CHANGES
        ACCEPT = "accept", "承接"
        MERGE = "merge", "合并"

    class Trigger(models.TextChoices):
        LAW = "law", "法律法规规章立改废释"
        FUNCTION = "function", "机构职能调整"
        HIGHER = "higher", "上级取消或下放决定"

    class State(models.TextChoices):
        APPLIED = "applied", "已申请"
        APPROVED = "approved", "已批准"
        PUBLISHED = "published", "已公布"

    item = models.ForeignKey(PowerItem, on_delete=models.PROTECT, related_name="adjustments")
    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+",
        verbose_name="部门",
    )  # fmt: skip
    change = models.CharField("调整类型", max_length=16, choices=Change.choices)
    trigger = models.CharField("调整原因", max_length=16, choices=Trigger.choices)
    trigger_on = models.DateField("触发日期")
    basis_doc = models.CharField("调整依据文件", max_length=300)
    changes = models.JSONField("调整后的内容", default=dict, blank=True)  # 下放/变更: new fields
    applied_on = models.DateField("申请日期")
    approved_on = models.DateField("批准日期", null=True, blank=True)
    published_on = models.DateField("公布日期", null=True, blank=True)
    apply_due_on = models.DateField("申请时限")
    review_due_on = models.DateField("审核时限")
    publish_due_on = models.DateField("公布时限", null=True, blank=True)
    opinion = models.TextField("审核意见（内部）", blank=True)  # internal: never public (§5)
    state = models.CharField(
        "状态", max_length=16, choices=State.choices, default=State.APPLIED, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "动态调整"
        verbose_name_plural = "动态调整"
        ordering = ["-applied_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_change_display()} {self.item.code}"


class ServiceItem(models.Model):
    class Node(models.TextChoices):
        MAIN = "main", "主项"
        SUB = "sub", "子项"
        HANDLING = "handling", "业务办理项"

    class Audience(models.TextChoices):
        PERSON = "person", "自然人"
        LEGAL = "legal", "法人"
        BOTH = "both", "自然人及法人"

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="service_items",
        verbose_name="实施机关",
    )  # fmt: skip
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name="上级事项",
    )  # fmt: skip
    node = models.CharField("层级", max_length=10, choices=Node.choices, default=Node.MAIN)
    base_code = models.CharField("基本编码", max_length=40)
    impl_code = models.CharField("实施编码", max_length=60, unique=True)
    type_code = models.CharField(
        "事项类型", max_length=4, help_text="§1.2 的类型代码或 GG 公共服务"
    )
    name = models.CharField("事项名称", max_length=300)
    audience = models.CharField("服务对象", max_length=10, choices=Audience.choices)
    power = models.ForeignKey(
        PowerItem, null=True, blank=True, on_delete=models.PROTECT, related_name="service_items",
        verbose_name="对应权责事项",
    )  # fmt: skip
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "公共服务事项"
        verbose_name_plural = "公共服务事项清单"
        ordering = ["org", "base_code", "impl_code"]

    def __str__(self) -> str:
        return f"{self.impl_code} {self.name}"


class Guide(models.Model):
    item = models.OneToOneField(ServiceItem, on_delete=models.PROTECT, related_name="guide")
    basis = models.JSONField("设定依据/实施依据", default=list)  # [text]
    conditions = models.JSONField("受理条件", default=list)  # [text], numbered on the page
    materials = models.JSONField("申请材料", default=list)
    process = models.TextField("办理流程", blank=True)
    steps = models.JSONField(
        "特殊环节", default=list
    )  # [{name, days, basis, fee, counted_in_legal_limit}]
    legal_days = models.PositiveIntegerField("法定办结时限（工作日）", null=True, blank=True)
    promised_days = models.PositiveIntegerField("承诺办结时限（工作日）", null=True, blank=True)
    instant = models.BooleanField("即办件", default=False)
    charged = models.BooleanField("是否收费", default=False)
    fee_basis = models.JSONField("收费依据", default=list)
    fee_standard = models.JSONField("收费标准", default=list)
    place = models.CharField("办理地点", max_length=300, blank=True)
    hours = models.CharField("办理时间", max_length=300, blank=True)
    visits = models.PositiveIntegerField("到现场次数", null=True, blank=True)
    consult_phone = models.CharField("咨询电话", max_length=40, blank=True)
    complaint_phone = models.CharField("监督投诉电话", max_length=40, blank=True)
    online_url = models.URLField("网上办理地址", blank=True)
    query_url = models.URLField("结果查询地址", blank=True)
    faq = models.JSONField("常见问题", default=list)  # [{q, a}]
    # §2.2 elements beyond the 2015 普查 classes
    office_address = models.CharField("办理机构地址", max_length=300, blank=True)
    postcode = models.CharField("邮政编码", max_length=6, blank=True)
    window = models.CharField("窗口", max_length=100, blank=True)
    apply_methods = models.JSONField("申请方式", default=list)  # ⊆ APPLY_METHODS
    flowchart_url = models.URLField("流程图地址", blank=True)
    result = models.CharField("办理结果（证照名称）", max_length=200, blank=True)
    result_sample_url = models.URLField("办理结果样本地址", blank=True)
    promise = models.TextField("服务承诺", blank=True)
    pii_kept_reason = models.TextField("保留个人信息的理由", blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    updated_on = models.DateField("更新日期", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "办事指南"
        verbose_name_plural = "办事指南"
        ordering = ["item"]

    def __str__(self) -> str:
        return f"{self.item.name} 办事指南"


# the one rule of a public guide (selectors and the search rebuild): published, its item
# published, and its power item (if any) published and not secret
PUBLIC_GUIDE = models.Q(status="published", item__status="published") & (
    models.Q(item__power__isnull=True)
    | models.Q(item__power__status="published", item__power__secret=False)
)


class Intermediary(models.Model):
    class FeeNature(models.TextChoices):
        NONE = "", "不收费"
        MARKET = "market", "市场调节价"
        GOVERNMENT = "government", "政府定价或政府指导价"

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="intermediaries",
        verbose_name="审批部门",
    )  # fmt: skip
    code = models.CharField("编码", max_length=40, unique=True)
    name = models.CharField("中介服务事项名称", max_length=300)
    approval_items = models.ManyToManyField(
        PowerItem, related_name="intermediaries", verbose_name="涉及的审批事项"
    )
    approval_dept = models.CharField("审批部门", max_length=200)
    basis = models.TextField("设定依据")
    provider_requirements = models.TextField("中介服务实施机构及资质要求", blank=True)
    charged = models.BooleanField("是否收费", default=False)
    fee_nature = models.CharField(
        "收费性质", max_length=16, choices=FeeNature.choices, default="", blank=True
    )
    fee_basis = models.TextField("收费依据", blank=True)
    fee_standard = models.TextField("收费标准", blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False
    )

    class Meta:
        verbose_name = "中介服务事项"
        verbose_name_plural = "中介服务事项清单"
        ordering = ["org", "code"]

    def __str__(self) -> str:
        return self.name
