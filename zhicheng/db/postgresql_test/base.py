"""PostgreSQL backend for the test settings only: Django's flush (after each transactional test) truncates every
table, which the audit tables refuse (zhicheng/audit.py). As the tables' owner, the test harness lifts the TRUNCATE
refusal for exactly that statement and restores it in the same transaction. Production never uses this backend."""

from django.db.backends.postgresql import operations

from zhicheng import audit
from zhicheng.db.postgresql import base


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        sql = super().sql_flush(style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        if not sql:
            return sql
        return [*audit.disable_for_flush_sql(), *sql, *audit.enable_after_flush_sql()]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
