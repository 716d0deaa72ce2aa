"""Writes on the 权责清单, 公共服务事项清单, 办事指南 and 中介服务事项清单: the only place their rules
change state (spec shared/spec/lists.md). Editors draft, reviewers publish (accounts/permissions).

- 权责事项 (§1.3): the code matches the organisation's pattern (`GONGKAI_LISTS_CODE_PATTERN`,
  default `{region}-DDD-{type}-SSS-NN`, 16 digits with dashes), is unique and never reused; the
  type is a `PowerType` row; ≥ 1 依据 with a rank of 法律…规范性文件 (highest first); levels
  within 国家…乡; the 监督电话 is an office number `区号-号码`. A 保密事项 is kept but never public.
- 动态调整 (§1.4): 新增 / 取消 / 下放 / 变更. Dates are never in the future and keep their order
  (trigger ≤ applied ≤ approved ≤ published). Clocks in working days on the one calendar
  (`applications.clock.work_calendar`, State Council schedule with 调休): apply ≤
  `GONGKAI_LISTS_APPLY_DAYS` (10) after the trigger, review ≤ `GONGKAI_LISTS_REVIEW_DAYS` (15)
  after the application, publish ≤ `GONGKAI_LISTS_PUBLISH_DAYS` (3) after approval. Publishing
  applies the change: 新增 publishes the drafted item, 下放/变更 start a new version on the
  publication day and close the previous one the day before, 取消 closes the item and removes it
  from every public place (the 调整公告 stays). Local kinds (`GONGKAI_LISTS_LOCAL_CHANGES`,
  default both): 承接 publishes a drafted item taken over on a higher level's 下放 decision
  (trigger 上级取消或下放决定); 合并 closes the item like 取消 and names the public item of the
  same organisation it is merged into (`changes.into`).
- 办事指南 (§2.2): publishing refuses a 兜底 clause (`GONGKAI_LISTS_FALLBACK_PHRASES`), a phone not
  in `区号-号码` form, a name or type differing from its 权责事项, 承诺 > 法定 days, and any guide of
  a secret item. Missing classes of the 2015 普查 (§2.3) are allowed and reported by selectors.
- 2号 (§1.4): a 行政许可 item is published only under a name of the list one government level
  up, when that level keeps its list here (`upper_licence_names`, `GONGKAI_LISTS_UPPER_LICENCE_RULE`).
- 中介服务 (§3): serves only existing, public 行政许可 items.
- Personal identifiers in free text (先审查、后公开) block publishing until they are removed
  (masked) or kept with a recorded reason.

Every change is one transaction with one audit entry.
"""

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from gongkai.accounts import permissions
from gongkai.accounts.permissions import Action
from gongkai.applications.clock import work_calendar
from gongkai.audit.services import record
from gongkai.lib.errors import Conflict
from gongkai.lib.pii import detect
from gongkai.lib.workdays import UnknownYear
from gongkai.organizations.models import Organization
from gongkai.search import services as search
from gongkai.search.interface import SearchEntry

from .models import (
    LEVELS,
    PUBLIC_GUIDE,
    Adjustment,
    Guide,
    Intermediary,
    PowerItem,
    PowerType,
    PowerVersion,
    ServiceItem,
    Status,
)

RANKS = ["法律", "行政法规", "地方性法规", "规章", "规范性文件"]  # §1.3, highest first
OFFICE_PHONE = re.compile(r"^0\d{2,3}-\d{7,8}$")  # 区号-号码 (§1.3, §2.2)
SERVICE_TYPE_LETTERS_EXTRA = ("GG",)  # 公共服务 (§2.1)
# identifiers that block publication; office numbers (landline) and credit codes are public data
PII_TYPES = ("id_card", "mobile", "bank_card", "email", "passport", "person_name")
DEFAULT_FALLBACK = ["法律、法规规定的其他条件", "法律法规规定的其他条件", "其他材料", "其他条件",
                    "其他相关材料", "其他需要提供的材料"]  # fmt: skip


def apply_days() -> int:
    return int(getattr(settings, "GONGKAI_LISTS_APPLY_DAYS", 10))


def review_days() -> int:
    return int(getattr(settings, "GONGKAI_LISTS_REVIEW_DAYS", 15))


def publish_days() -> int:
    return int(getattr(settings, "GONGKAI_LISTS_PUBLISH_DAYS", 3))


def local_changes() -> set[str]:
    """The local adjustment kinds this tenant uses (§1.4: 承接 accept, 合并 merge)."""
    return set(getattr(settings, "GONGKAI_LISTS_LOCAL_CHANGES", ("accept", "merge")))


def fallback_phrases() -> list[str]:
    return list(getattr(settings, "GONGKAI_LISTS_FALLBACK_PHRASES", DEFAULT_FALLBACK))


def code_pattern() -> str:
    # local rule (Hubei draft, §1.3): a tenant setting, never a constant
    return str(getattr(settings, "GONGKAI_LISTS_CODE_PATTERN", "{region}-DDD-{type}-SSS-NN"))


def code_regex(org: Organization, type_code: str) -> re.Pattern[str]:
    parts = re.split(r"(\{region\}|\{type\})", code_pattern())
    out = []
    for part in parts:
        if part == "{region}":
            out.append(re.escape(org.region_code))
        elif part == "{type}":
            out.append(re.escape(type_code))
        else:
            out.append("".join(r"\d" if ch in "DSN" else re.escape(ch) for ch in part))
    return re.compile("^" + "".join(out) + "$")


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _text(value: Any) -> str:
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", str(value or "")).strip()


def _date(value: Any, field: str, errors: dict[str, str], label: str) -> dt.date | None:
    if value in (None, ""):
        errors[field] = f"请填写{label}"
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors[field] = f"{label}应为 YYYY-MM-DD 格式"
        return None


def _not_future(
    d: dt.date | None, field: str, today: dt.date, errors: dict[str, str], label: str
) -> None:
    if d is not None and d > today and field not in errors:
        errors[field] = f"{label}不能晚于今天（{today.isoformat()}）"


def pii_problems(
    texts: list[tuple[str, str]], cache: dict[str, str] | None = None
) -> dict[str, str]:
    """Identifiers in free text, by field ("" fields skipped): these block publication.
    `cache` (text → kinds found, "" for none) lets an import scan each distinct text once."""
    out: dict[str, str] = {}
    for field, text in texts:
        if not text:
            continue
        kinds = cache.get(text) if cache is not None else None
        if kinds is None:
            found = detect(text, types=PII_TYPES, context_tagger=False)
            kinds = "、".join(sorted({f.type for f in found}))
            if cache is not None:
                cache[text] = kinds
        if kinds:
            out[field] = f"含有个人信息（{kinds}），请遮盖后再发布，或填写保留理由"
    return out


# =============================================================================================
# 权责事项


VERSION_FIELDS = [
    "name", "sub_name", "subject", "subject_nature", "entrusting_org", "handling_unit", "levels",
    "basis", "responsibilities", "accountability", "supervision", "supervision_phone", "remedy",
    "pii_kept_reason",
]  # fmt: skip
ITEM_FIELDS = ["code", "type_code", "secret"]
# 行使主体性质 by its label (Django builds `choices` anew on every access: once per import row)
NATURE_BY_LABEL = {label: value for value, label in PowerVersion.Nature.choices}


def _levels(value: Any, errors: dict[str, str]) -> str:
    items = (
        value if isinstance(value, list | tuple) else re.split(r"[,，、;；\s]+", str(value or ""))
    )
    items = [_text(x) for x in items if _text(x)]
    bad = [x for x in items if x not in LEVELS]
    if not items:
        errors["levels"] = "请填写行使层级（国家、省、市、县、乡）"
    elif bad:
        errors["levels"] = f"行使层级只能是国家、省、市、县、乡，不能是：{'、'.join(bad)}"
    ordered = [x for x in LEVELS if x in items]
    return "," + ",".join(ordered) + "," if ordered else ""


def _basis(value: Any, errors: dict[str, str]) -> list[dict[str, str]]:
    if not isinstance(value, list) or not value:
        errors["basis"] = "每个事项至少应有一项依据（权力法定）"
        return []
    out = []
    for i, b in enumerate(value, 1):
        b = b if isinstance(b, dict) else {"title": b}
        row = {k: _text(b.get(k)) for k in ("rank", "title", "article", "text")}
        if not row["title"]:
            errors["basis"] = f"第{i}项依据缺少法律法规名称"
        elif row["rank"] not in RANKS:
            errors["basis"] = f"第{i}项依据的效力层级应为：{'、'.join(RANKS)}"
        out.append(row)
    # highest rank first (§1.3)
    return sorted(out, key=lambda r: RANKS.index(r["rank"]) if r["rank"] in RANKS else 99)


def _str_list(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [x for x in value.splitlines()]
    return [_text(x) for x in (value or []) if _text(x)]


def clean_version(data: dict[str, Any]) -> dict[str, Any]:
    """The content fields of one version, checked; ValidationError by field."""
    unknown = set(data) - set(VERSION_FIELDS) - set(ITEM_FIELDS)
    errors: dict[str, str] = {k: "未知字段" for k in sorted(unknown)}
    out: dict[str, Any] = {
        k: _text(data.get(k))
        for k in ("name", "sub_name", "subject", "entrusting_org", "handling_unit",
                  "supervision", "supervision_phone", "remedy", "pii_kept_reason")
    }  # fmt: skip
    if not out["name"]:
        errors["name"] = "请填写事项名称"
    if not out["subject"]:
        errors["subject"] = "请填写行使主体"
    nature = _text(data.get("subject_nature")) or PowerVersion.Nature.LEGAL
    nature = NATURE_BY_LABEL.get(nature, nature)
    if nature not in NATURE_BY_LABEL.values():
        errors["subject_nature"] = "行使主体性质应为：法定行政机关、授权组织、受委托组织"
    elif nature == PowerVersion.Nature.ENTRUSTED and not out["entrusting_org"]:
        errors["entrusting_org"] = "受委托组织应写明委托机关"
    out["subject_nature"] = nature
    out["levels"] = _levels(data.get("levels"), errors)
    out["basis"] = _basis(data.get("basis"), errors)
    resp = data.get("responsibilities") or []
    out["responsibilities"] = [
        {"stage": _text(r.get("stage")), "text": _text(r.get("text"))}
        for r in resp if isinstance(r, dict) and _text(r.get("text"))
    ]  # fmt: skip
    out["accountability"] = _str_list(data.get("accountability"))
    if out["supervision_phone"] and not OFFICE_PHONE.match(out["supervision_phone"]):
        errors["supervision_phone"] = "监督电话应为“区号-号码”形式的办公电话，如 0999-12345678"
    if errors:
        raise ValidationError(errors)
    return out


def _version_pii(v: dict[str, Any], cache: dict[str, str] | None = None) -> dict[str, str]:
    if v.get("pii_kept_reason"):
        return {}
    texts = [(k, v[k]) for k in ("name", "sub_name", "subject", "handling_unit", "supervision",
                                 "remedy")]  # fmt: skip
    texts += [("basis", " ".join(b["text"] for b in v["basis"]))]
    texts += [("responsibilities", " ".join(r["text"] for r in v["responsibilities"]))]
    texts += [("accountability", " ".join(v["accountability"]))]
    return pii_problems(texts, cache)


class PowerTypes:
    """The 职权类型 rows (§1.2), read once: a cell names a type by number, letters or name."""

    def __init__(self) -> None:
        self.rows = list(PowerType.objects.all())
        self.by_code = {t.code: t for t in self.rows}
        self.by_letters = {t.letters: t for t in self.rows}
        self.by_name = {t.name: t for t in self.rows}
        self._regex: dict[tuple[str, str], re.Pattern[str]] = {}

    def find(self, value: str) -> PowerType | None:
        return (
            self.by_code.get(value) or self.by_letters.get(value.upper()) or self.by_name.get(value)
        )

    def names(self) -> str:
        return "、".join(t.name for t in self.rows)

    def code_regex(self, org: Organization, type_code: str) -> re.Pattern[str]:
        key = (org.region_code, type_code)
        if key not in self._regex:
            self._regex[key] = code_regex(org, type_code)
        return self._regex[key]


def clean_item(
    org: Organization, data: dict[str, Any], *, types: PowerTypes | None = None,
    taken: Any = None,
) -> tuple[PowerType, str, bool]:  # fmt: skip
    """Code, type and secrecy of a new item. `types` and `taken(code) -> bool` may come from an
    import that read them once; by default both are asked of the database."""
    errors: dict[str, str] = {}
    types = types or PowerTypes()
    code = _text(data.get("code"))
    type_code = _text(data.get("type_code"))
    ptype = types.find(type_code)
    if ptype is None:
        errors["type_code"] = f"未知的职权类型“{type_code}”，应为：{types.names()}"
    elif not code:
        errors["code"] = "请填写事项编码"
    elif not types.code_regex(org, ptype.code).match(code):
        errors["code"] = (
            f"事项编码“{code}”不符合本机构的编码规则 {code_pattern()}"
            f"（行政区划代码 {org.region_code}，职权类型 {ptype.code}）"
        )
    elif taken(code) if taken is not None else PowerItem.objects.filter(code=code).exists():
        errors["code"] = f"事项编码“{code}”已被使用（编码不得重复，取消后也不得再用）"
    if errors:
        raise ValidationError(errors)
    assert ptype is not None
    secret = data.get("secret")
    return ptype, code, secret in (True, 1, "1", "true", "True", "是")


def clean_power(
    org: Organization, data: dict[str, Any], *, types: PowerTypes | None = None,
    taken: Any = None,
) -> tuple[PowerType, str, bool, dict[str, Any]]:  # fmt: skip
    """A new item (code, type, secrecy) and its first version's fields, checked together:
    one ValidationError naming every field in error (item fields first)."""
    errors: dict[str, Any] = {}
    try:
        ptype, code, secret = clean_item(org, data, types=types, taken=taken)
    except ValidationError as e:
        errors.update(e.message_dict)
    try:
        fields = clean_version({k: v for k, v in data.items() if k not in ITEM_FIELDS})
    except ValidationError as e:
        errors.update(e.message_dict)
    if errors:
        raise ValidationError({k: v[0] if isinstance(v, list) else v for k, v in errors.items()})
    return ptype, code, secret, fields


def power_view(item: PowerItem, v: PowerVersion | None = None) -> dict[str, Any]:
    return {"code": item.code, "status": item.status, "secret": item.secret,
            "version": v.version if v else None, "name": v.name if v else item.name}  # fmt: skip


def _current(item: PowerItem) -> PowerVersion:
    return item.versions.order_by("-version").first()  # type: ignore[return-value]


def _mirror(item: PowerItem, v: PowerVersion) -> None:
    item.name, item.levels = v.name, v.levels


@transaction.atomic
def draft_power(*, by: Any, org: Organization, data: dict[str, Any], ip: str = "") -> PowerItem:
    """A new 权责事项 as a draft (version 1, not yet in force)."""
    permissions.require(by, Action.EDIT, org.pk)
    ptype, code, secret, fields = clean_power(org, data)
    item = PowerItem(org=org, code=code, type=ptype, secret=secret)
    v = PowerVersion(version=1, **fields)
    _mirror(item, v)
    item.save()
    v.item = item
    v.save()
    record("power.draft", actor=by, obj=item, org_id=org.pk, after=power_view(item, v), ip=ip)
    return item


@transaction.atomic
def update_power_draft(
    item: PowerItem, *, by: Any, data: dict[str, Any], ip: str = ""
) -> PowerItem:
    """Edit a draft in place; a published item changes only through an adjustment (§1.4)."""
    locked = PowerItem.objects.select_for_update().get(pk=item.pk)
    permissions.require(by, Action.EDIT, locked.org_id)
    if locked.status != Status.DRAFT:
        raise Conflict("已发布的事项只能通过动态调整（变更、下放、取消）修改")
    v = _current(locked)
    merged = {k: getattr(v, k) for k in VERSION_FIELDS}
    merged["levels"] = v.level_list
    merged.update({k: val for k, val in data.items() if k not in ITEM_FIELDS})
    if "secret" in data:
        locked.secret = data["secret"] in (True, 1, "1", "true", "是")
    fields = clean_version(merged)
    for k, val in fields.items():
        setattr(v, k, val)
    v.save()
    _mirror(locked, v)
    locked.save()
    record(
        "power.update",
        actor=by,
        obj=locked,
        org_id=locked.org_id,
        after=power_view(locked, v),
        ip=ip,
    )
    return locked


GOVERNMENT_LEVELS = ("province", "city", "district", "township")


def _government(org: Organization | None) -> Organization | None:
    while org is not None and org.level not in GOVERNMENT_LEVELS:
        org = org.parent
    return org


def upper_licence_names(org: Organization) -> set[str] | None:
    """国办发〔2022〕2号: the 行政许可 names of the list one government level up (that
    government and its departments); None when that level keeps no list here or the rule is
    off (`GONGKAI_LISTS_UPPER_LICENCE_RULE`), so that nothing can be checked."""
    if not getattr(settings, "GONGKAI_LISTS_UPPER_LICENCE_RULE", True):
        return None
    own = _government(org)
    upper = _government(own.parent) if own is not None else None
    if upper is None:
        return None
    names = set(
        PowerItem.objects.filter(
            Q(org=upper) | Q(org__parent=upper, org__level="department"),
            type__code="01", status=Status.PUBLISHED, secret=False,
        ).values_list("name", flat=True)
    )  # fmt: skip
    return names or None


def upper_licence_error(name: str, names: set[str] | None) -> str:
    if names is None or name in names:
        return ""
    return (
        f"行政许可事项名称须与上级行政许可事项清单一致（国办发〔2022〕2号），上级清单中没有“{name}”"
    )


def _check_publishable(v: PowerVersion) -> None:
    fields = {k: getattr(v, k) for k in VERSION_FIELDS}
    problems = _version_pii(fields)
    if v.item.type.code == "01" and (
        message := upper_licence_error(v.name, upper_licence_names(v.item.org))
    ):
        problems.setdefault("name", message)
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def publish_power(
    item: PowerItem, *, by: Any, on: dt.date | None = None, today: dt.date | None = None,
    ip: str = "",
) -> PowerItem:  # fmt: skip
    """The reviewer publishes a drafted item: its version 1 is in force from `on` (today)."""
    day = _today(today)
    on = on or day
    locked = PowerItem.objects.select_for_update().select_related("org", "type").get(pk=item.pk)
    permissions.require(by, Action.REVIEW, locked.org_id)
    if locked.status != Status.DRAFT:
        raise Conflict("只有草稿状态的事项可以发布")
    if on > day:
        raise ValidationError({"on": f"发布日期不能晚于今天（{day.isoformat()}）"})
    v = _current(locked)
    _check_publishable(v)
    v.valid_from = on
    v.save()
    locked.status = Status.PUBLISHED
    locked.save()
    record(
        "power.publish",
        actor=by,
        obj=locked,
        org_id=locked.org_id,
        after=power_view(locked, v),
        ip=ip,
    )
    _sync_power_search(locked, v)
    item.__dict__.update(status=locked.status)
    return locked


def power_search_key(item: PowerItem) -> str:
    return f"lists:power:{item.code}"


_PLAIN_CODE = re.compile(r"^[0-9A-Za-z-]+$")


def power_url_maker() -> Callable[[str], str]:
    """code → the item's public page, reversing the pattern once: a plain code (digits,
    letters, dashes, as every default code) needs no quoting, so thousands of imported rows
    need not each be reversed."""
    prefix = reverse("lists-power", args=["0"])[:-2]

    def url(code: str) -> str:
        if _PLAIN_CODE.match(code):
            return f"{prefix}{code}/"
        return reverse("lists-power", args=[code])

    return url


def power_search_entry(
    item: PowerItem, v: PowerVersion, url: Callable[[str], str] | None = None
) -> SearchEntry:
    body = " ".join(
        [v.sub_name, v.subject, *(b["title"] + " " + b["text"] for b in v.basis),
         *(r["text"] for r in v.responsibilities)]
    )  # fmt: skip
    return SearchEntry(
        key=power_search_key(item), title=v.name, url=(url or power_url_maker())(item.code),
        body=body, org_code=item.org.code, org_name=item.org.name, category_code="lists-power",
        category_name="权责清单", published_on=v.valid_from, index_no=item.code,
    )  # fmt: skip


def _sync_power_search(item: PowerItem, v: PowerVersion | None) -> None:
    if item.is_public and v is not None:
        search.index([power_search_entry(item, v)])
    else:
        search.remove([power_search_key(item)])


# =============================================================================================
# 动态调整


def _due(start: dt.date, n: int, field: str) -> dt.date:
    try:
        return work_calendar().add_working_days(start, n)
    except UnknownYear as e:
        raise ValidationError({field: str(e)}) from None


def adjustment_view(a: Adjustment) -> dict[str, Any]:
    return {"item": a.item.code, "change": a.change, "state": a.state, "trigger_on": a.trigger_on,
            "applied_on": a.applied_on, "approved_on": a.approved_on,
            "published_on": a.published_on}  # fmt: skip


ADJUSTMENT_FIELDS = {"item_code", "change", "trigger", "trigger_on", "basis_doc", "applied_on",
                     "changes"}  # fmt: skip


def _choice(value: Any, choices: Any, field: str, label: str, errors: dict[str, str]) -> str:
    by_label = {lab: val for val, lab in choices.choices}
    value = by_label.get(_text(value), _text(value))
    if value not in choices.values:
        errors[field] = f"{label}应为：{'、'.join(lab for _, lab in choices.choices)}"
    return value


@transaction.atomic
def create_adjustment(
    *, by: Any, data: dict[str, Any], today: dt.date | None = None, ip: str = ""
) -> Adjustment:
    """The department applies for an adjustment of one item (§1.4)."""
    day = _today(today)
    errors: dict[str, str] = {k: "未知字段" for k in sorted(set(data) - ADJUSTMENT_FIELDS)}
    code = _text(data.get("item_code"))
    item = PowerItem.objects.select_for_update().filter(code=code).first()
    if item is None or not permissions.can(by, Action.VIEW, item.org_id):
        errors["item_code"] = f"未找到事项编码为“{code}”的权责事项"
    change = _choice(data.get("change"), Adjustment.Change, "change", "调整类型", errors)
    trigger = _choice(data.get("trigger"), Adjustment.Trigger, "trigger", "调整原因", errors)
    trigger_on = _date(data.get("trigger_on"), "trigger_on", errors, "触发日期")
    applied_on = _date(data.get("applied_on"), "applied_on", errors, "申请日期")
    basis_doc = _text(data.get("basis_doc"))
    if not basis_doc:
        errors["basis_doc"] = "请填写调整依据文件"
    _not_future(trigger_on, "trigger_on", day, errors, "触发日期")
    _not_future(applied_on, "applied_on", day, errors, "申请日期")
    if trigger_on and applied_on and applied_on < trigger_on and "applied_on" not in errors:
        errors["applied_on"] = "申请日期不能早于触发日期"
    changes: dict[str, Any] = {}
    C = Adjustment.Change
    if change in (C.ACCEPT, C.MERGE) and change not in local_changes():
        errors["change"] = f"本地未启用“{C(change).label}”调整类型"
    elif change == C.ACCEPT and "trigger" not in errors and trigger != Adjustment.Trigger.HIGHER:
        errors["trigger"] = "承接须由上级取消或下放决定触发"
    if item is not None and "item_code" not in errors and "change" not in errors:
        if change in (C.ADD, C.ACCEPT) and item.status != Status.DRAFT:
            label = "新增" if change == C.ADD else "承接"
            errors["item_code"] = f"{label}调整针对尚未发布的事项（请先起草该事项）"
        elif change not in (C.ADD, C.ACCEPT) and item.status != Status.PUBLISHED:
            errors["item_code"] = "该事项未发布或已取消，不能取消、下放、变更或合并"
        elif change == C.MERGE:
            raw = data.get("changes") or {}
            into = _text(raw.get("into")) if isinstance(raw, dict) else ""
            target = PowerItem.objects.filter(
                code=into, org_id=item.org_id, status=Status.PUBLISHED, secret=False
            ).first()
            if not into:
                errors["changes"] = "合并须给出并入的事项编码 into"
            elif into == item.code or target is None:
                errors["changes.into"] = f"并入事项“{into}”应为本部门另一已公布的公开事项"
            else:
                changes = {"into": into}
        elif change in (Adjustment.Change.DELEGATE, Adjustment.Change.MODIFY):
            raw = data.get("changes") or {}
            if not isinstance(raw, dict) or not raw:
                errors["changes"] = "下放或变更须给出调整后的内容（如 levels、name、basis）"
            elif change == Adjustment.Change.DELEGATE and "levels" not in raw:
                errors["changes"] = "下放须给出调整后的行使层级 levels"
            else:
                v = _current(item)
                merged = {k: getattr(v, k) for k in VERSION_FIELDS}
                merged["levels"] = v.level_list
                merged.update(raw)
                try:
                    clean_version(merged)
                except ValidationError as e:
                    errors.update({f"changes.{k}": m[0] for k, m in e.message_dict.items()})
                changes = {k: raw[k] for k in raw}
    if errors:
        raise ValidationError(errors)
    assert item is not None and trigger_on is not None and applied_on is not None
    permissions.require(by, Action.EDIT, item.org_id)
    if item.adjustments.exclude(state=Adjustment.State.PUBLISHED).exists():
        raise Conflict("该事项已有尚未公布的调整，请先完成该调整")
    a = Adjustment(
        item=item, org_id=item.org_id, change=change, trigger=trigger, trigger_on=trigger_on,
        basis_doc=basis_doc, applied_on=applied_on, changes=changes,
        apply_due_on=_due(trigger_on, apply_days(), "trigger_on"),
        review_due_on=_due(applied_on, review_days(), "applied_on"),
    )  # fmt: skip
    a.save()
    record("adjustment.apply", actor=by, obj=a, org_id=a.org_id, after=adjustment_view(a), ip=ip)
    return a


def _locked_adjustment(a: Adjustment) -> Adjustment:
    return Adjustment.objects.select_for_update().select_related("item", "item__org").get(pk=a.pk)


@transaction.atomic
def approve_adjustment(
    adjustment: Adjustment, *, by: Any, approved_on: Any, opinion: str = "",
    today: dt.date | None = None, ip: str = "",
) -> Adjustment:  # fmt: skip
    """The 审改 office's approval (新增/取消/下放 by the government, 变更 after review)."""
    day = _today(today)
    a = _locked_adjustment(adjustment)
    permissions.require(by, Action.REVIEW, a.org_id)
    if a.state != Adjustment.State.APPLIED:
        raise Conflict("该调整已批准")
    errors: dict[str, str] = {}
    on = _date(approved_on, "approved_on", errors, "批准日期")
    _not_future(on, "approved_on", day, errors, "批准日期")
    if on and on < a.applied_on and "approved_on" not in errors:
        errors["approved_on"] = f"批准日期不能早于申请日期（{a.applied_on.isoformat()}）"
    if errors:
        raise ValidationError(errors)
    assert on is not None
    a.approved_on = on
    a.publish_due_on = _due(on, publish_days(), "approved_on")
    a.opinion = _text(opinion)
    a.state = Adjustment.State.APPROVED
    a.save()
    record("adjustment.approve", actor=by, obj=a, org_id=a.org_id, after=adjustment_view(a), ip=ip)
    adjustment.__dict__.update(state=a.state, approved_on=a.approved_on)
    return a


@transaction.atomic
def publish_adjustment(
    adjustment: Adjustment, *, by: Any, published_on: Any, today: dt.date | None = None,
    ip: str = "",
) -> Adjustment:  # fmt: skip
    """Publish the 调整公告 and apply the change to the list from `published_on`."""
    day = _today(today)
    a = _locked_adjustment(adjustment)
    permissions.require(by, Action.REVIEW, a.org_id)
    if a.state == Adjustment.State.APPLIED:
        raise Conflict("该调整尚未批准，不能公布")
    if a.state == Adjustment.State.PUBLISHED:
        raise Conflict("该调整已公布")
    errors: dict[str, str] = {}
    on = _date(published_on, "published_on", errors, "公布日期")
    _not_future(on, "published_on", day, errors, "公布日期")
    assert a.approved_on is not None
    if on and on < a.approved_on and "published_on" not in errors:
        errors["published_on"] = f"公布日期不能早于批准日期（{a.approved_on.isoformat()}）"
    if errors:
        raise ValidationError(errors)
    assert on is not None
    item = PowerItem.objects.select_for_update().select_related("org").get(pk=a.item_id)
    current = _current(item)
    if current.valid_from and on < current.valid_from:
        raise ValidationError(
            {"published_on": f"公布日期不能早于现行版本的生效日期（{current.valid_from}）"}
        )
    C = Adjustment.Change
    if a.change in (C.ADD, C.ACCEPT):
        _check_publishable(current)
        current.valid_from = on
        current.save()
        item.status = Status.PUBLISHED
    elif a.change in (C.CANCEL, C.MERGE):
        current.valid_to = on - dt.timedelta(days=1)
        current.save()
        item.status = Status.CANCELLED
    else:
        merged = {k: getattr(current, k) for k in VERSION_FIELDS}
        merged["levels"] = current.level_list
        merged.update(a.changes)
        fields = clean_version(merged)
        new = PowerVersion(item=item, version=current.version + 1, valid_from=on, **fields)
        _check_publishable(new)
        current.valid_to = on - dt.timedelta(days=1)
        current.save()
        new.save()
        current = new
    _mirror(item, current)
    item.save()
    a.published_on = on
    a.state = Adjustment.State.PUBLISHED
    a.save()
    record("adjustment.publish", actor=by, obj=a, org_id=a.org_id, after=adjustment_view(a), ip=ip)
    _sync_power_search(item, current)
    for guide in Guide.objects.filter(item__power=item, status=Status.PUBLISHED).select_related(
        "item__org"
    ):
        _sync_guide_search(guide)
    adjustment.__dict__.update(state=a.state, published_on=on)
    return a


# =============================================================================================
# 公共服务事项 and 办事指南


SERVICE_FIELDS = {"base_code", "impl_code", "type_code", "name", "audience", "node",
                  "parent_code", "power_code"}  # fmt: skip


@transaction.atomic
def save_service_item(
    *, by: Any, org: Organization, data: dict[str, Any], ip: str = ""
) -> ServiceItem:
    """A new node of the 公共服务事项清单 tree (draft)."""
    permissions.require(by, Action.EDIT, org.pk)
    errors: dict[str, str] = {k: "未知字段" for k in sorted(set(data) - SERVICE_FIELDS)}
    d = {k: _text(data.get(k)) for k in SERVICE_FIELDS}
    for key, label in (("base_code", "基本编码"), ("impl_code", "实施编码"), ("name", "事项名称")):
        if not d[key]:
            errors[key] = f"请填写{label}"
    if d["impl_code"] and ServiceItem.objects.filter(impl_code=d["impl_code"]).exists():
        errors["impl_code"] = f"实施编码“{d['impl_code']}”已被使用"
    letters = [*PowerType.objects.values_list("letters", flat=True), *SERVICE_TYPE_LETTERS_EXTRA]
    if d["type_code"].upper() not in letters:
        errors["type_code"] = f"事项类型应为：{'、'.join(letters)}"
    audience = _choice(d["audience"], ServiceItem.Audience, "audience", "服务对象", errors)
    node = _choice(d["node"] or "main", ServiceItem.Node, "node", "层级", errors)
    parent = None
    if d["parent_code"]:
        parent = ServiceItem.objects.filter(impl_code=d["parent_code"], org=org).first()
        if parent is None:
            errors["parent_code"] = f"未找到上级事项“{d['parent_code']}”"
        elif parent.node == ServiceItem.Node.HANDLING:
            errors["parent_code"] = "业务办理项下不能再分"
    elif node != ServiceItem.Node.MAIN and "node" not in errors:
        errors["parent_code"] = "子项和业务办理项须指明上级事项"
    power = None
    if d["power_code"]:
        power = PowerItem.objects.filter(code=d["power_code"]).first()
        if power is None:
            errors["power_code"] = f"未找到权责事项“{d['power_code']}”"
    if errors:
        raise ValidationError(errors)
    item = ServiceItem(
        org=org, parent=parent, node=node, base_code=d["base_code"], impl_code=d["impl_code"],
        type_code=d["type_code"].upper(), name=d["name"], audience=audience, power=power,
    )  # fmt: skip
    item.save()
    record("service.draft", actor=by, obj=item, org_id=org.pk,
           after={"impl_code": item.impl_code, "name": item.name}, ip=ip)  # fmt: skip
    return item


@transaction.atomic
def publish_service_item(item: ServiceItem, *, by: Any, ip: str = "") -> ServiceItem:
    locked = ServiceItem.objects.select_for_update().get(pk=item.pk)
    permissions.require(by, Action.REVIEW, locked.org_id)
    if locked.status != Status.DRAFT:
        raise Conflict("只有草稿状态的事项可以发布")
    if locked.power is not None and locked.power.secret:
        raise ValidationError({"power_code": "保密事项不得列入公开的公共服务事项清单"})
    problems = pii_problems([("name", locked.name)])
    if problems:
        raise ValidationError(problems)
    locked.status = Status.PUBLISHED
    locked.save()
    record("service.publish", actor=by, obj=locked, org_id=locked.org_id,
           after={"impl_code": locked.impl_code, "status": locked.status}, ip=ip)  # fmt: skip
    item.__dict__.update(status=locked.status)
    return locked


GUIDE_FIELDS = [
    "basis", "conditions", "materials", "steps", "process", "legal_days", "promised_days",
    "instant", "charged", "fee_basis", "fee_standard", "place", "hours", "visits",
    "consult_phone", "complaint_phone", "online_url", "query_url", "faq", "office_address",
    "postcode", "window", "apply_methods", "flowchart_url", "result", "result_sample_url",
    "promise", "pii_kept_reason",
]  # fmt: skip
APPLY_METHODS = ("窗口", "网上", "自助终端", "邮寄")  # 申请方式 (§2.2)
GUIDE_URLS = {"online_url": "网上办理地址", "query_url": "结果查询地址",
              "flowchart_url": "流程图地址", "result_sample_url": "办理结果样本地址"}  # fmt: skip
MATERIAL_KEYS = ("name", "form", "count", "basis", "requirements", "source", "template_url")
STEP_KEYS = ("name", "days", "basis", "fee", "counted_in_legal_limit")


def _int(value: Any, field: str, label: str, errors: dict[str, str]) -> int | None:
    if value in (None, ""):
        return None
    try:
        n = int(value)
    except (TypeError, ValueError):
        errors[field] = f"{label}应为整数"
        return None
    if n < 0 or n > 10000:
        errors[field] = f"{label}应在 0 到 10000 之间"
        return None
    return n


def clean_guide(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {k: "未知字段" for k in sorted(set(data) - set(GUIDE_FIELDS))}
    out: dict[str, Any] = {}
    for key in ("basis", "conditions", "fee_basis", "fee_standard"):
        out[key] = _str_list(data.get(key))
    mats = data.get("materials") or []
    out["materials"] = []
    for m in mats if isinstance(mats, list) else []:
        m = m if isinstance(m, dict) else {"name": m}
        row: dict[str, Any] = {k: _text(m.get(k)) for k in MATERIAL_KEYS if k != "count"}
        row["count"] = _int(m.get("count"), "materials", "材料份数", errors) or 1
        if row["name"]:
            out["materials"].append(row)
    steps = data.get("steps") or []
    out["steps"] = []
    for s in steps if isinstance(steps, list) else []:
        if not isinstance(s, dict) or not _text(s.get("name")):
            continue
        out["steps"].append({
            "name": _text(s.get("name")), "days": _int(s.get("days"), "steps", "环节时限", errors),
            "basis": _text(s.get("basis")), "fee": bool(s.get("fee")),
            "counted_in_legal_limit": bool(s.get("counted_in_legal_limit")),
        })  # fmt: skip
    faq = data.get("faq") or []
    out["faq"] = [
        {"q": _text(f.get("q")), "a": _text(f.get("a"))}
        for f in (faq if isinstance(faq, list) else []) if isinstance(f, dict) and _text(f.get("q"))
    ]  # fmt: skip
    for key in ("process", "place", "hours", "consult_phone", "complaint_phone", "online_url",
                "query_url", "office_address", "postcode", "window", "flowchart_url", "result",
                "result_sample_url", "promise", "pii_kept_reason"):  # fmt: skip
        out[key] = _text(data.get(key))
    out["apply_methods"] = _str_list(data.get("apply_methods"))
    if unknown := [m for m in out["apply_methods"] if m not in APPLY_METHODS]:
        errors["apply_methods"] = f"申请方式“{unknown[0]}”无效，应为：{'、'.join(APPLY_METHODS)}"
    if out["postcode"] and not re.match(r"^\d{6}$", out["postcode"]):
        errors["postcode"] = "邮政编码应为 6 位数字"
    for key, limit in (("office_address", 300), ("window", 100), ("result", 200)):
        if len(out[key]) > limit:
            errors[key] = f"不能超过 {limit} 个字"
    out["legal_days"] = _int(data.get("legal_days"), "legal_days", "法定办结时限", errors)
    out["promised_days"] = _int(data.get("promised_days"), "promised_days", "承诺办结时限", errors)
    out["visits"] = _int(data.get("visits"), "visits", "到现场次数", errors)
    out["instant"] = bool(data.get("instant"))
    out["charged"] = bool(data.get("charged"))
    for key, label in GUIDE_URLS.items():
        if out[key] and not re.match(r"^https?://[^\s]+$", out[key]):
            errors[key] = f"{label}应以 http:// 或 https:// 开头"
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def save_guide(item: ServiceItem, *, by: Any, data: dict[str, Any], ip: str = "") -> Guide:
    """Write the 办事指南 of an item as a draft (a published guide returns to draft)."""
    permissions.require(by, Action.EDIT, item.org_id)
    fields = clean_guide(data)
    guide, _ = Guide.objects.select_for_update().get_or_create(item=item)
    for k, v in fields.items():
        setattr(guide, k, v)
    was_public = guide.status == Status.PUBLISHED
    guide.status = Status.DRAFT
    guide.save()
    record("guide.save", actor=by, obj=guide, org_id=item.org_id,
           after={"impl_code": item.impl_code, "status": guide.status}, ip=ip)  # fmt: skip
    if was_public:
        search.remove([guide_search_key(guide)])
    return guide


def power_mismatch(item: ServiceItem, v: PowerVersion) -> dict[str, str]:
    """Name or type of a service item differing from its 权责事项 (`v`: that item's newest
    version; `item.power` with its type loaded)."""
    errors: dict[str, str] = {}
    assert item.power is not None
    letters = item.power.type.letters
    if item.name not in (v.name, v.sub_name):
        errors["name"] = f"事项名称“{item.name}”与权责清单的名称“{v.name}”不一致"
    if item.type_code != letters:
        errors["type_code"] = f"事项类型“{item.type_code}”与权责清单的职权类型“{letters}”不一致"
    return errors


def guide_problems(guide: Guide) -> dict[str, str]:
    """Why this guide may not be published (§2.2, Bad input); {} when it may."""
    errors: dict[str, str] = {}
    item = guide.item
    phrases = fallback_phrases()
    for key, texts in (("conditions", guide.conditions),
                       ("materials", [m.get("name", "") for m in guide.materials])):  # fmt: skip
        for text in texts:
            hit = next((p for p in phrases if p in text), None)
            if hit:
                errors[key] = f"不得使用兜底表述“{hit}”，请逐项列明"
                break
    for key, label in (("consult_phone", "咨询电话"), ("complaint_phone", "监督投诉电话")):
        value = getattr(guide, key)
        if value and not OFFICE_PHONE.match(value):
            errors[key] = f"{label}应为“区号-号码”形式的办公电话，如 0999-12345678"
    if (
        guide.legal_days is not None
        and guide.promised_days is not None
        and guide.promised_days > guide.legal_days
    ):
        errors["promised_days"] = (
            f"承诺办结时限（{guide.promised_days}个工作日）"
            f"不能超过法定办结时限（{guide.legal_days}个工作日）"
        )
    power = item.power
    if power is not None:
        if power.secret:
            errors["power_code"] = "保密事项不得发布办事指南"
        elif power.status != Status.PUBLISHED:
            errors["power_code"] = "对应的权责事项未发布或已取消"
        else:
            errors.update(power_mismatch(item, _current(power)))
    if not guide.pii_kept_reason:
        texts = [("conditions", " ".join(guide.conditions)),
                 ("materials", " ".join(m.get("name", "") + " " + m.get("requirements", "") for m in guide.materials)),
                 ("place", guide.place), ("process", guide.process),
                 ("office_address", guide.office_address), ("window", guide.window),
                 ("result", guide.result), ("promise", guide.promise),
                 ("faq", " ".join(f.get("q", "") + " " + f.get("a", "") for f in guide.faq))]  # fmt: skip
        for key, msg in pii_problems(texts).items():
            errors.setdefault(key, msg)
    return errors


@transaction.atomic
def publish_guide(guide: Guide, *, by: Any, today: dt.date | None = None, ip: str = "") -> Guide:
    day = _today(today)
    g = (
        Guide.objects.select_for_update(of=("self",))
        .select_related("item", "item__power", "item__org")
        .get(pk=guide.pk)
    )
    permissions.require(by, Action.REVIEW, g.item.org_id)
    if g.status == Status.PUBLISHED:
        raise Conflict("该办事指南已发布")
    if g.item.status != Status.PUBLISHED:
        raise Conflict("请先发布该公共服务事项")
    problems = guide_problems(g)
    if problems:
        raise ValidationError(problems)
    g.status = Status.PUBLISHED
    g.updated_on = day
    g.save()
    record("guide.publish", actor=by, obj=g, org_id=g.item.org_id,
           after={"impl_code": g.item.impl_code, "status": g.status}, ip=ip)  # fmt: skip
    _sync_guide_search(g)
    guide.__dict__.update(status=g.status, updated_on=g.updated_on)
    return g


def guide_search_key(guide: Guide) -> str:
    return f"lists:guide:{guide.item_id}"


def _sync_guide_search(guide: Guide) -> None:
    item = guide.item
    public = (
        guide.status == Status.PUBLISHED
        and item.status == Status.PUBLISHED
        and (item.power is None or item.power.is_public)
    )
    if not public:
        search.remove([guide_search_key(guide)])
        return
    search.index([guide_search_entry(guide)])


def guide_search_entry(guide: Guide) -> SearchEntry:
    item = guide.item
    return SearchEntry(
        key=guide_search_key(guide), title=f"{item.name} 办事指南",
        url=reverse("lists-guide", args=[item.impl_code]),
        body=" ".join([*guide.conditions, *(m.get("name", "") for m in guide.materials), guide.place]),
        org_code=item.org.code, org_name=item.org.name, category_code="lists-guide",
        category_name="办事指南", published_on=guide.updated_on, index_no=item.impl_code,
    )  # fmt: skip


SEARCH_BATCH = 1000


def power_search_batches(after: int = 0) -> Any:
    """(last item id, entries) of the public power items after id `after`, each with its
    current version: the rebuild source of `gongkai search_reindex` (`apps.search_sources`)."""
    url = power_url_maker()
    base = PowerItem.objects.filter(status=Status.PUBLISHED, secret=False).select_related("org")
    while items := list(base.filter(id__gt=after).order_by("id")[:SEARCH_BATCH]):
        after = items[-1].id
        current: dict[int, PowerVersion] = {}
        for v in PowerVersion.objects.filter(item__in=items).order_by("item_id", "version"):
            current[v.item_id] = v  # the highest version wins
        yield after, [power_search_entry(i, current[i.id], url) for i in items if i.id in current]


def power_search_keys() -> list[str]:
    codes = PowerItem.objects.filter(status=Status.PUBLISHED, secret=False).values_list(
        "code", flat=True
    )
    return [f"lists:power:{code}" for code in codes]


def guide_search_batches(after: int = 0) -> Any:
    """(last guide id, entries) of the public guides after id `after`."""
    base = Guide.objects.filter(PUBLIC_GUIDE).select_related("item__org").order_by("id")
    while guides := list(base.filter(id__gt=after)[:SEARCH_BATCH]):
        after = guides[-1].id
        yield after, [guide_search_entry(g) for g in guides]


def guide_search_keys() -> list[str]:
    return [
        f"lists:guide:{i}"
        for i in Guide.objects.filter(PUBLIC_GUIDE).values_list("item_id", flat=True)
    ]


# =============================================================================================
# 中介服务事项


INTERMEDIARY_FIELDS = {"code", "name", "approval_codes", "approval_dept", "basis",
                       "provider_requirements", "charged", "fee_nature", "fee_basis",
                       "fee_standard"}  # fmt: skip
LICENCE_TYPE = "01"  # 行政许可 in §1.2


@transaction.atomic
def save_intermediary(
    *, by: Any, org: Organization, data: dict[str, Any], publish: bool = False, ip: str = ""
) -> Intermediary:
    """A retained 中介服务事项 (§3), linked to the 行政许可 items it serves."""
    permissions.require(by, Action.REVIEW if publish else Action.EDIT, org.pk)
    errors: dict[str, str] = {k: "未知字段" for k in sorted(set(data) - INTERMEDIARY_FIELDS)}
    d = {k: _text(data.get(k)) for k in INTERMEDIARY_FIELDS - {"approval_codes", "charged"}}
    for key, label in (("code", "编码"), ("name", "中介服务事项名称"), ("approval_dept", "审批部门"),
                       ("basis", "设定依据")):  # fmt: skip
        if not d[key]:
            errors[key] = f"请填写{label}"
    if d["code"] and Intermediary.objects.filter(code=d["code"]).exists():
        errors["code"] = f"编码“{d['code']}”已被使用"
    codes = data.get("approval_codes") or []
    codes = (
        _str_list(codes)
        if not isinstance(codes, str)
        else _str_list(re.split(r"[,，、;；\s]+", codes))
    )
    items = {p.code: p for p in PowerItem.objects.filter(code__in=codes).select_related("type")}
    if not codes:
        errors["approval_codes"] = "请填写所服务的行政许可事项编码"
    for code in codes:
        p = items.get(code)
        if p is None or p.secret or p.status != Status.PUBLISHED:
            errors["approval_codes"] = f"未找到已公开的权责事项“{code}”"
            break
        if p.type.code != LICENCE_TYPE:
            errors["approval_codes"] = f"“{code}”不是行政许可事项，中介服务只能对应行政许可"
            break
    charged = data.get("charged") in (True, 1, "1", "true", "是")
    nature_labels = {lab: val for val, lab in Intermediary.FeeNature.choices}
    nature = nature_labels.get(d["fee_nature"], d["fee_nature"])
    if charged and nature not in ("market", "government"):
        errors["fee_nature"] = "收费的中介服务应写明收费性质：市场调节价、政府定价或政府指导价"
    if not charged:
        nature = ""
    if errors:
        raise ValidationError(errors)
    x = Intermediary(
        org=org, code=d["code"], name=d["name"], approval_dept=d["approval_dept"],
        basis=d["basis"], provider_requirements=d["provider_requirements"], charged=charged,
        fee_nature=nature, fee_basis=d["fee_basis"], fee_standard=d["fee_standard"],
        status=Status.PUBLISHED if publish else Status.DRAFT,
    )  # fmt: skip
    x.save()
    x.approval_items.set([items[c] for c in codes])
    record("intermediary.save", actor=by, obj=x, org_id=org.pk,
           after={"code": x.code, "status": x.status, "approval_codes": codes}, ip=ip)  # fmt: skip
    return x


@transaction.atomic
def publish_intermediary(x: Intermediary, *, by: Any, ip: str = "") -> Intermediary:
    locked = Intermediary.objects.select_for_update().get(pk=x.pk)
    permissions.require(by, Action.REVIEW, locked.org_id)
    if locked.status != Status.DRAFT:
        raise Conflict("只有草稿状态的中介服务事项可以发布")
    locked.status = Status.PUBLISHED
    locked.save()
    record("intermediary.publish", actor=by, obj=locked, org_id=locked.org_id,
           after={"code": locked.code, "status": locked.status}, ip=ip)  # fmt: skip
    x.__dict__.update(status=locked.status)
    return locked


# =============================================================================================
# import (issue 20 `gongkai lists import`): one transaction, any error imports nothing


class _DryRun(Exception):
    pass


def _same_power(item: PowerItem, data: dict[str, Any], current: PowerVersion | None = None) -> bool:
    v = current if current is not None else _current(item)
    try:
        fields = clean_version({k: val for k, val in data.items() if k not in ITEM_FIELDS})
    except ValidationError:
        return False
    ptype = item.type
    return (
        all(getattr(v, k) == fields[k] for k in fields if k != "pii_kept_reason")
        and data.get("type_code") in (ptype.code, ptype.letters, ptype.name)
        and bool(data.get("secret")) == item.secret
    )


def _same_intermediary(x: Intermediary, data: dict[str, Any]) -> bool:
    codes = sorted(x.approval_items.values_list("code", flat=True))
    return (
        x.name == _text(data["name"]) and x.approval_dept == _text(data["approval_dept"])
        and x.basis == _text(data["basis"]) and x.charged == data["charged"]
        and x.provider_requirements == _text(data["provider_requirements"])
        and x.fee_basis == _text(data["fee_basis"]) and x.fee_standard == _text(data["fee_standard"])
        and codes == sorted(data["approval_codes"])
    )  # fmt: skip


def import_table(
    kind: str, *, org: Organization, data: bytes, by: Any, dry_run: bool = False,
    today: dt.date | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Import a power or intermediary table; returns {rows, valid, imported, unchanged, held,
    errors:[{row, column, message}]}. Rows are published at once (a row holding identifiers is
    held as a draft); an existing code with the same content is `unchanged`, with different
    content an error (use an adjustment). Any error, or `dry_run`, leaves the database as it was."""
    from . import tabular

    columns = tabular.STAFF_POWER_COLUMNS if kind == "power" else tabular.INTERMEDIARY_COLUMNS
    field_columns = tabular.INTERMEDIARY_FIELD_COLUMNS
    rows = tabular.read_table(data, columns)
    report: dict[str, Any] = {"rows": len(rows), "valid": 0, "imported": 0, "unchanged": 0,
                              "held": 0, "errors": []}  # fmt: skip
    day = _today(today)
    if kind == "power":
        return _import_powers(rows, org=org, by=by, dry_run=dry_run, day=day, report=report)
    seen: set[str] = set()

    def fail(n: int, column: str, message: str) -> None:
        report["errors"].append({"row": n, "column": column, "message": message})

    try:
        with transaction.atomic():
            for n, row in enumerate(rows, start=2):  # row 1 is the header
                values, cell_errors = tabular.intermediary_data(row)
                for column, message in cell_errors.items():
                    fail(n, column, message)
                if cell_errors:
                    continue
                code = _text(values["code"])
                if code in seen:
                    fail(n, columns[0], f"编码“{code}”在文件中重复")
                    continue
                seen.add(code)
                try:
                    with transaction.atomic():
                        existing = Intermediary.objects.filter(code=code).first()
                        if existing is not None:
                            if existing.org_id == org.pk and _same_intermediary(existing, values):
                                report["unchanged"] += 1
                                report["valid"] += 1
                                continue
                            fail(n, "编码", f"中介服务事项“{code}”已存在且内容不同")
                            continue
                        save_intermediary(by=by, org=org, data=values, publish=True)
                except ValidationError as e:
                    for field, messages in e.message_dict.items():
                        base = field.split(".")[0]
                        fail(n, field_columns.get(base, base), messages[0])
                    continue
                report["valid"] += 1
                report["imported"] += 1
            if report["errors"] or dry_run:
                raise _DryRun
    except _DryRun:
        if report["errors"]:
            report["imported"] = 0
    if dry_run and not report["errors"]:
        report["dry_run"] = True
    return report


IMPORT_CHUNK = 900  # codes or ids per `IN (…)` query, within every backend's parameter limit


def _chunks(values: list[Any]) -> Any:
    for i in range(0, len(values), IMPORT_CHUNK):
        yield values[i : i + IMPORT_CHUNK]


def _existing_powers(codes: list[str]) -> tuple[dict[str, PowerItem], dict[int, PowerVersion]]:
    """The items already holding any of `codes`, and each one's newest version: a few queries
    for a whole file instead of several per row."""
    items: dict[str, PowerItem] = {}
    for chunk in _chunks(codes):
        items.update(
            (p.code, p) for p in PowerItem.objects.filter(code__in=chunk).select_related("type")
        )
    current: dict[int, PowerVersion] = {}
    for ids in _chunks([p.pk for p in items.values()]):
        for v in PowerVersion.objects.filter(item_id__in=ids).order_by("item_id", "-version"):
            current.setdefault(v.item_id, v)
    return items, current


def _import_powers(
    rows: list[dict[str, str]], *, org: Organization, by: Any, dry_run: bool, day: dt.date,
    report: dict[str, Any],
) -> dict[str, Any]:  # fmt: skip
    """The power rows of `import_table`, with the rules of `draft_power` + `publish_power`
    applied in memory: the file is read and checked whole (types, existing codes and versions
    read once), then, only if no row is in error, the new items and their first versions are
    written in bulk with one audit entry and one search update for the file."""
    from . import tabular

    def fail(n: int, column: str, message: str) -> None:
        report["errors"].append({"row": n, "column": column, "message": message})

    parsed: list[tuple[int, str, dict[str, Any]]] = []
    seen: set[str] = set()
    for n, row in enumerate(rows, start=2):  # row 1 is the header
        values, cell_errors = tabular.power_data(row)
        for column, message in cell_errors.items():
            fail(n, column, message)
        if cell_errors:
            continue
        code = _text(values["code"])
        if code in seen:
            fail(n, tabular.STAFF_POWER_COLUMNS[0], f"编码“{code}”在文件中重复")
            continue
        seen.add(code)
        parsed.append((n, code, values))
    existing, current = _existing_powers([code for _, code, _ in parsed])
    types = PowerTypes()
    upper = upper_licence_names(org)  # read once for the file
    pii_cache: dict[str, str] = {}
    new: list[tuple[PowerItem, PowerVersion]] = []
    allowed = False
    for n, code, values in parsed:
        found = existing.get(code)
        if found is not None:
            if found.org_id == org.pk and _same_power(found, values, current.get(found.pk)):
                report["unchanged"] += 1
                report["valid"] += 1
            else:
                fail(n, "事项编码", f"事项“{code}”已存在且内容不同：已发布事项请通过动态调整修改")
            continue
        if not allowed:  # as draft_power and publish_power ask, once for the file
            permissions.require(by, Action.EDIT, org.pk)
            permissions.require(by, Action.REVIEW, org.pk)
            allowed = True
        try:
            ptype, code, secret, fields = clean_power(
                org, values, types=types, taken=existing.__contains__
            )
        except ValidationError as e:
            for field, messages in e.message_dict.items():
                base = field.split(".")[0]
                fail(n, tabular.POWER_FIELD_COLUMNS.get(base, base), messages[0])
            continue
        if ptype.code == "01" and (message := upper_licence_error(fields["name"], upper)):
            fail(n, "事项名称", message)
            continue
        held = bool(_version_pii(fields, pii_cache))  # identifiers: held for review as a draft
        item = PowerItem(org=org, code=code, type=ptype, secret=secret,
                         status=Status.DRAFT if held else Status.PUBLISHED)  # fmt: skip
        v = PowerVersion(version=1, valid_from=None if held else day, **fields)
        _mirror(item, v)
        new.append((item, v))
        report["held"] += held
        report["valid"] += 1
        report["imported"] += 1
    if report["errors"]:
        report["errors"].sort(key=lambda e: e["row"])  # in file order, as read (a stable sort)
        report["imported"] = 0
        return report
    if dry_run:
        report["dry_run"] = True
        return report
    if new:
        _write_imported_powers(new, org=org, by=by, report=report)
    return report


@transaction.atomic
def _write_imported_powers(
    new: list[tuple[PowerItem, PowerVersion]], *, org: Organization, by: Any,
    report: dict[str, Any],
) -> None:  # fmt: skip
    items = [item for item, _ in new]
    PowerItem.objects.bulk_create(items, batch_size=IMPORT_CHUNK)
    if any(item.pk is None for item in items):  # a backend that returns no ids from bulk inserts
        ids: dict[str, int] = {}
        for chunk in _chunks([item.code for item in items]):
            ids.update(PowerItem.objects.filter(code__in=chunk).values_list("code", "pk"))
        for item in items:
            item.pk = ids[item.code]
    for item, v in new:
        v.item = item
    PowerVersion.objects.bulk_create([v for _, v in new], batch_size=IMPORT_CHUNK)
    published = [item.code for item in items if item.status == Status.PUBLISHED]
    record(
        "power.import", actor=by, object_type="lists.poweritem", object_id=org.code,
        org_id=org.pk,
        after={"rows": report["rows"], "imported": report["imported"],
               "unchanged": report["unchanged"], "held": report["held"], "published": published,
               "drafts": [item.code for item in items if item.status == Status.DRAFT]},
    )  # fmt: skip
    url = power_url_maker()
    search.index([power_search_entry(item, v, url) for item, v in new if item.is_public])
    search.remove([power_search_key(item) for item, _ in new
                   if item.status == Status.PUBLISHED and item.secret])  # fmt: skip


GUIDE_LINE_KEYS = {"impl_code", "base_code", "power_code", "name", "org", "audience", "type_code",
                   "intermediaries", "updated_on", *GUIDE_FIELDS}  # fmt: skip
AUDIENCE_LABELS = {label: value for value, label in ServiceItem.Audience.choices}


def import_guides(
    *, org: Organization, data: bytes, by: Any, dry_run: bool = False,
    today: dt.date | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Import guides as JSON Lines in the API's guide shape (`GET /api/v1/lists/guides/{code}`):
    the service item is created (published) when missing, the guide saved and published; a guide
    holding identifiers is held as a draft; the same content again is `unchanged`. Report and
    transaction as `import_table`."""
    import json

    from . import tabular

    try:
        text = tabular.decode_csv(data)
    except tabular.FileError as e:
        raise tabular.FileError(str(e).replace("CSV 文件", "JSON Lines 文件")) from None
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    report: dict[str, Any] = {"rows": len(lines), "valid": 0, "imported": 0, "unchanged": 0,
                              "held": 0, "errors": []}  # fmt: skip
    day = _today(today)

    def fail(n: int, column: str, message: str) -> None:
        report["errors"].append({"row": n, "column": column, "message": message})

    try:
        with transaction.atomic():
            for n, line in lines:
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as e:
                    fail(n, "", f"不是有效的 JSON：{e.msg}")
                    continue
                if not isinstance(obj, dict):
                    fail(n, "", "每行应为一个 JSON 对象")
                    continue
                unknown = sorted(set(obj) - GUIDE_LINE_KEYS)
                if unknown:
                    fail(n, unknown[0], "未知字段")
                    continue
                impl = _text(obj.get("impl_code"))
                guide_fields = {k: obj[k] for k in GUIDE_FIELDS if k in obj}
                try:
                    with transaction.atomic():
                        item = ServiceItem.objects.filter(impl_code=impl).first()
                        if item is not None and item.org_id != org.pk:
                            fail(n, "impl_code", f"实施编码“{impl}”属于其他机构")
                            continue
                        if item is None:
                            power = (
                                PowerItem.objects.filter(code=_text(obj.get("power_code")))
                                .select_related("type")
                                .first()
                            )
                            audience = _text(obj.get("audience"))
                            item = save_service_item(by=by, org=org, data={
                                "impl_code": impl, "base_code": obj.get("base_code") or impl,
                                "name": obj.get("name", ""), "power_code": obj.get("power_code") or "",
                                "type_code": obj.get("type_code") or (power.type.letters if power else "GG"),
                                "audience": AUDIENCE_LABELS.get(audience, audience),
                            })  # fmt: skip
                            if power is not None and power.secret:
                                raise ValidationError({"power_code": "保密事项不得发布办事指南"})
                            publish_service_item(item, by=by)
                        existing = Guide.objects.filter(item=item).first()
                        if existing is not None and existing.status == Status.PUBLISHED:
                            cleaned = clean_guide(guide_fields)
                            if all(getattr(existing, k) == v for k, v in cleaned.items()):
                                report["unchanged"] += 1
                                report["valid"] += 1
                                continue
                        g = save_guide(item, by=by, data=guide_fields)
                        problems = guide_problems(g)
                        pii_only = problems and all("个人信息" in m for m in problems.values())
                        if problems and not pii_only:
                            raise ValidationError(problems)
                        if pii_only:
                            report["held"] += 1  # identifiers: held for review as a draft
                        else:
                            publish_guide(g, by=by, today=day)
                except ValidationError as e:
                    for field, messages in e.message_dict.items():
                        fail(n, field, messages[0])
                    continue
                report["valid"] += 1
                report["imported"] += 1
            if report["errors"] or dry_run:
                raise _DryRun
    except _DryRun:
        if report["errors"]:
            report["imported"] = 0
    if dry_run and not report["errors"]:
        report["dry_run"] = True
    return report
