"""Domain errors: a rule the user broke, with a stable code, a Chinese message and the rule's source."""

from __future__ import annotations


class DomainError(Exception):
    """A rule broken by the user. The API and pages answer it with `status` and this message."""

    status = 400

    def __init__(self, code: str, message: str, *, source: str = "", fields: dict | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.source = source
        self.fields = fields or {}

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "source": self.source, "fields": self.fields}

    def __str__(self) -> str:
        return f"{self.message}（{self.source}）" if self.source else self.message


class PermissionDenied(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class TransitionConflict(DomainError):
    """Wrong state for the act, or lost to a concurrent act."""

    status = 409


class TooManyRequests(DomainError):
    """A rate limit (issue 16): answered 429 with Retry-After where the caller knows the wait."""

    status = 429

    def __init__(self, code: str, message: str, *, wait: int = 0, **kwargs):
        super().__init__(code, message, **kwargs)
        self.wait = wait
