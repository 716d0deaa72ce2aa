from django.apps import AppConfig


class ListsConfig(AppConfig):
    name = "gongkai.lists"
    verbose_name = "权责清单与服务事项"
