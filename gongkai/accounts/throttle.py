"""Per-address rate limits in Django's cache: the public entry points (forms, lookups) and the
sliding window of failed logins and token uses (audit F4).

The cache is per process unless CACHES points at a shared one (see settings): behind several
workers the effective limit is the limit times the number of workers.
"""

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from gongkai.audit.services import record

from .addresses import client_ip

# read by accounts.middleware.RetryAfterMiddleware, which puts it on any 429 without one
RETRY_AFTER_ATTR = "gongkai_retry_after"


def rate_limited(request: HttpRequest, bucket: str, limit: int, window_s: int) -> bool:
    """Count this request against `limit` per `window_s` seconds for the client's address."""
    key = f"gongkai:rate:{bucket}:{client_ip(request)}"
    cache.add(key, 0, timeout=window_s)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_s)
        count = 1
    if count > limit:
        setattr(request, RETRY_AFTER_ATTR, window_s)  # fixed window: at most this long
        return True
    return False


# --- failed logins per address (sliding window) --------------------------------------------
def _limit(scope: str) -> tuple[int, int]:
    """(failures allowed, window in seconds) for `login` (all login forms) or `token` (API)."""
    if scope == "token":
        failures = settings.GONGKAI_TOKEN_ADDRESS_FAILURES
    else:
        failures = settings.GONGKAI_LOGIN_ADDRESS_FAILURES
    return failures, settings.GONGKAI_LOGIN_ADDRESS_WINDOW_MINUTES * 60


def _recent(key: str, window_s: int, now: float) -> list[float]:
    return [t for t in cache.get(key, []) if t > now - window_s]


def retry_after(request: HttpRequest, scope: str = "login") -> int:
    """Seconds until the client's address may try again; 0 when it may try now."""
    failures, window_s = _limit(scope)
    now = time.time()
    hits = _recent(f"gongkai:fail:{scope}:{client_ip(request)}", window_s, now)
    if failures <= 0 or len(hits) < failures:
        return 0
    wait = max(1, math.ceil(hits[-failures] + window_s - now))
    setattr(request, RETRY_AFTER_ATTR, wait)
    return wait


def note_failure(request: HttpRequest | None, scope: str = "login") -> None:
    """Count one failed attempt of the client's address; audit once when it becomes throttled."""
    if request is None:
        return
    failures, window_s = _limit(scope)
    ip = client_ip(request)
    key = f"gongkai:fail:{scope}:{ip}"
    now = time.time()
    # read-modify-write: concurrent failures may undercount by a few, never lock anyone out
    hits = [*_recent(key, window_s, now), now][-max(failures, 1) :]
    cache.set(key, hits, timeout=window_s)
    if 0 < failures <= len(hits) and cache.add(f"{key}:audited", 1, timeout=window_s):
        record(
            "login.throttled", object_type="accounts.address", object_id=ip[:64], ip=ip,
            after={"scope": scope, "failures": failures, "window_s": window_s},
        )  # fmt: skip
