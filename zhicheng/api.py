"""API plumbing shared by every app: the one error shape (issue: REST API 4)."""

from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError


def exception_handler(exc, context):
    from rest_framework.response import Response

    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status)
    return drf_exception_handler(exc, context)
