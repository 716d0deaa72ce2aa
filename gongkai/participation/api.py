"""Read-only public API of participation (mounted under /api/v1/ by gongkai/api.py).

GET /consultations    published consultations; after the 意见采纳情况反馈 is published, its groups
                      with 采纳/部分采纳/未采纳 and the reason. No comment text, no commenter.
GET /letters          letters published with the writer's consent, de-identified; no contact.
GET /interpretations  public interpretations with the linked policy's 索引号 (only if public).
Everything comes from the public selectors, which apply visibility.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from gongkai.lib.bounds import PageNo

from . import selectors
from .models import Consultation, Letter

router = Router(tags=["公众参与"])

MAX_PAGE_SIZE = 100


class Page(Schema):
    page: PageNo = 1
    size: int = 20


def _slice(qs: Any, p: Page) -> tuple[int, Any]:
    size = min(max(p.size, 1), MAX_PAGE_SIZE)
    return qs.count(), qs[(p.page - 1) * size : p.page * size]


class FeedbackGroupOut(Schema):
    summary: str
    decision: str
    decision_code: str
    reason: str
    count: int


class ConsultationOut(Schema):
    id: int
    title: str
    org: str
    kind: str
    opens_on: dt.date
    closes_on: dt.date
    shortened_reason: str
    status: str
    status_label: str
    comment_count: int
    url: str
    feedback: list[FeedbackGroupOut] | None


class ConsultationList(Schema):
    count: int
    items: list[ConsultationOut]


def _consultation(c: Consultation, today: dt.date) -> dict[str, Any]:
    rows = selectors.feedback(c)
    status = selectors.phase(c, today)
    return {
        "id": c.pk, "title": c.title, "org": c.org.name, "kind": c.get_kind_display(),
        "opens_on": c.opens_on, "closes_on": c.closes_on, "shortened_reason": c.shortened_reason,
        "status": status, "status_label": selectors.PHASES[status],
        "comment_count": getattr(c, "n_comments", 0), "url": f"/consultations/{c.pk}/",
        "feedback": None if rows is None else [
            {"summary": r.summary, "decision": r.decision_label, "decision_code": r.decision,
             "reason": r.reason, "count": r.count} for r in rows
        ],
    }  # fmt: skip


@router.get("/consultations", response=ConsultationList, summary="征求意见（含意见采纳情况反馈）")
def consultations(request: HttpRequest, p: Query[Page]) -> dict[str, Any]:
    today = timezone.localdate()
    total, rows = _slice(selectors.public_consultations(), p)
    return {"count": total, "items": [_consultation(c, today) for c in rows]}


class LetterOut(Schema):
    id: int
    tracking_no: str
    mailbox: str
    type: str
    subject: str
    question: str
    reply: str
    department: str
    submitted_on: dt.date
    replied_on: dt.date | None
    rating: str | None


class LetterList(Schema):
    count: int
    items: list[LetterOut]


def _letter(x: Letter) -> dict[str, Any]:
    return {
        "id": x.pk, "tracking_no": x.tracking_no, "mailbox": x.mailbox.name,
        "type": x.get_kind_display(), "subject": x.public_subject, "question": x.public_question,
        "reply": x.public_reply, "department": (x.department or x.org).name,
        "submitted_on": x.submitted_on, "replied_on": x.replied_on,
        "rating": x.get_rating_display() if x.rating else None,
    }  # fmt: skip


@router.get("/letters", response=LetterList, summary="领导信箱公开选登的来信与答复")
def letters(request: HttpRequest, p: Query[Page]) -> dict[str, Any]:
    total, rows = _slice(selectors.public_letters(), p)
    return {"count": total, "items": [_letter(x) for x in rows]}


class PolicyRef(Schema):
    id: int
    title: str
    index_no: str | None
    doc_number: str
    published_on: dt.date | None


class InterpretationOut(Schema):
    id: int
    title: str
    index_no: str | None
    org: str
    published_on: dt.date | None
    url: str
    policy: PolicyRef | None


class InterpretationList(Schema):
    count: int
    items: list[InterpretationOut]


@router.get("/interpretations", response=InterpretationList, summary="政策解读及其所解读的政策文件")
def interpretations(request: HttpRequest, p: Query[Page]) -> dict[str, Any]:
    total, rows = _slice(selectors.public_interpretations(), p)
    public_ids = set(
        selectors.public_documents()
        .filter(pk__in=[d.interprets_id for d in rows if d.interprets_id])
        .values_list("pk", flat=True)
    )
    items = []
    for d in rows:
        policy = d.interprets if d.interprets_id in public_ids else None
        items.append({
            "id": d.pk, "title": d.title, "index_no": d.index_no, "org": d.org.name,
            "published_on": d.published_on, "url": f"/documents/{d.pk}/",
            "policy": None if policy is None else {
                "id": policy.pk, "title": policy.title, "index_no": policy.index_no,
                "doc_number": policy.doc_number, "published_on": policy.published_on,
            },
        })  # fmt: skip
    return {"count": total, "items": items}
