"""The §2 veto boundaries of lib/sitecheck.py (国办秘函〔2019〕19号, thresholds inclusive)."""

import datetime as dt

from gongkai.lib import sitecheck
from gongkai.lib.sitecheck import ColumnState

D = dt.date
TODAY = D(2026, 3, 31)


def col(i: int, kind: str = "news", last: dt.date | None = None, items: int = 1,
        first_level: bool = False, home: bool = False) -> ColumnState:  # fmt: skip
    return ColumnState(id=i, name=f"栏目{i}", kind=kind, first_level=first_level,
                       period_days=sitecheck.DEFAULT_PERIOD_DAYS[kind], last_item_on=last,
                       items=items, on_homepage=home)  # fmt: skip


def test_stale_is_strictly_past_the_period():
    assert not col(1, last=TODAY - dt.timedelta(days=14)).stale(TODAY)
    assert col(1, last=TODAY - dt.timedelta(days=15)).stale(TODAY)


def test_undated_items_count_as_not_updated():
    assert col(1, last=None, items=3).stale(TODAY)
    assert not col(1, last=None, items=0).stale(TODAY)  # empty, not stale
    assert col(1, last=None, items=0).empty


def test_four_stale_news_columns_pass_five_fail():
    old = TODAY - dt.timedelta(days=30)
    four = [col(i, last=old) for i in range(4)] + [col(9, last=TODAY)]
    assert not sitecheck.columns_stale(four, TODAY).triggered
    five = [col(i, last=old) for i in range(5)]
    assert sitecheck.columns_stale(five, TODAY).triggered


def test_only_first_level_notice_and_policy_count_for_a():
    old = TODAY - dt.timedelta(days=200)
    sub = [col(i, "notice", last=old) for i in range(5)]
    v = sitecheck.columns_stale(sub, TODAY)
    assert v.value["a"] == 0 and not v.triggered  # (b) needs 10
    first = [col(i, "policy", last=old, first_level=True) for i in range(5)]
    assert sitecheck.columns_stale(first, TODAY).value["a"] == 5


def test_nine_long_stale_columns_pass_ten_fail():
    old = TODAY - dt.timedelta(days=400)
    nine = [col(i, "personnel", last=old) for i in range(9)]
    assert not sitecheck.columns_stale(nine, TODAY).triggered
    ten = [col(i, "personnel", last=old) for i in range(10)]
    v = sitecheck.columns_stale(ten, TODAY)
    assert v.triggered and v.value["b"] == 10


def test_four_empty_columns_pass_five_fail():
    four = [col(i, "static", items=0) for i in range(4)]
    assert not sitecheck.columns_stale(four, TODAY).triggered
    five = [col(i, "static", items=0) for i in range(5)]
    assert sitecheck.columns_stale(five, TODAY).triggered


def test_failure_ratio_4_9_passes_5_0_fails():
    assert not sitecheck.unreachable(1000, 49).triggered
    assert sitecheck.unreachable(1000, 50).triggered


def test_an_incomplete_window_is_never_a_veto():
    v = sitecheck.unreachable(139, 139)
    assert not v.triggered and "监测不足" in v.value
    assert sitecheck.unreachable(140, 7).triggered


def test_probe_at_15_seconds_fails_at_14_9_passes():
    assert not sitecheck.probe_failed(ok_status=True, elapsed_s=14.9)
    assert sitecheck.probe_failed(ok_status=True, elapsed_s=15.0)
    assert sitecheck.probe_failed(ok_status=False, elapsed_s=0.1)


def test_homepage_needs_a_dated_item_within_two_weeks():
    fresh = [col(1, last=TODAY - dt.timedelta(days=14), home=True)]
    assert not sitecheck.homepage_stale(fresh, TODAY).triggered
    old = [col(1, last=TODAY - dt.timedelta(days=15), home=True), col(2, last=TODAY)]
    assert sitecheck.homepage_stale(old, TODAY).triggered  # column 2 is not on the homepage
    undated = [col(1, last=None, items=5, home=True)]
    assert sitecheck.homepage_stale(undated, TODAY).triggered


def test_verdict():
    ok = sitecheck.interaction(channels=1, unanswered=[])
    assert sitecheck.verdict([ok], 60) == "pass"
    assert sitecheck.verdict([ok], 59.9) == "fail"
    assert sitecheck.verdict([sitecheck.interaction(channels=0, unanswered=[])], 100) == "fail"
