"""Organisations (机构): the agencies of one deployment, in their hierarchy.

One deployment serves a city or province (集约化): province → city → district → department,
and 乡镇/街道. Each organisation publishes the profile agencies must make public
(单位简介, 职能权限, 领导分工, 办公地址, 办公时间, 联系电话, 监督投诉电话).
"""

from django.core.validators import RegexValidator
from django.db import models

from gongkai.lib.indexno import DEFAULT_FORMAT


class Organization(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", "省级"
        CITY = "city", "市级"
        DISTRICT = "district", "区县"
        DEPARTMENT = "department", "部门"
        TOWNSHIP = "township", "乡镇/街道"

    parent = models.ForeignKey(
        "self", verbose_name="上级机构", null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )  # fmt: skip
    # "/1/4/9/": ids from the root down to this one, for descendant queries without recursion
    path = models.CharField(max_length=255, editable=False, db_index=True, default="/")
    level = models.CharField("层级", max_length=16, choices=Level.choices)
    code = models.SlugField(
        "机构标识", max_length=40, unique=True, help_text="网址与接口中使用的英文标识，如 fgw"
    )
    name = models.CharField("机构全称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=40, blank=True)
    region_code = models.CharField(
        "行政区划代码",
        max_length=6,
        validators=[RegexValidator(r"^\d{6}$", "行政区划代码应为6位数字")],
    )
    org_code = models.CharField(
        "机构代码", max_length=20, blank=True, help_text="索引号前段码所用的机构代码，如 141"
    )
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    index_format = models.CharField(
        "索引号格式", max_length=80, default=DEFAULT_FORMAT,
        help_text="占位符：{行政区划代码} {机构代码} {统一社会信用代码} {year} {month} {seq:05d}",
    )  # fmt: skip
    order = models.PositiveIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    intro = models.TextField("单位简介", blank=True)
    functions = models.TextField("职能权限", blank=True)
    leadership = models.TextField("领导分工", blank=True)
    disclosure_leader = models.CharField("分管政务公开工作的负责人", max_length=100, blank=True)
    address = models.CharField("办公地址", max_length=200, blank=True)
    office_hours = models.CharField("办公时间", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=50, blank=True)
    complaint_phone = models.CharField("监督投诉电话", max_length=50, blank=True)
    postcode = models.CharField("邮政编码", max_length=6, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["path", "order", "id"]

    def __str__(self) -> str:
        return self.name

    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p][:-1]
