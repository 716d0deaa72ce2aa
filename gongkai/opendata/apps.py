from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "gongkai.opendata"
    verbose_name = "数据开放"
