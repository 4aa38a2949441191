"""Append-only, hash-chained audit tables in PostgreSQL (issue 16).

`append_only_sql(...)` gives the SQL a migration runs (`migrations.RunSQL(*append_only_sql(...))`) to make one
table an audit trail that even its owner cannot quietly rewrite from the application:

- plain PL/pgSQL triggers refuse UPDATE, DELETE and TRUNCATE. There is no setting that turns them off (unlike
  pgtrigger's `pgtrigger.ignore`), and they are `ENABLE ALWAYS`, so `session_replication_role = replica` does not
  skip them either. Only the table's owner can drop or disable them — and the application does not connect as the
  owner (README「生产部署」: the app role holds INSERT and SELECT on these tables and owns nothing);
- a BEFORE INSERT trigger stamps every row with `recorded_at` (the database clock, whatever the insert says),
  `prev_hash` (the previous row of the same chain) and `row_hash` = sha256(prev_hash | the listed fields). Every
  insert gets it: the ORM's and raw SQL's alike. A chain is the rows of one parent (one case, one meeting) or, with
  `chain=None`, the whole table; inserts into one chain are serialised by locking the parent row (`FOR NO KEY
  UPDATE`, which does not block foreign-key checks) or, for a global chain, a transaction advisory lock;
- `verify_chain(...)` (used by `manage.py audit_verify`) recomputes every link and names the first broken one: an
  edited row, a removed row, or a row slipped in with triggers disabled.

The hashed text is `jsonb_build_object` of the listed fields computed with TimeZone UTC (timestamps render the same
whatever the session's zone), so adding a column to the table later does not change old rows' hashes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

TRIGGER_PREFIX = "zc_append_only_"
REFUSE_FUNCTION = "zc_append_only_refuse"


@dataclass(frozen=True)
class AuditChain:
    """One append-only table: its hashed fields and what a chain is (`chain` column and `parent` table, or global)."""

    table: str
    fields: tuple[str, ...]
    chain: str | None = None
    parent: str | None = None
    label: str = ""
    extra: dict = field(default_factory=dict, compare=False)

    def __post_init__(self):
        if (self.chain is None) != (self.parent is None):
            raise ValueError("chain and parent go together")
        for name in (self.table, self.chain or "x", self.parent or "x", *self.fields):
            if not name.replace("_", "").isalnum():
                raise ValueError(f"not a plain SQL identifier: {name!r}")


REGISTRY: dict[str, AuditChain] = {}


def register(chain: AuditChain) -> AuditChain:
    """Declare a protected table so `audit_verify` checks it (apps call this from their models module)."""
    REGISTRY[chain.table] = chain
    return chain


def hash_function_sql(c: AuditChain) -> str:
    pairs = ", ".join(f"'{f}', r.{f}" for f in c.fields)
    return f"""
CREATE OR REPLACE FUNCTION {c.table}_row_hash(prev text, r {c.table}) RETURNS text
LANGUAGE sql STABLE SET TimeZone TO 'UTC' AS $fn$
  SELECT encode(sha256(convert_to(coalesce(prev, '') || '|' || jsonb_build_object({pairs})::text, 'UTF8')), 'hex')
$fn$;"""


def chain_function_sql(c: AuditChain) -> str:
    """The BEFORE INSERT function that links a new row to the last of its chain.

    The last row is found with `ORDER BY <chain> DESC, id DESC LIMIT 1` on the index (<chain>, id), and the function
    runs with `enable_seqscan = off`: its plan is cached per session, and a plan made while the table was small (a
    new installation, or statistics taken before a large insert) would otherwise scan every row inserted since —
    quadratic in a set-based close of 10,000 cases (issue 17: 460 audited moves/s instead of ≥ 10,000)."""
    t = c.table
    if c.chain:
        serialise = f"PERFORM 1 FROM {c.parent} WHERE id = NEW.{c.chain} FOR NO KEY UPDATE;"
        last = (
            f"SELECT id, row_hash INTO last_id, last_hash FROM {t} WHERE {c.chain} = NEW.{c.chain} "
            f"ORDER BY {c.chain} DESC, id DESC LIMIT 1;"
        )
    else:
        serialise = f"PERFORM pg_advisory_xact_lock(hashtext('{t}'));"
        last = f"SELECT id, row_hash INTO last_id, last_hash FROM {t} ORDER BY id DESC LIMIT 1;"
    return f"""
CREATE OR REPLACE FUNCTION {t}_chain() RETURNS trigger LANGUAGE plpgsql SET enable_seqscan TO off AS $fn$
DECLARE
  last_id bigint;
  last_hash text;
BEGIN
  {serialise}
  {last}
  IF last_id IS NOT NULL AND last_id > NEW.id THEN
    -- the id was drawn before this chain's lock was ours: draw again so id order is chain order
    NEW.id := nextval(pg_get_serial_sequence('{t}', 'id'));
  END IF;
  NEW.recorded_at := clock_timestamp();
  NEW.prev_hash := coalesce(last_hash, '');
  NEW.row_hash := {t}_row_hash(NEW.prev_hash, NEW);
  RETURN NEW;
END
$fn$;"""


def append_only_sql(c: AuditChain) -> tuple[str, str]:
    """(forward, reverse) SQL for `migrations.RunSQL`: the refusing triggers and the hash chain on `c.table`.
    The table must already have `recorded_at timestamptz NULL`, `prev_hash varchar(64)` and `row_hash varchar(64)`
    columns (model fields), and a bigint `id` filled from its sequence."""
    t = c.table
    forward = f"""
CREATE OR REPLACE FUNCTION {REFUSE_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION '审计记录只能追加，不可修改或删除：表 % 拒绝 %', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$fn$;
{hash_function_sql(c)}
{chain_function_sql(c)}
CREATE TRIGGER {TRIGGER_PREFIX}chain BEFORE INSERT ON {t} FOR EACH ROW EXECUTE FUNCTION {t}_chain();
CREATE TRIGGER {TRIGGER_PREFIX}update BEFORE UPDATE ON {t} FOR EACH ROW EXECUTE FUNCTION {REFUSE_FUNCTION}();
CREATE TRIGGER {TRIGGER_PREFIX}delete BEFORE DELETE ON {t} FOR EACH ROW EXECUTE FUNCTION {REFUSE_FUNCTION}();
CREATE TRIGGER {TRIGGER_PREFIX}truncate BEFORE TRUNCATE ON {t} FOR EACH STATEMENT EXECUTE FUNCTION {REFUSE_FUNCTION}();
ALTER TABLE {t} ENABLE ALWAYS TRIGGER {TRIGGER_PREFIX}chain;
ALTER TABLE {t} ENABLE ALWAYS TRIGGER {TRIGGER_PREFIX}update;
ALTER TABLE {t} ENABLE ALWAYS TRIGGER {TRIGGER_PREFIX}delete;
ALTER TABLE {t} ENABLE ALWAYS TRIGGER {TRIGGER_PREFIX}truncate;
"""
    reverse = f"""
DROP TRIGGER IF EXISTS {TRIGGER_PREFIX}chain ON {t};
DROP TRIGGER IF EXISTS {TRIGGER_PREFIX}update ON {t};
DROP TRIGGER IF EXISTS {TRIGGER_PREFIX}delete ON {t};
DROP TRIGGER IF EXISTS {TRIGGER_PREFIX}truncate ON {t};
DROP FUNCTION IF EXISTS {t}_chain();
DROP FUNCTION IF EXISTS {t}_row_hash(text, {t});
"""
    return forward, reverse


def backfill_sql(c: AuditChain) -> str:
    """Chain the rows written before the triggers existed, in chain order (run once, after `hash_function_sql` and
    before `append_only_sql`)."""
    chain_expr = f"e.{c.chain}" if c.chain else "0::bigint"
    return f"""
DO $do$
DECLARE r record; prev text := ''; cur_chain bigint; h text;
BEGIN
  -- rows from before the chain: their own time is the best record of when they were written
  UPDATE {c.table} SET recorded_at = created_at WHERE recorded_at IS NULL;
  FOR r IN SELECT e AS row, e.id AS id, {chain_expr} AS zc_chain FROM {c.table} e ORDER BY 3, 2 LOOP
    IF cur_chain IS DISTINCT FROM r.zc_chain THEN prev := ''; cur_chain := r.zc_chain; END IF;
    h := {c.table}_row_hash(prev, r.row);
    UPDATE {c.table} SET prev_hash = prev, row_hash = h WHERE id = r.id;
    prev := h;
  END LOOP;
END
$do$;"""


@dataclass(frozen=True)
class BrokenLink:
    table: str
    id: int
    chain_value: int | None
    reason: str

    def __str__(self):
        where = f"（链 {self.chain_value}）" if self.chain_value is not None else ""
        return f"{self.table} 第 {self.id} 行{where}：{self.reason}"


def verify_chain(c: AuditChain, *, using=None) -> tuple[int, BrokenLink | None]:
    """Walk the table in chain order; return (rows checked, first broken link or None). PostgreSQL only."""
    chain_expr = f"e.{c.chain}" if c.chain else "NULL::bigint"
    order = f"e.{c.chain}, e.id" if c.chain else "e.id"
    sql = f"""
        SELECT e.id, {chain_expr}, e.prev_hash, e.row_hash, {c.table}_row_hash(e.prev_hash, e)
          FROM {c.table} e ORDER BY {order}
    """
    checked = 0
    prev_chain, prev_hash = object(), ""
    conn = connection if using is None else using
    with conn.cursor() as cur:
        cur.execute(sql)
        while rows := cur.fetchmany(2000):
            for pk, chain_value, stored_prev, stored_hash, computed in rows:
                checked += 1
                if chain_value != prev_chain:
                    prev_chain, prev_hash = chain_value, ""
                if (stored_prev or "") != prev_hash:
                    reason = "与上一条记录的哈希不衔接（其前的记录被删除、改动或插入）"
                    return checked, BrokenLink(c.table, pk, chain_value, reason)
                if stored_hash != computed:
                    return checked, BrokenLink(c.table, pk, chain_value, "内容与其哈希不符（记录被改动或伪造）")
                prev_hash = stored_hash
    return checked, None


def disable_for_flush_sql() -> list[str]:
    """Test harness only (zhicheng/db/postgresql_test): the owner lifts the TRUNCATE refusal around Django's flush."""
    return [_toggle("DISABLE")]


def enable_after_flush_sql() -> list[str]:
    return [_toggle("ENABLE ALWAYS")]


def _toggle(verb: str) -> str:
    return f"""DO $do$ DECLARE r record; BEGIN
  FOR r IN SELECT tgrelid::regclass AS t, tgname FROM pg_trigger WHERE tgname = '{TRIGGER_PREFIX}truncate' LOOP
    EXECUTE format('ALTER TABLE %s {verb} TRIGGER %I', r.t, r.tgname);
  END LOOP; END $do$;"""


def app_role_grants_sql(role: str, *, database: str, schema: str = "public") -> list[str]:
    """What the owner (the role that runs migrations) grants the application's role: DML on the ordinary tables,
    only INSERT and SELECT on the audit tables, sequences to draw ids; no ownership, no TRUNCATE, no DDL.
    Idempotent: run it after every `migrate` (`manage.py db_grants`), so tables added later are covered."""
    for name in (role, database, schema):
        if not name.replace("_", "").replace("-", "").isalnum():
            raise ValueError(f"not a plain SQL identifier: {name!r}")
    audited = ", ".join(f"{schema}.{c.table}" for c in REGISTRY.values())
    sql = [
        f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"',
        f'GRANT USAGE ON SCHEMA {schema} TO "{role}"',
        f'REVOKE CREATE ON SCHEMA {schema} FROM "{role}"',
        f'REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM "{role}"',
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO "{role}"',
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO "{role}"',
    ]
    if audited:
        sql.append(f'REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {audited} FROM "{role}"')
    return sql


def install_operation(c: AuditChain, *, backfill: bool = True, suspend_triggers: tuple[str, ...] = (), before=()):
    """The migration operation that makes `c.table` an audit trail (PostgreSQL only; a no-op on SQLite):

        operations = [..., audit.install_operation(audit.AuditChain(table="review_meetingevent",
                      fields=(...), chain="meeting_id", parent="review_meeting"))]

    Freeze the AuditChain in the migration (do not import it from models). `backfill` chains rows that already
    exist; `suspend_triggers` names triggers (e.g. pgtrigger's) that would refuse the backfill's UPDATE; `before`
    is SQL run first (e.g. filling a new snapshot column)."""
    from django.db import migrations

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        # Deferred foreign-key checks queued by the backfill would forbid the ALTER TABLEs that follow it.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE", None)
        schema_editor.execute(hash_function_sql(c), None)
        for name in suspend_triggers:
            schema_editor.execute(f"ALTER TABLE {c.table} DISABLE TRIGGER {name}", None)
        for sql in before:
            schema_editor.execute(sql, None)
        if backfill:
            schema_editor.execute(backfill_sql(c), None)
        for name in suspend_triggers:
            schema_editor.execute(f"ALTER TABLE {c.table} ENABLE TRIGGER {name}", None)
        schema_editor.execute(append_only_sql(c)[0], None)

    def reverse(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(append_only_sql(c)[1], None)

    return migrations.RunPython(forward, reverse)


def chain_function_operation(c: AuditChain):
    """The migration operation that replaces `c.table`'s chain function with today's `chain_function_sql` (the
    triggers stay; PostgreSQL only)."""
    from django.db import migrations

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(chain_function_sql(c), None)

    return migrations.RunPython(forward, migrations.RunPython.noop)
