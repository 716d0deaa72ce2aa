"""Reads on organisations."""

from django.db.models import QuerySet

from .models import Organization


def public_organizations() -> QuerySet[Organization]:
    return Organization.objects.filter(is_active=True).select_related("parent")


def descendant_ids(org_ids: set[int]) -> set[int]:
    """The given organisations and every one below them."""
    if not org_ids:
        return set()
    paths = Organization.objects.filter(pk__in=org_ids).values_list("path", flat=True)
    result: set[int] = set(org_ids)
    for path in paths:
        result.update(
            Organization.objects.filter(path__startswith=path).values_list("pk", flat=True)
        )
    return result
