"""Case counters: how many cases stand in each state, per unit, department, region, office, committee, series and
month — kept in the same transaction as every move, so inboxes and the dashboard never COUNT(*) a whole set."""

from __future__ import annotations

from django.db import models


class CaseCounter(models.Model):
    """One signed delta per (dimension, key, state). Writers only INSERT (no hot row is locked, no deadlock between
    concurrent moves); readers add the deltas up; `counters.compact` folds them into one row per key."""

    class Dimension(models.TextChoices):
        ALL = "all", "全部"
        UNIT = "unit", "单位"
        DEPARTMENT = "department", "主管部门"
        REGION = "region", "地区"
        OFFICE = "office", "受理机构"
        COMMITTEE = "committee", "评委会"
        SERIES = "series", "系列"
        MONTH = "month", "创建月份"
        SUBMITTED = "submitted", "提交月份与地区"

    id = models.BigAutoField(primary_key=True)
    dimension = models.CharField("维度", max_length=12, choices=Dimension.choices)
    key = models.BigIntegerField(
        "维度取值",
        help_text="所属对象的编号（无则为 0），月份为 YYYYMM，提交月份与地区为 YYYYMM × 1000000 + 地区编号",
    )
    status = models.CharField("状态", max_length=30)
    n = models.BigIntegerField("增量")

    class Meta:
        verbose_name = "案件计数"
        verbose_name_plural = "案件计数"
        indexes = [models.Index(fields=["dimension", "key", "status"], name="case_counter_lookup")]

    def __str__(self):
        return f"{self.dimension}:{self.key} {self.status} {self.n:+d}"
