"""Major decisions: the catalogue and the five-step gate."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import make_document
from gongkai.lib.errors import Conflict
from gongkai.participation import selectors, services

from .conftest import D, consultation

pytestmark = pytest.mark.django_db


def _decision(org: Any, **data: Any) -> Any:
    base = {
        "year": 2025,
        "title": "测试市城市停车设施专项规划",
        "sponsor": "测试市发展和改革委员会",
    }
    base.update(data)
    return services.save_decision(by=SYSTEM, org=org, data=base)


def test_collective_discussion_needs_the_legality_seal(org: Any) -> None:
    c = consultation(org, kind="major_decision", opens=D(2025, 3, 1), closes=D(2025, 3, 31))
    d = _decision(org, consultation=c)
    services.record_step(
        d, by=SYSTEM, kind="public_participation", on=D(2025, 4, 1), performed_by="市发改委"
    )
    with pytest.raises(ValidationError, match="专家"):
        services.record_step(
            d, by=SYSTEM, kind="expert_review", on=D(2025, 4, 2), performed_by="市发改委"
        )
    services.record_step(d, by=SYSTEM, kind="expert_review", on=D(2025, 4, 2), performed_by="市发改委",
                         experts="张教授、李研究员", opinions="规划可行", publish_opinions=True)  # fmt: skip
    services.record_step(d, by=SYSTEM, kind="risk_assessment", on=D(2025, 4, 3), performed_by="市发改委",
                         document="社会稳定风险评估报告")  # fmt: skip
    with pytest.raises(Conflict, match="未经合法性审查"):
        services.record_step(
            d,
            by=SYSTEM,
            kind="collective_decision",
            on=D(2025, 4, 4),
            performed_by="市政府常务会议",
        )
    services.record_step(d, by=SYSTEM, kind="legality_review", on=D(2025, 4, 5), performed_by="市司法局",
                         document="合法性审查意见书", passed=False)  # fmt: skip
    with pytest.raises(Conflict, match="审查未通过"):
        services.record_step(
            d,
            by=SYSTEM,
            kind="collective_decision",
            on=D(2025, 4, 6),
            performed_by="市政府常务会议",
        )
    services.record_step(d, by=SYSTEM, kind="legality_review", on=D(2025, 4, 8), performed_by="市司法局",
                         document="合法性审查意见书（复审）", passed=True)  # fmt: skip
    with pytest.raises(ValidationError, match="不能早于合法性审查"):
        services.record_step(
            d,
            by=SYSTEM,
            kind="collective_decision",
            on=D(2025, 4, 7),
            performed_by="市政府常务会议",
        )
    services.record_step(
        d,
        by=SYSTEM,
        kind="collective_decision",
        on=D(2025, 4, 9),
        performed_by="市政府第5次常务会议",
    )
    assert d.status == "decided" and d.decided_on == D(2025, 4, 9)
    assert all(done for _, _, done in selectors.step_status(d))
    with pytest.raises(Conflict):
        services.record_step(
            d, by=SYSTEM, kind="risk_assessment", on=D(2025, 4, 10), performed_by="x"
        )


def test_result_is_published_with_public_documents_only(client: Client, org: Any) -> None:
    d = _decision(org)
    with pytest.raises(Conflict):
        services.publish_result(d, by=SYSTEM, result="通过")
    services.record_step(
        d, by=SYSTEM, kind="legality_review", on=D(2025, 4, 1), performed_by="市司法局", passed=True
    )
    services.record_step(
        d, by=SYSTEM, kind="collective_decision", on=D(2025, 4, 2), performed_by="常务会议"
    )
    draft = make_document(org, "draft", title="未发布的规划文本")
    with pytest.raises(ValidationError, match="已公开发布"):
        services.publish_result(d, by=SYSTEM, result="通过", documents=[draft])
    doc = make_document(org, title="测试市城市停车设施专项规划（2025—2030年）")
    services.publish_result(d, by=SYSTEM, result="会议原则通过", documents=[doc])
    page = client.get(f"/decisions/{d.pk}/").content.decode()
    assert "会议原则通过" in page and f"/documents/{doc.pk}/" in page
    listing = client.get("/decisions/?year=2025").content.decode()
    assert d.title in listing


def test_expert_opinions_and_unlisted_items_stay_internal(client: Client, org: Any) -> None:
    d = _decision(org)
    services.record_step(d, by=SYSTEM, kind="expert_review", on=D(2025, 4, 2), performed_by="市发改委",
                         experts="王专家", opinions="内部意见：暂缓", publish_opinions=False)  # fmt: skip
    page = client.get(f"/decisions/{d.pk}/").content.decode()
    assert "专家论证" in page and "王专家" not in page and "暂缓" not in page
    hidden = _decision(org, title="不公开的事项", listed=False)
    assert client.get(f"/decisions/{hidden.pk}/").status_code == 404
    assert "不公开的事项" not in client.get("/decisions/").content.decode()
