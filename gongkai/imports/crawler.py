"""Crawling an agency's old website for `gongkai import_site`: polite, bounded, same host only.

Rules:
- Only the start URL's origin is fetched: the same scheme, host and port, for links, sitemaps
  and redirects alike (audit F6: another port is another service); http on port 80 may move to
  https on 443 of the same host. A redirect anywhere else is refused.
- Each fetch has a total deadline (`fetch_deadline`, 30 s), not only a per-read socket timeout:
  a server trickling one byte at a time is cut off.
- robots.txt is read first and honoured for our user agent (a missing robots.txt allows all);
  its Crawl-delay, when longer than ours, is used. `Sitemap:` lines in it are followed.
- A start URL ending in .xml is a sitemap (a <urlset> or a <sitemapindex>); otherwise pages are
  followed breadth-first from the start page through their links, to `max_depth` links away.
- At most `max_pages` requests, `delay` seconds apart; a response over `max_bytes` or that is not
  HTML/text is skipped; links to attachments (.pdf, .doc …) are not fetched.
- Sitemaps are read with a regular expression for <loc>, never an XML parser (no entity
  expansion from a hostile file).

The crawler knows nothing of Django; it yields `Fetched` pages and keeps a log of what it did.
"""

import contextlib
import re
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from gongkai.lib.pageimport.layout import ATTACHMENT_SUFFIXES

USER_AGENT = "GongkaiImporter/1.0 (+government site migration)"
_LOC = re.compile(rb"<loc>\s*(.*?)\s*</loc>", re.IGNORECASE | re.DOTALL)
# Attachments are not fetched; a .txt may be a saved page and is read (then kept only if it is one).
_SKIP_SUFFIXES = (
    *(s for s in ATTACHMENT_SUFFIXES if s != ".txt"), ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".svg", ".ico", ".css",
    ".js", ".mp4", ".mp3", ".avi", ".flv", ".swf", ".exe", ".apk", ".gz", ".tar",
)  # fmt: skip


class CrawlError(Exception):
    """The start of the crawl is unusable (bad URL, unreachable start page)."""


@dataclass
class Fetched:
    url: str
    body: bytes
    content_type: str = ""
    depth: int = 0


@dataclass
class CrawlLog:
    requested: int = 0
    skipped_robots: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("a", "area", "frame", "iframe"):
            for name, value in attrs:
                if name in ("href", "src") and value:
                    self.hrefs.append(value.strip())


def links(html: bytes, base: str) -> list[str]:
    parser = _Links()
    with contextlib.suppress(Exception):  # a broken page gives the links read so far
        parser.feed(html.decode("utf-8", errors="replace"))
    found = []
    for href in parser.hrefs:
        url = urldefrag(urljoin(base, href))[0]
        if url.startswith(("http://", "https://")):
            found.append(url)
    return list(dict.fromkeys(found))


DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an http(s) URL, the port filled in; None for anything else."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port that is not a number or out of range
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or DEFAULT_PORTS[parts.scheme]


def same_site(start: tuple[str, str, int], url: str) -> bool:
    """Is `url` on the start URL's origin (or its https upgrade on the default ports)?"""
    found = origin(url)
    if found is None or found[1] != start[1]:
        return False
    return found == start or (start[0::2] == ("http", 80) and found[0::2] == ("https", 443))


class OffHostRedirect(urllib.error.URLError):
    """A redirect off the start URL's origin: refused, the crawl stays on the old site."""


class FetchTooSlow(OSError):
    """A response that did not arrive within the fetch deadline."""


class _SameSiteRedirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, start: tuple[str, str, int]):
        self.start = start

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        if not same_site(self.start, newurl):
            raise OffHostRedirect(f"重定向到其他网站或端口 {newurl}，已拒绝")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


READ_CHUNK = 64 * 1024


def _read_within(response: Any, limit: int, deadline: float) -> bytes:
    """Up to `limit` bytes of the body, or FetchTooSlow once `deadline` (monotonic) passes."""
    sock = getattr(getattr(response.fp, "raw", None), "_sock", None)  # CPython's SocketIO
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchTooSlow("响应超过抓取时限，已中止")
        if sock is not None:  # no single read may outlast the deadline either
            sock.settimeout(remaining)
        try:
            chunk = response.read1(min(READ_CHUNK, limit - size))
        except TimeoutError as e:
            raise FetchTooSlow("响应超过抓取时限，已中止") from e
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


class Crawler:
    def __init__(
        self, start_url: str, *, max_pages: int = 500, max_depth: int = 3, delay: float = 1.0,
        timeout: float = 15.0, fetch_deadline: float = 30.0, max_bytes: int = 5 * 1024 * 1024,
        user_agent: str = USER_AGENT, sleep: Callable[[float], None] = time.sleep,
    ) -> None:  # fmt: skip
        start = origin(start_url)
        if start is None:
            raise CrawlError(f"起始网址应为 http:// 或 https:// 开头的完整网址：{start_url}")
        parts = urlsplit(start_url)
        self.start_url, self.start = start_url, start
        self.root = f"{parts.scheme}://{parts.netloc}"
        self.max_pages, self.max_depth = max_pages, max_depth
        self.delay, self.timeout, self.max_bytes = delay, timeout, max_bytes
        self.fetch_deadline = fetch_deadline
        self.user_agent, self.sleep = user_agent, sleep
        self.log = CrawlLog()
        self._opener = urllib.request.build_opener(_SameSiteRedirects(start))
        self._last = 0.0
        self._robots = urllib.robotparser.RobotFileParser()

    # -- fetching --------------------------------------------------------------------------
    def _wait(self) -> None:
        pause = self.delay - (time.monotonic() - self._last)
        if self._last and pause > 0:
            self.sleep(pause)
        self._last = time.monotonic()

    def fetch(self, url: str) -> tuple[int, str, bytes]:
        """(status, content type, body); network errors raise OSError."""
        self._wait()
        self.log.requested += 1
        if urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"只抓取 http/https 网址：{url}")
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})  # noqa: S310
        deadline = time.monotonic() + self.fetch_deadline
        try:
            timeout = min(self.timeout, self.fetch_deadline)
            with self._opener.open(request, timeout=timeout) as response:
                body = _read_within(response, self.max_bytes + 1, deadline)
                return response.status, response.headers.get("Content-Type", ""), body
        except urllib.error.HTTPError as e:
            return e.code, "", b""

    def _read_robots(self) -> list[str]:
        """Load robots.txt; returns the sitemaps it lists."""
        try:
            status, _, body = self.fetch(self.root + "/robots.txt")
        except OSError:
            status, body = 404, b""
        if status >= 400 or not body:
            self._robots.parse([])  # none: everything allowed
            return []
        lines = body.decode("utf-8", errors="replace").splitlines()
        self._robots.parse(lines)
        delay = self._robots.crawl_delay(self.user_agent)
        if delay and float(delay) > self.delay:
            self.delay = float(delay)
        return [
            line.split(":", 1)[1].strip() for line in lines if line.lower().startswith("sitemap:")
        ]

    def _allowed(self, url: str) -> bool:
        if not same_site(self.start, url):
            return False
        return not urlsplit(url).path.lower().endswith(_SKIP_SUFFIXES)

    # -- the crawl -------------------------------------------------------------------------
    def pages(self) -> Iterator[Fetched]:
        """HTML and text pages of the site, breadth-first, within the bounds."""
        sitemaps = self._read_robots()
        seen: set[str] = set()
        queue: deque[tuple[str, int, bool]] = deque()  # (url, depth, is a sitemap)
        if self.start_url.lower().split("?")[0].endswith(".xml"):
            queue.append((self.start_url, 0, True))
        else:
            queue.append((self.start_url, 0, False))
            queue.extend((s, 0, True) for s in sitemaps if self._allowed_sitemap(s))
        while queue and self.log.requested < self.max_pages:
            url, depth, is_sitemap = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            if not self._robots.can_fetch(self.user_agent, url):
                self.log.skipped_robots.append(url)
                continue
            try:
                status, ctype, body = self.fetch(url)
            except (OSError, ValueError) as e:
                self.log.errors.append((url, f"无法访问：{e}"))
                continue
            if status >= 400:
                self.log.errors.append((url, f"HTTP {status}"))
                continue
            if len(body) > self.max_bytes:
                self.log.errors.append((url, f"超过 {self.max_bytes // 1024 // 1024} MB，未读取"))
                continue
            if is_sitemap:
                for loc in _LOC.findall(body):
                    target = loc.decode("utf-8", errors="replace").strip()
                    if target.lower().endswith(".xml") and self._allowed_sitemap(target):
                        queue.append((target, depth, True))
                    elif self._allowed(target):
                        queue.append((target, depth + 1, False))
                continue
            if ctype and not ctype.split(";")[0].strip().lower().startswith(
                ("text/", "application/xhtml")
            ):
                continue
            yield Fetched(url, body, ctype, depth)
            if depth < self.max_depth:
                for link in links(body, url):
                    if link not in seen and self._allowed(link):
                        queue.append((link, depth + 1, False))

    def _allowed_sitemap(self, url: str) -> bool:
        return same_site(self.start, url)
