"""The issue-13 pages through Django's test client: register, 个人信息, units, HR drafts, windows, integrity,
password reset by e-mail, sign-in by ID number."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from applications.cycles import demo_cycles_ensure
from applications.models import ApplicantProfile, Application, Committee, IntegrityRecord
from organisations import services as orgs
from organisations.models import Region, Unit
from tests.factories import UserFactory, grant, level, series, submit
from tests.people.helpers import DEMO_DAY, credit_code, id_number, wrong_checksum
from zhicheng.roles import Role

pytestmark = pytest.mark.django_db


def login(client, user):
    user.set_password("pass-1234")  # the factory's password is not saved: keep the session's auth hash valid
    user.save(update_fields=["password"])
    client.force_login(user)


def reg_form(seq: int, **extra) -> dict:
    return {"name": "孙注册", "id_kind": "resident", "id_number": id_number(seq), "phone": f"1360000{seq:04d}",
            "email": f"r{seq}@example.cn", "password": "Zj-pass-2026!", "password2": "Zj-pass-2026!",
            **extra}  # fmt: skip


def test_register_page_then_sign_in_with_the_id_number(client, world):
    r = client.post(reverse("register"), reg_form(701, id_number=wrong_checksum(id_number(701))))
    assert r.status_code == 400 and "身份证号校验位错误" in r.content.decode()
    assert not ApplicantProfile.objects.filter(name="孙注册").exists()
    r = client.post(reverse("register"), reg_form(701))
    assert r.status_code == 302 and r.url == reverse("profile")
    client.logout()
    r = client.post(reverse("login"), {"username": id_number(701), "password": "Zj-pass-2026!"})
    assert r.status_code == 302
    page = client.get(reverse("profile")).content.decode()
    assert "个人信息" in page and "孙注册" in page and id_number(701) not in page  # masked


def test_profile_page_adds_entries_and_basic_fields(client, world):
    profile = world.applicant()
    login(client, profile.user)
    r = client.post(reverse("profile"), {"section": "ce_hours", "ce_hours-year": 2024, "ce_hours-public_hours": 24,
                                         "ce_hours-professional_hours": 70})  # fmt: skip
    assert r.status_code == 302
    assert profile.ce_hours.get(year=2024).hours == 94
    r = client.post(reverse("profile"), {"section": "educations", "educations-degree": "master",
                    "educations-graduated_on": "2019-06-30", "educations-school": "东南大学",
                    "educations-major": "结构工程", "educations-relevant": "on",
                    "educations-chsi_code": "XYZ123"})  # fmt: skip
    assert r.status_code == 302 and profile.educations.filter(chsi_code="XYZ123").exists()
    basic = {"section": "basic", "basic-phone": "13512345678", "basic-residence": "mainland",
             "basic-employment": "contract", "basic-unit": world.unit.pk, "basic-employed_since": "2015-07-01",
             "basic-work_started_on": "2015-07-01", "basic-is_civil_servant": "on",
             "basic-social_security_queryable": "on"}  # fmt: skip
    assert client.post(reverse("profile"), basic).status_code == 302
    profile.refresh_from_db()
    assert profile.is_civil_servant and profile.phone == "13512345678"
    assert "公务员" in client.get(reverse("profile")).content.decode()


def test_new_application_without_a_record_points_to_the_profile_page(client, world):
    login(client, world.outsider)
    r = client.get(reverse("application-new"))
    assert r.status_code == 302 and r.url == reverse("profile")
    assert "注册申报人账号" in client.get(reverse("profile")).content.decode()


def test_unit_registers_is_confirmed_and_names_a_reviewer(client, world):
    urban = Region.objects.get(code="zj-urban")
    hrss = orgs.department_create(actor=world.supervisor, name="镇江市人力资源和社会保障局", kind="hrss", region=urban)
    form = {"name": "镇江页面注册有限公司", "credit_code": credit_code(71), "ownership": "enterprise",
            "is_private_enterprise": "on", "region": urban.pk, "admin_username": "page_admin",
            "admin_name": "王管理", "admin_password": "Unit-admin-2026!"}  # fmt: skip
    bad = client.post(reverse("unit-register"), {**form, "credit_code": credit_code(71)[:-1] + "0"})
    assert bad.status_code == 400 and "统一社会信用代码校验位错误" in bad.content.decode()
    r = client.post(reverse("unit-register"), form)
    assert r.status_code == 302
    unit = Unit.objects.get(name="镇江页面注册有限公司")
    assert unit.state == Unit.State.PENDING and unit.department == hrss
    dept_user = UserFactory()
    orgs.staff_role_grant(actor=world.supervisor, user=dept_user, role=Role.DEPT_REVIEWER, department=hrss)
    login(client, dept_user)
    assert "确认 镇江页面注册有限公司" in client.get(reverse("units")).content.decode()
    assert client.post(reverse("unit-confirm", args=[unit.pk])).status_code == 302
    unit.refresh_from_db()
    assert unit.state == Unit.State.CONFIRMED
    login(client, unit.registered_by)
    grant_form = {"action": "grant", "grant-role": "unit_reviewer", "grant-username": "page_rev",
                  "grant-name": "周审核", "grant-password": "Unit-rev-2026!"}  # fmt: skip
    r = client.post(reverse("unit-detail", args=[unit.pk]), grant_form)
    assert r.status_code == 302
    assert unit.rolemembership_set.filter(user__username="page_rev", role=Role.UNIT_REVIEWER).exists()


def test_hr_files_a_draft_and_the_employee_signs(client, world):
    with time_machine.travel(DEMO_DAY, tick=False):
        demo_cycles_ensure(today=DEMO_DAY.date())
        _hr_files_a_draft(client, world)


def _hr_files_a_draft(client, world):
    hr = grant(UserFactory(), Role.UNIT_HR, unit=world.unit)
    login(client, hr)
    r = client.post(reverse("unit-detail", args=[world.unit.pk]), {"action": "staff", **{f"staff-{k}": v for k, v in
                    reg_form(702, password="", password2="").items()}})  # fmt: skip
    assert r.status_code == 302, r.content.decode()[:2000]
    staff = ApplicantProfile.objects.get(id_hash__isnull=False, name="孙注册")
    draft = {"action": "draft", "draft-applicant": staff.pk, "draft-route": "review",
             "draft-series": series("建设工程").pk, "draft-level": level("中级").pk}  # fmt: skip
    r = client.post(reverse("unit-detail", args=[world.unit.pk]), draft)
    assert r.status_code == 302
    app = Application.objects.get(applicant=staff)
    assert r.url == reverse("case-detail", args=[app.pk])
    assert client.get(r.url).status_code == 200


def test_office_publishes_and_the_public_page_lists_it(client, world):
    with time_machine.travel(DEMO_DAY, tick=False):
        demo_cycles_ensure(today=DEMO_DAY.date())
        line = Committee.objects.filter(cycle__is_demo=True, by_notice=True, office=world.office,
                                        inherited_from_row=None).order_by("row").first()  # fmt: skip
        login(client, world.clerk)
        page = client.get(reverse("windows-publish")).content.decode()
        assert line.label in page
        r = client.post(reverse("windows-publish"), {"committee": line.pk, "start": "2026-09-01", "end": "2026-09-30",
                                                     "document_number": "镇职称评〔2026〕9号"})  # fmt: skip
        assert r.status_code == 302
        client.logout()
        public = client.get(reverse("windows-public")).content.decode()
    assert "镇职称评〔2026〕9号" in public and "2026年09月01日至2026年09月30日" in public and "演示年度" in public


def test_integrity_entry_and_veto_pages(client, world, in_window):
    login(client, world.supervisor)
    r = client.post(reverse("integrity-new"), {"name": "李某", "id_number": id_number(703), "finding": "伪造学历",
                    "source_document": "某市人社局认定书", "found_on": "2024-04-01"})  # fmt: skip
    assert r.status_code == 302 and IntegrityRecord.objects.filter(name="李某").exists()
    app = submit(world.draft())
    login(client, world.unit_reviewer)
    assert "一票否决" in client.get(reverse("case-detail", args=[app.pk])).content.decode()
    r = client.post(reverse("fraud-veto", args=[app.pk]), {"finding": "业绩材料造假", "source_document": "审核发现"})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.status == "rejected" and IntegrityRecord.objects.filter(application=app).exists()


def test_password_reset_by_email(client, world):
    assert client.post(reverse("register"), reg_form(704)).status_code == 302
    client.logout()
    r = client.post(reverse("password_reset"), {"email": "r704@example.cn"})
    assert r.status_code == 302 and len(mail.outbox) == 1
    assert "重设登录密码" in mail.outbox[0].subject
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    r = client.get(link, follow=True)
    assert "设置新密码" in r.content.decode()
    r = client.post(r.redirect_chain[-1][0], {"new_password1": "New-pass-2026!", "new_password2": "New-pass-2026!"})
    assert r.status_code == 302
    r = client.post(reverse("login"), {"username": "13600000704", "password": "New-pass-2026!"})
    assert r.status_code == 302 and r.url == "/"


def test_supervisor_maintains_departments_offices_and_clerks(client, world):
    from organisations.models import CommitteeOffice, Department, OrgEvent

    login(client, world.supervisor)
    urban = Region.objects.get(code="zj-urban")
    r = client.post(reverse("organisations"), {"action": "department", "dept-name": "镇江市住房和城乡建设局",
                                               "dept-kind": "industry", "dept-region": urban.pk})  # fmt: skip
    assert r.status_code == 302 and Department.objects.filter(name="镇江市住房和城乡建设局").exists()
    r = client.post(reverse("organisations"), {"action": "office", "office-office": world.office.pk,
                    "office-name": world.office.name, "office-phones": "84403810、84403811",
                    "office-address": "镇江市长江路1号"})  # fmt: skip
    assert r.status_code == 302
    world.office.refresh_from_db()
    assert world.office.address == "镇江市长江路1号" and world.office.phones == ["84403810", "84403811"]
    r = client.post(reverse("organisations"), {"action": "role", "role-username": "new_clerk", "role-name": "孔经办",
                    "role-password": "Clerk-pass-2026!", "role-role": "committee_clerk",
                    "role-office_scope": world.office.pk})  # fmt: skip
    assert r.status_code == 302
    assert world.office.rolemembership_set.filter(user__username="new_clerk").exists()
    assert OrgEvent.objects.filter(action="office_saved", target_id=world.office.pk).exists()
    assert CommitteeOffice.objects.filter(pk=world.office.pk).exists()
    login(client, world.unit_reviewer)
    assert client.get(reverse("organisations")).status_code == 404
