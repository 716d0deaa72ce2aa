"""The client's address: REMOTE_ADDR, or the right-most untrusted X-Forwarded-For hop when the
request came through one of GONGKAI_TRUSTED_PROXIES (audit F4). Used by every throttle and audit."""

import functools
import ipaddress

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    # an IPv4 client seen through an IPv6 socket is the same client
    mapped = getattr(ip, "ipv4_mapped", None)
    return mapped or ip


def _trusted(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, nets: tuple[Network, ...]) -> bool:
    return any(ip.version == net.version and ip in net for net in nets)


def client_ip(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    nets = _networks(tuple(getattr(settings, "GONGKAI_TRUSTED_PROXIES", ())))
    current = _parse(remote)
    if current is None or not nets or not _trusted(current, nets):
        return remote[:45]  # a direct client: any X-Forwarded-For it sent is its own claim
    hops = str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
    for hop in reversed(hops):
        ip = _parse(hop)
        if ip is None:
            break  # garbage before a trusted proxy: keep the last address a proxy vouched for
        current = ip
        if not _trusted(ip, nets):
            break  # the right-most hop no trusted proxy added is the client
    return str(current)[:45]
