from django.apps import AppConfig


class GazetteConfig(AppConfig):
    name = "gongkai.gazette"
    verbose_name = "政府公报与规范性文件"
