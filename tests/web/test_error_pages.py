"""Chinese error pages (issue 15) with DEBUG on (make run) and off: a wrong-role URL, an unknown path, a GET on an
action URL, a domain error raised by a view, a CSRF failure, a bug — and htmx requests get the error in its slot."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.web.test_pages import login

pytestmark = pytest.mark.django_db
ENGLISH = ("Not Found", "Server Error", "Page not found", "Forbidden", "Method Not Allowed", "Traceback", "URLconf")


def _chinese_page(response, status: int, *needles: str) -> str:
    page = response.content.decode()
    assert response.status_code == status, page[:300]
    assert 'id="error-page"' in page and f'data-status="{status}"' in page
    for word in ENGLISH:
        assert word not in page, word
    for needle in needles:
        assert needle in page, needle
    return page


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_wrong_role_and_unknown_urls_are_chinese_404s(client, world, debug):
    with override_settings(DEBUG=debug):
        login(client, world.applicant().user)
        _chinese_page(client.get(reverse("inbox")), 404, "页面不存在", "您没有审核权限")
        _chinese_page(client.get("/no-such-page/"), 404, "您要找的页面不存在")
        _chinese_page(client.get("/cases/999999/"), 404, "申报不存在或您无权查看")
        client.logout()
        _chinese_page(client.get("/no-such-page/"), 404, "登录")


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_get_on_an_action_url_is_a_chinese_405(client, world, debug):
    app = world.draft()
    with override_settings(DEBUG=debug):
        login(client, app.applicant.user)
        response = client.get(reverse("application-submit", args=[app.pk]))
        _chinese_page(response, 405, "请求方式不正确", "不能直接打开")
        assert response["Allow"] == "POST"


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_calendar_as_a_non_supervisor_is_a_chinese_403_without_the_calendar(client, world, debug):
    with override_settings(DEBUG=debug):
        login(client, world.applicant().user)
        page = _chinese_page(client.get(reverse("calendar")), 403, "仅市职称办监管人员可以查看")
        assert "导入年度放假安排" not in page and "单日调整" not in page


def test_htmx_request_gets_the_error_for_its_slot(client, world):
    login(client, world.applicant().user)
    response = client.get(reverse("inbox"), HTTP_HX_REQUEST="true")
    assert response.status_code == 404
    assert response["HX-Retarget"] == "#htmx-error" and response["HX-Reselect"] == "#htmx-error"
    body = response.content.decode()
    assert body.startswith('<div class="msg error" role="alert" id="htmx-error"') and "<html" not in body
    assert "您没有审核权限" in body


def test_stale_form_is_a_chinese_403(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("logout"))
    _chinese_page(response, 403, "页面已过期")


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_a_bug_is_a_chinese_500_and_still_raised_to_the_test_client(world, debug, monkeypatch):
    from applications import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "running_deadlines", broken)
    app = world.draft()
    with override_settings(DEBUG=debug):
        client = Client(raise_request_exception=False)
        login(client, app.applicant.user)
        _chinese_page(client.get(reverse("case-detail", args=[app.pk])), 500, "系统出错了")
        strict = Client()
        login(strict, app.applicant.user)
        with pytest.raises(RuntimeError):
            strict.get(reverse("case-detail", args=[app.pk]))


def test_the_api_keeps_its_json_errors(client):
    response = client.get("/api/v1/applications/")
    assert response.status_code in (401, 403) and response["Content-Type"].startswith("application/json")


def test_base_page_has_no_django_htmx_debug_script(client, settings):
    settings.DEBUG = True
    page = client.get(reverse("login")).content.decode()
    assert "django-htmx.js" not in page and "htmx-2.min.js" in page and 'id="htmx-error"' in page
