"""Rate limits shared by every process (issue 16): counters in the `default` cache (Redis in production, a file
cache in the demo), the client's address taken from a configured number of trusted proxies.

`client_ip(request)`: with `ZHICHENG["TRUSTED_PROXIES"] = 0` (the default: the app faces the clients) the socket's
address, whatever `X-Forwarded-For` claims. With N proxies in front, each appending the address it saw, the N-th
entry from the right of `X-Forwarded-For` — entries further left were written by the client and are ignored.

`hit(scope, ident, rate)`: one fixed-window counter per (scope, client, window) with `cache.add` + `cache.incr`,
atomic in Redis, so two workers never both let the 11th request of "10/hour" through.
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'10/hour' → (10, 3600); also '30/15min'."""
    count, _, period = rate.partition("/")
    digits = "".join(ch for ch in period if ch.isdigit())
    unit = period[len(digits) :].strip().lower()
    return int(count), int(digits or 1) * PERIODS[unit]


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The client's address as the trusted proxies saw it (see the module docstring). Never raises."""
    meta = getattr(request, "META", request)
    remote = _valid(meta.get("REMOTE_ADDR", "") or "") or "0.0.0.0"
    trusted = int(settings.ZHICHENG.get("TRUSTED_PROXIES", 0))
    if trusted <= 0:
        return remote
    chain = [part for part in (meta.get("HTTP_X_FORWARDED_FOR", "") or "").split(",") if part.strip()]
    if len(chain) < trusted:
        return remote  # fewer hops than configured: not through our proxies, trust only the socket
    return _valid(chain[-trusted]) or remote


def axes_client_ip(request) -> str:
    """AXES_CLIENT_IP_CALLABLE: django-axes counts failures by the same address as our throttles."""
    return client_ip(request)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    limit: int
    wait: int  # seconds until the window ends


def hit(scope: str, ident: str, rate: str, *, cost: int = 1) -> Verdict:
    """Count one request of `ident` in `scope`; `allowed` is False once the rate is exceeded in this window."""
    limit, period = parse_rate(rate)
    now = time.time()
    window = int(now // period)
    key = f"zc:rl:{scope}:{ident}:{window}"
    if cache.add(key, cost, timeout=period + 5):
        count = cost
    else:
        try:
            count = cache.incr(key, cost)
        except ValueError:  # expired between add and incr
            cache.add(key, cost, timeout=period + 5)
            count = cost
    return Verdict(count <= limit, count, limit, max(1, int((window + 1) * period - now)))


def peek(scope: str, ident: str, rate: str) -> Verdict:
    """The current count without adding to it."""
    limit, period = parse_rate(rate)
    now = time.time()
    window = int(now // period)
    count = cache.get(f"zc:rl:{scope}:{ident}:{window}", 0)
    return Verdict(count < limit, count, limit, max(1, int((window + 1) * period - now)))


def rate_for(scope: str) -> str | None:
    """Rates live with DRF's (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]) so pages and the API share one number."""
    return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(scope)


def check(scope: str, request, *, ident: str | None = None) -> None:
    """Pages: count this request in `scope` (the API's rate of the same name); TooManyRequests (429) beyond it."""
    from .errors import TooManyRequests

    rate = rate_for(scope)
    if rate is None:
        return
    verdict = hit(scope, ident or client_ip(request), rate)
    if not verdict.allowed:
        raise TooManyRequests("throttled", f"请求过于频繁，请 {verdict.wait} 秒后再试", wait=verdict.wait)


def check_registration(request) -> None:
    """A sign-up (applicant or unit, page or API): the per-address rate and the rate of all addresses together, so
    rotating addresses do not get around it. TooManyRequests (429) beyond either; counted before anything is written."""
    from .errors import TooManyRequests

    for scope, ident, what in (("register", client_ip(request), "同一网络地址"), ("register_all", "all", "全站")):
        rate = rate_for(scope)
        if rate is None:
            continue
        verdict = hit(scope, ident, rate)
        if not verdict.allowed:
            raise TooManyRequests(
                "throttled",
                f"注册过于频繁：{what}每{_period_label(rate)}最多注册 {verdict.limit} 次，请 {verdict.wait} 秒后再试"
                "（防批量注册限制）",
                wait=verdict.wait,
            )


def _period_label(rate: str) -> str:
    seconds = parse_rate(rate)[1]
    return {1: "秒", 60: "分钟", 3600: "小时", 86400: "天"}.get(seconds, f"{seconds}秒")


# ---------------------------------------------------------------- failed sign-ins per address (beside django-axes)


def login_ip_verdict(request) -> Verdict | None:
    """None when the address may try to sign in; otherwise the verdict (the wait) of the "login_ip" rate."""
    rate = rate_for("login_ip")
    if rate is None:
        return None
    verdict = peek("login_ip", client_ip(request), rate)
    return None if verdict.allowed else verdict


def login_failed(request) -> None:
    rate = rate_for("login_ip")
    if rate is not None:
        hit("login_ip", client_ip(request), rate)
