"""The committee's side of the review: expert pools, the meeting (评审会议), its random expert draw, its 报备 with
the municipal office (seed 000 六(一)), the experts' votes and the results.
"""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import FSMField, transition

from applications.models import Application, Committee, Level, ReviewCycle, Series
from organisations.models import CommitteeOffice, Unit
from zhicheng import audit
from zhicheng.fsm import ConcurrentSafeRefreshMixin


class ExpertPool(models.Model):
    """评审专家库: one per committee office, series and level, kept by that office's clerks."""

    office = models.ForeignKey(CommitteeOffice, models.PROTECT, related_name="expert_pools", verbose_name="办事机构")
    series = models.ForeignKey(Series, models.PROTECT, related_name="+", verbose_name="系列")
    level = models.ForeignKey(Level, models.PROTECT, related_name="+", verbose_name="级别")
    name = models.CharField("专家库名称", max_length=200, blank=True)

    class Meta:
        verbose_name = "评审专家库"
        verbose_name_plural = "评审专家库"
        constraints = [models.UniqueConstraint(fields=["office", "series", "level"], name="uniq_expert_pool")]

    def __str__(self):
        return self.name or f"{self.office.name} {self.series.name}{self.level.name}专家库"


class Expert(models.Model):
    pool = models.ForeignKey(ExpertPool, models.CASCADE, related_name="experts", verbose_name="专家库")
    name = models.CharField("姓名", max_length=50)
    unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="工作单位",
        help_text="与申报人同单位的专家自动回避",
    )  # fmt: skip
    unit_name = models.CharField("工作单位（库外单位）", max_length=200, blank=True)
    title = models.CharField("职称", max_length=50, blank=True)
    specialty = models.CharField("专业", max_length=100, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    active = models.BooleanField("在库", default=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="expert_records",
        verbose_name="系统账号", help_text="专家本人的账号（如有）：本人为评审对象时自动回避",
    )  # fmt: skip
    id_number = models.CharField("身份证号", max_length=18, blank=True, help_text="本人为评审对象时自动回避")

    class Meta:
        verbose_name = "评审专家"
        verbose_name_plural = "评审专家"
        ordering = ["pool", "id"]

    def __str__(self):
        return self.name


class Meeting(ConcurrentSafeRefreshMixin, models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "筹备中"
        OPEN = "open", "评审中"
        CLOSED = "closed", "已登记结果"

    LIVE = (Status.PLANNED, Status.OPEN)  # a case on the agenda of a live meeting is on no other

    committee = models.ForeignKey(Committee, models.PROTECT, related_name="meetings", verbose_name="评委会")
    office = models.ForeignKey(CommitteeOffice, models.PROTECT, related_name="meetings", verbose_name="办事机构")
    cycle = models.ForeignKey(ReviewCycle, models.PROTECT, related_name="meetings", verbose_name="评审年度")
    series = models.ForeignKey(Series, models.PROTECT, related_name="+", verbose_name="系列")
    level = models.ForeignKey(Level, models.PROTECT, related_name="+", verbose_name="级别")
    title = models.CharField("会议名称", max_length=200)
    date = models.DateField("会议日期")
    place = models.CharField("会议地点", max_length=200)
    pass_rate = models.DecimalField(
        "评审通过率", max_digits=4, decimal_places=3, help_text="如 0.600；通过人数不得超过 通过率×参评人数（向下取整）"
    )
    panel_size = models.PositiveSmallIntegerField("评审专家人数", default=7)
    applications = models.ManyToManyField(Application, related_name="meetings", blank=True, verbose_name="评审对象")
    experts = models.ManyToManyField(Expert, related_name="meetings", blank=True, verbose_name="评审专家")
    status = FSMField("状态", max_length=20, choices=Status.choices, default=Status.PLANNED, protected=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    opened_at = models.DateTimeField("开会时间", null=True, blank=True)
    closed_at = models.DateTimeField("结果登记时间", null=True, blank=True)
    late_reason = models.TextField(
        "晚于中级评审完成期限的理由",
        blank=True,
        help_text="中级评审原则上在评审年度规定的期限前完成（评审年度通知 三(二)）",
    )

    class Meta:
        verbose_name = "评审会议"
        verbose_name_plural = "评审会议"
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(pass_rate__gt=0, pass_rate__lte=1), name="meeting_pass_rate_range"),
        ]

    def __str__(self):
        return f"{self.title}（{self.date:%Y-%m-%d}）"

    # ---- transitions: they only set fields; review.services runs them (locked row, checks, event)

    @transition(status, source=Status.PLANNED, target=Status.OPEN)
    def open(self, at):
        self.opened_at = at

    @transition(status, source=Status.OPEN, target=Status.CLOSED)
    def close(self, at):
        self.closed_at = at

    @property
    def log(self) -> list[dict]:
        """The meeting's record as lines (who, when, what), read from its append-only events."""
        return [e.as_line() for e in self.events.order_by("id")]


class ExpertDraw(models.Model):
    """The audit of the random draw: the seed, the pool as it was, who was excluded and why, the result, and every
    replacement with its reason. Replaying `random.Random(seed).sample(eligible, size)` gives the same result."""

    meeting = models.OneToOneField(Meeting, models.CASCADE, related_name="draw", verbose_name="评审会议")
    pool = models.ForeignKey(ExpertPool, models.PROTECT, related_name="draws", verbose_name="专家库")
    seed = models.CharField("随机种子", max_length=64)
    size = models.PositiveSmallIntegerField("抽取人数")
    pool_snapshot = models.JSONField("抽取时专家库", default=list, help_text="[{id, name, unit_id}]，按编号排序")
    excluded = models.JSONField("回避专家", default=list, help_text="[{id, name, reason}]")
    result = models.JSONField("抽取结果", default=list, help_text="专家编号，按抽中顺序")
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="抽取人")
    drawn_at = models.DateTimeField("抽取时间", auto_now_add=True)

    class Meta:
        verbose_name = "专家抽取记录"
        verbose_name_plural = "专家抽取记录"

    def __str__(self):
        return f"{self.meeting} 专家抽取（种子 {self.seed}）"

    @property
    def replacements(self) -> list[dict]:
        """Every replacement with its reason, in order (append-only rows: DrawReplacement)."""
        return [r.as_line() for r in self.replacement_rows.order_by("id")]


class MeetingFiling(ConcurrentSafeRefreshMixin, models.Model):
    """报备: the four preparations of seed 000 六(一), filed with the municipal office ≥ 15 days before the meeting."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "已报备，待市职称办确认"
        ACCEPTED = "accepted", "市职称办已同意"
        RETURNED = "returned", "市职称办已退回"
        SUPERSEDED = "superseded", "会议改期，报备失效"

    LIVE = (Status.SUBMITTED, Status.ACCEPTED)  # at most one per meeting (constraint one_live_filing)

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="filings", verbose_name="评审会议")
    meeting_date = models.DateField("报备的会议日期")
    filed_on = models.DateField("报备日期")
    filed_at = models.DateTimeField("报备时间")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="报备人")
    qualification_review = models.JSONField("资格审查情况", default=dict)
    pre_review_publicity = models.JSONField("评前公示情况", default=dict)
    expert_draw = models.JSONField("评审专家抽取情况", default=dict)
    pass_rate = models.DecimalField("评审通过率设定", max_digits=4, decimal_places=3)
    candidates = models.PositiveIntegerField("参评人数")
    cap = models.PositiveIntegerField("通过人数上限")
    note = models.TextField("说明", blank=True)
    status = FSMField("状态", max_length=20, choices=Status.choices, default=Status.SUBMITTED, protected=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="确认人"
    )
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)
    return_reason = models.TextField("退回理由", blank=True)

    class Meta:
        verbose_name = "评审会议报备"
        verbose_name_plural = "评审会议报备"
        ordering = ["meeting", "-filed_at"]
        constraints = [
            # At most one live filing (pending or accepted) per meeting.
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(status__in=["submitted", "accepted"]), name="one_live_filing"
            ),
        ]

    def __str__(self):
        return f"{self.meeting} 报备（{self.filed_on:%Y-%m-%d}，{self.get_status_display()}）"

    @transition(status, source=Status.SUBMITTED, target=Status.ACCEPTED)
    def accept(self, by, at):
        self.decided_by, self.decided_at = by, at

    @transition(status, source=Status.SUBMITTED, target=Status.RETURNED)
    def return_(self, by, at, reason: str):
        self.decided_by, self.decided_at, self.return_reason = by, at, reason

    @transition(status, source=[Status.SUBMITTED, Status.ACCEPTED], target=Status.SUPERSEDED)
    def supersede(self):
        pass


class Vote(models.Model):
    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="votes", verbose_name="评审会议")
    application = models.ForeignKey(Application, models.PROTECT, related_name="votes", verbose_name="申报")
    expert = models.ForeignKey(Expert, models.PROTECT, related_name="votes", verbose_name="专家")
    approve = models.BooleanField("赞成")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="登记人")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "专家表决"
        verbose_name_plural = "专家表决"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "application", "expert"], name="uniq_vote"),
        ]

    def __str__(self):
        return f"{self.expert} → {self.application_id}：{'赞成' if self.approve else '不赞成'}"


class MeetingResult(models.Model):
    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="results", verbose_name="评审会议")
    application = models.OneToOneField(Application, models.PROTECT, related_name="meeting_result", verbose_name="申报")
    present = models.PositiveSmallIntegerField("到会专家数")
    approvals = models.PositiveSmallIntegerField("赞成票数")
    required = models.PositiveSmallIntegerField("通过所需票数")
    passed = models.BooleanField("通过")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="登记人")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "评审结果"
        verbose_name_plural = "评审结果"
        ordering = ["meeting", "id"]

    def __str__(self):
        return f"{self.application_id}：{'通过' if self.passed else '未通过'}（{self.approvals}/{self.present}）"


_APPEND_ONLY = (
    pgtrigger.Protect(name="append_only_update", operation=pgtrigger.Update),
    pgtrigger.Protect(name="append_only_delete", operation=pgtrigger.Delete),
)


class MeetingAction(models.TextChoices):
    CREATE = "create", "安排会议"
    ADD_CASES = "add_cases", "安排评审对象"
    EXPERTS_DRAW = "experts_draw", "抽取评审专家"
    EXPERT_REPLACE = "expert_replace", "替换评审专家"
    RESCHEDULE = "reschedule", "会议改期"
    FILING_SUBMIT = "filing_submit", "向市职称办报备"
    FILING_ACCEPTED = "filing_accepted", "市职称办同意报备"
    FILING_RETURNED = "filing_returned", "市职称办退回报备"
    OPEN = "open", "召开评审会议"
    ATTENDANCE = "attendance", "登记到会专家"
    TALLY = "tally", "登记计票结果"
    VOTES = "votes", "登记专家表决"
    RESULTS = "results", "登记评审结果"
    RESULT_PUBLICITY = "result_publicity", "发布评审结果公示"


@pgtrigger.register(*_APPEND_ONLY)
class MeetingEvent(models.Model):
    """The meeting's audit trail: one row per act, append-only (the database refuses UPDATE and DELETE)."""

    meeting = models.ForeignKey(Meeting, models.PROTECT, related_name="events", verbose_name="评审会议")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="操作人"
    )
    action = models.CharField("操作", max_length=30, choices=MeetingAction.choices)
    data = models.JSONField("附加信息", default=dict, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)
    # The actor as named when they acted; the hash chain, filled by the database (zhicheng/audit.py).
    actor_name = models.CharField("操作人姓名", max_length=150, blank=True)
    recorded_at = models.DateTimeField("入库时间", null=True, blank=True, editable=False)
    prev_hash = models.CharField("上一条哈希", max_length=64, blank=True, editable=False)
    row_hash = models.CharField("本条哈希", max_length=64, blank=True, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["meeting", "id"], name="meeting_event_chain_last")
        ]  # the audit chain's last row
        verbose_name = "评审会议办理记录"
        verbose_name_plural = "评审会议办理记录"
        ordering = ["meeting", "id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("办理记录不可修改")
        if not self.actor_name:
            self.actor_name = self.actor.display_name if self.actor_id else "系统"
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("办理记录不可删除")

    def as_line(self) -> dict:
        return {"action": self.action, "by": self.actor_id, "at": self.created_at.isoformat(), **self.data}


@pgtrigger.register(*_APPEND_ONLY)
class DrawReplacement(models.Model):
    """One replacement of a drawn expert, with its reason and the sub-seed that chose the substitute."""

    draw = models.ForeignKey(ExpertDraw, models.PROTECT, related_name="replacement_rows", verbose_name="专家抽取")
    out_expert = models.ForeignKey(Expert, models.PROTECT, related_name="+", verbose_name="被替换专家")
    in_expert = models.ForeignKey(Expert, models.PROTECT, related_name="+", verbose_name="替补专家")
    reason = models.CharField("理由", max_length=300)
    seed = models.CharField("随机种子", max_length=80)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="操作人")
    created_at = models.DateTimeField("时间", default=timezone.now)
    recorded_at = models.DateTimeField("入库时间", null=True, blank=True, editable=False)
    prev_hash = models.CharField("上一条哈希", max_length=64, blank=True, editable=False)
    row_hash = models.CharField("本条哈希", max_length=64, blank=True, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["draw", "id"], name="draw_replacement_chain_last")
        ]  # the audit chain's last row
        verbose_name = "专家替换记录"
        verbose_name_plural = "专家替换记录"
        ordering = ["draw", "id"]

    def __str__(self):
        return f"{self.out_expert_id} → {self.in_expert_id}：{self.reason}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("替换记录不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("替换记录不可删除")

    def as_line(self) -> dict:
        return {"out": self.out_expert_id, "in": self.in_expert_id, "reason": self.reason, "by": self.by_id,
                "seed": self.seed, "at": self.created_at.isoformat()}  # fmt: skip


MEETING_EVENT_FIELDS = ("id", "meeting_id", "actor_id", "actor_name", "action", "data", "created_at", "recorded_at")
DRAW_REPLACEMENT_FIELDS = (
    "id", "draw_id", "out_expert_id", "in_expert_id", "reason", "seed", "by_id", "created_at", "recorded_at",
)  # fmt: skip
MEETING_EVENT_CHAIN = audit.register(
    audit.AuditChain(
        table="review_meetingevent",
        fields=MEETING_EVENT_FIELDS,
        chain="meeting_id",
        parent="review_meeting",
        label="评审会议办理记录",
    )
)
DRAW_REPLACEMENT_CHAIN = audit.register(
    audit.AuditChain(
        table="review_drawreplacement",
        fields=DRAW_REPLACEMENT_FIELDS,
        chain="draw_id",
        parent="review_expertdraw",
        label="专家替换记录",
    )
)


class ExpertConflict(models.Model):
    """A conflict an expert declared (申请回避): with one case, or with a unit (all its applicants)."""

    expert = models.ForeignKey(Expert, models.CASCADE, related_name="conflicts", verbose_name="专家")
    application = models.ForeignKey(
        Application, models.CASCADE, null=True, blank=True, related_name="+", verbose_name="回避的申报"
    )
    unit = models.ForeignKey(Unit, models.CASCADE, null=True, blank=True, related_name="+", verbose_name="回避的单位")
    reason = models.CharField("回避理由", max_length=300)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="登记人")
    declared_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "专家回避申报"
        verbose_name_plural = "专家回避申报"
        ordering = ["expert", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(application__isnull=False) | Q(unit__isnull=False), name="conflict_names_case_or_unit"
            )
        ]

    def __str__(self):
        return f"{self.expert} 回避：{self.application or self.unit}"


class MeetingAttendance(models.Model):
    """Who of the drawn experts was present (到会), recorded before any vote; checked against the quorum."""

    meeting = models.OneToOneField(Meeting, models.CASCADE, related_name="attendance", verbose_name="评审会议")
    present = models.ManyToManyField(Expert, related_name="+", verbose_name="到会专家")
    panel_size = models.PositiveSmallIntegerField("抽取专家人数")
    quorum = models.PositiveSmallIntegerField("最少到会人数")
    quorum_rule = models.CharField("到会人数依据", max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="登记人")
    recorded_at = models.DateTimeField("登记时间", auto_now=True)

    class Meta:
        verbose_name = "评审会议到会情况"
        verbose_name_plural = "评审会议到会情况"

    def __str__(self):
        return f"{self.meeting} 到会登记"


class MeetingTally(models.Model):
    """The count of one case's secret ballot (无记名投票): 赞成 / 反对 / 弃权, never who voted how."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="tallies", verbose_name="评审会议")
    application = models.ForeignKey(Application, models.PROTECT, related_name="+", verbose_name="申报")
    present = models.PositiveSmallIntegerField("到会专家数")
    approve = models.PositiveSmallIntegerField("赞成")
    oppose = models.PositiveSmallIntegerField("反对")
    abstain = models.PositiveSmallIntegerField("弃权")
    required = models.PositiveSmallIntegerField("通过所需赞成票")
    passed = models.BooleanField("通过")
    rule = models.CharField("表决依据", max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="登记人")
    recorded_at = models.DateTimeField("登记时间", auto_now=True)

    class Meta:
        verbose_name = "评审表决计票"
        verbose_name_plural = "评审表决计票"
        ordering = ["meeting", "application_id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "application"], name="uniq_meeting_tally"),
        ]

    def __str__(self):
        return f"{self.application_id}：赞成{self.approve} 反对{self.oppose} 弃权{self.abstain}"


class FilingDeadline(models.Model):
    """The moment by which a meeting's 报备 must be accepted by 市职称办: the cycle's number of calendar days before
    the meeting (seed 000 六(一)「提前15天」, applications.periods). One per meeting; its office, title and date are
    the meeting's own. The sweep (timers.sweep) reminds the office's clerks before it and, when it passes without an
    accepted filing, alerts them and the supervisors once (telling a filing still awaiting decision from a missing
    one). Kept by review.filing_deadlines; nothing else writes it."""

    meeting = models.OneToOneField(Meeting, models.CASCADE, related_name="filing_deadline", verbose_name="评审会议")
    due_at = models.DateTimeField("报备截止时间")
    reminded_at = models.DateTimeField("已提醒时间", null=True, blank=True)
    alerted_at = models.DateTimeField("已告警时间", null=True, blank=True)
    filed_at = models.DateTimeField("报备提交时间", null=True, blank=True)
    accepted_at = models.DateTimeField("报备通过时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)

    class Meta:
        verbose_name = "会议报备期限"
        verbose_name_plural = "会议报备期限"
        ordering = ["due_at"]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="review_filing_open_due",
                condition=Q(alerted_at__isnull=True, accepted_at__isnull=True, cancelled_at__isnull=True),
            )
        ]

    def __str__(self):
        return f"{self.meeting.title} 报备截止 {self.due_at:%Y-%m-%d %H:%M}"
