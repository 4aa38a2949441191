"""The PostgreSQL backend in every setting (the test one subclasses it): Django's, with a health check that costs no
round trip when the connection is idle and the server has sent nothing since its last answer.

Django's health check (CONN_HEALTH_CHECKS) runs `SELECT 1` before the first query of every request on a persistent
connection: 42 µs of a worker's CPU and a round trip per request, against ~3 µs for looking at the socket. A server
that ends a session (a restart, pg_terminate_backend, an idle timeout) sends an error and closes the socket, so a
closed connection's socket has something to read. An idle, readable-free socket is therefore kept without asking;
anything else — bytes waiting, a transaction open, errors seen on it — gets Django's `SELECT 1` as before, and a
connection that fails it is replaced before the request's first query (tests/zhicheng/test_health_check.py)."""

import select

from django.db.backends.postgresql import base
from psycopg import pq


def _quiet(connection) -> bool:
    """True when the psycopg connection is open, outside a transaction and nothing waits on its socket."""
    if connection.closed or connection.broken:
        return False
    pgconn = connection.pgconn
    if pgconn.status != pq.ConnStatus.OK or pgconn.transaction_status != pq.TransactionStatus.IDLE:
        return False
    poller = select.poll()
    poller.register(pgconn.socket, select.POLLIN | select.POLLPRI)
    return not poller.poll(0)


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not self.pool
            and not self.errors_occurred
            and _quiet(self.connection)
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
