"""Outbound HTTP of the uptime probe and the link checker (spec monitoring.md §5).

- One total deadline per check (the probe's 15 s, inclusive, is a failure).
- At most 5 redirects; every hop is resolved and checked by `lib/netguard` and the connection
  goes to the checked address (TLS still verifies the host name).
- Broken: DNS failure, connection error, timeout, final 404/410/≥500; 401/403/429 are
  unverifiable; everything else answers.
- Outbound checks are handed out host by host (`dispatch`): one queue per host, each host's
  next check released only when its per-host slot is due, hosts interleaved by the time their
  slot comes, so a host with many links or a slow one never stalls the others; a worker also
  passes `HostPacer` just before it sends a request (the hard per-host limit). Links are pulled
  from a stream into a bounded buffer and results are yielded as they come: memory stays flat.
  The pacer's slot is taken between connecting and sending, so each redirect hop is paced too.
- A host that cannot be reached `DEAD_AFTER` times in a row (DNS failure, refused or timed-out
  connection on the first hop) is not asked again in that run: its remaining links are broken
  with the reason said, so a dead host with 1,000 links costs seconds, not an hour of timeouts.
Only URLs from public pages, attachments and staff-made columns reach here, never a visitor's.
"""

import functools
import heapq
import http.client
import io
import itertools
import math
import socket
import ssl
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import quote, urljoin, urlsplit

from gongkai.lib import netguard

MAX_REDIRECTS = 5
DEAD_AFTER = 3  # consecutive unreachable first hops before a host's other links are not asked
UNVERIFIABLE = {401, 403, 429}
USER_AGENT = "GongkaiSiteCheck/1.0 (+self-inspection)"  # headers are latin-1


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int | None
    error: str
    elapsed_s: float
    skipped_private: bool = False
    unreachable: bool = False  # the link's own host gave no connection (DNS, refused, timeout)

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


def _tls(sock: socket.socket, host: str, timeout: float) -> socket.socket:
    sock.settimeout(timeout)
    try:
        return ssl.create_default_context().wrap_socket(sock, server_hostname=host.strip("[]"))
    except BaseException:
        sock.close()
        raise


class _DeadlineReader(io.RawIOBase):
    """The socket as http.client reads it, each read bounded by what is left of the total
    deadline: a far side that trickles its headers or body byte by byte cannot hold a worker
    past the check's timeout (a socket timeout alone restarts with every byte)."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        # Through the socket's own file, so that closing the connection waits for this reader.
        self.sock, self.raw, self.deadline = sock, sock.makefile("rb", buffering=0), deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: "memoryview | bytearray") -> int | None:  # type: ignore[override]
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        self.sock.settimeout(left)
        return self.raw.readinto(buffer)

    def close(self) -> None:
        self.raw.close()
        super().close()


class _DeadlineSocket:
    """What `HTTPResponse` asks of its socket: a file to read the answer from."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self.sock, self.deadline = sock, deadline

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self.sock, self.deadline))


def _response(
    sock: socket.socket, *, deadline: float, **kwargs: object
) -> http.client.HTTPResponse:
    return http.client.HTTPResponse(_DeadlineSocket(sock, deadline), **kwargs)  # type: ignore[arg-type]


def fetch(url: str, *, timeout: float, allow_private: bool = False,
          pace: Callable[[str], None] | None = None) -> Fetched:  # fmt: skip
    """GET `url`, following ≤5 redirects, within `timeout` seconds in total. `pace(host)` is
    passed between connecting and sending each request (the per-host limit counts requests as
    the far side receives them, so nothing slow may lie between the slot and the request)."""
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
            return Fetched(current, None, f"域名解析失败：{e}", time.monotonic() - start,
                           unreachable=_hop == 0)  # fmt: skip
        try:
            if left() <= 0:
                raise TimeoutError
            sock = socket.create_connection((ips[0], port), timeout=left())
        except TimeoutError:
            return Fetched(current, None, f"连接超时（{timeout:g} 秒）", time.monotonic() - start,
                           unreachable=_hop == 0)  # fmt: skip
        except OSError as e:
            return Fetched(current, None, f"无法连接：{e}", time.monotonic() - start,
                           unreachable=_hop == 0)  # fmt: skip
        try:
            if https:
                sock = _tls(sock, parts.hostname, left())
            conn = http.client.HTTPConnection(parts.hostname, port, timeout=left())
            conn.sock = sock
            conn.response_class = functools.partial(_response, deadline=start + timeout)  # type: ignore[assignment]
            path = quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
                         safe="/:@!$&'()*+,;=%?~-._[]")  # fmt: skip
            host_header = parts.netloc.rsplit("@", 1)[-1].encode("idna").decode("ascii")
            if pace is not None:
                pace(parts.hostname.lower())
            conn.request("GET", path, headers={"Host": host_header, "User-Agent": USER_AGENT,
                                               "Accept": "*/*", "Connection": "close"})  # fmt: skip
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


T = TypeVar("T")
R = TypeVar("R")
PULL_BUDGET_S = 0.05  # at most this long reading the stream before handing out what is due


def per_host_cap(rate: float, workers: int) -> int:
    """Checks of one host in flight at once: enough for its rate when answers take up to 2 s,
    at most half the workers, so a host that answers slowly (or hangs until the timeout)
    holds a few workers, never all of them."""
    want = math.ceil(2 * rate) if rate > 0 else workers
    return max(1, min(max(2, want), workers // 2))


def dispatch(
    items: Iterable[T], *, host_of: Callable[[T], str], work: Callable[[T], R], rate: float,
    workers: int = 8, buffer: int = 20_000, per_host: int | None = None,
    dead: Callable[[R], bool] | None = None, instead: Callable[[T], R] | None = None,
) -> Iterator[tuple[T, R]]:  # fmt: skip
    """Run `work` on every item, `workers` at a time, yielding (item, result) as each finishes.

    One FIFO queue per host; a host is handed its next item only when its slot is due (one
    every `HostPacer.MARGIN / rate` seconds from the last hand-out) and while fewer than
    `per_host` of its items are in flight; among the hosts whose slot is due the earliest goes
    first, so hosts interleave whatever the order of `items`. At most `buffer` items are read
    ahead of the workers (the stream is read lazily, a little at a time).

    With `dead` and `instead`: once `DEAD_AFTER` results of one host in a row are `dead`, its
    queued and later items are not worked on but yielded at once with `instead(item)`."""
    gap = HostPacer.MARGIN / rate if rate > 0 else 0.0
    workers = max(1, workers)
    cap = per_host or per_host_cap(rate, workers)
    queues: dict[str, deque[T]] = defaultdict(deque)
    due: dict[str, float] = {}
    inflight: dict[str, int] = defaultdict(int)
    ready: list[tuple[float, int, str]] = []  # hosts with queued items below their cap
    order = itertools.count()
    source = iter(items)
    exhausted, buffered = False, 0
    running: dict[Future[R], tuple[str, T]] = {}
    failures: dict[str, int] = defaultdict(int)  # consecutive dead results per host
    tripped: set[str] = set()

    def schedule(host: str) -> None:
        heapq.heappush(ready, (due.get(host, 0.0), next(order), host))

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="linkcheck") as pool:
        while True:
            started = time.monotonic()
            while not exhausted and buffered < buffer:
                try:
                    item = next(source)
                except StopIteration:
                    exhausted = True
                    break
                host = host_of(item)
                if host in tripped and instead is not None:
                    yield item, instead(item)
                    continue
                q = queues[host]
                if not q and inflight[host] < cap:
                    schedule(host)
                q.append(item)
                buffered += 1
                if ready and time.monotonic() - started > PULL_BUDGET_S:
                    break
            now = time.monotonic()
            while ready and len(running) < workers and ready[0][0] <= now:
                _, _, host = heapq.heappop(ready)
                if host not in queues:
                    continue  # tripped since it was scheduled: its queue is gone
                q = queues[host]
                item = q.popleft()
                buffered -= 1
                due[host] = now + gap
                inflight[host] += 1
                running[pool.submit(work, item)] = (host, item)
                if q and inflight[host] < cap:
                    schedule(host)
                elif not q:
                    del queues[host]
            more = not exhausted and buffered < buffer
            if not running:
                if not ready and not more:
                    if exhausted:
                        return
                    continue
                if ready and not more:
                    time.sleep(max(0.0, ready[0][0] - time.monotonic()))
                continue
            timeout: float | None = None
            if ready and len(running) < workers:
                timeout = max(0.0, ready[0][0] - time.monotonic())
            if more:
                timeout = 0.0 if timeout is None else min(timeout, PULL_BUDGET_S)
            done, _ = wait(running, timeout=timeout, return_when=FIRST_COMPLETED)
            for f in done:
                host, item = running.pop(f)
                inflight[host] -= 1
                if queues.get(host) and inflight[host] == cap - 1:
                    schedule(host)  # it was held at its cap, so it was not waiting in `ready`
                if not inflight[host]:
                    del inflight[host]
                result = f.result()
                yield item, result
                if dead is None or instead is None or host in tripped:
                    continue
                failures[host] = failures[host] + 1 if dead(result) else 0
                if failures[host] >= DEAD_AFTER:
                    tripped.add(host)
                    for left_over in queues.pop(host, ()):
                        buffered -= 1
                        yield left_over, instead(left_over)
