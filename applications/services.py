"""Every change of a case's state (STYLE rule 1): lock, check the actor and the state, transition, save, audit,
notify on commit. Views, the API, admin actions and tasks call these; nothing else calls a transition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed

from zhicheng import workdays
from zhicheng.errors import DomainError, PermissionDenied, TransitionConflict
from zhicheng.models import CalendarDay
from zhicheng.notify import notify
from zhicheng.roles import Role

from . import permissions as perms
from .models import (
    ApplicantProfile,
    Application,
    ApplicationEvent,
    Deadline,
    IntegrityRecord,
    Level,
    RoleMembership,
    Route,
    Status,
)
from .periods import application_cycle, cycle_periods
from .titles import held_title_record_for_certified

S = Status
SEED_000 = "镇职称办〔2024〕11号"
SEED_001 = "镇技协〔2024〕1号"
PUBLICITY_MIN_WORKING_DAYS = 5  # seed 000 五(一)(三): "不少于5个工作日"
PAPER_WORKING_DAYS = 10  # seed 000 附件 备注3
INTEGRITY_YEARS = 3  # seed 000 七(三)

# Who acts on a case in each reviewing state, for correction / rejection / return.
REVIEWER_OF_STATE: dict[str, tuple[Callable, Role]] = {
    S.UNIT_REVIEW: (perms.can_unit_review, Role.UNIT_REVIEWER),
    S.DEPT_RECHECK: (perms.can_dept_review, Role.DEPT_REVIEWER),
    S.COMMITTEE_REVIEW: (perms.can_committee_act, Role.COMMITTEE_CLERK),
    S.ASSOCIATION_REVIEW: (perms.can_association_act, Role.ASSOCIATION_CLERK),
    S.MUNICIPAL_APPROVAL: (lambda user, app: perms.is_supervisor(user), Role.SUPERVISOR),
}
PLEDGE_TEXT = (
    "本人承诺：所提交的学历学位、资格证书、业绩成果、论文论著等申报材料真实、准确、完整。"
    "如有弄虚作假，自愿接受撤销所取得职称、记入全省专业技术人员职称申报评审诚信档案库（记录期3年）等处理。"
    f"（依据：{SEED_000} 七(三)）"
)


def _status_label(value: str) -> str:
    return S(value).label if value in S.values else value


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("applicant__user", "unit", "level", "series", "office")
        .get(pk=application.pk)
    )


def _system_user():
    return None


def _users_with(role: Role, **scope):
    User = get_user_model()
    return list(User.objects.filter(roles__role=role, **{f"roles__{k}": v for k, v in scope.items()}).distinct())


def next_actors(app: Application) -> list:
    """The people who must act on the case in its current state."""
    st = app.status
    if st == S.UNIT_REVIEW:
        return _users_with(Role.UNIT_REVIEWER, unit=app.unit_id)
    if st == S.DEPT_RECHECK and app.unit.department_id:
        return _users_with(Role.DEPT_REVIEWER, department=app.unit.department_id)
    if st in (S.COMMITTEE_REVIEW, S.COMMITTEE_PUBLICITY, S.AWAITING_MEETING, S.PASSED) and app.office_id:
        return _users_with(Role.COMMITTEE_CLERK, office=app.office_id)
    if st == S.ASSOCIATION_REVIEW and app.office_id:
        return _users_with(Role.ASSOCIATION_CLERK, office=app.office_id)
    if st == S.MUNICIPAL_APPROVAL:
        return _users_with(Role.SUPERVISOR)
    if st == S.AWAITING_PUBLICATION:
        if app.level.tier == Level.Tier.JUNIOR and app.office_id:
            return _users_with(Role.COMMITTEE_CLERK, office=app.office_id)
        return _users_with(Role.SUPERVISOR)
    return []


def _record(
    app: Application,
    *,
    actor,
    role: Role,
    action: str,
    from_status: str,
    reason: str = "",
    rule: str = "",
    data: dict | None = None,
    at: dt.datetime | None = None,
) -> ApplicationEvent:
    event = ApplicationEvent.objects.create(
        application=app,
        actor=actor,
        actor_role=role,
        action=action,
        from_status=from_status,
        to_status=app.status,
        reason=reason,
        rule=rule,
        data=data or {},
        created_at=at or timezone.now(),
    )
    if from_status and from_status != app.status:
        title = f"申报 {app.number or ''} 状态变更为「{_status_label(app.status)}」"
        moved = f"{_status_label(from_status)} → {_status_label(app.status)}"
        body = f"{app.applicant.name} {app.series.name}{app.level.name}：{moved}"
        if reason:
            body += f"。理由：{reason}"
        notify([app.applicant.user, *next_actors(app)], title, body, link=f"/cases/{app.pk}/", sms=True)
    return event


def _transition(
    application: Application,
    *,
    actor,
    action: str,
    allowed: Callable[[object, Application], bool] | None,
    role: Role,
    call: Callable[[Application], object],
    reason: str = "",
    rule: str = "",
    data: dict | None = None,
    before: Callable[[Application], None] | None = None,
    after: Callable[[Application], None] | None = None,
    act_label: str = "",
) -> Application:
    """The one path by which a case changes state. `actor=None` means the system (timers)."""
    with transaction.atomic():
        app = _locked(application)
        if actor is not None and (allowed is None or not allowed(actor, app)):
            raise PermissionDenied("forbidden", f"您无权对该申报办理「{act_label or action}」")
        method = getattr(app, action)
        if not can_proceed(method, check_conditions=False):
            raise TransitionConflict(
                "wrong_state",
                f"申报当前处于「{_status_label(app.status)}」环节，不能办理「{act_label or action}」",
            )
        if before is not None:
            before(app)
        from_status = app.status
        try:
            call(app)
            app.full_clean(exclude=["status"])
            app.save()
        except TransitionNotAllowed:
            raise TransitionConflict(
                "conditions_unmet", f"「{act_label or action}」的条件尚未满足（当前：{_status_label(from_status)}）"
            ) from None
        except ConcurrentTransition:
            raise TransitionConflict("concurrent", "该申报已被他人同时办理，请刷新后查看最新状态") from None
        _record(
            app, actor=actor, role=role, action=action, from_status=from_status, reason=reason, rule=rule, data=data
        )
        if after is not None:
            after(app)
    application.refresh_from_db()
    return app


# ---------------------------------------------------------------- creation and submission


@transaction.atomic
def application_create(
    *,
    actor,
    route: str,
    series,
    level,
    specialty=None,
    subspecialty=None,
    review_cycle=None,
    initial_cycle=None,
    young_talent_direct: bool = False,
) -> Application:
    """A new draft for the actor's own applicant record. Errors: DomainError when the actor has no record."""
    profile = ApplicantProfile.objects.filter(user=actor).select_related("unit").first()
    if profile is None:
        raise PermissionDenied("no_profile", "请先完善申报人信息后再创建申报")
    if profile.unit_id is None:
        raise DomainError("no_unit", "请先填写工作单位或人事代理机构", source=f"{SEED_000} 四")
    app = Application(
        applicant=profile,
        unit=profile.unit,
        route=route,
        review_cycle=review_cycle if route == Route.REVIEW else None,
        initial_cycle=initial_cycle if route == Route.INITIAL else None,
        series=series,
        specialty=specialty,
        subspecialty=subspecialty,
        level=level,
        young_talent_direct=young_talent_direct,
    )
    try:
        app.full_clean(exclude=["status", "number"])
    except ValidationError as exc:
        fields = exc.message_dict
        raise DomainError(
            "invalid", "申报信息有误：" + "；".join(m for v in fields.values() for m in v), fields=fields
        ) from None
    app.save()
    prefix = "PS" if route == Route.REVIEW else "CD"
    app.number = f"ZJ{app.cycle_year}{prefix}{app.pk:06d}"
    app.save(update_fields=["number"])
    _record(app, actor=actor, role=Role.APPLICANT, action="create", from_status="")
    return app


def application_submit(*, application: Application, actor, pledge_accepted: bool, ip: str | None = None):
    """Applicant signs the 告知承诺 and submits. Eligibility runs authoritatively here (all failures at once),
    the case is routed to its committee (评审) or the association (初定), and the required materials are checked.
    Errors: DomainError listing every failed rule; PermissionDenied; TransitionConflict.
    """
    from .eligibility import check_submission  # late: eligibility uses selectors that import services' models
    from .materials import materials_source, missing_materials
    from .routing import route_application

    if not pledge_accepted:
        raise DomainError("pledge_required", "提交前须阅读并签署告知承诺书", source=f"{SEED_000} 七(三)")
    now = timezone.now()

    def before(app: Application):
        failures = check_submission(app, today=workdays.local_date(now))
        if failures:
            raise DomainError(
                "ineligible",
                "不符合申报条件：" + "；".join(f"{f.message}（{f.source}）" for f in failures),
                source="；".join(sorted({f.source for f in failures})),
                fields={"rules": [f.as_dict() for f in failures]},
            )
        missing = missing_materials(app)
        if missing:
            raise DomainError(
                "materials_missing", "尚缺以下申报材料：" + "、".join(missing), source=materials_source(app)
            )
        if app.route == Route.REVIEW:
            app.committee = route_application(app)
            app.office = app.committee.office
        else:
            app.office = app.initial_cycle.office
        app.pledge_text = PLEDGE_TEXT
        app.pledge_signed_at = now
        app.pledge_ip = ip

    return _transition(
        application,
        actor=actor,
        action="submit",
        act_label="提交申报",
        allowed=perms.is_applicant_of,
        role=Role.APPLICANT,
        before=before,
        call=lambda app: app.submit(now),
        data={"ip": ip},
    )


# ---------------------------------------------------------------- publicity (the publicity app drives these)


def publicity_period(start: dt.date, working_days: int = PUBLICITY_MIN_WORKING_DAYS) -> workdays.PeriodEnd:
    """A publicity starting on `start` ends at 24:00 of its N-th working day; never fewer than five."""
    return workdays.add_workdays(start, max(working_days, PUBLICITY_MIN_WORKING_DAYS))


def application_unit_approve(*, application: Application, actor, period: workdays.PeriodEnd | None = None):
    """Unit review passes and the unit 评前公示 starts (seed 000 五(一))."""
    period = period or publicity_period(workdays.local_date(timezone.now()))
    return _transition(
        application,
        actor=actor,
        action="unit_approve",
        act_label="单位审核通过并公示",
        allowed=perms.can_unit_review,
        role=Role.UNIT_REVIEWER,
        call=lambda app: app.unit_approve(period.ends_at, period.provisional),
        rule=f"{SEED_000} 五(一)",
        data={"publicity_last_day": period.last_day.isoformat(), "provisional": period.provisional},
    )


def application_dept_approve(*, application: Application, actor):
    """Department recheck passes: the case goes to the committee office (seed 000 五(二))."""
    return _transition(
        application,
        actor=actor,
        action="dept_approve",
        act_label="主管部门复核通过",
        allowed=perms.can_dept_review,
        role=Role.DEPT_REVIEWER,
        call=lambda app: app.dept_approve(),
        rule=f"{SEED_000} 五(二)",
    )


def application_committee_approve(*, application: Application, actor, period: workdays.PeriodEnd | None = None):
    """Committee office review passes: the committee 公示 starts and paper materials fall due in 10 working days."""
    now = timezone.now()
    today = workdays.local_date(now)
    periods = cycle_periods(application_cycle(application))
    period = period or publicity_period(today, periods.publicity_min_working_days)
    paper_days = periods.paper_working_days
    paper = workdays.add_workdays(today, paper_days)

    def after(app: Application):
        Deadline.objects.create(
            application=app,
            kind=Deadline.Kind.PAPER,
            due_at=paper.ends_at,
            last_day=paper.last_day,
            provisional=paper.provisional,
            working_days=paper_days,
        )

    return _transition(
        application,
        actor=actor,
        action="committee_approve",
        act_label="评委会办事机构审核通过并公示",
        allowed=perms.can_committee_act,
        role=Role.COMMITTEE_CLERK,
        call=lambda app: app.committee_approve(period.ends_at, period.provisional),
        rule=f"{SEED_000} 五(三)；附件备注3",
        data={"publicity_last_day": period.last_day.isoformat(), "paper_last_day": paper.last_day.isoformat()},
        after=after,
    )


END_OF_PUBLICITY = {
    S.UNIT_PUBLICITY: ("unit_publicity_end", f"{SEED_000} 五(一)", "单位评前公示期满"),
    S.COMMITTEE_PUBLICITY: (
        "committee_publicity_end",
        f"{SEED_000} 五(三)；附件备注3",
        "评委会公示期满且纸质材料已报送",
    ),
    S.RESULT_PUBLICITY: ("result_publicity_end", f"{SEED_000} 六(二)", "评审结果公示期满无异议"),
}


def application_publicity_end(*, application: Application):
    """The system moves a case on when its publicity is over with no open objection (and, for the committee
    公示, once the paper materials are in). Refused (409) before the period ends: a publicity cannot be shortened.
    """
    action, rule, label = END_OF_PUBLICITY.get(application.status, ("unit_publicity_end", "", "公示期满"))
    return _transition(
        application,
        actor=None,
        action=action,
        act_label=label,
        allowed=None,
        role=Role.SYSTEM,
        call=lambda app: getattr(app, action)(),
        rule=rule,
        reason=label,
    )


# ---------------------------------------------------------------- paper materials


def application_mark_paper_received(*, application: Application, actor):
    """The committee clerk records the paper materials as received; the paper deadline is closed."""
    with transaction.atomic():
        app = _locked(application)
        if not perms.can_committee_act(actor, app):
            raise PermissionDenied("forbidden", "您无权登记该申报的纸质材料")
        if app.status != S.COMMITTEE_PUBLICITY or app.paper_received_at is not None:
            raise TransitionConflict(
                "wrong_state", f"申报当前处于「{_status_label(app.status)}」环节或纸质材料已登记，不能登记收件"
            )
        now = timezone.now()
        app.paper_received_at = now
        app.save(update_fields=["paper_received_at", "updated_at"])
        Deadline.objects.filter(application=app, kind=Deadline.Kind.PAPER, closed_at__isnull=True).update(
            closed_at=now, outcome="received"
        )
        _record(app, actor=actor, role=Role.COMMITTEE_CLERK, action="paper_received", from_status=app.status,
                rule=f"{SEED_000} 附件备注3")  # fmt: skip
    application.refresh_from_db()
    return app


# ---------------------------------------------------------------- correction, abandonment


def application_request_correction(
    *, application: Application, actor, items: list[str], working_days: int | None = None
):
    """A reviewer lists ALL missing items at once with a deadline in working days (seed 000 五(二))."""
    items = [str(i).strip() for i in items or [] if str(i).strip()]
    if not items:
        raise DomainError("items_required", "须一次性列明需要补正的全部内容", source=f"{SEED_000} 五(二)")
    periods = cycle_periods(application_cycle(application))
    days = working_days or periods.correction_working_days
    low, high = periods.correction_min_working_days, periods.correction_max_working_days
    if not low <= days <= high:
        raise DomainError("bad_days", f"补正期限应为 {low}～{high} 个工作日")
    predicate, role = REVIEWER_OF_STATE.get(application.status, (None, Role.UNIT_REVIEWER))
    end = workdays.add_workdays(workdays.local_date(timezone.now()), days)

    def after(app: Application):
        Deadline.objects.create(
            application=app,
            kind=Deadline.Kind.CORRECTION,
            due_at=end.ends_at,
            last_day=end.last_day,
            provisional=end.provisional,
            working_days=days,
        )

    return _transition(
        application,
        actor=actor,
        action="request_correction",
        act_label="退回补正",
        allowed=lambda user, app: predicate is not None and predicate(user, app),
        role=role,
        call=lambda app: app.request_correction(items),
        reason=f"需补正：{'；'.join(items)}。请于{end.last_day:%Y年%m月%d日}前补正，逾期视为放弃申报"
        + ("（日期暂定）" if end.provisional else ""),
        rule=f"{SEED_000} 五(二)",
        data={"items": items, "working_days": days, "last_day": end.last_day.isoformat(),
              "provisional": end.provisional},
        after=after,
    )  # fmt: skip


def _close_deadlines(app: Application, kind: str, outcome: str):
    Deadline.objects.filter(application=app, kind=kind, closed_at__isnull=True).update(
        closed_at=timezone.now(), outcome=outcome
    )


def application_resubmit(*, application: Application, actor):
    """The applicant answers the correction; the case returns to the step that asked for it."""
    return _transition(
        application,
        actor=actor,
        action="resubmit",
        act_label="补正后重新提交",
        allowed=perms.is_applicant_of,
        role=Role.APPLICANT,
        call=lambda app: app.resubmit(),
        after=lambda app: _close_deadlines(app, Deadline.Kind.CORRECTION, "resubmitted"),
    )


def application_abandon(*, deadline: Deadline, now: dt.datetime | None = None):
    """The system deems the case abandoned when its correction or paper deadline passed (seed 000 五(二)).
    Re-checks the deadline under lock: a second run, or a deadline already met, does nothing and returns None.
    """
    now = now or timezone.now()
    with transaction.atomic():
        dl = Deadline.objects.select_for_update().get(pk=deadline.pk)
        if dl.closed_at is not None or dl.provisional or dl.due_at > now:
            return None
        app = _locked(dl.application)
        if dl.kind == Deadline.Kind.CORRECTION:
            action, rule, reason = "abandon_correction", f"{SEED_000} 五(二)", "逾期未补正，视为放弃申报"
        else:
            action, rule, reason = "abandon_paper", f"{SEED_000} 附件备注3", "逾期未报送纸质材料，视为放弃申报"
        if not can_proceed(getattr(app, action), check_conditions=False):
            dl.closed_at, dl.outcome = now, "moot"
            dl.save(update_fields=["closed_at", "outcome"])
            return None
        from_status = app.status
        getattr(app, action)()
        app.save()
        dl.closed_at, dl.outcome = now, "expired"
        dl.save(update_fields=["closed_at", "outcome"])
        _record(app, actor=None, role=Role.SYSTEM, action=action, from_status=from_status, reason=reason, rule=rule,
                data={"deadline_id": dl.pk, "last_day": dl.last_day.isoformat()})  # fmt: skip
    return app


# ---------------------------------------------------------------- return, reject, withdraw


def application_return(*, application: Application, actor, reason: str):
    """Out of scope or wrongly routed: back by the channel it came, and the applicant is told why (seed 000 五(三))."""
    if not reason.strip():
        raise DomainError("reason_required", "退回须说明理由", source=f"{SEED_000} 五(三)")
    predicate, role = REVIEWER_OF_STATE.get(application.status, (None, Role.COMMITTEE_CLERK))
    return _transition(
        application,
        actor=actor,
        action="return_out_of_scope",
        act_label="按原渠道退回",
        allowed=lambda user, app: predicate is not None and predicate(user, app),
        role=role,
        call=lambda app: app.return_out_of_scope(),
        reason=reason,
        rule=f"{SEED_000} 五(三)",
    )


def application_reopen(*, application: Application, actor):
    """A returned case goes back to draft so the applicant can correct its route and submit again."""
    return _transition(
        application,
        actor=actor,
        action="reopen",
        act_label="重新编辑退回的申报",
        allowed=perms.is_applicant_of,
        role=Role.APPLICANT,
        call=lambda app: app.reopen(),
    )


def application_reject(*, application: Application, actor, reason: str):
    if not reason.strip():
        raise DomainError("reason_required", "不予通过须说明理由")
    predicate, role = REVIEWER_OF_STATE.get(application.status, (None, Role.UNIT_REVIEWER))
    return _transition(
        application,
        actor=actor,
        action="reject",
        act_label="审核不通过",
        allowed=lambda user, app: predicate is not None and predicate(user, app),
        role=role,
        call=lambda app: app.reject(),
        reason=reason,
    )


def application_withdraw(*, application: Application, actor, reason: str = ""):
    """The applicant withdraws before the committee accepts (not during a publicity)."""
    return _transition(
        application,
        actor=actor,
        action="withdraw",
        act_label="撤回申报",
        allowed=perms.is_applicant_of,
        role=Role.APPLICANT,
        call=lambda app: app.withdraw(),
        reason=reason,
        after=lambda app: _close_deadlines(app, Deadline.Kind.CORRECTION, "withdrawn"),
    )


# ---------------------------------------------------------------- objections (the publicity app drives these)


def application_objection_opened(*, application: Application):
    """Count an open objection: it holds the case past the end of its publicity."""
    with transaction.atomic():
        app = _locked(application)
        if app.status not in (S.UNIT_PUBLICITY, S.COMMITTEE_PUBLICITY, S.RESULT_PUBLICITY):
            raise TransitionConflict("not_in_publicity", "该申报不在公示期内，不能对其提出异议")
        app.open_objections += 1
        app.save(update_fields=["open_objections", "updated_at"])
    return app


def application_objection_decided(*, application: Application, actor, upheld: bool, reason: str, allowed):
    """The responsible clerk decides an objection: upheld stops the case (rejected), dismissed lets it go on."""
    with transaction.atomic():
        app = _locked(application)
        if not allowed(actor, app):
            raise PermissionDenied("forbidden", "您无权处理该申报的异议")
        if app.open_objections < 1:
            raise TransitionConflict("no_objection", "该申报没有未办结的异议")
        app.open_objections -= 1
        from_status = app.status
        if upheld:
            app.objection_upheld()
        app.save()
        _record(app, actor=actor, role=perms.role_for(actor, app) or Role.COMMITTEE_CLERK,
                action="objection_upheld" if upheld else "objection_dismissed", from_status=from_status,
                reason=reason, rule=f"{SEED_000} 五(一)(三)")  # fmt: skip
    application.refresh_from_db()
    return app


# ---------------------------------------------------------------- meeting, results, publication (review app)


def application_meeting_open(*, application: Application, actor, meeting_id: int):
    return _transition(
        application,
        actor=actor,
        action="meeting_open",
        act_label="提交评审会议",
        allowed=perms.can_committee_act,
        role=Role.COMMITTEE_CLERK,
        call=lambda app: app.meeting_open(),
        rule=f"{SEED_000} 六(一)",
        data={"meeting_id": meeting_id},
    )


def application_record_result(*, application: Application, actor, passed: bool, votes: dict):
    return _transition(
        application,
        actor=actor,
        action="record_result",
        act_label="登记评审结果",
        allowed=perms.can_committee_act,
        role=Role.COMMITTEE_CLERK,
        call=lambda app: app.record_result(passed),
        data={"votes": votes},
    )


def application_result_publicity_start(*, application: Application, actor, period: workdays.PeriodEnd):
    return _transition(
        application,
        actor=actor,
        action="result_publicity_start",
        act_label="评审结果公示",
        allowed=perms.can_committee_act,
        role=Role.COMMITTEE_CLERK,
        call=lambda app: app.result_publicity_start(period.ends_at, period.provisional),
        rule=f"{SEED_000} 六(二)",
        data={"publicity_last_day": period.last_day.isoformat()},
    )


def can_publish(user, app: Application) -> bool:
    """市职称办 publishes 中高级 results; the local office (the committee office) publishes 下放初级 ones."""
    if app.level.tier == Level.Tier.JUNIOR:
        return perms.can_committee_act(user, app) or perms.is_supervisor(user)
    return perms.is_supervisor(user)


def application_publish(*, application: Application, actor, document_number: str):
    return _transition(
        application,
        actor=actor,
        action="publish",
        act_label="发文公布",
        allowed=can_publish,
        role=Role.SUPERVISOR,
        call=lambda app: app.publish(),
        rule=f"{SEED_000} 六(二)",
        data={"document_number": document_number},
    )


def application_association_approve(*, application: Application, actor):
    """The association approves 初级 itself; 中级 goes on to the municipal office (seed 001 七)."""
    needs_municipal = application.level.tier != Level.Tier.JUNIOR
    return _transition(
        application,
        actor=actor,
        action="association_approve",
        act_label="协会审核通过",
        allowed=perms.can_association_act,
        role=Role.ASSOCIATION_CLERK,
        call=lambda app: app.association_approve(needs_municipal),
        rule=f"{SEED_001} 七",
    )


def application_municipal_approve(*, application: Application, actor):
    return _transition(
        application,
        actor=actor,
        action="municipal_approve",
        act_label="市职称办审批通过",
        allowed=lambda user, app: perms.is_supervisor(user),
        role=Role.SUPERVISOR,
        call=lambda app: app.municipal_approve(),
        rule=f"{SEED_001} 七",
    )


def application_certify(*, application: Application, certificate_number: str):
    """The system marks the case certified when its e-certificate is issued (seed 000 六(二))."""
    return _transition(
        application,
        actor=None,
        action="certify",
        act_label="核发电子证书",
        allowed=None,
        role=Role.SYSTEM,
        call=lambda app: app.certify(),
        rule=f"{SEED_000} 六(二)",
        data={"certificate_number": certificate_number},
        after=lambda app: held_title_record_for_certified(app, certificate_number=certificate_number),
    )


def application_revoke(*, application: Application, actor, finding: str):
    """Fraud found: the title is revoked and an integrity record keeps the person out for 3 years (七(三))."""
    if not finding.strip():
        raise DomainError("finding_required", "撤销职称须写明认定事实", source=f"{SEED_000} 七(三)")
    today = workdays.local_date(timezone.now())

    def after(app: Application):
        try:
            expires = today.replace(year=today.year + INTEGRITY_YEARS)
        except ValueError:  # 29 February
            expires = today.replace(year=today.year + INTEGRITY_YEARS, day=28)
        IntegrityRecord.objects.create(
            id_number=app.applicant.id_number,
            name=app.applicant.name,
            finding=finding,
            found_on=today,
            expires_on=expires,
            application=app,
            created_by=actor,
        )

    return _transition(
        application,
        actor=actor,
        action="revoke",
        act_label="撤销职称",
        allowed=lambda user, app: perms.is_supervisor(user),
        role=Role.SUPERVISOR,
        call=lambda app: app.revoke(),
        reason=finding,
        rule=f"{SEED_000} 七(三)",
        after=after,
    )


def role_grant(*, user, role: Role, unit=None, department=None, office=None) -> RoleMembership:
    membership, _ = RoleMembership.objects.get_or_create(
        user=user, role=role, unit=unit, department=department, office=office
    )
    return membership


def application_paper_extend(*, application: Application, actor, working_days: int, reason: str):
    """The clerk extends the paper deadline once, before it passes, with a recorded reason (附件备注3)."""
    if not reason.strip():
        raise DomainError("reason_required", "延长纸质材料报送期限须说明理由", source=f"{SEED_000} 附件备注3")
    if not 1 <= working_days <= 20:
        raise DomainError("bad_days", "延长期限应为 1～20 个工作日")
    now = timezone.now()
    with transaction.atomic():
        app = _locked(application)
        if not perms.can_committee_act(actor, app):
            raise PermissionDenied("forbidden", "您无权延长该申报的纸质材料报送期限")
        dl = (
            Deadline.objects.select_for_update()
            .filter(application=app, kind=Deadline.Kind.PAPER, closed_at__isnull=True)
            .first()
        )
        if dl is None or app.status != S.COMMITTEE_PUBLICITY:
            raise TransitionConflict("no_deadline", "该申报没有正在计时的纸质材料报送期限")
        if dl.extended:
            raise TransitionConflict("already_extended", "纸质材料报送期限只能延长一次")
        if now >= dl.due_at:
            raise TransitionConflict("deadline_passed", "纸质材料报送期限已过，不能再延长")
        end = workdays.add_workdays(dl.last_day, working_days)
        old_day = dl.last_day
        dl.due_at, dl.last_day, dl.provisional = end.ends_at, end.last_day, end.provisional
        dl.extended, dl.extension_reason, dl.reminded_at = True, reason, None
        dl.save(update_fields=["due_at", "last_day", "provisional", "extended", "extension_reason", "reminded_at"])
        _record(app, actor=actor, role=Role.COMMITTEE_CLERK, action="paper_extend", from_status=app.status,
                reason=reason, rule=f"{SEED_000} 附件备注3",
                data={"from": old_day.isoformat(), "to": end.last_day.isoformat(),
                      "working_days": working_days})  # fmt: skip
    return dl


# ---------------------------------------------------------------- the working-day calendar (市职称办)


def calendar_override_set(*, actor, date: dt.date, is_workday: bool, name: str, source: str) -> CalendarDay:
    """The supervisor overrides one day, naming its source document. Errors: PermissionDenied, DomainError."""
    if not perms.is_supervisor(actor):
        raise PermissionDenied("forbidden", "仅市职称办可调整工作日历")
    return workdays.calendar_day_set(date=date, is_workday=is_workday, name=name, source=source, actor=actor)


def calendar_override_delete(*, actor, day: CalendarDay) -> None:
    if not perms.is_supervisor(actor):
        raise PermissionDenied("forbidden", "仅市职称办可调整工作日历")
    workdays.calendar_day_delete(day=day, actor=actor)
