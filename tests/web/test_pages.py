"""The server-rendered pages (issue 8): they call the services, show refusals in Chinese with a 4xx status and
change nothing then."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import ApplicationEvent, Level, Material, Series, Specialty, Status
from publicity.models import Publicity
from tests.applications.pdfs import encrypted_pdf, simple_pdf
from tests.factories import submit

pytestmark = pytest.mark.django_db


def with_password(user, password="pass-1234"):
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def login(client, user):
    with_password(user)  # the factory's password is not saved: keep the session's auth hash valid
    client.force_login(user)
    return client


def test_login_page_is_chinese_and_signs_in(client, world):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()
    with_password(world.supervisor)
    response = client.post(reverse("login"), {"username": world.supervisor.username, "password": "pass-1234"})
    assert response.status_code == 302
    assert client.get("/").url == reverse("dashboard")


def test_wrong_password_is_refused_in_chinese(client, world):
    response = client.post(reverse("login"), {"username": world.clerk.username, "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_lockout_after_repeated_failures_shows_chinese_page(client, world, settings):
    with_password(world.clerk)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse("login"), {"username": world.clerk.username, "password": "wrong"})
    response = client.post(reverse("login"), {"username": world.clerk.username, "password": "wrong"})
    assert response.status_code == 429
    assert "账号已锁定" in response.content.decode()
    # Even the right password is refused during the cool-off.
    response = client.post(reverse("login"), {"username": world.clerk.username, "password": "pass-1234"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_password_change(client, world):
    with_password(world.clerk)
    login(client, world.clerk)
    response = client.post(
        reverse("password_change"),
        {"old_password": "pass-1234", "new_password1": "Xin-Mima-2024!", "new_password2": "Xin-Mima-2024!"},
    )
    assert response.status_code == 302
    world.clerk.refresh_from_db()
    assert world.clerk.check_password("Xin-Mima-2024!")


def test_pages_need_login(client):
    assert client.get(reverse("inbox")).status_code == 302
    assert client.get(reverse("my-cases")).status_code == 302


def test_wizard_creates_a_draft_and_shows_the_precheck(client, world, in_window):
    profile = world.applicant()
    login(client, profile.user)
    response = client.post(
        reverse("application-new"),
        {
            "route": "review",
            "series": Series.objects.get(name="建设工程").pk,
            "level": Level.objects.get(name="中级").pk,
        },
    )
    assert response.status_code == 302
    app = profile.applications.get()
    assert app.status == Status.DRAFT
    page = client.get(response.url).content.decode()
    assert "申报条件预检" in page and "告知承诺书" in page


def test_wizard_refuses_without_a_level(client, world):
    profile = world.applicant()
    login(client, profile.user)
    response = client.post(reverse("application-new"), {"route": "review", "series": Series.objects.first().pk})
    assert response.status_code == 400
    assert not profile.applications.exists()


def test_cascade_lists_the_specialties_of_a_series(client, world):
    login(client, world.applicant().user)
    series = Series.objects.get(name="机械工程")
    response = client.get(reverse("cascade-specialties"), {"series": series.pk})
    page = response.content.decode()
    first = Specialty.objects.filter(series=series).first()
    assert first.name in page
    assert 'hx-swap-oob="innerHTML"' in page  # the 小专业 list is reset at the same time
    sub = first.subspecialties.first()
    if sub is not None:
        assert sub.name in client.get(reverse("cascade-subspecialties"), {"specialty": first.pk}).content.decode()


def test_bad_upload_shows_chinese_message_and_changes_nothing(client, world):
    app = world.draft()
    login(client, app.applicant.user)
    fake = SimpleUploadedFile("证书.pdf", b"this is not a pdf", content_type="application/pdf")
    response = client.post(reverse("material-upload", args=[app.pk]), {"kind": "diploma", "file": fake})
    assert response.status_code == 400
    page = response.content.decode()
    assert "仅支持 PDF 格式的材料" in page and "镇技协〔2024〕1号 五(三)" in page
    assert not Material.objects.filter(application=app).exists()
    # htmx: only the materials block comes back, with the refusal.
    locked = SimpleUploadedFile("a.pdf", encrypted_pdf(), content_type="application/pdf")
    response = client.post(
        reverse("material-upload", args=[app.pk]), {"kind": "diploma", "file": locked}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert "已加密" in response.content.decode() and "<html" not in response.content.decode()
    assert not Material.objects.filter(application=app).exists()


def test_good_upload_is_listed(client, world):
    app = world.draft()
    login(client, app.applicant.user)
    pdf = SimpleUploadedFile("毕业证.pdf", simple_pdf(2), content_type="application/pdf")
    response = client.post(reverse("material-upload", args=[app.pk]), {"kind": "diploma", "file": pdf})
    assert response.status_code == 302
    material = Material.objects.get(application=app)
    assert material.pages == 2
    assert "毕业证.pdf" in client.get(reverse("case-detail", args=[app.pk])).content.decode()
    inline = client.get(reverse("material-view", args=[material.pk]))
    assert inline.status_code == 200 and "inline" in inline["Content-Disposition"]


def test_submit_without_pledge_is_refused(client, world, in_window):
    app = world.draft()
    login(client, app.applicant.user)
    response = client.post(reverse("application-submit", args=[app.pk]), {})
    assert response.status_code == 400
    assert "告知承诺书" in response.content.decode()
    app.refresh_from_db()
    assert app.status == Status.DRAFT


def test_submit_with_pledge_moves_to_unit_review(client, world, in_window):
    from tests.factories import review_materials

    app = review_materials(world.draft())  # the 评审 materials list is checked at submission (issue 14)
    login(client, app.applicant.user)
    response = client.post(reverse("application-submit", args=[app.pk]), {"pledge": "on"})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == Status.UNIT_REVIEW


def test_forbidden_action_shows_chinese_message_and_changes_nothing(client, world, in_window):
    app = submit(world.draft())
    events = ApplicationEvent.objects.filter(application=app).count()
    login(client, world.dept_reviewer)  # may see the case (its unit is under the department), may not approve it
    response = client.post(reverse("case-act", args=[app.pk, "approve"]))
    assert response.status_code == 403
    assert "您无权对该申报办理" in response.content.decode()
    app.refresh_from_db()
    assert app.status == Status.UNIT_REVIEW
    assert ApplicationEvent.objects.filter(application=app).count() == events
    assert not Publicity.objects.exists()


def test_invisible_case_is_404(client, world, in_window):
    app = submit(world.draft())
    login(client, world.outsider)
    assert client.post(reverse("case-act", args=[app.pk, "approve"])).status_code == 404
    assert client.get(reverse("case-detail", args=[app.pk])).status_code == 404


def test_batch_approve_starts_one_unit_publicity(client, world, in_window):
    apps = [submit(world.draft()) for _ in range(2)]
    login(client, world.unit_reviewer)
    response = client.post(reverse("inbox-batch"), {"action": "approve", "ids": [a.pk for a in apps]})
    assert response.status_code == 302
    pub = Publicity.objects.get()
    assert pub.kind == Publicity.Kind.UNIT and pub.entries.count() == 2
    for app in apps:
        app.refresh_from_db()
        assert app.status == Status.UNIT_PUBLICITY
    # the timeline shows the publicity's end with the working days left
    page = client.get(reverse("case-detail", args=[apps[0].pk])).content.decode()
    assert "单位评前公示期满" in page and "剩余" in page and "个工作日" in page
    # and the public page lists the cases during the publicity
    client.logout()
    public = client.get(reverse("public-publicity")).content.decode()
    assert apps[0].number in public and apps[0].applicant.name in public
    assert apps[0].applicant.id_number not in public


def test_batch_refusal_changes_nothing(client, world, in_window):
    app = submit(world.draft())
    events = ApplicationEvent.objects.filter(application=app).count()
    login(client, world.clerk)  # sees the case routed to its office, but the unit review is not the clerk's
    response = client.post(reverse("inbox-batch"), {"action": "approve", "ids": [app.pk]})
    assert response.status_code == 403
    assert "您无权对该申报办理" in response.content.decode()
    app.refresh_from_db()
    assert app.status == Status.UNIT_REVIEW
    assert ApplicationEvent.objects.filter(application=app).count() == events
    assert not Publicity.objects.exists()
    login(client, world.outsider)  # an id the user cannot see is simply not selected
    response = client.post(reverse("inbox-batch"), {"action": "approve", "ids": [app.pk]})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == Status.UNIT_REVIEW


def test_correction_form_lists_items(client, world, in_window):
    app = submit(world.draft())
    login(client, world.unit_reviewer)
    response = client.post(
        reverse("case-act", args=[app.pk, "correction"]),
        {"items": ["工作总结"], "other": "学历证书复印件不清晰\n"},
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == Status.CORRECTION
    assert app.correction_items == ["工作总结", "学历证书复印件不清晰"]
    login(client, app.applicant.user)
    page = client.get(reverse("case-detail", args=[app.pk])).content.decode()
    assert "补正通知" in page and "学历证书复印件不清晰" in page and "补正期限" in page


def test_empty_correction_is_refused(client, world, in_window):
    app = submit(world.draft())
    login(client, world.unit_reviewer)
    response = client.post(reverse("case-act", args=[app.pk, "correction"]), {})
    assert response.status_code == 400
    assert "须一次性列明需要补正的全部内容" in response.content.decode()
    app.refresh_from_db()
    assert app.status == Status.UNIT_REVIEW


def test_inbox_counts_filters_and_export(client, world, in_window):
    apps = [submit(world.draft()) for _ in range(3)]
    login(client, world.unit_reviewer)
    page = client.get(reverse("inbox")).content.decode()
    assert 'data-state="unit_review">单位审核 <b>3</b>' in page
    page = client.get(reverse("inbox"), {"q": apps[0].applicant.name}).content.decode()
    assert apps[0].number in page and apps[1].number not in page
    response = client.get(reverse("inbox"), {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(1, 1).value == "申报编号"
    assert {sheet.cell(r, 1).value for r in range(2, 5)} == {a.number for a in apps}


def test_applicant_has_no_inbox(client, world):
    login(client, world.applicant().user)
    assert client.get(reverse("inbox")).status_code == 404


def test_dashboard_is_for_the_supervisor(client, world, in_window):
    submit(world.draft())
    login(client, world.clerk)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 403 and "仅市职称办监管人员可以查看" in response.content.decode()
    login(client, world.supervisor)
    page = client.get(reverse("dashboard")).content.decode()
    assert '<div class="stat" id="stat-total">1</div>' in page
    assert "单位审核" in page


def test_my_cases_lists_own_cases(client, world):
    app = world.draft()
    other = world.draft()
    login(client, app.applicant.user)
    page = client.get(reverse("my-cases")).content.decode()
    assert app.number in page and other.number not in page


def test_objection_form_refuses_incomplete_and_accepts_complete(client, world, in_window):
    app = submit(world.draft())
    login(client, world.unit_reviewer)
    client.post(reverse("inbox-batch"), {"action": "approve", "ids": [app.pk]})
    client.logout()
    entry = Publicity.objects.get().entries.get()
    response = client.post(reverse("objection-new", args=[entry.pk]), {"content": "业绩造假"})
    assert response.status_code == 400 and "提出异议须填写实名、联系方式" in response.content.decode()
    app.refresh_from_db()
    assert app.open_objections == 0
    response = client.post(
        reverse("objection-new", args=[entry.pk]), {"name": "李四", "contact": "13800000000", "content": "业绩造假"}
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.open_objections == 1


def test_certificate_page_renders(client):
    assert client.get(reverse("certificate-verify")).status_code == 200


def test_supervisor_imports_a_calendar_year(client, world):
    login(client, world.supervisor)
    good = SimpleUploadedFile(
        "2031.yaml",
        "year: 2031\nsource: 国办发明电〔2030〕1号\nholidays:\n  - {date: 2031-01-01, name: 元旦}\n".encode(),
    )
    response = client.post(reverse("calendar"), {"file": good})
    assert response.status_code == 302
    from zhicheng.models import CalendarDay, CalendarYear

    assert CalendarYear.objects.filter(year=2031).exists() and CalendarDay.objects.filter(date__year=2031).count() == 1
    bad = SimpleUploadedFile("2032.yaml", b"year: 2032\n")
    response = client.post(reverse("calendar"), {"file": bad})
    assert response.status_code == 400 and "source（依据文件）" in response.content.decode()
    assert not CalendarYear.objects.filter(year=2032).exists()
    login(client, world.clerk)
    assert client.post(reverse("calendar"), {"file": good}).status_code == 403


def test_integrity_archive_is_for_the_supervisor(client, world):
    login(client, world.clerk)
    assert client.get(reverse("integrity")).status_code == 403
    login(client, world.supervisor)
    assert client.get(reverse("integrity")).status_code == 200
    assert client.get(reverse("integrity"), {"export": "xlsx"}).status_code == 200
