"""Per-tenant numbers of execution disclosure (spec response.md: "each local number is a
per-tenant setting with the default given here"). Read on every call so tests may override."""

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # 建议提案 (spec §3): answer within 3 months of 交办, at most 6 months with an extension
    "PROPOSAL_MONTHS": {"suggestion": 3, "proposal": 3},
    "PROPOSAL_MAX_MONTHS": 6,
    # publish the reply within 20 working days after it is sent (spec §3, Anhui 2015)
    "PROPOSAL_PUBLISH_WORKDAYS": 20,
    # result grades; the list is data (some bodies use A/B/C only)
    "PROPOSAL_GRADES": {
        "A": "已经解决或基本解决",
        "B": "正在解决或列入规划逐步解决",
        "C": "因条件限制需以后解决",
        "D": "留作参考",
    },
    # 政务舆情 clocks in calendar hours (spec §4: 61号 24 h / 48 h, 80号 5 h)
    "OPINION_FIRST_RELEASE_HOURS": 5,
    "OPINION_PRESS_HOURS": 24,
    "OPINION_RESPONSE_HOURS": 48,
    # 在线访谈 (spec §6): announce ≥ 3 days ahead, follow-ups within 5 working days after
    "INTERVIEW_NOTICE_DAYS": 3,
    "INTERVIEW_FOLLOWUP_WORKDAYS": 5,
    # 新闻发布会 per quarter (spec §5, 100号): by organisation code; others get the default
    "PRESS_QUARTERLY_TARGETS": {},
    "PRESS_QUARTERLY_TARGET_DEFAULT": 0,
}


def get(name: str) -> Any:
    return getattr(settings, "GONGKAI_EXECUTION", {}).get(name, DEFAULTS[name])
