"""Outbound address guard of the link checker and the uptime probe (issue 23, spec monitoring.md §5).

A check never connects to loopback, private (RFC 1918, ULA), link-local (169.254/16 holds cloud
metadata), CGNAT (100.64/10), multicast, reserved or unspecified addresses, in IPv4, IPv6 or
IPv4-mapped/NAT64 form, unless the operator passes --allow-private. The guard is applied to every
resolved address of every hop (each redirect is checked again) and the connection goes to the
address that was checked, so a second DNS answer cannot swap it (DNS rebinding).
"""

import ipaddress
import socket

CGNAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class Blocked(Exception):
    """The host resolves to an address the checker must not reach."""


def is_blocked(ip: str) -> bool:
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.ipv4_mapped is not None:
            addr = addr.ipv4_mapped
        elif addr in NAT64:
            addr = ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
        elif addr.sixtofour is not None:
            addr = addr.sixtofour
    if isinstance(addr, ipaddress.IPv4Address) and addr in CGNAT:
        return True
    return bool(
        addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_multicast
        or addr.is_reserved or addr.is_unspecified or not addr.is_global
    )  # fmt: skip


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (a literal address resolves to itself)."""
    host = host.strip("[]")
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for info in infos:
        ip = str(info[4][0])
        if ip not in seen:
            seen.append(ip)
    return seen


def checked_addresses(host: str, port: int, *, allow_private: bool) -> list[str]:
    """Addresses to connect to; Blocked when any of them is off-limits (one bad answer is enough:
    a host mixing public and private answers is treated as private)."""
    ips = resolve(host, port)
    if not allow_private:
        bad = [ip for ip in ips if is_blocked(ip)]
        if bad:
            raise Blocked(f"{host} 解析到内网或保留地址 {bad[0]}，未检查")
    return ips
