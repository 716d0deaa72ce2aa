"""The outbound guard and the fetcher (spec monitoring.md §5, issue 23): private, loopback,
link-local, CGNAT, multicast, reserved addresses are skipped — literal, by DNS, or after a
redirect — unless allow_private; ≤5 redirects; broken/unverifiable classes; per-host pacing.
Everything runs against a loopback server thread; nothing reaches the internet."""

import collections
import http.server
import itertools
import threading
import time
from typing import Any

import pytest

from gongkai.lib import netguard
from gongkai.monitoring import checker

from .conftest import Server

BLOCKED = ["127.0.0.1", "127.0.0.53", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
           "100.64.0.1", "224.0.0.1", "240.0.0.1", "0.0.0.0",  # noqa: S104 "::1", "::", "fe80::1", "fc00::1",
           "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "2002:7f00:1::"]  # fmt: skip


@pytest.mark.parametrize("ip", BLOCKED)
def test_blocked_addresses(ip):
    assert netguard.is_blocked(ip)


@pytest.mark.parametrize("ip", ["8.8.8.8", "223.5.5.5", "2400:3200::1", "::ffff:8.8.8.8"])
def test_public_addresses(ip):
    assert not netguard.is_blocked(ip)


def test_private_targets_are_skipped_by_default(server: Server):
    for url in [server.url("/ok"), f"http://localhost:{server.port}/ok",
                f"http://[::ffff:127.0.0.1]:{server.port}/ok"]:  # fmt: skip
        got = checker.fetch(url, timeout=2)
        assert got.skipped_private and got.outcome == "skipped_private", url
    assert server.hits == []  # nothing was connected


def test_allow_private_checks_them(server: Server):
    assert checker.fetch(server.url("/ok"), timeout=2, allow_private=True).outcome == "ok"


def _public_alias(monkeypatch, server: Server) -> str:
    """`public.test` resolves to the loopback server as if it were a public address; every other
    name still goes through the real guard."""
    real = netguard.checked_addresses

    def fake(host, port, *, allow_private):
        if host == "public.test":
            return ["127.0.0.1"]
        return real(host, port, allow_private=allow_private)

    monkeypatch.setattr(netguard, "checked_addresses", fake)
    return f"http://public.test:{server.port}"


def test_a_redirect_to_a_private_address_is_skipped(monkeypatch, server: Server):
    base = _public_alias(monkeypatch, server)
    for target in ["http://127.0.0.2/x", "http://169.254.169.254/latest/meta-data/",
                   f"http://localhost:{server.port}/ok", "http://[::1]/"]:  # fmt: skip
        got = checker.fetch(f"{base}/to?u={target}", timeout=2)
        assert got.skipped_private, target
    assert all(p.startswith("/to") for p in server.paths())  # the private hop was never made


def test_host_header_is_the_checked_name(monkeypatch, server: Server):
    base = _public_alias(monkeypatch, server)
    assert checker.fetch(f"{base}/ok", timeout=2).outcome == "ok"
    assert server.hits[-1][1] == f"public.test:{server.port}"


def test_outcomes(server: Server):
    def outcome(path: str) -> str:
        return checker.fetch(server.url(path), timeout=2, allow_private=True).outcome

    assert outcome("/missing") == "broken"
    assert outcome("/gone") == "broken"
    assert outcome("/error") == "broken"
    assert outcome("/forbidden") == "unverifiable"
    assert outcome("/teapot") == "ok"  # a 4xx other than 404/410 is not "broken" (§5)
    assert outcome("/redirect/5") == "ok"
    six = checker.fetch(server.url("/redirect/6"), timeout=2, allow_private=True)
    assert six.outcome == "broken" and "重定向" in six.error
    dead = checker.fetch("http://127.0.0.1:9/", timeout=1, allow_private=True)
    assert dead.outcome == "broken" and dead.status is None


def test_timeout_is_a_failure(server: Server):
    server.slow_s = 1.0
    got = checker.fetch(server.url("/slow"), timeout=0.3, allow_private=True)
    assert got.status is None and "超时" in got.error and got.outcome == "broken"


@pytest.mark.parametrize("path", ["/trickle-head", "/trickle-body"])
def test_the_timeout_is_total_while_the_far_side_trickles(server: Server, path: str):
    # Each byte arrives well within a socket timeout; only a total deadline stops the check.
    began = time.monotonic()
    got = checker.fetch(server.url(path), timeout=0.5, allow_private=True)
    took = time.monotonic() - began
    assert got.status is None and "超时" in got.error and got.outcome == "broken"
    assert took < 1.5


def test_unreachable_means_no_connection_to_the_links_own_host(server: Server):
    refused = checker.fetch("http://127.0.0.1:9/", timeout=1, allow_private=True)
    assert refused.unreachable and refused.outcome == "broken"
    server.slow_s = 1.0
    slow = checker.fetch(server.url("/slow"), timeout=0.3, allow_private=True)
    assert slow.outcome == "broken" and not slow.unreachable  # it connected, then stalled
    onward = checker.fetch(server.url("/to?u=http://127.0.0.1:9/"), timeout=1, allow_private=True)
    assert onward.outcome == "broken" and not onward.unreachable  # a hop's host, not the link's


def test_a_dead_host_is_asked_only_until_it_has_failed_three_times_in_a_row(monkeypatch,
                                                                           server: Server):  # fmt: skip
    from gongkai.monitoring import tasks
    from gongkai.monitoring.selectors import Link

    attempts: collections.Counter[int] = collections.Counter()
    real = checker.socket.create_connection

    def counting(address: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
        attempts[address[1]] += 1
        return real(address, *args, **kwargs)

    monkeypatch.setattr(checker.socket, "create_connection", counting)
    links = [Link(f"http://127.0.0.9:9/gone/{n}", "/p/") for n in range(40)]
    links += [Link(server.url(f"/ok?n={n}"), "/p/") for n in range(5)]
    results = list(tasks.check_outbound(links, allow_private=True, rate=50, timeout=2, workers=4))
    dead = [r for r in results if ":9/" in r["url"]]
    assert len(dead) == 40 and {r["outcome"] for r in dead} == {"broken"}
    # the first three failures trip the host; at most the checks already in flight follow
    assert checker.DEAD_AFTER <= attempts[9] <= checker.DEAD_AFTER + 4
    assert sum("未再请求" in r["error"] for r in dead) == 40 - attempts[9]
    assert [r["outcome"] for r in results if ":9/" not in r["url"]] == ["ok"] * 5


def test_a_host_that_answers_between_failures_is_always_asked():
    answers = iter([True, True, False, True, True, False, True, True, False])  # True: dead

    def work(n: int) -> bool:
        return next(answers)

    got = list(checker.dispatch(range(9), host_of=lambda n: "h", work=work, rate=0, workers=1,
                                dead=lambda r: r, instead=lambda n: None))  # fmt: skip
    assert [r for _, r in got] == [True, True, False, True, True, False, True, True, False]


def test_every_request_passes_the_pacer_redirect_hops_included(server: Server):
    paced: list[tuple[str, int]] = []
    got = checker.fetch(server.url("/redirect/2"), timeout=2, allow_private=True,
                        pace=lambda host: paced.append((host, len(server.hits))))  # fmt: skip
    assert got.outcome == "ok"
    # three requests (two hops, then /ok), each paced before the server saw it
    assert paced == [("127.0.0.1", 0), ("127.0.0.1", 1), ("127.0.0.1", 2)]


def test_host_pacer_spaces_one_host():
    pacer = checker.HostPacer(rate=20)
    stamps = []
    for _ in range(4):
        pacer.wait("a.example")
        stamps.append(time.monotonic())
    pacer.wait("b.example")  # another host does not wait
    assert time.monotonic() - stamps[-1] < 0.04
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    assert all(g >= 0.045 for g in gaps)


class _Hosts:
    """One loopback server per address 127.0.0.2, 127.0.0.3 …: /ok answers at once, /slow after
    `slow_s`; every request is recorded as (arrival time, address, path)."""

    def __init__(self, n: int, slow_s: float = 1.0) -> None:
        self.hits: list[tuple[float, str, str]] = []
        self.servers: list[http.server.ThreadingHTTPServer] = []
        hosts = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return None

            def do_GET(self) -> None:
                hosts.hits.append((time.monotonic(), str(self.server.server_address[0]), self.path))
                if self.path.startswith("/slow"):
                    time.sleep(slow_s)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        for i in range(n):
            httpd = http.server.ThreadingHTTPServer((f"127.0.0.{2 + i}", 0), Handler)
            httpd.daemon_threads = True
            threading.Thread(target=httpd.serve_forever, daemon=True).start()
            self.servers.append(httpd)

    def url(self, i: int, path: str) -> str:
        host, port = self.servers[i].server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def close(self) -> None:
        for s in self.servers:
            s.shutdown()
            s.server_close()


def test_outbound_checks_are_handed_out_host_by_host():
    """Links in host order (a slow host first, then 12 links of A, then 12 of B) with 4 workers
    at 10/s per host: the slow host holds at most 2 workers (its cap) and the others start at
    once; A and B interleave; no host gets two checks closer than its gap, nor more than 10 in
    any second."""
    from gongkai.monitoring import tasks
    from gongkai.monitoring.selectors import Link

    hosts = _Hosts(3, slow_s=1.0)
    try:
        links = ([Link(hosts.url(0, f"/slow/{n}"), "/p/") for n in range(6)]
                 + [Link(hosts.url(1, f"/ok/a{n}"), "/p/") for n in range(12)]
                 + [Link(hosts.url(2, f"/ok/b{n}"), "/p/") for n in range(12)])  # fmt: skip
        start = time.monotonic()
        results = list(tasks.check_outbound(links, allow_private=True, rate=10, timeout=5,
                                            workers=4))  # fmt: skip
    finally:
        hosts.close()
    assert len(results) == 30 and {r["outcome"] for r in results} == {"ok"}
    by_host: dict[str, list[float]] = {}
    for t, host, _ in sorted(hosts.hits):
        by_host.setdefault(host, []).append(t - start)
    slow, a, b = by_host["127.0.0.2"], by_host["127.0.0.3"], by_host["127.0.0.4"]
    assert len(slow) == 6 and len(a) == 12 and len(b) == 12
    # the slow host is capped at 2 in flight: its 6 checks take three rounds of 1 s
    assert slow[2] - slow[0] >= 0.9 and slow[4] - slow[2] >= 0.9
    # A and B are not queued behind the slow host, nor B behind A: both start at once, and B's
    # first check comes long before A's last
    assert a[0] < 0.5 and b[0] < 0.5 and b[0] < a[-1] - 0.8
    # 12 checks at 10/s (gap 0.11 s) span ≥ 1.1 s on each host, and all are done well before the
    # slow host's last round ends
    for stamps in (a, b):
        gaps = [y - x for x, y in itertools.pairwise(stamps)]
        assert min(gaps) >= 0.09, gaps
        assert max(collections.Counter(int(t) for t in stamps).values()) <= 10
        assert stamps[-1] < slow[-1]
