"""`__any_of`: the same rows as `__in`, with the id list as one array parameter on PostgreSQL (issue 17)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.models import Application
from tests.factories import submit

pytestmark = pytest.mark.django_db


def test_any_of_finds_what_in_finds(world, in_window):
    apps = [submit(world.draft()) for _ in range(3)]
    ids = [apps[0].pk, apps[2].pk, 10**9]
    profiles = [apps[1].applicant_id]
    for lookup in (("pk", ids), ("applicant_id", profiles), ("pk", [])):
        field, values = lookup
        expected = set(Application.objects.filter(**{f"{field}__in": values}).values_list("pk", flat=True))
        with CaptureQueriesContext(connection) as ctx:
            found = set(Application.objects.filter(**{f"{field}__any_of": values}).values_list("pk", flat=True))
        assert found == expected, lookup
        if connection.vendor == "postgresql":
            assert "= ANY(" in ctx.captured_queries[0]["sql"]
