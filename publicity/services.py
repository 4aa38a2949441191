"""公示 and objections (STYLE rule 4: the database is the clock's memory).

A publicity's end is a stored due time with an index (`Publicity.ends_at`, and each case's `held_until`). The sweep
at the top of the house (timers.sweep) asks `due_publicities` what is due and calls `publicity_close`, which
re-checks the state and the due time under lock, so a second run, two sweepers or two beat processes change nothing
twice. After a calendar change, timers.calendar calls `publicity_calendar_changed` to recompute the open periods.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
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
from applications.models import (
    ApplicantProfile,
    Application,
    ApplicationEvent,
    Deadline,
    Level,
    Series,
    Status,
    Unit,
)
from applications.models.case import publicity_over_q
from applications.periods import application_cycle, cycle_periods
from applications.selectors import users_acting
from applications.workflow import PUBLICITY_STATES
from zhicheng import workdays
from zhicheng.errors import DomainError, TooManyRequests, TransitionConflict
from zhicheng.models import CalendarChange, Notification
from zhicheng.notify import notify
from zhicheng.roles import Role

from . import public
from .models import Objection, Publicity, PublicityEntry

log = logging.getLogger("publicity.timers")
S = Status
SEED_000 = app_services.SEED_000

# kind → the state its cases are in, and the rule of the act that puts them there (from the workflow declaration)
KIND_STATE = wf.KIND_STATE
KIND_RULE = {kind: wf.ACTS[name].rule for kind, name in wf.OPENING_ACT.items()}


def _setting(name: str, default: int) -> int:
    return int(settings.ZHICHENG.get(name, default))


def _status_label(value: str) -> str:
    return S(value).label if value in S.values else value


def end_of_publicity(state: str) -> tuple[str, str, str, str]:
    """(act, target state, rule, reason) by which a case leaves publicity `state`: taken from the workflow
    declaration, as the per-case service does, so the set-based close cannot drift from it."""
    act = wf.ACTS[wf.CLOSING_ACT[state]]
    return act.name, act.targets[0], act.rule, act.label


def _users(role: Role, **scope) -> list:
    User = get_user_model()
    return list(User.objects.filter(roles__role=role, **{f"roles__{k}": v for k, v in scope.items()}).distinct())


def _responsible(kind: str, app: Application) -> list:
    """Who investigates an objection to a publicity of `kind`: its decider as the workflow declares it."""
    decider = wf.STATES[wf.KIND_STATE[kind]].objection_decider
    return users_acting(decider, unit_id=app.unit_id, department_id=app.unit.department_id, office_id=app.office_id)


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
        raise DomainError("publicity_backdated", "公示开始日期不得早于今天", source=KIND_RULE[kind])
    periods = cycle_periods(application_cycle(apps[0]))
    minimum = max(periods.publicity_min_working_days, app_services.PUBLICITY_MIN_WORKING_DAYS)
    default_days = periods.result_publicity_working_days if kind == Publicity.Kind.RESULT else minimum
    days = working_days or default_days
    if days < minimum:
        raise DomainError("publicity_too_short", f"公示期不得少于{minimum}个工作日", source=KIND_RULE[kind])
    if kind == Publicity.Kind.UNIT:
        scope = {a.unit_id for a in apps}
        if len(scope) != 1:
            raise DomainError("publicity_mixed", "单位评前公示只能包含本单位的申报", source=KIND_RULE[kind])
    else:
        scope = {a.office_id for a in apps}
        if len(scope) != 1 or None in scope:
            raise DomainError("publicity_mixed", "同一公示只能包含同一评委会办事机构受理的申报", source=KIND_RULE[kind])
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
    }
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
                  a.committee_id, a.created_at, a.submitted_at
    ), counted AS ({app_counters.close_deltas_sql("moved", t["unit"])}
    ), entries AS (
        UPDATE {t["entry"]} e SET left_at = %(at)s, outcome = %(outcome)s
          FROM moved WHERE e.application_id = moved.id AND e.publicity_id = %(pub)s AND e.left_at IS NULL
        RETURNING e.id
    ), events AS (
        INSERT INTO {t["event"]}
            (application_id, actor_id, actor_name, actor_role, action, from_status, to_status, reason, rule, data,
             created_at, prev_hash, row_hash)
        SELECT m.id, NULL, '系统', %(actor_role)s, %(action)s, %(src)s, %(dst)s, %(reason)s, %(rule)s, %(data)s::jsonb,
               %(at)s, '', ''
          FROM moved m
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


# ---------------------------------------------------------------- objections


RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone without mistakes
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(0\d{2,3})?[2-8]\d{6,7}(转\d{1,6})?$")  # 0511-84403810, 84403810, 0511-8440381转123


def objection_receipt_new(filed_at: dt.datetime) -> str:
    """YY + the filing day + 6 random characters, e.g. YY20241010-K7M2QX (about 10⁹ per day: not guessable)."""
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(6))
    return f"YY{workdays.local_date(filed_at):%Y%m%d}-{code}"


def objection_validate(*, name: str, contact: str, content: str) -> None:
    """What a public objection must carry to be investigated (seed 000 五(一): 实名; the office must reach the
    objector): a real name, a reachable mobile, landline or e-mail, and content with some substance — at least
    ZHICHENG["OBJECTION_MIN_CHARS"] letters or characters, not one repeated. The public page and API call it
    before `objection_file`. Errors: DomainError `objection_invalid` with `fields` per field."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    name, contact, content = (name or "").strip(), (contact or "").strip(), (content or "").strip()
    given = {"name": ("实名", name), "contact": ("联系方式", contact), "content": ("异议内容", content)}
    missing = {key: label for key, (label, value) in given.items() if not value}
    if missing:
        message = f"提出异议须填写{'、'.join(missing.values())}"
        fields = {key: [f"请填写{label}"] for key, label in missing.items()}
        raise DomainError("objection_incomplete", message, source=f"{SEED_000} 五(一)", fields=fields)
    fields = {}
    if len(name) < 2 or not re.fullmatch(r"[\u4e00-\u9fff·A-Za-z .]+", name):
        fields["name"] = ["请填写真实姓名（至少 2 个字，不含数字和符号）"]
    digits = re.sub(r"[\s\-()（）]", "", contact)
    if "@" in contact:
        try:
            validate_email(contact)
        except ValidationError:
            fields["contact"] = [f"电子邮箱「{contact}」格式不正确"]
    elif not (_MOBILE.match(digits.removeprefix("+86")) or _LANDLINE.match(digits)):
        fields["contact"] = [f"联系方式「{contact}」不是可以联系到的手机号（11 位）、固定电话或电子邮箱"]
    minimum = int(settings.ZHICHENG.get("OBJECTION_MIN_CHARS", 4))
    letters = [ch for ch in content if ch.isalnum()]
    if len(letters) < minimum or len(set(letters)) < 2:
        fields["content"] = [f"异议内容过于简略：请写明具体事实（至少 {minimum} 个字），以便调查核实"]
    if fields:
        problems = "；".join(m for ms in fields.values() for m in ms)
        raise DomainError("objection_invalid", f"异议未受理：{problems}", source=f"{SEED_000} 五(一)", fields=fields)


def objection_by_receipt(receipt: str) -> Objection | None:
    """The objection with this receipt (case-insensitive; spaces ignored), for the public status page."""
    receipt = re.sub(r"\s+", "", receipt or "").upper()
    if not receipt:
        return None
    return (
        Objection.objects.select_related("publicity__office", "publicity__unit", "application")
        .filter(receipt__iexact=receipt)
        .first()
    )


def objection_file(*, application: Application, name: str, contact: str, content: str) -> Objection:
    """Anyone may object, with a real name and a contact (kept private), to a case in a current publicity.
    The open objection holds the case past the end of its period until the responsible clerk decides it.
    Errors: DomainError (missing fields, period over), TransitionConflict (the case is not in a publicity).
    """
    name, contact, content = (name or "").strip(), (contact or "").strip(), (content or "").strip()
    missing = [label for label, v in (("实名", name), ("联系方式", contact), ("异议内容", content)) if not v]
    if missing:
        raise DomainError("objection_incomplete", f"提出异议须填写{'、'.join(missing)}", source=f"{SEED_000} 五(一)")
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=application.pk)
        entry = PublicityEntry.objects.select_related("publicity").filter(application=app, left_at__isnull=True).first()
        if entry is None or app.status not in PUBLICITY_STATES:
            raise TransitionConflict("not_in_publicity", "该申报不在公示期内，不能对其提出异议")
        now = timezone.now()
        if not app.held_provisional and app.held_until is not None and now >= app.held_until:
            raise DomainError("publicity_over", "公示期已满，不再受理异议", source=KIND_RULE[entry.publicity.kind])
        _objection_limits(app, contact, now)
        app_services.application_objection_opened(application=app)
        objection = Objection.objects.create(
            publicity=entry.publicity, application=app, name=name, contact=contact, content=content, filed_at=now,
            receipt=objection_receipt_new(now),
        )  # fmt: skip
        notify(
            _responsible(entry.publicity.kind, app),
            f"收到对申报 {app.number} 的异议",
            f"{entry.publicity.title}：请调查核实并登记处理结论。异议办结前该申报不会离开公示。",
            link=f"/cases/{app.pk}/",
        )
    return objection


def _contact_key(contact: str) -> str:
    return "".join(ch for ch in contact.lower() if ch.isalnum() or ch in "@.")


def _objection_limits(app: Application, contact: str, now: dt.datetime) -> None:
    """Flood limits (issue 16), counted in the database under the case's lock: per case per day, per contact per
    day across all cases, and one open objection per contact and case. Refusals are 429 with a Chinese reason."""
    cfg = settings.ZHICHENG
    since = now - dt.timedelta(days=1)
    per_case = cfg["OBJECTIONS_PER_CASE_PER_DAY"]
    if Objection.objects.filter(application=app, filed_at__gte=since).count() >= per_case:
        raise TooManyRequests(
            "objection_case_limit",
            f"该申报 24 小时内收到的异议已达 {per_case} 件上限，请稍后再提出，或直接向负责公示的单位或办事机构反映",
            wait=86400,
        )
    key = _contact_key(contact)
    still_open = Objection.objects.filter(application=app, status=Objection.Status.OPEN).values_list(
        "contact", flat=True
    )
    if any(_contact_key(c) == key for c in still_open):
        raise TooManyRequests(
            "objection_duplicate", "您对该申报提出的异议正在调查中，请等待处理结果；如有补充，请直接联系负责单位"
        )
    recent = Objection.objects.filter(filed_at__gte=since).values_list("contact", flat=True)
    mine = [c for c in recent if _contact_key(c) == key]
    per_contact = cfg["OBJECTIONS_PER_CONTACT_PER_DAY"]
    if len(mine) >= per_contact:
        raise TooManyRequests(
            "objection_contact_limit", f"同一联系方式 24 小时内最多提出 {per_contact} 件异议", wait=86400
        )


def objection_decide(*, objection: Objection, actor, upheld: bool, reason: str) -> Objection:
    """The responsible clerk records the investigation: upheld stops the case (rejected; the applicant is told
    the reason), dismissed lets it go on — at once if its period is already over and nothing else holds it.
    Errors: DomainError (no reason), PermissionDenied, TransitionConflict (already decided).
    """
    if not (reason or "").strip():
        raise DomainError("reason_required", "处理异议须写明调查结论", source=f"{SEED_000} 五(一)(三)")
    with transaction.atomic():
        obj = Objection.objects.select_for_update().select_related("publicity").get(pk=objection.pk)
        if obj.status != Objection.Status.OPEN:
            raise TransitionConflict("objection_decided", f"该异议已办结（{obj.get_status_display()}）")
        app = app_services.application_objection_decided(
            application=obj.application, actor=actor, upheld=upheld, reason=reason
        )
        now = timezone.now()
        obj.status = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
        obj.decided_by, obj.decided_at, obj.decision_reason = actor, now, reason
        obj.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        entry = PublicityEntry.objects.filter(publicity=obj.publicity, application=app, left_at__isnull=True)
        if upheld:
            entry.update(left_at=now, outcome=PublicityEntry.Outcome.OBJECTION_UPHELD)
            Objection.objects.filter(application=app, status=Objection.Status.OPEN).update(
                status=Objection.Status.MOOT, decided_at=now
            )
        elif app.open_objections == 0 and app.held_until and not app.held_provisional and now >= app.held_until:
            try:
                with transaction.atomic():
                    app_services.application_publicity_end(application=app)
                    entry.update(left_at=timezone.now(), outcome=PublicityEntry.Outcome.MOVED)
            except TransitionConflict:
                pass  # e.g. the committee 公示 still waits for the paper materials: the sweep moves it later
        public.public_changed_soon(office_id=obj.publicity.office_id)  # the cached public page (issue 17)
    return obj


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
