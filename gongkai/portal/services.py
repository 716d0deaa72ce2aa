"""Writes of the public site: its settings (platform administrators only, audited)."""

from typing import Any

from django.db import transaction
from django.forms.models import model_to_dict

from gongkai.accounts import permissions
from gongkai.audit.services import changes, record

from .models import SiteSettings


@transaction.atomic
def save_site_settings(site: SiteSettings, *, by: Any, ip: str = "") -> SiteSettings:
    if not permissions.is_platform_admin(by) and by is not permissions.SYSTEM:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("只有平台管理员可以修改网站设置")
    old = SiteSettings.objects.filter(pk=site.pk).first()
    before = model_to_dict(old) if old else {}
    site.full_clean()
    site.save()
    b, a = changes(before, model_to_dict(site))
    record("site.settings", actor=by, obj=site, before=b or None, after=a, ip=ip)
    return site
