"""Shared guards of the public entry points: per-address rate limits in Django's cache."""

from django.core.cache import cache
from django.http import HttpRequest

from gongkai.accounts.backends import client_ip

FIRST_REPORT_YEAR = 2019  # the revised 条例 took effect on 2019-05-15


def rate_limited(request: HttpRequest, bucket: str, limit: int, window_s: int) -> bool:
    """Count this request against `limit` per `window_s` seconds for the client's address."""
    key = f"gongkai:rate:{bucket}:{client_ip(request)}"
    cache.add(key, 0, timeout=window_s)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_s)
        count = 1
    return count > limit
