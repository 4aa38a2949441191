"""公示 periods, the cases in them, objections (异议) to them, and the meetings' filing deadlines the timer watches."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from applications.models import Application
from organisations.models import CommitteeOffice, Unit


class Publicity(models.Model):
    """One 公示: a set of cases published together for one period computed by the working-day calendar."""

    class Kind(models.TextChoices):
        UNIT = "unit", "单位评前公示"
        COMMITTEE = "committee", "评委会公示（申报人基本情况）"
        RESULT = "result", "评审结果公示"

    kind = models.CharField("公示类别", max_length=20, choices=Kind.choices)
    title = models.CharField("公示标题", max_length=200)
    unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="publicities", verbose_name="公示单位"
    )
    office = models.ForeignKey(
        CommitteeOffice,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="publicities",
        verbose_name="评委会办事机构",
    )
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="发布人")
    starts_on = models.DateField("公示开始日期")
    working_days = models.PositiveSmallIntegerField("公示工作日数")
    last_day = models.DateField("公示最后一日")
    ends_at = models.DateTimeField("公示期满时间")
    provisional = models.BooleanField("期满时间为暂定（日历缺少该年度）", default=False)
    created_at = models.DateTimeField("发布时间", auto_now_add=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True, help_text="所有案件均已离开公示时记录")

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = "公示"
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(
                fields=["ends_at"],
                name="publicity_open_due",
                condition=Q(closed_at__isnull=True, provisional=False),
            )
        ]

    def __str__(self):
        return f"{self.title}（{self.starts_on}～{self.last_day}{'，暂定' if self.provisional else ''}）"


class PublicityEntry(models.Model):
    """A case in a publicity. `left_at` is set when the case leaves it, by the timer or by a stop."""

    class Outcome(models.TextChoices):
        MOVED = "moved", "期满转入下一环节"
        OBJECTION_UPHELD = "objection_upheld", "异议成立，终止申报"
        STOPPED = "stopped", "已因其他原因离开公示"

    # No index of its own: uniq_publicity_entry (publicity, application) serves it. Every index on this table is
    # written when a publicity closes, so it has no more than it needs.
    publicity = models.ForeignKey(
        Publicity, models.CASCADE, related_name="entries", verbose_name="公示", db_index=False
    )
    application = models.ForeignKey(Application, models.PROTECT, related_name="publicity_entries", verbose_name="申报")
    left_at = models.DateTimeField("离开公示时间", null=True, blank=True)
    outcome = models.CharField("结果", max_length=30, choices=Outcome.choices, blank=True)

    class Meta:
        verbose_name = "公示案件"
        verbose_name_plural = "公示案件"
        ordering = ["publicity", "id"]
        constraints = [
            models.UniqueConstraint(fields=["publicity", "application"], name="uniq_publicity_entry"),
            # A case is in at most one current publicity.
            models.UniqueConstraint(
                fields=["application"], condition=Q(left_at__isnull=True), name="one_current_publicity"
            ),
        ]

    def __str__(self):
        return f"{self.publicity_id}:{self.application_id}"


class Objection(models.Model):
    """An 异议 filed by anyone against a case in a current publicity. Name and contact are private."""

    class Status(models.TextChoices):
        OPEN = "open", "调查中"
        UPHELD = "upheld", "异议成立"
        DISMISSED = "dismissed", "异议不成立"
        MOOT = "moot", "案件已终止，无需处理"

    publicity = models.ForeignKey(Publicity, models.PROTECT, related_name="objections", verbose_name="公示")
    application = models.ForeignKey(Application, models.PROTECT, related_name="objections", verbose_name="申报")
    # The objector's receipt: follows the objection on the public status page. Random, so nobody walks the numbers.
    receipt = models.CharField("受理回执号", max_length=24, unique=True, null=True, blank=True)
    name = models.CharField("异议人实名", max_length=50)
    contact = models.CharField("联系方式", max_length=100)
    content = models.TextField("异议内容")
    filed_at = models.DateTimeField("提出时间")
    status = models.CharField("处理状态", max_length=20, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="处理人"
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_reason = models.TextField("调查结论", blank=True)

    class Meta:
        verbose_name = "异议"
        verbose_name_plural = "异议"
        ordering = ["-filed_at", "-id"]
        indexes = [models.Index(fields=["application", "status"])]

    def __str__(self):
        # Never the objector's name or contact: they are private.
        return f"异议 #{self.pk}（{self.get_status_display()}）"


from .models_certificates import Certificate, Publication  # noqa: E402,F401
