"""基层政务公开标准目录 (gazette-catalog spec §3; 国办发〔2019〕54号): per grassroots government, the
公开事项 of each of the 26 pilot domains in the template's columns, 未涉及 domains with their
published explanation, and the columns/category lists whose publications fulfil each entry."""

from django.db import models

from gongkai.documents.models import DirectoryItem, InfoCategory


class Domain(models.Model):
    """One of the 26 pilot domains (data file `data/domains.txt`, kept as data: names vary)."""

    code = models.SlugField("代码", max_length=20, unique=True)
    name = models.CharField("领域", max_length=30, unique=True)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "试点领域"
        verbose_name_plural = "试点领域"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Entry(models.Model):
    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="catalog_entries",
        verbose_name="机构",
    )  # fmt: skip
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="entries",
                               verbose_name="领域")  # fmt: skip
    seq = models.PositiveIntegerField("序号")
    level1 = models.CharField("一级事项", max_length=200)
    level2 = models.CharField("二级事项", max_length=200, blank=True)
    content = models.TextField("公开内容（要素）", blank=True)
    basis = models.JSONField("公开依据", default=list, blank=True,
                             help_text='[{"rank": "法律", "title": "…"}]')  # fmt: skip
    time_limit_rule = models.CharField("时限规则", max_length=20, default="wd20")
    time_limit_text = models.CharField("公开时限", max_length=200, blank=True)
    publisher = models.CharField("公开主体", max_length=200, blank=True)
    channels = models.JSONField("公开渠道和载体", default=list, blank=True)
    audience = models.JSONField("公开对象", default=list, blank=True)
    mode = models.JSONField("公开方式", default=list, blank=True)
    levels = models.JSONField("公开层级", default=list, blank=True)
    directory_items = models.ManyToManyField(
        DirectoryItem, blank=True, related_name="catalog_entries", verbose_name="对应目录栏目"
    )
    categories = models.ManyToManyField(
        InfoCategory, blank=True, related_name="catalog_entries", verbose_name="对应信息类别"
    )

    class Meta:
        verbose_name = "标准目录事项"
        verbose_name_plural = "标准目录事项"
        ordering = ["org", "domain__order", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["org", "domain", "seq"], name="one_catalog_seq")
        ]

    def __str__(self) -> str:
        return f"{self.level1}/{self.level2}" if self.level2 else self.level1


class NotApplicable(models.Model):
    """未涉及领域说明: a domain the government declares not applicable, with its explanation."""

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+",
        verbose_name="机构",
    )  # fmt: skip
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+",
                               verbose_name="领域")  # fmt: skip
    explanation = models.TextField("说明")

    class Meta:
        verbose_name = "未涉及领域说明"
        verbose_name_plural = "未涉及领域说明"
        constraints = [models.UniqueConstraint(fields=["org", "domain"], name="one_not_applicable")]

    def __str__(self) -> str:
        return f"{self.org_id}: {self.domain_id}"
