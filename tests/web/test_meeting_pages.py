"""Meeting pages: the committee clerk plans a meeting through the service; refusals come back in Chinese."""

import datetime as dt

import pytest
from django.urls import reverse

from applications.models import Committee, Level, Series
from operations.sweep import timers_sweep
from review.models import Meeting
from tests.web.test_pages import login

pytestmark = pytest.mark.django_db


def _committee(world):
    return Committee.objects.filter(office=world.office, series__name="建设工程", levels__name="中级").first()


def test_clerk_plans_a_meeting_and_sees_the_cap(client, world, in_window):
    committee = _committee(world)
    login(client, world.clerk)
    form = {"committee": committee.pk, "series": Series.objects.get(name="建设工程").pk,
            "level": Level.objects.get(name="中级").pk, "date": "2024-06-20", "place": "市民中心 3 楼",
            "pass_rate": "0.6", "panel_size": 7}  # fmt: skip
    response = client.post(reverse("meetings"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get()
    page = client.get(reverse("meeting-detail", args=[meeting.pk])).content.decode()
    assert "通过人数与上限" in page and "向市职称办报备" in page and "2024年6月5日" in page


def test_meeting_in_the_past_is_refused_and_nothing_is_created(client, world, in_window):
    committee = _committee(world)
    login(client, world.clerk)
    form = {"committee": committee.pk, "series": Series.objects.get(name="建设工程").pk,
            "level": Level.objects.get(name="中级").pk, "date": (dt.date(2024, 4, 1)).isoformat(), "place": "市民中心",
            "pass_rate": "0.6", "panel_size": 7}  # fmt: skip
    response = client.post(reverse("meetings"), form)
    assert response.status_code == 400
    assert "会议日期须晚于今天" in response.content.decode()
    assert not Meeting.objects.exists()


def test_meetings_are_not_for_applicants(client, world):
    login(client, world.applicant().user)
    assert client.get(reverse("meetings")).status_code == 404


def test_supervisor_sees_meetings_without_the_planning_form(client, world):
    login(client, world.supervisor)
    page = client.get(reverse("meetings")).content.decode()
    assert "评审会议" in page and "安排会议" not in page


def _awaiting_meeting(world, traveller, n: int):
    """n cases of one unit moved to 待评审 through the services (publicities run their full periods)."""
    from applications import services
    from publicity import services as pub_services
    from publicity.models import Publicity
    from tests.conftest import shanghai
    from tests.factories import submit

    apps = [submit(world.draft()) for _ in range(n)]
    pub_services.publicity_start(kind=Publicity.Kind.UNIT, applications=apps, actor=world.unit_reviewer)
    traveller.move_to(shanghai(2024, 4, 18, 10, 0))
    timers_sweep()
    for app in apps:
        services.application_dept_approve(application=app, actor=world.dept_reviewer)
    pub_services.publicity_start(kind=Publicity.Kind.COMMITTEE, applications=apps, actor=world.clerk)
    for app in apps:
        services.application_mark_paper_received(application=app, actor=world.clerk)
    traveller.move_to(shanghai(2024, 4, 26, 10, 0))
    timers_sweep()
    for app in apps:
        app.refresh_from_db()
        assert app.status == "awaiting_meeting", app.status
    return apps


def test_meeting_from_agenda_to_results_shows_the_cap_filling(client, world, in_window):
    from review import services as review_services
    from tests.conftest import shanghai

    apps = _awaiting_meeting(world, in_window, 3)
    series, level = Series.objects.get(name="建设工程"), Level.objects.get(name="中级")
    pool = review_services.expert_pool_create(actor=world.clerk, office=world.office, series=series, level=level)
    for i in range(7):
        review_services.expert_add(actor=world.clerk, pool=pool, name=f"专家{i}")
    login(client, world.clerk)
    form = {"committee": apps[0].committee_id, "series": series.pk, "level": level.pk, "date": "2024-05-20",
            "place": "市民中心", "pass_rate": "0.5", "panel_size": 5}  # fmt: skip
    assert client.post(reverse("meetings"), form).status_code == 302
    meeting = Meeting.objects.get()
    act = lambda name, data=None: client.post(reverse("meeting-act", args=[meeting.pk, name]), data or {})  # noqa: E731
    assert act("add", {"ids": [a.pk for a in apps]}).status_code == 302
    assert act("draw").status_code == 302
    assert act("file").status_code == 302
    refused = act("open")  # the 报备 is not accepted yet
    assert refused.status_code == 400 and "经市职称办同意后方可召开" in refused.content.decode()
    login(client, world.supervisor)
    filing = meeting.filings.get()
    assert act("accept", {"filing": filing.pk}).status_code == 302
    in_window.move_to(shanghai(2024, 5, 20, 9, 0))
    login(client, world.clerk)
    assert act("open").status_code == 302
    experts = [str(e) for e in meeting.experts.values_list("pk", flat=True)]
    assert act("attendance", {"present": experts}).status_code == 302
    # cap = floor(0.5 × 3) = 1: the first pass fills it, a second pass is refused in Chinese and nothing is stored
    assert act("votes", {"application": apps[0].pk, "present": experts, "approve": experts}).status_code == 302
    page = client.get(reverse("meeting-detail", args=[meeting.pk])).content.decode()
    assert '<div class="stat">1 / 1</div>' in page
    over = act("votes", {"application": apps[1].pk, "present": experts, "approve": experts})
    assert over.status_code == 400 and "超过报备的通过率上限" in over.content.decode()
    assert not meeting.votes.filter(application=apps[1]).exists()
    for app in apps[1:]:
        assert act("votes", {"application": app.pk, "present": experts}).status_code == 302
    assert act("results").status_code == 302
    for app, status in zip(apps, ["passed", "not_passed", "not_passed"], strict=True):
        app.refresh_from_db()
        assert app.status == status


def test_meeting_page_offers_only_acts_that_would_be_accepted(world, client):
    """「向市职称办报备」 disappears once a 报备 is live; 「发布评审结果公示」 is not offered before results exist."""
    from review import services as review
    from tests.review.helpers import awaiting_meeting, meeting, travel

    m = meeting(world, awaiting_meeting(world, [world.unit]))
    login(client, world.clerk)
    r = client.get(f"/meetings/{m.pk}/")
    assert r.status_code == 200, r.status_code
    page = r.content.decode()
    assert "向市职称办报备" in page and "发布评审结果公示" not in page
    with travel(2024, 6, 1, 9):
        review.filing_submit(meeting=m, actor=world.clerk)
    page = client.get(f"/meetings/{m.pk}/").content.decode()
    assert "向市职称办报备</button>" not in page
