"""Public pages under load: gunicorn with 2 workers, 20 concurrent clients (wrk) per page.

Run:  .venv/bin/python bench/pages.py            (needs Debian's wrk: apt-get install wrk)
      BENCH_SECONDS=10 .venv/bin/python bench/pages.py   (shorter)
It builds the demo city in a temporary SQLite database, serves it with the production server,
and loads, in turn, the home page, a list page, a document page, the list API and a minimal
Django view (/healthz) as the baseline. Prints one JSON object on its last line: requests/s and
p95 latency per page, and each page's throughput as a ratio of the baseline (target ≥ 0.5).
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS = int(os.environ.get("BENCH_SECONDS", 30))
CONNECTIONS = 20
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("P95_US %d\\n", latency:percentile(95)))
  io.write(string.format("ERRORS %d\\n", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wrk(url: str, script: str) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "-s", script, url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p95 = int(re.search(r"P95_US (\d+)", out).group(1)) / 1000  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": round(rps, 1),
        "p95_ms": round(p95, 1),
        "errors": int(non2xx.group(1)) if non2xx else 0,
    }


def main() -> dict:
    if not shutil.which("wrk"):
        sys.exit("需要 wrk：apt-get install wrk")
    var = Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
    env = {
        **os.environ,
        "GONGKAI_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'bench.sqlite3'}",
    }
    gk = str(ROOT / ".venv/bin/gongkai")
    for cmd in (["migrate", "-v0"], ["load_demo"], ["collectstatic", "--no-input", "-v0"]):
        subprocess.run([gk, *cmd], env=env, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    doc_id = subprocess.run(
        [gk, "shell", "-c", "from gongkai.documents.selectors import public_documents as p; print(p()[50].pk)"],
        env=env, capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    port = free_port()
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "gongkai.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        script = var / "p95.lua"
        script.write_text(LUA)
        pages = {
            "minimal_view": "/healthz",
            "home": "/",
            "list": "/list/?category=notice",
            "document": f"/documents/{doc_id}/",
            "list_api": "/api/v1/documents?page_size=20",
        }
        results = {name: wrk(base + path, str(script)) for name, path in pages.items()}
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(var, ignore_errors=True)
    baseline = results["minimal_view"]["rps"]
    for r in results.values():
        r["ratio"] = round(r["rps"] / baseline, 2)
    return {
        "bench": "pages",
        "seconds_each": SECONDS,
        "connections": CONNECTIONS,
        "workers": 2,
        **results,
    }


if __name__ == "__main__":
    print(json.dumps(main(), ensure_ascii=False))
