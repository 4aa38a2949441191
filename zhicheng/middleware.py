"""Every answer under /api/ that is an error comes in the API's one JSON shape (issue 16).

DRF's views already answer `{"code", "message", "source", "fields"}` (zhicheng.api.exception_handler). What reaches
a client without passing through a DRF view — Django's own 400 (a bad Host header, a body too large), 403 (CSRF),
404 (a path no pattern matches), 405, 500 — is rewritten here, keeping the status and the headers that matter.
"""

from __future__ import annotations

import json

from django.http import JsonResponse

MESSAGES = {
    400: ("bad_request", "请求有误，无法处理"),
    401: ("not_authenticated", "请先登录（会话或令牌 Authorization: Token …）"),
    403: ("forbidden", "您无权执行此操作"),
    404: ("not_found", "对象不存在或您无权查看"),
    405: ("method_not_allowed", "不支持该请求方法"),
    413: ("request_too_large", "请求内容过大"),
    429: ("throttled", "请求过于频繁，请稍后再试"),
    500: ("server_error", "服务器内部错误，请稍后再试；如持续出现请联系系统管理员"),
}
KEEP = ("Retry-After", "WWW-Authenticate", "Allow", "Vary")


def _is_shaped(response) -> bool:
    if not response.get("Content-Type", "").startswith("application/json") or response.streaming:
        return False
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return False
    return isinstance(body, dict) and {"code", "message", "source", "fields"} <= set(body)


class ApiErrorShapeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 400 or not request.path.startswith("/api/") or _is_shaped(response):
            return response
        status = response.status_code
        code, message = MESSAGES.get(status, MESSAGES[500] if status >= 500 else MESSAGES[400])
        body = {"code": code, "message": message, "source": "", "fields": {}}
        shaped = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
        for header in KEEP:
            if header in response:
                shaped[header] = response[header]
        return shaped
