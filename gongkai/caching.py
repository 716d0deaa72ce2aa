"""Whole-response cache for anonymous public GETs (pages, feeds, sitemaps, the public API).

Every state change in Gongkai writes an audit entry, so the audit chain's head hash is a
version of everything public: a cached response is keyed by it (plus host, full path and the
长者版/字号 cookies that change the markup) and is never stale. Clients get the key as ETag
and a 304 when they already have it. Requests with a session or an Authorization header, and
every non-GET, pass straight through.
"""

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers

from gongkai.audit.selectors import head_hash

PREFIXES = (
    "/gk/",
    "/list/",
    "/documents/",
    "/sitemap",
    "/feeds/",
    "/api/v1/documents",
    "/api/v1/organizations",
)
TTL = 600  # seconds: entries are exact by key; this only bounds memory held by unused keys
VARY_COOKIES = ("mode", "fs")


def cacheable(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and (request.path == "/" or request.path.startswith(PREFIXES))
        and "HTTP_AUTHORIZATION" not in request.META
        and "sessionid" not in request.COOKIES
    )


class PublicCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not cacheable(request):
            return self.get_response(request)
        variant = "|".join(request.COOKIES.get(c, "") for c in VARY_COOKIES)
        raw = f"{head_hash()}|{request.get_host()}|{request.get_full_path()}|{variant}"
        key = hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()
        etag = f'"{key}"'
        if etag in request.headers.get("If-None-Match", ""):
            response: HttpResponse = HttpResponseNotModified()
        elif (hit := cache.get(f"page:{key}")) is not None:
            content, content_type = hit
            response = HttpResponse(content, content_type=content_type)
        else:
            response = self.get_response(request)
            private = "private" in response.get("Cache-Control", "") or "no-store" in response.get(
                "Cache-Control", ""
            )
            if response.status_code != 200 or response.streaming or private:
                return response
            cache.set(f"page:{key}", (response.content, response["Content-Type"]), TTL)
        response["ETag"] = etag
        response["Cache-Control"] = "public, max-age=60"
        patch_vary_headers(response, ["Cookie", "Authorization"])
        return response


def private(response: HttpResponse) -> HttpResponse:
    """Mark a response for one person only (a tracking code, a key, a staff page): neither this
    cache nor any proxy keeps it, and search engines do not index it."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
