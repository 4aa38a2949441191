"""The applicant's record, the application (one state machine for 评审 and 初定), its materials and audit trail."""

from __future__ import annotations

import datetime as dt

import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django_fsm import RETURN_VALUE, FSMField, transition

from organisations.models import CommitteeOffice, Unit
from zhicheng import audit
from zhicheng.fsm import ConcurrentSafeRefreshMixin
from zhicheng.roles import Role

from .. import workflow as wf
from ..idcard import birth_date as id_birth_date
from ..idcard import id_hash, normalise_id, validate_id_document
from ..workflow import Route, Status
from .reference import (
    InitialCycle,
    Level,
    ReviewCycle,
    Series,
    Specialty,
    Subspecialty,
)


class ApplicantProfile(models.Model):
    class Residence(models.TextChoices):
        MAINLAND = "mainland", "中国内地居民"
        HMT = "hmt", "港澳台居民"
        FOREIGN_WORK_PERMIT = "foreign_work_permit", "外籍（外国人来华工作许可证）"
        FOREIGN_PERMANENT = "foreign_permanent", "外籍（外国人永久居留身份证）"
        FOREIGN_JS_TALENT = "foreign_js_talent", "外籍（江苏省海外高层次人才居住证）"
        FOREIGN_OTHER = "foreign_other", "外籍（无上述证件）"

    class Employment(models.TextChoices):
        CONTRACT = "contract", "与用人单位签订劳动（聘用）合同"
        FREELANCER = "freelancer", "自由职业（经人事代理机构）"
        NONE = "none", "未在镇江就业"

    class IdKind(models.TextChoices):
        RESIDENT = "resident", "居民身份证"
        HK_MACAO = "hk_macao", "港澳居民来往内地通行证"
        TAIWAN = "taiwan", "台湾居民来往大陆通行证"
        FOREIGN_PERMANENT = "foreign_permanent", "外国人永久居留身份证"
        PASSPORT = "passport", "护照（须有外国人来华工作许可证）"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="applicant_profile", verbose_name="用户"
    )
    name = models.CharField("姓名", max_length=50)
    id_kind = models.CharField("证件类型", max_length=20, choices=IdKind.choices, default=IdKind.RESIDENT)
    # The number as typed (normalised); kept for the code that prints it to those allowed to see it.
    id_number = models.CharField("证件号码", max_length=30, unique=True, validators=[validate_id_document])
    # HMAC-SHA256 of kind + number under settings.ZHICHENG["ID_HASH_KEY"]: exact match by index, no scan.
    id_hash = models.CharField("证件号码摘要", max_length=64, unique=True, null=True, blank=True, editable=False)
    id_masked = models.CharField("证件号码（掩码）", max_length=30, blank=True, editable=False)
    work_permit_number = models.CharField("外国人来华工作许可证号", max_length=30, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True, help_text="居民身份证从号码读取，其余证件填写")
    phone = models.CharField("手机号", max_length=20, blank=True)
    residence = models.CharField("身份类别", max_length=30, choices=Residence.choices, default=Residence.MAINLAND)
    employment = models.CharField("就业方式", max_length=20, choices=Employment.choices, default=Employment.CONTRACT)
    unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="staff", verbose_name="工作单位/人事代理机构"
    )
    employed_since = models.DateField("入职日期", null=True, blank=True)
    work_started_on = models.DateField("参加专业技术工作日期", null=True, blank=True)
    is_civil_servant = models.BooleanField("公务员或参公人员", default=False)
    is_retired = models.BooleanField("离退休人员", default=False)
    is_public_institution_staff = models.BooleanField("事业单位在编人员", default=False)
    sanction_until = models.DateField("党纪政务行政处分影响期至", null=True, blank=True)
    social_security_queryable = models.BooleanField("系统可查询社保缴费", default=True)

    class Meta:
        verbose_name = "申报人档案"
        verbose_name_plural = "申报人档案"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Derived columns kept in step with the number, whichever path saved it.
        self.id_number = normalise_id(self.id_number)
        self.id_hash = id_hash(self.id_kind, self.id_number)
        self.id_masked = mask_id_number(self.id_number)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "id_number", "id_hash", "id_masked"}
        super().save(*args, **kwargs)

    def clean(self):
        from ..idcard import DOCUMENT_SOURCES, document_problem

        problem = document_problem(self.id_kind, self.id_number)
        if problem:
            raise ValidationError({"id_number": f"{problem}（{DOCUMENT_SOURCES.get(self.id_kind, '')}）"})
        if self.id_kind == self.IdKind.PASSPORT and not self.work_permit_number.strip():
            from ..documents import current_cite  # late: documents reads the cycles of these models

            rule = current_cite(Route.REVIEW, "一(二)")
            raise ValidationError({"work_permit_number": f"持护照申报须填写外国人来华工作许可证号（{rule}）"})

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def birth(self) -> dt.date | None:
        """Birth date: from a 居民身份证 number, else as entered."""
        if self.id_kind == self.IdKind.RESIDENT and len(self.id_number) == 18:
            return id_birth_date(self.id_number)
        return self.birth_date


def mask_id_number(value: str) -> str:
    """First 6 and last 4 shown (issue: case lifecycle 1); other documents keep their first 2 and last 2."""
    if len(value) == 18:
        return f"{value[:6]}{'*' * 8}{value[-4:]}"
    if len(value) > 4:
        return f"{value[:2]}{'*' * (len(value) - 4)}{value[-2:]}"
    return "*" * len(value)


class HeldTitle(models.Model):
    profile = models.ForeignKey(ApplicantProfile, models.CASCADE, related_name="titles", verbose_name="申报人")
    series = models.ForeignKey(Series, models.PROTECT, verbose_name="系列")
    level = models.ForeignKey(Level, models.PROTECT, verbose_name="级别")
    obtained_on = models.DateField("取得时间")
    certificate_number = models.CharField("证书编号", max_length=50, blank=True)
    by_exam = models.BooleanField("以考代评取得", default=False)
    issuer = models.CharField("发证机关", max_length=100, blank=True)
    obtained_elsewhere = models.BooleanField(
        "外省市或其他渠道取得（职称互认）", default=False, help_text="评审年度通知 二(七)"
    )

    class Meta:
        verbose_name = "已取得职称"
        verbose_name_plural = "已取得职称"
        ordering = ["obtained_on"]

    def __str__(self):
        return f"{self.series.name}{self.level.name}（{self.obtained_on}）"


class Education(models.Model):
    class Degree(models.TextChoices):
        SECONDARY = "secondary", "中等职业学校（中专）"
        JUNIOR_COLLEGE = "junior_college", "大学专科"
        BACHELOR = "bachelor", "大学本科/学士"
        SECOND_BACHELOR = "second_bachelor", "第二学士学位"
        MASTER = "master", "研究生/硕士"
        DOCTOR = "doctor", "博士"

    profile = models.ForeignKey(ApplicantProfile, models.CASCADE, related_name="educations", verbose_name="申报人")
    degree = models.CharField("学历学位", max_length=20, choices=Degree.choices)
    graduated_on = models.DateField("毕业时间")
    school = models.CharField("毕业院校", max_length=100)
    major = models.CharField("所学专业", max_length=100)
    relevant = models.BooleanField("专业对口", default=True)
    chsi_code = models.CharField("学信网在线验证码", max_length=30, blank=True)

    class Meta:
        verbose_name = "学历"
        verbose_name_plural = "学历"
        ordering = ["graduated_on"]

    def __str__(self):
        return f"{self.get_degree_display()} {self.school} {self.major}"


class ContinuingEducation(models.Model):
    profile = models.ForeignKey(ApplicantProfile, models.CASCADE, related_name="ce_hours", verbose_name="申报人")
    year = models.PositiveIntegerField("年度")
    hours = models.PositiveIntegerField("学时", help_text="合计；分项填写时为公需科目与专业科目之和")
    public_hours = models.PositiveIntegerField("公需科目学时", default=0)
    professional_hours = models.PositiveIntegerField("专业科目学时", default=0)

    class Meta:
        verbose_name = "继续教育学时"
        verbose_name_plural = "继续教育学时"
        constraints = [models.UniqueConstraint(fields=["profile", "year"], name="uniq_ce_year")]

    def __str__(self):
        split = f"（公需科目{self.public_hours}、专业科目{self.professional_hours}）" if self.public_hours else ""
        return f"{self.year}年 {self.hours}学时{split}"


class ExamPass(models.Model):
    """A passed national exam (以考代评, or the exam senior 会计/统计/审计/经济 reviews need, seed 000 二(五))."""

    profile = models.ForeignKey(ApplicantProfile, models.CASCADE, related_name="exams", verbose_name="申报人")
    series = models.ForeignKey(Series, models.PROTECT, verbose_name="系列")
    level = models.ForeignKey(Level, models.PROTECT, verbose_name="级别")
    passed_on = models.DateField("合格时间")
    valid_until = models.DateField("有效期至", null=True, blank=True)
    certificate_number = models.CharField("成绩或合格证明编号", max_length=50, blank=True)

    class Meta:
        verbose_name = "考试合格记录"
        verbose_name_plural = "考试合格记录"

    def __str__(self):
        return f"{self.series.name}{self.level.name}考试合格（{self.passed_on}）"


class IntegrityRecord(models.Model):
    """诚信档案: fraud found → 3 years in which no application is accepted (seed 000 七(三))."""

    id_number = models.CharField("身份证号", max_length=30, db_index=True)
    name = models.CharField("姓名", max_length=50)
    finding = models.TextField("认定事实")
    source_document = models.CharField("来源文书", max_length=200, blank=True, help_text="外部认定的文书名称及文号")
    found_on = models.DateField("认定日期")
    expires_on = models.DateField("记录期满")
    application = models.ForeignKey(
        "Application", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="相关申报"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="记录人")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "诚信档案"
        verbose_name_plural = "诚信档案"
        ordering = ["-found_on"]

    def __str__(self):
        return f"{self.name} 诚信档案（至 {self.expires_on}）"


S = Status
# Derived from the declaration (applications/workflow.py); kept here for the callers that import them from models.
CORRECTABLE = list(wf.CORRECTABLE)
WITHDRAWABLE = list(wf.WITHDRAWABLE)
PUBLICITY_STATES = list(wf.PUBLICITY_STATES)
TERMINAL = list(wf.TERMINAL)


def _condition(code: str):
    """A django-fsm condition from the declaration's condition of that code (checked at the real clock)."""
    cond = next(c for a in wf.ACTS.values() for c in a.conditions if c.code == code)
    return lambda instance: cond.unmet(instance, timezone.now()) is None


def _publicity_over(instance: Application) -> bool:
    """No path may move a case out of a publicity before its period has ended (seed 000 五(一)(三))."""
    return wf.PUBLICITY_OVER.unmet(instance, timezone.now()) is None


def publicity_over_q(now: dt.datetime) -> models.Q:
    """`workflow.PUBLICITY_OVER` as a filter, for the set-based close: the same conditions, checked in SQL."""
    return models.Q(held_until__isnull=False, held_until__lte=now, held_provisional=False, open_objections=0)


def _paper_in(instance: Application) -> bool:
    return wf.PAPER_IN.unmet(instance, timezone.now()) is None


def _t(status_field, name: str):
    """The django-fsm transition of act `name`, with the sources, targets and conditions the workflow declares."""
    act = wf.ACTS[name]
    targets = list(act.targets)  # none: the act records a fact and the state stays
    target = RETURN_VALUE(*targets) if len(targets) > 1 else (targets[0] if targets else None)
    conditions = [_condition(c.code) for c in act.conditions]
    return transition(status_field, source=list(act.sources), target=target, conditions=conditions)


class Application(ConcurrentSafeRefreshMixin, models.Model):
    number = models.CharField("申报编号", max_length=30, unique=True, null=True, blank=True)
    applicant = models.ForeignKey(ApplicantProfile, models.PROTECT, related_name="applications", verbose_name="申报人")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="applications", verbose_name="申报单位")
    route = models.CharField("申报类型", max_length=10, choices=Route.choices, default=Route.REVIEW)
    review_cycle = models.ForeignKey(
        ReviewCycle, models.PROTECT, null=True, blank=True, related_name="applications", verbose_name="评审年度"
    )
    initial_cycle = models.ForeignKey(
        InitialCycle, models.PROTECT, null=True, blank=True, related_name="applications", verbose_name="初定年度"
    )
    series = models.ForeignKey(Series, models.PROTECT, verbose_name="系列")
    specialty = models.ForeignKey(Specialty, models.PROTECT, null=True, blank=True, verbose_name="大专业")
    subspecialty = models.ForeignKey(Subspecialty, models.PROTECT, null=True, blank=True, verbose_name="小专业")
    level = models.ForeignKey(Level, models.PROTECT, verbose_name="申报级别")
    committee = models.ForeignKey(
        "applications.Committee",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name="评委会",
    )
    office = models.ForeignKey(
        CommitteeOffice, models.PROTECT, null=True, blank=True, related_name="applications", verbose_name="受理机构"
    )
    young_talent_direct = models.BooleanField("民营企业优秀青年人才直接申报中级", default=False)

    status = FSMField("状态", default=S.DRAFT, choices=S.choices, protected=True, db_index=True)
    correction_from = models.CharField("补正前环节", max_length=30, blank=True, choices=S.choices)
    correction_items = models.JSONField("补正事项", default=list, blank=True)
    correction_answers = models.JSONField(
        "补正答复", default=list, blank=True, help_text="[{item, answer, material_id}]，与补正事项一一对应"
    )
    held_until = models.DateTimeField("公示期满时间", null=True, blank=True)
    held_provisional = models.BooleanField("公示期满时间为暂定", default=False)
    open_objections = models.PositiveIntegerField("未办结异议数", default=0)
    held_since = models.DateField("公示开始日", null=True, blank=True)
    unit_publicity_passed_at = models.DateTimeField("单位评前公示期满时间", null=True, blank=True)
    committee_publicity_passed_at = models.DateTimeField("评委会公示期满时间", null=True, blank=True)
    result_publicity_passed_at = models.DateTimeField("评审结果公示期满时间", null=True, blank=True)
    held_working_days = models.PositiveSmallIntegerField("公示工作日数", null=True, blank=True)
    paper_received_at = models.DateTimeField("纸质材料收到时间", null=True, blank=True)

    pledge_text = models.TextField("告知承诺书", blank=True)
    pledge_signed_at = models.DateTimeField("承诺时间", null=True, blank=True)
    pledge_ip = models.GenericIPAddressField("承诺 IP", null=True, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "申报"
        verbose_name_plural = "申报"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "office"]), models.Index(fields=["unit", "status"])]

    def __str__(self):
        return f"{self.number or '草稿'} {self.applicant.name} {self.series.name}{self.level.name}"

    @property
    def state_fields(self):
        # django-fsm filters all ~40 fields on every instance it builds (each row of a list); the answer is fixed
        # per class (issue 17: a tenth of a list page's model building)
        cls = type(self)
        found = cls.__dict__.get("_zc_state_fields")
        if found is None:
            found = tuple(f for f in self._meta.fields if isinstance(f, FSMField))
            cls._zc_state_fields = found
        return found

    @property
    def cycle_year(self) -> int:
        cycle = self.review_cycle or self.initial_cycle
        return cycle.year

    def clean(self):
        if self.route == Route.REVIEW and not self.review_cycle_id:
            raise ValidationError({"review_cycle": "职称评审须选择评审年度"})
        if self.route == Route.INITIAL and not self.initial_cycle_id:
            raise ValidationError({"initial_cycle": "职称初定须选择初定年度"})
        if self.specialty_id and self.specialty.series_id != self.series_id:
            raise ValidationError({"specialty": "大专业不属于所选系列"})
        if self.subspecialty_id and self.subspecialty.specialty_id != self.specialty_id:
            raise ValidationError({"subspecialty": "小专业不属于所选大专业"})

    # ---- transitions: they only set fields (STYLE rule 2); the kernel (services.act_run) does the rest.
    # Sources, targets and conditions come from applications/workflow.py.

    @_t(status, "submit")
    def submit(self, now: dt.datetime):
        self.submitted_at = now
        return S.ASSOCIATION_REVIEW if self.route == Route.INITIAL else S.UNIT_REVIEW

    @_t(status, "unit_approve")
    def unit_approve(self, held_until: dt.datetime, provisional: bool, since: dt.date, working_days: int):
        self._hold(held_until, provisional, since, working_days)

    @_t(status, "unit_publicity_end")
    def unit_publicity_end(self):
        self._release(passed=True)

    @_t(status, "dept_approve")
    def dept_approve(self):
        pass

    @_t(status, "committee_approve")
    def committee_approve(self, held_until: dt.datetime, provisional: bool, since: dt.date, working_days: int):
        self._hold(held_until, provisional, since, working_days)

    @_t(status, "committee_publicity_end")
    def committee_publicity_end(self):
        self._release(passed=True)

    @_t(status, "meeting_open")
    def meeting_open(self):
        pass

    @_t(status, "record_result")
    def record_result(self, passed: bool):
        return S.PASSED if passed else S.NOT_PASSED

    @_t(status, "result_publicity_start")
    def result_publicity_start(self, held_until: dt.datetime, provisional: bool, since: dt.date, working_days: int):
        self._hold(held_until, provisional, since, working_days)

    @_t(status, "result_publicity_end")
    def result_publicity_end(self):
        self._release(passed=True)

    @_t(status, "publish")
    def publish(self):
        pass

    @_t(status, "association_approve")
    def association_approve(self, needs_municipal: bool):
        return S.MUNICIPAL_APPROVAL if needs_municipal else S.APPROVED

    @_t(status, "municipal_approve")
    def municipal_approve(self):
        pass

    @_t(status, "certify")
    def certify(self):
        pass

    @_t(status, "request_correction")
    def request_correction(self, items: list[str]):
        self.correction_from = self.status
        self.correction_items = items

    @_t(status, "resubmit")
    def resubmit(self, answers: list[dict]):
        back = self.correction_from
        self.correction_from = ""
        self.correction_answers = answers
        return back

    @_t(status, "abandon_correction")
    def abandon_correction(self):
        pass

    @_t(status, "abandon_paper")
    def abandon_paper(self):
        self._release()

    @_t(status, "return_out_of_scope")
    def return_out_of_scope(self):
        pass

    @_t(status, "reopen")
    def reopen(self):
        self.committee = None
        self.office = None
        self.submitted_at = None

    @_t(status, "reject")
    def reject(self):
        pass

    @_t(status, "objection_upheld")
    def objection_upheld(self):
        self.open_objections -= 1
        self._release()

    @_t(status, "objection_dismissed")
    def objection_dismissed(self):
        self.open_objections -= 1

    @_t(status, "withdraw")
    def withdraw(self):
        pass

    @_t(status, "revoke")
    def revoke(self):
        self._release()

    @_t(status, "paper_received")
    def paper_received(self, at: dt.datetime):
        self.paper_received_at = at

    @_t(status, "paper_extend")
    def paper_extend(self):
        pass  # the deadline row changes; the case keeps its state

    @_t(status, "hold_recomputed")
    def hold_recomputed(self, held_until: dt.datetime, provisional: bool):
        self.held_until = held_until
        self.held_provisional = provisional

    def _hold(self, held_until: dt.datetime, provisional: bool, since: dt.date, working_days: int):
        self.held_until = held_until
        self.held_provisional = provisional
        self.held_since = since
        self.held_working_days = working_days
        self.open_objections = 0

    def _release(self, passed: bool = False):
        if passed:
            setattr(self, wf.passed_field(self.status), timezone.now())
        self.held_until = None
        self.held_provisional = False


class Material(models.Model):
    class Kind(models.TextChoices):
        UNIT_CONSENT = "unit_consent", "单位同意申报证明（盖章）"
        DIPLOMA = "diploma", "毕业证书、学位证书或学信网电子注册备案表"
        WORK_SUMMARY = "work_summary", "工作总结"
        ANNUAL_APPRAISAL = "annual_appraisal", "年度考核表"
        SOCIAL_SECURITY = "social_security", "社保缴费证明"
        CONTINUING_EDUCATION = "continuing_education", "继续教育证明"
        APPLICATION_FORM = "application_form", "专业技术资格评审申报表"
        ACHIEVEMENT = "achievement", "业绩成果材料"
        PAPER = "paper", "论文论著"
        TITLE_CERTIFICATE = "title_certificate", "现有职称证书"
        OTHER = "other", "其他材料"

    application = models.ForeignKey(Application, models.CASCADE, related_name="materials", verbose_name="申报")
    kind = models.CharField("材料类别", max_length=30, choices=Kind.choices)
    original_name = models.CharField("原文件名", max_length=200)
    file = models.FileField("文件", upload_to="materials/%Y/%m/")
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    pages = models.PositiveIntegerField("页数")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "申报材料"
        verbose_name_plural = "申报材料"
        ordering = ["application", "kind", "uploaded_at"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.original_name}"


class Deadline(models.Model):
    """A stored due time the timer sweep acts on (STYLE rule 4)."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "补正期限"
        PAPER = "paper", "纸质材料报送期限"

    application = models.ForeignKey(Application, models.CASCADE, related_name="deadlines", verbose_name="申报")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    due_at = models.DateTimeField("到期时间")
    last_day = models.DateField("最后一日")
    provisional = models.BooleanField("暂定（日历缺少该年度）", default=False)
    working_days = models.PositiveSmallIntegerField("工作日数")
    extended = models.BooleanField("已延期", default=False)
    extension_reason = models.CharField("延期理由", max_length=300, blank=True)
    extension_working_days = models.PositiveSmallIntegerField("延长工作日数", null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="设定人"
    )
    requested_role = models.CharField("设定人角色", max_length=30, choices=Role.choices, blank=True)
    step = models.CharField("设定环节", max_length=30, choices=Status.choices, blank=True)
    reminded_at = models.DateTimeField("已提醒时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    outcome = models.CharField("结果", max_length=30, blank=True)
    created_at = models.DateTimeField("设定时间", auto_now_add=True)

    class Meta:
        verbose_name = "办理期限"
        verbose_name_plural = "办理期限"
        ordering = ["due_at"]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="deadline_open_due",
                condition=models.Q(closed_at__isnull=True, provisional=False),
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind"], condition=models.Q(closed_at__isnull=True), name="one_open_deadline"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} 至 {self.last_day}"


@pgtrigger.register(
    pgtrigger.Protect(name="event_append_only_update", operation=pgtrigger.Update),
    pgtrigger.Protect(name="event_append_only_delete", operation=pgtrigger.Delete),
)
class ApplicationEvent(models.Model):
    """Audit trail: one row per transition, append-only (a PostgreSQL trigger refuses UPDATE and DELETE)."""

    # Indexed with id below (event_chain_last): the case's events in order, and the audit chain's last row.
    application = models.ForeignKey(
        Application, models.PROTECT, related_name="events", verbose_name="申报", db_index=False
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="操作人"
    )
    actor_role = models.CharField("操作人角色", max_length=30, choices=Role.choices)
    Action = wf.Action

    action = models.CharField("操作", max_length=50, choices=wf.Action.choices)
    from_status = models.CharField("原状态", max_length=30, choices=S.choices, blank=True)
    to_status = models.CharField("新状态", max_length=30, choices=S.choices)
    reason = models.TextField("理由", blank=True)
    rule = models.CharField("依据", max_length=200, blank=True)
    data = models.JSONField("附加信息", default=dict, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    # The actor as named when they acted; the hash chain, filled by the database (zhicheng/audit.py).
    actor_name = models.CharField("操作人姓名", max_length=150, blank=True)
    recorded_at = models.DateTimeField("入库时间", null=True, blank=True, editable=False)
    prev_hash = models.CharField("上一条哈希", max_length=64, blank=True, editable=False)
    row_hash = models.CharField("本条哈希", max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["application", "id"]
        indexes = [models.Index(fields=["application", "id"], name="event_chain_last")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.from_status}→{self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("办理记录不可修改")
        if not self.actor_name:
            self.actor_name = self.actor.display_name if self.actor_id else "系统"
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("办理记录不可删除")


EVENT_AUDIT_CHAIN = audit.register(
    audit.AuditChain(
        table="applications_applicationevent",
        fields=(
            "id",
            "application_id",
            "actor_id",
            "actor_name",
            "actor_role",
            "action",
            "from_status",
            "to_status",
            "reason",
            "rule",
            "data",
            "created_at",
            "recorded_at",
        ),  # fmt: skip
        chain="application_id",
        parent="applications_application",
        label="申报办理记录",
    )
)
