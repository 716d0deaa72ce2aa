"""The whole self-inspection from stored data (spec monitoring.md §2–§5): columns from public
documents only (a draft or withdrawn item is no update), letters alarmed at 2 months and vetoed
past 3 (calendar months, month ends), the probe window, the stored result and the command."""

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import make_document
from gongkai.monitoring import checker, selectors, services
from gongkai.monitoring.models import Inspection, Probe
from gongkai.participation import services as participation
from gongkai.participation.tests.conftest import letter_data

from .conftest import at, column

pytestmark = pytest.mark.django_db
D = dt.date


def _veto(result, code):
    return next(v for v in result["vetoes"] if v["code"] == code)


def test_column_state_reads_public_documents_only(org):
    news = column(org, "news", on_homepage=True)
    with at(D(2026, 3, 1)):
        make_document(org, category="news", title="旧动态")
    with at(D(2026, 3, 20)):
        make_document(org, category="news", state="draft", title="草稿动态")
        make_document(org, category="news", state="withdrawn", title="撤回动态")
    state = selectors.column_state(news)
    assert state.items == 1 and state.last_item_on == D(2026, 3, 1)
    assert not state.stale(D(2026, 3, 15)) and state.stale(D(2026, 3, 16))
    result = selectors.inspect(D(2026, 3, 16))
    assert _veto(result, "homepage_stale")["triggered"]
    assert not selectors.inspect(D(2026, 3, 15))["vetoes"][2]["triggered"]


def test_empty_columns_veto(org):
    for i in range(5):
        column(org, "static", name=f"概况{i}", source="static")
    r = selectors.inspect(D(2026, 3, 16))
    assert _veto(r, "columns_stale")["triggered"]
    assert all(c["empty"] for c in r["columns"])


def _mailbox(org):
    return participation.save_mailbox(
        by=SYSTEM, org=org, data={"code": "mayor", "name": "市长信箱"}
    )


@pytest.mark.parametrize(("today", "two", "three"), [
    (D(2027, 1, 31), True, False),  # 2 months after 11-30 is 01-30
    (D(2027, 2, 28), True, False),  # 3 months after 11-30 is 02-28: not yet more than 3 months
    (D(2027, 3, 1), True, True),
    (D(2027, 1, 30), False, False),
])  # fmt: skip
def test_letter_alarm_and_veto_at_month_ends(org, today, two, three):
    box = _mailbox(org)
    participation.submit_letter(box, data=letter_data(), today=D(2026, 11, 30))
    r = selectors.inspect(today)
    (row,) = r["letters"]
    assert (row["over_2_months"], row["over_3_months"]) == (two, three)
    assert _veto(r, "interaction")["triggered"] is three
    alarm = [d for d in r["deductions"] if d["item"] == "互动回应"]
    assert bool(alarm) is (two and not three)


def test_no_consultation_channel_is_a_veto(org):
    assert _veto(selectors.inspect(D(2026, 3, 1)), "interaction")["triggered"]
    _mailbox(org)
    assert not _veto(selectors.inspect(D(2026, 3, 1)), "interaction")["triggered"]


def _probes(now, total, failed):
    for i in range(total):
        got = checker.Fetched("https://www.example.gov.cn/", None if i < failed else 200,
                              "连接失败" if i < failed else "", 0.2)  # fmt: skip
        services.store_probe(got, by=SYSTEM, at=now - dt.timedelta(minutes=60 * i + 1))


@time_machine.travel(dt.datetime(2025, 6, 18, 10, 0, tzinfo=dt.UTC), tick=False)
def test_probe_window(org):
    now = timezone.now()  # the frozen instant: the window does not depend on the real day
    _probes(now, 140, 6)
    up = selectors.uptime(now)
    assert up == {"probes": 140, "failures": 6, "ratio": round(6 / 140, 4), "complete": True}
    assert not selectors.inspect(timezone.localdate(), now)["vetoes"][1]["triggered"]
    _probes(now - dt.timedelta(seconds=30), 1, 1)  # 7 of 141 = 4.96 %
    assert not selectors.inspect(timezone.localdate(), now)["vetoes"][1]["triggered"]
    _probes(now - dt.timedelta(seconds=20), 1, 1)  # 8 of 142 = 5.6 %
    assert selectors.inspect(timezone.localdate(), now)["vetoes"][1]["triggered"]
    old = Probe.objects.filter(at__lte=now - dt.timedelta(days=7)).count()
    assert selectors.uptime(now)["probes"] == 142 - old


def test_slow_probe_is_a_failure(org):
    slow = services.store_probe(checker.Fetched("https://x.example/", 200, "", 15.0), by=SYSTEM)
    quick = services.store_probe(checker.Fetched("https://x.example/", 200, "", 14.9), by=SYSTEM)
    assert (slow.ok, quick.ok) == (False, True)
    assert not services.store_probe(checker.Fetched("https://x.example/", 404, "", 0.1),
                                    by=SYSTEM).ok  # fmt: skip


def test_command_run_json_and_bad_input(org):
    _mailbox(org)
    column(org, "news", on_homepage=True)
    with at(D(2026, 3, 10)):
        make_document(org, category="news")
    out = io.StringIO()
    call_command("monitor", "run", "--today", "2026-03-16", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["as_of"] == "2026-03-16"
    assert [v["code"] for v in data["vetoes"]] == ["security", "unreachable", "homepage_stale",
                                                   "columns_stale", "interaction", "services"]  # fmt: skip
    assert (
        _veto(data, "services")["value"] == "未接入"  # no lists data here
        and not _veto(data, "homepage_stale")["triggered"]
    )
    assert data["columns"][0]["last_item_on"] == "2026-03-10"
    assert set(data) >= {"verdict", "verdict_code", "score", "letters", "links", "uptime",
                         "corrections", "deductions"}  # fmt: skip
    assert Inspection.objects.get().result["as_of"] == "2026-03-16"
    with pytest.raises(CommandError) as e:
        call_command("monitor", "run", "--today", "2026-02-30")
    assert e.value.returncode == 2
    with pytest.raises(CommandError) as e:
        call_command("monitor", "probe", "--timeout", "0")
    assert e.value.returncode == 2
    with pytest.raises(CommandError) as e:
        call_command("monitor", "probe")  # no site_url set
    assert e.value.returncode == 2


def test_security_attestation(org):
    services.attest(by=SYSTEM, item="defaced", period_start=D(2026, 3, 1),
                    period_end=D(2026, 3, 31), incident=True, note="首页被篡改 2 小时")  # fmt: skip
    assert _veto(selectors.inspect(D(2026, 3, 16)), "security")["triggered"]
    assert not _veto(selectors.inspect(D(2026, 4, 1)), "security")["triggered"]


def test_columns_are_stated_by_grouped_queries(org, other_org, django_assert_num_queries):
    """Four queries (columns, their categories, one aggregate over documents by org + category,
    one over letters), however many columns;
    each column still gets its own organisation's and categories' figures."""
    box = _mailbox(org)
    with at(D(2026, 3, 2)):
        make_document(org, category="news")
        make_document(other_org, category="notice")
    with at(D(2026, 3, 9)):
        make_document(org, category="notice")
    for o in (org, other_org):
        for kind in ("news", "notice"):
            column(o, kind, name=f"{o.code}{kind}")
    column(org, "news", name="两类", categories=["news", "notice"])
    column(org, "interactive", name="信箱", source="mailbox", mailbox=box.code)
    with django_assert_num_queries(4):
        rows = selectors.columns_report(D(2026, 3, 16))
    got = {r["name"]: (r["items"], r["last_item_on"]) for r in rows}
    assert got == {f"{org.code}news": (1, "2026-03-02"), f"{org.code}notice": (1, "2026-03-09"),
                   f"{other_org.code}news": (0, None), f"{other_org.code}notice": (1, "2026-03-02"),
                   "两类": (2, "2026-03-09"), "信箱": (0, None)}  # fmt: skip
    for i in range(20):
        column(other_org, "news", name=f"更多{i}")
    with django_assert_num_queries(4):
        assert len(selectors.columns_report(D(2026, 3, 16))) == 26
    assert (
        selectors.columns_report(D(2026, 3, 5))[1]["last_item_on"] is None
    )  # as of an earlier day
