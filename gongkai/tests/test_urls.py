"""The portal's patterns come first in the URL configuration (its pages are the most visited):
none of them may take a path another app declares."""

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver, resolve


def _literal_routes(patterns: list, prefix: str = "") -> Iterator[tuple[str, str | None]]:
    for p in patterns:
        route = str(p.pattern)
        if isinstance(p, URLResolver):
            if "<" not in route and not route.startswith("^"):
                yield from _literal_routes(p.url_patterns, prefix + route)
        elif isinstance(p, URLPattern) and "<" not in route and not route.startswith("^"):
            yield prefix + route, p.name


def test_every_literal_path_resolves_to_the_pattern_that_declares_it() -> None:
    routes = list(_literal_routes(get_resolver().url_patterns))
    assert len(routes) > 50  # the apps' pages, not only the portal's
    for route, name in routes:
        if route.startswith(("admin/", "api/")) or name is None:
            continue  # the admin and the API keep their own order, after none of the portal's
        assert resolve("/" + route).url_name == name, route
