"""Whole-response cache for anonymous public GETs (pages, feeds, sitemaps, the public API).

Every state change in Gongkai writes an audit entry; the hash of the newest entry that may have
changed a public page (`AuditHead.public_hash`; which actions do not is the one rule in
audit/publicity.py) is a version of everything public: a cached response is keyed by it (plus
host, full path and the 长者版/字号 cookies that change the markup) and is never stale. A
sign-in, a letter or an application arriving leaves every cached page valid; a publication,
withdrawal or edit replaces them all at once. Clients get the key as ETag
and a 304 when they already have it. Requests with a session or an Authorization header, and
every non-GET, pass straight through; so does a response that sets a cookie (a form's CSRF
token) or is marked private.

Compression (gzip, brotli, zstd; django-http-compression) applies to the same kind of response
only: never to one that carries a secret such as a CSRF token or personal data next to what a
visitor typed, which is what the BREACH attack needs.
"""

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django_http_compression.middleware import HttpCompressionMiddleware

from gongkai.audit.selectors import public_head_hash

PREFIXES = (
    "/gk/",
    "/list/",
    "/documents/",
    "/sitemap",
    "/feeds/",
    "/search/",
    "/data/",
    "/consultations/",
    "/mailbox/",
    "/decisions/",
    "/participation/",
    "/lists/",
    "/annual-report/",
    "/robots.txt",
    "/api/v1/",
    "/api/3/action/",
)
# Rendered on every request, tagged by their own content so that a client still gets a 304:
# search results change with the index (no audit entry), every call of the data APIs goes
# to their request log (接口可用率, uses of keys), which a stored answer would skip, and the
# letter statistics and annual reports count letters and applications, whose arrival is quiet.
CONTENT_TAGGED = ("/search/", "/api/v1/search", "/api/v1/data/", "/api/3/action/",
                  "/mailbox/statistics/", "/annual-report/", "/api/v1/annual-reports/")  # fmt: skip
# personal lookups and staff pages under the public prefixes
EXCLUDED = ("/data/staff/", "/data/access/", "/mailbox/query/", "/participation/staff/",
            "/api/v1/staff/", "/lists/staff/")  # fmt: skip
TTL = 600  # seconds: entries are exact by key; this only bounds memory held by unused keys
VARY_COOKIES = ("mode", "fs")
T = TypeVar("T")


def public_version(request: HttpRequest) -> str:
    """`AuditHead.public_hash` for this request, read once. Read it before the data a fragment
    shows: what is read after it is at least as new, so nothing older is stored under it."""
    version = getattr(request, "public_version", None)
    if version is None:
        version = request.public_version = public_head_hash()  # type: ignore[attr-defined]
    return version


def versioned(request: HttpRequest, key: str, build: Callable[[], T]) -> T:
    """What `build()` returns for `key` (the parameters that matter), stored under the public
    version like a page: a publication, withdrawal or edit moves the version, so it is never
    stale. None (a 404) is not stored."""
    raw = f"{public_version(request)}|{key}"
    cache_key = "v:" + hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()
    value = cache.get(cache_key)
    if value is None:
        value = build()
        if value is not None:
            cache.set(cache_key, value, TTL)
    return value


def cacheable(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and (request.path == "/" or request.path.startswith(PREFIXES))
        and not request.path.startswith(EXCLUDED)
        and "HTTP_AUTHORIZATION" not in request.META
        and "sessionid" not in request.COOKIES
    )


class PublicCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not cacheable(request):
            return self.get_response(request)
        if request.path.startswith(CONTENT_TAGGED):
            return self._content_tagged(request)
        variant = "|".join(request.COOKIES.get(c, "") for c in VARY_COOKIES)
        raw = f"{public_version(request)}|{request.get_host()}|{request.get_full_path()}|{variant}"
        key = hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()
        etag = f'"{key}"'
        if etag in request.headers.get("If-None-Match", ""):
            response: HttpResponse = HttpResponseNotModified()
            response["X-Cache"] = "hit"
        elif (hit := cache.get(f"page:{key}")) is not None:
            content, content_type = hit
            response = HttpResponse(content, content_type=content_type)
            response["X-Cache"] = "hit"
        else:
            response = self.get_response(request)
            if response.status_code != 200 or response.streaming or not shareable(response):
                return response
            cache.set(f"page:{key}", (response.content, response["Content-Type"]), TTL)
            response["X-Cache"] = "miss"  # rendered now; the hit rate is read from this header
        response["ETag"] = etag
        response["Cache-Control"] = "public, max-age=60"
        patch_vary_headers(response, ["Cookie", "Authorization"])
        return response

    def _content_tagged(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 200 or response.streaming or not shareable(response):
            return response
        digest = hashlib.sha1(response.content, usedforsecurity=False).hexdigest()
        etag = f'"c{digest}"'
        if etag in request.headers.get("If-None-Match", ""):
            response = HttpResponseNotModified()
        response["ETag"] = etag
        response["Cache-Control"] = "public, max-age=60"
        patch_vary_headers(response, ["Cookie", "Authorization"])
        return response


def shareable(response: Any) -> bool:
    """Is this response the same for everyone? Not when it sets a cookie (a form's CSRF token)
    or says it is for one person."""
    control = response.get("Cache-Control", "")
    return not response.cookies and "private" not in control and "no-store" not in control


class PublicCompressionMiddleware(HttpCompressionMiddleware):
    """Compress what every visitor gets alike; leave alone what holds a secret (BREACH)."""

    def maybe_compress(self, request: HttpRequest, response: Any) -> None:
        signed_in = "sessionid" in request.COOKIES or "HTTP_AUTHORIZATION" in request.META
        if signed_in or not shareable(response):
            return
        super().maybe_compress(request, response)


def private(response: HttpResponse) -> HttpResponse:
    """Mark a response for one person only (a tracking code, a key, a staff page): neither this
    cache nor any proxy keeps it, and search engines do not index it."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
