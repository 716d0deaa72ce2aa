"""Outbound HTTP of the uptime probe and the link checker (spec monitoring.md §5).

- One total deadline per check (the probe's 15 s, inclusive, is a failure).
- At most 5 redirects; every hop is resolved and checked by `lib/netguard` and the connection
  goes to the checked address (TLS still verifies the host name).
- Broken: DNS failure, connection error, timeout, final 404/410/≥500; 401/403/429 are
  unverifiable; everything else answers.
- Outbound checks of one host are spaced by the per-host rate (`HostPacer`).
Only URLs from public pages, attachments and staff-made columns reach here, never a visitor's.
"""

import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from gongkai.lib import netguard

MAX_REDIRECTS = 5
UNVERIFIABLE = {401, 403, 429}
USER_AGENT = "GongkaiSiteCheck/1.0 (+self-inspection)"  # headers are latin-1


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int | None
    error: str
    elapsed_s: float
    skipped_private: bool = False

    @property
    def outcome(self) -> str:
        if self.skipped_private:
            return "skipped_private"
        if self.status is None:
            return "broken"
        if self.status in UNVERIFIABLE:
            return "unverifiable"
        if self.status in (404, 410) or self.status >= 500:
            return "broken"
        return "ok"


def _connect(host: str, ip: str, port: int, https: bool, timeout: float) -> socket.socket:
    sock = socket.create_connection((ip, port), timeout=timeout)
    if https:
        ctx = ssl.create_default_context()
        sock = ctx.wrap_socket(sock, server_hostname=host.strip("[]"))
    return sock


def fetch(url: str, *, timeout: float, allow_private: bool = False) -> Fetched:
    """GET `url`, following ≤5 redirects, within `timeout` seconds in total."""
    start = time.monotonic()

    def left() -> float:
        return timeout - (time.monotonic() - start)

    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urlsplit(current)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return Fetched(current, None, "不是 http(s) 地址", time.monotonic() - start)
        https = parts.scheme == "https"
        try:
            port = parts.port or (443 if https else 80)
        except ValueError:
            return Fetched(current, None, "地址无效（端口）", time.monotonic() - start)
        try:
            ips = netguard.checked_addresses(parts.hostname, port, allow_private=allow_private)
        except netguard.Blocked as e:
            return Fetched(current, None, str(e), time.monotonic() - start, skipped_private=True)
        except (OSError, UnicodeError) as e:
            return Fetched(current, None, f"域名解析失败：{e}", time.monotonic() - start)
        try:
            if left() <= 0:
                raise TimeoutError
            sock = _connect(parts.hostname, ips[0], port, https, left())
            conn = http.client.HTTPConnection(parts.hostname, port, timeout=left())
            conn.sock = sock
            path = quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
                         safe="/:@!$&'()*+,;=%?~-._[]")  # fmt: skip
            host_header = parts.netloc.rsplit("@", 1)[-1].encode("idna").decode("ascii")
            conn.request("GET", path, headers={"Host": host_header, "User-Agent": USER_AGENT,
                                               "Accept": "*/*", "Connection": "close"})  # fmt: skip
            sock.settimeout(max(left(), 0.001))
            resp = conn.getresponse()
            resp.read(65536)  # the start of the body: a page that begins to load has opened
            status, location = resp.status, resp.getheader("Location")
            conn.close()
        except TimeoutError:
            return Fetched(current, None, f"超时（{timeout:g} 秒）", time.monotonic() - start)
        except ssl.SSLError as e:
            return Fetched(current, None, f"TLS 错误：{e.reason or e}", time.monotonic() - start)
        except (OSError, http.client.HTTPException, ValueError) as e:
            return Fetched(current, None, f"连接失败：{e}", time.monotonic() - start)
        elapsed = time.monotonic() - start
        if elapsed >= timeout:
            return Fetched(current, None, f"超时（{timeout:g} 秒）", elapsed)
        if status in (301, 302, 303, 307, 308) and location:
            current = urljoin(current, location)
            continue
        return Fetched(current, status, "", elapsed)
    return Fetched(current, None, f"重定向超过 {MAX_REDIRECTS} 次", time.monotonic() - start)


class HostPacer:
    """Per-host spacing: at most `rate` checks per second to one host, across threads. A slot is
    taken only when a thread is actually released (not when it was scheduled), so threads delayed
    by the scheduler never bunch up; the gap has a 10 % margin for the jitter between release
    and arrival at the far side."""

    MARGIN = 1.1

    def __init__(self, rate: float) -> None:
        self.gap = self.MARGIN / rate if rate > 0 else 0.0
        self.next: dict[str, float] = {}
        self.lock = threading.Lock()

    def wait(self, host: str) -> None:
        while True:
            with self.lock:
                now = time.monotonic()
                due = self.next.get(host, now)
                if now >= due:
                    self.next[host] = now + self.gap
                    return
                delay = due - now
            time.sleep(delay)
