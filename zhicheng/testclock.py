"""A test-only clock: lets a browser test move the server's time (issue 8, web workbench).

`TestClockMiddleware` answers `POST /__test__/clock/` (form field `to`: an ISO datetime with its offset, or `reset`)
by travelling the whole process there with time_machine, ticking from that moment. It does anything only when
settings.ZHICHENG["TEST_CLOCK_ENABLED"] is True: zhicheng/settings/test.py sets it and lists the middleware;
production.py forces it False, and the middleware then refuses to load (MiddlewareNotUsed) and, if it were loaded
anyway, checks again on every request and lets the path fall through to a 404.

While the clock is moved, cookie expiry dates computed from the moved clock would look already past (or far off)
to a browser living in real time, so the middleware drops Expires/Max-Age from the cookies it sees going out.
"""

from __future__ import annotations

import datetime as dt
import threading

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse

PATH = "/__test__/clock/"
_lock = threading.Lock()
_traveller = None


def enabled() -> bool:
    return bool(getattr(settings, "ZHICHENG", {}).get("TEST_CLOCK_ENABLED", False))


def travel_to(moment: dt.datetime | None) -> None:
    """Move the process clock to `moment` (ticking from there), or back to real time with None."""
    global _traveller
    if not enabled():
        raise RuntimeError("测试时钟未启用")
    import time_machine  # dev dependency: only imported when the test clock is on

    with _lock:
        if _traveller is not None:
            _traveller.stop()
            _traveller = None
        if moment is not None:
            _traveller = time_machine.travel(moment, tick=True)
            _traveller.start()


def is_travelling() -> bool:
    return _traveller is not None


class TestClockMiddleware:
    def __init__(self, get_response):
        if not enabled():
            raise MiddlewareNotUsed("测试时钟仅在测试设置中启用")
        self.get_response = get_response

    def __call__(self, request):
        if not enabled():  # settings changed at run time: inert
            return self.get_response(request)
        if request.path == PATH:
            return self._clock(request)
        response = self.get_response(request)
        if is_travelling():
            for morsel in response.cookies.values():
                morsel["expires"] = ""
                morsel["max-age"] = ""
        return response

    def _clock(self, request):
        from django.utils import timezone

        if request.method == "GET":
            return JsonResponse({"now": timezone.now().isoformat(), "travelling": is_travelling()})
        if request.method != "POST":
            return HttpResponseNotAllowed(["GET", "POST"])
        to = (request.POST.get("to") or "").strip()
        if to == "reset":
            travel_to(None)
        else:
            try:
                moment = dt.datetime.fromisoformat(to)
            except ValueError:
                return HttpResponse("时间格式应为 ISO 8601（含时区）", status=400)
            if moment.tzinfo is None:
                return HttpResponse("时间须带时区", status=400)
            travel_to(moment)
        return JsonResponse({"now": timezone.now().isoformat(), "travelling": is_travelling()})
