"""Benchmark of the link checker's outbound engine (issue 23; `monitoring/tasks.check_outbound`:
`checker.fetch` + `HostPacer` + a thread pool) against local servers on HOSTS loopback addresses
(127.0.0.2 …), with 10 % of links answering 404 and 1 % slower than the timeout.

Run:  .venv/bin/python bench/monitoring.py
Options (environment): LINKS (100000), HOSTS (100), RATE per host (10), TIMEOUT s (15),
WORKERS (256). Checks: every 404 found, no false broken, no host above RATE in any second,
elapsed and peak RSS. It does not build pages in a database (links are given directly) and does
not time the inspection of columns; the issue's targets (< 180 s, RSS < 400 MB at the defaults)
are reported as measured, not assumed. The last line printed is one JSON object.
"""

import collections
import http.server
import json
import os
import resource
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

import django

django.setup()

from gongkai.monitoring import tasks  # noqa: E402
from gongkai.monitoring.selectors import Link  # noqa: E402

LINKS = int(os.environ.get("LINKS", 100_000))
HOSTS = int(os.environ.get("HOSTS", 100))
RATE = float(os.environ.get("RATE", 10))
TIMEOUT = float(os.environ.get("TIMEOUT", 15))
WORKERS = int(os.environ.get("WORKERS", 256))
hits: dict[str, list[float]] = collections.defaultdict(list)
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args: Any) -> None:
        return None

    def do_GET(self) -> None:
        with lock:
            hits[self.server.server_address[0]].append(time.monotonic())  # type: ignore[index]
        if self.path.startswith("/slow"):
            time.sleep(TIMEOUT + 1)
        status = 404 if self.path.startswith("/missing") else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


def main() -> None:
    servers = []
    for i in range(HOSTS):
        httpd = http.server.ThreadingHTTPServer((f"127.0.0.{2 + i}", 0), Handler)
        httpd.daemon_threads = True
        httpd.handle_error = lambda request, address: None  # type: ignore[method-assign,assignment]
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
    links, expected_broken = [], set()
    for n in range(LINKS):
        s = servers[n % HOSTS]
        kind = "missing" if n % 10 == 3 else "slow" if n % 100 == 7 else "ok"
        host, port = str(s.server_address[0]), s.server_address[1]
        url = f"http://{host}:{port}/{kind}/{n}"
        links.append(Link(url, f"/documents/{n // 50}/"))
        if kind != "ok":
            expected_broken.add(url)
    start = time.monotonic()
    results = tasks.check_outbound(links, allow_private=True, rate=RATE, timeout=TIMEOUT,
                                   workers=WORKERS)  # fmt: skip
    broken = {r["url"] for r in results if r["outcome"] == "broken"}
    elapsed = time.monotonic() - start
    worst = 0
    for stamps in hits.values():
        per_second = collections.Counter(int(t - start) for t in stamps)
        worst = max(worst, max(per_second.values(), default=0))
    for s in servers:
        s.shutdown()
    out = {"links": LINKS, "hosts": HOSTS, "rate": RATE, "timeout": TIMEOUT, "workers": WORKERS,
           "seconds": round(elapsed, 1), "missed_broken": len(expected_broken - broken),
           "false_broken": len(broken - expected_broken), "max_per_host_second": worst,
           "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}  # fmt: skip
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
