"""Audit F6 replayed: the crawl keeps to the start URL's scheme, host and port (links and
redirects), and a server trickling bytes is cut off at the fetch deadline."""

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from gongkai.imports.crawler import Crawler, same_site

pytestmark = pytest.mark.security


def _serve(handler: type[BaseHTTPRequestHandler]) -> tuple[ThreadingHTTPServer, int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


@pytest.fixture
def two_ports() -> Iterator[tuple[int, int, list[str]]]:
    """A site on one port whose pages point at another service on a second port of the host."""
    other_hits: list[str] = []
    ports: dict[str, int] = {}

    class Other(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test output stays readable."""

        def do_GET(self) -> None:
            other_hits.append(self.path)
            self._page(b"<html><body>other service</body></html>")

        def _page(self, body: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class Site(Other):
        def do_GET(self) -> None:
            other = f"http://127.0.0.1:{ports['other']}"
            if self.path == "/redir-port":
                self.send_response(302)
                self.send_header("Location", f"{other}/via-redirect")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif self.path == "/slow":  # one byte every 0.2 s for 10 s
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", "50")
                self.end_headers()
                for _ in range(50):
                    try:
                        self.wfile.write(b"x")
                        self.wfile.flush()
                    except OSError:
                        return
                    time.sleep(0.2)
            elif self.path == "/robots.txt":
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self._page(
                    f"<html><body><a href='{other}/otherport'>x</a>"
                    "<a href='/redir-port'>y</a><a href='/ok'>z</a></body></html>".encode()
                )

    other_server, ports["other"] = _serve(Other)
    site_server, site_port = _serve(Site)
    try:
        yield site_port, ports["other"], other_hits
    finally:
        for server in (site_server, other_server):
            server.shutdown()
            server.server_close()


def test_another_port_of_the_same_host_is_not_fetched(two_ports: Any) -> None:
    site, other, other_hits = two_ports
    crawler = Crawler(f"http://127.0.0.1:{site}/start", delay=0, max_pages=30)
    fetched = [p.url for p in crawler.pages()]
    assert other_hits == []  # neither the link nor the redirect reached the second service
    assert f"http://127.0.0.1:{site}/ok" in fetched
    assert not any(str(other) in url for url in fetched)
    assert any("重定向到其他网站或端口" in why for _, why in crawler.log.errors)


def test_a_trickling_server_is_cut_off_at_the_deadline(two_ports: Any) -> None:
    site, _, _ = two_ports
    crawler = Crawler(f"http://127.0.0.1:{site}/slow", delay=0, max_depth=0, fetch_deadline=1.0)
    started = time.monotonic()
    assert list(crawler.pages()) == []  # today's code waited 10 s and returned the page
    assert time.monotonic() - started < 8
    assert crawler.log.errors and "抓取时限" in crawler.log.errors[-1][1]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://gov.example/a", True),
        ("http://GOV.example:80/a", True),
        ("https://gov.example/a", True),  # the upgrade to https on the default port
        ("https://gov.example:8443/a", False),
        ("http://gov.example:8080/a", False),
        ("http://other.example/a", False),
        ("ftp://gov.example/a", False),
        ("http://gov.example:99999/a", False),  # not a port
    ],
)
def test_same_site_is_scheme_host_and_port(url: str, expected: bool) -> None:
    assert same_site(("http", "gov.example", 80), url) is expected
    assert same_site(("https", "gov.example", 443), "http://gov.example/a") is False  # no downgrade
