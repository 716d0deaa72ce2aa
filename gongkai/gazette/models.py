"""政府公报 (gazette-catalog spec §1, 国办发〔2018〕22号): run by 省/市/县 governments only; issues
numbered per year with a running 总期号 ("2025年第3期（总第215期）"); a 目录 of sections in print
order whose entries point at public documents. Only the services change state."""

from django.db import models


class Gazette(models.Model):
    org = models.OneToOneField(
        "organizations.Organization", on_delete=models.PROTECT, related_name="gazette",
        verbose_name="主办机构",
    )  # fmt: skip
    name = models.CharField("公报名称", max_length=100, unique=True)
    normative_standard = models.BooleanField(
        "规范性文件以公报文本为标准文本", default=False,
        help_text="规章的公报文本一律为标准文本；规范性文件由本地规定（如辽宁）",
    )  # fmt: skip
    order = models.PositiveIntegerField("排序", default=100)

    class Meta:
        verbose_name = "政府公报"
        verbose_name_plural = "政府公报"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Issue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已出版"

    gazette = models.ForeignKey(Gazette, on_delete=models.PROTECT, related_name="issues",
                                verbose_name="公报")  # fmt: skip
    year = models.PositiveIntegerField("年份")
    issue_no = models.PositiveIntegerField("期号", help_text="每年从第1期起")
    total_no = models.PositiveIntegerField("总期号", help_text="自创刊以来连续编号")
    published_on = models.DateField("出版日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    pdf = models.FileField("PDF版", upload_to="gazette/%Y/", blank=True, editable=False)
    pdf_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    staff_note = models.TextField("内部备注", blank=True, help_text="仅工作人员可见")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "公报期次"
        verbose_name_plural = "公报期次"
        ordering = ["gazette", "-year", "-issue_no"]
        constraints = [
            models.UniqueConstraint(fields=["gazette", "year", "issue_no"], name="one_issue_no"),
            models.UniqueConstraint(fields=["gazette", "total_no"], name="one_total_no"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return f"{self.year}年第{self.issue_no}期（总第{self.total_no}期）"


class Section(models.Model):
    """A section of one issue's 目录, e.g. 政府规章, 政府文件 (spec §1: kept as data)."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="sections")
    name = models.CharField("栏目", max_length=50)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "栏目"
        verbose_name_plural = "栏目"
        ordering = ["issue", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "name"], name="one_section_name_per_issue")
        ]

    def __str__(self) -> str:
        return self.name


class Entry(models.Model):
    """One line of the 目录: title, 文号 (令号 for a rule) and start page, in print order."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="entries")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="entries",
                                verbose_name="栏目")  # fmt: skip
    order = models.PositiveIntegerField("排序", default=0)
    title = models.CharField("标题", max_length=300)
    doc_number = models.CharField("文号/令号", max_length=60, blank=True)
    page = models.PositiveIntegerField("页码")
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT,
        related_name="gazette_entries", verbose_name="政府信息",
    )  # fmt: skip

    class Meta:
        verbose_name = "目录条目"
        verbose_name_plural = "目录条目"
        ordering = ["issue", "section__order", "order", "id"]

    def __str__(self) -> str:
        return self.title
