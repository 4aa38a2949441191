"""In a real browser, in the demo cycle (演示年度): a unit registers, its 人社部门 confirms it, its administrator names
a reviewer; a new person registers, fills 个人信息, passes the pre-check and submits; the named reviewer approves.
A unit HR account files a draft for an employee. A committee office publishes a window; the public page shows it."""

import re

import pytest
from playwright.sync_api import expect

from applications.cycles import demo_cycles_ensure
from applications.models import ApplicantProfile, Application, Committee, Level, Series, Status
from organisations import services as orgs
from organisations.models import Region, Unit
from tests.browser.conftest import screenshot, sign_in
from tests.factories import UserFactory, grant
from tests.people.helpers import DEMO_DAY, credit_code, id_number
from zhicheng.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pass-1234"
DAY = DEMO_DAY.isoformat()


def with_password(user, name=""):
    user.set_password(PASSWORD)
    if name:
        user.last_name, user.first_name = name[0], name[1:]
    user.save()
    return user


@pytest.fixture
def demo(world, clock):
    clock(DAY)
    demo_cycles_ensure(today=DEMO_DAY.date(), actor=world.supervisor)
    return world


def test_unit_and_person_register_and_the_named_reviewer_approves(demo, new_page):
    world = demo
    urban = Region.objects.get(code="zj-urban")
    hrss = orgs.department_create(actor=world.supervisor, name="镇江市人力资源和社会保障局", kind="hrss", region=urban)
    dept_user = with_password(UserFactory(), "吴人社")
    orgs.staff_role_grant(actor=world.supervisor, user=dept_user, role=Role.DEPT_REVIEWER, department=hrss)

    # 1. A unit registers with its administrator's account; it waits for the 人社部门.
    unit_page = new_page()
    unit_page.goto("/units/register/")
    unit_page.get_by_label("单位名称").fill("镇江浏览器测试科技有限公司")
    unit_page.get_by_label("统一社会信用代码").fill(credit_code(81)[:-1] + "0")
    unit_page.get_by_label("单位性质").select_option("enterprise")
    unit_page.get_by_label("民营企业").check()
    unit_page.locator("#id_region").select_option(str(urban.pk))
    unit_page.get_by_label("单位管理员登录用户名").fill("browser_admin")
    unit_page.get_by_label("单位管理员姓名").fill("郑管理")
    unit_page.get_by_label("单位管理员密码").fill("Unit-admin-2026!")
    unit_page.get_by_role("button", name="注册单位").click()
    expect(unit_page.locator("#page-error")).to_contain_text("统一社会信用代码")  # wrong check character
    assert not Unit.objects.filter(name="镇江浏览器测试科技有限公司").exists()
    unit_page.get_by_label("统一社会信用代码").fill(credit_code(81))
    unit_page.get_by_label("单位管理员密码").fill("Unit-admin-2026!")
    unit_page.get_by_role("button", name="注册单位").click()
    expect(unit_page.locator("#unit-state")).to_have_text("待主管部门确认")
    unit = Unit.objects.get(name="镇江浏览器测试科技有限公司")

    # 2. The 人社部门 confirms it.
    dept = new_page()
    sign_in(dept, dept_user.username, PASSWORD)
    dept.goto("/units/")
    dept.get_by_role("button", name=f"确认 {unit.name}").click()
    expect(dept.locator(".messages")).to_contain_text("已确认")

    # 3. The administrator names a reviewer (a new account).
    unit_page.reload()
    unit_page.get_by_label("角色").select_option("unit_reviewer")
    unit_page.get_by_label("登录用户名（已有账号直接填写）").fill("browser_rev")
    unit_page.get_by_label("姓名（新建账号时填写）").fill("冯审核")
    unit_page.get_by_label("初始密码（新建账号时填写）").fill("Unit-rev-2026!")
    unit_page.get_by_role("button", name="指定", exact=True).click()
    expect(unit_page.locator(".messages")).to_contain_text("已指定 冯审核")

    # 4. A new person registers and fills 个人信息.
    person = new_page()
    person.goto("/register/")
    person.get_by_label("真实姓名").fill("卫新人")
    person.get_by_label("证件号码").fill(id_number(801))
    person.get_by_label("手机号").fill("13700000801")
    person.get_by_label("电子邮箱").fill("weixin@example.cn")
    person.get_by_label("登录密码").fill("Zj-pass-2026!")
    person.get_by_label("再次输入密码").fill("Zj-pass-2026!")
    person.get_by_role("button", name="注册").click()
    expect(person.locator(".messages")).to_contain_text("注册成功")
    person.locator("#id_basic-unit").select_option(str(unit.pk))
    person.locator("#id_basic-employed_since").fill("2016-07-01")
    person.locator("#id_basic-work_started_on").fill("2016-07-01")
    person.get_by_role("button", name="保存基本信息").click()
    expect(person.locator(".messages")).to_contain_text("基本信息已保存")
    person.locator("#id_educations-degree").select_option("bachelor")
    person.locator("#id_educations-graduated_on").fill("2016-06-30")
    person.locator("#id_educations-school").fill("江苏大学")
    person.locator("#id_educations-major").fill("土木工程")
    person.locator("#id_educations-chsi_code").fill("B7C8D9E0F1")
    person.get_by_role("button", name="添加学历").click()
    expect(person.locator(".messages")).to_contain_text("学历已添加")
    person.locator("#id_titles-series").select_option(str(Series.objects.get(name="建设工程").pk))
    person.locator("#id_titles-level").select_option(str(Level.objects.get(name="助理级").pk))
    person.locator("#id_titles-obtained_on").fill("2018-12-20")
    person.locator("#id_titles-issuer").fill("镇江市人力资源和社会保障局")
    person.get_by_role("button", name="添加职称").click()
    expect(person.locator(".messages")).to_contain_text("已取得职称已添加")
    person.locator("#id_ce_hours-year").fill("2025")
    person.locator("#id_ce_hours-public_hours").fill("30")
    person.locator("#id_ce_hours-professional_hours").fill("66")
    person.get_by_role("button", name="添加继续教育学时").click()
    expect(person.locator("main")).to_contain_text("96")
    screenshot(person, "applicant_profile")

    # 5. The wizard, the pre-check with the values each rule used, the 告知承诺 and submission.
    person.goto("/apply/")
    person.get_by_label("职称评审").check()
    person.get_by_label("系列").select_option(value=str(Series.objects.get(name="建设工程").pk))
    person.get_by_label("申报级别").select_option(value=str(Level.objects.get(name="中级").pk))
    person.get_by_role("button", name="下一步：条件预检").click()
    expect(person.locator("#precheck")).to_contain_text("资历 7 年 ≥ 4 年")
    expect(person.locator("#precheck")).to_contain_text("2025 年继续教育 96/90 学时")
    from tests.factories import review_materials

    review_materials(Application.objects.get(applicant__name="卫新人"))  # issue 14: checked at submission
    person.reload()
    pledge = person.get_by_label("我已阅读并签署以上告知承诺书")
    pledge.scroll_into_view_if_needed()
    pledge.check()
    person.get_by_role("button", name="签署承诺并提交申报").click()
    expect(person.locator("#case-status")).to_have_text("单位审核")
    app = Application.objects.get(applicant__name="卫新人")
    assert app.review_cycle.is_demo and app.unit == unit

    # 6. The reviewer the unit named approves it.
    reviewer = new_page()
    sign_in(reviewer, "browser_rev", "Unit-rev-2026!")
    reviewer.goto(f"/cases/{app.pk}/")
    reviewer.get_by_role("button", name="审核通过并发起评前公示").click()
    expect(reviewer.locator("#case-status")).to_have_text("单位评前公示")
    app.refresh_from_db()
    assert app.status == Status.UNIT_PUBLICITY


def test_unit_hr_files_a_draft_for_an_employee(demo, new_page):
    world = demo
    hr = with_password(grant(UserFactory(), Role.UNIT_HR, unit=world.unit), "钟人事")
    page = new_page()
    sign_in(page, hr.username, PASSWORD)
    page.goto("/units/")
    page.get_by_role("link", name=world.unit.name).click()
    page.locator("#id_staff-name").fill("褚职工")
    page.locator("#id_staff-id_number").fill(id_number(802))
    page.locator("#id_staff-phone").fill("13700000802")
    page.locator("#id_staff-email").fill("chu@example.cn")
    page.get_by_role("button", name="登记职工").click()
    expect(page.locator(".messages")).to_contain_text("已登记职工 褚职工")
    staff = ApplicantProfile.objects.get(name="褚职工")
    page.locator("#id_draft-applicant").select_option(str(staff.pk))
    page.locator("#id_draft-series").select_option(str(Series.objects.get(name="建设工程").pk))
    page.locator("#id_draft-level").select_option(str(Level.objects.get(name="中级").pk))
    page.get_by_role("button", name="创建申报草稿").click()
    expect(page.locator(".messages")).to_contain_text(re.compile("已为褚职工创建申报草稿"))
    app = Application.objects.get(applicant=staff)
    assert app.status == Status.DRAFT and app.events.get().actor == hr
    expect(page.locator("#case-status")).to_have_text("草稿")


def test_office_publishes_a_window_and_the_public_page_shows_it(demo, new_page):
    world = demo
    with_password(world.clerk, "陈静")
    line = (
        Committee.objects.filter(cycle__is_demo=True, by_notice=True, office=world.office, inherited_from_row=None)
        .order_by("row", "entry")
        .first()
    )
    page = new_page()
    sign_in(page, world.clerk.username, PASSWORD)
    page.goto("/windows/publish/")
    page.get_by_label("受理安排").select_option(str(line.pk))
    page.get_by_label("开始日期").fill("2026-07-01")
    page.get_by_label("截止日期").fill("2026-08-31")
    page.get_by_label("发布文件文号").fill("镇职称评〔2026〕5号")
    page.get_by_role("button", name="发布").click()
    expect(page.locator(".messages")).to_contain_text("网络申报时间已发布")
    public = new_page()
    public.goto("/windows/")
    row = public.locator("#windows tr", has_text="镇职称评〔2026〕5号").first  # merged rows share it
    expect(row).to_contain_text("2026年07月01日至2026年08月31日")
    expect(row).to_contain_text(world.office.name)
    expect(public.locator("main")).to_contain_text("演示年度")
    screenshot(public, "public_windows")
