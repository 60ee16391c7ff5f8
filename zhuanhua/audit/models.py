from __future__ import annotations

from django.db import models

from zhuanhua.audit.labels import action_label


class AuditEntry(models.Model):
    """One link of the hash-chained audit log: who did what to which record, and when.

    `entry_hash` = sha256 over the entry's own fields and `prev_hash`, so an edited, deleted or
    reordered entry breaks the chain at that point; `entry_mac` = HMAC of that hash with a key kept
    outside the database, so rewriting the chain and re-hashing it onward is caught too (see
    zhuanhua.audit.chain and docs/audit.md). On PostgreSQL a trigger refuses UPDATE and DELETE.
    """

    seq = models.PositiveBigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间")
    actor_id = models.BigIntegerField("操作人ID", null=True, blank=True)
    actor_label = models.CharField("操作人", max_length=150, blank=True)
    object_type = models.CharField("对象类型", max_length=60)
    object_id = models.CharField("对象ID", max_length=60)
    action = models.CharField("动作", max_length=60)
    before_digest = models.CharField("变更前摘要", max_length=64, blank=True)
    after_digest = models.CharField("变更后摘要", max_length=64, blank=True)
    detail = models.JSONField("说明", default=dict, blank=True)
    prev_hash = models.CharField("前一条哈希", max_length=64)
    entry_hash = models.CharField("本条哈希", max_length=64)
    entry_mac = models.CharField("密钥签名", max_length=64, blank=True, default="")

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    @property
    def action_label(self) -> str:
        return action_label(self.action)
