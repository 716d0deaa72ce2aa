"""The audit trail (全程留痕): an append-only, SM3 hash-chained log of every state change.

Entries are written only by `gongkai.audit.services.record`, inside the transaction of the change
they describe, so a rolled-back change leaves no entry. Database triggers refuse UPDATE and
DELETE on the log; `gongkai audit verify` finds what a privileged hand changed anyway.
"""

from django.db import models


class AuditEntry(models.Model):
    seq = models.BigIntegerField("序号", primary_key=True)
    at = models.DateTimeField("时间", db_index=True)
    actor_id = models.BigIntegerField("操作人ID", null=True, blank=True)
    actor = models.CharField("操作人", max_length=150)
    ip = models.CharField("IP 地址", max_length=45, blank=True)
    action = models.CharField("操作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象ID", max_length=64, blank=True, db_index=True)
    org_id = models.BigIntegerField("机构ID", null=True, blank=True, db_index=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    prev_hash = models.CharField("前序哈希", max_length=64)
    hash = models.CharField("SM3 哈希", max_length=64, unique=True)

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor} {self.action} {self.object_type}:{self.object_id}"

    def payload(self) -> dict:
        """What the hash covers: every field but the hashes themselves."""
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor_id": self.actor_id,
            "actor": self.actor,
            "ip": self.ip,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "org_id": self.org_id,
            "before": self.before,
            "after": self.after,
        }


class AuditHead(models.Model):
    """The single row holding the chain's newest seq and hash; locked while appending."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    # the newest entry that may have changed a public page (audit/publicity.py)
    public_hash = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"
