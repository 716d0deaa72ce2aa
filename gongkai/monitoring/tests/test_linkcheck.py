"""The link check end to end (spec monitoring.md §5): links of public documents (never drafts,
never visitor input), own-site links resolved in-process, outbound ones over HTTP to a loopback
server only with allow_private (the command line's --allow-private), per-host pacing."""

import io
import json

import pytest
from django.core.management import call_command

from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import make_document
from gongkai.monitoring import selectors, services, tasks
from gongkai.participation import services as participation
from gongkai.participation.tests.conftest import letter_data
from gongkai.portal.models import SiteSettings
from gongkai.portal.services import save_site_settings

from .conftest import Server, column

pytestmark = pytest.mark.django_db


def _body(server: Server, *paths: str) -> str:
    return "".join(f'<p><a href="{server.url(p)}">链接</a></p>' for p in paths)


def test_outbound_and_internal_links(org, server: Server):
    make_document(org, title="有链接的通知",
                  body_html=_body(server, "/ok", "/missing", "/gone", "/error", "/forbidden")
                  + '<p><a href="/documents/999999/">本站失效</a> <a href="/list/">本站正常</a></p>')  # fmt: skip
    make_document(org, state="draft", title="草稿", body_html=_body(server, "/draft-only"))
    run = tasks.check_links(allow_private=True, rate=50)
    report = selectors.links_report(run)
    by_url = {i["url"]: i for i in report["items"]}
    assert by_url[server.url("/missing")]["outcome"] == "broken"
    assert by_url[server.url("/gone")]["outcome"] == "broken"
    assert by_url[server.url("/error")]["status"] == 500
    assert by_url[server.url("/forbidden")]["outcome"] == "unverifiable"
    assert by_url["/documents/999999/"]["internal"] is True
    assert by_url["/documents/999999/"]["outcome"] == "broken"
    assert server.url("/ok") not in by_url and "/list/" not in by_url  # fine links are not items
    home = [i for i in report["items"] if i["on_homepage"]]
    assert run.broken == 4 and run.skipped_private == 0, home
    assert "/draft-only" not in server.paths()
    assert all(h.startswith("127.0.0.1:") for _, h, _ in server.hits)  # no own-site request left


def test_private_targets_skipped_without_the_flag(org, server: Server):
    make_document(org, body_html=_body(server, "/ok", "/missing"))
    out = io.StringIO()
    call_command("monitor", "links", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["skipped_private"] == 2 and data["broken"] == 0
    assert {i["outcome"] for i in data["items"]} == {"skipped_private"}
    assert server.hits == []
    out = io.StringIO()
    call_command("monitor", "links", "--allow-private", "--rate", "50", "--format", "json",
                 stdout=out)  # fmt: skip
    assert json.loads(out.getvalue())["broken"] == 1


def test_visitor_urls_are_never_fetched(org, server: Server):
    save_site_settings(SiteSettings(site_url=server.url("/")), by=SYSTEM)
    services.submit_correction({"page_url": server.url("/visitor-correction"), "kind": "other",
                                "description": f"见 {server.url('/visitor-text')}"})  # fmt: skip
    box = participation.save_mailbox(by=SYSTEM, org=org, data={"code": "m", "name": "信箱"})
    participation.submit_letter(
        box, data=letter_data(content=f"看 {server.url('/visitor-letter')}")
    )
    column(org, "external", url=server.url("/column-entry"))
    make_document(org, body_html=_body(server, "/from-document"))
    tasks.check_links(allow_private=True, rate=50)
    assert not [p for p in server.paths() if "visitor" in p]
    # own-site links (the site_url's host) are resolved in-process, so the server saw none of them
    assert server.paths() == []
    run = selectors.latest_link_check()
    assert run is not None
    urls = set(run.results.values_list("url", flat=True))
    assert {server.url("/column-entry"), server.url("/from-document")} <= urls
    assert not [u for u in urls if "visitor" in u]
    # the homepage's own links were checked in-process too; fine ones are counted, not stored
    home = tasks._homepage_links()
    assert home and run.checked == len(home) + len(selectors.links_to_check())
    assert not run.results.filter(on_homepage=True, outcome="broken").exists()
    assert not run.results.filter(outcome="ok").exists()


def test_pacing_per_host(org, server: Server):
    paths = [f"/ok?n={i}" for i in range(5)]
    make_document(org, body_html=_body(server, *paths))
    tasks.check_links(allow_private=True, rate=10)
    stamps = sorted(t for t, _, _ in server.hits)
    assert len(stamps) == 5
    assert stamps[-1] - stamps[0] >= 0.35  # 5 checks at 10/s span at least 0.4 s (minus jitter)
