"""Sign-in pages in Chinese (issue 8): login with django-axes lockout, logout, password change."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.shortcuts import render

from . import throttle


class LoginView(auth_views.LoginView):
    """Django's login. When django-axes locks the account out (AXES_FAILURE_LIMIT failures, AXES_COOLOFF_TIME),
    AxesMiddleware answers with `lockout_response` below instead of this page."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        verdict = throttle.login_ip_verdict(request)  # password spraying: many accounts from one address
        if verdict is not None:
            return ip_lockout_response(request, verdict)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        throttle.login_failed(self.request)
        return super().form_invalid(form)


def ip_lockout_response(request, verdict):
    """429 in Chinese when one address failed too often (zhicheng.throttle, rate "login_ip")."""
    minutes = max(1, verdict.wait // 60)
    if request.path.startswith("/api/"):
        message = f"该网络地址登录失败次数过多，请 {minutes} 分钟后再试"
        body = {"code": "ip_locked", "message": message, "source": "", "fields": {}}
        response = JsonResponse(body, status=429, json_dumps_params={"ensure_ascii": False})
    else:
        context = {"failure_limit": verdict.limit, "cooloff_minutes": minutes, "title": "登录受限", "ip_limited": True}
        response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(verdict.wait)
    return response


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: 429 in Chinese — the API's error shape under /api/, the lockout page elsewhere."""
    limit = settings.AXES_FAILURE_LIMIT
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if request.path.startswith("/api/"):
        message = f"登录失败已达 {limit} 次，账号已锁定，请 {minutes} 分钟后再试"
        body = {"code": "account_locked", "message": message, "source": "", "fields": {}}
        response = JsonResponse(body, status=429, json_dumps_params={"ensure_ascii": False})
        response["Retry-After"] = str(minutes * 60)
        return response
    context = {"failure_limit": limit, "cooloff_minutes": minutes, "title": "账号已锁定"}
    return render(request, "registration/locked_out.html", context, status=429)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


class PasswordResetForm(auth_forms.PasswordResetForm):
    def get_users(self, email):
        """Also accounts without a password yet: staff a unit imported set their first one this way."""
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        return (u for u in users if u.email.casefold() == email.casefold())


class PasswordResetView(auth_views.PasswordResetView):
    """找回密码: a link by e-mail to the address on the account (Django's token, valid PASSWORD_RESET_TIMEOUT)."""

    form_class = PasswordResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
