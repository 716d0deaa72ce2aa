"""Site settings of the public disclosure site: the chrome every Chinese government website must
carry (《政府网站发展指引》, 国办发〔2017〕47号): 主办单位, 承办/运行维护单位, 网站标识码, ICP 备案号,
公安备案号, 联系我们, 网站声明, 我要纠错 and the 12345 hotline. One row per deployment."""

from django.db import models


class SiteSettings(models.Model):
    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    site_name = models.CharField("网站名称", max_length=100, default="政务公开平台")
    host = models.CharField("主办单位", max_length=100, blank=True)
    organizer = models.CharField("承办单位", max_length=100, blank=True)
    operator = models.CharField("运行维护单位", max_length=100, blank=True)
    site_code = models.CharField("网站标识码", max_length=20, blank=True)
    icp = models.CharField("ICP 备案号", max_length=50, blank=True)
    police_record = models.CharField("公安备案号", max_length=50, blank=True)
    contact = models.TextField("联系我们", blank=True, help_text="地址、邮编、电话、电子邮箱")
    statement = models.TextField("网站声明", blank=True)
    correction_url = models.CharField(
        "我要纠错链接",
        max_length=200,
        blank=True,
        help_text="如国办政府网站“我要纠错”平台地址或本站纠错邮箱 mailto: 链接",
    )
    hotline = models.CharField("政务服务便民热线", max_length=20, default="12345")
    site_url = models.URLField(
        "首页网址", max_length=200, blank=True,
        help_text="如 https://www.example.gov.cn/；网站监测以此判断本站链接并监测首页可用性",
    )  # fmt: skip
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "网站设置"
        verbose_name_plural = "网站设置"

    def __str__(self) -> str:
        return self.site_name
