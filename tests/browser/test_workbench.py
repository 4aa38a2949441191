"""In a real browser: an applicant fills the wizard and submits; the unit reviewer approves and starts the 评前公示;
the public page lists the case during its publicity; the clock moves past the period; the department reviewer sees
the case in the inbox; the supervisor's dashboard counts it. Each test saves a screenshot of its last page."""

import re

import pytest
from playwright.sync_api import expect

from applications.models import Application, Level, Material, Series, Status
from operations.sweep import timers_sweep
from publicity.models import Publicity
from tests.applications.pdfs import simple_pdf
from tests.browser.conftest import screenshot, sign_in
from tests.factories import review_materials, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pass-1234"


def with_password(user):
    user.set_password(PASSWORD)
    user.save(update_fields=["password", "first_name", "last_name"])
    return user


def test_case_from_wizard_through_unit_publicity_to_department(world, new_page, clock):
    clock("2024-04-10T09:00:00+08:00")  # inside the 2024 window of the 建设工程 committee
    profile = world.applicant(name="王建华")
    people = {
        profile.user: "王建华",
        world.unit_reviewer: "李敏",
        world.dept_reviewer: "张强",
        world.supervisor: "刘洁",
    }
    for user, name in people.items():
        user.last_name, user.first_name = "", name  # get_full_name() is "first last": keep the Chinese order
        with_password(user)
    for name in ("赵磊", "钱芳"):  # two colleagues waiting for the unit review, so the lists are not empty
        submit(world.draft(world.applicant(name=name)))

    # 1. The applicant fills the wizard: the series → 大专业 cascade, then 建设工程 中级.
    applicant = new_page()
    sign_in(applicant, profile.user.username, PASSWORD)
    applicant.goto("/apply/")
    applicant.get_by_label("职称评审").check()
    applicant.get_by_label("系列").select_option(value=str(Series.objects.get(name="机械工程").pk))
    expect(applicant.locator("#id_specialty option")).not_to_have_count(1)  # htmx filled the 大专业 list
    applicant.get_by_label("系列").select_option(value=str(Series.objects.get(name="建设工程").pk))
    expect(applicant.locator("#id_specialty option")).to_have_count(1)
    applicant.get_by_label("申报级别").select_option(value=str(Level.objects.get(name="中级").pk))
    applicant.get_by_role("button", name="下一步：条件预检").click()
    expect(applicant.locator("#precheck")).to_contain_text("依据")
    app = profile.applications.get()
    assert app.status == Status.DRAFT
    assert Application.objects.count() == 3

    # 2. A bad upload is refused in Chinese and changes nothing; a real PDF is accepted.
    applicant.locator("#id_kind").select_option(label="毕业证书、学位证书或学信网电子注册备案表")
    applicant.locator("#id_file").set_input_files(
        files=[{"name": "毕业证.pdf", "mimeType": "application/pdf", "buffer": b"GIF89a not a pdf"}]
    )
    applicant.get_by_role("button", name="上传").click()
    expect(applicant.locator("#upload-error")).to_contain_text("仅支持 PDF 格式的材料")
    assert not Material.objects.filter(application=app).exists()
    applicant.locator("#id_kind").select_option(label="毕业证书、学位证书或学信网电子注册备案表")
    applicant.locator("#id_file").set_input_files(
        files=[{"name": "毕业证.pdf", "mimeType": "application/pdf", "buffer": simple_pdf(1)}]
    )
    applicant.get_by_role("button", name="上传").click()
    expect(applicant.locator("#materials")).to_contain_text("已上传")
    assert Material.objects.filter(application=app).count() == 1
    review_materials(app)  # the rest of the 评审 materials list, checked at submission (issue 14)

    # 3. The 告知承诺 and submission.
    applicant.reload()
    applicant.wait_for_load_state("networkidle")
    pledge = applicant.get_by_label("我已阅读并签署以上告知承诺书")
    pledge.scroll_into_view_if_needed()
    pledge.check()
    applicant.get_by_role("button", name="签署承诺并提交申报").click()
    expect(applicant.locator("#case-status")).to_have_text("单位审核")

    # 4. The unit reviewer approves from the inbox (batch) and the 评前公示 starts.
    reviewer = new_page()
    sign_in(reviewer, world.unit_reviewer.username, PASSWORD)
    reviewer.goto("/inbox/")
    reviewer.get_by_label(f"选择 {app.number}").check()
    reviewer.get_by_role("button", name=re.compile("批量审核通过")).click()
    expect(reviewer.locator(".messages")).to_contain_text("已办理 1 件申报")
    app.refresh_from_db()
    assert app.status == Status.UNIT_PUBLICITY
    assert Publicity.objects.filter(kind=Publicity.Kind.UNIT).count() == 1

    # 5. The public page lists it during its publicity.
    public = new_page()
    public.goto("/gongshi/")
    expect(public.locator("main")).to_contain_text(app.number)
    expect(public.locator("main")).to_contain_text("王建华")
    screenshot(public, "public_publicity")

    # 6. The applicant's timeline: steps with date and actor, the running publicity with working days left.
    applicant.goto(f"/cases/{app.pk}/")
    expect(applicant.locator("#timeline")).to_contain_text("单位审核通过")
    expect(applicant.locator("#timeline-current")).to_contain_text("当前：单位评前公示")
    expect(applicant.locator(".deadline")).to_contain_text("2024年4月17日")
    expect(applicant.locator(".deadline")).to_contain_text("剩余")
    screenshot(applicant, "applicant_timeline", readme=True)
    phone = new_page(mobile=True)
    sign_in(phone, profile.user.username, PASSWORD)
    phone.goto(f"/cases/{app.pk}/")
    screenshot(phone, "applicant_timeline_phone")

    # 7. Time moves past the period; the timer sweep moves the case on.
    clock("2024-04-18T10:00:00+08:00")
    timers_sweep()
    app.refresh_from_db()
    assert app.status == Status.DEPT_RECHECK

    # 8. The department reviewer sees it in the inbox.
    dept = new_page()
    sign_in(dept, world.dept_reviewer.username, PASSWORD)
    dept.goto("/inbox/")
    expect(dept.locator("#inbox-table")).to_contain_text(app.number)
    expect(dept.locator("#inbox-table")).to_contain_text("主管部门复核")
    expect(dept.locator('[data-state="dept_recheck"]')).to_contain_text("1")
    screenshot(dept, "clerk_inbox", readme=True)

    # 9. The supervisor's dashboard counts it.
    supervisor = new_page()
    sign_in(supervisor, world.supervisor.username, PASSWORD)
    expect(supervisor).to_have_url(re.compile("/dashboard/$"))
    expect(supervisor.locator("#stat-total")).to_have_text("3")
    expect(supervisor.locator("#chart-state")).to_contain_text("主管部门复核")
    screenshot(supervisor, "supervisor_dashboard", readme=True)


def test_forbidden_action_shows_chinese_message_and_changes_nothing(world, new_page, clock):
    clock("2024-04-10T09:00:00+08:00")
    app = submit(world.draft())
    with_password(world.dept_reviewer)
    page = new_page()
    sign_in(page, world.dept_reviewer.username, PASSWORD)
    page.goto("/inbox/?scope=all")  # the default view lists only what the user acts on
    page.get_by_label(f"选择 {app.number}").check()
    # the page offers only the acts the workflow gives this user: no 批量审核通过 for a case in 单位审核 …
    expect(page.get_by_role("button", name=re.compile("批量审核通过"))).to_have_count(0)
    # … and a stale or forged form posting it anyway is refused in Chinese
    page.evaluate(
        """() => { const f = document.getElementById('inbox-table'); const i = document.createElement('input');
                   i.type = 'hidden'; i.name = 'action'; i.value = 'approve'; f.appendChild(i); f.submit(); }"""
    )
    expect(page.locator("#page-error")).to_contain_text("您无权对该申报办理")
    app.refresh_from_db()
    assert app.status == Status.UNIT_REVIEW
    assert not Publicity.objects.exists()
    screenshot(page, "forbidden_action")


def test_login_lockout_in_chinese(world, new_page):
    with_password(world.clerk)
    page = new_page()
    for _ in range(5):
        page.goto("/login/")
        page.get_by_label("用户名").fill(world.clerk.username)
        page.get_by_label("密码").fill("wrong-password")
        page.get_by_role("button", name="登录").click()
    expect(page.locator("main")).to_contain_text("账号已锁定")
    screenshot(page, "login_lockout")
