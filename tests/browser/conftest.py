"""Browser tests: Playwright's sync API driving Debian's Chromium (never a downloaded browser).

Screenshots go to artifacts/screenshots/ (CI keeps the folder). The server's clock is moved through the test-only
endpoint of zhicheng/testclock.py, which production settings cannot enable.
"""

import os
import shutil
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
README_SHOTS = ROOT / "docs" / "screenshots"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=zh-CN",  # the browser's own words (file picker, dialogs) in Chinese, as the users see them
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"需要 Debian 的 Chromium（{CHROMIUM}）：apt-get install chromium fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page(mobile=False) → a page in a fresh context (its own cookies), its base URL the live server."""
    contexts = []

    def make(*, mobile: bool = False):
        viewport = {"width": 390, "height": 844} if mobile else {"width": 1280, "height": 900}
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai"
        )
        context.set_default_timeout(15000)
        contexts.append(context)
        page = context.new_page()
        # Irreversible acts ask for confirmation (data-confirm): accept, and keep what was asked for the test.
        page.dialogs = []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.accept()))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def clock(live_server):
    """clock("2024-04-10T09:00:00+08:00") moves the live server's clock (the whole process's) there."""

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # the live server is local: no proxy

    def move(to: str):
        data = urllib.parse.urlencode({"to": to}).encode()
        with opener.open(f"{live_server.url}/__test__/clock/", data=data, timeout=10) as resp:
            assert resp.status == 200

    yield move
    move("reset")


def screenshot(page, name: str, *, readme: bool = False, full_page: bool = True) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    if readme and os.environ.get("ZHICHENG_UPDATE_SCREENSHOTS") == "1":  # refresh the README's copies on request
        README_SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, README_SHOTS / f"{name}.png")
    return path


def sign_in(page, username: str, password: str):
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")
