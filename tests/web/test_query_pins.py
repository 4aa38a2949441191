"""Queries per request of every inbox page, the API inbox and the dashboard do not grow with the data or with the
page size (issue 17): the tabs and the dashboard read counters, reference rows come from memory."""

from __future__ import annotations

import html
import re

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
    counted = [q["sql"] for q in ctx.captured_queries if _counts_cases(q["sql"]) and "held_until" not in q["sql"]]
    # (the overdue figure counts only cases past their publicity end: an index range; the trend chart reads the
    # counters' submitted-month dimension)
    assert counted == [], counted
    grouped = [q["sql"] for q in ctx.captured_queries if 'FROM "applications_application"' in q["sql"]
               and "GROUP BY" in q["sql"].upper()]  # fmt: skip
    assert grouped == [], grouped
    assert '<div class="stat" id="stat-total">4</div>' in page


def _in_committee_publicity(world, n, *, approve=True):
    """n cases carried to the committee's 公示 (the clerk's paper-receipt act is bounded by a deadline there), or
    with approve=False left in committee review."""
    from applications import services
    from tests.review.helpers import travel

    with travel(2024, 4, 10, 9):
        apps = [submit(world.draft()) for _ in range(n)]
        for app in apps:
            services.application_unit_approve(application=app, actor=world.unit_reviewer)
    with travel(2024, 4, 18, 9):
        for app in apps:
            services.application_publicity_end(application=app)
            services.application_dept_approve(application=app, actor=world.dept_reviewer)
            if approve:
                services.application_committee_approve(application=app, actor=world.clerk)
    return apps


@pytest.mark.django_db
def test_rows_with_deadline_bound_acts_add_no_query_per_row(client, world):
    """The acts a deadline bounds (paper receipt, resubmission) are checked for the whole page at once: one
    committee-publicity case or four, the clerk's inbox and API pages run the same queries."""
    from tests.review.helpers import travel

    _in_committee_publicity(world, 1)
    login(client, world.clerk)
    with travel(2024, 4, 19, 10):
        one = [_queries(client, "/inbox/", {"scope": "all"}), _queries(client, "/api/v1/applications/")]
    _in_committee_publicity(world, 3)
    with travel(2024, 4, 19, 10):
        four = [_queries(client, "/inbox/", {"scope": "all"}), _queries(client, "/api/v1/applications/")]
        page = client.get("/inbox/", {"scope": "all"}).content.decode()
    assert four == one
    assert page.count('name="ids"') == 4


@pytest.mark.django_db
def test_the_default_inbox_read_state_by_state_pages_like_one_ordered_list(client, world, monkeypatch):
    """The clerk's default view (several states) is read one index range per state and merged: following the
    cursor gives every case of those states once, in the order of one ORDER BY over all of them."""
    from urllib.parse import parse_qsl

    from applications.models import Application
    from review.views import _mine, _roles
    from tests.review.helpers import travel

    _in_committee_publicity(world, 3)
    _in_committee_publicity(world, 3, approve=False)
    states = _mine(_roles(world.clerk))
    expected = list(
        Application.objects.filter(status__in=states, office=world.office)
        .order_by("-submitted_at", "-id")
        .values_list("pk", flat=True)
    )
    assert len(expected) == 6 and len(set(Application.objects.filter(pk__in=expected).values_list("status"))) >= 2
    monkeypatch.setattr("review.views.INBOX_PAGE", 4)
    login(client, world.clerk)
    seen, query = [], {}
    with travel(2024, 4, 19, 10):
        for _ in range(3):
            page = client.get("/inbox/", query).content.decode()
            seen += [int(pk) for pk in re.findall(r'name="ids" value="(\d+)"', page)]
            found = re.search(r'href="\?([^"]+)" rel="next"', page)
            if not found:
                break
            query = dict(parse_qsl(html.unescape(found.group(1))))
    assert seen == expected


@pytest.mark.django_db
def test_inbox_rows_per_page_is_the_reviewers_choice(client, world, in_window):
    """每页 20/50/100 条: the default is the first; the next-page link keeps the choice; another value is refused
    as a filter (the default view, no 500); the queries do not change with it."""
    from review.forms import PER_PAGE_CHOICES

    apps = [submit(world.draft()) for _ in range(PER_PAGE_CHOICES[0] + 3)]
    login(client, world.unit_reviewer)
    page = client.get("/inbox/").content.decode()
    assert len(re.findall(r'name="ids" value="(\d+)"', page)) == PER_PAGE_CHOICES[0]
    assert f'<option value="{PER_PAGE_CHOICES[0]}" selected>' in page
    found = re.search(r'href="\?([^"]+)" rel="next"', page)
    assert found
    rest = client.get("/inbox/?" + html.unescape(found.group(1))).content.decode()
    assert len(re.findall(r'name="ids" value="(\d+)"', rest)) == 3
    wide = client.get("/inbox/", {"per_page": PER_PAGE_CHOICES[1]}).content.decode()
    assert sorted(int(pk) for pk in re.findall(r'name="ids" value="(\d+)"', wide)) == sorted(a.pk for a in apps)
    assert f'<option value="{PER_PAGE_CHOICES[1]}" selected>' in wide and 'rel="next"' not in wide
    assert _queries(client, "/inbox/", {"per_page": PER_PAGE_CHOICES[1]}) == _queries(client, "/inbox/")
    odd = client.get("/inbox/", {"per_page": "7"})
    assert odd.status_code == 200
    assert len(re.findall(r'name="ids" value="(\d+)"', odd.content.decode())) == PER_PAGE_CHOICES[0]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="需要 PostgreSQL：按环节合并的区间只在 PostgreSQL 上使用")
def test_the_merged_ranges_fall_back_to_one_plain_query_when_the_probe_is_ambiguous(world, monkeypatch):
    """_merged_ids compiles one range with a probe for the state; if the probe's value also stood for another
    parameter it could not tell which to replace, and reads the ids in one plain query instead: the same ids."""
    from applications import selectors
    from applications.models import Application
    from review import views

    _in_committee_publicity(world, 2)
    _in_committee_publicity(world, 2, approve=False)
    before = selectors.application_list(user=world.supervisor).exclude(status="draft")
    states = ["committee_review", "committee_publicity"]
    expected = list(before.filter(status__in=states).order_by("-submitted_at", "-id").values_list("pk", flat=True)[:3])
    assert len(expected) == 3 and len(set(Application.objects.filter(pk__in=expected).values_list("status"))) == 2
    assert views._merged_ids(before, states, 3) == expected
    monkeypatch.setattr(views, "_STATE_PROBE", "draft")  # now also the value of the draft exclusion
    assert views._merged_ids(before, states, 3) == expected
