"""`load_demo` with its review extension: a certified case, a planned meeting with its panel, cases awaiting a
meeting, and nothing new on a second run."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from applications.models import Application, Status
from publicity.certificates import certificate_verify
from publicity.models import Certificate, Publication, Publicity
from review.demo import NEXT_MEETING_TITLE, PAST_MEETING_TITLE
from review.models import Expert, Meeting, MeetingFiling

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    models = (Application, Certificate, Publication, Publicity, Meeting, MeetingFiling, Expert)
    return {m.__name__: m.objects.count() for m in models}


def test_demo_has_a_certificate_a_planned_meeting_and_cases_awaiting_it(reference):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    cert = Certificate.objects.get()
    seen = certificate_verify(number=cert.number, name="李明")
    assert seen["status"] == "有效" and seen["level"] == "中级" and seen["document_number"].startswith("镇职称〔2024〕")
    assert f"演示电子证书：编号 {cert.number}，持证人 李明" in out.getvalue()
    assert "评审专家 10 名，评审会议 2 场，电子证书 1 张" in out.getvalue()

    past = Meeting.objects.get(title=PAST_MEETING_TITLE)
    assert past.status == Meeting.Status.CLOSED and past.date.year == 2024
    assert past.filings.get().status == MeetingFiling.Status.ACCEPTED
    states = sorted(past.applications.values_list("status", flat=True))
    assert states == sorted([Status.CERTIFIED, Status.AWAITING_PUBLICATION, Status.NOT_PASSED])

    planned = Meeting.objects.get(status=Meeting.Status.PLANNED)
    assert planned.title == NEXT_MEETING_TITLE and planned.date > past.date
    assert planned.experts.count() == planned.panel_size == len(planned.draw.result)
    assert len(planned.draw.excluded) == 2  # the demo unit's experts stand aside
    waiting = planned.applications.filter(status=Status.AWAITING_MEETING)
    assert waiting.count() >= 2 and waiting.count() == planned.applications.count()
    assert not planned.filings.exists()  # left for the clerk to file

    before = _counts()
    again = io.StringIO()
    call_command("load_demo", stdout=again)
    assert _counts() == before
    assert "本次新建演示申报 0 件，评审专家 0 名，评审会议 0 场，电子证书 0 张" in again.getvalue()


def test_public_verification_page_says_valid(client, reference):
    call_command("load_demo", stdout=io.StringIO())
    cert = Certificate.objects.get()
    page = client.get(reverse("certificate-verify"), {"number": cert.number, "name": "李明"})
    assert page.status_code == 200 and "有效" in page.content.decode()
