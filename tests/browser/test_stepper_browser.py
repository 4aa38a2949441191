"""The 办件进度 stepper in Debian's Chromium, desktop and phone (issue 15 item 3: screenshots in docs/ and README)."""

import pytest
import time_machine
from playwright.sync_api import expect

from applications.models import Status
from tests.applications.test_workflow import START, reach
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_workbench import PASSWORD, with_password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("mobile", [False, True])
def test_stepper_shows_done_current_and_future_steps(world, new_page, clock, mobile):
    with time_machine.travel(START, tick=False) as traveller:
        app = reach(world, Status.COMMITTEE_PUBLICITY, traveller)
    clock("2024-04-19T09:00:00+08:00")
    with_password(app.applicant.user)
    page = new_page(mobile=mobile)
    sign_in(page, app.applicant.user.username, PASSWORD)
    page.goto(f"/cases/{app.pk}/")
    stepper = page.locator("#stepper")
    expect(stepper.locator("li.done")).to_have_count(5)
    expect(stepper.locator("li.current")).to_contain_text("评委会公示")
    expect(stepper.locator("li.future").first).to_contain_text("预计最早")
    expect(stepper).to_contain_text("纸质材料报送清单")
    stepper.scroll_into_view_if_needed()
    screenshot(page, "stepper_phone" if mobile else "stepper", readme=True)
