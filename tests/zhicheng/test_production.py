"""Production settings, headers and shapes, and the logs (issue 16)."""

from __future__ import annotations

import io
import logging
import os
import re
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from zhicheng.logfilters import MaskingFormatter, mask

ROOT = Path(__file__).resolve().parents[2]


def production_env(**overrides) -> dict:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "zhicheng.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DATABASE_URL": "postgres://zhicheng@db.invalid:5432/zhicheng",
        "CELERY_BROKER_URL": "redis://redis.invalid:6379/0",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "ZHICHENG_SMS_BACKEND": "vendor.sms.Backend",
        "ZHICHENG_TRUSTED_PROXIES": "1",
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def test_check_deploy_with_production_settings_reports_nothing():
    out = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT, env=production_env(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip() == "System check identified no issues (0 silenced).", out.stderr[-3000:]
    assert "WARNINGS" not in out.stderr and "ERRORS" not in out.stderr


def _production(monkeypatch, **overrides) -> dict:
    for key in ("EMAIL_BACKEND", "ZHICHENG_SMS_BACKEND", "CACHE_URL"):
        monkeypatch.delenv(key, raising=False)
    for key, value in production_env(**overrides).items():
        monkeypatch.setenv(key, value)
    for key, value in overrides.items():
        if value is None:
            monkeypatch.delenv(key, raising=False)
    monkeypatch.delitem(sys.modules, "zhicheng.settings.base")  # re-read the environment, as a fresh process would
    return runpy.run_module("zhicheng.settings.production")


def test_production_settings_are_https_only_behind_the_proxy(monkeypatch):
    s = _production(monkeypatch)
    assert s["SECURE_SSL_REDIRECT"] and s["SECURE_HSTS_SECONDS"] >= 31536000 and s["SECURE_HSTS_PRELOAD"]
    assert s["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    assert s["CACHES"]["default"]["BACKEND"].endswith("RedisCache")
    assert s["ZHICHENG"]["API_DOCS_REQUIRE_LOGIN"] is True and s["ZHICHENG"]["TEST_CLOCK_ENABLED"] is False
    assert "SECURE_PROXY_SSL_HEADER" not in _production(monkeypatch, ZHICHENG_TRUSTED_PROXIES="0")


@pytest.mark.parametrize(
    "overrides, words",
    [
        ({"EMAIL_BACKEND": None}, "EMAIL_BACKEND"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "EMAIL_BACKEND"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"}, "EMAIL_BACKEND"),
        ({"ZHICHENG_SMS_BACKEND": None}, "ZHICHENG_SMS_BACKEND"),
        ({"ZHICHENG_SMS_BACKEND": "zhicheng.notify.LogSmsBackend"}, "ZHICHENG_SMS_BACKEND"),
    ],
)
def test_production_refuses_to_start_without_real_mail_and_sms(monkeypatch, overrides, words):
    with pytest.raises(RuntimeError) as exc:
        _production(monkeypatch, **overrides)
    assert words in str(exc.value) and "生产环境必须设置" in str(exc.value)


# ---------------------------------------------------------------- logs


def _through_console(message: str, *args) -> str:
    record = logging.LogRecord("zhicheng.notify", logging.INFO, __file__, 1, message, args, None)
    handler = logging.StreamHandler(io.StringIO())
    handler.setFormatter(MaskingFormatter())
    handler.handle(record)
    return handler.stream.getvalue()


def test_log_filter_masks_id_numbers_phones_and_search_terms():
    line = _through_console(
        '"GET /inbox/?q=%s&page=2 HTTP/1.1" 200 短信 → %s：%s',
        "32110219900307002X",
        "13912345678",
        "身份证 321102199003070011",
    )
    assert "32110219900307002X" not in line and "321102199003070011" not in line and "13912345678" not in line
    assert "q=[已隐去]&page=2" in line and "139****5678" in line and "3211**********0011" in line
    assert mask("证书编号 321120243000001") == "证书编号 321120243000001"  # 15 digits: not an ID, not a phone
    assert mask("+86 139 1234 5678") == "+86 139****5678"
    assert mask("/api/v1/applications/?q=%E5%BC%A0") == "/api/v1/applications/?q=[已隐去]"


def test_every_configured_handler_masks(caplog):
    from django.conf import settings

    assert settings.LOGGING["handlers"]["console"]["formatter"] == "masked"
    for name in ("django.server", "gunicorn.access"):
        assert settings.LOGGING["loggers"][name]["handlers"] == ["console"]
    root = [h for h in logging.getLogger().handlers if isinstance(h.formatter, MaskingFormatter)]
    assert root, "the root console handler masks"
    stream = io.StringIO()
    old = root[0].setStream(stream)
    try:
        from zhicheng.notify import LogSmsBackend

        LogSmsBackend().send("13800000001", "【职称评审】通知")
    finally:
        root[0].setStream(old)
    assert "13800000001" not in stream.getvalue() and "138****0001" in stream.getvalue()


# ---------------------------------------------------------------- headers and shapes


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/login/", "/gongshi/", "/verify/"])
def test_pages_carry_a_csp_without_inline_scripts(client, path):
    r = client.get(path)
    csp = r["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert not re.search(r"<script(?![^>]*\bsrc=)", r.content.decode())


def test_templates_have_no_inline_script_or_event_handler():
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)", text) or re.search(r"\son[a-z]+\s*=", text) or "javascript:" in text:
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.django_db
def test_api_docs_need_sign_in_when_configured(client, settings, world):
    settings.ZHICHENG = {**settings.ZHICHENG, "API_DOCS_REQUIRE_LOGIN": True}
    for path in ("/api/schema/", "/api/docs/"):
        r = client.get(path)
        assert r.status_code == 401 and r.json()["code"] == "not_authenticated"
    from tests.web.test_pages import login

    login(client, world.supervisor)
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and not re.search(r"<script(?![^>]*\bsrc=)", docs.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "method, path, status",
    [
        ("get", "/api/", 404),
        ("get", "/api/v2/anything/", 404),
        ("get", "/api/v1/applications/abc/", 404),
        ("post", "/api/v1/nothing/", 404),
        ("delete", "/api/v1/auth/token/", 401),
        ("put", "/api/v1/me/", 401),
    ],
)
def test_every_api_error_has_the_json_shape(client, method, path, status):
    r = getattr(client, method)(path, follow=True)
    assert r.status_code == status
    body = r.json()
    assert set(body) == {"code", "message", "source", "fields"} and any(
        "\u4e00" <= c <= "\u9fff" for c in body["message"]
    )


@pytest.mark.django_db
def test_django_level_400_under_api_has_the_json_shape(client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    r = client.get("/api/v1/me/", HTTP_HOST="evil.example")
    assert r.status_code == 400 and r.json()["code"] == "bad_request"
    assert client.get("/login/", HTTP_HOST="evil.example").status_code == 400  # pages keep their own 400
