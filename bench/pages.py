"""Public pages under load: gunicorn with 2 workers, 20 concurrent clients (wrk) per page.

Run:  .venv/bin/python bench/pages.py            (needs Debian's wrk: apt-get install wrk)
      BENCH_SECONDS=10 BENCH_MIXED_SECONDS=30 .venv/bin/python bench/pages.py   (shorter)
It builds the demo city in a temporary SQLite database, serves it with the production server,
and loads, in turn:
1. a minimal Django view (/healthz): the baseline, measured first and again last, so that a
   cold baseline cannot flatter the ratios (ratios use the faster of the two);
2. the cached pass: home, a list page, a document page and the list API;
3. the miss pass: home, list and document with a unique query string per request, so every
   request renders (target ≥ 0.2× the baseline);
4. the mixed run (issue 19 §2): 20 readers over home, list and document while one writer
   submits a letter every second and publishes a document every 10 seconds; the hit rate is
   read from the X-Cache header (target ≥ 95 %) with the readers' p95 (target ≤ 50 ms).
Prints one JSON object on its last line.
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
MIXED_SECONDS = int(os.environ.get("BENCH_MIXED_SECONDS", 60))
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("P95_US %d\\n", latency:percentile(95)))
  io.write(string.format("ERRORS %d\\n", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""
# A unique query string per request: the page cache never has it.
MISS_LUA = (
    """
local n = 0
request = function()
  n = n + 1
  local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format("GET", wrk.path .. sep .. "_miss=" .. tostring(math.random(1, 1e9)) .. n)
end
"""
    + LUA
)
# Readers over several pages, counting X-Cache hits and misses per thread.
MIXED_LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) hits = 0; misses = 0; i = 0 end
request = function()
  i = i + 1
  return wrk.format("GET", PATHS[(i % #PATHS) + 1])
end
response = function(status, headers, body)
  local x = headers["X-Cache"] or headers["x-cache"]
  if x == "hit" then hits = hits + 1 elseif x == "miss" then misses = misses + 1 end
end
done = function(summary, latency, requests)
  local h, m = 0, 0
  for _, t in ipairs(threads) do h = h + t:get("hits"); m = m + t:get("misses") end
  io.write(string.format("P95_US %d\\nHITS %d\\nMISSES %d\\n", latency:percentile(95), h, m))
  io.write(string.format("ERRORS %d\\n", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""
# The writer of the mixed run: a letter every second, a published document every tenth.
WRITER = """
import time
from gongkai.accounts.permissions import SYSTEM
from gongkai.documents import services as documents
from gongkai.documents.models import InfoCategory
from gongkai.participation import services as participation
from gongkai.participation.models import Mailbox
box = Mailbox.objects.filter(is_active=True).select_related("org").first()
notice = InfoCategory.objects.get(code="notice")
letters = published = 0
start = time.monotonic()
while time.monotonic() - start < SECONDS:
    participation.submit_letter(box, data={"kind": "consult", "subject": "关于公交线路的建议",
        "content": "建议增开夜间公交线路。", "name": "读者", "email": "reader@example.cn",
        "consent_publish": False})
    letters += 1
    if letters % 10 == 0:
        doc = documents.create_document(by=SYSTEM, org=box.org, data={"title": f"压测发布的通知{letters}",
            "body_html": "<p>正文</p>", "category": notice})
        documents.submit(doc, by=SYSTEM)
        documents.publish(doc, by=SYSTEM)
        published += 1
    time.sleep(max(0.0, letters - (time.monotonic() - start)))
print("WRITES", letters, published)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wrk(url: str, script: str, seconds: int = SECONDS) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", script, url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p95 = int(re.search(r"P95_US (\d+)", out).group(1)) / 1000  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result = {
        "rps": round(rps, 1),
        "p95_ms": round(p95, 1),
        "errors": int(non2xx.group(1)) if non2xx else 0,
    }
    if hits := re.search(r"HITS (\d+)\nMISSES (\d+)", out):
        h, m = int(hits.group(1)), int(hits.group(2))
        result["hit_rate"] = round(h / (h + m), 4) if h + m else 0.0
        result["misses"] = m
    return result


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
        script, miss_script, mixed_script = var / "p95.lua", var / "miss.lua", var / "mixed.lua"
        script.write_text(LUA)
        miss_script.write_text(MISS_LUA)
        pages = {
            "home": "/",
            "list": "/list/?category=notice",
            "document": f"/documents/{doc_id}/",
        }
        paths = "{" + ", ".join(f'"{p}"' for p in pages.values()) + "}"
        mixed_script.write_text(f"PATHS = {paths}\n" + MIXED_LUA)
        results = {"minimal_view_before": wrk(base + "/healthz", str(script))}
        for name, path in {**pages, "list_api": "/api/v1/documents?page_size=20"}.items():
            results[name] = wrk(base + path, str(script))
        for name, path in pages.items():
            results[f"{name}_miss"] = wrk(base + path, str(miss_script))
        writer = subprocess.Popen(
            [gk, "shell", "-c", WRITER.replace("SECONDS", str(MIXED_SECONDS))],
            env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        results["mixed_readers"] = wrk(base + "/", str(mixed_script), MIXED_SECONDS)
        out = writer.communicate(timeout=MIXED_SECONDS + 60)[0] or ""
        if writer.returncode or not (writes := re.search(r"WRITES (\d+) (\d+)", out)):
            sys.exit(f"写入进程失败：{out[-500:]}")
        results["mixed_readers"]["letters"] = int(writes.group(1))
        results["mixed_readers"]["published"] = int(writes.group(2))
        results["minimal_view_after"] = wrk(base + "/healthz", str(script))
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(var, ignore_errors=True)
    baseline = max(results["minimal_view_before"]["rps"], results["minimal_view_after"]["rps"])
    for r in results.values():
        r["ratio"] = round(r["rps"] / baseline, 2)
    return {
        "bench": "pages",
        "seconds_each": SECONDS,
        "mixed_seconds": MIXED_SECONDS,
        "connections": CONNECTIONS,
        "workers": 2,
        "baseline_rps": baseline,
        **results,
    }


if __name__ == "__main__":
    print(json.dumps(main(), ensure_ascii=False))
