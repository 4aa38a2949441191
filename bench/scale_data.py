"""Build a provincial-scale data set straight into PostgreSQL (issue 17).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench1m .venv/bin/python bench/scale_data.py            # 1,000,000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench100k .venv/bin/python bench/scale_data.py --cases 100000

The database is dropped and created again (it must not be the one you work in), migrated, and given the reference
data. Then ~5,000 units under the real regions, ~0.75 applicants per case, and N cases over five yearly cohorts
are written with COPY: the current cohort spread over the open states, the older ones finished. Every case has
the audit events of the path that brought it to its state (they replay), its publicity entries (closed ones left,
open ones in open publicities whose end is ahead), its meeting agenda row and result when it reached a meeting,
an open correction deadline when it is in correction. Foreign keys and secondary indexes are dropped before the
load and created again after it (so every foreign key is validated against the loaded rows); unique constraints
stay on throughout. The case counters are rebuilt from the rows at the end, and the bench users (password
`bench-pass-17`) are printed: one per role, scoped to a median unit, its department and the busiest office.

Simplifications (said so in docs/performance.md): every 评审 case is in the one review cycle the reference data
has (2024) whatever its cohort; certificates are not generated.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhicheng.settings.local")

BENCH_PASSWORD = "bench-pass-17"
# The bulk-loaded audit events carry this instead of a hash chain (the chain trigger is off during COPY, as a
# per-row chain lookup would take hours): `manage.py audit_verify` reports them; moves made later chain after them.
UNCHAINED = "0" * 64
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉玲建国文斌宇浩凯健俊帆帅旭宁琳欣悦晨"

# status -> share of the current cohort; older cohorts are finished (FINISHED below)
CURRENT = {
    "draft": 5, "unit_review": 14, "unit_publicity": 5, "dept_recheck": 7, "committee_review": 11,
    "committee_publicity": 5, "awaiting_meeting": 14, "in_meeting": 3, "passed": 2, "result_publicity": 3,
    "awaiting_publication": 5, "correction": 4, "returned": 2, "rejected": 4, "withdrawn": 3, "abandoned": 3,
    "published": 3, "not_passed": 2, "association_review": 3, "municipal_approval": 2,
}  # fmt: skip
FINISHED = {"certified": 55, "published": 8, "not_passed": 21, "rejected": 6, "withdrawn": 4, "abandoned": 4,
            "revoked": 1, "approved": 1}  # fmt: skip
INITIAL_STATES = {"association_review", "municipal_approval", "approved"}

# the linear path of a 评审 case: (action, target)
REVIEW_PATH = [
    ("submit", "unit_review"), ("unit_approve", "unit_publicity"), ("unit_publicity_end", "dept_recheck"),
    ("dept_approve", "committee_review"), ("committee_approve", "committee_publicity"),
    ("committee_publicity_end", "awaiting_meeting"), ("meeting_open", "in_meeting"), ("record_result", "passed"),
    ("result_publicity_start", "result_publicity"), ("result_publicity_end", "awaiting_publication"),
    ("publish", "published"), ("certify", "certified"),
]  # fmt: skip
ROLE_OF = {
    "create": "applicant", "submit": "applicant", "unit_approve": "unit_reviewer", "unit_publicity_end": "system",
    "dept_approve": "dept_reviewer", "committee_approve": "committee_clerk", "committee_publicity_end": "system",
    "meeting_open": "committee_clerk", "record_result": "committee_clerk", "result_publicity_start": "committee_clerk",
    "result_publicity_end": "system", "publish": "supervisor", "certify": "committee_clerk",
    "request_correction": "unit_reviewer", "return_out_of_scope": "committee_clerk", "reject": "unit_reviewer",
    "withdraw": "applicant", "abandon_correction": "system", "association_approve": "association_clerk",
    "municipal_approve": "supervisor", "revoke": "supervisor",
}  # fmt: skip
PUBLICITY_KIND = {"unit_publicity": "unit", "committee_publicity": "committee", "result_publicity": "result"}


def path_to(status: str, rng: random.Random) -> list[tuple[str, str]]:
    """The acts that bring a new draft to `status` (each a real transition of the state machine)."""
    steps = [("create", "draft")]
    if status == "draft":
        return steps
    if status in ("association_review", "municipal_approval", "approved"):
        steps.append(("submit", "association_review"))
        if status == "association_review":
            return steps
        if status == "municipal_approval" or rng.random() < 0.5:
            steps.append(("association_approve", "municipal_approval"))
            if status == "municipal_approval":
                return steps
            steps.append(("municipal_approve", "approved"))
        else:
            steps.append(("association_approve", "approved"))
        return steps
    review = [t for _, t in REVIEW_PATH]
    if status in review:
        stop = review.index(status)
        return steps + REVIEW_PATH[: stop + 1]
    if status == "not_passed":
        return steps + REVIEW_PATH[: review.index("in_meeting") + 1] + [("record_result", "not_passed")]
    if status == "revoked":
        return steps + REVIEW_PATH + [("revoke", "revoked")]
    if status == "correction":
        at = rng.choice(["unit_review", "dept_recheck", "committee_review"])
        return steps + REVIEW_PATH[: review.index(at) + 1] + [("request_correction", "correction")]
    if status == "abandoned":
        return steps + REVIEW_PATH[:1] + [("request_correction", "correction"), ("abandon_correction", "abandoned")]
    if status == "returned":
        return steps + REVIEW_PATH[: review.index("committee_review") + 1] + [("return_out_of_scope", "returned")]
    if status == "rejected":
        at = rng.choice(["unit_review", "committee_review"])
        return steps + REVIEW_PATH[: review.index(at) + 1] + [("reject", "rejected")]
    if status == "withdrawn":
        return steps + REVIEW_PATH[:1] + [("withdraw", "withdrawn")]
    raise ValueError(status)


def check_digit_id(birth: dt.date, seq: int, region: str = "321102") -> str:
    from applications.idcard import make_id_number

    return make_id_number(region, birth, seq)


class Copier:
    """Rows as tab-separated text, written with COPY in large chunks."""

    def __init__(self, conn, table: str, columns: list[str]):
        self.conn, self.table, self.columns = conn, table, columns
        self.buf = io.StringIO()
        self.rows = 0

    def add(self, *values) -> None:
        self.buf.write("\t".join(_text(v) for v in values))
        self.buf.write("\n")
        self.rows += 1
        if self.rows % 200_000 == 0:
            self.flush()

    def flush(self) -> None:
        data = self.buf.getvalue()
        if not data:
            return
        with self.conn.cursor() as cur, cur.copy(f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN") as cp:
            cp.write(data)
        self.buf = io.StringIO()


def _text(v) -> str:
    if v is None:
        return r"\N"
    if v is True:
        return "t"
    if v is False:
        return "f"
    if isinstance(v, dt.datetime):
        return v.isoformat()
    return str(v)


def recreate_database(url: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    name = urlparse(url).path.lstrip("/")
    if name in ("", "postgres", "template1"):
        raise SystemExit("DATABASE_URL 须指向专用的基准测试库")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=0, help="default: cases / 200, at most 5,000")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("DATABASE_URL 须为 PostgreSQL")
    t0 = time.monotonic()
    recreate_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    print(f"schema and reference data: {time.monotonic() - t0:.0f} s", flush=True)
    build(args.cases, args.units or max(50, min(5000, args.cases // 200)), random.Random(args.seed))
    print(f"total: {time.monotonic() - t0:.0f} s", flush=True)
    return 0


def build(n_cases: int, n_units: int, rng: random.Random) -> None:  # noqa: C901 — one long, linear load
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from applications import counters
    from applications.idcard import id_hash
    from applications.models import Committee, InitialCycle, ReviewCycle, mask_id_number
    from organisations.models import CommitteeOffice, Department, Region, RoleMembership, Unit
    from zhicheng import audit
    from zhicheng.models import User
    from zhicheng.roles import Role

    t = time.monotonic()
    now = timezone.now().replace(microsecond=0)
    regions = list(Region.objects.order_by("id"))
    departments = []
    for r in regions:
        for i in range(8):
            departments.append(
                Department.objects.create(
                    name=f"{r.name}主管部门{i + 1:02d}", kind=Department.Kind.choices[0][0], region=r
                )
            )
    ownership = Unit.Ownership.choices
    units = Unit.objects.bulk_create(
        Unit(
            name=f"基准单位{i:05d}",
            region=regions[i % len(regions)],
            ownership=ownership[i % len(ownership)][0],
            is_private_enterprise=i % 3 == 0,
            department=departments[(i * 7) % len(departments)] if i % 5 else None,
        )
        for i in range(n_units)
    )
    # skewed sizes: a few large units, a long tail
    weights = [1 / (r + 10) ** 0.9 for r in range(n_units)]
    total_w = sum(weights)
    cum, acc = [], 0.0
    for w in weights:
        acc += w / total_w
        cum.append(acc)

    cycle = ReviewCycle.objects.order_by("-year").first()
    initial_cycle = InitialCycle.objects.order_by("-year").first()
    committees = list(Committee.objects.filter(cycle=cycle).prefetch_related("series", "levels"))
    committees = [c for c in committees if c.series.all() and c.levels.all()]
    password = make_password(BENCH_PASSWORD)

    # bench users, one per role
    def user(name, role, **scope):
        u = User.objects.create(username=name, password=password, first_name=name)
        RoleMembership.objects.create(user=u, role=role, **scope)
        return u

    unit_sizes = sorted(range(n_units), key=lambda i: weights[i])
    median_unit = units[unit_sizes[len(unit_sizes) // 2]]
    dept = median_unit.department or departments[0]
    busiest_office = CommitteeOffice.objects.get(pk=max(
        (c.office_id for c in committees), key=lambda o: sum(1 for c in committees if c.office_id == o)))  # fmt: skip
    bench_users = {
        "supervisor": user("bench_supervisor", Role.SUPERVISOR),
        "unit_reviewer": user("bench_unit", Role.UNIT_REVIEWER, unit=median_unit),
        "dept_reviewer": user("bench_dept", Role.DEPT_REVIEWER, department=dept),
        "committee_clerk": user("bench_clerk", Role.COMMITTEE_CLERK, office=busiest_office),
        "association_clerk": user("bench_assoc", Role.ASSOCIATION_CLERK, office=initial_cycle.office),
    }
    actor_of = {role: u.pk for role, u in bench_users.items()}
    actor_name = {role: u.display_name for role, u in bench_users.items()}
    print(f"units {n_units}, departments {len(departments)}, bench users: {time.monotonic() - t:.1f} s", flush=True)

    connection.ensure_connection()
    conn = connection.connection  # the psycopg connection under Django's
    big = [
        "zhicheng_user", "applications_applicantprofile", "applications_application", "applications_applicationevent",
        "publicity_publicity", "publicity_publicityentry", "review_meeting", "review_meeting_applications",
        "review_meetingresult", "applications_deadline",
    ]  # fmt: skip
    restore = drop_indexes_and_fks(conn, big)
    with conn.cursor() as cur:  # the loaded history is not hash-chained (see UNCHAINED); the triggers are back after
        cur.execute(f"ALTER TABLE applications_applicationevent DISABLE TRIGGER {audit.TRIGGER_PREFIX}chain")
    conn.commit()

    def next_id(table):
        with conn.cursor() as cur:
            cur.execute(f"SELECT COALESCE(max(id), 0) + 1 FROM {table}")
            return cur.fetchone()[0]

    t = time.monotonic()
    n_profiles = max(1, n_cases * 3 // 4)
    uid0, pid0 = next_id("zhicheng_user"), next_id("applications_applicantprofile")
    users_c = Copier(conn, "zhicheng_user", ["id", "password", "is_superuser", "username", "first_name", "last_name",
                                             "email", "is_staff", "is_active", "date_joined", "phone"])  # fmt: skip
    prof_c = Copier(conn, "applications_applicantprofile", [
        "id", "user_id", "name", "id_number", "phone", "residence", "employment", "unit_id", "employed_since",
        "work_started_on", "is_civil_servant", "is_retired", "is_public_institution_staff", "sanction_until",
        "social_security_queryable", "id_kind", "id_hash", "id_masked", "work_permit_number",
        "birth_date"])  # fmt: skip
    profile_unit = []
    names = []
    base_birth = dt.date(1965, 1, 1)
    joined = now - dt.timedelta(days=5 * 365)
    for i in range(n_profiles):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        unit = units[_pick(cum, rng.random())]
        birth = base_birth + dt.timedelta(days=(i // 1000) * 13)
        users_c.add(uid0 + i, "!", False, f"p{i:07d}", name, "", "", False, True, joined, "")
        number = check_digit_id(birth, i % 1000)
        prof_c.add(pid0 + i, uid0 + i, name, number, f"139{i:08d}", "mainland", "contract",
                   unit.pk, dt.date(2010, 1, 1), dt.date(2008, 7, 1), False, False, False, None, True,
                   "resident", id_hash("resident", number), mask_id_number(number), "", birth)  # fmt: skip
        profile_unit.append(unit)
        names.append(name)
    users_c.flush()
    prof_c.flush()
    conn.commit()
    print(f"{n_profiles} users and applicant profiles: {time.monotonic() - t:.0f} s", flush=True)

    t = time.monotonic()
    aid0, eid0 = next_id("applications_application"), next_id("applications_applicationevent")
    app_c = Copier(conn, "applications_application", [
        "id", "number", "applicant_id", "unit_id", "route", "review_cycle_id", "initial_cycle_id", "series_id",
        "specialty_id", "subspecialty_id", "level_id", "committee_id", "office_id", "young_talent_direct", "status",
        "correction_from", "correction_items", "held_until", "held_provisional", "open_objections",
        "paper_received_at", "pledge_text", "pledge_signed_at", "pledge_ip", "submitted_at", "created_at",
        "updated_at", "held_since", "held_working_days", "unit_publicity_passed_at", "committee_publicity_passed_at",
        "result_publicity_passed_at", "correction_answers"])  # fmt: skip
    ev_c = Copier(conn, "applications_applicationevent", [
        "id", "application_id", "actor_id", "actor_role", "action", "from_status", "to_status", "reason", "rule",
        "data", "created_at", "actor_name", "recorded_at", "prev_hash", "row_hash"])  # fmt: skip
    entry_c = Copier(conn, "publicity_publicityentry", ["publicity_id", "application_id", "left_at", "outcome"])
    agenda_c = Copier(conn, "review_meeting_applications", ["meeting_id", "application_id"])
    result_c = Copier(conn, "review_meetingresult", [
        "meeting_id", "application_id", "present", "approvals", "required", "passed", "recorded_by_id",
        "recorded_at"])  # fmt: skip
    deadline_c = Copier(conn, "applications_deadline", [
        "application_id", "kind", "due_at", "last_day", "provisional", "working_days", "extended", "extension_reason",
        "reminded_at", "closed_at", "outcome", "created_at", "requested_by_id", "requested_role", "step"])  # fmt: skip
    pub_c = Copier(conn, "publicity_publicity", ["id", "kind", "title", "unit_id", "office_id", "published_by_id",
                                                 "starts_on", "working_days", "last_day", "ends_at", "provisional",
                                                 "created_at", "closed_at"])  # fmt: skip
    meet_c = Copier(conn, "review_meeting", [
        "id", "committee_id", "office_id", "cycle_id", "series_id", "level_id", "title", "date", "place", "pass_rate",
        "panel_size", "status", "created_by_id", "created_at", "opened_at", "closed_at", "late_reason"])  # fmt: skip
    pubs: dict = {}
    meetings: dict = {}
    pub_id = [next_id("publicity_publicity")]
    meet_id = [next_id("review_meeting")]
    open_until = now + dt.timedelta(days=4)

    def publicity_for(kind, owner_unit, office_id, year, current):
        key = (kind, owner_unit.pk if kind == "unit" else office_id, year, current)
        if key not in pubs:
            pk = pub_id[0]
            pub_id[0] += 1
            start = dt.date(year, 5, 1) if not current else (now - dt.timedelta(days=2)).date()
            ends = open_until if current else dt.datetime(year, 5, 9, 16, tzinfo=dt.UTC)
            label = {"unit": "单位评前公示", "committee": "评委会公示", "result": "评审结果公示"}[kind]
            pub_c.add(pk, kind, f"{year}年{label}（{owner_unit.name if kind == 'unit' else office_id}）",
                      owner_unit.pk if kind == "unit" else None, office_id if kind != "unit" else None,
                      actor_of["supervisor"], start, 5, (ends - dt.timedelta(seconds=1)).date(), ends, False,
                      ends - dt.timedelta(days=8), None if current else ends + dt.timedelta(hours=1))  # fmt: skip
            pubs[key] = pk
        return pubs[key]

    def meeting_for(committee, level_id, series_id, year, current):
        key = (committee.pk, year, current)
        if key not in meetings:
            pk = meet_id[0]
            meet_id[0] += 1
            day = dt.date(year, 9, 20) if not current else now.date()
            at = dt.datetime(day.year, day.month, day.day, 9, tzinfo=dt.UTC)
            meet_c.add(pk, committee.pk, committee.office_id, cycle.pk, series_id, level_id,
                       f"{year}年{committee.label}评审会议", day, "评审会议室", "0.600", 7,
                       "open" if current else "closed", actor_of["committee_clerk"], at - dt.timedelta(days=20),
                       at, None if current else at + dt.timedelta(hours=6), "")  # fmt: skip
            meetings[key] = pk
        return meetings[key]

    years = [now.year - 4 + k for k in range(5)]
    cur_states, cur_w = zip(*CURRENT.items(), strict=True)
    fin_states, fin_w = zip(*FINISHED.items(), strict=True)
    eid = eid0
    for i in range(n_cases):
        aid = aid0 + i
        cohort = years[min(4, i * 5 // n_cases)]
        current = cohort == years[-1]
        status = rng.choices(cur_states if current else fin_states, cur_w if current else fin_w)[0]
        p = i if i < n_profiles else rng.randrange(n_profiles)
        unit = profile_unit[p]
        route = "initial" if status in INITIAL_STATES else "review"
        if route == "review":
            committee = committees[(unit.pk * 31 + i) % len(committees)]
            series_id = rng.choice(list(committee.series.all())).pk
            level_id = rng.choice(list(committee.levels.all())).pk
            office_id, committee_id = committee.office_id, committee.pk
        else:
            committee, committee_id, office_id = None, None, initial_cycle.office_id
            series_id, level_id = rng.choice(list(committees[0].series.all())).pk, 1
        steps = path_to(status, rng)
        if current:
            created = now - dt.timedelta(days=rng.randrange(60, 200), seconds=rng.randrange(86400))
        else:
            created = dt.datetime(cohort, 1, 1, tzinfo=dt.UTC) + dt.timedelta(
                days=rng.randrange(0, 90), seconds=rng.randrange(86400))  # fmt: skip
        step_gap = dt.timedelta(days=2) if current else dt.timedelta(days=20)
        at = created
        prev = ""
        submitted = None
        held = None
        paper = None
        correction_from = ""
        held_since = None
        passed_at = {}  # publicity state -> when the case left it (the facts later acts read)
        for k, (action, target) in enumerate(steps):
            role = ROLE_OF[action]
            actor = uid0 + p
            if role != "applicant":
                actor = actor_of.get(role)
            ev_c.add(eid, aid, actor, role, action, prev, target, "", "", "{}", at, names[p] if role == "applicant"
                     else actor_name.get(role, "系统"), at, "", UNCHAINED)  # fmt: skip
            eid += 1
            if action == "submit":
                submitted = at
            if prev in PUBLICITY_KIND and target not in PUBLICITY_KIND:
                passed_at[prev] = at
            if target == "correction":
                correction_from = prev
            kind = PUBLICITY_KIND.get(target)
            last = k == len(steps) - 1
            if kind:
                open_now = last and current
                owner = unit
                pk = publicity_for(kind, owner, office_id, cohort, open_now)
                entry_c.add(pk, aid, None if open_now else at + step_gap, "" if open_now else "moved")
                if open_now:
                    held, held_since = open_until, at.date()
                if target == "committee_publicity":
                    paper = at + dt.timedelta(days=1)
            if target == "in_meeting":
                mk = meeting_for(committee, level_id, series_id, cohort, last and current)
                agenda_c.add(mk, aid)
                if not last:
                    passed = steps[k + 1][1] == "passed"
                    result_c.add(mk, aid, 7, 6 if passed else 3, 5, passed, actor_of["committee_clerk"],
                                 at + dt.timedelta(hours=6))  # fmt: skip
            prev = target
            if not last:
                at = at + step_gap
        if status == "correction":
            due = now + dt.timedelta(days=10)
            deadline_c.add(aid, "correction", due, due.date(), False, 10, False, "", None, None, "", at,
                           actor_of.get(ROLE_OF["request_correction"]), ROLE_OF["request_correction"],
                           correction_from)  # fmt: skip
        app_c.add(aid, f"ZJ{cohort}{aid:08d}" if submitted else None, pid0 + p, unit.pk, route,
                  cycle.pk if route == "review" else None, initial_cycle.pk if route == "initial" else None,
                  series_id, None, None, level_id, committee_id if status != "draft" else None,
                  office_id if status != "draft" else None, False, status, correction_from,
                  '["补充业绩材料"]' if status == "correction" else "[]", held, False, 0, paper,
                  "承诺" if submitted else "", submitted, "127.0.0.1" if submitted else None, submitted,
                  created, at, held_since, 5 if held_since else None, passed_at.get("unit_publicity"),
                  passed_at.get("committee_publicity"), passed_at.get("result_publicity"), "[]")  # fmt: skip
        if i and i % 100_000 == 0:
            print(f"  {i} cases ({time.monotonic() - t:.0f} s)", flush=True)
    for c in (pub_c, meet_c, app_c, ev_c, entry_c, agenda_c, result_c, deadline_c):
        c.flush()
    conn.commit()
    print(f"{n_cases} cases, {eid - eid0} events, {entry_c.rows} publicity entries, {result_c.rows} meeting results:"
          f" {time.monotonic() - t:.0f} s", flush=True)  # fmt: skip

    t = time.monotonic()
    with conn.cursor() as cur:
        for table in big:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    for sql in restore:
        with conn.cursor() as cur:
            cur.execute(sql)
    with conn.cursor() as cur:
        cur.execute(f"ALTER TABLE applications_applicationevent ENABLE ALWAYS TRIGGER {audit.TRIGGER_PREFIX}chain")
    conn.commit()
    print(f"indexes and foreign keys rebuilt: {time.monotonic() - t:.0f} s", flush=True)
    t = time.monotonic()
    counters.rebuild()
    counters.compact()
    conn.commit()
    conn.autocommit = True
    with connection.cursor() as cur:
        cur.execute("VACUUM (ANALYZE)")
    with connection.cursor() as cur:
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cur.fetchone()[0]
    print(f"counters rebuilt, VACUUM ANALYZE: {time.monotonic() - t:.0f} s; database size {size}", flush=True)
    print(f"bench users (password {BENCH_PASSWORD}): " + ", ".join(f"{r}={u.username}" for r, u in bench_users.items()))
    print(f"median unit {median_unit.pk}, department {dept.pk}, busiest office {busiest_office.pk}")


def _pick(cum: list[float], x: float) -> int:
    lo, hi = 0, len(cum) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def drop_indexes_and_fks(conn, tables: list[str]) -> list[str]:
    """Drop the foreign keys and the indexes that back no constraint on `tables`; return the SQL that restores them
    (indexes first, then the foreign keys, which PostgreSQL validates against every row)."""
    with conn.cursor() as cur:
        cur.execute(
            """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
                WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)""",
            [tables],
        )
        fks = cur.fetchall()
        cur.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
                WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
            [tables],
        )
        indexes = cur.fetchall()
        for table, name, _ in fks:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cur.execute(f'DROP INDEX "{name}"')
    return [d for _, d in indexes] + [f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, d in fks]


if __name__ == "__main__":
    raise SystemExit(main())
