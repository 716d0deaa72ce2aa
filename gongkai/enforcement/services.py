"""Writes of 行政执法公示 and 双随机、一公开: the only place their rules change state.

Rules (shared/spec/enforcement.md):
- §2.3 双公示 items: a legal person (02/03) needs a valid 统一社会信用代码 (GB 32100-2015) or, having
  none, one of 工商注册号/组织机构代码/税务登记号/事业单位证书号/社会组织登记证号; a 个体工商户 the
  credit code or 工商注册号; a natural person 证件类型 + 证件号码 (身份证: GB 11643-1999) and no
  代码. 许可类别 01–06, 其他 names its kind (`其他-备案`); 有效期至 ≥ 有效期自; decision dates not
  in the future; amounts ≥ 0; 必填 items present. Any error: 422, nothing saved.
- §1.3 clocks (118号): `publish_due_on` = decided_on + 7 working days; published after it = late
  (逾期公开). Withdrawal within 3 working days of the change (处罚法 art.48, art.85).
- §4 publicity (发改办财金〔2019〕527号): 一般失信 3–12 months, 严重失信 6–36, default the maximum;
  `publicity_until` = decided_on + months. Retention (local, Hebei; settings) 5 years, natural
  persons 2: `visible_until` = the earlier end; `expire` unpublishes after it.
- §1.3 not published (工商总局 2014 办法): minors as the punished party (from the 身份证 birth date),
  secrets/privacy with a reason. Free text passes the PII detector (`lib.pii`): a finding holds
  the decision (never public) until staff correct the text.
- 先审查、后公开: an editor's record waits for a reviewer (`release`); a reviewer's is public at once.
- §6 双随机: ratio ≥ 5 % unless a reason, ≥ 2 inspectors per target; approval commits to a secret
  seed (its SHA-256 published); the draw is `lottery.draw` over the pool frozen at approval, stored
  and never repeated; results due 20 working days after the check ends.

Every change is one transaction and one audit entry (no personal identifier in it).
"""

import datetime as dt
import functools
import hashlib
import re
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gongkai.accounts import permissions
from gongkai.accounts.permissions import Action
from gongkai.audit.services import record, record_many
from gongkai.lib.creditcode import is_valid_credit_code
from gongkai.lib.errors import Conflict
from gongkai.lib.pii import DEFAULT_POLICY, detect, mask_value
from gongkai.lib.pii.checks import id_birth_date, is_valid_id_card
from gongkai.organizations.models import Organization
from gongkai.search import services as search
from gongkai.search.interface import SearchEntry

from . import clock, codes, exchange, lottery
from .models import (
    CoercionDecision,
    Disclosure,
    DiscretionLevel,
    Draw,
    EnforcementBody,
    FeeAmount,
    FeeItem,
    LicenceDecision,
    LicensingIntake,
    Matter,
    Officer,
    PenaltyDecision,
    Plan,
    Recusal,
    Result,
    SpotCheckMatter,
    Status,
    Target,
    Withdrawal,
    visible_q,
)

_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
MIN_RATIO = Decimal("5")
MIN_INSPECTORS = 2
PUBLICITY_MONTHS = {"general": (3, 12), "serious": (6, 36)}
# identifiers that hold free text; 统一社会信用代码 names an organisation and may stay
PII_TYPES = ("id_card", "mobile", "landline", "bank_card", "email", "passport", "license_plate")
CODE_FIELDS = ("credit_code", "reg_no", "org_code_no", "tax_no", "institution_no", "social_org_no")
SUBJECT_FIELDS = (
    "subject_name", "subject_type", *CODE_FIELDS, "legal_rep", "legal_rep_id_type",
    "legal_rep_id_number", "id_type", "id_number", "contact", "internal_note", "authority",
    "authority_credit_code", "source", "source_credit_code", "remarks", "disclosure",
    "not_public_reason",
)  # fmt: skip
LICENCE_FIELDS = (
    "decision_title", "decision_no", "category_code", "category_other", "licence_name",
    "licence_no", "content", "decided_on", "valid_from", "valid_to", "outcome",
)  # fmt: skip
PENALTY_FIELDS = (
    "decision_no", "violation_type", "facts", "basis", "type_codes", "content", "fine_wan",
    "confiscated_wan", "licence_revoked", "decided_on", "valid_until", "severity",
    "publicity_months",
)  # fmt: skip
LICENCE_TEXT = ("content", "remarks")
PENALTY_TEXT = ("facts", "content", "remarks")


def retention_years(person: bool) -> int:
    if person:
        return int(getattr(settings, "GONGKAI_ENFORCEMENT_PERSON_RETENTION_YEARS", 2))
    return int(getattr(settings, "GONGKAI_ENFORCEMENT_RETENTION_YEARS", 5))


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _s(value: Any) -> str:
    return str(value or "").strip()


def _date(value: Any, field: str, label: str, errors: dict[str, str]) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    text = _s(value)
    if not text:
        errors[field] = f"{label}必填"
        return None
    m = _DATE.fullmatch(text)
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])) if m else dt.date.fromisoformat(text)
    except ValueError:
        errors[field] = f"{label}不是有效日期（YYYY/MM/DD）"
        return None


def _wan(value: Any, field: str, label: str, errors: dict[str, str]) -> Decimal | None:
    if value is None or _s(value) == "":
        return None
    try:
        amount = Decimal(_s(value))
    except InvalidOperation:
        errors[field] = f"{label}应为数字（万元）"
        return None
    if not amount.is_finite() or amount < 0:
        errors[field] = f"{label}不能为负数"
        return None
    if amount != amount.quantize(Decimal("0.000001")) or amount >= Decimal("1e12"):
        errors[field] = f"{label}最多保留 6 位小数"
        return None
    return amount


def _required(data: dict[str, Any], fields: dict[str, str], errors: dict[str, str]) -> None:
    for field, label in fields.items():
        if not _s(data.get(field)):
            errors.setdefault(field, f"{label}必填")


def clean_subject(data: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """行政相对人 items 1–13 and the authority items, normalised (codes for names; spec §2.3, §3)."""
    out = {f: _s(data.get(f)) for f in SUBJECT_FIELDS}
    for f in (*CODE_FIELDS, "authority_credit_code", "source_credit_code", "id_number"):
        out[f] = out[f].upper().replace(" ", "")
    _required(out, {"subject_name": "行政相对人名称", "subject_type": "行政相对人类别",
                    "authority": "决定机关", "authority_credit_code": "决定机关统一社会信用代码",
                    "source": "数据来源单位",
                    "source_credit_code": "数据来源单位统一社会信用代码"}, errors)  # fmt: skip
    kind = codes.code_of(codes.SUBJECT_TYPES, out["subject_type"], codes.SUBJECT_ALIASES)
    if out["subject_type"] and kind is None:
        errors["subject_type"] = (
            "行政相对人类别应为 01 自然人、02 法人、03 非法人组织或 04 个体工商户"
        )
    out["subject_type"] = kind or ""
    for f, label in (("credit_code", "统一社会信用代码"), ("authority_credit_code", "决定机关统一社会信用代码"),
                     ("source_credit_code", "数据来源单位统一社会信用代码")):  # fmt: skip
        if out[f] and not is_valid_credit_code(out[f]):
            errors[f] = f"{label}校验位错误或格式不符（GB 32100-2015）"
    if kind == codes.NATURAL_PERSON:
        if any(out[f] for f in CODE_FIELDS):
            errors["credit_code"] = "自然人不填写行政相对人代码"
        id_type = codes.code_of(codes.ID_TYPES, out["id_type"])
        if id_type is None:
            errors["id_type"] = "自然人须填写证件类型（01 身份证 … 05 外国人永久居留身份证）"
        out["id_type"] = id_type or ""
        if not out["id_number"]:
            errors["id_number"] = "自然人须填写证件号码"
        elif id_type == codes.ID_CARD and not is_valid_id_card(out["id_number"]):
            errors["id_number"] = "身份证号码校验位错误或格式不符（GB 11643-1999）"
    elif kind:
        if out["id_type"] or out["id_number"]:
            errors["id_number"] = "证件类型、证件号码只用于自然人"
        if kind == codes.SELF_EMPLOYED:
            if not (out["credit_code"] or out["reg_no"]):
                errors["credit_code"] = "个体工商户须填写统一社会信用代码或工商注册号"
        elif not any(out[f] for f in CODE_FIELDS):
            errors["credit_code"] = (
                "法人及非法人组织须填写统一社会信用代码（无代码的填写其他代码之一）"
            )
    rep_type = out["legal_rep_id_type"]
    if (
        rep_type
        and codes.code_of(codes.ID_TYPES, rep_type) is None
        and not (rep_type.startswith("其他-") and len(rep_type) > 3)
    ):
        errors["legal_rep_id_type"] = "法定代表人证件类型应为证件类型代码或“其他-证件名称”"
    rep_number = out["legal_rep_id_number"]
    if codes.code_of(codes.ID_TYPES, rep_type) == codes.ID_CARD and rep_number:  # noqa: SIM102
        if not is_valid_id_card(rep_number):
            errors["legal_rep_id_number"] = "法定代表人身份证号码校验位错误（GB 11643-1999）"
    if out["disclosure"] not in Disclosure.values:
        out["disclosure"] = Disclosure.PUBLIC
    if out["disclosure"] == Disclosure.NOT_PUBLIC and not out["not_public_reason"]:
        errors["not_public_reason"] = "不予公开须说明理由"
    return out


def _decided(data: dict[str, Any], label: str, errors: dict[str, str], today: dt.date) -> Any:
    decided = _date(data.get("decided_on"), "decided_on", label, errors)
    if decided and decided > today:
        errors["decided_on"] = f"{label}不能晚于今天"
    return decided


def clean_licence(data: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """The licence items (spec §2.1, §2.3); ValidationError with every error by field."""
    errors: dict[str, str] = {}
    out = clean_subject(data, errors)
    for f in ("decision_title", "decision_no", "category_code", "category_other", "licence_name",
              "licence_no", "content"):  # fmt: skip
        out[f] = _s(data.get(f))
    out["decision_no"] = out["decision_no"] or out["licence_no"]  # 无文书号的填许可编号
    _required(out, {"decision_title": "行政许可决定文书名称",
                    "decision_no": "行政许可决定文书号", "category_code": "许可类别"}, errors)  # fmt: skip
    raw = out["category_code"]
    if raw.startswith("其他-") or raw.startswith("06-"):
        raw, out["category_other"] = "06", raw.split("-", 1)[1].strip()
    category = codes.code_of(codes.LICENCE_CATEGORIES, raw)
    if raw and category is None:
        errors["category_code"] = (
            "许可类别应为 01 普通、02 特许、03 认可、04 核准、05 登记或 06 其他"
        )
    elif category == codes.LICENCE_OTHER and not out["category_other"]:
        errors["category_code"] = "许可类别为“其他”时须写明具体类别，如“其他-备案”"
    elif category != codes.LICENCE_OTHER:
        out["category_other"] = ""
    out["category_code"] = category or ""
    out["decided_on"] = _decided(data, "许可决定日期", errors, today)
    out["valid_from"] = _date(data.get("valid_from"), "valid_from", "有效期自", errors)
    out["valid_to"] = _date(data.get("valid_to"), "valid_to", "有效期至", errors)
    if out["valid_from"] and out["valid_to"] and out["valid_to"] < out["valid_from"]:
        errors["valid_to"] = "有效期至不能早于有效期自"
    out["outcome"] = _s(data.get("outcome")) or LicenceDecision.Outcome.GRANTED
    if out["outcome"] not in LicenceDecision.Outcome.values:
        errors["outcome"] = "办理结果应为 granted（准予许可）或 refused（不予许可）"
    if errors:
        raise ValidationError(errors)
    return out


def clean_penalty(data: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """The penalty items (spec §2.2, §2.3, §3.4, §4); ValidationError with every error by field."""
    errors: dict[str, str] = {}
    out = clean_subject(data, errors)
    for f in ("decision_no", "violation_type", "facts", "basis", "content", "licence_revoked"):
        out[f] = _s(data.get(f))
    _required(out, {"decision_no": "行政处罚决定书文号", "violation_type": "违法行为类型",
                    "facts": "违法事实", "basis": "处罚依据", "content": "处罚内容"}, errors)  # fmt: skip
    raw_types = data.get("type_codes") or []
    if isinstance(raw_types, str):
        raw_types = [t for t in re.split(r"[,，;；、]", raw_types) if t.strip()]
    types = [codes.code_of(codes.PENALTY_TYPES, _s(t)) for t in raw_types]
    if not types:
        errors["type_codes"] = "处罚类别必填"
    elif None in types:
        errors["type_codes"] = "处罚类别应为处罚法第九条的种类（01 警告 … 13 行政拘留，99 其他）"
    good = sorted({t for t in types if t}, key=lambda c: codes.SEVERITY[c])
    out["type_codes"] = ",".join(good)
    out["heaviest_type"] = codes.heaviest(good) if good else ""
    out["fine_wan"] = _wan(data.get("fine_wan"), "fine_wan", "罚款金额", errors)
    out["confiscated_wan"] = _wan(
        data.get("confiscated_wan"), "confiscated_wan", "没收金额", errors
    )
    if "03" in good and out["fine_wan"] is None and "fine_wan" not in errors:
        errors["fine_wan"] = "处罚类别含罚款时须填写罚款金额（万元）"
    out["decided_on"] = _decided(data, "处罚决定日期", errors, today)
    out["valid_until"] = _date(data.get("valid_until"), "valid_until", "处罚有效期", errors)
    out["severity"] = _s(data.get("severity")) or PenaltyDecision.Severity.GENERAL
    if out["severity"] not in PUBLICITY_MONTHS:
        errors["severity"] = "失信程度应为 general（一般）或 serious（严重）"
    else:
        low, high = PUBLICITY_MONTHS[out["severity"]]
        months = data.get("publicity_months") or high
        try:
            out["publicity_months"] = int(months)
        except (TypeError, ValueError):
            out["publicity_months"] = 0
        if not low <= out["publicity_months"] <= high:
            errors["publicity_months"] = f"公示期应为 {low}–{high} 个月（发改办财金〔2019〕527号）"
    if errors:
        raise ValidationError(errors)
    return out


def pii_findings(values: dict[str, str]) -> list[str]:
    """Which free-text fields hold a personal identifier (the detector of `lib.pii`)."""
    found = []
    for field, text in values.items():
        hits = detect(text, types=PII_TYPES, context_tagger=False) if text else []
        if hits:
            kinds = "、".join(sorted({h.type for h in hits}))
            found.append(f"{field}：{kinds}")
    return found


def _is_minor(out: dict[str, Any]) -> bool:
    if out["subject_type"] != codes.NATURAL_PERSON or out["id_type"] != codes.ID_CARD:
        return False
    born = id_birth_date(out["id_number"])
    decided = out["decided_on"]
    return bool(born and decided and clock.add_months(born, 18 * 12) > decided)


def _visible_until(obj: Any, published_on: dt.date) -> dt.date:
    end = clock.add_months(published_on, 12 * retention_years(obj.is_person))
    if isinstance(obj, PenaltyDecision):
        end = min(end, obj.publicity_until)
    return end


def _publish(obj: Any, today: dt.date) -> None:
    obj.status = Status.PUBLISHED
    obj.published_on = today
    obj.held_reason = ""
    obj.visible_until = _visible_until(obj, today)


def _place(obj: Any, by: Any, today: dt.date, texts: tuple[str, ...],
           found: list[str] | None = None, can_review: bool | None = None) -> None:  # fmt: skip
    """Held when free text has identifiers or the author cannot publish; otherwise public now.
    `found` / `can_review`: already computed by the caller (the import checks each row once)."""
    if found is None:
        found = pii_findings({f: getattr(obj, f) for f in texts})
    if can_review is None:
        can_review = permissions.can(by, Action.REVIEW, obj.org_id)
    if found:
        obj.status, obj.held_reason = (
            Status.HELD,
            "文本含个人信息，须处理后公开：" + "；".join(found),
        )
    elif not can_review:
        obj.status, obj.held_reason = Status.HELD, "待审核发布"
    else:
        _publish(obj, today)


def _audit_after(obj: Any) -> dict[str, Any]:
    return {"decision_no": obj.decision_no, "status": obj.status, "disclosure": obj.disclosure,
            "published_on": str(obj.published_on or "")}  # fmt: skip


# --- search entries (issue 21 "Never public": search) -----------------------------------------

SEARCH_BATCH = 1000
SEARCH_CATEGORIES = {"licence": ("enforcement-licence", "行政许可公示"),
                     "penalty": ("enforcement-penalty", "行政处罚公示")}  # fmt: skip


def _kind(obj: Any) -> str:
    return "penalty" if isinstance(obj, PenaltyDecision) else "licence"


def search_key(kind: str, pk: int) -> str:
    return f"enforcement:{kind}:{pk}"


def _public_name(obj: Any) -> str:
    """The 相对人 as search shows it: a natural person's name masked (surname kept)."""
    if not obj.is_person:
        return obj.subject_name
    rule = DEFAULT_POLICY["person_name"]
    assert rule is not None
    return mask_value("person_name", obj.subject_name, rule)


def search_entry(obj: LicenceDecision | PenaltyDecision) -> SearchEntry:
    """The public search entry of a visible decision: no 证件号码, contact or internal note; a
    natural person's name masked wherever it appears."""
    kind = _kind(obj)
    name = _public_name(obj)
    if isinstance(obj, PenaltyDecision):
        title = f"行政处罚决定书 {obj.decision_no}：{name}"
        parts = [name, obj.violation_type, obj.facts, obj.content, obj.authority]
        path = f"/enforcement/penalties/{obj.pk}/"
    else:
        title = f"{obj.decision_title} {obj.decision_no}：{name}"
        parts = [name, obj.licence_name, obj.licence_no, obj.content, obj.authority]
        path = f"/enforcement/licences/{obj.pk}/"
    body = " ".join(p for p in parts if p)
    if obj.is_person and obj.subject_name:
        body = body.replace(obj.subject_name, name)
    code, label = SEARCH_CATEGORIES[kind]
    return SearchEntry(
        key=search_key(kind, obj.pk), title=title, url=path, body=body, org_code=obj.org.code,
        org_name=obj.org.name, category_code=code, category_name=label,
        published_on=obj.published_on, doc_number=obj.decision_no,
    )  # fmt: skip


def _sync_search(objs: list[Any], today: dt.date) -> None:
    """Index the visible ones of `objs` (one update), take the others out of search."""
    public = [o for o in objs if o.is_visible(today)]
    search.index([search_entry(o) for o in public])
    ids = {id(o) for o in public}
    search.remove([search_key(_kind(o), o.pk) for o in objs if id(o) not in ids])


def _search_batches(model: Any, after: int, today: dt.date | None = None) -> Any:
    base = model.objects.filter(visible_q(_today(today))).select_related("org").order_by("id")
    while objs := list(base.filter(id__gt=after)[:SEARCH_BATCH]):
        after = objs[-1].id
        yield after, [search_entry(o) for o in objs]


def licence_search_batches(after: int = 0) -> Any:
    """(last id, entries) of the visible licence decisions after id `after`: the rebuild source
    of `gongkai search_reindex` (`apps.search_sources`)."""
    return _search_batches(LicenceDecision, after)


def penalty_search_batches(after: int = 0) -> Any:
    return _search_batches(PenaltyDecision, after)


def licence_search_keys() -> list[str]:
    ids = LicenceDecision.objects.filter(visible_q(_today(None))).values_list("id", flat=True)
    return [search_key("licence", i) for i in ids]


def penalty_search_keys() -> list[str]:
    ids = PenaltyDecision.objects.filter(visible_q(_today(None))).values_list("id", flat=True)
    return [search_key("penalty", i) for i in ids]


@transaction.atomic
def record_licence(*, by: Any, org: Organization, data: dict[str, Any],
                   today: dt.date | None = None) -> LicenceDecision:  # fmt: skip
    """A 行政许可决定 (POST /api/v1/staff/enforcement/licences)."""
    permissions.require(by, Action.EDIT, org.pk)
    today = _today(today)
    out = clean_licence(data, today)
    if LicenceDecision.objects.filter(org=org, decision_no=out["decision_no"]).exists():
        raise ValidationError({"decision_no": "该行政许可决定文书号已登记"})
    lic = LicenceDecision(org=org, **out)
    lic.publish_due_on = clock.add(lic.decided_on, clock.LICENCE_PENALTY_DAYS)
    _place(lic, by, today, LICENCE_TEXT)
    lic.save()
    record("enforcement.licence.record", actor=by, obj=lic, org_id=org.pk, after=_audit_after(lic))
    _sync_search([lic], today)
    return lic


@transaction.atomic
def record_penalty(*, by: Any, org: Organization, data: dict[str, Any],
                   today: dt.date | None = None) -> PenaltyDecision:  # fmt: skip
    """A 行政处罚决定 (POST /api/v1/staff/enforcement/penalties)."""
    permissions.require(by, Action.EDIT, org.pk)
    today = _today(today)
    out = clean_penalty(data, today)
    if PenaltyDecision.objects.filter(org=org, decision_no=out["decision_no"]).exists():
        raise ValidationError({"decision_no": "该行政处罚决定书文号已登记"})
    pen = PenaltyDecision(org=org, **out)
    pen.publicity_until = clock.add_months(pen.decided_on, pen.publicity_months)
    pen.publish_due_on = clock.add(pen.decided_on, clock.LICENCE_PENALTY_DAYS)
    if _is_minor(out):
        # 当事人为未成年人的不予公开 (工商总局 2014 办法, spec §1.3)
        pen.disclosure = Disclosure.NOT_PUBLIC
        pen.not_public_reason = pen.not_public_reason or "当事人为未成年人"
    _place(pen, by, today, PENALTY_TEXT)
    pen.save()
    record("enforcement.penalty.record", actor=by, obj=pen, org_id=org.pk, after=_audit_after(pen))
    _sync_search([pen], today)
    return pen


@transaction.atomic
def release(decision: LicenceDecision | PenaltyDecision, *, by: Any,
            texts: dict[str, str] | None = None, today: dt.date | None = None) -> Any:  # fmt: skip
    """A reviewer publishes a held decision, with its free text corrected (`texts`) if needed;
    the text is checked again, so an identifier still in it keeps the decision held (409)."""
    permissions.require(by, Action.REVIEW, decision.org_id)
    today = _today(today)
    obj = type(decision).objects.select_for_update().get(pk=decision.pk)
    if obj.status != Status.HELD:
        raise Conflict("只有待处理的决定可以发布")
    allowed = PENALTY_TEXT if isinstance(obj, PenaltyDecision) else LICENCE_TEXT
    for field, value in (texts or {}).items():
        if field not in allowed:
            raise ValidationError({field: "只能修改文本项"})
        setattr(obj, field, _s(value))
    if found := pii_findings({f: getattr(obj, f) for f in allowed}):
        raise Conflict("文本仍含个人信息：" + "；".join(found))
    _publish(obj, today)
    obj.save()
    record(f"enforcement.{obj._meta.model_name}.release", actor=by, obj=obj, org_id=obj.org_id,
           after=_audit_after(obj))  # fmt: skip
    _sync_search([obj], today)
    decision.__dict__.update(obj.__dict__)
    return obj


@transaction.atomic
def withdraw(decision: LicenceDecision | PenaltyDecision, *, by: Any, changed_on: Any,
             reason: str, cause: str = "revoked", today: dt.date | None = None) -> Withdrawal:  # fmt: skip
    """Take a published decision down after it was changed/revoked/void, publishing the reason
    (处罚法 art.48); due 3 working days after `changed_on`. Only once."""
    permissions.require(by, Action.REVIEW, decision.org_id)
    today = _today(today)
    errors: dict[str, str] = {}
    changed = _date(changed_on, "changed_on", "变更/撤销日期", errors)
    reason = _s(reason)
    if not reason:
        errors["reason"] = "撤下理由必填（须公开）"
    elif found := pii_findings({"reason": reason}):
        errors["reason"] = "撤下理由含个人信息：" + "；".join(found)
    if cause not in Withdrawal.Cause.values:
        errors["cause"] = "撤下原因应为 changed、revoked、illegal 或 void"
    if changed and changed > today:
        errors["changed_on"] = "变更/撤销日期不能晚于今天"
    if changed and changed < decision.decided_on:
        errors["changed_on"] = "变更/撤销日期不能早于决定日期"
    if errors:
        raise ValidationError(errors)
    obj = type(decision).objects.select_for_update().get(pk=decision.pk)
    if obj.status != Status.PUBLISHED:
        raise Conflict("只有已公开的决定需要撤下公示")
    assert changed is not None
    kind = "penalty" if isinstance(obj, PenaltyDecision) else "licence"
    w = Withdrawal.objects.create(
        org_id=obj.org_id, kind=kind, decision_no=obj.decision_no, cause=cause,
        changed_on=changed, reason=reason, due_on=clock.add(changed, clock.WITHDRAW_DAYS),
        withdrawn_on=today, **{kind: obj},
    )  # fmt: skip
    obj.status = Status.WITHDRAWN
    obj.save(update_fields=["status", "updated_at"])
    search.remove([search_key(kind, obj.pk)])  # the notice stays; the decision leaves search
    record(f"enforcement.{kind}.withdraw", actor=by, obj=obj, org_id=obj.org_id,
           after={"decision_no": obj.decision_no, "cause": cause, "due_on": str(w.due_on),
                  "withdrawn_on": str(today)})  # fmt: skip
    decision.status = obj.status
    return w


def expire(today: dt.date | None = None) -> int:
    """Daily: decisions past their 公示截止期 or retention leave the public pages (spec §4, §1.3)."""
    today = _today(today)
    n = 0
    for model in (LicenceDecision, PenaltyDecision):
        for obj in model.objects.filter(status=Status.PUBLISHED, visible_until__lt=today):
            with transaction.atomic():
                obj.status = Status.EXPIRED
                obj.save(update_fields=["status", "updated_at"])
                search.remove([search_key(_kind(obj), obj.pk)])
                record(f"enforcement.{model._meta.model_name}.expire", obj=obj, org_id=obj.org_id,
                       after={"visible_until": str(obj.visible_until)})  # fmt: skip
                n += 1
    return n


# --- 事前公开 ------------------------------------------------------------------------------


@transaction.atomic
def save_body(
    *, by: Any, org: Organization, data: dict[str, Any], today: dt.date | None = None
) -> EnforcementBody:
    permissions.require(by, Action.EDIT, org.pk)
    errors: dict[str, str] = {}
    _required(data, {"basis": "职责、权限及依据", "remedies": "救济渠道"}, errors)
    if errors:
        raise ValidationError(errors)
    body, _ = EnforcementBody.objects.update_or_create(
        org=org, defaults={"kind": _s(data.get("kind")) or "法定", "basis": _s(data["basis"]),
                           "remedies": _s(data["remedies"]), "procedure": _s(data.get("procedure")),
                           "updated_on": _today(today)},
    )  # fmt: skip
    record("enforcement.body.save", actor=by, obj=body, org_id=org.pk)
    return body


@transaction.atomic
def save_officer(*, by: Any, org: Organization, data: dict[str, Any],
                 officer: Officer | None = None, today: dt.date | None = None) -> Officer:  # fmt: skip
    """执法人员 are public on saving; `publish_due_on` keeps the 5-working-day limit (local)."""
    permissions.require(by, Action.EDIT, org.pk)
    today = _today(today)
    errors: dict[str, str] = {}
    _required(data, {"name": "姓名", "cert_no": "执法证号", "field": "执法类别"}, errors)
    valid_until = _date(data.get("valid_until"), "valid_until", "有效期至", errors)
    cert_no = _s(data.get("cert_no")).upper()
    if (
        cert_no
        and Officer.objects.filter(cert_no=cert_no)
        .exclude(pk=officer.pk if officer else 0)
        .exists()
    ):
        errors["cert_no"] = "该执法证号已登记"
    if errors:
        raise ValidationError(errors)
    obj = officer or Officer(org=org)
    obj.name, obj.cert_no, obj.field = _s(data["name"]), cert_no, _s(data["field"])
    obj.issued_by = _s(data.get("issued_by"))
    obj.valid_until = valid_until  # type: ignore[assignment]
    obj.active = bool(data.get("active", True))
    obj.changed_on = (
        _date(data.get("changed_on") or today, "changed_on", "变动日期", errors) or today
    )
    obj.publish_due_on = clock.add(obj.changed_on, clock.officer_days())
    obj.published_on = today
    obj.save()
    record("enforcement.officer.save", actor=by, obj=obj, org_id=org.pk,
           after={"cert_no": obj.cert_no, "active": obj.active})  # fmt: skip
    return obj


@transaction.atomic
def save_matter(*, by: Any, org: Organization, data: dict[str, Any],
                discretion: list[dict[str, str]] | None = None) -> Matter:  # fmt: skip
    """执法事项 with its 裁量基准 levels (轻微/一般/较重/严重, each conditions + range)."""
    permissions.require(by, Action.EDIT, org.pk)
    errors: dict[str, str] = {}
    _required(data, {"name": "事项名称", "kind": "事项类型", "basis": "实施依据"}, errors)
    if _s(data.get("kind")) and data["kind"] not in Matter.Kind.values:
        errors["kind"] = "事项类型无效"
    levels = discretion or []
    for i, lv in enumerate(levels):
        if (
            lv.get("level") not in DiscretionLevel.Level.values
            or not _s(lv.get("conditions"))
            or not _s(lv.get("range"))
        ):
            errors[f"discretion.{i}"] = (
                "裁量基准须有等级（minor/general/serious/grave）、适用条件和幅度"
            )
    if len({lv.get("level") for lv in levels}) != len(levels):
        errors["discretion"] = "裁量等级不能重复"
    if errors:
        raise ValidationError(errors)
    m = Matter.objects.create(
        org=org, name=_s(data["name"]), kind=data["kind"], basis=_s(data["basis"]),
        flowchart=_s(data.get("flowchart")), time_limit=_s(data.get("time_limit")),
    )  # fmt: skip
    DiscretionLevel.objects.bulk_create(
        DiscretionLevel(
            matter=m, level=lv["level"], conditions=_s(lv["conditions"]), range=_s(lv["range"])
        )
        for lv in levels
    )
    record("enforcement.matter.save", actor=by, obj=m, org_id=org.pk, after={"name": m.name})
    return m


@transaction.atomic
def record_coercion(*, by: Any, org: Organization, data: dict[str, Any],
                    today: dt.date | None = None) -> CoercionDecision:  # fmt: skip
    """行政强制 (强制法 art.9 measures / art.12 executions)."""
    permissions.require(by, Action.EDIT, org.pk)
    today = _today(today)
    errors: dict[str, str] = {}
    _required(data, {"kind": "类型", "measure": "强制方式", "decision_no": "决定书文号",
                     "subject_name": "当事人"}, errors)  # fmt: skip
    allowed = {"measure": codes.COERCION_MEASURES, "execution": codes.COERCION_EXECUTIONS}
    kind, measure = _s(data.get("kind")), _s(data.get("measure"))
    if kind and kind not in allowed:
        errors["kind"] = "类型应为 measure（行政强制措施）或 execution（行政强制执行）"
    elif kind and measure and measure not in allowed[kind]:
        errors["measure"] = "强制方式不在强制法第九条/第十二条所列之内"
    decided = _decided(data, "决定日期", errors, today)
    if CoercionDecision.objects.filter(org=org, decision_no=_s(data.get("decision_no"))).exists():
        errors["decision_no"] = "该决定书文号已登记"
    if errors:
        raise ValidationError(errors)
    c = CoercionDecision.objects.create(
        org=org, kind=kind, measure=measure, decision_no=_s(data["decision_no"]),
        subject_name=_s(data["subject_name"]), decided_on=decided, basis=_s(data.get("basis")),
    )  # fmt: skip
    record("enforcement.coercion.record", actor=by, obj=c, org_id=org.pk, after={"kind": kind})
    return c


@transaction.atomic
def save_fee_item(*, by: Any, org: Organization, data: dict[str, Any]) -> FeeItem:
    permissions.require(by, Action.EDIT, org.pk)
    if not _s(data.get("name")):
        raise ValidationError({"name": "收费项目必填"})
    item = FeeItem.objects.create(org=org, name=_s(data["name"]), basis=_s(data.get("basis")),
                                  standard=_s(data.get("standard")))  # fmt: skip
    record("enforcement.fee_item.save", actor=by, obj=item, org_id=org.pk)
    return item


@transaction.atomic
def set_fee_amount(*, by: Any, item: FeeItem, year: int, month: int, amount_wan: Any) -> FeeAmount:
    """One month's 收费金额 in 万元 (≥ 0, up to 6 decimals)."""
    permissions.require(by, Action.EDIT, item.org_id)
    errors: dict[str, str] = {}
    amount = _wan(amount_wan, "amount_wan", "收费金额", errors)
    if amount is None:
        errors.setdefault("amount_wan", "收费金额必填")
    if not 1 <= int(month) <= 12:
        errors["month"] = "月份应为 1–12"
    if errors or amount is None:
        raise ValidationError(errors)
    fa, _ = FeeAmount.objects.update_or_create(item=item, year=year, month=month,
                                               defaults={"amount_wan": amount})  # fmt: skip
    record("enforcement.fee_amount.save", actor=by, obj=fa, org_id=item.org_id,
           after={"year": year, "month": month, "amount_wan": str(amount)})  # fmt: skip
    return fa


@transaction.atomic
def set_licensing_intake(*, by: Any, org: Organization, year: int, applications: int,
                         accepted: int) -> LicensingIntake:  # fmt: skip
    permissions.require(by, Action.EDIT, org.pk)
    if applications < 0 or accepted < 0 or accepted > applications:
        raise ValidationError({"accepted": "受理数量应在 0 与申请数量之间"})
    obj, _ = LicensingIntake.objects.update_or_create(
        org=org, year=year, defaults={"applications": applications, "accepted": accepted}
    )
    record("enforcement.intake.save", actor=by, obj=obj, org_id=org.pk,
           after={"year": year, "applications": applications, "accepted": accepted})  # fmt: skip
    return obj


# --- 双随机、一公开 ----------------------------------------------------------------------------


@transaction.atomic
def save_spot_matter(*, by: Any, org: Organization, data: dict[str, Any]) -> SpotCheckMatter:
    permissions.require(by, Action.EDIT, org.pk)
    errors: dict[str, str] = {}
    _required(data, {"name": "抽查事项", "basis": "抽查依据"}, errors)
    if errors:
        raise ValidationError(errors)
    m = SpotCheckMatter.objects.create(org=org, **{k: _s(data.get(k)) for k in (
        "name", "category", "content", "target_kind", "basis")},
        importance=_s(data.get("importance")) or "一般", method=_s(data.get("method")) or "现场检查")  # fmt: skip
    record("enforcement.spot_matter.save", actor=by, obj=m, org_id=org.pk)
    return m


@transaction.atomic
def save_target(*, by: Any, org: Organization, data: dict[str, Any]) -> Target:
    """A 名录库 entry; its key is the 统一社会信用代码 (checked) or a 注册号."""
    permissions.require(by, Action.EDIT, org.pk)
    key = _s(data.get("key")).upper()
    errors: dict[str, str] = {}
    _required(data, {"name": "名称", "key": "统一社会信用代码"}, errors)
    if len(key) == 18 and not is_valid_credit_code(key):
        errors["key"] = "统一社会信用代码校验位错误（GB 32100-2015）"
    if key and Target.objects.filter(org=org, key=key).exists():
        errors["key"] = "名录库中已有该对象"
    if errors:
        raise ValidationError(errors)
    t = Target.objects.create(org=org, name=_s(data["name"]), key=key, legal_rep=_s(data.get("legal_rep")),
                              address=_s(data.get("address")), contact=_s(data.get("contact")))  # fmt: skip
    record("enforcement.target.save", actor=by, obj=t, org_id=org.pk, after={"key": key})
    return t


def bulk_targets(*, by: Any, org: Organization, rows: list[dict[str, Any]]) -> int:
    """Many 名录库 entries in one transaction (demo, tests, imports); each checked as in `save_target`."""
    with transaction.atomic():
        for row in rows:
            save_target(by=by, org=org, data=row)
    return len(rows)


@transaction.atomic
def add_recusal(*, by: Any, target: Target, officer: Officer, reason: str) -> Recusal:
    permissions.require(by, Action.EDIT, target.org_id)
    if not _s(reason):
        raise ValidationError({"reason": "回避理由必填"})
    r = Recusal.objects.create(target=target, officer=officer, reason=_s(reason))
    record("enforcement.recusal.add", actor=by, obj=r, org_id=target.org_id)
    return r


@transaction.atomic
def create_plan(*, by: Any, org: Organization, matter: SpotCheckMatter, data: dict[str, Any],
                inspectors: list[Officer]) -> Plan:  # fmt: skip
    """A plan: ratio ≥ 5 % unless its reason is given; ≥ 2 inspectors per target (spec §6)."""
    permissions.require(by, Action.EDIT, org.pk)
    errors: dict[str, str] = {}
    _required(data, {"name": "计划名称"}, errors)
    ratio = _wan(data.get("ratio_percent"), "ratio_percent", "抽查比例", errors)
    if ratio is None or ratio <= 0 or ratio > 100:
        errors.setdefault("ratio_percent", "抽查比例应大于 0、不超过 100（%）")
    elif ratio < MIN_RATIO and not _s(data.get("ratio_reason")):
        errors["ratio_percent"] = f"抽查比例低于 {MIN_RATIO}% 须说明理由"
    per = int(data.get("inspectors_per_target") or MIN_INSPECTORS)
    if per < MIN_INSPECTORS:
        errors["inspectors_per_target"] = f"每户至少随机选派 {MIN_INSPECTORS} 名执法检查人员"
    if len(inspectors) < per:
        errors["inspectors"] = "执法检查人员名录库人数少于每户检查人员数"
    if matter.org_id != org.pk or any(o.org_id != org.pk for o in inspectors):
        errors["matter"] = "抽查事项和检查人员须属于本机构"
    ends = _date(data.get("check_ends_on"), "check_ends_on", "检查结束日期", errors)
    if errors or ratio is None or ends is None:
        raise ValidationError(errors)
    plan = Plan.objects.create(
        org=org, matter=matter, name=_s(data["name"]), year=int(data.get("year") or ends.year),
        ratio_percent=ratio, ratio_reason=_s(data.get("ratio_reason")),
        inspectors_per_target=per, check_ends_on=ends,
    )  # fmt: skip
    plan.inspectors.set(inspectors)
    record("enforcement.plan.create", actor=by, obj=plan, org_id=org.pk,
           after={"ratio_percent": str(ratio), "inspectors_per_target": per})  # fmt: skip
    return plan


@transaction.atomic
def approve_plan(plan: Plan, *, by: Any) -> Plan:
    """Commit: a secret seed, its SHA-256 published, the pool of targets and inspectors frozen."""
    permissions.require(by, Action.REVIEW, plan.org_id)
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if locked.state != Plan.State.DRAFT:
        raise Conflict("计划已批准，不能再次承诺种子")
    targets = list(
        Target.objects.filter(org_id=locked.org_id, active=True)
        .order_by("key")
        .values_list("key", "name")
    )
    if not targets:
        raise Conflict("检查对象名录库为空")
    locked.seed = secrets.token_hex(32)
    locked.seed_sha256 = hashlib.sha256(locked.seed.encode()).hexdigest()
    locked.committed_at = timezone.now()
    locked.pool_targets = [list(t) for t in targets]
    locked.pool_inspectors = [
        list(i) for i in locked.inspectors.order_by("cert_no").values_list("cert_no", "name")
    ]
    locked.state = Plan.State.APPROVED
    locked.approved_by = by if getattr(by, "pk", None) else None
    locked.save()
    record("enforcement.plan.approve", actor=by, obj=locked, org_id=locked.org_id,
           after={"seed_sha256": locked.seed_sha256, "targets": len(targets)})  # fmt: skip
    plan.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked


@transaction.atomic
def draw(plan: Plan, *, by: Any) -> Draw:
    """The one draw of an approved plan (sha256-rank-v1); a second draw is refused (409)."""
    permissions.require(by, Action.REVIEW, plan.org_id)
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if locked.state == Plan.State.DRAWN:
        raise Conflict("该计划已抽取，不能重新抽取")
    if locked.state != Plan.State.APPROVED:
        raise Conflict("计划尚未批准（未承诺种子），不能抽取")
    keys = {t[0] for t in locked.pool_targets}
    certs = {i[0] for i in locked.pool_inspectors}
    recusals = sorted(
        [k, c]
        for k, c in Recusal.objects.filter(target__org_id=locked.org_id).values_list(
            "target__key", "officer__cert_no"
        )
        if k in keys and c in certs
    )
    try:
        drawn = lottery.draw(locked.seed, [t[0] for t in locked.pool_targets], [i[0] for i in locked.pool_inspectors],
                             {(k, c) for k, c in recusals}, locked.ratio_percent, locked.inspectors_per_target)  # fmt: skip
    except lottery.NotEnoughInspectors as exc:
        raise Conflict(str(exc)) from exc
    names = dict((k, n) for k, n in locked.pool_targets)
    d = Draw.objects.create(
        plan=locked, drawn_at=timezone.now(), recusals=recusals,
        drawn=[{"target": k, "name": names[k], "inspectors": ins} for k, ins in drawn],
    )  # fmt: skip
    locked.state = Plan.State.DRAWN
    locked.save(update_fields=["state"])
    record("enforcement.plan.draw", actor=by, obj=locked, org_id=locked.org_id,
           after={"drawn": len(drawn), "seed_sha256": locked.seed_sha256})  # fmt: skip
    plan.state = locked.state
    return d


@transaction.atomic
def record_result(draw_obj: Draw, *, by: Any, target_key: str, checked_on: Any, outcome_code: str,
                  note: str = "", today: dt.date | None = None) -> Result:  # fmt: skip
    """抽查结果 of a drawn target; public at once, due 20 working days after the check ends."""
    plan = draw_obj.plan
    permissions.require(by, Action.EDIT, plan.org_id)
    today = _today(today)
    errors: dict[str, str] = {}
    drawn = {d["target"]: d["name"] for d in draw_obj.drawn}
    if target_key not in drawn:
        errors["target_key"] = "该对象未被抽中"
    if codes.code_of(codes.OUTCOMES, outcome_code) is None:
        errors["outcome_code"] = "检查结果代码无效"
    checked = _date(checked_on, "checked_on", "检查日期", errors)
    if checked and checked > today:
        errors["checked_on"] = "检查日期不能晚于今天"
    outcome = codes.code_of(codes.OUTCOMES, outcome_code)
    if errors or checked is None or outcome is None:
        raise ValidationError(errors)
    end = max(plan.check_ends_on, checked)
    r = Result.objects.create(
        draw=draw_obj, target_key=target_key, target_name=drawn[target_key], checked_on=checked,
        outcome_code=outcome, due_on=clock.add(end, clock.RESULT_DAYS),
        published_on=today, internal_note=_s(note),
    )  # fmt: skip
    record("enforcement.result.record", actor=by, obj=r, org_id=plan.org_id,
           after={"target": target_key, "outcome_code": r.outcome_code})  # fmt: skip
    return r


# --- the exchange file (gongkai enforcement import) ------------------------------------------

IMPORT_ITEMS: dict[str, tuple[Any, Any, tuple[str, ...]]] = {"licence": (LicenceDecision, clean_licence, LICENCE_TEXT),
                "penalty": (PenaltyDecision, clean_penalty, PENALTY_TEXT)}  # fmt: skip


def _comparable(d: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in d.items() if k not in ("contact", "internal_note")}


def import_rows(*, by: Any, org: Organization, kind: str, rows: Any, dry_run: bool = False,
                today: dt.date | None = None) -> dict[str, Any]:  # fmt: skip
    """Validate every row, then record them all in one transaction, or nothing when any row has
    an error. Idempotent by 文书号: a row equal to the stored decision is `unchanged`; a different
    one under a stored number is an error (never silently overwritten). Rows whose free text holds
    an identifier are imported held (`held`)."""
    permissions.require(by, Action.EDIT, org.pk)
    today = _today(today)
    model, clean, texts = IMPORT_ITEMS[kind]
    labels = {f: h for h, f in exchange.COLUMNS[kind] if f}
    errors: list[dict[str, Any]] = []
    cleaned: list[tuple[dict[str, Any], list[str]]] = []
    # pass 1, in memory: clean every row (no query per row)
    parsed: list[tuple[int, dict[str, Any] | None, dict[str, list[str]]]] = []
    for row_no, data in rows:
        try:
            parsed.append((row_no, clean(data, today), {}))
        except ValidationError as e:
            parsed.append((row_no, None, e.message_dict))
    total = len(parsed)
    numbers = [out["decision_no"] for _, out, _ in parsed if out is not None]
    stored: dict[str, Any] = {}
    for i in range(0, len(numbers), IMPORT_BATCH):  # only the numbers in the file
        chunk = numbers[i : i + IMPORT_BATCH]
        stored.update(
            (d.decision_no, d) for d in model.objects.filter(org=org, decision_no__in=chunk)
        )
    # pass 2: the row errors in file order, as when each row was recorded in turn
    seen: dict[str, int] = {}
    unchanged = held = 0
    for row_no, out, problems in parsed:
        if out is None:
            for field, msgs in problems.items():
                errors.append(
                    {"row": row_no, "column": labels.get(field, field), "message": msgs[0]}
                )
            continue
        no = out["decision_no"]
        if no in seen:
            errors.append({"row": row_no, "column": labels["decision_no"],
                           "message": f"文书号与第 {seen[no]} 行重复"})  # fmt: skip
            continue
        seen[no] = row_no
        if no in stored:
            old = {f: getattr(stored[no], f) for f in out}
            if _comparable(old) == _comparable(out):
                unchanged += 1
            else:
                errors.append({"row": row_no, "column": labels["decision_no"],
                               "message": "该文书号已登记且内容不同（请在后台更正，不覆盖）"})  # fmt: skip
            continue
        found = pii_findings({f: out.get(f, "") for f in texts})
        held += bool(found)
        cleaned.append((out, found))
    summary = {"rows": total, "valid": total - len({e["row"] for e in errors}), "imported": 0,
               "unchanged": unchanged, "held": held, "errors": errors}  # fmt: skip
    if errors or dry_run:
        return summary
    can_review = permissions.can(by, Action.REVIEW, org.pk)
    due = functools.cache(lambda d: clock.add(d, clock.LICENCE_PENALTY_DAYS))
    objs = [_imported(model, org, out, by, today, texts, found, can_review, due)
            for out, found in cleaned]  # fmt: skip
    with transaction.atomic():
        model.objects.bulk_create(objs, batch_size=IMPORT_BATCH)
        record_many([(f"enforcement.{kind}.record", {"actor": by, "obj": o, "org_id": org.pk,
                                                     "after": _audit_after(o)}) for o in objs])  # fmt: skip
        search.index([search_entry(o) for o in objs if o.is_visible(today)])  # one update
    summary["imported"] = len(objs)
    return summary


IMPORT_BATCH = 1000


def _imported(model: Any, org: Organization, out: dict[str, Any], by: Any, today: dt.date,
              texts: tuple[str, ...], found: list[str], can_review: bool, due: Any) -> Any:  # fmt: skip
    """One cleaned import row as `record_licence`/`record_penalty` would store it (not saved)."""
    obj = model(org=org, **out)
    obj.publish_due_on = due(obj.decided_on)
    if model is PenaltyDecision:
        obj.publicity_until = clock.add_months(obj.decided_on, obj.publicity_months)
        if _is_minor(out):
            obj.disclosure = Disclosure.NOT_PUBLIC
            obj.not_public_reason = obj.not_public_reason or "当事人为未成年人"
    _place(obj, by, today, texts, found, can_review)
    return obj


def recompute_due(today: dt.date | None = None, by: Any = permissions.SYSTEM,
                  reason: str = "节假日安排变更") -> int:  # fmt: skip
    """After a holiday schedule is entered (`EnforcementConfig.calendar_changed`): the 7-working-day
    due dates of decisions not yet published, in one transaction; each move is audited."""
    changed = 0
    with transaction.atomic():
        for model in (LicenceDecision, PenaltyDecision):
            for obj in model.objects.select_for_update().filter(status=Status.HELD).order_by("pk"):
                due = clock.add(obj.decided_on, clock.LICENCE_PENALTY_DAYS)
                if due != obj.publish_due_on:
                    before = str(obj.publish_due_on)
                    obj.publish_due_on = due
                    obj.save(update_fields=["publish_due_on", "updated_at"])
                    record(f"enforcement.{model._meta.model_name}.recompute", actor=by, obj=obj,
                           org_id=obj.org_id, before={"publish_due_on": before},
                           after={"publish_due_on": str(due), "reason": reason})  # fmt: skip
                    changed += 1
    return changed
