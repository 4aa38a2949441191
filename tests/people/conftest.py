"""The API client fixture of tests/api, for the issue-13 tests."""

from tests.api.conftest import _fresh_throttles, api  # noqa: F401
