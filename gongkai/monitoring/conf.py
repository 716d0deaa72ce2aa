"""Monitoring settings (issue 23), read from Django settings with these defaults. Point values
and targets marked *(unverified)* in spec monitoring.md are tenant settings, never constants."""

from typing import Any

from django.conf import settings

# §4 deductions (all unverified): points per finding
DEFAULT_POINTS = {
    "homepage_link": 1.0, "other_link": 0.1, "letter_2_months": 1.0, "correction_overdue": 0.5,
    "identity": 1.0, "probe_failure_percent": 1.0,
}  # fmt: skip


def get(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def probe_timeout() -> float:
    return float(get("GONGKAI_PROBE_TIMEOUT", 15))


def probes_per_day() -> int:
    return int(get("GONGKAI_PROBES_PER_DAY", 24))


def linkcheck_rate() -> float:
    return float(get("GONGKAI_LINKCHECK_RATE", 2))


def guide_missing_classes() -> int:
    """§2 `services`: a 办事指南 counts as deficient when at least this many of the 8 element
    classes of lists.md §2.3 are empty (`GONGKAI_GUIDE_MISSING_CLASSES`, default 4, as reported
    for 19号; unverified)."""
    return int(get("GONGKAI_GUIDE_MISSING_CLASSES", 4))


def guide_share_veto() -> float:
    """§2 `services`: the veto fires when the deficient guides are MORE than this share of the
    public guides (`GONGKAI_GUIDE_SHARE_VETO`, a fraction, default 0.05: "more than 5 % of
    items" as reported for 19号; unverified)."""
    return float(get("GONGKAI_GUIDE_SHARE_VETO", 0.05))


def points() -> dict[str, float]:
    return {**DEFAULT_POINTS, **get("GONGKAI_MONITOR_POINTS", {})}


def correction_days() -> tuple[int, int]:
    """(acknowledge, answer) in working days (§6, Liaoning rule; unverified nationally)."""
    return int(get("GONGKAI_CORRECTION_ACK_DAYS", 1)), int(get("GONGKAI_CORRECTION_ANSWER_DAYS", 3))


def correction_limit() -> int:
    return int(get("GONGKAI_CORRECTION_SUBMIT_LIMIT", 5))
