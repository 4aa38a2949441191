"""Query-count pins: every list endpoint uses the same number of queries for a page of 1 and a page of 100 items
(issue: REST API, Done when 2). Cases move through the services; objects that are not cases (filings, certificates,
publications, pools, calendar days, notifications) are written directly — only their reading is measured here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.materials import material_upload
from applications.models import Committee, Level, Material, Series
from organisations.models import Unit
from publicity import objections
from publicity import services as pub
from publicity.models import Certificate, Publication, Publicity
from review import services as rev
from review.models import ExpertPool, MeetingFiling
from tests.applications.pdfs import simple_pdf
from tests.factories import submit
from zhicheng.models import CalendarDay, Notification

pytestmark = pytest.mark.django_db
N = 100


@pytest.fixture
def many(world, in_window, settings):
    # one objector against 100 cases in a day: beyond the public flood limit (issue 16), which is not measured here
    settings.ZHICHENG = {**settings.ZHICHENG, "OBJECTIONS_PER_CONTACT_PER_DAY": 1000}
    drafts = [world.draft() for _ in range(N + 1)]
    pdf = simple_pdf()
    for _ in range(N):
        material_upload(
            application=drafts[0], actor=drafts[0].applicant.user, kind=Material.Kind.OTHER, name="材料.pdf", data=pdf
        )
    for app in drafts[1:]:
        submit(app)
        pub.publicity_start(kind=Publicity.Kind.UNIT, applications=[app], actor=world.unit_reviewer)
    objections.objection_file(application=drafts[1], name="李四", contact="13900000000", content="异议")
    for app in drafts[1:]:
        objections.objection_file(application=app, name="张三", contact="13800000000", content="业绩不实")
    committee = Committee.objects.get(cycle__year=2024, row=1, entry=1)
    series, level = Series.objects.get(name="建设工程"), Level.objects.get(name="中级")
    meetings = [
        rev.meeting_create(
            actor=world.clerk,
            committee=committee,
            series=series,
            level=level,
            date=dt.date(2024, 6, 1) + dt.timedelta(days=i),
            place="会议室",
            pass_rate="0.6",
        )
        for i in range(N)
    ]
    pool = rev.expert_pool_create(actor=world.clerk, office=world.office, series=series, level=level)
    experts = [rev.expert_add(actor=world.clerk, pool=pool, name=f"专家{i}", unit=world.unit) for i in range(N)]
    for meeting, app, expert in zip(meetings, drafts[1:], experts, strict=True):  # agenda rows, to read them back
        meeting.applications.add(app)
        meeting.experts.add(expert)
    ExpertPool.objects.bulk_create(
        ExpertPool(office=world.office, series=s, level=lv)
        for s in Series.objects.exclude(pk=series.pk)[:25]
        for lv in Level.objects.all()[:4]
    )
    MeetingFiling.objects.bulk_create(
        MeetingFiling(
            meeting=m,
            meeting_date=m.date,
            filed_on=dt.date(2024, 4, 10),
            filed_at=world_now(),
            filed_by=world.clerk,
            pass_rate=Decimal("0.6"),
            candidates=1,
            cap=0,
            status="returned",
        )
        for m in meetings
    )
    for i, app in enumerate(drafts[1:]):
        p = Publication.objects.create(
            document_number=f"镇测〔2024〕{i}号",
            title="通知",
            date=dt.date(2024, 6, 5),
            issuer="市职称办",
            tier="中级",
            created_by=world.supervisor,
        )
        p.applications.add(app, drafts[0])
        Certificate.objects.create(
            number=f"3211202430{i:05d}",
            application=app,
            holder_name="某",
            series="建设工程",
            level="中级",
            qualified_on=dt.date(2024, 6, 5),
            issuer="市职称办",
            document_number=p.document_number,
        )
    Notification.objects.bulk_create(Notification(recipient=world.supervisor, title=f"通知{i}") for i in range(N))
    CalendarDay.objects.bulk_create(
        CalendarDay(date=dt.date(2031, 1, 1) + dt.timedelta(days=i), is_workday=False, source="测试") for i in range(N)
    )
    Unit.objects.bulk_create(
        Unit(name=f"镇江批量单位{i}", region=world.unit.region, ownership=Unit.Ownership.ENTERPRISE) for i in range(N)
    )
    return drafts


def world_now():
    from django.utils import timezone

    return timezone.now()


LISTS = [
    ("/api/v1/applications/", "supervisor"),
    ("/api/v1/applications/", "unit_reviewer"),
    ("/api/v1/applications/?status=unit_publicity&cycle=2024&overdue=false&provisional=false", "supervisor"),
    ("/api/v1/materials/", "supervisor"),
    ("/api/v1/publicities/", "supervisor"),
    ("/api/v1/publicities/", "unit_reviewer"),
    ("/api/v1/objections/", "unit_reviewer"),
    ("/api/v1/publications/", "supervisor"),
    ("/api/v1/certificates/", "supervisor"),
    ("/api/v1/meetings/", "clerk"),
    ("/api/v1/filings/", "supervisor"),
    ("/api/v1/expert-pools/", "clerk"),
    ("/api/v1/experts/", "clerk"),
    ("/api/v1/notifications/", "supervisor"),
    ("/api/v1/calendar/overrides/", "supervisor"),
    ("/api/v1/reference/units/", "supervisor"),
    ("/api/v1/reference/committees/", "supervisor"),
    ("/api/v1/reference/subspecialties/", "supervisor"),
    ("/api/v1/public/publicities/", None),
]


def _count(client, url: str, size: int) -> tuple[int, int]:
    sep = "&" if "?" in url else "?"
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(f"{url}{sep}page_size={size}")
    assert r.status_code == 200, (url, r.status_code, r.content[:300])
    # Cursor pages: never a COUNT(*) over the table.
    assert not [q for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()], url
    return len(ctx.captured_queries), len(r.json()["results"])


def test_a_page_of_1_and_of_100_cost_the_same(many, world, api):
    users = {"supervisor": world.supervisor, "unit_reviewer": world.unit_reviewer, "clerk": world.clerk, None: None}
    problems, measured = [], []
    for url, who in LISTS:
        client = api(users[who])
        _count(client, url, 1)  # warm per-process caches (content types, …)
        one, n_one = _count(client, url, 1)
        hundred, n_hundred = _count(client, url, N)
        expected = Committee.objects.count() if "committees" in url else N
        measured.append((url, who, one, hundred, n_hundred))
        if n_one != 1 or n_hundred != expected or one != hundred:
            problems.append(f"{url}（{who}）：1 条 {one} 次查询，{n_hundred} 条 {hundred} 次查询")
    print("\n".join(f"{u} [{w}] 1→{a} queries, {n}→{b} queries" for u, w, a, b, n in measured))
    assert not problems, "\n".join(problems)
