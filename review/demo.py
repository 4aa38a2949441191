"""Demo data for the committee clerk, the supervisor and the public (run by operations.demo.demo_load after
applications.demo).

Creates, through the services only:
- the 建设工程 中级 expert pool of the demo committee office (two experts work in the demo unit, so the draw shows
  the colleague exclusion);
- a 2024 meeting replayed on 2024 dates (time_machine, as applications.demo does): three candidates carried through
  the unit and committee 公示, 报备 accepted, votes, results, result 公示 and 发文 for one of them — 李明 holds a
  valid e-certificate, 陈晨 passed and awaits 发文, 吴迪 did not pass;
- three cases awaiting a meeting (replayed in 2024) and a planned meeting for them with its panel drawn: on a real
  future date while the real clock is inside the cycle's year (ready for the clerk's 报备 and the supervisor's
  acceptance); otherwise on 2024 dates, since a 2024 meeting may not fall in another year (seed 000 三(一)).

Idempotent: nothing is created when the 2024 meeting (known title) already exists.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from applications import services as app_services
from applications.demo import SUBMIT_AT, _org, _profile, _user, demo_materials
from applications.models import Application, Level, ReviewCycle, Route, Series
from organisations.models import CommitteeOffice
from publicity import certificates
from publicity import services as pub_services
from publicity.models import Certificate, Publicity
from zhicheng import workdays

from . import services
from .models import ExpertPool, Meeting

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE = "镇江市职称与执业资格评价服务中心"
PAST_MEETING_TITLE = "2024年度建设工程专业中级职称评审会议（第一批）"
NEXT_MEETING_TITLE = "2024年度建设工程专业中级职称评审会议（第二批）"
DEMO_YEAR = 2024  # the demo's cases are in the 2024 cycle (data/reference/cycles.yaml)
DOCUMENT_NUMBER = f"镇职称〔{DEMO_YEAR}〕18号"  # the demo's publication (发文) number: fictional
CERTIFIED_NAME = "李明"
# (name, seq): seq is the demo username demoNN and the profile's id-number / phone sequence.
PAST_CANDIDATES = [(CERTIFIED_NAME, 30), ("陈晨", 31), ("吴迪", 32)]
WAITING_CANDIDATES = [("刘洋", 33), ("杨帆", 34), ("黄静", 35)]
# Two experts from the demo unit (excluded from every draw, all candidates work there), eight from elsewhere.
EXPERTS_IN_DEMO_UNIT = [("马志远", "正高级工程师", "建筑结构"), ("孔德华", "高级工程师", "工程管理")]
EXPERTS_ELSEWHERE = [
    ("唐国庆", "教授", "土木工程", "江苏大学土木工程与力学学院"),
    ("许文静", "研究员级高级工程师", "岩土工程", "镇江市建筑设计研究院有限责任公司"),
    ("蒋海峰", "高级工程师", "建筑施工", "江苏镇江建筑工程有限公司"),
    ("沈丽娟", "高级工程师", "工程造价", "镇江市建设工程造价管理站"),
    ("韩晓东", "正高级工程师", "市政工程", "镇江市市政设计研究院"),
    ("曹雪梅", "高级工程师", "给排水", "丹阳市建设工程质量监督站"),
    ("彭建军", "副教授", "工程管理", "江苏科技大学土木工程与建筑学院"),
    ("邓文斌", "高级工程师", "建筑电气", "句容市住房和城乡建设局"),
]


def _at(year: int, month: int, day: int, hour: int = 9, minute: int = 0):
    import time_machine  # dev dependency: only the demo moves the clock

    return time_machine.travel(dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI), tick=False)


def _accounts() -> dict[str, object]:
    User = get_user_model()
    names = {"unit": "danwei", "dept": "zhuguan", "clerk": "pingwei", "supervisor": "zhichengban"}
    return {key: User.objects.get(username=username) for key, username in names.items()}


def _applicants(unit, people: list[tuple[str, int]]):
    profiles = []
    for name, seq in people:
        user = _user(f"demo{seq:02d}", name[0], name[1:])
        profiles.append(_profile(user, name, unit, seq))
    return profiles


def _pool(clerk, office, series, level, unit) -> tuple[ExpertPool, int]:
    pool = ExpertPool.objects.filter(office=office, series=series, level=level).first()
    if pool is None:
        pool = services.expert_pool_create(actor=clerk, office=office, series=series, level=level)
    if pool.experts.exists():
        return pool, 0
    for name, title, specialty in EXPERTS_IN_DEMO_UNIT:
        services.expert_add(actor=clerk, pool=pool, name=name, unit=unit, title=title, specialty=specialty)
    for name, title, specialty, unit_name in EXPERTS_ELSEWHERE:
        services.expert_add(actor=clerk, pool=pool, name=name, unit_name=unit_name, title=title, specialty=specialty)
    return pool, len(EXPERTS_IN_DEMO_UNIT) + len(EXPERTS_ELSEWHERE)


def _to_awaiting_meeting(profiles, users) -> list[Application]:
    """Draft → 待评审 on 2024 dates: created, submitted and unit 公示 04-10 (five working days), dept recheck and
    committee 公示 04-18, paper received 04-24, committee 公示 over 04-26."""
    cycle = ReviewCycle.objects.get(year=2024)
    construction, middle = Series.objects.get(name="建设工程"), Level.objects.get(name="中级")
    with _at(SUBMIT_AT.year, SUBMIT_AT.month, SUBMIT_AT.day, SUBMIT_AT.hour, SUBMIT_AT.minute):
        apps = [
            app_services.application_create(
                actor=p.user, route=Route.REVIEW, series=construction, level=middle, review_cycle=cycle
            )
            for p in profiles
        ]
        for app, p in zip(apps, profiles, strict=True):
            demo_materials(app)
            app_services.application_submit(application=app, actor=p.user, pledge_accepted=True, ip="127.0.0.1")
        unit_pub = pub_services.publicity_start(kind=Publicity.Kind.UNIT, applications=apps, actor=users["unit"])
    with _at(2024, 4, 18, 9):
        pub_services.publicity_close(publicity=unit_pub)
        for app in apps:
            app_services.application_dept_approve(application=app, actor=users["dept"])
        committee_pub = pub_services.publicity_start(
            kind=Publicity.Kind.COMMITTEE, applications=apps, actor=users["clerk"]
        )
    with _at(2024, 4, 24, 10):
        for app in apps:
            app_services.application_mark_paper_received(application=app, actor=users["clerk"])
    with _at(2024, 4, 26, 9):
        pub_services.publicity_close(publicity=committee_pub)
    for app in apps:
        app.refresh_from_db()
    return apps


def _past_meeting(apps, users, series, level) -> Certificate:
    """The 2024 meeting, from planning (05-10) to 发文 (07-05); returns 李明's certificate."""
    clerk, supervisor = users["clerk"], users["supervisor"]
    with _at(2024, 5, 10, 9):
        meeting = services.meeting_create(
            actor=clerk,
            committee=apps[0].committee,
            series=series,
            level=level,
            date=dt.date(2024, 6, 20),
            place="镇江市人力资源和社会保障局三楼会议室",
            pass_rate=Decimal("0.700"),  # 3 candidates → at most 2 may pass
            panel_size=7,
            title=PAST_MEETING_TITLE,
        )
        services.meeting_add_cases(meeting=meeting, actor=clerk, applications=apps)
        draw = services.experts_draw(meeting=meeting, actor=clerk, seed="demo-2024-1")
    with _at(2024, 6, 3, 9):  # 17 days ahead: within the 15-day rule
        filing = services.filing_submit(meeting=meeting, actor=clerk, note="演示：第一批评审会议报备")
    with _at(2024, 6, 5, 10):
        services.filing_accept(filing=filing, actor=supervisor)
    panel = list(draw.result)
    with _at(2024, 6, 20, 9):
        services.meeting_open(meeting=meeting, actor=clerk)
        services.attendance_record(meeting=meeting, actor=clerk, present=panel)
        approvals = {apps[0].pk: 7, apps[1].pk: 6, apps[2].pk: 3}  # 5 of 7 needed (two thirds)
        for app in apps:
            votes = {expert: i < approvals[app.pk] for i, expert in enumerate(panel)}
            services.votes_record(meeting=meeting, actor=clerk, application=app, votes=votes)
    with _at(2024, 6, 20, 16):
        services.results_record(meeting=meeting, actor=clerk)
        result_pub = services.meeting_result_publicity_start(meeting=meeting, actor=clerk)
    with _at(2024, 6, 28, 0, 5):  # the result 公示 ended at 24:00 on 06-27
        pub_services.publicity_close(publicity=result_pub)
    with _at(2024, 7, 5, 10):
        certificates.publication_create(
            actor=supervisor,
            document_number=DOCUMENT_NUMBER,
            date=dt.date(2024, 7, 5),
            applications=[apps[0]],
            title="关于公布2024年度建设工程专业中级职称评审结果的通知",
        )
    return Certificate.objects.get(application=apps[0])


def _next_meeting(apps, users, series, level) -> Meeting:
    """A planned meeting about 30 days ahead on the real clock, cases on its agenda and its panel drawn: the clerk
    can file it (15 days ahead) and the supervisor accept the filing."""
    cycle = apps[0].review_cycle
    today = workdays.local_date(timezone.now())
    day = _weekday(today + dt.timedelta(days=30))
    planned_on = None
    if day.year != cycle.year or day > cycle.intermediate_deadline:
        # 不得跨年度评审 (seed 000 三(一)) and 中级 by 11-30 (三(二)): once the real clock has left the cycle's
        # window, the meeting is planned on the cycle's own dates (on 11-01 for a day three weeks later).
        planned_on = (cycle.year, 11, 1, 9)
        day = _weekday(dt.date(cycle.year, 11, 20))
    clerk = users["clerk"]
    with _at(*planned_on) if planned_on else contextlib.nullcontext():
        meeting = services.meeting_create(
            actor=clerk,
            committee=apps[0].committee,
            series=series,
            level=level,
            date=day,
            place="镇江市人力资源和社会保障局三楼会议室",
            pass_rate=Decimal("0.600"),
            panel_size=5,
            title=NEXT_MEETING_TITLE,
        )
        services.meeting_add_cases(meeting=meeting, actor=clerk, applications=apps)
        services.experts_draw(meeting=meeting, actor=clerk, seed="demo-2024-2")
    meeting.refresh_from_db()
    return meeting


def _weekday(day: dt.date) -> dt.date:
    while not workdays.is_workday(day):
        day += dt.timedelta(days=1)
    return day


def _report_certificate(stdout) -> None:
    cert = Certificate.objects.filter(holder_name=CERTIFIED_NAME, document_number=DOCUMENT_NUMBER).first()
    if stdout is not None and cert is not None:
        stdout.write(f"演示电子证书：编号 {cert.number}，持证人 {cert.holder_name}（可在 /verify/ 按编号和姓名核验）")


@transaction.atomic
def load_demo_review(stdout=None) -> dict[str, int]:
    """Expert pool, a finished 2024 meeting with one certificate, and a planned meeting; see the module doc.
    Needs applications.demo's accounts and unit (operations.demo runs it after that). Returns what it created."""
    created = {"cases": 0, "experts": 0, "meetings": 0, "certificates": 0}
    if Meeting.objects.filter(title=PAST_MEETING_TITLE).exists():
        _report_certificate(stdout)
        return created
    users = _accounts()
    _, unit = _org()
    office = CommitteeOffice.objects.get(name=OFFICE)
    series, level = Series.objects.get(name="建设工程"), Level.objects.get(name="中级")
    _, created["experts"] = _pool(users["clerk"], office, series, level, unit)

    # One unit 公示 and one committee 公示 for all six, as the unit and the office would publish them.
    apps = _to_awaiting_meeting(_applicants(unit, PAST_CANDIDATES + WAITING_CANDIDATES), users)
    past, waiting = apps[: len(PAST_CANDIDATES)], apps[len(PAST_CANDIDATES) :]
    _past_meeting(past, users, series, level)
    _next_meeting(waiting, users, series, level)
    created.update(cases=len(past) + len(waiting), meetings=2, certificates=1)
    _report_certificate(stdout)
    return created
