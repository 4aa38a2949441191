"""The audit trail cannot be rewritten (issue 16): the application's restricted role, triggers without a bypass,
the hash chain written by the database and `manage.py audit_verify` naming the first broken link."""

import io
import secrets

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from applications import services
from applications.models import ApplicationEvent
from tests.factories import answers, submit
from zhicheng import audit

pytestmark = pytest.mark.postgres
TABLE = "applications_applicationevent"
PGTRIGGER_IGNORE = "{pgtrigger_event_append_only_update_d1d68,pgtrigger_event_append_only_delete_ac916}"


def _verify() -> str:
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def _as_owner_without_triggers(sql: str, params=()) -> None:
    """What only the owner (here the superuser) can do: bypass the triggers. The chain must notice."""
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER ALL")
        cur.execute(sql, params)
        cur.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER ALL")
        for name in ("chain", "update", "delete", "truncate"):
            cur.execute(f"ALTER TABLE {TABLE} ENABLE ALWAYS TRIGGER {audit.TRIGGER_PREFIX}{name}")


@pytest.fixture
def app_role(transactional_db):
    """A login role set up exactly as README「生产部署」 says (`manage.py db_grants`), and a connection as it."""
    name = f"zc_app_{connection.settings_dict['NAME']}_{secrets.token_hex(3)}".lower()
    password = secrets.token_hex(12)
    with connection.cursor() as cur:
        cur.execute(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{password}' NOSUPERUSER NOCREATEDB NOCREATEROLE")
    call_command("db_grants", app_role=name, stdout=io.StringIO())
    s = connection.settings_dict
    conn = psycopg.connect(
        host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, dbname=s["NAME"], user=name, password=password,
        autocommit=True,
    )  # fmt: skip
    yield name, conn
    conn.close()
    with connection.cursor() as cur:
        cur.execute(f'DROP OWNED BY "{name}"')
        cur.execute(f'DROP ROLE "{name}"')


def _refused(conn, sql: str) -> str:
    with pytest.raises(psycopg.Error) as exc:
        conn.execute(sql)
    return str(exc.value)


def test_restricted_role_cannot_rewrite_or_unprotect_the_trail(app_role, reference, in_window):
    from tests.factories import World

    role, conn = app_role
    app = submit(World().draft())
    event = app.events.order_by("id").first()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = %s", [role]
        )
        assert cur.fetchone()[0] == 0  # owns nothing

    # It can do its work: read and append events, change ordinary tables.
    assert conn.execute(f"SELECT count(*) FROM {TABLE} WHERE application_id = %s", [app.pk]).fetchone()[0] == 2
    conn.execute("UPDATE applications_application SET updated_at = updated_at WHERE id = %s", [app.pk])

    update = f"UPDATE {TABLE} SET reason = 'tampered' WHERE id = {event.pk}"
    delete = f"DELETE FROM {TABLE} WHERE id = {event.pk}"
    assert "permission denied" in _refused(conn, update)
    assert "permission denied" in _refused(conn, delete)
    assert "permission denied" in _refused(conn, f"TRUNCATE {TABLE}")
    conn.execute(f"SELECT set_config('pgtrigger.ignore', '{PGTRIGGER_IGNORE}', false)")
    assert "permission denied" in _refused(conn, update)
    assert "session_replication_role" in _refused(conn, "SET session_replication_role = replica")
    assert "must be owner" in _refused(conn, f"DROP TRIGGER {audit.TRIGGER_PREFIX}update ON {TABLE}")
    assert "must be owner" in _refused(conn, f"ALTER TABLE {TABLE} DISABLE TRIGGER ALL")
    assert "must be owner" in _refused(conn, f"DROP FUNCTION {TABLE}_chain() CASCADE")

    # A back-dated forged insert goes through the chain trigger: stamped with the real time, hash computed.
    conn.execute(
        f"INSERT INTO {TABLE} (application_id, actor_id, actor_name, actor_role, action, from_status, to_status,"
        " reason, rule, data, created_at, prev_hash, row_hash) VALUES"
        " (%s, NULL, '伪造', 'system', 'forged', 'draft', 'unit_review', '', '', '{}', '2020-01-01', 'x', 'y')",
        [app.pk],
    )
    forged = ApplicationEvent.objects.filter(application=app).order_by("-id").first()
    assert (
        forged.recorded_at.year >= 2025 and forged.row_hash != "y" and forged.prev_hash == app.events.all()[1].row_hash
    )
    assert "哈希链完整" in _verify()
    event.refresh_from_db()
    assert event.reason == ""


@pytest.mark.django_db
def test_triggers_refuse_even_the_owner_with_every_bypass_setting(world, in_window):
    app = submit(world.draft())
    event = app.events.first()
    for setup in (
        f"SELECT set_config('pgtrigger.ignore', '{PGTRIGGER_IGNORE}', true)",
        "SET LOCAL session_replication_role = replica",  # the superuser may set it; ENABLE ALWAYS ignores it
    ):
        for sql in (
            f"UPDATE {TABLE} SET reason = 'tampered' WHERE id = %s",
            f"DELETE FROM {TABLE} WHERE id = %s",
            f"TRUNCATE {TABLE} CASCADE",
        ):
            with pytest.raises(DatabaseError) as exc, transaction.atomic(), connection.cursor() as cur:
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks: TRUNCATE reaches the trigger
                cur.execute(setup)
                cur.execute(sql, [event.pk] if "%s" in sql else None)
            assert "审计记录只能追加" in str(exc.value)
    event.refresh_from_db()
    assert event.reason == "" and app.events.count() == 2


@pytest.mark.django_db
def test_chain_links_every_row_orm_and_set_based_and_keeps_the_actor_name(world, in_window):
    app = submit(world.draft())
    services.application_request_correction(application=app, actor=world.unit_reviewer, items=["缺少学历证书"])
    events = list(app.events.order_by("id"))
    assert [e.prev_hash for e in events[1:]] == [e.row_hash for e in events[:-1]] and events[0].prev_hash == ""
    assert all(len(e.row_hash) == 64 and e.recorded_at for e in events)
    name = world.unit_reviewer.display_name
    assert events[-1].actor_name == name
    world.unit_reviewer.last_name, world.unit_reviewer.first_name = "改", "名"
    world.unit_reviewer.save()
    events[-1].refresh_from_db()
    assert events[-1].actor_name == name  # renaming the user does not rewrite history
    assert "哈希链完整" in _verify()


@pytest.mark.django_db
def test_set_based_close_events_are_chained(world, in_window):
    from publicity import services as pub
    from publicity.models import Publicity
    from tests.publicity.helpers import submitted, system_events, travel

    apps = submitted(world, 3)
    p = pub.publicity_start(kind=Publicity.Kind.UNIT, applications=apps, actor=world.unit_reviewer)
    with travel(2024, 4, 18, 0, 0):
        assert pub.publicity_close(publicity=p, set_based=True).moved == 3
    for a in apps:
        closing = system_events(a).get()
        before = a.events.filter(id__lt=closing.id).order_by("-id").first()
        assert closing.prev_hash == before.row_hash and len(closing.row_hash) == 64 and closing.actor_name == "系统"
    assert "哈希链完整" in _verify()


@pytest.mark.django_db
@pytest.mark.parametrize("tamper", ["edit", "remove", "forge"])
def test_audit_verify_reports_the_first_broken_link(world, in_window, tamper):
    app = submit(world.draft())
    services.application_request_correction(application=app, actor=world.unit_reviewer, items=["缺少学历证书"])
    services.application_resubmit(application=app, actor=app.applicant.user, answers=answers(app))
    first, second, third, fourth = app.events.order_by("id")[:4]
    if tamper == "edit":
        _as_owner_without_triggers(f"UPDATE {TABLE} SET reason = '改过' WHERE id = %s", [second.pk])
        expected = second.pk
    elif tamper == "remove":
        _as_owner_without_triggers(f"DELETE FROM {TABLE} WHERE id = %s", [second.pk])
        expected = third.pk
    else:  # a row slipped in at the end of the chain, linked to it, with a hash the forger made up
        _as_owner_without_triggers(
            f"INSERT INTO {TABLE} (application_id, actor_id, actor_name, actor_role, action, from_status,"
            " to_status, reason, rule, data, created_at, prev_hash, row_hash) SELECT application_id, NULL, '伪造',"
            " actor_role, 'forged', from_status, to_status, '', '', '{}', created_at, row_hash, repeat('f', 64)"
            f" FROM {TABLE} WHERE id = %s RETURNING id",
            [fourth.pk],
        )
        expected = ApplicationEvent.objects.order_by("-id").first().pk
    with pytest.raises(CommandError):
        out = io.StringIO()
        call_command("audit_verify", stdout=out)
    report = out.getvalue()
    assert "第一处断链" in report
    assert f"第 {expected} 行" in report


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize(
    "table,chain,index",
    [
        ("applications_applicationevent", "application_id", "event_chain_last"),
        ("review_meetingevent", "meeting_id", "meeting_event_chain_last"),
        ("review_drawreplacement", "draw_id", "draw_replacement_chain_last"),
    ],
)
def test_the_chain_finds_its_last_row_by_one_index_probe(table, chain, index):
    """Issue 17: the chain trigger's plan is cached per session; made on a small table it scanned every row inserted
    since — 460 audited moves/s in a 50,000-case close. It must always probe the (chain, id) index."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT proconfig FROM pg_proc WHERE proname = %s", [f"{table}_chain"])
        assert "enable_seqscan=off" in cur.fetchone()[0]
        cur.execute("SELECT pg_get_functiondef(%s::regproc)", [f"{table}_chain"])
        assert f"ORDER BY {chain} DESC, id DESC LIMIT 1" in cur.fetchone()[0]
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cur.execute(
            f"PREPARE zc_last(bigint) AS SELECT id, row_hash FROM {table} WHERE {chain} = $1 "
            f"ORDER BY {chain} DESC, id DESC LIMIT 1"
        )
        cur.execute("EXPLAIN EXECUTE zc_last(1)")
        plan = "\n".join(r[0] for r in cur.fetchall())
        cur.execute("DEALLOCATE zc_last")
    # One index probe on the chain column (its (chain, id) index, or the foreign key's with a sort of that one
    # chain's rows) — never the primary key walked backwards, nor a scan of the table.
    assert f"Index Cond: ({chain} = $1)" in plan and "pkey" not in plan and "Seq Scan" not in plan, plan
    assert index in connection.introspection.get_constraints(connection.cursor(), table)
