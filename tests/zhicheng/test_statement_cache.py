"""A compiled statement kept per connection for the API inbox as it opens (zhicheng/db/statements.py, issue 17):
the second request compiles nothing and reads the same rows; a change of scope, a filter or a cursor position
never reuses a statement that does not fit."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from django.db.models.sql.compiler import SQLCompiler
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from applications import selectors
from applications.models import Application
from applications.serializers import ApplicationRows
from organisations.models import RoleMembership
from tests.factories import UnitFactory, grant, submit
from zhicheng.db import statements
from zhicheng.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def compiled(monkeypatch):
    """The case-list statements Django compiles during a block."""
    seen = []
    original = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        if self.query.model is Application and tuple(self.query.values_select[:3]) == ApplicationRows.COLUMNS[:3]:
            seen.append(self.query)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    return seen


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_the_list_as_it_opens_compiles_once_and_reads_the_same_rows(world, in_window, compiled):
    apps = [submit(world.draft()) for _ in range(3)]
    client = _client(world.unit_reviewer)
    first = client.get("/api/v1/applications/")
    assert len(compiled) == 1
    again = client.get("/api/v1/applications/")
    assert len(compiled) == 1  # nothing compiled: the kept statement ran
    assert again.json() == first.json() and _ids(again) == sorted((a.pk for a in apps), reverse=True)
    newer = submit(world.draft())  # new rows are read: only the statement is kept, never its rows
    assert _ids(client.get("/api/v1/applications/"))[0] == newer.pk


def test_a_new_scope_gets_its_own_statement(world, in_window):
    mine = submit(world.draft())
    elsewhere = UnitFactory()
    other = submit(world.draft(world.applicant(unit=elsewhere)))
    Application.objects.filter(pk=other.pk).update(unit=elsewhere)
    client = _client(world.unit_reviewer)
    assert _ids(client.get("/api/v1/applications/")) == [mine.pk]
    grant(world.unit_reviewer, Role.UNIT_REVIEWER, unit=elsewhere)
    assert set(_ids(client.get("/api/v1/applications/"))) == {mine.pk, other.pk}
    RoleMembership.objects.filter(user=world.unit_reviewer, unit=world.unit).delete()
    assert _ids(client.get("/api/v1/applications/")) == [other.pk]


def test_filters_and_cursor_pages_compile_as_usual(world, in_window):
    apps = [submit(world.draft()) for _ in range(5)]
    client = _client(world.unit_reviewer)
    seen, url = [], "/api/v1/applications/?page_size=2"
    while url:
        response = client.get(url)
        seen += _ids(response)
        url = response.json()["next"]
        if url:
            assert "cursor" in parse_qs(urlparse(url).query)
    assert seen == sorted((a.pk for a in apps), reverse=True)  # each page its own position, none repeated
    assert _ids(client.get("/api/v1/applications/", {"status": "draft"})) == []
    assert _ids(client.get("/api/v1/applications/", {"status": apps[0].status})) == seen
    assert _ids(client.get("/api/v1/applications/", {"page_size": 2})) == seen[:2]


def test_the_key_survives_only_order_and_slicing(world):
    qs = selectors.application_rows(user=world.supervisor, columns=ApplicationRows.COLUMNS)
    assert qs._zc_statement_key is not None
    ordered = qs.order_by("-id")
    assert ordered._zc_statement_key == (*qs._zc_statement_key, "order_by", ("-id",))
    assert ordered[:3]._zc_statement_key == (*ordered._zc_statement_key, "slice", None, 3)
    for changed in (qs.filter(pk=1), qs.exclude(pk=1), qs.all(), qs.distinct(), ordered.filter(id__lt=5)[:3]):
        assert changed._zc_statement_key is None


def test_a_scope_that_can_match_nothing_reads_nothing(world, in_window):
    submit(world.draft())
    nobody = world.outsider
    rows = selectors.application_rows(user=nobody, columns=ApplicationRows.COLUMNS).order_by("-id")[:5]
    assert list(rows) == [] and list(rows.all()) == []


def test_the_connection_keeps_a_bounded_number(world, in_window, monkeypatch):
    monkeypatch.setattr(statements, "LIMIT", 2)
    for user in (world.unit_reviewer, world.dept_reviewer, world.clerk, world.supervisor):
        list(selectors.application_rows(user=user, columns=ApplicationRows.COLUMNS).order_by("-id")[:5])
        assert statements.kept_statements() <= 2
