"""Fixtures of the monitoring tests: columns through services, a local HTTP server thread (no
internet in tests), and a frozen clock (time_machine) for every rule that counts days."""

import datetime as dt
import http.server
import threading
import time
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from gongkai.accounts.permissions import SYSTEM
from gongkai.monitoring import services
from gongkai.monitoring.models import Column

BEIJING = ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hour: int = 10) -> Any:
    """Freeze the clock on `day` (Beijing time)."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), BEIJING), tick=False)


def column(org: Any, kind: str = "news", **data: Any) -> Column:
    base: dict[str, Any] = {"name": f"{kind}栏目", "org": org, "kind": kind}
    if kind in ("news", "notice", "policy", "personnel", "plan", "periodic"):
        base.setdefault("categories", [{"news": "news", "notice": "notice", "policy": "policy",
                                        "personnel": "personnel", "plan": "plan",
                                        "periodic": "budget"}[kind]])  # fmt: skip
    if kind == "external":
        base["url"] = "https://zwfw.example.gov.cn/"
    base.update(data)
    return services.create_column(by=SYSTEM, data=base)


class Server:
    """A local HTTP server answering by path: /ok 200, /missing 404, /gone 410, /error 500,
    /forbidden 403, /slow (sleeps `slow_s`), /redirect/N (N hops then /ok), /to?u=URL (302),
    /trickle-head and /trickle-body (a byte every 50 ms of the headers or of a 2 KB body)."""

    def __init__(self) -> None:
        self.hits: list[tuple[float, str, str]] = []  # (time, host header, path)
        self.slow_s = 0.5
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def do_GET(self) -> None:
                server.hits.append((time.monotonic(), self.headers.get("Host", ""), self.path))
                path, _, query = self.path.partition("?")
                if path.startswith("/redirect/"):
                    n = int(path.rsplit("/", 1)[1])
                    self._send(302, location=f"/redirect/{n - 1}" if n > 1 else "/ok")
                elif path == "/to":
                    self._send(302, location=query.removeprefix("u="))
                elif path in ("/trickle-head", "/trickle-body"):
                    self._trickle(head=path == "/trickle-head")
                elif path == "/slow":
                    time.sleep(server.slow_s)
                    self._send(200)
                else:
                    status = {"/missing": 404, "/gone": 410, "/error": 500, "/forbidden": 403,
                              "/teapot": 418}.get(path, 200)  # fmt: skip
                    self._send(status)

            def _trickle(self, head: bool) -> None:
                start = b"HTTP/1.0 200 OK\r\nContent-Length: 2000\r\n"
                if head:
                    start, rest = b"HTTP/1.0 200 OK\r\n", b"X-Padding: " + b"a" * 2000
                else:
                    self.wfile.write(start + b"\r\n")
                    self.wfile.flush()
                    rest = b"b" * 2000
                for i in range(len(rest)):
                    self.wfile.write(rest[i : i + 1])
                    self.wfile.flush()
                    time.sleep(0.05)

            def _send(self, status: int, location: str = "") -> None:
                body = b"<html><body>ok</body></html>"
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None  # type: ignore[method-assign,assignment]  # a client that timed out hung up
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def paths(self) -> list[str]:
        return [p for _, _, p in self.hits]


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.httpd.shutdown()
    s.httpd.server_close()
