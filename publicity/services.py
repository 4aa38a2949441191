"""公示 and objections (STYLE rule 4: the database is the clock's memory).

A publicity's end is a stored due time with an index (`Publicity.ends_at`, and each case's `held_until`). The sweep
at the top of the house (timers.sweep) asks `due_publicities` what is due and calls `publicity_close`, which
re-checks the state and the due time under lock, so a second run, two sweepers or two beat processes change nothing
twice. After a calendar change, timers.calendar calls `publicity_calendar_changed` to recompute the open periods.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from applications import counters as app_counters
from applications import deadlines as app_deadlines
from applications import events as app_events
from applications import services as app_services
from applications import workflow as wf
from applications.documents import act_rule, act_rule_sql
from applications.models import (
    ApplicantProfile,
    Application,
    ApplicationEvent,
    Deadline,
    Level,
    ReviewCycle,
    Series,
    Status,
)
from applications.models.case import publicity_over_q
from applications.periods import application_cycle, cycle_periods
from applications.selectors import users_acting
from applications.workflow import PUBLICITY_STATES
from organisations.models import Unit
from zhicheng import workdays
from zhicheng.errors import DomainError, TransitionConflict
from zhicheng.models import CalendarChange, Notification
from zhicheng.notify import notify
from zhicheng.roles import Role

from . import public
from .models import Objection, Publicity, PublicityEntry

log = logging.getLogger("publicity.timers")
S = Status

# kind → the state its cases are in, and the rule of the act that puts them there (from the workflow declaration)
KIND_STATE = wf.KIND_STATE
KIND_ACT = {kind: wf.ACTS[name] for kind, name in wf.OPENING_ACT.items()}


def kind_rule(kind: str, application) -> str:
    """The rule of the act that opens a publicity of `kind`, as `application`'s cycle cites it."""
    return act_rule(application, KIND_ACT[kind])


def _setting(name: str, default: int) -> int:
    return int(settings.ZHICHENG.get(name, default))


def _status_label(value: str) -> str:
    return S(value).label if value in S.values else value


def end_of_publicity(state: str) -> tuple[str, str, str, str]:
    """(act, target state, rule section, reason) by which a case leaves publicity `state`: taken from the workflow
    declaration, as the per-case service does, so the set-based close cannot drift from it (the rule's document is
    each case's cycle's: `documents.act_rule_sql`)."""
    act = wf.ACTS[wf.CLOSING_ACT[state]]
    return act.name, act.targets[0], act.rule, act.label


def _users(role: Role, **scope) -> list:
    User = get_user_model()
    return list(User.objects.filter(roles__role=role, **{f"roles__{k}": v for k, v in scope.items()}).distinct())


# ---------------------------------------------------------------- publicity start


def publicity_start(
    *,
    kind: str,
    applications,
    actor,
    start: dt.date | None = None,
    working_days: int | None = None,
    title: str = "",
) -> Publicity:
    """Publish cases together for one period. The period starts on `start` (default today, never earlier) and
    ends at 24:00 of its N-th working day: N ≥ 5 for the unit and committee 公示 (seed 000 五(一)(三)); for the
    result 公示 the configured RESULT_PUBLICITY_WORKING_DAYS (default 5). Every case goes through the
    applications service with ONE shared period; the whole publicity is refused if any case is refused.
    Errors: DomainError (empty, backdated, too short, mixed units/offices), PermissionDenied, TransitionConflict.
    """
    kind = Publicity.Kind(kind)
    apps = list(applications)
    if not apps:
        raise DomainError("publicity_empty", "公示须至少包含一件申报")
    today = workdays.local_date(timezone.now())
    start = start or today
    if start < today:
        raise DomainError("publicity_backdated", "公示开始日期不得早于今天", source=kind_rule(kind, apps[0]))
    periods = cycle_periods(application_cycle(apps[0]))
    minimum = periods.publicity_min_working_days
    default_days = periods.result_publicity_working_days if kind == Publicity.Kind.RESULT else minimum
    days = working_days or default_days
    if days < minimum:
        raise DomainError("publicity_too_short", f"公示期不得少于{minimum}个工作日", source=kind_rule(kind, apps[0]))
    if kind == Publicity.Kind.UNIT:
        scope = {a.unit_id for a in apps}
        if len(scope) != 1:
            raise DomainError("publicity_mixed", "单位评前公示只能包含本单位的申报", source=kind_rule(kind, apps[0]))
    else:
        scope = {a.office_id for a in apps}
        if len(scope) != 1 or None in scope:
            raise DomainError(
                "publicity_mixed", "同一公示只能包含同一评委会办事机构受理的申报", source=kind_rule(kind, apps[0])
            )
    period = app_services.publicity_period(start, days)
    first = apps[0]
    with transaction.atomic():
        pub = Publicity.objects.create(
            kind=kind,
            title=title or f"{first.cycle_year}年度{kind.label}（{start:%Y年%m月%d日}起）",
            unit_id=first.unit_id if kind == Publicity.Kind.UNIT else None,
            office_id=None if kind == Publicity.Kind.UNIT else first.office_id,
            published_by=actor,
            starts_on=start,
            working_days=days,
            last_day=period.last_day,
            ends_at=period.ends_at,
            provisional=period.provisional,
        )
        for app in apps:
            try:
                hold = {"period": period, "start": start, "working_days": days}
                if kind == Publicity.Kind.UNIT:
                    app_services.application_unit_approve(application=app, actor=actor, **hold)
                elif kind == Publicity.Kind.COMMITTEE:
                    app_services.application_committee_approve(application=app, actor=actor, **hold)
                else:
                    app_services.application_result_publicity_start(application=app, actor=actor, **hold)
            except DomainError as exc:
                raise type(exc)(exc.code, f"申报 {app.number}：{exc.message}", source=exc.source) from None
        PublicityEntry.objects.bulk_create(PublicityEntry(publicity=pub, application=a) for a in apps)
        public.public_changed_soon(office_id=pub.office_id)  # the cached public page (issue 17)
    return pub


# ---------------------------------------------------------------- publicity close (set-based)


@dataclass
class CloseResult:
    moved: int = 0
    stopped: int = 0
    remaining: int = 0
    closed: bool = False


def publicity_close(*, publicity: Publicity, now: dt.datetime | None = None, set_based: bool | None = None):
    """Move on every case of `publicity` whose period is over, as one act; record when nothing is left in it.

    The cases move in chunks (TIMER_CLOSE_CHUNK, default 10,000), each chunk ONE SQL statement on PostgreSQL:
    lock the due cases (FOR UPDATE SKIP LOCKED) → UPDATE them → mark their entries → INSERT one audit event each
    (actor NULL, role 系统, the rule) → INSERT the applicant's notice; email/SMS are queued on commit. It keeps every
    rule of the per-case service `application_publicity_end`:
    - the same guard: the WHERE clause is `_publicity_over` (+ `_paper_in` for the committee 公示) written in
      SQL — status is the publicity's state, held_until ≤ now, not provisional, no open objection [, paper in] —
      evaluated on the locked, latest row version, so a concurrent objection or stop is seen;
    - `now` is clamped to the real clock: no caller can end a publicity early by passing a later time;
    - the same fields change as the transition sets them (status, held_until, held_provisional, updated_at), and
      the status is in the UPDATE's WHERE, as ConcurrentTransitionMixin does;
    - the event has the same action, from/to, rule and reason (so `replay_status` holds), and exactly the rows
      the UPDATE returned get one: a second run or a second sweeper finds nothing to move (SKIP LOCKED splits
      concurrent sweepers; the status re-check makes a repeat a no-op);
    - the applicant gets the same notice; the next actors get one summary per chunk instead of one per case.
    Cases that left the publicity another way (objection upheld, abandoned, revoked) are marked as stopped.
    On other databases (SQLite: demo and tests) each case goes through the per-case service instead.
    """
    real_now = timezone.now()
    now = min(now or real_now, real_now)
    pub = Publicity.objects.get(pk=publicity.pk)
    result = CloseResult()
    state = KIND_STATE[pub.kind]
    if not pub.provisional and pub.ends_at <= now and pub.closed_at is None:
        if set_based is None:
            set_based = connection.vendor == "postgresql"
        if not set_based:
            with transaction.atomic():
                result.moved += _close_chunk_each(pub, state, now)
        else:
            chunk = _setting("TIMER_CLOSE_CHUNK", 10_000)
            result.moved += _close_loop(pub, state, now, chunk)
    with transaction.atomic():
        at = timezone.now()
        open_entries = PublicityEntry.objects.filter(publicity=pub, left_at__isnull=True)
        stopped = list(open_entries.exclude(application__status=state).values_list("application_id", flat=True))
        if stopped:
            result.stopped = open_entries.filter(application_id__in=stopped).update(
                left_at=at, outcome=PublicityEntry.Outcome.STOPPED
            )
            Objection.objects.filter(application_id__in=stopped, status=Objection.Status.OPEN).update(
                status=Objection.Status.MOOT, decided_at=at
            )
        result.remaining = open_entries.count()
        if result.remaining == 0:
            result.closed = bool(Publicity.objects.filter(pk=pub.pk, closed_at__isnull=True).update(closed_at=at))
        if result.moved or result.stopped or result.closed:
            public.public_changed_soon(office_id=pub.office_id)  # the cached public page (issue 17)
    return result


def _close_loop(pub: Publicity, state: str, now: dt.datetime, chunk: int) -> int:
    """Chunks, each its own transaction, until one comes back short (nothing left this sweeper could lock)."""
    moved = 0
    while True:
        with transaction.atomic():
            n = _close_chunk_sql(pub, state, now, chunk)
        moved += n
        if n < chunk:
            return moved


def _close_chunk_each(pub: Publicity, state: str, now: dt.datetime) -> int:
    """Fallback: each due case through the per-case service."""
    due = _due_cases(pub, state, now).values_list("pk", flat=True)
    moved = 0
    for app in Application.objects.filter(pk__in=list(due)):
        try:
            with transaction.atomic():
                app_services.application_publicity_end(application=app)
                PublicityEntry.objects.filter(publicity=pub, application=app, left_at__isnull=True).update(
                    left_at=timezone.now(), outcome=PublicityEntry.Outcome.MOVED
                )
            moved += 1
        except TransitionConflict:
            continue
    return moved


def _needs_paper(state: str) -> bool:
    """The act closing this publicity also waits for the paper materials (seed 000 附件备注3)."""
    return wf.PAPER_IN in wf.ACTS[wf.CLOSING_ACT[state]].conditions


def _closable_q() -> Q:
    """Cases in a publicity whose closing act has all it needs but the clock (the paper materials, where the
    workflow's closing act asks for them)."""
    q = Q(pk__in=[])
    for state in wf.CLOSING_ACT:
        part = Q(status=state)
        if _needs_paper(state):
            part &= Q(paper_received_at__isnull=False)
        q |= part
    return q


def _due_cases(pub: Publicity, state: str, now: dt.datetime):
    qs = Application.objects.filter(
        publicity_entries__publicity=pub,
        publicity_entries__left_at__isnull=True,
        status=state,
    ).filter(publicity_over_q(now))
    if _needs_paper(state):
        qs = qs.filter(paper_received_at__isnull=False)
    return qs.order_by("pk")


def _close_chunk_sql(pub: Publicity, state: str, now: dt.datetime, chunk: int) -> int:
    sql, params = _close_statement(pub, state, now, chunk)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        moved, events, entries, note_ids, groups = cur.fetchone()
    if not (moved == events == entries):  # cannot happen; refuse to commit a partial act if it ever does
        raise DatabaseError(f"公示 {pub.pk} 批量办结不一致：moved={moved} events={events} entries={entries}")
    if moved:
        target = params["dst"]
        _notify_next_actors(pub, target, groups or [], f"{_status_label(state)} → {_status_label(target)}")
        ids = list(note_ids or [])
        transaction.on_commit(lambda: _queue_outbound(ids))
    return moved


def _close_statement(pub: Publicity, state: str, now: dt.datetime, chunk: int) -> tuple[str, dict]:
    action, target, _rule, reason = end_of_publicity(state)
    at = timezone.now()
    t = {
        "app": Application._meta.db_table,
        "entry": PublicityEntry._meta.db_table,
        "event": ApplicationEvent._meta.db_table,
        "note": Notification._meta.db_table,
        "profile": ApplicantProfile._meta.db_table,
        "series": Series._meta.db_table,
        "level": Level._meta.db_table,
        "unit": Unit._meta.db_table,
        "cycle": ReviewCycle._meta.db_table,
    }
    rule_sql, rule_params = act_rule_sql(wf.ACTS[action], "rc")  # each case cites its own cycle's document
    paper = "AND a.paper_received_at IS NOT NULL" if _needs_paper(state) else ""
    sql = f"""
    WITH due AS (
        SELECT a.id FROM {t["app"]} a
        JOIN {t["entry"]} e ON e.application_id = a.id AND e.publicity_id = %(pub)s AND e.left_at IS NULL
        WHERE a.status = %(src)s AND a.held_until IS NOT NULL AND a.held_until <= %(now)s
          AND NOT a.held_provisional AND a.open_objections = 0 {paper}
        ORDER BY a.id LIMIT %(chunk)s
        FOR UPDATE OF a SKIP LOCKED
    ), moved AS (
        UPDATE {t["app"]} a
           SET status = %(dst)s, held_until = NULL, held_provisional = FALSE, updated_at = %(at)s,
               {wf.passed_field(state)} = %(at)s
          FROM due WHERE a.id = due.id AND a.status = %(src)s
        RETURNING a.id, a.number, a.applicant_id, a.series_id, a.level_id, a.unit_id, a.office_id,
                  a.committee_id, a.created_at, a.submitted_at, a.review_cycle_id
    ), counted AS ({app_counters.close_deltas_sql("moved", t["unit"])}
    ), entries AS (
        UPDATE {t["entry"]} e SET left_at = %(at)s, outcome = %(outcome)s
          FROM moved WHERE e.application_id = moved.id AND e.publicity_id = %(pub)s AND e.left_at IS NULL
        RETURNING e.id
    ), events AS (
        INSERT INTO {t["event"]}
            (application_id, actor_id, actor_name, actor_role, action, from_status, to_status, reason, rule, data,
             created_at, prev_hash, row_hash)
        SELECT m.id, NULL, '系统', %(actor_role)s, %(action)s, %(src)s, %(dst)s, %(reason)s, {rule_sql},
               %(data)s::jsonb, %(at)s, '', ''
          FROM moved m LEFT JOIN {t["cycle"]} rc ON rc.id = m.review_cycle_id
        RETURNING id
    ), notes AS (
        INSERT INTO {t["note"]} (recipient_id, title, body, link, created_at, read_at)
        SELECT p.user_id,
               '申报 ' || COALESCE(m.number, '') || %(title_tail)s,
               p.name || ' ' || s.name || l.name || %(body_tail)s,
               '/cases/' || m.id::text || '/', %(at)s, NULL
          FROM moved m
          JOIN {t["profile"]} p ON p.id = m.applicant_id
          JOIN {t["series"]} s ON s.id = m.series_id
          JOIN {t["level"]} l ON l.id = m.level_id
        RETURNING id
    )
    SELECT (SELECT count(*) FROM moved), (SELECT count(*) FROM events), (SELECT count(*) FROM entries),
           (SELECT array_agg(id) FROM notes),
           (SELECT json_agg(g) FROM (
                SELECT u.department_id, m.office_id, l.tier, count(*) AS n
                  FROM moved m JOIN {t["unit"]} u ON u.id = m.unit_id JOIN {t["level"]} l ON l.id = m.level_id
                 GROUP BY 1, 2, 3) g)
    """
    params = {
        "pub": pub.pk,
        "src": state,
        "dst": target,
        "now": now,
        "at": at,
        "chunk": chunk,
        "outcome": PublicityEntry.Outcome.MOVED,
        **app_events.act_event_columns(wf.ACTS[action], reason=reason),
        **rule_params,
        "data": f'{{"publicity_id": {pub.pk}}}',
        "title_tail": f" 状态变更为「{_status_label(target)}」",
        "body_tail": f"：{_status_label(state)} → {_status_label(target)}。理由：{reason}",
        "counter_tz": settings.TIME_ZONE,
    }
    return sql, params


def _queue_outbound(notification_ids: list[int]) -> None:
    from .tasks import send_notifications_task  # late: tasks import this module

    step = 5000
    for i in range(0, len(notification_ids), step):
        send_notifications_task.delay(notification_ids[i : i + step])


def _notify_next_actors(pub: Publicity, target: str, groups: list[dict], moved: str) -> None:
    """One summary per next actor for the chunk, instead of one notice per case. `groups` counts the moved
    cases by (department, office, level tier): who acts next depends on nothing else (workflow.actors_of)."""
    counts: dict[int, int] = defaultdict(int)
    users: dict[int, object] = {}
    for row in groups:
        for role in wf.actors_of(target, row["tier"]):
            for u in users_acting(role, department_id=row["department_id"], office_id=row["office_id"]):
                users[u.pk] = u
                counts[u.pk] += row["n"]
    by_count: dict[int, list] = defaultdict(list)
    for pk, n in counts.items():
        by_count[n].append(users[pk])
    for n, people in by_count.items():
        notify(people, f"{pub.title}期满：{n} 件申报已转入「{_status_label(target)}」", f"{moved}，请及时办理。")


# ---------------------------------------------------------------- the sweep's side: what is due


def due_publicities(now: dt.datetime, *, after_pk: int = 0, limit: int = 200) -> list[int]:
    """Ids of open publicities whose (final) end has passed, in id order from `after_pk` (index publicity_open_due)."""
    return list(
        Publicity.objects.filter(closed_at__isnull=True, provisional=False, ends_at__lte=now, pk__gt=after_pk)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def due_orphan_holds(now: dt.datetime, *, limit: int = 200) -> list[int]:
    """Ids of cases whose publicity period is over but which no publicity row holds (set up before publicities
    had rows, or by hand): the sweep ends each with `applications.services.application_publicity_end`."""
    return list(
        Application.objects.filter(_closable_q(), publicity_over_q(now))
        .exclude(Exists(PublicityEntry.objects.filter(application=OuterRef("pk"), left_at__isnull=True)))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def provisional_last_days() -> set[dt.date]:
    """The last days of every open provisional period: when one of them becomes final, the periods are recomputed."""
    days = set(Publicity.objects.filter(provisional=True, closed_at__isnull=True).values_list("last_day", flat=True))
    days |= set(Deadline.objects.filter(provisional=True, closed_at__isnull=True).values_list("last_day", flat=True))
    held = Application.objects.filter(status__in=PUBLICITY_STATES, held_provisional=True, held_until__isnull=False)
    days |= {workdays.local_date(h - dt.timedelta(seconds=1)) for h in held.values_list("held_until", flat=True)}
    return days


# ---------------------------------------------------------------- a case that left its publicity another way


def publicity_case_stopped(*, application: Application) -> bool:
    """The case left the publicity holding it other than by the publicity's end (abandoned, withdrawn, revoked):
    its entry is marked stopped, open objections to it are moot, the public page drops it. Idempotent. The close of
    the publicity would do the same for any case it finds gone; the sweep calls this at once."""
    now = timezone.now()
    stopped = PublicityEntry.objects.filter(application=application, left_at__isnull=True).update(
        left_at=now, outcome=PublicityEntry.Outcome.STOPPED
    )
    Objection.objects.filter(application=application, status=Objection.Status.OPEN).update(
        status=Objection.Status.MOOT, decided_at=now
    )
    if stopped:
        public.public_changed_soon(office_id=application.office_id)  # the cached public page (issue 17)
    return bool(stopped)


# ---------------------------------------------------------------- calendar: provisional dates made final


def publicity_calendar_changed(change_id: int | None = None) -> dict[str, int]:
    """After a calendar change (operations.calendar, on commit): recompute every period that has not ended yet —
    each open publicity from its own start and length, and the cases held in it; then every other open deadline
    (applications.deadlines) — record why on each case, and tell the people concerned. A period already over (its
    end has passed, provisional or not closed by a sweep yet) is never reopened; a final period is never shortened
    to a moment already past. Idempotent: a second run finds nothing different."""
    now = timezone.now()
    change = CalendarChange.objects.filter(pk=change_id).first() if change_id else None
    handled: set[int] = set()
    counts = {"publicities": 0}
    moves: list[app_deadlines.Recomputed] = []
    moved_pubs: list[tuple[Publicity, dt.date]] = []
    with transaction.atomic():
        open_q = Q(provisional=True) | Q(ends_at__gt=now)
        if change is not None:
            open_q &= Q(provisional=True) | Q(last_day__gte=change.first_date)
        for pub in Publicity.objects.select_for_update().filter(open_q, closed_at__isnull=True).order_by("pk"):
            end = app_services.publicity_period(pub.starts_on, pub.working_days)
            if (end.last_day, end.provisional) == (pub.last_day, pub.provisional):
                continue
            if not pub.provisional and end.ends_at < pub.ends_at and end.ends_at <= now:
                continue  # never shortened into the past
            old = pub.last_day
            pub.last_day, pub.ends_at, pub.provisional = end.last_day, end.ends_at, end.provisional
            pub.save(update_fields=["last_day", "ends_at", "provisional"])
            counts["publicities"] += 1
            moved_pubs.append((pub, old))
            apps = Application.objects.filter(
                publicity_entries__publicity=pub,
                publicity_entries__left_at__isnull=True,
                status=KIND_STATE[pub.kind],
                held_until__isnull=False,
            )
            for app in apps.select_for_update(of=("self",)):
                app_deadlines.application_hold_recomputed(app, end, now=now, change=change)
                handled.add(app.pk)
                label = Publicity.Kind(pub.kind).label
                moves.append(app_deadlines.Recomputed(app.pk, label, old, end.last_day, end.provisional))
        more, app_moves = app_deadlines.recompute_open_periods(change=change, skip_applications=handled, now=now)
        counts.update(more)
        moves += app_moves
        _notify_recomputed(change, moves, moved_pubs)
        if change is not None:
            CalendarChange.objects.filter(pk=change.pk).update(recomputed={**counts, "cases": len(moves)})
    return counts


def _notify_recomputed(change, moves: list, moved_pubs: list) -> None:
    """Tell each applicant whose period moved, and whoever runs each moved publicity or deadline."""
    why = f"（{change.summary}，依据：{change.source}）" if change is not None else "（工作日历变更）"
    apps = Application.objects.in_bulk({m.application_id for m in moves})
    users = {a.pk: a.applicant.user for a in Application.objects.filter(pk__in=apps).select_related("applicant__user")}
    by_app: dict[int, list[str]] = defaultdict(list)
    for m in moves:
        by_app[m.application_id].append(
            f"{m.what}最后一日由{m.old:%Y年%m月%d日}改为{m.new:%Y年%m月%d日}{'（暂定）' if m.provisional else ''}"
        )
    for app_id, lines in by_app.items():
        app = apps[app_id]
        notify([users.get(app_id)], f"申报 {app.number} 的期限已按工作日历重新计算", "；".join(lines) + why,
               link=f"/cases/{app.pk}/")  # fmt: skip
    for pub, old in moved_pubs:
        people = [pub.published_by]
        people += _users(Role.UNIT_REVIEWER, unit=pub.unit_id) if pub.unit_id else []
        people += _users(Role.COMMITTEE_CLERK, office=pub.office_id) if pub.office_id else []
        notify(people, f"公示「{pub.title}」期满日已重新计算",
               f"最后一日由{old:%Y年%m月%d日}改为{pub.last_day:%Y年%m月%d日}"
               f"{'（暂定）' if pub.provisional else ''}{why}")  # fmt: skip
    # Offices whose paper deadlines moved: their clerks act on the paper materials.
    offices: dict[int, list[str]] = defaultdict(list)
    for m in moves:
        app = apps[m.application_id]
        if m.what == Deadline.Kind.PAPER.label and app.office_id:
            offices[app.office_id].append(f"{app.number}：{m.new:%Y年%m月%d日}")
    for office_id, lines in offices.items():
        notify(_users(Role.COMMITTEE_CLERK, office=office_id), "纸质材料报送期限已按工作日历重新计算",
               "；".join(lines) + why)  # fmt: skip
