"""The kernel every change of a case goes through (STYLE rule 1): `act_run`, and `available_acts`, which answers
from the same declaration what a user may do now.

The kernel locks the case, resolves the act from the **locked** state (wrong state → 409 before wrong role → 403),
checks the declared conditions and the deadline that bounds the act (past it, the act is refused and the deadline's
consequence — `application_abandon` — follows on the spot, as the sweep would do it), runs the django-fsm
transition, `full_clean`s, saves exactly the fields the act declares, writes one typed event, and queues the notices
(their e-mail and SMS leave as Celery tasks once the transaction commits). The services (services.py) are the named
acts built on it; what an act is — sources, targets, who, rule, conditions — is in `workflow.py`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from zhicheng.errors import Code, PermissionDenied, TransitionConflict
from zhicheng.notify import notify
from zhicheng.roles import Role

from . import counters, events
from . import permissions as perms
from . import workflow as wf
from .documents import act_rule, case_cite, cycle_documents
from .models import (
    Application,
    Deadline,
    Status,
)
from .periods import application_cycle
from .selectors import next_actors, users_acting

S = Status

# The deadline that bounds an act: after its due time the act is refused and the deadline's consequence follows.
BOUNDED_BY = {"resubmit": Deadline.Kind.CORRECTION, "paper_received": Deadline.Kind.PAPER}


def _status_label(value: str) -> str:
    return S(value).label if value in S.values else value


def _locked(application: Application) -> Application:
    app = (
        Application.objects.select_for_update(of=("self",))
        .select_related("applicant__user", "unit", "level", "series", "office")
        .get(pk=application.pk)
    )
    return counters.remember(app)  # the keys it is counted under before the move (issue 17)


# ---------------------------------------------------------------- the kernel


def _acting_role(actor, app: Application, act: wf.Act) -> Role:
    if actor is None:
        if act.system:
            return Role.SYSTEM
        raise PermissionDenied(Code.FORBIDDEN, f"「{act.label}」须由经办人办理")
    role = perms.acting_role(actor, app, act)
    if role is None:
        raise PermissionDenied(Code.FORBIDDEN, act.denied or f"您无权对该申报办理「{act.label}」")
    return role


def _notify_move(app: Application, from_status: str, reason: str) -> None:
    title = f"申报 {app.number or ''} 状态变更为「{_status_label(app.status)}」"
    body = f"{app.applicant.name} {app.series.name}{app.level.name}：{_status_label(from_status)} → " + _status_label(
        app.status
    )
    if reason:
        body += f"。理由：{reason}"
    notify([app.applicant.user, *next_actors(app)], title, body, link=f"/cases/{app.pk}/", sms=True)


def act_run(
    application: Application,
    name: str,
    *,
    actor,
    args: tuple | Callable[[Application], tuple] = (),
    reason: str = "",
    data: dict | None = None,
    prepare: Callable[[Application], None] | None = None,
    after: Callable[[Application, Role], None] | None = None,
    now: dt.datetime | None = None,
) -> Application:
    """Run act `name` of the workflow on `application` as `actor` (None: the system's timers).

    `prepare(app)` runs on the locked row after the state, role and condition checks and before the transition
    (it may refuse with a DomainError or set the fields the act declares); `args` may be a function of the locked
    row; `after(app, role)` runs after the event, in the same transaction (deadline rows and the like).
    Errors: TransitionConflict (409: wrong state, conditions, concurrent change), PermissionDenied (403),
    DomainError (400) from `prepare`. A refusal changes nothing.
    """
    act = wf.ACTS[name]
    with transaction.atomic():
        app = _locked(application)
        from_status = app.status
        if from_status not in act.sources:
            raise TransitionConflict(
                Code.WRONG_STATE, f"申报当前处于「{_status_label(from_status)}」环节，不能办理「{act.label}」"
            )
        role = _acting_role(actor, app, act)
        reasons = wf.unmet(act, app, now)
        if reasons:
            raise TransitionConflict(
                Code.CONDITIONS_UNMET, f"「{act.label}」的条件尚未满足：{'；'.join(reasons)}", source=act_rule(app, act)
            )
        if prepare is not None:
            prepare(app)
        try:
            getattr(app, name)(*(args(app) if callable(args) else args))
            app.full_clean(exclude=["status"])
            app.save(update_fields=["status", *act.fields, "updated_at"])
        except TransitionNotAllowed:
            raise TransitionConflict(
                Code.CONDITIONS_UNMET, f"「{act.label}」的条件尚未满足（当前：{_status_label(from_status)}）"
            ) from None
        except ConcurrentTransition:
            raise TransitionConflict(Code.CONCURRENT, "该申报已被他人同时办理，请刷新后查看最新状态") from None
        events.act_event(app, act, actor=actor, role=role, from_status=from_status, reason=reason, data=data)
        if act.notify and app.status != from_status:
            _notify_move(app, from_status, reason)
        if after is not None:
            after(app, role)
    _sync(application, app)
    return app


def _sync(target: Application, source: Application) -> None:
    """Give the caller's instance the saved values without another query (the model's refresh_from_db is
    thread-safe too, zhicheng.fsm, but costs a read)."""
    if target is source:
        return
    for f in Application._meta.concrete_fields:
        target.__dict__[f.attname] = source.__dict__.get(f.attname)
    target._state.fields_cache.clear()
    target._update_initial_state()


def available_acts(
    user, application: Application, *, now: dt.datetime | None = None, expired: dict | None = None
) -> list[wf.Offer]:
    """What `user` may do on `application` now, from the declaration: every act of its state that the user's role
    may do and a person does (not the timers), with the Chinese reason for each unmet condition. Pages, the API's
    `acts` list and the inbox's batch buttons show exactly these; the services accept exactly the ready ones.
    `expired`: the page's expired deadlines read at once (`available_acts_many`) instead of one query per case."""
    offers = []
    for act in wf.acts_from(application.status):
        if act.system or act.surface == wf.Surface.SYSTEM:
            continue
        role = perms.acting_role(user, application, act)
        if role is None:
            continue
        reasons = wf.unmet(act, application, now)
        if act.name in BOUNDED_BY and (
            late := expired.get((application.pk, BOUNDED_BY[act.name]))
            if expired is not None
            else _expired_deadline(application, act.name, now or timezone.now())
        ):
            reasons.append(f"{late.get_kind_display()}已于{late.last_day:%Y年%m月%d日} 24:00 届满")
        offers.append(wf.Offer(act, role, reasons, cycle_documents(application_cycle(application))))
    return offers


def available_acts_many(user, applications, *, now: dt.datetime | None = None) -> dict[int, list[wf.Offer]]:
    """`available_acts` for every case of a page, the expired deadlines of all of them in one query (issue 17:
    the inbox ran one per row)."""
    now = now or timezone.now()
    user = perms.unwrapped(user)
    wanted: dict[str, list[int]] = defaultdict(list)
    for app in applications:
        for act in wf.acts_from(app.status):
            if act.name in BOUNDED_BY:
                wanted[BOUNDED_BY[act.name]].append(app.pk)
    expired: dict = {}
    if wanted:
        which = Q()
        for kind, ids in wanted.items():
            which |= Q(kind=kind, application_id__in=ids)
        rows = Deadline.objects.filter(which, closed_at__isnull=True, provisional=False, due_at__lte=now)
        for dl in rows.order_by("pk"):  # the first by id, as _expired_deadline's .first()
            expired.setdefault((dl.application_id, dl.kind), dl)
    return {app.pk: available_acts(user, app, now=now, expired=expired) for app in applications}


def _expired_deadline(application: Application, name: str, now: dt.datetime) -> Deadline | None:
    return Deadline.objects.filter(
        application_id=application.pk,
        kind=BOUNDED_BY[name],
        closed_at__isnull=True,
        provisional=False,
        due_at__lte=now,
    ).first()


def _enforce_deadline(application: Application, name: str, now: dt.datetime) -> None:
    """A deadline binds the act it limits at the moment of the act (SPEC §5): after the due time the act is refused
    and the deadline's consequence follows at once, committed, exactly as the sweep would do it."""
    dl = _expired_deadline(application, name, now) if name in BOUNDED_BY else None
    if dl is None:
        return
    kind = dl.kind
    application_abandon(deadline=dl, now=now)
    what = "补正" if kind == Deadline.Kind.CORRECTION else "纸质材料报送"
    raise TransitionConflict(
        Code.DEADLINE_PASSED,
        f"{what}期限已于{dl.last_day:%Y年%m月%d日} 24:00 届满，申报已视为放弃",
        source=case_cite(application, "五(二)" if kind == Deadline.Kind.CORRECTION else "附件备注3"),
    )


# ---------------------------------------------------------------- a deadline's consequence


def application_abandon(*, deadline: Deadline, now: dt.datetime | None = None):
    """The system deems the case abandoned when its correction or paper deadline passed (seed 000 五(二)).
    Re-checks the deadline under lock: a second run, or a deadline already met, does nothing and returns None.
    """
    now = now or timezone.now()
    with transaction.atomic():
        dl = Deadline.objects.select_for_update().get(pk=deadline.pk)
        if dl.closed_at is not None or dl.provisional or dl.due_at > now:
            return None
        name = "abandon_correction" if dl.kind == Deadline.Kind.CORRECTION else "abandon_paper"
        current = Application.objects.filter(pk=dl.application_id).values_list("status", flat=True).first()
        if current not in wf.ACTS[name].sources:
            dl.closed_at, dl.outcome = now, "moot"
            dl.save(update_fields=["closed_at", "outcome"])
            return None
        app = act_run(
            Application(pk=dl.application_id),
            name,
            actor=None,
            reason=wf.ACTS[name].label,
            data={"deadline_id": dl.pk, "last_day": dl.last_day.isoformat()},
            now=now,
        )
        dl.closed_at, dl.outcome = now, "expired"
        dl.save(update_fields=["closed_at", "outcome"])
        _abandoned_notice(app, dl)
    return app


def _abandoned_notice(app: Application, dl: Deadline) -> None:
    """Besides the applicant (told by the act's own notice): the reviewer who asked for the correction, or the
    committee office's clerks who wait for the paper materials — whether the sweep or a late act found it."""
    if dl.kind == Deadline.Kind.CORRECTION:
        people = [dl.requested_by] if dl.requested_by_id else []
        what = "逾期未补正"
    else:
        people = users_acting(Role.COMMITTEE_CLERK, office_id=app.office_id)
        what = "逾期未报送纸质材料"
    app = Application.objects.select_related("applicant", "series", "level").get(pk=app.pk)
    notify(
        people,
        f"申报 {app.number} 视为放弃",
        f"{app.applicant.name} {app.series.name}{app.level.name}：{what}，"
        f"已视为放弃申报（{case_cite(app, '五(二)')}）。",
        link=f"/cases/{app.pk}/",
    )
