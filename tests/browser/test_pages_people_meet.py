"""Issue 15 in Debian's Chromium, desktop and 390×844: a refused upload in `make run` settings (DEBUG on) keeps the
page and shows the Chinese refusal; a wrong-role URL shows the Chinese 404 with DEBUG on and off; an objection gets a
receipt and its status page; the certificate's QR code decodes to its verification URL and a revoked certificate's
PDF shows 已撤销; tables become cards on a phone with every action on screen."""

import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from applications.models import Material
from publicity import certificates as certs
from publicity import services as publicity_services
from publicity.models import Certificate, Objection, Publicity
from tests.applications.pdfs import simple_pdf
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_workbench import PASSWORD, with_password
from tests.factories import submit
from tests.publicity.test_certificates import initial_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VIEWS = pytest.mark.parametrize("mobile", [False, True], ids=["desktop", "phone"])
PHONE_WIDTH = 390


def _on_screen(page, locator):
    """The element lies within the phone's width (nothing off-screen to the right without a cue)."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH + 0.5, box


@VIEWS
def test_refused_upload_in_make_run_settings_keeps_the_page(world, new_page, clock, settings, mobile):
    settings.DEBUG = True  # zhicheng.settings.local (make run): django-htmx's debug handler used to swap the page
    clock("2024-04-10T09:00:00+08:00")
    app = world.draft()
    with_password(app.applicant.user)
    page = new_page(mobile=mobile)
    sign_in(page, app.applicant.user.username, PASSWORD)
    page.goto(f"/cases/{app.pk}/")
    assert "django-htmx.js" not in page.content()
    page.locator("#id_file").set_input_files(
        files=[{"name": "毕业证.pdf", "mimeType": "application/pdf", "buffer": b"GIF89a not a pdf"}]
    )
    page.get_by_role("button", name="上传").click()
    expect(page.locator("#upload-error")).to_contain_text("仅支持 PDF 格式的材料")
    expect(page.locator("h1")).to_contain_text(f"申报 {app.number}")  # the page is whole: heading, pledge, timeline
    expect(page.locator("#pledge")).to_be_visible()
    expect(page.locator("#timeline")).to_be_attached()
    assert not Material.objects.filter(application=app).exists()
    # a good one is accepted, listed as a card on the phone, and deleting it asks first
    page.locator("#id_file").set_input_files(files=[{"name": "毕业证.pdf", "mimeType": "application/pdf",
                                                     "buffer": simple_pdf(1)}])  # fmt: skip
    page.get_by_role("button", name="上传").click()
    expect(page.locator("#materials")).to_contain_text("已上传")
    delete = page.get_by_role("button", name="删除")
    if mobile:
        _on_screen(page, delete)
        screenshot(page, "phone_case_materials", readme=True, full_page=False)
    delete.click()
    expect(page.locator(".messages")).to_contain_text("已删除材料")
    assert any("确定删除材料" in d for d in page.dialogs)


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
@VIEWS
def test_wrong_role_url_is_the_chinese_404(world, new_page, settings, debug, mobile):
    settings.DEBUG = debug
    profile = world.applicant()
    with_password(profile.user)
    page = new_page(mobile=mobile)
    sign_in(page, profile.user.username, PASSWORD)
    response = page.goto("/inbox/")
    assert response.status == 404
    expect(page.locator("#error-page h1")).to_contain_text("页面不存在")
    expect(page.locator("#error-message")).to_contain_text("您没有审核权限")
    body = page.locator("body").inner_text()
    assert "URLconf" not in body and "Page not found" not in body and "Not Found" not in body
    response = page.goto("/cases/1/submit/")  # a GET on an action URL
    assert response.status == 405
    expect(page.locator("#error-page h1")).to_contain_text("请求方式不正确")
    if debug and mobile:
        screenshot(page, "phone_error_405")


@VIEWS
def test_objection_gets_a_receipt_and_a_status_page(world, new_page, clock, mobile):
    clock("2024-04-10T09:00:00+08:00")
    app = submit(world.draft(world.applicant(name="王建华")))
    publicity_services.publicity_start(kind=Publicity.Kind.UNIT, applications=[app], actor=world.unit_reviewer)
    page = new_page(mobile=mobile)
    page.goto("/")  # the front page without login is the portal
    expect(page.locator("#current")).to_be_visible()
    expect(page.locator("main")).to_contain_text(app.number)
    expect(page.locator("#committee-table")).to_contain_text("镇江市职称与执业资格评价服务中心")
    link = page.get_by_role("link", name="提出异议")
    if mobile:
        _on_screen(page, link)
        _on_screen(page, page.locator("#committee-table tbody tr").first)
    screenshot(page, "public_portal_phone" if mobile else "public_portal", readme=True, full_page=False)
    link.click()
    page.get_by_label("实名").fill("李四")
    page.get_by_label("联系方式（手机号、固定电话或电子邮箱）").fill("abc")
    page.get_by_label("异议内容（写明具体事实，如材料造假的内容、线索）").fill("短")
    page.get_by_role("button", name="提交异议").click()
    expect(page.locator("#page-error")).to_contain_text("不是可以联系到的手机号")
    expect(page.locator("main")).to_contain_text("异议内容过于简略")
    assert not Objection.objects.exists()
    page.get_by_label("联系方式（手机号、固定电话或电子邮箱）").fill("13800000000")
    page.get_by_label("异议内容（写明具体事实，如材料造假的内容、线索）").fill("申报的业绩证明系伪造")
    page.get_by_role("button", name="提交异议").click()
    objection = Objection.objects.get()
    expect(page.locator("#receipt")).to_have_text(objection.receipt)
    expect(page.locator("#objection-state")).to_have_text("调查中")
    expect(page.locator(".messages")).to_contain_text(objection.receipt)
    # later, from the portal, by the receipt typed in lower case
    page.goto("/gongshi/")
    page.get_by_label("查询异议办理进度").fill(objection.receipt.lower())
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#objection-state")).to_have_text("调查中")
    screenshot(page, "objection_status_phone" if mobile else "objection_status")


def _pdf_from(page, url: str, tmp_path, name: str) -> str:
    with page.expect_download() as info:
        page.evaluate("url => { const a = document.createElement('a'); a.href = url; a.click(); }", url)
    path = tmp_path / name
    info.value.save_as(path)
    return str(path)


@VIEWS
def test_certificate_qr_code_opens_its_verification_and_revoked_pdf_says_so(world, new_page, clock, tmp_path, mobile):
    for tool in ("zbarimg", "pdftoppm", "pdftotext"):
        if shutil.which(tool) is None:
            pytest.skip(f"需要 {tool}（Debian：apt-get install zbar-tools poppler-utils）")
    clock("2024-04-10T09:00:00+08:00")
    app = initial_case(world)
    certs.initial_approve(application=app, actor=world.association_clerk, document_number="镇技协〔2024〕21号")
    cert = Certificate.objects.get(application=app)
    holder = with_password(app.applicant.user)
    page = new_page(mobile=mobile)
    sign_in(page, holder.username, PASSWORD)
    page.goto(f"/cases/{app.pk}/")
    pdf = _pdf_from(page, f"/cases/{app.pk}/certificate.pdf", tmp_path, "cert.pdf")
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", pdf, str(tmp_path / "cert")], check=True)
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(tmp_path / "cert.png")], capture_output=True,
                             text=True, check=True).stdout.strip()  # fmt: skip
    assert decoded == certs.certificate_verify_url(cert)
    target = urlsplit(decoded)
    page.goto(f"{target.path}?{target.query}")  # what the phone opens (on this server)
    expect(page.locator("#verify-result")).to_contain_text("证书有效")
    expect(page.locator("#verify-result")).to_contain_text(cert.number)

    supervisor = new_page(mobile=mobile)
    sign_in(supervisor, with_password(world.supervisor).username, PASSWORD)
    supervisor.goto(f"/cases/{app.pk}/")
    supervisor.get_by_text("撤销职称（弄虚作假，记入诚信档案 3 年）").click()
    supervisor.get_by_label("认定事实").fill("伪造学历证书")
    button = supervisor.get_by_role("button", name="撤销职称")
    if mobile:
        _on_screen(supervisor, button)
    button.click()
    expect(supervisor.locator(".messages")).to_contain_text("已撤销职称")
    assert any("确定撤销该职称" in d for d in supervisor.dialogs)
    cert.refresh_from_db()
    assert cert.status == Certificate.Status.REVOKED
    revoked = _pdf_from(supervisor, f"/cases/{app.pk}/certificate.pdf", tmp_path, "revoked.pdf")
    text = subprocess.run(["pdftotext", revoked, "-"], capture_output=True, text=True, check=True).stdout
    assert "已撤销" in text and "不再有效" in text
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-singlefile", revoked, str(tmp_path / "revoked")], check=True)
    page.goto(f"{target.path}?{target.query}")
    expect(page.locator("#verify-result")).to_contain_text("证书已撤销")


def test_inbox_is_cards_with_every_action_on_a_phone(world, new_page, clock):
    clock("2024-04-10T09:00:00+08:00")
    apps = [submit(world.draft()) for _ in range(2)]
    page = new_page(mobile=True)
    sign_in(page, with_password(world.unit_reviewer).username, PASSWORD)
    page.goto("/inbox/")
    row = page.locator("#inbox-table tbody tr").first
    assert row.evaluate("tr => getComputedStyle(tr).display") == "block"  # a card, not a table row
    expect(row.locator("td[data-label='姓名']")).to_be_visible()
    for locator in (page.get_by_label(f"选择 {apps[0].number}"), page.get_by_role("link", name="导出 Excel"),
                    page.get_by_role("button", name="批量审核通过（单位/评委会审核通过即发起公示）")):  # fmt: skip
        _on_screen(page, locator)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    screenshot(page, "phone_inbox", readme=True, full_page=False)
