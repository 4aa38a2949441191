"""Every role × every endpoint of the schema × an object of another unit / committee / applicant: 403 or 404, never
the data (issue: REST API, Done when 1). Endpoints are read from the OpenAPI schema, so a new one cannot be missed:
the test fails until the object it shows is named in OBJECT_OF."""

from __future__ import annotations

import json
import re

import pytest
from drf_spectacular.generators import SchemaGenerator

from organisations.models import CommitteeOffice
from tests.api.flow import to_certificate
from tests.factories import UserFactory, World, grant
from zhicheng.models import CalendarDay, Notification
from zhicheng.roles import Role

pytestmark = pytest.mark.django_db

# Readable by every signed-in user, or about the caller only: not part of the matrix (tested on their own below).
OPEN_PREFIXES = (
    "/api/v1/reference/",
    "/api/v1/public/",
    "/api/v1/me/",
    "/api/v1/auth/",
    "/api/v1/calendar/days/",
    "/api/v1/precheck/",
)


def schema_operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (path, method)
        for path, item in schema["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    ]


@pytest.fixture
def setting(world):
    objs = to_certificate(world)
    other = World()
    other_office = CommitteeOffice.objects.exclude(pk=world.office.pk).exclude(pk=world.association.pk).first()
    outsiders = {
        "applicant": other.applicant().user,
        "unit_reviewer": other.unit_reviewer,
        "dept_reviewer": other.dept_reviewer,
        "committee_clerk": grant(UserFactory(), Role.COMMITTEE_CLERK, office=other_office),
        "association_clerk": world.association_clerk,  # the association: not the committee of this 评审 case
        "no_role": UserFactory(),
    }
    note = Notification.objects.filter(recipient=objs.application.applicant.user).first()
    day = CalendarDay.objects.create(date="2030-01-02", is_workday=False, name="测试", source="测试文件")
    object_of = {
        "applications": objs.application.pk,
        "materials": objs.material.pk,
        "publicities": objs.unit_publicity.pk,
        "objections": objs.objection.pk,
        "meetings": objs.meeting.pk,
        "filings": objs.filing.pk,
        "expert-pools": objs.pool.pk,
        "experts": objs.expert.pk,
        "publications": objs.publication.pk,
        "certificates": objs.certificate.pk,
        "notifications": note.pk,
        "calendar/overrides": day.pk,
        "notifications/read-all": None,
        "units": world.unit.pk,
        "units/import": None,
        "profiles": objs.application.applicant_id,
        "windows": None,
        "integrity-records": None,
    }
    app = objs.application
    # Strings that would show the object's data had it leaked.
    secrets = [
        app.number,
        app.applicant.name,
        app.applicant.id_number,
        objs.certificate.number,
        objs.objection.contact,
        objs.meeting.title,
        objs.publication.document_number,
        note.title,
        objs.material.sha256,
    ]
    body = {
        "pledge_accepted": True,
        "reason": "测试",
        "items": ["测试"],
        "finding": "测试",
        "working_days": 5,
        "document_number": "镇测〔2024〕1号",
        "date": "2030-12-01",
        "applications": [app.pk],
        "application": app.pk,
        "upheld": False,
        "seed": "",
        "expert": objs.expert.pk,
        "note": "",
        "active": False,
        "kind": "unit",
        "votes": [{"expert": objs.expert.pk, "approve": True}],
        "committee": app.committee_id,
        "series": app.series_id,
        "level": app.level_id,
        "place": "会议室",
        "pass_rate": "0.5",
        "office": world.office.pk,
        "pool": objs.pool.pk,
        "name": "专家",
        "is_workday": True,
        "source": "测试",
    }
    return objs, outsiders, object_of, secrets, body


def _resource(path: str) -> str:
    rest = path.removeprefix("/api/v1/")
    return rest.split("/{", 1)[0].rstrip("/")


def _leaks(response, secrets) -> list[str]:
    text = response.content.decode("utf-8", "replace")
    return [s for s in secrets if s and s in text]


def test_every_role_every_endpoint_foreign_object(setting, api):
    objs, outsiders, object_of, secrets, body = setting
    checked = 0
    for path, method in schema_operations():
        if path.startswith(OPEN_PREFIXES):
            continue
        resource = _resource(path)
        assert resource in object_of, f"新的端点 {path}：请在 OBJECT_OF 中指定其对象"
        for role, user in outsiders.items():
            client = api(user)
            if "{id}" in path:
                url = path.replace("{id}", str(object_of[resource]))
                r = getattr(client, method)(url, data=body, format="json") if method != "get" else client.get(url)
                if resource == "calendar/overrides" and method == "get":
                    assert r.status_code == 200  # the calendar is readable by all; writing it is not
                    continue
                assert r.status_code in (403, 404), (role, method, url, r.status_code, r.content[:300])
                assert not _leaks(r, secrets), (role, method, url)
            elif method == "get":
                r = client.get(path, {"page_size": 200})
                assert r.status_code in (200, 403), (role, path, r.status_code)
                if resource != "calendar/overrides":
                    assert not _leaks(r, secrets), (role, path)
                    ids = [row["id"] for row in r.json().get("results", [])] if r.status_code == 200 else []
                    assert object_of[resource] not in ids, (role, path)
            elif resource == "notifications/read-all":
                assert client.post(path).status_code == 200
                assert Notification.objects.get(pk=object_of["notifications"]).read_at is None, role
            else:  # creating something that names the other unit's / committee's objects
                if resource == "applications":
                    continue  # creates the caller's own draft: nothing of anyone else is named
                r = client.post(path, data=body, format="json")
                assert r.status_code in (403, 404), (role, path, r.status_code, r.content[:300])
                assert not _leaks(r, secrets), (role, path)
            checked += 1
    assert checked > 300


def test_the_applicant_never_sees_who_objected(setting, api):
    objs, *_ = setting
    client = api(objs.held.applicant.user)
    assert client.get(f"/api/v1/applications/{objs.held.pk}/").status_code == 200
    r = client.get(f"/api/v1/objections/{objs.objection.pk}/")
    assert r.status_code == 404
    listing = client.get("/api/v1/objections/").content.decode()
    assert objs.objection.name not in listing and objs.objection.contact not in listing


def test_anonymous_gets_401_everywhere_private(setting, api):
    objs, _, object_of, secrets, body = setting
    client = api()
    for path, method in schema_operations():
        if path.startswith(("/api/v1/public/", "/api/v1/auth/")):
            continue
        url = path.replace("{id}", str(object_of.get(_resource(path), 1)))
        r = getattr(client, method)(url, data=body, format="json") if method != "get" else client.get(url)
        assert r.status_code == 401, (method, url, r.status_code)
        assert r.json()["code"] == "not_authenticated"
        assert not _leaks(r, secrets)


PUBLIC_ENTRY_KEYS = {
    "id",
    "name",
    "unit",
    "series",
    "specialty",
    "level",
    "publicity_title",
    "publicity_kind",
    "publisher",
    "starts_on",
    "last_day",
}
ID_NUMBER = re.compile(r"\d{17}[\dXx]")


def test_public_endpoints_show_only_what_the_notices_publish(setting, api):
    objs, *_ = setting
    client = api()
    r = client.get("/api/v1/public/publicities/")
    assert r.status_code == 200
    rows = r.json()["results"]
    assert rows and all(set(row) == PUBLIC_ENTRY_KEYS for row in rows)
    text = json.dumps(r.json(), ensure_ascii=False)
    assert not ID_NUMBER.search(text)
    for private in (
        objs.held.applicant.id_number,
        objs.held.applicant.phone or "§",
        objs.objection.contact,
        objs.objection.name,
        objs.held.number,
    ):
        assert private not in text
    holder = objs.certificate.holder_name
    alone = client.get("/api/v1/public/certificates/verify/", {"number": objs.certificate.number})
    assert alone.status_code == 400 and holder not in alone.content.decode()  # issue 16: never by number alone
    r = client.get("/api/v1/public/certificates/verify/", {"number": objs.certificate.number, "name": holder})
    assert r.status_code == 200
    assert set(r.json()) == {
        "number",
        "holder_name",
        "series",
        "specialty",
        "level",
        "qualified_on",
        "issuer",
        "document_number",
        "status",
        "valid",
    }
    assert objs.application.applicant.id_number not in r.content.decode()
    wrong = client.get("/api/v1/public/certificates/verify/", {"number": objs.certificate.number, "name": "别人"})
    unknown = client.get("/api/v1/public/certificates/verify/", {"number": "321120249999999", "name": holder})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()  # a wrong name cannot be told from an unknown number
