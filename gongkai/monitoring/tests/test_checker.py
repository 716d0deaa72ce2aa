"""The outbound guard and the fetcher (spec monitoring.md §5, issue 23): private, loopback,
link-local, CGNAT, multicast, reserved addresses are skipped — literal, by DNS, or after a
redirect — unless allow_private; ≤5 redirects; broken/unverifiable classes; per-host pacing.
Everything runs against a loopback server thread; nothing reaches the internet."""

import itertools
import time

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
