"""Queries per request of every inbox page, the API inbox and the dashboard do not grow with the data or with the
page size (issue 17): the tabs and the dashboard read counters, reference rows come from memory."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from publicity import services as pub
from publicity.models import Publicity
from tests.factories import submit
from tests.web.test_pages import login

ROLES = ["unit_reviewer", "dept_reviewer", "clerk", "association_clerk", "supervisor"]


def _queries(client, url, params=None) -> int:
    client.get(url, params or {})  # warm: the process's reference rows and cached aggregates are loaded once
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _counts_cases(sql: str) -> bool:
    """A COUNT over the cases (the user's own unread notices may be counted: a person has a handful)."""
    return "COUNT(" in sql.upper() and 'FROM "applications_application"' in sql


def _cases(world, n):
    apps = [submit(world.draft()) for _ in range(n)]
    pub.publicity_start(kind=Publicity.Kind.UNIT, applications=apps[: n // 2], actor=world.unit_reviewer)
    return apps


def _counts(client, world):
    out = {}
    for role in ROLES:
        login(client, getattr(world, role))
        out[role] = [_queries(client, "/inbox/"), _queries(client, "/inbox/", {"scope": "all"}),
                     _queries(client, "/api/v1/applications/")]  # fmt: skip
    login(client, world.supervisor)
    out["dashboard"] = _queries(client, "/dashboard/")
    return out


@pytest.mark.django_db
def test_queries_per_request_do_not_grow_with_data_or_page_size(client, world, in_window, monkeypatch, settings):
    _cases(world, 2)
    small = _counts(client, world)
    _cases(world, 8)
    monkeypatch.setattr("review.views.INBOX_PAGE", 3)  # more rows than a page: the cursor link appears
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "PAGE_SIZE": 3}
    large = _counts(client, world)
    assert large == small
    login(client, world.unit_reviewer)
    page = client.get("/inbox/", {"scope": "all"}).content.decode()
    assert 'rel="next"' in page


@pytest.mark.django_db
def test_inbox_tabs_and_dashboard_count_nothing(client, world, in_window):
    _cases(world, 4)
    for role in ROLES:
        login(client, getattr(world, role))
        with CaptureQueriesContext(connection) as ctx:
            client.get("/inbox/")
        counted = [q["sql"] for q in ctx.captured_queries if _counts_cases(q["sql"])]
        assert counted == [], (role, counted)
    login(client, world.supervisor)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/dashboard/").content.decode()
    counted = [
        q["sql"]
        for q in ctx.captured_queries
        if _counts_cases(q["sql"]) and "held_until" not in q["sql"] and "DATE_TRUNC" not in q["sql"]
    ]
    # (the overdue figure counts only cases past their publicity end: an index range; the trend chart of issue 15
    # groups the last 12 months' submissions — a bounded range, not yet served by the counters: see the note)
    assert counted == [], counted
    assert '<div class="stat" id="stat-total">4</div>' in page
