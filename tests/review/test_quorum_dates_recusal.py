"""Issue 14 (Builds 3 and 4): attendance and quorum before any result, the secret-ballot tally, meeting dates
against the cycle, and 回避 in the expert draw — each issue bullet written from its steps."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from applications.models import ReviewCycle, Status
from review import services as review
from review.models import Expert, ExpertPool, Meeting, MeetingResult, MeetingTally
from tests.factories import level, series
from tests.review.helpers import (
    awaiting_meeting,
    committee,
    filed_and_accepted,
    meeting,
    other_unit,
    pool,
    travel,
)
from tests.web.test_pages import login
from zhicheng.errors import DomainError, TransitionConflict

pytestmark = pytest.mark.django_db
S = Status


def status(app):
    app.refresh_from_db()
    return app.status


def _open(world, n=2, pass_rate="1", panel_size=7, present=None):
    pool(world, others=9)
    apps = awaiting_meeting(world, [world.unit] * n)
    m = meeting(world, apps, pass_rate=pass_rate, panel_size=panel_size)
    filed_and_accepted(world, m)
    with travel(2024, 6, 20, 9):
        review.meeting_open(meeting=m, actor=world.clerk)
    m.refresh_from_db()
    return apps, m


# ---------------------------------------------------------------- quorum and tally


def test_issue_bullet_one_of_seven_voting_yes_does_not_pass(world):
    """Issue bullet: one of seven drawn experts voting yes passed a case."""
    apps, m = _open(world, panel_size=7)
    panel = list(m.draw.result)
    with travel(2024, 6, 20, 10):
        with pytest.raises(DomainError) as exc:  # no attendance recorded yet
            review.votes_record(meeting=m, actor=world.clerk, application=apps[0], votes={panel[0]: True})
        assert exc.value.code == "attendance_missing"
        att = review.attendance_record(meeting=m, actor=world.clerk, present=[panel[0]])
        assert (att.panel_size, att.quorum, att.quorate) == (7, 5, False)  # ceil(2/3 × 7)
        assert "第二十条" in att.quorum_rule
        for act in (
            lambda: review.votes_record(meeting=m, actor=world.clerk, application=apps[0], votes={panel[0]: True}),
            lambda: review.tally_record(
                meeting=m, actor=world.clerk, application=apps[0], approve=1, oppose=0, abstain=0
            ),  # fmt: skip
            lambda: review.results_record(meeting=m, actor=world.clerk),
        ):
            with pytest.raises(DomainError) as exc:
                act()
            assert exc.value.code == "no_quorum" and "不得表决" in exc.value.message
    assert not MeetingTally.objects.exists() and not MeetingResult.objects.exists()
    assert [status(a) for a in apps] == [S.IN_MEETING] * 2


def test_issue_bullet_other_experts_cannot_vote_another_case(world):
    """Issue bullet: two other experts voted another case of the same meeting."""
    apps, m = _open(world, panel_size=7)
    panel = list(m.draw.result)
    with travel(2024, 6, 20, 10):
        review.attendance_record(meeting=m, actor=world.clerk, present=panel[:5])
        review.votes_record(meeting=m, actor=world.clerk, application=apps[0], votes=dict.fromkeys(panel[:5], True))
        with pytest.raises(DomainError) as exc:
            review.votes_record(meeting=m, actor=world.clerk, application=apps[1],
                                votes=dict.fromkeys(panel[5:], True))  # fmt: skip
        assert exc.value.code in ("voters_not_present",)
        with pytest.raises(TransitionConflict):  # attendance is fixed once voting began
            review.attendance_record(meeting=m, actor=world.clerk, present=panel)


def test_secret_ballot_tally_two_thirds_of_those_present(world):
    apps, m = _open(world, n=3, panel_size=7)
    panel = list(m.draw.result)
    with travel(2024, 6, 20, 10):
        review.attendance_record(meeting=m, actor=world.clerk, present=panel[:6])
        with pytest.raises(DomainError) as exc:  # one ballot per expert present
            review.tally_record(meeting=m, actor=world.clerk, application=apps[0], approve=4, oppose=0, abstain=0)
        assert exc.value.code == "tally_mismatch"
        # 4 of 6 present is two thirds: passes; abstentions count among those present
        a = review.tally_record(meeting=m, actor=world.clerk, application=apps[0], approve=4, oppose=0, abstain=2)
        b = review.tally_record(meeting=m, actor=world.clerk, application=apps[1], approve=3, oppose=1, abstain=2)
        c = review.tally_record(meeting=m, actor=world.clerk, application=apps[2], approve=5, oppose=1, abstain=0)
        assert (a["required"], a["passed"], b["passed"], c["passed"]) == (4, True, False, True)
        results = review.results_record(meeting=m, actor=world.clerk)
    assert [r.passed for r in results] == [True, False, True]
    assert not m.votes.exists()  # who voted how is never stored
    t = MeetingTally.objects.get(application=apps[1])
    assert (t.approve, t.oppose, t.abstain, t.present) == (3, 1, 2, 6) and "第二十一条" in t.rule
    assert [status(a) for a in apps] == [S.PASSED, S.NOT_PASSED, S.PASSED]


def test_thresholds_are_cycle_data(world):
    cycle = ReviewCycle.objects.get(year=2024)
    rules = review.meeting_rules(cycle)
    assert (str(rules.quorum), str(rules.threshold)) == ("2/3", "2/3")
    cycle.rules["meeting"]["quorum"]["fraction"] = "3/4"
    cycle.save()
    apps, m = _open(world, panel_size=8)
    with travel(2024, 6, 20, 10):
        att = review.attendance_record(meeting=m, actor=world.clerk, present=list(m.draw.result)[:6])
    assert (att.quorum, att.quorate) == (6, True)


def test_attendance_and_tally_through_the_page_and_the_api(world, client):
    apps, m = _open(world, n=1, panel_size=5)
    panel = [str(e) for e in m.draw.result]
    with travel(2024, 6, 20, 10):
        login(client, world.clerk)
        url = reverse("meeting-act", args=[m.pk, "tally"])
        refused = client.post(url, {"application": apps[0].pk, "approve": 5, "oppose": 0, "abstain": 0})
        assert refused.status_code == 400 and "请先登记到会专家" in refused.content.decode()
        r = client.post(reverse("meeting-act", args=[m.pk, "attendance"]), {"present": panel[:4]})
        assert r.status_code == 302
        page = client.get(reverse("meeting-detail", args=[m.pk])).content.decode()
        assert "到会 <strong>4</strong> 人" in page and "符合到会人数要求" in page
        api = APIClient()
        api.force_authenticate(world.clerk)
        r = api.post(f"/api/v1/meetings/{m.pk}/record-tally/",
                     {"application": apps[0].pk, "approve": 3, "oppose": 1, "abstain": 0}, format="json")  # fmt: skip
        assert r.status_code == 200, r.content
        assert r.json() == {"present": 4, "approvals": 3, "oppose": 1, "abstain": 0, "required": 3, "passed": True}
        detail = api.get(f"/api/v1/meetings/{m.pk}/").json()
        assert detail["attendance"]["quorum"] == 4 and detail["attendance"]["quorate"] is True
        assert detail["tallies"][0]["approve"] == 3
        r = api.post(f"/api/v1/meetings/{m.pk}/record-attendance/", {"present": [int(p) for p in panel]},
                     format="json")  # fmt: skip
        assert r.status_code == 409  # voting began


# ---------------------------------------------------------------- dates


def _create(world, day, **kw):
    return review.meeting_create(actor=world.clerk, committee=committee(world), series=series("建设工程"),
                                 level=level(kw.pop("level_name", "中级")), date=day, place="会议室",
                                 pass_rate=Decimal("0.6"), **kw)  # fmt: skip


def test_issue_bullet_meeting_dates_are_checked(world):
    """Issue bullet: a 2024-cycle meeting on 2025-02-20, a 中级 meeting on 2024-12-20, and one created 8 days
    ahead were all accepted silently."""
    with travel(2024, 10, 10, 9):
        with pytest.raises(DomainError) as exc:
            _create(world, dt.date(2025, 2, 20))
        assert "不得跨年度评审" in exc.value.message and "三(一)" in exc.value.message
        with pytest.raises(DomainError) as exc:
            _create(world, dt.date(2024, 12, 20))
        assert "中级评审原则上在2024年11月30日前完成" in exc.value.message and "三(二)" in exc.value.message
        late = _create(world, dt.date(2024, 12, 20), late_reason="申报人数多，经市职称办同意延至12月")
        assert late.late_reason.startswith("申报人数多")
        assert Meeting.objects.get(pk=late.pk).log[0]["late_reason"] == late.late_reason
        # 副高级 is not bound by the 中级 deadline
        assert review.meeting_date_check(cycle=world.cycle, level=level("副高级"), date=dt.date(2024, 12, 20))[0] == []
        soon = _create(world, dt.date(2024, 10, 18))  # 8 days ahead
        assert any("已不能在会议15天前完成报备" in w for w in soon.warnings)
        holiday = _create(world, dt.date(2024, 10, 26))  # a Saturday
        assert any("休息日" in w for w in holiday.warnings)
        assert Meeting.objects.get(pk=holiday.pk).log[0]["warnings"] == holiday.warnings
    with travel(2024, 10, 11, 9):
        with pytest.raises(DomainError) as exc:
            review.meeting_reschedule(meeting=soon, actor=world.clerk, date=dt.date(2025, 1, 5), reason="改期")
        assert "不得跨年度评审" in exc.value.message


def test_meeting_page_shows_the_date_warnings(world, client):
    with travel(2024, 10, 10, 9):
        login(client, world.clerk)
        body = {"committee": committee(world).pk, "series": series("建设工程").pk, "level": level("中级").pk,
                "date": "2024-10-19", "place": "会议室", "pass_rate": "0.6", "panel_size": 7}  # fmt: skip
        r = client.post(reverse("meetings"), body, follow=True)
    text = r.content.decode()
    assert "已不能在会议15天前完成报备" in text and "休息日" in text


# ---------------------------------------------------------------- 回避 in the draw


def test_issue_bullet_expert_with_the_unit_typed_as_text_is_excluded(world):
    """Issue bullet: an expert whose unit is typed as text equal to the applicant's unit was drawn."""
    p, _ = ExpertPool.objects.get_or_create(office=world.office, series=series("建设工程"), level=level("中级"))
    typed = f" {world.unit.name.replace('(', '（').replace(')', '）')} "  # spaces, full-width brackets
    same = Expert.objects.create(pool=p, name="文字单位专家", unit_name=typed)
    for i in range(5):
        Expert.objects.create(pool=p, name=f"专家{i}", unit_name=f"外单位{i}")
    apps = awaiting_meeting(world, [world.unit])
    m = meeting(world, apps, panel_size=5)
    assert same.pk not in m.draw.result
    assert {"id": same.pk, "name": same.name, "reason": f"与申报人同单位（{world.unit.name}），回避"} in m.draw.excluded


def test_candidates_and_declared_conflicts_are_excluded(world):
    p, _ = ExpertPool.objects.get_or_create(office=world.office, series=series("建设工程"), level=level("中级"))
    unit2 = other_unit(world)
    apps = awaiting_meeting(world, [world.unit, unit2])
    candidate = Expert.objects.create(pool=p, name=apps[0].applicant.name, id_number=apps[0].applicant.id_number,
                                      unit_name="别的单位")  # fmt: skip
    declared = Expert.objects.create(pool=p, name="申请回避专家", unit_name="外单位X")
    declared_unit = Expert.objects.create(pool=p, name="回避单位专家", unit_name="外单位Y")
    for i in range(7):
        Expert.objects.create(pool=p, name=f"专家{i}", unit_name=f"外单位{i}")
    with pytest.raises(DomainError):
        review.expert_conflict_declare(actor=world.clerk, expert=declared, reason="  ", application=apps[1])
    review.expert_conflict_declare(actor=world.clerk, expert=declared, reason="系申报人导师", application=apps[1])
    review.expert_conflict_declare(actor=world.clerk, expert=declared_unit, reason="曾任该单位顾问", unit=unit2)
    m = meeting(world, apps, panel_size=6)
    reasons = {x["id"]: x["reason"] for x in m.draw.excluded}
    assert reasons[candidate.pk] == "本人为评审对象，回避"
    assert reasons[declared.pk] == "本人申请回避：系申报人导师"
    assert reasons[declared_unit.pk] == "本人申请回避：曾任该单位顾问"
    assert not {candidate.pk, declared.pk, declared_unit.pk} & set(m.draw.result)
    # a replacement never brings one of them in
    with travel(2024, 5, 11, 9):
        for _ in range(1):
            chosen = review.expert_replace(meeting=m, actor=world.clerk, expert=Expert.objects.get(
                pk=m.draw.result[0]), reason="因病不能到会")  # fmt: skip
    assert chosen.pk not in {candidate.pk, declared.pk, declared_unit.pk}


def test_normalised_unit_name():
    assert review.normalised_unit_name(" 镇江（索普）集团 有限公司 ") == review.normalised_unit_name(
        "镇江(索普)集团有限公司"
    )


def test_conflict_and_id_number_through_the_api(world):
    p, _ = ExpertPool.objects.get_or_create(office=world.office, series=series("建设工程"), level=level("中级"))
    api = APIClient()
    api.force_authenticate(world.clerk)
    person = world.applicant()
    body = {"pool": p.pk, "name": "专家甲", "unit_name": "外单位", "id_number": person.id_number}
    r = api.post("/api/v1/experts/", body, format="json")
    assert r.status_code == 201, r.content
    assert "id_number" not in r.json()  # never shown back
    expert = Expert.objects.get(pk=r.json()["id"])
    assert expert.id_number == person.id_number
    r = api.post(f"/api/v1/experts/{expert.pk}/declare-conflict/", {"unit": world.unit.pk, "reason": "曾在该单位任职"},
                 format="json")  # fmt: skip
    assert r.status_code == 201 and r.json()["unit"] == world.unit.pk
    r = api.post(f"/api/v1/experts/{expert.pk}/declare-conflict/", {"reason": "无对象"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "conflict_target"
    outsider = APIClient()
    outsider.force_authenticate(world.supervisor)
    r = outsider.post(f"/api/v1/experts/{expert.pk}/declare-conflict/", {"unit": world.unit.pk, "reason": "x"},
                      format="json")  # fmt: skip
    assert r.status_code == 403
