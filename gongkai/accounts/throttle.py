"""Per-address rate limits of the public entry points (forms, lookups), in Django's cache.

The cache is per process unless CACHES points at a shared one (see settings): behind several
workers the effective limit is the limit times the number of workers.
"""

from django.core.cache import cache
from django.http import HttpRequest

from .backends import client_ip


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
