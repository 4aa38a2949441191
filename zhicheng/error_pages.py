"""Chinese error pages (issue 15): 400/403/404/405/429/500 for every page, in every settings module.

`ErrorPageMiddleware` answers a page request that goes wrong with the Chinese page (templates/errors/page.html),
carrying the domain error's message and source where there is one — with DEBUG on as well as off, so `make run`
never shows Django's English debug page listing every URL of the site:

- a path no route matches: 404 (resolved here, before Django's debug 404 could answer it);
- a view raising DomainError (its own status), Http404, PermissionDenied, BadRequest/SuspiciousOperation;
- a bare 405 (`require_POST` on a GET) or a bare 429;
- any other exception: 500, logged with its traceback (and signalled, so the test client still re-raises it).

An htmx request gets the error as a fragment retargeted to the page's `#htmx-error` slot, so the part it asked for
and the rest of the page stay whole. The API (/api/) keeps its own JSON error shape (zhicheng.api) and is left alone.
`handler400/403/404/500` in zhicheng/urls.py use the same page for what reaches Django's own handlers.
"""

from __future__ import annotations

import logging
import re
import sys

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.core.signals import got_request_exception
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.template.loader import render_to_string
from django.urls import Resolver404, get_resolver

from .errors import DomainError

logger = logging.getLogger("django.request")

TITLES = {
    400: "请求有误",
    403: "无权访问",
    404: "页面不存在",
    405: "请求方式不正确",
    409: "当前环节不能办理",
    429: "操作过于频繁",
    500: "系统出错了",
}
DEFAULT_MESSAGES = {
    400: "请求内容有误，请返回上一页检查后重试。",
    403: "您没有访问该页面的权限；如需办理，请用有权限的账号登录。",
    404: "您要找的页面不存在，或您无权查看。",
    405: "该地址只用于提交办理（POST），不能直接打开；请回到页面上点击相应的按钮办理。",
    409: "该事项当前所处环节不能办理此操作，请刷新页面查看最新状态。",
    429: "操作过于频繁，请稍后再试。",
    500: "系统处理您的请求时出错，已记录日志。请稍后重试；如问题持续，请联系系统管理员。",
}
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _skipped(request) -> bool:
    """The API answers in its own JSON shape; static files are served before this middleware."""
    return request.path_info.startswith(("/api/", settings.STATIC_URL))


def _message_of(exc) -> str:
    """The Chinese message an Http404/PermissionDenied was raised with (never an English or internal one)."""
    if exc is None or not exc.args or not isinstance(exc.args[0], str):
        return ""
    return exc.args[0] if _CHINESE.search(exc.args[0]) else ""


def _same_site_referer(request) -> str:
    """The page the person came from, if it is on this site (never a link to elsewhere)."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        own = f"{request.scheme}://{request.get_host()}/"
    except Exception:  # noqa: BLE001 - a disallowed host: no link back
        return ""
    return referer if referer.startswith(own) and referer != request.build_absolute_uri() else ""


def error_response(request, status: int, *, message: str = "", source: str = "", code: str = "") -> HttpResponse:
    """The Chinese error page (or, for htmx, the fragment for the page's error slot) with `status`."""
    context = {
        "title": TITLES.get(status, TITLES[500 if status >= 500 else 400]),
        "status": status,
        "message": message or DEFAULT_MESSAGES.get(status, DEFAULT_MESSAGES[500 if status >= 500 else 400]),
        "source": source,
        "code": code,
        "back": _same_site_referer(request),
    }
    htmx = request.headers.get("HX-Request") == "true"
    template = "errors/_fragment.html" if htmx else "errors/page.html"
    try:
        body = render_to_string(template, context, request=request)
    except Exception:  # the page itself failed (e.g. a broken context): still answer in Chinese
        logger.exception("错误页面渲染失败")
        body = f"<!doctype html><meta charset='utf-8'><h1>{context['title']}</h1><p>{context['message']}</p>"
    response = HttpResponse(body, status=status, content_type="text/html; charset=utf-8")
    response.zhicheng_error_page = True
    if htmx:
        response["HX-Retarget"] = "#htmx-error"
        response["HX-Reswap"] = "outerHTML"
        response["HX-Reselect"] = "#htmx-error"
    return response


def response_for_exception(request, exc) -> HttpResponse | None:
    if isinstance(exc, DomainError):
        return error_response(request, exc.status, message=exc.message, source=exc.source, code=exc.code)
    if isinstance(exc, Http404):
        return error_response(request, 404, message=_message_of(exc))
    if isinstance(exc, PermissionDenied):
        return error_response(request, 403, message=_message_of(exc))
    if isinstance(exc, (BadRequest, SuspiciousOperation)):
        return error_response(request, 400, message=_message_of(exc))
    return None


class ErrorPageMiddleware:
    """Listed after the session, auth and htmx middleware (the page knows who is signed in) and after
    CommonMiddleware, so APPEND_SLASH still redirects a path missing its slash before it is called a 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _skipped(request):
            return self.get_response(request)
        try:
            get_resolver(getattr(request, "urlconf", None)).resolve(request.path_info)
        except Resolver404:
            return error_response(request, 404)
        response = self.get_response(request)
        if getattr(response, "zhicheng_error_page", False) or getattr(response, "streaming", False):
            return response
        if isinstance(response, HttpResponseNotAllowed):
            page = error_response(request, 405)
            page["Allow"] = response["Allow"]
            return page
        if response.status_code == 429 and not response.get("Content-Type", "").startswith("text/html"):
            page = error_response(request, 429)
            if response.has_header("Retry-After"):
                page["Retry-After"] = response["Retry-After"]
            return page
        return response

    def process_exception(self, request, exc):
        if _skipped(request):
            return None
        response = response_for_exception(request, exc)
        if response is not None:
            return response
        # A bug. Log it as Django would, let listeners (the test client re-raises) know, answer in Chinese.
        logger.error("Internal Server Error: %s", request.path, exc_info=sys.exc_info())
        got_request_exception.send(sender=None, request=request)
        return error_response(request, 500)


# ---------------------------------------------------------------- Django's handlers (zhicheng/urls.py)


def bad_request(request, exception=None):
    return error_response(request, 400, message=_message_of(exception))


def permission_denied(request, exception=None):
    return error_response(request, 403, message=_message_of(exception))


def page_not_found(request, exception=None):
    return error_response(request, 404, message=_message_of(exception))


def server_error(request):
    return error_response(request, 500)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the form was stale or the cookie missing — say so in Chinese."""
    return error_response(
        request, 403, message="页面已过期或浏览器未启用 Cookie，表单未能提交。请刷新页面后重新提交。", code="csrf"
    )
