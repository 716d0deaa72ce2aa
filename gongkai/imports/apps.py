from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "gongkai.imports"
    verbose_name = "历史网页导入"
