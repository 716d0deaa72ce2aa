"""Background work of the website self-inspection (issue 23; spec monitoring.md §5).

- `monitoring_daily` (02:30): the link check, then the inspection, stored; queues itself again.
- `monitoring_probe`: one uptime probe of the homepage every 24 h / `GONGKAI_PROBES_PER_DAY`
  (24, i.e. hourly; 19号 asks ≥ 20 a day); queues itself again.
Own-site links are resolved in-process (no network, no cache poisoning by a Host header);
outbound links go through checker.fetch, handed out host by host (checker.dispatch), ≤
`GONGKAI_LINKCHECK_RATE` per second per host, and never to private or loopback addresses unless
`allow_private` is passed (the command line only). Links are streamed, answers are not kept:
only the counts and the findings are stored.
"""

import collections
import datetime as dt
import itertools
import time
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.http.request import validate_host
from django.utils import timezone
from django_tasks import task

from gongkai.accounts.permissions import SYSTEM

from . import checker, conf, selectors, services

RUN_AT = dt.time(2, 30)  # at night: the link check loads other sites least then


def probe(url: str = "", *, timeout: float | None = None, allow_private: bool = False) -> Any:
    """One probe of `url` (default: the site's 首页网址), stored. ValueError without a URL."""
    target = url or selectors.site_origin()
    if not target:
        raise ValueError("未设置首页网址（网站设置 site_url），无法监测")
    limit = timeout if timeout is not None else conf.probe_timeout()
    got = checker.fetch(target, timeout=limit, allow_private=allow_private)
    if got.skipped_private:  # not a failure of the site: the guard kept us from looking
        raise ValueError(f"{got.error}（命令行加 --allow-private 可监测内网地址）")
    return services.store_probe(got, by=SYSTEM, timeout=limit)


def _own_host() -> str:
    host = (urlsplit(selectors.site_origin()).hostname or "").lower()
    return host


def _inprocess_host() -> str:
    """The Host of in-process requests: the site's own host when allowed, else the first
    allowed host."""
    hosts = [h for h in settings.ALLOWED_HOSTS if h not in ("*",) and not h.startswith(".")]
    host = _own_host()
    if not host or not validate_host(host, settings.ALLOWED_HOSTS):
        host = hosts[0] if hosts else "localhost"
    return host


def _internal_status(path: str) -> tuple[int | None, str, str]:
    """GET an own-site path in-process, following ≤5 redirects; (status, error, final url)."""
    from django.test import Client

    host = _inprocess_host()
    client = Client(HTTP_HOST=host)
    current = path
    for _ in range(checker.MAX_REDIRECTS + 1):
        resp = client.get(current)
        if resp.status_code in (301, 302, 303, 307, 308) and resp.get("Location"):
            nxt = urljoin(current, resp["Location"])
            parts = urlsplit(nxt)
            if parts.netloc and parts.hostname not in (host, _own_host()):
                return None, f"重定向到站外 {nxt}", nxt
            current = parts.path + (f"?{parts.query}" if parts.query else "")
            continue
        return resp.status_code, "", current
    return None, f"重定向超过 {checker.MAX_REDIRECTS} 次", current


def _homepage_links() -> list[selectors.Link]:
    """Every href/src of the homepage as a visitor gets it (rendered in-process, anonymous):
    broken links there cost more (§4)."""
    from django.test import Client

    resp = Client(HTTP_HOST=_inprocess_host()).get("/")
    if resp.status_code != 200:
        return []
    html = resp.content.decode("utf-8", "replace")
    seen: set[str] = set()
    out = []
    for m in selectors.HREF.finditer(html):
        url = m.group(1)
        if url in seen or url.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
            continue
        seen.add(url)
        out.append(selectors.Link(url, "/", on_homepage=True))
    return out


def _classify_internal(status: int | None) -> str:
    return checker.Fetched("", status, "", 0).outcome


def check_links(*, allow_private: bool = False, rate: float | None = None,
                limit: int | None = None, workers: int = 8,
                timeout: float | None = None) -> Any:  # fmt: skip
    """Check every link of the public site; stores and returns the LinkCheck.

    The links stream past once (`selectors.iter_links`, documents read in chunks): own-site ones
    are resolved in-process as they come, outbound ones go to `check_outbound`. Only the counts
    and the findings (broken, unverifiable, skipped_private) are kept, never every answer."""
    started = timezone.now()
    # own site: the 首页网址's host[:port], or the host the in-process requests use
    own = {h for h in (urlsplit(selectors.site_origin()).netloc.lower(), _inprocess_host()) if h}
    counts: collections.Counter[str] = collections.Counter()
    findings: list[dict[str, Any]] = []

    def note(r: dict[str, Any]) -> None:
        counts[r["outcome"]] += 1
        if r["outcome"] != "ok":
            findings.append(r)

    def outbound() -> Iterator[selectors.Link]:
        links = itertools.chain(_homepage_links(), selectors.iter_links())
        for link in itertools.islice(links, limit):
            parts = urlsplit(link.url)
            if parts.scheme and parts.scheme not in ("http", "https"):
                continue
            if parts.netloc and parts.netloc.lower() not in own:
                yield link
                continue
            path = urljoin(link.found_on, parts.path or "/") + (
                f"?{parts.query}" if parts.query else ""
            )
            status, error, _ = _internal_status(path)
            note({"url": link.url, "internal": True, "status": status, "error": error,
                  "outcome": _classify_internal(status), "found_on": link.found_on,
                  "on_homepage": link.on_homepage})  # fmt: skip

    for r in check_outbound(outbound(), allow_private=allow_private,
                            rate=rate if rate is not None else conf.linkcheck_rate(),
                            timeout=timeout if timeout is not None else conf.probe_timeout(),
                            workers=workers):  # fmt: skip
        note(r)
    return services.store_link_check(findings, counts=counts, by=SYSTEM,
                                     allow_private=allow_private, started_at=started)  # fmt: skip


def check_outbound(links: Iterable[Any], *, allow_private: bool, rate: float, timeout: float,
                   workers: int = 8, buffer: int = 20_000) -> Iterator[dict[str, Any]]:  # fmt: skip
    """Outbound links over HTTP, handed out host by host by `checker.dispatch` (≤ `rate` per
    second per host, hosts interleaved), `workers` at a time; yields one result per link as it
    finishes. Each request passes the per-host `HostPacer` again right before it is sent."""
    pacer = checker.HostPacer(rate)

    def host_of(link: Any) -> str:
        return (urlsplit(link.url).hostname or "").lower()

    def one(link: Any) -> checker.Fetched:
        return checker.fetch(link.url, timeout=timeout, allow_private=allow_private,
                             pace=pacer.wait)  # fmt: skip

    def not_asked(link: Any) -> checker.Fetched:
        return checker.Fetched(link.url, None, f"主机连续 {checker.DEAD_AFTER} 次无法连接，本次未再请求",
                               0.0, unreachable=True)  # fmt: skip

    for link, got in checker.dispatch(links, host_of=host_of, work=one, rate=rate,
                                      workers=workers, buffer=buffer,
                                      dead=lambda got: got.unreachable, instead=not_asked):  # fmt: skip
        yield {"url": link.url, "internal": False, "status": got.status, "error": got.error,
               "outcome": got.outcome, "found_on": link.found_on, "on_homepage": link.on_homepage}  # fmt: skip


def run_inspection(today: dt.date | None = None) -> dict[str, Any]:
    day = today or timezone.localdate()
    result = selectors.inspect(day)
    services.store_inspection(result, by=SYSTEM)
    return result


def next_run(now: dt.datetime | None = None) -> dt.datetime:
    now = timezone.localtime(now)
    candidate = now.replace(hour=RUN_AT.hour, minute=RUN_AT.minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + dt.timedelta(days=1)


def probe_interval() -> dt.timedelta:
    return dt.timedelta(seconds=86400 / max(1, conf.probes_per_day()))


@task()
def monitoring_daily() -> dict[str, Any]:
    started = time.monotonic()
    run = check_links()
    result = run_inspection()
    if not _waiting(monitoring_daily):
        monitoring_daily.using(run_after=next_run()).enqueue()
    return {"links": run.checked, "broken": run.broken, "verdict": result["verdict_code"],
            "seconds": round(time.monotonic() - started, 1)}  # fmt: skip


@task()
def monitoring_probe() -> dict[str, Any]:
    try:
        p = probe()
        out: dict[str, Any] = {"ok": p.ok, "status": p.status, "elapsed_ms": p.elapsed_ms}
    except ValueError as e:
        out = {"skipped": str(e)}
    if not _waiting(monitoring_probe):
        monitoring_probe.using(run_after=timezone.now() + probe_interval()).enqueue()
    return out


def _waiting(t: Any) -> bool:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=t.module_path, status="READY").exists()


def schedule() -> dict[str, Any]:
    """Queue the nightly run and the probes (at most one of each waits in the queue)."""
    when = next_run()
    if not _waiting(monitoring_daily):
        monitoring_daily.using(run_after=when).enqueue()
    if not _waiting(monitoring_probe):
        monitoring_probe.using(run_after=timezone.now()).enqueue()
    return {"monitoring_next_run": when}
