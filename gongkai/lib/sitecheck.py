"""Veto items and score of the government-website inspection (国办秘函〔2019〕19号, spec
monitoring.md §1–§3, §5). Pure rules: the monitoring app gathers the figures, this decides.

Thresholds are the 2019 ones, inclusive ("超过(含)" = ≥). Column periods are calendar days.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

PROBE_TIMEOUT_S = 15.0  # §2 unreachable: still not open after 15 s (inclusive) = a failure
PROBE_WINDOW_DAYS = 7  # §5: the last 7 days
PROBES_PER_DAY_MIN = 20  # §2: ≥20 probes a day, so a complete window holds ≥ 7 × 20
FAILURE_RATIO_VETO = 0.05  # §2: failures ≥ 5 % of probes
HOMEPAGE_DAYS = 14  # §2 homepage_stale: nothing new for 2 weeks
STALE_A_VETO = 5  # §2 columns_stale (a)
STALE_B_VETO = 10  # §2 columns_stale (b)
EMPTY_VETO = 5  # §2 columns_stale (c)

# §3: default update period per kind, in calendar days (None: no period); tenant may override
DEFAULT_PERIOD_DAYS: dict[str, int | None] = {
    "news": 14, "notice": 183, "policy": 183, "personnel": 365, "plan": 365, "periodic": 183,
    "static": None, "interactive": None, "external": None,
}  # fmt: skip
ITEM_KINDS = ("news", "notice", "policy", "personnel", "plan", "periodic", "static")


@dataclass(frozen=True)
class ColumnState:
    id: int
    name: str
    kind: str
    first_level: bool
    period_days: int | None
    last_item_on: dt.date | None  # newest dated item; undated items count as not updated
    items: int
    on_homepage: bool = False

    def stale(self, today: dt.date) -> bool:
        """§3: today − newest dated item > period; a column with items but none dated is stale."""
        if self.period_days is None or self.items == 0:
            return False
        if self.last_item_on is None:
            return True
        return (today - self.last_item_on).days > self.period_days

    @property
    def empty(self) -> bool:
        return self.kind in ITEM_KINDS and self.items == 0


@dataclass
class Veto:
    code: str
    name: str
    triggered: bool
    value: Any
    threshold: str
    items: list[Any] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "triggered": self.triggered,
                "value": self.value, "threshold": self.threshold, "items": self.items}  # fmt: skip


def probe_failed(*, ok_status: bool, elapsed_s: float, timeout_s: float = PROBE_TIMEOUT_S) -> bool:
    """§5: an error, HTTP ≥ 400 on the homepage, or not open within the limit (inclusive)."""
    return (not ok_status) or elapsed_s >= timeout_s


def unreachable(probes: int, failures: int) -> Veto:
    """§2/§5: veto when the 7-day window is complete (≥140 probes) and failures ≥ 5 %."""
    ratio = round(failures / probes, 4) if probes else None
    complete = probes >= PROBE_WINDOW_DAYS * PROBES_PER_DAY_MIN
    triggered = bool(complete and probes and failures / probes >= FAILURE_RATIO_VETO)
    value: Any = ratio if complete else f"监测不足（{probes} 次）"
    return Veto("unreachable", "站点无法访问", triggered, value,
                f"近 {PROBE_WINDOW_DAYS} 天不少于 {PROBE_WINDOW_DAYS * PROBES_PER_DAY_MIN} 次监测，"
                f"失败率 ≥ {FAILURE_RATIO_VETO:.0%}")  # fmt: skip


def homepage_stale(columns: Iterable[ColumnState], today: dt.date) -> Veto:
    """§2: no dated item on the homepage columns within 2 weeks (undated = not updated)."""
    home = [c for c in columns if c.on_homepage and c.kind in ITEM_KINDS]
    dates = [c.last_item_on for c in home if c.last_item_on is not None]
    newest = max(dates) if dates else None
    days = None if newest is None else (today - newest).days
    triggered = days is None or days > HOMEPAGE_DAYS
    return Veto("homepage_stale", "首页不更新", triggered,
                None if newest is None else newest.isoformat(),
                f"首页栏目 {HOMEPAGE_DAYS} 天内有更新",
                [c.name for c in home] if triggered else [])  # fmt: skip


def columns_stale(columns: Iterable[ColumnState], today: dt.date) -> Veto:
    """§2 (a) ≥5 stale news + first-level notice/policy; (b) ≥10 stale periodic columns of any
    kind; (c) ≥5 empty columns."""
    cols = list(columns)
    a = [c for c in cols if c.stale(today) and (
        c.kind == "news" or (c.kind in ("notice", "policy") and c.first_level))]  # fmt: skip
    b = [c for c in cols if c.stale(today)]
    empty = [c for c in cols if c.empty]
    triggered = len(a) >= STALE_A_VETO or len(b) >= STALE_B_VETO or len(empty) >= EMPTY_VETO
    return Veto("columns_stale", "栏目不更新", triggered,
                {"a": len(a), "b": len(b), "empty": len(empty)},
                f"(a) ≥{STALE_A_VETO} 个动态要闻/一级通知公告政策文件栏目未按期更新；"
                f"(b) ≥{STALE_B_VETO} 个应更新栏目长期未更新；(c) ≥{EMPTY_VETO} 个空白栏目",
                [{"id": c.id, "name": c.name, "why": "空白" if c.empty else "未按期更新"}
                 for c in cols if c.empty or c.stale(today)])  # fmt: skip


def interaction(*, channels: int, unanswered: list[dict[str, Any]]) -> Veto:
    """§2: no working consultation channel, or a message of the last year unanswered > 3 months."""
    triggered = channels == 0 or bool(unanswered)
    return Veto("interaction", "互动回应差", triggered,
                {"channels": channels, "over_3_months": len(unanswered)},
                "有可用的咨询渠道；一年内无超过 3 个月未答复的有效留言", unanswered)  # fmt: skip


def verdict(vetoes: list[Veto], score: float, pass_mark: float = 60) -> str:
    """§1: any veto fails the site; otherwise below the pass mark fails."""
    return "fail" if any(v.triggered for v in vetoes) or score < pass_mark else "pass"
