from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "gongkai.organizations"
    verbose_name = "机构"
