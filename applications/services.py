"""Every change of a case (STYLE rule 1), one named service per act, each through the one kernel
(applications.kernel.act_run: lock, resolve the act from the locked state, check, transition, save, one typed
event, notices on commit). Views, the API, admin actions and tasks call these services; nothing else calls a
transition or saves a case. What an act is — sources, targets, who, rule, conditions — is in `workflow.py`.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhicheng import workdays
from zhicheng.errors import Code, DomainError, PermissionDenied, TransitionConflict
from zhicheng.roles import Role

from . import events
from . import permissions as perms
from . import workflow as wf
from .documents import case_cite, cite

# The kernel, and the names callers of the services use from it.
from .kernel import (  # noqa: F401
    BOUNDED_BY,
    _enforce_deadline,
    _locked,
    _status_label,
    act_run,
    application_abandon,
    available_acts,
    available_acts_many,
)
from .models import (
    ApplicantProfile,
    Application,
    Deadline,
    IntegrityRecord,
    Route,
    Status,
)
from .periods import application_cycle, cycle_periods
from .titles import held_title_record_for_certified

S = Status
INTEGRITY_YEARS = 3  # seed 000 七(三)


def pledge_text(cycle) -> str:
    """The 告知承诺 the applicant signs, citing `cycle`'s notice 七(三)."""
    return (
        "本人承诺：所提交的学历学位、资格证书、业绩成果、论文论著等申报材料真实、准确、完整。"
        "如有弄虚作假，自愿接受撤销所取得职称、记入全省专业技术人员职称申报评审诚信档案库（记录期3年）等处理。"
        f"（依据：{cite(cycle, '七(三)')}）"
    )


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
    applicant: ApplicantProfile | None = None,
) -> Application:
    """A new draft for the actor's own applicant record, or (`applicant`) for a member of staff of the unit whose HR
    account the actor holds (seed 000 四). Errors: DomainError when the actor has no record; PermissionDenied."""
    if applicant is not None and applicant.user_id != actor.pk:
        if not perms.can_file_for(actor, applicant):
            raise PermissionDenied("forbidden", "只能为本单位（本人事代理机构）的职工代为填报申报")
        profile = ApplicantProfile.objects.select_related("unit").get(pk=applicant.pk)
    else:
        profile = ApplicantProfile.objects.filter(user=actor).select_related("unit").first()
    if profile is None:
        raise PermissionDenied(
            Code.NO_PROFILE, "请先完善申报人信息后再创建申报（页面「个人信息」或 /api/v1/me/profile/）"
        )
    if profile.unit_id is None:
        raise DomainError(
            Code.NO_UNIT,
            "请先填写工作单位或人事代理机构",
            source=cite(review_cycle if route == Route.REVIEW else initial_cycle, "四"),
        )
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
            Code.INVALID, "申报信息有误：" + "；".join(m for v in fields.values() for m in v), fields=fields
        ) from None
    app.save()
    prefix = "PS" if route == Route.REVIEW else "CD"
    app.number = f"ZJ{app.cycle_year}{prefix}{app.pk:06d}"
    app.save(update_fields=["number"])
    on_behalf = profile.user_id != actor.pk
    events.application_created_event(
        app,
        actor=actor,
        role=Role.UNIT_HR if on_behalf else Role.APPLICANT,
        rule=case_cite(app, "四") if on_behalf else "",
        data={"on_behalf_of": profile.name} if on_behalf else None,
    )
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
        raise DomainError(Code.PLEDGE_REQUIRED, "提交前须阅读并签署告知承诺书", source=case_cite(application, "七(三)"))
    now = timezone.now()

    def prepare(app: Application):
        failures = check_submission(app, today=workdays.local_date(now))
        if failures:
            raise DomainError(
                Code.INELIGIBLE,
                "不符合申报条件：" + "；".join(f"{f.message}（{f.source}）" for f in failures),
                source="；".join(sorted({f.source for f in failures})),
                fields={"rules": [f.as_dict() for f in failures]},
            )
        missing = missing_materials(app)
        if missing:
            raise DomainError(
                Code.MATERIALS_MISSING, "尚缺以下申报材料：" + "、".join(missing), source=materials_source(app)
            )
        if app.route == Route.REVIEW:
            app.committee = route_application(app)
            app.office = app.committee.office
        else:
            app.office = app.initial_cycle.office
        app.pledge_text = pledge_text(application_cycle(app))
        app.pledge_signed_at = now
        app.pledge_ip = ip

    return act_run(application, "submit", actor=actor, args=(now,), prepare=prepare, data={"ip": ip})


# ---------------------------------------------------------------- publicity (the publicity app drives these)


def publicity_period(start: dt.date, working_days: int | None = None) -> workdays.PeriodEnd:
    """A publicity starting on `start` ends at 24:00 of its N-th working day (default: the periods' minimum; the
    case's cycle minimum is enforced by publicity.services.publicity_start, read from applications.periods)."""
    return workdays.add_workdays(start, working_days or cycle_periods(None).publicity_min_working_days)


def _hold_args(period: workdays.PeriodEnd, start: dt.date | None, working_days: int | None) -> tuple:
    return (period.ends_at, period.provisional, start, working_days)


def application_unit_approve(
    *,
    application: Application,
    actor,
    period: workdays.PeriodEnd | None = None,
    start: dt.date | None = None,
    working_days: int | None = None,
):
    """Unit review passes and the unit 评前公示 starts (seed 000 五(一)); never shorter than the cycle minimum."""
    working_days = max(working_days or 0, cycle_periods(application_cycle(application)).publicity_min_working_days)
    start = start or workdays.local_date(timezone.now())
    period = period or publicity_period(start, working_days)
    return act_run(
        application,
        "unit_approve",
        actor=actor,
        args=_hold_args(period, start, working_days),
        data={"publicity_last_day": period.last_day.isoformat(), "provisional": period.provisional},
    )


def application_dept_approve(*, application: Application, actor):
    """Department recheck passes: the case goes to the committee office (seed 000 五(二))."""
    return act_run(application, "dept_approve", actor=actor)


def application_committee_approve(
    *,
    application: Application,
    actor,
    period: workdays.PeriodEnd | None = None,
    start: dt.date | None = None,
    working_days: int | None = None,
):
    """Committee office review passes: the committee 公示 starts and paper materials fall due in the cycle's number
    of working days (10 in 2024, 附件备注3)."""
    working_days = max(working_days or 0, cycle_periods(application_cycle(application)).publicity_min_working_days)
    today = workdays.local_date(timezone.now())
    start = start or today
    period = period or publicity_period(start, working_days)
    paper_days = cycle_periods(application_cycle(application)).paper_working_days  # 附件备注3, cycle data
    paper = workdays.add_workdays(today, paper_days)

    def after(app: Application, role: Role):
        Deadline.objects.create(
            application=app,
            kind=Deadline.Kind.PAPER,
            due_at=paper.ends_at,
            last_day=paper.last_day,
            provisional=paper.provisional,
            working_days=paper_days,
            requested_by=actor,
            requested_role=role,
        )

    return act_run(
        application,
        "committee_approve",
        actor=actor,
        args=_hold_args(period, start, working_days),
        data={"publicity_last_day": period.last_day.isoformat(), "paper_last_day": paper.last_day.isoformat()},
        after=after,
    )


def application_publicity_end(*, application: Application):
    """The system moves a case on when its publicity is over with no open objection (and, for the committee
    公示, once the paper materials are in). Refused (409) before the period ends: a publicity cannot be shortened.
    """
    current = Application.objects.filter(pk=application.pk).values_list("status", flat=True).first()
    name = wf.CLOSING_ACT.get(current, wf.CLOSING_ACT[S.UNIT_PUBLICITY])
    return act_run(application, name, actor=None, reason=wf.ACTS[name].label)


# ---------------------------------------------------------------- paper materials


def application_mark_paper_received(*, application: Application, actor):
    """The committee clerk records the paper materials as received; the paper deadline is closed.
    After the paper deadline has passed the receipt is refused and the case is deemed abandoned (附件备注3)."""
    now = timezone.now()
    _enforce_deadline(application, "paper_received", now)

    def after(app: Application, role: Role):
        _close_deadlines(app, Deadline.Kind.PAPER, "received", now)

    return act_run(application, "paper_received", actor=actor, args=(now,), after=after, now=now)


def application_paper_extend(*, application: Application, actor, working_days: int, reason: str):
    """The clerk extends the paper deadline once, before it passes, with a recorded reason (附件备注3)."""
    if not reason.strip():
        raise DomainError(
            Code.REASON_REQUIRED, "延长纸质材料报送期限须说明理由", source=case_cite(application, "附件备注3")
        )
    if not 1 <= working_days <= 20:
        raise DomainError(Code.BAD_DAYS, "延长期限应为 1～20 个工作日")
    now = timezone.now()
    extended: dict = {}  # the event's data, filled under lock
    holder: list[Deadline] = []

    def prepare(app: Application):
        dl = (
            Deadline.objects.select_for_update()
            .filter(application=app, kind=Deadline.Kind.PAPER, closed_at__isnull=True)
            .first()
        )
        if dl is None:
            raise TransitionConflict(Code.NO_DEADLINE, "该申报没有正在计时的纸质材料报送期限")
        if dl.extended:
            raise TransitionConflict(Code.ALREADY_EXTENDED, "纸质材料报送期限只能延长一次")
        if now >= dl.due_at:
            raise TransitionConflict(Code.DEADLINE_PASSED, "纸质材料报送期限已过，不能再延长")
        end = workdays.add_workdays(dl.last_day, working_days)
        extended.update({"from": dl.last_day.isoformat(), "to": end.last_day.isoformat(), "working_days": working_days})
        dl.due_at, dl.last_day, dl.provisional = end.ends_at, end.last_day, end.provisional
        dl.extended, dl.extension_reason, dl.reminded_at = True, reason, None
        dl.extension_working_days = working_days
        dl.save(
            update_fields=[
                "due_at", "last_day", "provisional", "extended", "extension_reason", "extension_working_days",
                "reminded_at",
            ]
        )  # fmt: skip
        holder.append(dl)

    act_run(application, "paper_extend", actor=actor, reason=reason, data=extended, prepare=prepare, now=now)
    return holder[0]


# ---------------------------------------------------------------- correction, abandonment


def application_request_correction(
    *, application: Application, actor, items: list[str], working_days: int | None = None
):
    """A reviewer lists ALL missing items at once with a deadline in working days (seed 000 五(二))."""
    items = [str(i).strip() for i in items or [] if str(i).strip()]
    if not items:
        raise DomainError(
            Code.ITEMS_REQUIRED, "须一次性列明需要补正的全部内容", source=case_cite(application, "五(二)")
        )
    periods = cycle_periods(application_cycle(application))
    days = working_days or periods.correction_working_days
    low, high = periods.correction_min_working_days, periods.correction_max_working_days
    if not low <= days <= high:
        raise DomainError(Code.BAD_DAYS, f"补正期限应为 {low}～{high} 个工作日")
    end = workdays.add_workdays(workdays.local_date(timezone.now()), days)

    def prepare(app: Application):
        # 一次性告知: one correction per step of this submission, listing everything (seed 000 五(二))
        asked = Deadline.objects.filter(application=app, kind=Deadline.Kind.CORRECTION, step=app.status)
        if app.submitted_at is not None:
            asked = asked.filter(created_at__gte=app.submitted_at)
        if asked.exists():
            raise TransitionConflict(
                Code.CORRECTION_ONCE,
                f"本环节（{_status_label(app.status)}）已一次性告知过补正内容，不能再次退回补正；"
                "如仍不符合条件，请作出不予通过决定",
                source=case_cite(app, "五(二)"),
            )

    def after(app: Application, role: Role):
        Deadline.objects.create(
            application=app,
            kind=Deadline.Kind.CORRECTION,
            due_at=end.ends_at,
            last_day=end.last_day,
            provisional=end.provisional,
            working_days=days,
            requested_by=actor,
            requested_role=role,
            step=app.correction_from,
        )

    return act_run(
        application,
        "request_correction",
        actor=actor,
        args=(items,),
        prepare=prepare,
        reason=f"需补正：{'；'.join(items)}。请于{end.last_day:%Y年%m月%d日}前补正，逾期视为放弃申报"
        + ("（日期暂定）" if end.provisional else ""),
        data={"items": items, "working_days": days, "last_day": end.last_day.isoformat(),
              "provisional": end.provisional},
        after=after,
    )  # fmt: skip


def _close_deadlines(app: Application, kind: str, outcome: str, at: dt.datetime | None = None):
    Deadline.objects.filter(application=app, kind=kind, closed_at__isnull=True).update(
        closed_at=at or timezone.now(), outcome=outcome
    )


def correction_answers(app: Application, answers: dict | None) -> tuple[list[dict], list[str]]:
    """Each listed item with its answer: a file of that kind uploaded after the request, or the applicant's written
    answer. Returns (answers, the items left unanswered)."""
    from .models import Material

    answers = {str(k).strip(): str(v).strip() for k, v in (answers or {}).items() if str(v).strip()}
    asked = (
        Deadline.objects.filter(application=app, kind=Deadline.Kind.CORRECTION, closed_at__isnull=True)
        .values_list("created_at", flat=True)
        .first()
    )
    kinds = {label: value for value, label in Material.Kind.choices}
    rows, missing = [], []
    for i, item in enumerate(app.correction_items):
        written = answers.get(item) or answers.get(str(i)) or ""
        kind = kinds.get(item)
        new_file = (
            app.materials.filter(kind=kind, uploaded_at__gt=asked).order_by("-id").first()
            if kind and asked is not None
            else None
        )
        if not written and new_file is None:
            missing.append(item)
        rows.append({"item": item, "answer": written, "material_id": new_file.pk if new_file else None})
    return rows, missing


def application_resubmit(*, application: Application, actor, answers: dict | None = None):
    """The applicant answers the correction; the case returns to the step that asked for it. Every listed item must
    be answered — a new file of that kind since the request, or a written answer (`answers`: item → text).
    After the correction deadline the resubmission is refused and the case is deemed abandoned (seed 000 五(二))."""
    now = timezone.now()
    _enforce_deadline(application, "resubmit", now)
    rows: list[dict] = []

    def prepare(app: Application):
        answered, missing = correction_answers(app, answers)
        if missing:
            raise DomainError(
                Code.CORRECTION_UNANSWERED,
                "以下补正事项尚未补正（请上传该类材料或逐项填写说明）：" + "；".join(missing),
                source=case_cite(app, "五(二)"),
                fields={"unanswered": missing},
            )
        rows.extend(answered)

    return act_run(
        application,
        "resubmit",
        actor=actor,
        prepare=prepare,
        args=lambda app: (rows,),
        data={"answers": rows},
        after=lambda app, role: _close_deadlines(app, Deadline.Kind.CORRECTION, "resubmitted", now),
        now=now,
    )


# ---------------------------------------------------------------- return, reject, withdraw


def application_return(*, application: Application, actor, reason: str):
    """Out of scope or wrongly routed: back by the channel it came, and the applicant is told why (seed 000 五(三))."""
    if not reason.strip():
        raise DomainError(Code.REASON_REQUIRED, "退回须说明理由", source=case_cite(application, "五(三)"))
    return act_run(application, "return_out_of_scope", actor=actor, reason=reason)


def application_reopen(*, application: Application, actor):
    """A returned case goes back to draft so the applicant can correct its route and submit again."""
    return act_run(application, "reopen", actor=actor)


def application_reject(*, application: Application, actor, reason: str):
    if not reason.strip():
        raise DomainError(Code.REASON_REQUIRED, "不予通过须说明理由")
    return act_run(application, "reject", actor=actor, reason=reason)


def application_withdraw(*, application: Application, actor, reason: str = ""):
    """The applicant withdraws before the committee accepts (not during a publicity)."""
    return act_run(
        application,
        "withdraw",
        actor=actor,
        reason=reason,
        after=lambda app, role: _close_deadlines(app, Deadline.Kind.CORRECTION, "withdrawn"),
    )


# ---------------------------------------------------------------- objections (the publicity app drives these)


def application_objection_opened(*, application: Application):
    """Count an open objection: it holds the case past the end of its publicity (not an act: no event)."""
    with transaction.atomic():
        app = _locked(application)
        if app.status not in wf.PUBLICITY_STATES:
            raise TransitionConflict(Code.NOT_IN_PUBLICITY, "该申报不在公示期内，不能对其提出异议")
        app.open_objections += 1
        app.save(update_fields=["open_objections", "updated_at"])
    return app


def application_objection_decided(*, application: Application, actor, upheld: bool, reason: str):
    """Whoever decides objections to the case's current publicity records the finding: upheld stops the case
    (rejected), dismissed lets it go on. 409 when the case is no longer in that publicity."""
    return act_run(application, "objection_upheld" if upheld else "objection_dismissed", actor=actor, reason=reason)


# ---------------------------------------------------------------- meeting, results, publication (review app)


def application_meeting_open(*, application: Application, actor, meeting_id: int):
    return act_run(application, "meeting_open", actor=actor, data={"meeting_id": meeting_id})


def application_record_result(*, application: Application, actor, passed: bool, votes: dict):
    return act_run(application, "record_result", actor=actor, args=(passed,), data={"votes": votes})


def application_result_publicity_start(
    *, application: Application, actor, period: workdays.PeriodEnd, start: dt.date | None = None,
    working_days: int | None = None,
):  # fmt: skip
    return act_run(
        application,
        "result_publicity_start",
        actor=actor,
        args=_hold_args(period, start, working_days),
        data={"publicity_last_day": period.last_day.isoformat()},
    )


def can_publish(user, app: Application) -> bool:
    """市职称办 publishes 中高级 results; the local office (the committee office) publishes 下放初级 ones."""
    return perms.acting_role(user, app, wf.ACTS["publish"]) is not None


def application_publish(*, application: Application, actor, document_number: str):
    """Called by publicity.certificates.publication_create only (the publication and certificates go with it)."""
    return act_run(application, "publish", actor=actor, data={"document_number": document_number})


def application_association_approve(*, application: Application, actor):
    """The association approves 初级 itself; 中级 goes on to the municipal office (seed 001 七).
    Called by publicity.certificates.initial_approve only (the document and certificate go with it)."""
    needs_municipal = application.level.tier != wf.JUNIOR_TIER
    return act_run(application, "association_approve", actor=actor, args=(needs_municipal,))


def application_municipal_approve(*, application: Application, actor):
    """Called by publicity.certificates.initial_approve only."""
    return act_run(application, "municipal_approve", actor=actor)


def application_certify(*, application: Application, certificate_number: str):
    """The system marks the case certified when its e-certificate is issued (seed 000 六(二))."""
    return act_run(
        application,
        "certify",
        actor=None,
        data={"certificate_number": certificate_number},
        after=lambda app, role: held_title_record_for_certified(app, certificate_number=certificate_number),
    )


def application_revoke(*, application: Application, actor, finding: str):
    """Fraud found: the title is revoked and an integrity record keeps the person out for 3 years (七(三)).
    Called by publicity.certificates.certificate_revoke only (the certificate and objections go with it)."""
    if not finding.strip():
        raise DomainError(Code.FINDING_REQUIRED, "撤销职称须写明认定事实", source=case_cite(application, "七(三)"))
    today = workdays.local_date(timezone.now())

    def after(app: Application, role: Role):
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

    return act_run(application, "revoke", actor=actor, reason=finding, after=after)


def application_hold_recomputed(*, application: Application, end: workdays.PeriodEnd, now: dt.datetime, change=None):
    """A calendar change (`change`: the zhicheng.CalendarChange, when known) moved the end of the publicity holding
    the case (not a change of state); the event names the change."""
    old = Application.objects.filter(pk=application.pk).values_list("held_until", flat=True).first()
    why = f"（工作日历变更：{change.summary}，依据：{change.source}）" if change is not None else ""
    return act_run(
        application,
        "hold_recomputed",
        actor=None,
        args=(end.ends_at, end.provisional),
        reason=f"公示期满日按工作日历重新计算：{end.last_day}{'（暂定）' if end.provisional else ''}{why}",
        data={"from": old.isoformat() if old else None, "to": end.last_day.isoformat(),
              "provisional": end.provisional, "calendar_change_id": getattr(change, "pk", None)},
        now=now,
    )  # fmt: skip
