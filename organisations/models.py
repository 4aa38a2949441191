"""The organisations people work for and act for — regions, 主管部门, units, 评委会办事机构 and the association —
who acts for which of them (RoleMembership), and the append-only trail of every change to them (OrgEvent).

They sit below the case apps (STYLE「The house」): applications, publicity and review use them; this app imports
none of those. The tables kept their `applications_*` names when the models moved here (issue 12 item 5)."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone

from zhicheng.roles import Role


class Region(models.Model):
    code = models.SlugField("代码", unique=True)
    name = models.CharField("名称", max_length=50, unique=True)
    areas = models.JSONField("所属受理地", default=list, help_text="申报计划安排表中覆盖本地区的受理地名称")
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        db_table = "applications_region"
        verbose_name = "地区"
        verbose_name_plural = "地区"
        ordering = ["order"]

    def __str__(self):
        return self.name


class Department(models.Model):
    class Kind(models.TextChoices):
        INDUSTRY = "industry", "行业主管部门"
        HRSS = "hrss", "人社部门"

    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    region = models.ForeignKey(Region, models.PROTECT, verbose_name="地区")

    class Meta:
        db_table = "applications_department"
        verbose_name = "主管部门"
        verbose_name_plural = "主管部门"

    def __str__(self):
        return self.name


class Unit(models.Model):
    class Ownership(models.TextChoices):
        ENTERPRISE = "enterprise", "企业"
        PUBLIC_INSTITUTION = "public_institution", "事业单位"
        SOCIAL_ORG = "social_org", "社会组织"
        HR_AGENCY = "hr_agency", "人事代理机构"

    name = models.CharField("单位名称", max_length=200, unique=True)
    short_name = models.CharField(
        "简称/所属集团", max_length=100, blank=True, help_text="用于匹配申报计划安排表的“本企业”排除条款，如：索普集团"
    )
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    region = models.ForeignKey(Region, models.PROTECT, verbose_name="地区")
    ownership = models.CharField("单位性质", max_length=30, choices=Ownership.choices)
    is_private_enterprise = models.BooleanField("民营企业", default=False)
    department = models.ForeignKey(
        Department, models.PROTECT, related_name="units", verbose_name="主管部门", null=True, blank=True
    )

    class State(models.TextChoices):
        PENDING = "pending", "待主管部门确认"
        CONFIRMED = "confirmed", "已确认"

    # Units loaded before registration existed (reference data, demo, tests) count as confirmed.
    state = models.CharField("登记状态", max_length=20, choices=State.choices, default=State.CONFIRMED)
    address = models.CharField("地址", max_length=200, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="登记人"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="确认人"
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        db_table = "applications_unit"
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~models.Q(credit_code=""), name="uniq_unit_credit_code"
            )
        ]
        verbose_name = "用人单位"
        verbose_name_plural = "用人单位"

    def __str__(self):
        return self.name


class CommitteeOffice(models.Model):
    """A 评委会办事机构 (受理单位机构 of the annex) or an association that runs 初定."""

    name = models.CharField("名称", max_length=100, unique=True)
    phones = models.JSONField("联系电话", default=list)
    address = models.CharField("地址", max_length=200, blank=True)
    is_association = models.BooleanField("协会（办理初定）", default=False)

    class Meta:
        db_table = "applications_committeeoffice"
        verbose_name = "评委会办事机构"
        verbose_name_plural = "评委会办事机构"

    def __str__(self):
        return self.name


class RoleMembership(models.Model):
    """What a user may do, and over which organisation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="roles", verbose_name="用户")
    role = models.CharField("角色", max_length=30, choices=Role.choices)
    unit = models.ForeignKey(Unit, models.CASCADE, null=True, blank=True, verbose_name="所在单位")
    department = models.ForeignKey(Department, models.CASCADE, null=True, blank=True, verbose_name="主管部门")
    office = models.ForeignKey(CommitteeOffice, models.CASCADE, null=True, blank=True, verbose_name="办事机构/协会")

    class Meta:
        db_table = "applications_rolemembership"
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit", "department", "office"],
                name="uniq_role_membership",
            ),
            models.CheckConstraint(
                name="role_scope_matches",
                condition=(
                    models.Q(role__in=[Role.UNIT_REVIEWER, Role.UNIT_ADMIN, Role.UNIT_HR], unit__isnull=False)
                    | models.Q(role=Role.DEPT_REVIEWER, department__isnull=False)
                    | models.Q(role__in=[Role.COMMITTEE_CLERK, Role.ASSOCIATION_CLERK], office__isnull=False)
                    | models.Q(role__in=[Role.APPLICANT, Role.SUPERVISOR])
                ),
            ),
        ]

    def __str__(self):
        scope = self.unit or self.department or self.office or ""
        return f"{self.user} · {self.get_role_display()} {scope}"


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
        db_table = "applications_orgevent"
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
