"""API plumbing shared by every app (issue: REST API): the one error shape, pagination, throttles, the schema hook.

Every error answers `{"code", "message", "source", "fields"}`: a DomainError with its own status (400/403/404/409);
DRF's own errors (validation, authentication, permission, not found, method, throttling) in the same shape with a
Chinese message.
"""

from __future__ import annotations

from collections.abc import Mapping
from inspect import isfunction, ismethod

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.fields import SkipField
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView, set_rollback

from . import throttle
from .errors import DomainError

GENERIC = {
    exceptions.NotAuthenticated: ("not_authenticated", "请先登录（会话或令牌 Authorization: Token …）"),
    exceptions.AuthenticationFailed: ("authentication_failed", "身份验证失败：用户名、密码或令牌无效"),
    exceptions.PermissionDenied: ("forbidden", "您无权执行此操作"),
    exceptions.NotFound: ("not_found", "对象不存在或您无权查看"),
    exceptions.MethodNotAllowed: ("method_not_allowed", "不支持该请求方法"),
    exceptions.NotAcceptable: ("not_acceptable", "无法按请求的格式返回结果"),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", "不支持该请求内容类型"),
    exceptions.ParseError: ("parse_error", "请求内容无法解析"),
}


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [m for v in detail.values() for m in _flatten(v)]
    if isinstance(detail, list):
        return [m for v in detail for m in _flatten(v)]
    return [str(detail)]


def _fields(detail) -> dict:
    if isinstance(detail, dict):
        return {str(k): [str(m) for m in _flatten(v)] for k, v in detail.items()}
    return {"non_field_errors": [str(m) for m in _flatten(detail)]}


def error_body(code: str, message: str, *, source: str = "", fields: dict | None = None) -> dict:
    return {"code": code, "message": message, "source": source, "fields": fields or {}}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        set_rollback()
        headers = {"Retry-After": str(exc.wait)} if getattr(exc, "wait", 0) else None
        return Response(exc.as_dict(), status=exc.status, headers=headers)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(getattr(exc, "message_dict", None) or {"non_field_errors": exc.messages})
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: Django answers 500
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    set_rollback()
    if isinstance(exc, exceptions.ValidationError):
        fields = _fields(exc.detail)
        message = "提交的数据有误：" + "；".join(f"{k}：{'、'.join(v)}" for k, v in fields.items())
        return Response(error_body("invalid", message, fields=fields), status=exc.status_code, headers=headers)
    if isinstance(exc, exceptions.Throttled):
        wait = f"，请 {int(exc.wait)} 秒后再试" if exc.wait else "，请稍后再试"
        body = error_body("throttled", f"请求过于频繁{wait}")
        return Response(body, status=exc.status_code, headers=headers)
    for cls, (code, message) in GENERIC.items():
        if isinstance(exc, cls):
            if cls is exceptions.MethodNotAllowed:
                message = f"不支持 {context['request'].method} 请求方法"
            return Response(error_body(code, message), status=exc.status_code, headers=headers)
    return Response(error_body("error", str(exc.detail)), status=exc.status_code, headers=headers)


# ---------------------------------------------------------------- schema of the error shape


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="稳定的错误代码，如 wrong_state、forbidden、invalid")
    message = serializers.CharField(help_text="中文说明，指明违反的规则")
    source = serializers.CharField(
        allow_blank=True, help_text="规则出处（评审年度的文件文号与条款，如 评审通知 五(二)）"
    )
    fields = serializers.DictField(help_text="按字段列出的错误（字段 → 中文消息列表，或规则明细）")


ERROR_STATUSES = {
    "400": "请求数据有误，或违反业务规则",
    "401": "未登录或令牌无效",
    "403": "无权执行此操作",
    "404": "对象不存在或无权查看",
    "405": "不支持该请求方法",
    "406": "无法按请求的格式返回结果",
    "409": "当前状态不能办理该操作，或已被他人同时办理",
    "415": "不支持该请求内容类型",
    "429": "请求过于频繁",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents the one error shape for each error status."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = {
        "type": "object",
        "properties": {
            "code": {"type": "string"},
            "message": {"type": "string"},
            "source": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {}},
        },
        "required": ["code", "message", "source", "fields"],
    }
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for code, text in ERROR_STATUSES.items():
                responses.setdefault(code, {"description": text, "content": {"application/json": {"schema": ref}}})
    return result


# ---------------------------------------------------------------- pagination and throttles


class Cursor(CursorPagination):
    """Cursor pages: no COUNT(*) over an inbox, stable under inserts."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "-id"
    invalid_cursor_message = "分页游标无效"


class ScopedSettingsThrottle(BaseThrottle):
    """Per-client (the address from zhicheng.throttle.client_ip, or the user when signed in) rate read from
    REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope] at each request, counted in the shared cache (issue 16)."""

    scope = ""

    def allow_request(self, request, view):
        rate = throttle.rate_for(self.scope)
        if rate is None:
            return True
        user = getattr(request, "user", None)
        ident = f"user-{user.pk}" if user is not None and user.is_authenticated else throttle.client_ip(request)
        self.verdict = throttle.hit(self.scope, ident, rate)
        return self.verdict.allowed

    def wait(self):
        return self.verdict.wait


class ObjectionThrottle(ScopedSettingsThrottle):
    scope = "objection"


class PublicReadThrottle(ScopedSettingsThrottle):
    scope = "public"


class VerifyThrottle(ScopedSettingsThrottle):
    scope = "verify"


class RegisterThrottle(BaseThrottle):
    """Sign-ups: zhicheng.throttle.check_registration (per address and all addresses), the pages' rule too."""

    def allow_request(self, request, view):
        if request.method != "POST":
            return True
        throttle.check_registration(request)  # raises TooManyRequests (429, Chinese) beyond the rate
        return True


class NotFoundView(APIView):
    """Any other path under /api/: the one error shape, not Django's HTML page."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    schema = None

    def initial(self, request, *args, **kwargs):
        raise exceptions.NotFound()


class VisibleFirst:
    """ViewSet mixin: an act on an object the user may not see answers 404 before its input is even read."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if getattr(self, "detail", False) and request.method not in ("GET", "HEAD", "OPTIONS"):
            self.get_object()


# ---------------------------------------------------------------- lean list rows (issue 17)


SKIP = object()


class LeanRepresentation:
    """Serializer mixin: the same output as DRF's `Serializer.to_representation`, without its per-field, per-row
    attribute walk (`fields.get_attribute` runs `inspect.signature` on every callable source of every row — most of
    an API list's time). The plan (field, getter) is built once per serializer instance; a list's child is one
    instance for the whole page."""

    def _lean_plan(self):
        plan = self.__dict__.get("_lean")
        if plan is None:
            plan = []
            for field in self._readable_fields:
                attrs = field.source_attrs
                if not attrs:  # source="*": the method fields and nested serializers take the whole object
                    plan.append((field.field_name, field, None))
                else:
                    plan.append((field.field_name, field, tuple(attrs)))
            self._lean = plan
        return plan

    def to_representation(self, instance):
        out = {}
        for name, field, attrs in self._lean_plan():
            if attrs is None:
                out[name] = field.to_representation(instance)
                continue
            value = instance
            for attr in attrs:
                if value is None:  # a missing link midway: DRF's own rules (default, allow_null, skip)
                    try:
                        value = field.get_attribute(instance)
                    except SkipField:
                        value = SKIP
                    break
                value = value[attr] if isinstance(value, Mapping) else getattr(value, attr)
                if isfunction(value) or ismethod(value):
                    value = value()
            if value is not SKIP:
                out[name] = None if value is None else field.to_representation(value)
        return out
