"""Issue 13 through /api/v1/: a new person registers, fills the record, passes the pre-check and submits in the
demo cycle; a unit registers, is confirmed, names a reviewer who approves that case; a unit HR account files a
draft for an employee; an office publishes a window and the public list shows it. Bad input changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from applications.cycles import demo_cycles_ensure
from applications.models import ApplicantProfile, Application, ApplicationEvent, Committee, Status
from organisations import services as orgs
from organisations.models import Department, OrgEvent, Region, Unit
from tests.factories import UserFactory, grant, level, series
from tests.people.helpers import DEMO_DAY, credit_code, id_number, wrong_checksum
from zhicheng.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_day(world):
    with time_machine.travel(DEMO_DAY, tick=False) as traveller:
        demo_cycles_ensure(today=DEMO_DAY.date(), actor=world.supervisor)
        yield traveller


@pytest.fixture
def hrss(world):
    """The urban 人社部门 with a reviewer: it confirms units that name no 主管部门."""
    urban = Region.objects.get(code="zj-urban")
    dept = orgs.department_create(actor=world.supervisor, name="镇江市人力资源和社会保障局", kind="hrss", region=urban)
    reviewer = UserFactory()
    orgs.staff_role_grant(actor=world.supervisor, user=reviewer, role=Role.DEPT_REVIEWER, department=dept)
    return dept, reviewer


def token_client(token: str) -> APIClient:
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return c


def register(client: APIClient, seq: int, **extra):
    body = {"name": "陈新", "id_kind": "resident", "id_number": id_number(seq), "phone": f"1390000{seq:04d}",
            "email": f"p{seq}@example.cn", "password": "Zj-pass-2026!", **extra}  # fmt: skip
    return client.post("/api/v1/auth/register/", body, format="json")


def test_register_fill_precheck_submit_and_the_unit_reviewer_approves(world, demo_day, hrss):
    anon = APIClient()
    # A unit registers without an account: its administrator's account comes with it.
    r = anon.post(
        "/api/v1/auth/register-unit/",
        {"name": "镇江新创科技有限公司", "credit_code": credit_code(1), "ownership": "enterprise",
         "is_private_enterprise": True, "region": Region.objects.get(code="zj-urban").pk,
         "admin_username": "xinchuang_admin", "admin_name": "赵管理", "admin_password": "Unit-admin-2026!"},
        format="json",
    )  # fmt: skip
    assert r.status_code == 201, r.content
    unit_id, admin = r.json()["id"], token_client(r.json()["token"])
    assert r.json()["state"] == "pending" and r.json()["department_name"] == "镇江市人力资源和社会保障局"
    # Naming a reviewer waits for the confirmation.
    grant_body = {"role": "unit_reviewer", "username": "xinchuang_rev", "name": "钱审核", "password": "Unit-rev-2026!"}
    r = admin.post(f"/api/v1/units/{unit_id}/roles/", grant_body, format="json")
    assert r.status_code == 400 and r.json()["code"] == "unit_unconfirmed"
    _, dept_reviewer = hrss
    dept = APIClient()
    dept.force_authenticate(dept_reviewer)
    assert dept.post(f"/api/v1/units/{unit_id}/confirm/").json()["state"] == "confirmed"
    r = admin.post(f"/api/v1/units/{unit_id}/roles/", grant_body, format="json")
    assert r.status_code == 201, r.content

    # A new person registers, signs in with the ID number, fills the record.
    r = register(anon, 501)
    assert r.status_code == 201, r.content
    assert r.json()["id_number"] != id_number(501) and r.json()["id_number"].endswith(id_number(501)[-4:])
    r = anon.post("/api/v1/auth/token/", {"username": id_number(501), "password": "Zj-pass-2026!"}, format="json")
    assert r.status_code == 200, r.content
    me = token_client(r.json()["token"])
    r = me.patch(
        "/api/v1/me/profile/",
        {"unit": unit_id, "employment": "contract", "employed_since": "2016-07-01", "work_started_on": "2016-07-01"},
        format="json",
    )
    assert r.status_code == 200, r.content
    for kind, body in [
        ("educations", {"degree": "bachelor", "graduated_on": "2016-06-30", "school": "江苏大学", "major": "土木工程",
                        "chsi_code": "A1B2C3D4E5F6"}),
        ("titles", {"series": series("建设工程").pk, "level": level("助理级").pk, "obtained_on": "2018-12-20",
                    "issuer": "镇江市人力资源和社会保障局", "obtained_elsewhere": False}),
        ("ce_hours", {"year": 2025, "public_hours": 30, "professional_hours": 66}),
    ]:  # fmt: skip
        r = me.post(f"/api/v1/me/profile/{kind}/", body, format="json")
        assert r.status_code == 201, (kind, r.content)
    profile = me.get("/api/v1/me/profile/").json()
    assert profile["ce_hours"][0]["hours"] == 96 and profile["educations"][0]["chsi_code"] == "A1B2C3D4E5F6"

    body = {"series": series("建设工程").pk, "level": level("中级").pk}
    r = me.post("/api/v1/precheck/", body, format="json")
    assert r.status_code == 200 and r.json()["eligible"], r.json()
    details = {p["code"]: p["detail"] for p in r.json()["passed"]}
    assert details["seniority"].startswith("资历 7 年 ≥ 4 年"), details
    assert details["continuing_education"].startswith("2025 年继续教育 96/90 学时"), details
    r = me.post("/api/v1/applications/", body, format="json")
    assert r.status_code == 201, r.content
    app_id = r.json()["id"]
    from tests.factories import review_materials

    review_materials(Application.objects.get(pk=app_id))  # issue 14: the 评审 materials list, checked at submission
    r = me.post(f"/api/v1/applications/{app_id}/submit/", {"pledge_accepted": True}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "unit_review", r.content

    # The reviewer the unit named approves it.
    r = anon.post("/api/v1/auth/token/", {"username": "xinchuang_rev", "password": "Unit-rev-2026!"}, format="json")
    reviewer = token_client(r.json()["token"])
    r = reviewer.post(f"/api/v1/applications/{app_id}/unit-approve/")
    assert r.status_code == 200 and r.json()["status"] == "unit_publicity", r.content

    # A change of the record after submission is an event on the case the reviewer sees.
    r = me.post("/api/v1/me/profile/ce_hours/", {"year": 2024, "public_hours": 20, "professional_hours": 70},
                format="json")  # fmt: skip
    assert r.status_code == 201
    event = ApplicationEvent.objects.filter(application_id=app_id, action="profile_changed").get()
    assert "继续教育学时" in event.reason and event.from_status == event.to_status == Status.UNIT_PUBLICITY
    assert OrgEvent.objects.filter(action="unit_confirmed", target_id=unit_id).exists()


def test_sign_in_by_phone_and_the_lockout_stays(world, settings):
    settings.AXES_ENABLED = True
    anon = APIClient()
    assert register(anon, 502).status_code == 201
    ok = anon.post("/api/v1/auth/token/", {"username": "13900000502", "password": "Zj-pass-2026!"}, format="json")
    assert ok.status_code == 200
    for _ in range(settings.AXES_FAILURE_LIMIT):
        anon.post("/api/v1/auth/token/", {"username": "13900000502", "password": "wrong"}, format="json")
    r = anon.post("/api/v1/auth/token/", {"username": "13900000502", "password": "Zj-pass-2026!"}, format="json")
    assert r.status_code == 429 and r.json()["code"] == "account_locked"


def test_bad_id_checksum_duplicate_id_and_bad_credit_code_change_nothing(world):
    anon = APIClient()
    users, profiles, units = (type(world.supervisor).objects.count(), ApplicantProfile.objects.count(),
                              Unit.objects.count())  # fmt: skip
    r = register(anon, 503, id_number=wrong_checksum(id_number(503)))
    assert r.status_code == 400 and r.json()["code"] == "invalid_id_number"
    assert "校验位错误" in r.json()["message"] and "GB 11643" in r.json()["source"]
    assert (type(world.supervisor).objects.count(), ApplicantProfile.objects.count()) == (users, profiles)

    assert register(anon, 504).status_code == 201
    again = register(anon, 504, phone="13911112222", email="other@example.cn")
    assert again.status_code == 400 and again.json()["code"] == "duplicate_id" and "已注册" in again.json()["message"]
    assert ApplicantProfile.objects.count() == profiles + 1

    code = credit_code(2)
    bad = code[:-1] + ("1" if code[-1] != "1" else "2")
    r = anon.post(
        "/api/v1/auth/register-unit/",
        {"name": "镇江错码有限公司", "credit_code": bad, "ownership": "enterprise",
         "region": Region.objects.get(code="zj-urban").pk, "admin_username": "bad_admin", "admin_name": "错码",
         "admin_password": "Unit-admin-2026!"},
        format="json",
    )  # fmt: skip
    assert r.status_code == 400 and r.json()["code"] == "invalid_credit_code"
    assert "校验位错误" in r.json()["message"] and "GB 32100" in r.json()["source"]
    assert Unit.objects.count() == units and not type(world.supervisor).objects.filter(username="bad_admin").exists()


def test_passport_holder_needs_a_work_permit(world):
    anon = APIClient()
    body = {"id_kind": "passport", "id_number": "E12345678", "birth_date": "1988-02-03"}
    r = register(anon, 505, **body)
    assert r.status_code == 400 and r.json()["code"] == "work_permit_required" and "一(二)" in r.json()["source"]
    r = register(anon, 505, **body, work_permit_number="320100202600123")
    assert r.status_code == 201, r.content
    assert ApplicantProfile.objects.get(pk=r.json()["id"]).residence == "foreign_work_permit"


def test_unit_hr_files_a_draft_for_an_employee(world, demo_day, api):
    hr = grant(UserFactory(), Role.UNIT_HR, unit=world.unit)
    client = api(hr)
    body = {"name": "周员工", "id_kind": "resident", "id_number": id_number(506), "phone": "13900000506",
            "email": "staff506@example.cn", "password": ""}  # fmt: skip
    r = client.post(f"/api/v1/units/{world.unit.pk}/staff/", body, format="json")
    assert r.status_code == 201, r.content
    staff_id = r.json()["id"]
    r = client.post(f"/api/v1/profiles/{staff_id}/titles/", {"series": series("建设工程").pk,
                    "level": level("助理级").pk, "obtained_on": "2018-12-20"}, format="json")  # fmt: skip
    assert r.status_code == 201, r.content
    r = client.post(
        f"/api/v1/units/{world.unit.pk}/drafts/",
        {"applicant": staff_id, "series": series("建设工程").pk, "level": level("中级").pk},
        format="json",
    )
    assert r.status_code == 201, r.content
    app = Application.objects.get(pk=r.json()["id"])
    assert app.status == Status.DRAFT and app.applicant_id == staff_id and app.review_cycle.is_demo
    create = app.events.get(action="create")
    assert create.actor == hr and create.actor_role == Role.UNIT_HR
    # HR may not sign the 告知承诺: the applicant signs it themselves.
    r = client.post(f"/api/v1/applications/{app.pk}/submit/", {"pledge_accepted": True}, format="json")
    assert r.status_code in (403, 404) and Application.objects.get(pk=app.pk).status == Status.DRAFT
    # Another unit's HR cannot file for this person.
    other = grant(UserFactory(), Role.UNIT_HR, unit=Unit.objects.exclude(pk=world.unit.pk).first() or world.unit)
    if other.roles.get().unit_id != world.unit.pk:
        r = api(other).post(
            f"/api/v1/units/{world.unit.pk}/drafts/",
            {"applicant": staff_id, "series": series("建设工程").pk, "level": level("中级").pk},
            format="json",
        )
        assert r.status_code in (403, 404)


def test_office_publishes_a_window_and_the_public_list_shows_it(world, demo_day, api):
    line = (
        Committee.objects.filter(cycle__is_demo=True, by_notice=True, office=world.office, inherited_from_row=None)
        .order_by("row", "entry")
        .first()
    )
    assert line is not None
    body = {"committee": line.pk, "start": "2026-07-01", "end": "2026-08-31", "document_number": "镇职称评〔2026〕3号"}
    r = api(world.unit_reviewer).post("/api/v1/windows/", body, format="json")
    assert r.status_code == 403
    r = api(world.clerk).post("/api/v1/windows/", body, format="json")
    assert r.status_code == 201, r.content
    public = APIClient().get("/api/v1/public/windows/").json()
    assert public["is_demo"] and public["cycle"] == 2026
    row = next(x for x in public["rows"] if x["committee"] == line.pk)
    assert row["windows"][0]["document_number"] == "镇职称评〔2026〕3号" and row["office"] == world.office.name
    assert "2026年07月01日至2026年08月31日" in row["window_text"] and row["phones"]
    assert OrgEvent.objects.filter(action="window_published", target_id=line.pk).exists()


def test_departments_fallback_is_required(world):
    """A unit without a 主管部门 in a region without a 人社部门 is refused: no case may wait for nobody."""
    region = Region.objects.exclude(department__kind=Department.Kind.HRSS).first()
    client = APIClient()
    client.force_authenticate(world.outsider)
    r = client.post(
        "/api/v1/auth/register-unit/",
        {"name": "无部门单位", "credit_code": credit_code(3), "ownership": "enterprise", "region": region.pk},
        format="json",
    )
    assert r.status_code == 400 and r.json()["code"] == "no_department"


def test_integrity_record_and_fraud_veto(world, api, in_window):
    from tests.factories import submit

    app = submit(world.draft())
    r = api(world.unit_reviewer).post(
        f"/api/v1/applications/{app.pk}/fraud-veto/",
        {"finding": "伪造业绩证明", "source_document": "镇江市某单位调查报告"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["status"] == "rejected", r.content
    record = app.applicant.__class__.objects.get(pk=app.applicant_id)
    from applications.models import IntegrityRecord

    rec = IntegrityRecord.objects.get(application=app)
    assert rec.id_number == record.id_number and rec.expires_on == dt.date(2027, 4, 10)
    r = api(world.unit_reviewer).post(
        "/api/v1/integrity-records/",
        {"name": "某人", "id_number": id_number(507), "finding": "x", "source_document": "y", "found_on": "2024-04-01"},
        format="json",
    )
    assert r.status_code == 403
    r = api(world.supervisor).post(
        "/api/v1/integrity-records/",
        {"name": "某人", "id_number": id_number(507), "finding": "外省认定论文造假",
         "source_document": "苏人社函〔2024〕1号", "found_on": "2024-04-01"},
        format="json",
    )  # fmt: skip
    assert r.status_code == 201 and r.json()["expires_on"] == "2027-04-01"
