"""Writes of the review step (先审查、后公开, 一事一审) and of the negative list (政务公开负面清单).

Called explicitly by `gongkai.documents.services`, which passes the document and what it would
show the public; this module never imports documents.
- `scan` records the personal information found in the public face and in the public
  attachments (text extracted by `extract`; an unreadable attachment becomes a finding of its
  own that a person must clear). A finding's resolution survives rescans of the same value.
- `resolve` masks a finding or keeps it with a recorded reason (惩戒公示, 本人同意,
  公职人员职务信息 …); personal information is de-identified unless the law requires it shown.
- `gate_problems` is the publishing gate: it re-reads the final public text, so nothing edited
  after review slips through, and checks every public attachment was read or cleared by hand.
- `sign` writes the reviewer's decision for the submission: 公开属性, legal ground (条例
  Art. 14–16) and negative-list entry, the 保密审查 confirmation, reviewer and time.
- Negative-list entries are adjusted with their history kept and never deleted (retired).
Every change is appended to the audit trail; identifiers appear there masked only.
"""

import datetime as dt
from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gongkai.accounts import permissions
from gongkai.accounts.permissions import Action
from gongkai.audit.services import record
from gongkai.lib.errors import Conflict

from .extract import Extracted, extract_text
from .models import (
    UNREADABLE,
    AttachmentScan,
    Finding,
    KeepReason,
    LegalGround,
    NegativeListChange,
    NegativeListEntry,
    ReviewRecord,
)
from .text import Found, Piece, find, masked_form

TYPE_LABELS = {
    "id_card": "身份证号", "mobile": "手机号", "landline": "固定电话", "bank_card": "银行卡号",
    "email": "电子邮箱", "passport": "护照/通行证号", "license_plate": "车牌号",
    "credit_code": "统一社会信用代码", "person_name": "姓名", "address": "住址",
    UNREADABLE: "无法读取的附件",
}  # fmt: skip
NON_PUBLIC_ATTRIBUTES = ("on_request", "withheld")
MAX_OCCURRENCES = 50
S = Finding.Status


def _actor_id(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


def _scans(attachment_ids: list[int]) -> dict[int, AttachmentScan]:
    rows = AttachmentScan.objects.filter(attachment_id__in=attachment_ids)
    return {s.attachment_id: s for s in rows}


def _current_record(document: Any) -> ReviewRecord | None:
    return ReviewRecord.objects.filter(document_id=document.pk).order_by("-round").first()


def _resolutions(document: Any) -> dict[str, str]:
    rows = Finding.objects.filter(document_id=document.pk)
    return dict(rows.values_list("fingerprint", "status"))


def _attachment_field(attachment_id: int) -> str:
    return f"attachment:{attachment_id}"


# --- scanning ------------------------------------------------------------------------------------
def _read(attachment: Any) -> bytes:
    with attachment.file.open("rb") as fh:
        return fh.read()


def _scan_attachments(
    attachments: list[Any], existing: dict[str, Finding], found: dict[str, Found]
) -> None:
    prior = _scans([a.pk for a in attachments])
    for att in attachments:
        where = _attachment_field(att.pk)
        label = f"附件《{att.name}》"
        scan_row = prior.get(att.pk)
        if scan_row is not None and scan_row.sha256 == att.sha256:
            # the same bytes were read before: carry their occurrences over, do not read again
            for key, row in existing.items():
                occ = [o for o in row.occurrences if o.get("field") == where]
                if occ:
                    found.setdefault(key, Found(row.kind, row.value, row.confidence))
                    found[key].occurrences.extend(occ)
            readable, message = scan_row.readable, scan_row.message
        else:
            try:
                extracted = extract_text(att.name, _read(att))
            except OSError as e:
                extracted = Extracted(None, f"附件文件无法打开（{e.strerror or e}）")
            readable, message = extracted.readable, extracted.message
            AttachmentScan.objects.update_or_create(
                attachment_id=att.pk,
                defaults={"sha256": att.sha256, "readable": readable, "message": message[:300],
                          "chars": len(extracted.text or "")},
            )  # fmt: skip
            if extracted.text:
                for key, f in find([Piece(where, label, extracted.text)]).items():
                    found.setdefault(key, Found(f.kind, f.value, f.confidence))
                    found[key].occurrences.extend(f.occurrences)
        if not readable:
            key = f"{UNREADABLE}:{att.pk}:{att.sha256[:16]}"
            found[key] = Found(UNREADABLE, att.name, 1.0)
            found[key].occurrences.append(
                {"field": where, "label": label, "attachment_id": att.pk, "message": message}
            )


@transaction.atomic
def scan(document: Any, pieces: list[Piece], attachments: list[Any], *, by: Any) -> dict[str, int]:
    """Record the findings of `pieces` and `attachments` (public ones only) for `document`."""
    existing = {
        f.fingerprint: f
        for f in Finding.objects.select_for_update().filter(document_id=document.pk)
    }
    found = find(pieces)
    _scan_attachments(attachments, existing, found)
    for key, f in found.items():
        occurrences = f.occurrences[:MAX_OCCURRENCES]
        row = existing.pop(key, None)
        if row is None:
            attachment_id = occurrences[0].get("attachment_id") if f.kind == UNREADABLE else None
            Finding.objects.create(
                document_id=document.pk, attachment_id=attachment_id, kind=f.kind,
                value=f.value[:300], fingerprint=key, occurrences=occurrences,
                confidence=f.confidence, present=True,
            )  # fmt: skip
        else:
            row.occurrences, row.confidence, row.present = occurrences, f.confidence, True
            row.save(update_fields=["occurrences", "confidence", "present"])
    for row in existing.values():
        if row.status == S.OPEN:
            row.delete()  # gone from the text before anyone decided: nothing to remember
        elif row.present:
            row.present = False  # a decision stays on record, marked as no longer in the text
            row.save(update_fields=["present"])
    counts = Counter(f.kind for f in found.values())
    open_count = Finding.objects.filter(
        document_id=document.pk, present=True, status=S.OPEN
    ).count()
    record(
        "review.scan", actor=by, obj=document, org_id=document.org_id,
        after={"found": dict(counts), "open": open_count, "attachments": len(attachments)},
    )  # fmt: skip
    return {"found": len(found), "open": open_count}


# --- resolving findings ---------------------------------------------------------------------------
@transaction.atomic
def resolve(finding: Finding, *, by: Any, action: str, reason: str = "", note: str = "") -> Finding:
    """Mask the finding (去标识化) or keep it in clear with a recorded reason."""
    row = Finding.objects.select_for_update().select_related("document").get(pk=finding.pk)
    permissions.require(by, Action.REVIEW, row.document.org_id)
    note = (note or "").strip()[:300]
    if action == "mask":
        if row.kind == UNREADABLE:
            raise ValidationError(
                {"action": "无法读取的附件不能在线遮盖：请人工审阅后确认，或将该附件设为不公开"}
            )
        if any(str(o.get("field", "")).startswith("attachment:") for o in row.occurrences):
            raise ValidationError(
                {
                    "action": "附件中的内容无法在线遮盖：请将该附件设为不公开，或退回修改后上传删减后的附件"
                }
            )
        row.status, row.reason = S.MASKED, ""
    elif action == "keep":
        if reason not in KeepReason.values:
            raise ValidationError({"reason": "保留原文须选择理由：" + "、".join(KeepReason.labels)})
        if reason == KeepReason.CHECKED_BY_HAND and row.kind != UNREADABLE:
            raise ValidationError({"reason": "“已人工审阅附件”只适用于无法读取的附件"})
        row.status, row.reason = S.KEPT, reason
    else:
        raise ValidationError({"action": "处理方式应为 mask（遮盖）或 keep（保留）"})
    row.note, row.resolved_by, row.resolved_at = note, _actor_id(by), timezone.now()
    row.save()
    record(
        f"review.finding.{action}", actor=by, obj=row.document, org_id=row.document.org_id,
        after={"finding": row.pk, "kind": row.kind, "value": _shown(row), "reason": row.reason,
               "note": note},
    )  # fmt: skip
    return row


def _shown(row: Finding) -> str:
    return row.value if row.kind == UNREADABLE else masked_form(row.kind, row.value)


# --- the gate --------------------------------------------------------------------------------------
def gate_problems(document: Any, pieces: list[Piece], public_attachments: list[Any]) -> list[str]:
    """Why the final public text may not go out; empty when it may."""
    resolutions = _resolutions(document)
    problems: list[str] = []
    for key, f in find(pieces).items():
        status = resolutions.get(key)
        if status == S.KEPT:
            continue
        where = "、".join(dict.fromkeys(o["label"] for o in f.occurrences))
        shown = masked_form(f.kind, f.value)
        label = TYPE_LABELS.get(f.kind, f.kind)
        if status == S.MASKED:
            problems.append(f"{where}中的{label}“{shown}”已决定遮盖，但仍以原文出现，请退回修改")
        else:
            problems.append(f"{where}中的{label}“{shown}”尚未处理")
    public_ids = {a.pk for a in public_attachments}
    scans = _scans(list(public_ids))
    for att in public_attachments:
        scanned = scans.get(att.pk)
        if scanned is None or scanned.sha256 != att.sha256:
            problems.append(f"附件《{att.name}》尚未检测个人信息")
    names = {a.pk: a.name for a in public_attachments}
    pending = Finding.objects.filter(document_id=document.pk, present=True).exclude(status=S.KEPT)
    for row in pending:
        in_public = [
            names[int(o["field"].split(":")[1])]
            for o in row.occurrences
            if str(o.get("field", "")).startswith("attachment:")
            and int(o["field"].split(":")[1]) in names
        ]
        if not in_public:
            continue
        if row.kind == UNREADABLE:
            problems.append(f"附件《{in_public[0]}》无法自动读取文字，须人工审阅后确认")
        else:
            where = "、".join(f"附件《{n}》" for n in dict.fromkeys(in_public))
            problems.append(
                f"{where}中的{TYPE_LABELS.get(row.kind, row.kind)}“{_shown(row)}”尚未处理"
            )
    return problems


# --- the review record (一事一审) ------------------------------------------------------------------
@transaction.atomic
def open_round(document: Any, *, by: Any) -> ReviewRecord:
    """A new submission gets its own review record."""
    last = _current_record(document)
    return ReviewRecord.objects.create(
        document_id=document.pk, round=(last.round + 1) if last else 1, submitted_by=_actor_id(by)
    )


def check_ground(
    org: Any, attribute: str, ground: str, entry: NegativeListEntry | None
) -> dict[str, str]:
    """Errors of a disclosure decision's legal ground and negative-list entry, by field."""
    errors: dict[str, str] = {}
    if ground and ground not in LegalGround.values:
        errors["disclosure_ground"] = "法律依据应为条例第十四至十六条规定的情形之一"
    elif attribute in NON_PUBLIC_ATTRIBUTES and not ground:
        errors["disclosure_ground"] = (
            "依申请公开、不予公开须注明法律依据（条例第十四至十六条）；"
            "负面清单外的事项原则上都要依法依规予以公开"
        )
    if entry is not None:
        if not entry.is_active:
            errors["negative_list_entry"] = "该负面清单事项已撤销"
        elif entry.org_id not in (org.pk, *org.ancestor_ids()):
            errors["negative_list_entry"] = "该负面清单事项不适用于本机构"
        elif ground and entry.ground != ground:
            errors["negative_list_entry"] = "负面清单事项的法律依据与所选法律依据不一致"
    return errors


@transaction.atomic
def sign(
    document: Any, *, by: Any, secrecy_confirmed: bool, summary: dict[str, Any] | None = None
) -> ReviewRecord:
    """Sign the current submission's review with the document's decision as it now stands."""
    permissions.require(by, Action.REVIEW, document.org_id)
    if not secrecy_confirmed:
        raise ValidationError({"secrecy_confirmed": "请确认已完成保密审查"})
    current = _current_record(document)
    if current is None:
        current = open_round(document, by=by)  # submitted before reviews were recorded
    rec = ReviewRecord.objects.select_for_update().get(pk=current.pk)
    rec.attribute = document.disclosure_attribute
    rec.ground = document.disclosure_ground or ""
    rec.negative_list_entry_id = document.negative_list_entry_id
    rec.reason = document.disclosure_reason or ""
    rec.secrecy_confirmed = True
    rec.findings = summary or {}
    rec.reviewer = _actor_id(by)
    rec.reviewer_name = getattr(by, "full_name", "") or getattr(by, "username", "") or "系统"
    rec.reviewed_at = timezone.now()
    rec.save()
    record(
        "review.sign", actor=by, obj=document, org_id=document.org_id,
        after={"round": rec.round, "attribute": rec.attribute, "ground": rec.ground,
               "negative_list_entry": rec.negative_list_entry_id, "secrecy_confirmed": True,
               "findings": rec.findings},
    )  # fmt: skip
    return rec


def findings_summary(document: Any) -> dict[str, int]:
    counts = Counter(
        Finding.objects.filter(document_id=document.pk).values_list("status", flat=True)
    )
    return {status: counts.get(status, 0) for status in S.values}


# --- the negative list -------------------------------------------------------------------------------
def _entry_data(entry: NegativeListEntry) -> dict[str, Any]:
    return {
        "org": entry.org_id, "matter": entry.matter, "ground": entry.ground, "basis": entry.basis,
        "scope": entry.scope, "is_active": entry.is_active,
        "review_on": entry.review_on.isoformat() if isinstance(entry.review_on, dt.date) else None,
    }  # fmt: skip


def _log_change(entry: NegativeListEntry, *, by: Any, action: str, note: str) -> None:
    NegativeListChange.objects.create(
        entry=entry, number=entry.version, action=action, data=_entry_data(entry),
        note=note[:200], changed_by=_actor_id(by),
    )  # fmt: skip


@transaction.atomic
def save_entry(
    entry: NegativeListEntry, *, by: Any, note: str = "", ip: str = ""
) -> NegativeListEntry:
    """List a matter or adjust it; every version is kept."""
    permissions.require(by, Action.MANAGE, entry.org_id)
    before: dict[str, Any] | None = None
    if entry.pk is not None:
        prior = NegativeListEntry.objects.select_for_update().get(pk=entry.pk)
        if prior.org_id != entry.org_id:
            raise ValidationError({"org": "不能把事项移到另一机构的清单：请撤销后重新列入"})
        if not prior.is_active:
            raise Conflict("已撤销的负面清单事项不能再调整")
        before = _entry_data(prior)
        entry.version = prior.version
    entry.matter = (entry.matter or "").strip()
    entry.scope = (entry.scope or "").strip()
    errors: dict[str, str] = {}
    if not entry.matter:
        errors["matter"] = "请填写事项名称"
    if entry.ground not in LegalGround.values:
        errors["ground"] = "法律依据应为条例第十四至十六条规定的情形之一"
    if not entry.scope:
        errors["scope"] = "请说明适用范围"
    if not entry.review_on:
        errors["review_on"] = "请填写复核日期"
    if errors:
        raise ValidationError(errors)
    entry.full_clean()
    if before is not None and before == _entry_data(entry):
        return entry
    entry.version += 1
    entry.save()
    action = "create" if before is None else "update"
    _log_change(entry, by=by, action=action, note=note)
    record(
        f"negative_list.{action}", actor=by, obj=entry, org_id=entry.org_id, before=before,
        after={**_entry_data(entry), "note": note}, ip=ip,
    )  # fmt: skip
    return entry


@transaction.atomic
def retire_entry(
    entry: NegativeListEntry, *, by: Any, note: str, ip: str = ""
) -> NegativeListEntry:
    """Take a matter off the list (it no longer applies); the entry and its history stay."""
    row = NegativeListEntry.objects.select_for_update().get(pk=entry.pk)
    permissions.require(by, Action.MANAGE, row.org_id)
    if not row.is_active:
        raise Conflict("该负面清单事项已撤销")
    if not (note or "").strip():
        raise ValidationError({"note": "请说明撤销理由"})
    row.is_active = False
    row.version += 1
    row.save()
    _log_change(row, by=by, action="retire", note=note)
    record(
        "negative_list.retire", actor=by, obj=row, org_id=row.org_id,
        before={"is_active": True}, after={"is_active": False, "note": note}, ip=ip,
    )  # fmt: skip
    return row
