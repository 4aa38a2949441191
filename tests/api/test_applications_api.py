"""The case through the API: acts as POST actions, the one error shape, status never writable, scoping before
filtering, materials, tokens, the calendar, notifications, the schema and the offline Swagger UI."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from applications.models import Application, ApplicationEvent, Material, Status
from tests.applications.pdfs import simple_pdf
from tests.factories import UnitFactory, answers, submit
from zhicheng.models import CalendarDay

S = Status


def shape(r) -> dict:
    body = r.json()
    assert set(body) == {"code", "message", "source", "fields"}, body
    return body


def url(app, act: str = "") -> str:
    return f"/api/v1/applications/{app.pk}/" + (f"{act}/" if act else "")


def test_create_and_submit_through_the_api(world, api, in_window):
    profile = world.applicant()
    client = api(profile.user)
    r = client.post("/api/v1/applications/", {"series": 9999, "level": 3}, format="json")
    assert r.status_code == 400 and shape(r)["code"] == "invalid" and "series" in r.json()["fields"]
    from tests.factories import level, series

    body = {"series": series("建设工程").pk, "level": level("中级").pk, "cycle": 2024, "status": "certified"}
    r = client.post("/api/v1/applications/", body, format="json")
    assert r.status_code == 201, r.content
    app = Application.objects.get(pk=r.json()["id"])
    assert app.status == S.DRAFT and r.json()["status"] == "draft"  # status is never writable
    r = client.post(url(app, "submit"), {"pledge_accepted": False}, format="json")
    assert r.status_code == 400
    assert shape(r) | {} and r.json()["code"] == "pledge_required" and "七(三)" in r.json()["source"]
    r = client.post(url(app, "submit"), {"pledge_accepted": True}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "materials_missing"  # issue 14: the 评审 list
    from tests.factories import review_materials

    review_materials(app)
    r = client.post(url(app, "submit"), {"pledge_accepted": True}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "unit_review"
    assert r.json()["applicant"]["id_number"] == profile.id_number  # the applicant sees the whole number


def test_wrong_state_is_409_and_changes_nothing(world, api, in_window):
    app = submit(world.draft())
    events = ApplicationEvent.objects.filter(application=app).count()
    r = api(app.applicant.user).post(url(app, "submit"), {"pledge_accepted": True}, format="json")
    assert r.status_code == 409 and shape(r)["code"] == "wrong_state" and "单位审核" in r.json()["message"]
    app.refresh_from_db()
    assert app.status == S.UNIT_REVIEW and ApplicationEvent.objects.filter(application=app).count() == events


def test_wrong_role_is_403_and_changes_nothing(world, api, in_window):
    app = submit(world.draft())
    events = ApplicationEvent.objects.filter(application=app).count()
    # the case is in 单位审核, where both acts exist: the state fits, the person does not (a wrong state is 409 first)
    r = api(app.applicant.user).post(url(app, "unit-approve"), {}, format="json")
    assert r.status_code == 403 and shape(r)["code"] == "forbidden"
    r = api(world.clerk).post(url(app, "reject"), {"reason": "造假"}, format="json")
    assert r.status_code == 403
    app.refresh_from_db()
    assert app.status == S.UNIT_REVIEW and ApplicationEvent.objects.filter(application=app).count() == events


def test_status_cannot_be_written(world, api, in_window):
    app = submit(world.draft())
    client = api(world.supervisor)
    for method in ("put", "patch", "delete"):
        r = getattr(client, method)(url(app), {"status": "certified"}, format="json")
        assert r.status_code == 405 and shape(r)["code"] == "method_not_allowed"
    app.refresh_from_db()
    assert app.status == S.UNIT_REVIEW


def test_correction_round_trip(world, api, in_window):
    app = submit(world.draft())
    reviewer = api(world.unit_reviewer)
    r = reviewer.post(url(app, "request-correction"), {"items": []}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "items_required" and r.json()["source"]
    r = reviewer.post(url(app, "request-correction"), {"items": ["工作总结未盖章", "缺社保证明"]}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "correction"
    assert r.json()["correction_items"] == ["工作总结未盖章", "缺社保证明"]
    owner = api(app.applicant.user)
    deadlines = owner.get(url(app, "deadlines")).json()
    assert [d["kind"] for d in deadlines] == ["correction"] and deadlines[0]["closed_at"] is None
    r = owner.post(url(app, "resubmit"), {"answers": answers(app)}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "unit_review"
    actions = [e["action"] for e in owner.get(url(app, "events")).json()]
    assert actions == ["create", "submit", "request_correction", "resubmit"]


def test_unit_approve_starts_a_publicity_the_public_sees(world, api, in_window):
    app = submit(world.draft())
    r = api(world.unit_reviewer).post(url(app, "unit-approve"), {"working_days": 4}, format="json")
    assert r.status_code == 400  # fewer than five working days is refused by the serializer bound
    r = api(world.unit_reviewer).post(url(app, "unit-approve"))
    assert r.status_code == 200 and r.json()["status"] == "unit_publicity"
    pubs = api(world.unit_reviewer).get("/api/v1/publicities/").json()["results"]
    assert len(pubs) == 1 and pubs[0]["kind"] == "unit"
    public = api().get("/api/v1/public/publicities/").json()["results"]
    assert [row["name"] for row in public] == [app.applicant.name]
    r = api().post(
        "/api/v1/public/objections/",
        {"entry": public[0]["id"], "name": "王五", "contact": "13900000000", "content": "论文抄袭"},
        format="json",
    )
    assert r.status_code == 201 and "不会公开" in r.json()["message"]
    objections = api(world.unit_reviewer).get("/api/v1/objections/").json()["results"]
    assert objections[0]["contact"] == "13900000000"
    r = api(world.unit_reviewer).post(
        f"/api/v1/objections/{objections[0]['id']}/decide/", {"upheld": True, "reason": "查实"}, format="json"
    )
    assert r.status_code == 200 and r.json()["status"] == "upheld"
    app.refresh_from_db()
    assert app.status == S.REJECTED


def test_objections_are_rate_limited(world, api, in_window, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"objection": "2/hour"}}
    body = {"entry": 999999, "name": "某", "contact": "1", "content": "异议"}
    codes = [api().post("/api/v1/public/objections/", body, format="json").status_code for _ in range(3)]
    assert codes == [404, 404, 429]
    r = api().post("/api/v1/public/objections/", body, format="json")
    assert shape(r)["code"] == "throttled" and "频繁" in r.json()["message"] and r.has_header("Retry-After")


def test_scoping_comes_before_filtering(world, api, in_window):
    mine = submit(world.draft())
    other_unit = UnitFactory()
    other = world.applicant(unit=other_unit)
    theirs = submit(world.draft(other))
    client = api(world.unit_reviewer)
    ids = [a["id"] for a in client.get("/api/v1/applications/").json()["results"]]
    assert ids == [mine.pk]
    assert client.get("/api/v1/applications/", {"unit": other_unit.pk}).json()["results"] == []
    assert client.get("/api/v1/applications/", {"q": other.id_number}).json()["results"] == []
    assert client.get(url(theirs)).status_code == 404
    sup = api(world.supervisor)
    assert [a["id"] for a in sup.get("/api/v1/applications/", {"q": other.id_number}).json()["results"]] == [theirs.pk]
    partial = other.id_number[:10]
    assert sup.get("/api/v1/applications/", {"q": partial}).json()["results"] == []  # ID numbers match only whole
    named = sup.get("/api/v1/applications/", {"q": other.name}).json()["results"]
    assert [a["id"] for a in named] == [theirs.pk]
    assert sup.get("/api/v1/applications/", {"status": ["unit_review"], "cycle": 2024}).json()["results"]
    assert sup.get("/api/v1/applications/", {"status": "bogus"}).status_code == 400
    page = sup.get("/api/v1/applications/", {"page_size": 1}).json()
    assert len(page["results"]) == 1 and page["next"]
    assert sup.get(page["next"]).json()["results"][0]["id"] != page["results"][0]["id"]


def test_materials_upload_download_delete(world, api, in_window):
    app = world.draft()
    client = api(app.applicant.user)
    data = simple_pdf()
    import io

    f = io.BytesIO(data)
    f.name = "工作总结.pdf"
    r = client.post(
        "/api/v1/materials/", {"application": app.pk, "kind": "work_summary", "file": f}, format="multipart"
    )
    assert r.status_code == 201, r.content
    mid = r.json()["id"]
    r = client.get(f"/api/v1/materials/{mid}/download/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == data
    bad = io.BytesIO(b"hello")
    bad.name = "x.pdf"
    r = client.post("/api/v1/materials/", {"application": app.pk, "kind": "other", "file": bad}, format="multipart")
    assert r.status_code == 400 and shape(r)["code"] == "not_pdf" and r.json()["source"]
    assert api(world.unit_reviewer).get(f"/api/v1/materials/{mid}/download/").status_code == 404  # a draft
    assert client.delete(f"/api/v1/materials/{mid}/").status_code == 204
    assert not Material.objects.filter(pk=mid).exists()


def test_tokens(world, api):
    user = world.unit_reviewer
    user.set_password("s3cret-pass")
    user.save(update_fields=["password"])
    r = api().post("/api/v1/auth/token/", {"username": user.username, "password": "wrong"}, format="json")
    assert r.status_code == 400 and shape(r)["code"] == "authentication_failed"
    r = api().post("/api/v1/auth/token/", {"username": user.username, "password": "s3cret-pass"}, format="json")
    key = r.json()["token"]
    assert Token.objects.get(user=user).key == key
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/me/").json()["roles"][0]["role"] == "unit_reviewer"
    assert client.delete("/api/v1/auth/token/").status_code == 204
    r = client.get("/api/v1/me/")
    assert r.status_code == 401 and shape(r)["code"] == "authentication_failed"
    r = APIClient().get("/api/v1/me/")
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated" and r.has_header("WWW-Authenticate")


def test_token_login_lockout_speaks_the_shape(world, api, settings):
    """django-axes locks the account after AXES_FAILURE_LIMIT failures; under /api/ the answer is the API's error
    shape (429, Chinese), and even the right password is refused during the cool-off."""
    user = world.unit_reviewer
    user.set_password("s3cret-pass")
    user.save(update_fields=["password"])
    client = api()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        r = client.post("/api/v1/auth/token/", {"username": user.username, "password": "wrong"}, format="json")
        assert r.status_code == 400
    r = client.post("/api/v1/auth/token/", {"username": user.username, "password": "wrong"}, format="json")
    assert r.status_code == 429 and shape(r)["code"] == "account_locked" and "锁定" in r.json()["message"]
    r = client.post("/api/v1/auth/token/", {"username": user.username, "password": "s3cret-pass"}, format="json")
    assert r.status_code == 429 and not Token.objects.filter(user=user).exists()


def test_calendar_read_and_supervisor_override(world, api):
    days = api(world.unit_reviewer).get("/api/v1/calendar/days/", {"start": "2024-09-28", "end": "2024-10-01"})
    verdict = {d["date"]: d["is_workday"] for d in days.json()}
    assert verdict == {"2024-09-28": False, "2024-09-29": True, "2024-09-30": True, "2024-10-01": False}
    body = {"date": "2024-09-30", "is_workday": False, "name": "测试停工", "source": "镇政办〔2024〕1号"}
    r = api(world.unit_reviewer).post("/api/v1/calendar/overrides/", body, format="json")
    assert r.status_code == 403 and not CalendarDay.objects.filter(date="2024-09-30").exists()
    r = api(world.supervisor).post("/api/v1/calendar/overrides/", body, format="json")
    assert r.status_code == 201
    day = api(world.unit_reviewer).get("/api/v1/calendar/days/", {"start": "2024-09-30", "end": "2024-09-30"}).json()
    assert day[0]["is_workday"] is False and day[0]["source"] == "镇政办〔2024〕1号"
    r = api(world.supervisor).get("/api/v1/calendar/days/", {"start": "2024-01-01", "end": "2026-01-01"})
    assert r.status_code == 400 and shape(r)["fields"]["end"]


def test_notifications_are_the_users_own(world, api, in_window):
    app = submit(world.draft())
    owner = api(app.applicant.user)
    notes = owner.get("/api/v1/notifications/", {"unread": True}).json()["results"]
    assert notes and all(n["read_at"] is None for n in notes)
    r = owner.post(f"/api/v1/notifications/{notes[0]['id']}/read/")
    assert r.status_code == 200 and r.json()["read_at"]
    assert api(world.outsider).get(f"/api/v1/notifications/{notes[0]['id']}/").status_code == 404
    assert owner.post("/api/v1/notifications/read-all/").json()["updated"] == len(notes) - 1


def test_precheck_names_every_rule_with_its_source(world, api, in_window):
    from tests.factories import level, series

    profile = world.applicant(is_civil_servant=True)
    r = api(profile.user).post(
        "/api/v1/precheck/", {"series": series("建设工程").pk, "level": level("中级").pk}, format="json"
    )
    assert r.status_code == 200
    assert r.json()["eligible"] is False and all(f["source"] for f in r.json()["failures"])
    assert api(world.clerk).post("/api/v1/precheck/", {"series": 1, "level": 1}, format="json").status_code == 403


def test_schema_and_offline_swagger_ui(api):
    r = api().get("/api/schema/")
    assert r.status_code == 200 and b"openapi" in r.content
    r = api().get("/api/docs/")
    html = r.content.decode()
    assert r.status_code == 200 and "swagger-ui" in html
    assert "drf_spectacular_sidecar" in html and "cdn.jsdelivr" not in html and "unpkg" not in html


@pytest.mark.parametrize("path", ["/api/v1/applications/abc/", "/api/v1/nothing/"])
def test_not_found_speaks_the_shape(world, api, path):
    r = api(world.supervisor).get(path)
    assert r.status_code == 404 and shape(r)["code"] == "not_found" and r.json()["message"] == "对象不存在或您无权查看"


def test_an_object_out_of_sight_is_404_before_its_input_is_read(world, api, in_window):
    app = submit(world.draft())
    r = api(world.association_clerk).post(url(app, "reject"), {}, format="json")  # another office: out of sight
    assert r.status_code == 404 and shape(r)["code"] == "not_found"
    r = api(world.unit_reviewer).post(url(app, "reject"), {}, format="json")
    assert r.status_code == 400 and "reason" in shape(r)["fields"]
