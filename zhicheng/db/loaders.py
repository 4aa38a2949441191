"""psycopg's C parser for `timestamptz` on every PostgreSQL connection Django opens (issue 17).

Django registers its own loader for `timestamptz`: a Python subclass of psycopg's *pure-Python* loader, so every
date read goes through Python string parsing (5.5 µs a value on the bench machine, 0.75 µs with the C loader;
a case row has a dozen). The C loader cannot be subclassed, so this one holds an instance of it.

It gives the same values only when the session's time zone is UTC, which is what Django sets whenever USE_TZ is on
and the database's TIME_ZONE is unset or UTC; otherwise Django's loader stays. The class carries `timezone` because
Django's `create_cursor` compares it with the connection's zone and registers its own loader again when they
differ.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

try:  # the binary build (requirements/base.txt: psycopg[binary]); without it, Django's loader stays
    from psycopg import adapt
    from psycopg_binary._psycopg import TimestamptzLoader as CTimestamptzLoader
except ImportError:  # pragma: no cover
    CTimestamptzLoader = None

if CTimestamptzLoader is not None:

    class UTCTimestamptzLoader(adapt.Loader):
        """`timestamptz` text → aware datetime in UTC, parsed by psycopg's C loader."""

        timezone = dt.UTC

        def __init__(self, oid, context=None):
            super().__init__(oid, context)
            self._parse = CTimestamptzLoader(oid, context).load

        def load(self, data):
            return self._parse(data)


def applies(connection) -> bool:
    """True when the C loader reads exactly what Django's would on this connection."""
    return (
        CTimestamptzLoader is not None
        and connection.vendor == "postgresql"
        and settings.USE_TZ
        and connection.timezone is dt.UTC
        and connection.timezone_name == "UTC"
    )


def use_c_timestamptz(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: register the C-backed loader on the new connection."""
    if applies(connection):
        connection.connection.adapters.register_loader("timestamptz", UTCTimestamptzLoader)
