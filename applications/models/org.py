"""The audit trail of organisations and roles: who registered, confirmed, named or changed what, append-only."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone


@pgtrigger.register(
    pgtrigger.Protect(name="org_event_append_only_update", operation=pgtrigger.Update),
    pgtrigger.Protect(name="org_event_append_only_delete", operation=pgtrigger.Delete),
)
class OrgEvent(models.Model):
    """One row per change of a unit, department, office, role membership, applicant record or integrity record."""

    class Action(models.TextChoices):
        APPLICANT_REGISTERED = "applicant_registered", "申报人注册"
        PROFILE_UPDATED = "profile_updated", "修改个人信息"
        UNIT_REGISTERED = "unit_registered", "单位注册"
        UNIT_CONFIRMED = "unit_confirmed", "主管部门确认单位"
        UNIT_IMPORTED = "unit_imported", "批量导入单位"
        STAFF_IMPORTED = "staff_imported", "批量导入单位职工"
        DEPARTMENT_CREATED = "department_created", "新增主管部门"
        OFFICE_SAVED = "office_saved", "维护办事机构/协会"
        ROLE_GRANTED = "role_granted", "授予角色"
        ROLE_REVOKED = "role_revoked", "撤销角色"
        WINDOW_PUBLISHED = "window_published", "发布网络申报时间"
        INTEGRITY_RECORDED = "integrity_recorded", "记入诚信档案"
        DEMO_CYCLE = "demo_cycle", "建立演示年度"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="操作人"
    )
    actor_name = models.CharField("操作人姓名", max_length=100, blank=True)
    action = models.CharField("操作", max_length=40, choices=Action.choices)
    target_type = models.CharField("对象类型", max_length=40)
    target_id = models.PositiveBigIntegerField("对象编号", null=True, blank=True)
    target_label = models.CharField("对象", max_length=200, blank=True)
    data = models.JSONField("内容", default=dict, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "组织与角色变更记录"
        verbose_name_plural = "组织与角色变更记录"
        ordering = ["-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.target_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("变更记录不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("变更记录不可删除")
