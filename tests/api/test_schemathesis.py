"""Schemathesis against /api/schema/ (issue: REST API, Done when 3): every operation, a bounded number of generated
examples each (SCHEMATHESIS_MAX_EXAMPLES, default 25), as a signed-in supervisor (token) and as the anonymous
public. Fails on any 5xx, an undocumented status, or a response that breaks the schema.

Run alone: `pytest tests/api/test_schemathesis.py` (PostgreSQL; reference data loaded by conftest)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
BOUNDED = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def api_schema(reference):
    # As Django's test client does: a request must not close the test's connection (and its transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def supervisor_token(world):
    from rest_framework.authtoken.models import Token

    return Token.objects.create(user=world.supervisor).key


@pytest.fixture(autouse=True)
def _no_throttles(settings):
    """Rate limits and the login lockout (429, not in the schema) are tested on their own."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {}}
    settings.AXES_ENABLED = False


def run_all(schema, headers: dict) -> int:
    """Every operation, MAX_EXAMPLES generated cases each; raises at the first failing operation."""
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @BOUNDED
        @given(case=operation.as_strategy())
        def check(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
        operations += 1
    return operations


def test_as_supervisor(api_schema, supervisor_token):
    assert run_all(api_schema, {"Authorization": f"Token {supervisor_token}"}) > 90


def test_as_the_public(api_schema):
    assert run_all(api_schema, {}) > 90
