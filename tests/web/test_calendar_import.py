"""The supervisor's calendar import (issue 15): a sample file to download, a Chinese error per line (never a 500),
a preview of the days and open periods the file moves, and nothing written until it is confirmed."""

import base64
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.web.test_pages import login
from zhicheng.calendar_file import calendar_file_parse
from zhicheng.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


def _upload(client, text: str, action="preview"):
    return client.post(reverse("calendar"), {"file": SimpleUploadedFile("y.yaml", text.encode()), "action": action})


def test_sample_file_downloads_and_parses(client, world):
    login(client, world.supervisor)
    page = client.get(reverse("calendar")).content.decode()
    assert reverse("calendar-sample") in page and "README" not in page
    sample = client.get(reverse("calendar-sample"))
    assert sample.status_code == 200 and "attachment" in sample["Content-Disposition"]
    data = calendar_file_parse(sample.content)
    assert data["year"] == 2027 and len(data["holidays"]) == 8 and len(data["workdays"]) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "year: 2027\nsource: 国办\nholidays:\n  - {date: 2027-01-01}\n  - {date: 2027-13-01, name: 错}\n",
            ["第 5 行：日期「2027-13-01」无效"],
        ),
        (
            "year: 2027\nsource: 国办\nholidays:\n  - {start: 2027-02-12, end: 2027-02-06}\n",
            ["第 4 行：日期区间 2027-02-12～2027-02-06 起止颠倒"],
        ),
        (
            "year: 2027\nsource: 国办\nholidays:\n  - {date: 2027-02-14}\nworkdays:\n  - {date: 2027-02-14}\n",
            ["第 6 行：2027-02-14 同时被列为放假日和调休工作日（另见第 4 行）"],
        ),
        (
            "year: 2027\nholidays:\n  - {date: 2026-12-31}\n",
            ["缺少 source（依据文件）", "第 3 行：2026-12-31 不属于 2027 年"],
        ),
        ("year: 2027\nsource: 国办\nholidays: [\n", ["文件不是有效的 YAML/JSON"]),
        ('{"year": "20x7", "source": "国办"}', ["year「20x7」不是"]),
    ],
    ids=["bad-month", "reversed", "conflict", "wrong-year", "syntax", "json-year"],
)
def test_bad_file_is_a_400_with_the_line(client, world, text, expected):
    login(client, world.supervisor)
    for action in ("preview", ""):
        response = _upload(client, text, action)
        page = response.content.decode()
        assert response.status_code == 400, page[:400]
        for needle in expected:
            assert needle in page
    assert not CalendarYear.objects.filter(year=2027).exists() and not CalendarDay.objects.exists()


def test_preview_shows_moved_days_and_periods_then_confirm_imports(client, world, in_window):
    """A 2031 arrangement (a year the library does not know) makes a provisional publicity final and moves it."""
    import datetime as dt

    from applications import services as app_services
    from publicity.models import Publicity
    from tests.factories import submit

    app = submit(world.draft())
    start = dt.date(2031, 9, 26)  # Friday: 5 working days by the weekend rule end on Friday 2031-10-03
    period = app_services.publicity_period(start)
    assert period.provisional and period.last_day == dt.date(2031, 10, 3)
    pub = Publicity.objects.create(
        kind="unit", title="2031 测试公示", unit=world.unit, published_by=world.unit_reviewer, starts_on=start,
        working_days=5, last_day=period.last_day, ends_at=period.ends_at, provisional=True,
    )  # fmt: skip
    pub.entries.create(application=app)
    text = (
        "year: 2031\nsource: 国办发明电〔2030〕9号\nholidays:\n  - {start: 2031-10-01, end: 2031-10-07, name: 国庆节}\n"
        "workdays:\n  - {date: 2031-09-28, name: 国庆节调休上班}\n"
    )
    login(client, world.supervisor)
    response = _upload(client, text)
    page = response.content.decode()
    assert response.status_code == 200 and 'id="calendar-preview"' in page
    assert "2031-10-01" in page and "休息日（国庆节）" in page and "工作日（国庆节调休上班）" in page
    assert "2031 测试公示" in page and "2031年10月3日" in page and "2031年10月9日" in page
    assert not CalendarYear.objects.filter(year=2031).exists()  # only a preview
    pub.refresh_from_db()
    assert pub.last_day == dt.date(2031, 10, 3) and pub.provisional
    content = re.search(r'name="content" value="([^"]+)"', page).group(1)
    assert base64.b64decode(content).decode() == text
    response = client.post(reverse("calendar"), {"action": "confirm", "content": content})
    assert response.status_code == 302
    assert CalendarYear.objects.filter(year=2031).exists() and CalendarDay.objects.filter(date__year=2031).count() == 8
