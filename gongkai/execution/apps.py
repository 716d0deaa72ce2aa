from django.apps import AppConfig


class ExecutionConfig(AppConfig):
    name = "gongkai.execution"
    verbose_name = "执行公开与回应关切"
