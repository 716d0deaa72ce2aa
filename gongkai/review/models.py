"""Pre-publication review (先审查、后公开): personal-information findings, the 保密审查 record
and the negative list (政务公开负面清单).

- `Finding`: one identifier found in what a document would show the public, resolved by a
  reviewer — masked (去标识化, GB/T 37964-2019) or kept with a recorded reason such as 惩戒公示,
  本人同意 or 公职人员职务信息. One row per distinct value per document, with every occurrence.
- `AttachmentScan`: which attachment content (by SHA-256) was read, or could not be read and
  must be reviewed by hand.
- `ReviewRecord`: the reviewer's signed decision for one submission (一事一审): the 公开属性,
  its legal ground (条例 Art. 14–16) and negative-list entry, the 保密审查 confirmation, the
  reviewer and the time.
- `NegativeListEntry`: a matter an organisation does not disclose, with its legal ground, scope
  and review date; a higher organisation's list applies to all organisations below it. Entries
  are never deleted: changes are versioned in `NegativeListChange`, retired entries kept.

This app sits below `gongkai.documents`: its models name documents by string and its services
take them as arguments; documents call review explicitly.
"""

from django.conf import settings
from django.db import models


class LegalGround(models.TextChoices):
    """Legal grounds for not disclosing proactively (条例 Art. 14–16; annual report rows （三）1–8)."""

    STATE_SECRET = "state_secret", "属于国家秘密（第十四条）"
    BY_LAW = "by_law", "法律、行政法规禁止公开（第十四条）"
    SECURITY = "security", "公开后可能危及“三安全一稳定”（第十四条）"
    THIRD_PARTY = "third_party", "涉及商业秘密、个人隐私等第三方合法权益（第十五条）"
    INTERNAL = "internal", "内部事务信息（第十六条第一款）"
    PROCESS = "process", "过程性信息（第十六条第二款）"
    ENFORCEMENT = "enforcement", "行政执法案卷信息（第十六条第二款）"
    QUERY = "query", "行政查询事项"


class KeepReason(models.TextChoices):
    """Why a finding stays in clear on the public page."""

    PUNISHMENT = "punishment", "惩戒公示"
    LEGAL_DUTY = "legal_duty", "法律法规要求公开（强制性信息披露）"
    CONSENT = "consent", "本人同意公开"
    OFFICIAL = "official", "公职人员职务信息"
    ORGANIZATION = "organization", "单位信息（单位电话、邮箱、统一社会信用代码等）"
    NOT_PERSONAL = "not_personal", "误报，并非个人信息"
    CHECKED_BY_HAND = "checked_by_hand", "已人工审阅附件，未发现须删减的内容"


UNREADABLE = "unreadable"  # the kind of a finding that says: this attachment could not be read


class NegativeListEntry(models.Model):
    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="negative_list",
        verbose_name="机构",
    )  # fmt: skip
    matter = models.CharField("事项", max_length=200)
    ground = models.CharField("法律依据", max_length=20, choices=LegalGround.choices)
    basis = models.CharField(
        "具体条款", max_length=200, blank=True, help_text="如：《政府信息公开条例》第十六条第二款"
    )
    scope = models.TextField("适用范围", help_text="哪些信息、在什么情形下属于本事项")
    review_on = models.DateField("复核日期", help_text="到期须复核是否仍应列入负面清单")
    is_active = models.BooleanField("有效", default=True, editable=False)
    version = models.PositiveIntegerField("版本", default=0, editable=False)
    created_at = models.DateTimeField("列入时间", auto_now_add=True)
    updated_at = models.DateTimeField("调整时间", auto_now=True)

    class Meta:
        verbose_name = "负面清单事项"
        verbose_name_plural = "政务公开负面清单"
        ordering = ["org__path", "ground", "id"]

    def __str__(self) -> str:
        return f"{self.matter}（{self.get_ground_display()}）"


class NegativeListChange(models.Model):
    """History of a negative-list entry: every adjustment with its full content."""

    entry = models.ForeignKey(NegativeListEntry, on_delete=models.CASCADE, related_name="changes")
    number = models.PositiveIntegerField("版本号")
    action = models.CharField("调整", max_length=16)
    data = models.JSONField("内容")
    note = models.CharField("说明", max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="操作人",
    )  # fmt: skip
    changed_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "负面清单调整记录"
        verbose_name_plural = "负面清单调整记录"
        ordering = ["entry", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="one_number_per_list_change")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} v{self.number}"


class Finding(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        MASKED = "masked", "遮盖"
        KEPT = "kept", "保留"

    document = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="pii_findings",
        verbose_name="政府信息",
    )  # fmt: skip
    attachment = models.ForeignKey(
        "documents.Attachment", null=True, blank=True, on_delete=models.CASCADE,
        related_name="pii_findings", verbose_name="附件",
        help_text="仅“附件无法读取”一类发现项指向附件",
    )  # fmt: skip
    kind = models.CharField("类型", max_length=20)
    value = models.CharField("内容", max_length=300)  # internal only: never leaves staff views
    fingerprint = models.CharField(max_length=340)
    occurrences = models.JSONField("出现位置", default=list)
    confidence = models.FloatField("置信度", default=1.0)
    present = models.BooleanField("最近一次检测仍存在", default=True)
    status = models.CharField(
        "处理", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    reason = models.CharField("保留理由", max_length=20, choices=KeepReason.choices, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="处理人",
    )  # fmt: skip
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)
    detected_at = models.DateTimeField("发现时间", auto_now_add=True)

    class Meta:
        verbose_name = "个人信息发现项"
        verbose_name_plural = "个人信息发现项"
        ordering = ["document", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "fingerprint"], name="one_finding_per_value"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"

    @property
    def blocks(self) -> bool:
        """An open finding still in the text keeps the document from being published."""
        return self.present and self.status == self.Status.OPEN


class AttachmentScan(models.Model):
    attachment = models.OneToOneField(
        "documents.Attachment", on_delete=models.CASCADE, related_name="pii_scan"
    )
    sha256 = models.CharField(max_length=64)
    readable = models.BooleanField("可读取文字")
    chars = models.PositiveIntegerField("文字数", default=0)
    message = models.CharField("说明", max_length=300, blank=True)
    scanned_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "附件检测"
        verbose_name_plural = "附件检测"

    def __str__(self) -> str:
        return f"{self.attachment_id}: {'可读' if self.readable else '须人工审阅'}"


class ReviewRecord(models.Model):
    """One review per submission (一事一审). Signed when `reviewed_at` is set."""

    document = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="review_records",
        verbose_name="政府信息",
    )  # fmt: skip
    round = models.PositiveIntegerField("第几次提交")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="提交人",
    )  # fmt: skip
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)
    attribute = models.CharField("公开属性", max_length=16, blank=True)
    ground = models.CharField("法律依据", max_length=20, choices=LegalGround.choices, blank=True)
    negative_list_entry = models.ForeignKey(
        NegativeListEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="负面清单事项",
    )  # fmt: skip
    reason = models.TextField("理由", blank=True)
    secrecy_confirmed = models.BooleanField("已完成保密审查", default=False)
    findings = models.JSONField("审查时的发现项", default=dict)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="审查人",
    )  # fmt: skip
    reviewer_name = models.CharField("审查人", max_length=150, blank=True)
    reviewed_at = models.DateTimeField("审查时间", null=True, blank=True)

    class Meta:
        verbose_name = "保密审查记录"
        verbose_name_plural = "保密审查记录"
        ordering = ["document", "-round"]
        constraints = [
            models.UniqueConstraint(fields=["document", "round"], name="one_review_per_submission")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} 第{self.round}次审查"

    @property
    def signed(self) -> bool:
        return self.reviewed_at is not None
