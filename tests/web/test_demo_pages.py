"""Every role's pages render over the demo data (cases in a spread of states)."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from applications.models import Application

pytestmark = pytest.mark.django_db

ACCOUNTS = ["shenbao", "danwei", "zhuguan", "pingwei", "xiehui", "zhichengban"]


@pytest.fixture
def demo(reference):
    call_command("load_demo", stdout=io.StringIO())


def test_every_role_and_every_demo_case_page_renders(client, demo):
    for username in ACCOUNTS:
        client.force_login(get_user_model().objects.get(username=username))
        response = client.get("/", follow=True)
        assert response.status_code == 200, username
        assert "职称评审业务系统" in response.content.decode()
    cases = list(Application.objects.all())
    assert len(cases) >= 8
    for username in ("zhichengban", "danwei", "pingwei"):
        client.force_login(get_user_model().objects.get(username=username))
        for app in cases:
            response = client.get(reverse("case-detail", args=[app.pk]))
            assert response.status_code in (200, 404), (username, app.status)
    client.force_login(get_user_model().objects.get(username="zhichengban"))
    for name in ("dashboard", "inbox", "meetings", "calendar", "integrity", "public-publicity"):
        assert client.get(reverse(name)).status_code == 200, name


def test_clerk_sees_the_demo_meeting_ready_to_file(client, demo):
    from review.demo import NEXT_MEETING_TITLE
    from review.models import Meeting

    client.force_login(get_user_model().objects.get(username="pingwei"))
    page = client.get(reverse("meetings")).content.decode()
    assert NEXT_MEETING_TITLE in page
    meeting = Meeting.objects.get(title=NEXT_MEETING_TITLE)
    assert client.get(reverse("meeting-detail", args=[meeting.pk])).status_code == 200
