"""The site chrome (settings, 长者版 and 字号 from cookies) for every public template."""

import functools
from typing import Any

from django.http import HttpRequest

from gongkai.caching import public_version

from .selectors import site_settings

FONT_SIZES = {"s": "小", "m": "中", "l": "大"}


def chrome(request: HttpRequest) -> dict[str, Any]:
    font = request.COOKIES.get("fs", "m")
    return {
        "site": site_settings(),
        "elder": request.COOKIES.get("mode") == "elder",
        "font_size": font if font in FONT_SIZES else "m",
        # the key of the footer fragment; read only when a template asks (never on the admin)
        "public_version": functools.partial(public_version, request),
    }
