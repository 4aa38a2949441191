"""The health check without a round trip (zhicheng/db/postgresql, issue 17): an idle, quiet persistent connection is
kept without `SELECT 1`; one the server ended is replaced before the request's first query, so the request after a
terminated session (a restart, pg_terminate_backend) is served, not a 500; anything uncertain still asks."""

from __future__ import annotations

import select

import psycopg
import pytest
from django.conf import settings
from django.db import close_old_connections, connection, connections

from zhicheng.db import postgresql

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="需要 PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def persistent(monkeypatch):
    """The default connection as a persistent one with health checks, as gunicorn's threads hold it."""
    wrapper = connections["default"]
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", True)
    connection.close()
    connection.ensure_connection()
    assert connection.health_check_enabled
    probes = []
    real = type(wrapper).is_usable
    monkeypatch.setattr(type(wrapper), "is_usable", lambda self: probes.append(1) or real(self))
    yield probes
    connection.close()


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _next_request_pid() -> int:
    close_old_connections()  # what request_started runs
    return _backend_pid()


def _terminate(pid: int) -> None:
    params = connection.get_connection_params()
    keep = {"dbname", "user", "host", "port", "password"}
    with psycopg.connect(**{k: v for k, v in params.items() if k in keep}, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    poller = select.poll()  # wait until the server's goodbye reaches the socket
    poller.register(connection.connection.pgconn.socket, select.POLLIN)
    assert poller.poll(2000), "终止后套接字仍无数据"


def test_an_idle_quiet_connection_is_kept_without_a_round_trip(persistent):
    pid = _backend_pid()
    for _ in range(3):
        assert _next_request_pid() == pid
    assert persistent == []  # no SELECT 1


def test_a_connection_the_server_ended_is_replaced_before_the_first_query(persistent):
    pid = _backend_pid()
    _terminate(pid)
    new_pid = _next_request_pid()  # without the check this query raises OperationalError
    assert new_pid != pid
    assert persistent == [1]  # the socket had the server's goodbye: SELECT 1 asked, failed, connection replaced


def test_errors_seen_on_the_connection_still_ask(persistent):
    pid = _backend_pid()
    connection.errors_occurred = True
    assert _next_request_pid() == pid
    assert persistent == [1]


def test_every_postgresql_alias_takes_the_project_backend():
    for alias in settings.DATABASES.values():
        if alias["ENGINE"].endswith("postgresql") or alias["ENGINE"].endswith("postgresql_test"):
            assert alias["ENGINE"].startswith("zhicheng.db.")
    assert isinstance(connections["default"], postgresql.base.DatabaseWrapper)
