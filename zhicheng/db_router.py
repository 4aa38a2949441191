"""Reads of public pages, dashboards and exports may go to a PostgreSQL replica (issue 17).

`DATABASE_REPLICA_URL` set → a `replica` database alias exists, and code inside `reading_replica()` (the
`@replica_reads` views) reads from it. Everything else, every write, and every read inside a transaction stays on
`default`. Without the setting nothing changes. A replica lags its primary by a little: only pages that may show
figures a few seconds old use it.
"""

from __future__ import annotations

import contextvars
import functools
from contextlib import contextmanager

from django.conf import settings
from django.db import connections

_use_replica = contextvars.ContextVar("zhicheng_use_replica", default=False)
REPLICA = "replica"


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def reading_replica():
    token = _use_replica.set(True)
    try:
        yield
    finally:
        _use_replica.reset(token)


def replica_reads(view):
    """Decorator for a view whose reads may be served by the replica."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        with reading_replica():
            return view(*args, **kwargs)

    return wrapped


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _use_replica.get() and replica_configured() and not connections["default"].in_atomic_block:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
