"""App config of the back office: Django's admin with Gongkai's site (see admin_site.py)."""

from django.contrib.admin.apps import AdminConfig


class GongkaiAdminConfig(AdminConfig):
    default_site = "gongkai.admin_site.GongkaiAdminSite"
