"""Writes on the open-data catalogue: the only place its rules change state.

- Editors (编辑) of the 数据提供方 create and edit datasets and upload resources; reviewers
  (审核) publish and withdraw — 先审查、后公开, as for government information.
- 有条件开放 needs its conditions and 不予开放 its basis stated; a 不予开放 dataset is never
  published, and a published dataset cannot be switched to 不予开放 without withdrawing it.
- An upload becomes a new ResourceVersion stored under the open-data directory; ingestion
  (run by tasks.ingest_version) switches `Resource.current` only when it succeeds, so a
  failed ingestion leaves the previous version serving. 最近更新 follows each success.
- 数据资源清单/开放计划 (inventory and opening plan): editors keep their organisation's entries;
  a 不予开放 entry has no planned opening date.
- 有条件开放 (conditional opening): anyone applies with a purpose and gets a tracking number and
  查询码; 审核 of the 提供方 approves (with an expiry) or refuses (with a reason); the approved
  applicant collects a personal key (`accounts.services.issue_token`, expiring with the
  approval) that unlocks this one dataset's rows. Uses are kept in the request log.
- Every change is audited in the same transaction (`audit.services.record`).
"""

import datetime as dt
import hashlib
import math
import re
import secrets
import shutil
import uuid
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from gongkai.accounts import permissions
from gongkai.accounts import services as accounts
from gongkai.accounts.models import ApiToken, User
from gongkai.accounts.permissions import Action
from gongkai.audit.services import changes, record
from gongkai.lib.errors import Conflict
from gongkai.lib.uploads import fit_name
from gongkai.organizations.models import Organization

from . import tabular
from .models import (
    AccessRequest,
    ApiRequest,
    Dataset,
    InventoryItem,
    Resource,
    ResourceVersion,
    version_dir,
)

L = Dataset.OpenLevel
ST = Dataset.State

DATASET_FIELDS = [
    "name", "title", "description", "domain", "tags", "open_level", "open_conditions",
    "frequency", "license_id", "contact_name", "contact_email", "contact_phone", "spatial",
    "temporal_start", "temporal_end",
]  # fmt: skip
TABULAR_FORMATS = {"csv": "CSV", "tsv": "CSV", "txt": "CSV", "xlsx": "XLSX", "json": "JSON"}
DEFAULT_MAX_BYTES = 4 * 1024**3


def max_upload_bytes() -> int:
    return int(getattr(settings, "GONGKAI_OPENDATA_MAX_BYTES", DEFAULT_MAX_BYTES))


def snapshot(ds: Dataset) -> dict[str, Any]:
    data = {name: getattr(ds, name) for name in DATASET_FIELDS}
    for k in ("temporal_start", "temporal_end"):
        data[k] = data[k].isoformat() if data[k] else None
    data["state"] = ds.state
    data["org"] = ds.org_id
    return data


def clean_dataset(ds: Dataset) -> None:
    errors: dict[str, str] = {}
    ds.title = (ds.title or "").strip()
    ds.name = (ds.name or "").strip().lower()
    if not ds.title:
        errors["title"] = "数据集名称不能为空"
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{1,99}", ds.name):
        errors["name"] = "标识名应为 2–100 位小写英文字母、数字、- 或 _"
    tags = ds.tags if isinstance(ds.tags, list) else str(ds.tags or "").split(",")
    ds.tags = list(dict.fromkeys(str(t).strip() for t in tags if str(t).strip()))
    if any(len(t) > 50 for t in ds.tags):
        errors["tags"] = "每个标签不超过 50 个字"
    if ds.open_level not in L.values:
        errors["open_level"] = "开放属性应为：无条件开放、有条件开放、不予开放"
    elif ds.open_level != L.UNCONDITIONAL and not (ds.open_conditions or "").strip():
        errors["open_conditions"] = (
            "有条件开放须说明申请条件" if ds.open_level == L.CONDITIONAL else "不予开放须说明依据"
        )
    if ds.frequency not in Dataset.Frequency.values:
        errors["frequency"] = "更新频率应为：实时、每日、每周、每月、每季度、每年、不定期"
    if ds.temporal_start and ds.temporal_end and ds.temporal_end < ds.temporal_start:
        errors["temporal_end"] = "时间范围止不能早于时间范围起"
    if ds.name and Dataset.objects.filter(name=ds.name).exclude(pk=ds.pk).exists():
        errors["name"] = f"标识名“{ds.name}”已被使用"
    if errors:
        raise ValidationError(errors)
    ds.full_clean(exclude=["created_by", "org", "name"])


def _apply(ds: Dataset, data: dict[str, Any]) -> None:
    unknown = set(data) - set(DATASET_FIELDS)
    if unknown:
        raise ValidationError({k: "该字段不可修改" for k in unknown})
    for key, value in data.items():
        if value is None and key not in ("temporal_start", "temporal_end"):
            value = [] if key == "tags" else ""
        setattr(ds, key, value)


def _locked(ds: Dataset) -> Dataset:
    return Dataset.objects.select_for_update().select_related("org").get(pk=ds.pk)


@transaction.atomic
def create_dataset(*, by: Any, org: Organization, data: dict[str, Any], ip: str = "") -> Dataset:
    permissions.require(by, Action.EDIT, org.pk)
    ds = Dataset(org=org, created_by=by if getattr(by, "pk", None) else None)
    _apply(ds, data)
    clean_dataset(ds)
    ds.save()
    record("opendata.dataset.create", actor=by, obj=ds, org_id=org.pk, after=snapshot(ds), ip=ip)
    return ds


@transaction.atomic
def update_dataset(dataset: Dataset, *, by: Any, data: dict[str, Any], ip: str = "") -> Dataset:
    ds = _locked(dataset)
    permissions.require(by, Action.EDIT, ds.org_id)
    before = snapshot(ds)
    _apply(ds, data)
    if ds.state == ST.PUBLISHED and ds.open_level == L.CLOSED:
        raise Conflict("已发布的数据集不能改为不予开放，请先撤回")
    clean_dataset(ds)
    ds.save()
    b, a = changes(before, snapshot(ds))
    if a:
        record("opendata.dataset.update", actor=by, obj=ds, org_id=ds.org_id, before=b, after=a, ip=ip)  # fmt: skip
    return ds


@transaction.atomic
def publish_dataset(dataset: Dataset, *, by: Any, ip: str = "") -> Dataset:
    ds = _locked(dataset)
    permissions.require(by, Action.REVIEW, ds.org_id)
    if ds.open_level == L.CLOSED:
        raise Conflict("不予开放的数据集不能发布")
    if ds.state == ST.PUBLISHED:
        raise Conflict("该数据集已发布")
    clean_dataset(ds)
    before = ds.state
    ds.state = ST.PUBLISHED
    ds.published_at = ds.published_at or timezone.now()
    ds.save()
    record(
        "opendata.dataset.publish", actor=by, obj=ds, org_id=ds.org_id,
        before={"state": before}, after={"state": ds.state}, ip=ip,
    )  # fmt: skip
    return ds


@transaction.atomic
def withdraw_dataset(dataset: Dataset, *, by: Any, reason: str, ip: str = "") -> Dataset:
    ds = _locked(dataset)
    permissions.require(by, Action.REVIEW, ds.org_id)
    if ds.state != ST.PUBLISHED:
        raise Conflict("只有已发布的数据集可以撤回")
    if not reason.strip():
        raise ValidationError({"reason": "请填写撤回理由"})
    ds.state = ST.WITHDRAWN
    ds.save()
    record(
        "opendata.dataset.withdraw", actor=by, obj=ds, org_id=ds.org_id,
        before={"state": ST.PUBLISHED}, after={"state": ds.state, "reason": reason}, ip=ip,
    )  # fmt: skip
    return ds


# --- resources ----------------------------------------------------------------------------------
@transaction.atomic
def add_resource(dataset: Dataset, *, by: Any, data: dict[str, Any], ip: str = "") -> Resource:
    """A resource: a link (`url`) or a table whose file comes with `add_version`."""
    ds = _locked(dataset)
    permissions.require(by, Action.EDIT, ds.org_id)
    name = str(data.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": "资源名称不能为空"})
    url = str(data.get("url") or "").strip()
    res = Resource(
        dataset=ds, name=name[:200], description=str(data.get("description") or ""),
        kind=Resource.Kind.LINK if url else Resource.Kind.UPLOAD, url=url,
        format=str(data.get("format") or "").upper()[:20], position=ds.resources.count(),
    )  # fmt: skip
    if url and not re.match(r"^https?://", url):
        raise ValidationError({"url": "链接应以 http:// 或 https:// 开头"})
    res.full_clean(exclude=["current", "dataset"])
    res.save()
    record(
        "opendata.resource.create", actor=by, obj=res, org_id=ds.org_id,
        after={"dataset": str(ds.pk), "name": res.name, "url": url, "format": res.format}, ip=ip,
    )  # fmt: skip
    return res


def add_version(
    resource: Resource, *, by: Any, file: IO[bytes], filename: str, ip: str = ""
) -> ResourceVersion:
    """Store an uploaded table as a new pending version (streamed to disk, hashed on the way).

    The caller enqueues `tasks.ingest_version` once this has committed."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    fmt = TABULAR_FORMATS.get(ext)
    if fmt is None:
        raise ValidationError({"file": "只接受 CSV、XLSX 或 JSON 格式的表格文件"})
    with transaction.atomic():
        res = Resource.objects.select_for_update().select_related("dataset").get(pk=resource.pk)
        permissions.require(by, Action.EDIT, res.dataset.org_id)
        if res.kind != Resource.Kind.UPLOAD:
            raise Conflict("外部链接资源不能上传文件")
        number = (
            res.versions.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        version = ResourceVersion(
            resource=res, number=number, original_name=fit_name(filename, 200), format=fmt,
            created_by=by if getattr(by, "pk", None) else None,
        )  # fmt: skip
        target = version_dir(version)
        target.mkdir(parents=True, exist_ok=True)
        digest, size, limit = hashlib.sha256(), 0, max_upload_bytes()
        try:
            with (target / f"source.{ext}").open("wb") as out:
                while chunk := file.read(1024 * 1024):
                    size += len(chunk)
                    if size > limit:
                        raise ValidationError({"file": f"文件超过 {limit // 1024**2} MB 上限"})
                    digest.update(chunk)
                    out.write(chunk)
            if size == 0:
                raise ValidationError({"file": "文件为空"})
            version.size, version.sha256 = size, digest.hexdigest()
            version.save()
            res.format = fmt
            res.save(update_fields=["format", "updated_at"])
            record(
                "opendata.resource.upload", actor=by, obj=res, org_id=res.dataset.org_id,
                after={"version": number, "file": version.original_name, "size": size,
                       "sha256": version.sha256}, ip=ip,
            )  # fmt: skip
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)  # no orphan file when nothing is recorded
            raise
    return version


def source_path(version: ResourceVersion) -> Path:
    ext = version.original_name.rsplit(".", 1)[-1].lower()
    return version_dir(version) / f"source.{ext}"


def _progress(version_id: Any) -> tabular.Progress:
    def step(pct: int, message: str) -> None:
        ResourceVersion.objects.filter(pk=version_id).update(progress=pct, message=message)

    return step


def ingest(version: ResourceVersion) -> ResourceVersion:
    """Ingest a pending version; on success it becomes the resource's serving version."""
    claimed = ResourceVersion.objects.filter(
        pk=version.pk, status=ResourceVersion.Status.PENDING
    ).update(status=ResourceVersion.Status.RUNNING, progress=1, message="开始处理")
    if not claimed:
        raise Conflict("该版本已在处理或已处理")
    work = version_dir(version)
    try:
        result = tabular.ingest(source_path(version), version.format, work, _progress(version.pk))
    except tabular.IngestError as e:
        return _fail(version, str(e))
    except Exception as e:  # an unexpected failure must not leave the version "running"
        _fail(version, "处理失败，请联系管理员：" + str(e).splitlines()[0][:200])
        raise
    with transaction.atomic():
        v = ResourceVersion.objects.select_for_update().get(pk=version.pk)
        res = Resource.objects.select_for_update().select_related("dataset").get(pk=v.resource_id)
        v.status, v.progress, v.finished_at = ResourceVersion.Status.READY, 100, timezone.now()
        v.row_count, v.schema, v.encoding = result.row_count, result.schema, result.encoding
        v.bad_rows, v.bad_row_count = result.bad_rows, result.bad_row_count
        v.message = f"已导入 {result.row_count} 行" + (
            f"，{result.bad_row_count} 行有问题未导入" if result.bad_row_count else ""
        )
        v.save()
        previous = res.current_id
        # a newer version that finished first keeps serving
        if res.current is None or res.current.number < v.number:
            res.current = v
            res.save(update_fields=["current", "updated_at"])
            Dataset.objects.filter(pk=res.dataset_id).update(last_updated=v.finished_at)
        record(
            "opendata.resource.ingest", actor=v.created_by, obj=res,
            org_id=res.dataset.org_id,
            before={"current": str(previous) if previous else None},
            after={"current": str(res.current_id), "version": v.number, "rows": v.row_count,
                   "bad_rows": v.bad_row_count},
        )  # fmt: skip
    return v


def _fail(version: ResourceVersion, message: str) -> ResourceVersion:
    with transaction.atomic():
        v = (
            ResourceVersion.objects.select_for_update()
            .select_related("resource__dataset")
            .get(pk=version.pk)
        )
        v.status, v.message, v.finished_at = ResourceVersion.Status.FAILED, message, timezone.now()
        v.save()
        record(
            "opendata.resource.ingest_failed", actor=v.created_by, obj=v.resource,
            org_id=v.resource.dataset.org_id, after={"version": v.number, "message": message},
        )  # fmt: skip
    for name in (tabular.DATA_FILE, tabular.TERMS_FILE):
        (version_dir(v) / name).unlink(missing_ok=True)
    shutil.rmtree(version_dir(v) / tabular.SORT_DIR, ignore_errors=True)
    return v


@transaction.atomic
def set_column_descriptions(
    resource: Resource, *, by: Any, descriptions: dict[str, str], ip: str = ""
) -> Resource:
    res = Resource.objects.select_for_update().select_related("dataset").get(pk=resource.pk)
    permissions.require(by, Action.EDIT, res.dataset.org_id)
    columns = {c["id"] for c in (res.current.schema if res.current else [])}
    unknown = [k for k in descriptions if k not in columns]
    if unknown:
        raise ValidationError({"descriptions": f"没有这些字段：{'、'.join(unknown)}"})
    before = dict(res.column_descriptions)
    res.column_descriptions = {**before, **{k: str(v)[:500] for k, v in descriptions.items()}}
    res.save(update_fields=["column_descriptions", "updated_at"])
    record(
        "opendata.resource.describe", actor=by, obj=res, org_id=res.dataset.org_id,
        before=before, after=res.column_descriptions, ip=ip,
    )  # fmt: skip
    return res


def count_download(resource: Resource) -> None:
    Resource.objects.filter(pk=resource.pk).update(download_count=F("download_count") + 1)


# --- 数据资源清单 and 开放计划 --------------------------------------------------------------------
INVENTORY_FIELDS = ["title", "description", "domain", "open_level", "planned_open_on", "dataset"]


def _inventory_snapshot(item: InventoryItem) -> dict[str, Any]:
    return {
        "title": item.title, "domain": item.domain, "open_level": item.open_level,
        "planned_open_on": item.planned_open_on.isoformat() if item.planned_open_on else None,
        "dataset": str(item.dataset_id) if item.dataset_id else None,
    }  # fmt: skip


def save_inventory_item(
    item: InventoryItem, *, by: Any, data: dict[str, Any] | None = None, ip: str = ""
) -> InventoryItem:
    """Create or change an inventory entry of the editor's organisation (编辑 or above)."""
    with transaction.atomic():
        before: dict[str, Any] = {}
        if item.pk:
            item = InventoryItem.objects.select_for_update().get(pk=item.pk)
            before = _inventory_snapshot(item)
        permissions.require(by, Action.EDIT, item.org_id)
        for key, value in (data or {}).items():
            if key not in INVENTORY_FIELDS:
                raise ValidationError({key: "该字段不可修改"})
            setattr(item, key, value)
        errors: dict[str, str] = {}
        item.title = (item.title or "").strip()
        if not item.title:
            errors["title"] = "数据资源名称不能为空"
        if item.open_level not in L.values:
            errors["open_level"] = "开放属性应为：无条件开放、有条件开放、不予开放"
        elif item.open_level == L.CLOSED and item.planned_open_on:
            errors["planned_open_on"] = "不予开放的数据资源不列入开放计划，请清空计划开放日期"
        if item.dataset_id:
            ds = Dataset.objects.filter(pk=item.dataset_id).first()
            if ds is None or ds.org_id != item.org_id:
                errors["dataset"] = "只能关联本机构的数据集"
        if errors:
            raise ValidationError(errors)
        item.full_clean(exclude=["org", "dataset"])
        item.save()
        after = _inventory_snapshot(item)
        b, a = changes(before, after)
        if a or not before:
            record(
                "opendata.inventory.update" if before else "opendata.inventory.create",
                actor=by, obj=item, org_id=item.org_id, before=b or None, after=a, ip=ip,
            )  # fmt: skip
    return item


# --- 有条件开放: applications, decisions, keys -------------------------------------------------------
QUERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read over the phone
_QUERY_SALT = "gongkai.opendata.access_query_code"
MAX_ACCESS_DAYS = 366  # the longest personal token accounts.issue_token grants


def access_digest(tracking_no: str, code: str, secret: str | None = None) -> str:
    cleaned = re.sub(r"[\s-]", "", code or "").upper()
    value = f"{tracking_no}:{cleaned}"
    return salted_hmac(_QUERY_SALT, value, secret=secret, algorithm="sha256").hexdigest()


def access_code_matches(req: AccessRequest, code: str) -> bool:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(
        constant_time_compare(req.query_digest, access_digest(req.tracking_no, code, k))
        for k in keys
    )


def apply_for_access(
    dataset: Dataset, *, data: dict[str, Any], ip: str = ""
) -> tuple[AccessRequest, str]:
    """A public application for a 有条件开放 dataset; returns it and its 查询码 (shown once)."""
    ds = Dataset.objects.filter(pk=dataset.pk).first()
    if ds is None or not ds.is_public:
        raise permissions.NotFound("未找到该数据集")
    if ds.open_level != L.CONDITIONAL:
        raise Conflict("该数据集无条件开放，无需申请，可直接下载或调用接口")
    req = AccessRequest(dataset=ds)
    fields = ["applicant_name", "applicant_org", "email", "phone", "purpose", "days"]
    for key in fields:
        value = data.get(key, "")
        setattr(
            req, key, value.strip() if isinstance(value, str) else "" if value is None else value
        )
    errors: dict[str, str] = {}
    if not req.applicant_name:
        errors["applicant_name"] = "请填写申请人姓名"
    if not req.phone:
        errors["phone"] = "请填写联系电话"
    if not req.purpose or len(req.purpose) < 5:
        errors["purpose"] = "请说明数据的使用用途（不少于 5 个字）"
    try:
        req.days = int(req.days or 180)
    except (TypeError, ValueError):
        errors["days"] = "使用期限应为天数"
    else:
        if not 1 <= req.days <= MAX_ACCESS_DAYS:
            errors["days"] = f"使用期限应为 1–{MAX_ACCESS_DAYS} 天"
    if errors:
        raise ValidationError(errors)
    req.full_clean(exclude=["dataset", "tracking_no", "query_digest"])
    code = "".join(secrets.choice(QUERY_ALPHABET) for _ in range(10))
    with transaction.atomic():
        req.tracking_no = f"SJ{timezone.localdate():%Y%m%d}{secrets.randbelow(10**6):06d}"
        while AccessRequest.objects.filter(tracking_no=req.tracking_no).exists():
            req.tracking_no = f"SJ{timezone.localdate():%Y%m%d}{secrets.randbelow(10**6):06d}"
        req.query_digest = access_digest(req.tracking_no, code)
        req.save()
        record(
            "opendata.access.apply", actor=None, obj=req, org_id=ds.org_id,
            after={"dataset": ds.name, "tracking_no": req.tracking_no, "days": req.days}, ip=ip,
        )  # fmt: skip
    return req, code


def _locked_request(req: AccessRequest) -> AccessRequest:
    return AccessRequest.objects.select_for_update().select_related("dataset").get(pk=req.pk)


@transaction.atomic
def approve_access(
    req: AccessRequest, *, by: Any, days: int | None = None, reason: str = "", ip: str = ""
) -> AccessRequest:
    """审核 of the 提供方 approves: the applicant becomes a non-staff user, whose key (collected
    with the 查询码) reads this dataset until the expiry."""
    r = _locked_request(req)
    permissions.require(by, Action.REVIEW, r.dataset.org_id)
    if r.status != AccessRequest.Status.PENDING:
        raise Conflict("该申请已审核")
    days = int(days or r.days)
    if not 1 <= days <= MAX_ACCESS_DAYS:
        raise ValidationError({"days": f"授权期限应为 1–{MAX_ACCESS_DAYS} 天"})
    user = User(
        username=f"data-{r.tracking_no.lower()}", full_name=r.applicant_name[:50],
        email=r.email, is_staff=False,
    )  # fmt: skip
    user.set_unusable_password()  # the key is the only way in, and only to the data API
    accounts.save_user(by=by, user=user, ip=ip)
    r.status, r.user = AccessRequest.Status.APPROVED, user
    r.decided_by = by if getattr(by, "pk", None) else None
    r.decided_at = timezone.now()
    r.expires_at = r.decided_at + dt.timedelta(days=days)
    r.reason = reason.strip()
    r.save()
    record(
        "opendata.access.approve", actor=by, obj=r, org_id=r.dataset.org_id,
        before={"status": AccessRequest.Status.PENDING},
        after={"status": r.status, "expires_at": r.expires_at.isoformat(), "user": user.username},
        ip=ip,
    )  # fmt: skip
    return r


@transaction.atomic
def reject_access(req: AccessRequest, *, by: Any, reason: str, ip: str = "") -> AccessRequest:
    r = _locked_request(req)
    permissions.require(by, Action.REVIEW, r.dataset.org_id)
    if r.status != AccessRequest.Status.PENDING:
        raise Conflict("该申请已审核")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写不予批准的理由"})
    r.status, r.reason = AccessRequest.Status.REJECTED, reason.strip()
    r.decided_by = by if getattr(by, "pk", None) else None
    r.decided_at = timezone.now()
    r.save()
    record(
        "opendata.access.reject", actor=by, obj=r, org_id=r.dataset.org_id,
        before={"status": AccessRequest.Status.PENDING},
        after={"status": r.status, "reason": r.reason}, ip=ip,
    )  # fmt: skip
    return r


def collect_key(tracking_no: str, code: str, *, ip: str = "") -> tuple[AccessRequest, str]:
    """The applicant collects the key of an approved application (shown once). Collecting again
    revokes the earlier key and issues a new one (a lost key is replaced, never shown twice)."""
    with transaction.atomic():
        r = (
            AccessRequest.objects.select_for_update(of=("self",))
            .select_related("dataset", "user", "token")
            .filter(tracking_no=(tracking_no or "").strip().upper())
            .first()
        )
        if r is None or not access_code_matches(r, code):
            raise permissions.NotFound("申请编号或查询码不正确")
        if not r.is_active() or r.user is None:
            raise Conflict("该申请未获批准或授权已到期，不能领取接口密钥")
        if r.token is not None:
            accounts.revoke_token(by=r.user, token=r.token)
        remaining = (r.expires_at - timezone.now()).total_seconds() / 86400  # type: ignore[operator]
        token, raw = accounts.issue_token(
            by=r.user, user=r.user, name=f"有条件开放：{r.dataset.name}"[:100],
            days=max(1, min(MAX_ACCESS_DAYS, math.ceil(remaining))),
        )  # fmt: skip
        # the key lasts no longer than the approval
        ApiToken.objects.filter(pk=token.pk).update(expires_at=r.expires_at)
        r.token = token
        r.save(update_fields=["token"])
        record(
            "opendata.access.key", actor=r.user, obj=r, org_id=r.dataset.org_id,
            after={"token_prefix": token.prefix}, ip=ip,
        )  # fmt: skip
    return r, raw


def log_api_request(
    endpoint: str, *, status: int, duration_ms: int, resource_id: Any = None,
    access: AccessRequest | None = None,
) -> None:  # fmt: skip
    """One line of the data API's request log (not audited: it records use, not changes)."""
    rid = resource_id if resource_id and _uuid_or_none(str(resource_id)) else None
    ApiRequest.objects.create(
        endpoint=endpoint[:40], status=status, duration_ms=max(0, int(duration_ms)),
        resource_id=rid, access=access,
    )  # fmt: skip


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
