"""Demo organisations, one account per role, and demo cases in a spread of states (`load_demo`).

Cases are submitted on a 2024 date inside their committee's window (the clock is moved for that step only, so the
2024 rules apply); every later step runs at the real time, so publicities and deadlines tick live in the demo.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from organisations import services as orgs
from organisations.models import CommitteeOffice, Department, Region, Unit
from zhicheng import workdays
from zhicheng.roles import Role

from . import people, services
from .cycles import demo_cycles_ensure
from .idcard import make_credit_code, make_id_number
from .materials import material_upload
from .models import (
    ApplicantProfile,
    Application,
    Education,
    InitialCycle,
    Level,
    Material,
    ReviewCycle,
    Route,
    Series,
    Status,
)

DEMO_PASSWORD = "Zhicheng@2024"
SUBMIT_AT = dt.datetime(2024, 4, 10, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
# How the counts of the apps above this one (operations.demo) are shown ("cases" adds to the case count).
EXTENSION_COUNT_LABELS = {
    "experts": ("评审专家", "名"),
    "meetings": ("评审会议", "场"),
    "certificates": ("电子证书", "张"),
}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    role: Role
    scope: str


def _user(username: str, last: str, first: str, *, staff: bool = False):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = orgs.account_create(
            username=username,
            name=f"{last}{first}",
            password=DEMO_PASSWORD,
            email=f"{username}@demo.zj.cn",
            admin_site=staff,
        )
    return user


def _supervisor():
    user = _user("zhichengban", "刘", "洁", staff=True)
    orgs.supervisor_bootstrap(user=user)  # the first supervisor: nobody above to name them
    return user


def _org():
    """The demo department, the urban 人社部门 and the demo unit, through the organisation services."""
    boss = _supervisor()
    urban = Region.objects.get(code="zj-urban")
    dept = Department.objects.filter(name="镇江市工业和信息化局").first() or orgs.department_create(
        actor=boss, name="镇江市工业和信息化局", kind=Department.Kind.INDUSTRY, region=urban
    )
    if not Department.objects.filter(kind=Department.Kind.HRSS, region=urban).exists():
        orgs.department_create(actor=boss, name="镇江市人力资源和社会保障局", kind=Department.Kind.HRSS, region=urban)
    unit = Unit.objects.filter(name="镇江示范建设工程有限公司").first() or orgs.unit_register(
        actor=boss,
        name="镇江示范建设工程有限公司",
        credit_code=make_credit_code("91321100MA1D8E0P0"),
        ownership=Unit.Ownership.ENTERPRISE,
        is_private_enterprise=True,
        region=urban,
        department=dept,
        address="镇江市润州区示范路1号",
        contact_phone="0511-80000001",
        confirmed=True,
    )
    return dept, unit


def _profile(user, name: str, unit: Unit, seq: int, *, ce_years=(2023,)) -> ApplicantProfile:
    """The demo person's record through the applicant services: education, 助理级 title, CE hours."""
    profile = ApplicantProfile.objects.filter(user=user).first()
    if profile is not None:
        return profile
    profile = people.profile_create(
        user=user,
        actor=user,
        name=name,
        id_kind=ApplicantProfile.IdKind.RESIDENT,
        id_number=make_id_number("321102", dt.date(1990, 3, 1) + dt.timedelta(days=seq * 37), seq),
        phone=f"1380511{seq:04d}",
        unit=unit,
        employed_since=dt.date(2016, 7, 1),
        work_started_on=dt.date(2016, 7, 1),
    )
    people.profile_entry_save(
        profile=profile,
        actor=user,
        kind="educations",
        values={
            "degree": Education.Degree.BACHELOR,
            "graduated_on": dt.date(2016, 6, 30),
            "school": "江苏科技大学",
            "major": "土木工程",
            "chsi_code": f"A{seq:03d}DEMO2016",
        },
    )
    people.profile_entry_save(
        profile=profile,
        actor=user,
        kind="titles",
        values={
            "series": Series.objects.get(name="建设工程"),
            "level": Level.objects.get(name="助理级"),
            "obtained_on": dt.date(2018, 12, 20),
            "certificate_number": f"JS2018ZL{seq:06d}",
            "issuer": "镇江市人力资源和社会保障局",
        },
    )
    for year in sorted(set(ce_years)):
        people.profile_entry_save(
            profile=profile,
            actor=user,
            kind="ce_hours",
            values={"year": year, "public_hours": 30, "professional_hours": 66},
        )
    return profile


def demo_pdf(title: str) -> bytes:
    """A one-page PDF standing in for a scanned document in the demo."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def accounts() -> list[DemoAccount]:
    return [
        DemoAccount("shenbao", "申报人 王建华", Role.APPLICANT, "镇江示范建设工程有限公司"),
        DemoAccount("danwei", "单位审核人 李敏", Role.UNIT_REVIEWER, "镇江示范建设工程有限公司"),
        DemoAccount("danweiguanli", "单位管理员 韩雪", Role.UNIT_ADMIN, "镇江示范建设工程有限公司"),
        DemoAccount("renshi", "人事经办人 钟敏", Role.UNIT_HR, "镇江示范建设工程有限公司"),
        DemoAccount("zhuguan", "主管部门审核人 张强", Role.DEPT_REVIEWER, "镇江市工业和信息化局"),
        DemoAccount("pingwei", "评委会经办人 陈静", Role.COMMITTEE_CLERK, "镇江市职称与执业资格评价服务中心"),
        DemoAccount("xiehui", "协会经办人 周洋", Role.ASSOCIATION_CLERK, "镇江市职工技术协会"),
        DemoAccount("zhichengban", "市职称办 刘洁", Role.SUPERVISOR, "镇江市职称办"),
    ]


def applicant_accounts() -> list[tuple[str, str, str, str]]:
    """The demo applicants (username, name, phone, their cases with cycle and state) for the printed list."""
    rows = []
    profiles = ApplicantProfile.objects.filter(user__username__in=["shenbao", *[f"demo{i:02d}" for i in range(100)]])
    for p in profiles.select_related("user").order_by("user__username"):
        apps = p.applications.select_related("review_cycle", "initial_cycle", "level").order_by("pk")
        cases = "；".join(
            f"{(a.review_cycle or a.initial_cycle).year}{'演示' if (a.review_cycle or a.initial_cycle).is_demo else ''}"
            f" {a.level.name}{a.get_route_display()}·{a.get_status_display()}"
            for a in apps
        )
        rows.append((p.user.username, p.name, p.phone, cases or "（无申报）"))
    return rows


@transaction.atomic
def load_demo(stdout=None) -> dict[str, int]:
    """Accounts and cases (see the module doc); the apps above add theirs after it (operations.demo.demo_load).
    Returns what was created: accounts and cases."""
    dept, unit = _org()
    office = CommitteeOffice.objects.get(name="镇江市职称与执业资格评价服务中心")
    association = CommitteeOffice.objects.get(name="镇江市职工技术协会")
    boss = _supervisor()
    today = workdays.local_date(timezone.now())
    cycle, initial, _ = demo_cycles_ensure(today=today, actor=boss)
    users = {Role.SUPERVISOR: boss}
    for acc in accounts():
        if acc.role == Role.SUPERVISOR:
            continue
        person = acc.name.split(" ")[1]
        user = _user(acc.username, person[:1], person[1:])
        if acc.role in orgs.UNIT_ROLES:
            orgs.unit_role_grant(unit=unit, actor=boss, user=user, role=acc.role)
        elif acc.role == Role.DEPT_REVIEWER:
            orgs.staff_role_grant(actor=boss, user=user, role=acc.role, department=dept)
        elif acc.role in orgs.OFFICE_ROLES:
            scope = office if acc.role == Role.COMMITTEE_CLERK else association
            orgs.staff_role_grant(actor=boss, user=user, role=acc.role, office=scope)
        users[acc.role] = user
    _profile(users[Role.APPLICANT], "王建华", unit, 1, ce_years=(2023, cycle.ce_year))
    created = 0
    if not Application.objects.filter(unit=unit, review_cycle__year=2024).exists():
        created = _demo_cases(unit, users)
    created += _demo_cycle_cases(unit, users, cycle, initial)
    return {"accounts": len(users), "cases": created}


def summary(result: dict[str, int]) -> str:
    """The command's one line about what `load_demo` created."""
    parts = [f"账号 {result['accounts']} 个", f"本次新建演示申报 {result['cases']} 件"]
    for key, count in result.items():
        if key not in ("accounts", "cases"):
            label, measure = EXTENSION_COUNT_LABELS.get(key, (key, "项"))
            parts.append(f"{label} {count} {measure}")
    return "演示数据就绪：" + "，".join(parts)


def demo_materials(app: Application) -> None:
    """One blank one-page PDF for each item of the case's 评审 materials list (issue 14: checked at submission)."""
    import io

    from pypdf import PdfWriter

    from .materials import material_upload, review_material_items

    for item in review_material_items(app):
        writer, buf = PdfWriter(), io.BytesIO()
        writer.add_blank_page(width=595, height=842)
        writer.write(buf)
        kind = item["kinds"][0]
        material_upload(application=app, actor=app.applicant.user, kind=kind, name=f"{item['label']}（演示）.pdf",
                        data=buf.getvalue())  # fmt: skip


def _demo_cases(unit: Unit, users: dict) -> int:
    """Applicants in a spread of states so that every role has work in its inbox."""
    import time_machine  # dev dependency: only the demo moves the clock, and only around submission

    cycle = ReviewCycle.objects.get(year=2024)
    initial = InitialCycle.objects.get(year=2024)
    construction, middle = Series.objects.get(name="建设工程"), Level.objects.get(name="中级")
    plan = [
        ("赵磊", Status.UNIT_REVIEW),
        ("钱芳", Status.UNIT_REVIEW),
        ("孙伟", Status.UNIT_PUBLICITY),
        ("周丽", Status.DEPT_RECHECK),
        ("吴刚", Status.COMMITTEE_REVIEW),
        ("郑洁", Status.COMMITTEE_PUBLICITY),
        ("冯涛", Status.CORRECTION),
    ]
    cases = []
    for i, (name, target) in enumerate(plan, start=2):
        user = _user(f"demo{i:02d}", name[0], name[1:])
        cases.append((_profile(user, name, unit, i), target))

    for profile, target in cases:
        app = services.application_create(
            actor=profile.user, route=Route.REVIEW, series=construction, level=middle, review_cycle=cycle
        )
        if target == Status.DRAFT:
            continue
        with time_machine.travel(SUBMIT_AT, tick=False):
            demo_materials(app)
            services.application_submit(application=app, actor=profile.user, pledge_accepted=True, ip="127.0.0.1")
        _advance(app, target, users)
    # One 初定 case waiting for the association.
    mech = Series.objects.get(name="机械工程")
    user = _user("demo20", "何", "平")
    profile = _profile(user, "何平", unit, 20)
    services.application_create(
        actor=user, route=Route.INITIAL, series=mech, level=Level.objects.get(name="助理级"), initial_cycle=initial
    )
    return len(cases) + 1


def _demo_cycle_cases(unit: Unit, users: dict, cycle: ReviewCycle, initial: InitialCycle | None) -> int:
    """In the demo year, at the real time: 王建华's draft, ready to submit; a 初定 助理级 case waiting for the
    association clerk; a 初定 中级 case (博士) the association passed, waiting for 市职称办. Once only."""
    applicant = users[Role.APPLICANT].applicant_profile
    if Application.objects.filter(applicant=applicant, review_cycle=cycle).exists():
        return 0
    draft = services.application_create(
        actor=applicant.user,
        route=Route.REVIEW,
        series=Series.objects.get(name="建设工程"),
        level=Level.objects.get(name="中级"),
        review_cycle=cycle,
    )
    demo_materials(draft)  # the 评审 materials list is checked at submission (issue 14)
    made = 1
    if initial is None:
        return made
    mech = Series.objects.get(name="机械工程")
    plan = [("林佳", 21, "助理级", Education.Degree.BACHELOR), ("高远", 22, "中级", Education.Degree.DOCTOR)]
    for name, seq, level_name, degree in plan:
        user = _user(f"demo{seq:02d}", name[0], name[1:])
        profile = _profile(user, name, unit, seq, ce_years=(cycle.ce_year,))
        if degree == Education.Degree.DOCTOR:
            people.profile_entry_save(
                profile=profile,
                actor=user,
                kind="educations",
                values={
                    "degree": degree,
                    "graduated_on": dt.date(2021, 6, 30),
                    "school": "东南大学",
                    "major": "机械工程",
                    "chsi_code": f"D{seq:03d}DEMO2021",
                },
            )
        app = services.application_create(
            actor=user, route=Route.INITIAL, series=mech, level=Level.objects.get(name=level_name),
            initial_cycle=initial,
        )  # fmt: skip
        for kind in (Material.Kind.UNIT_CONSENT, Material.Kind.DIPLOMA, Material.Kind.WORK_SUMMARY):
            label = Material.Kind(kind).label
            material_upload(application=app, actor=user, kind=kind, name=f"{label}.pdf", data=demo_pdf(label))
        services.application_submit(application=app, actor=user, pledge_accepted=True, ip="127.0.0.1")
        if level_name == "中级":
            services.application_association_approve(application=app, actor=users[Role.ASSOCIATION_CLERK])
        made += 1
    return made


def _advance(app: Application, target: str, users: dict) -> None:
    """Earlier steps replay on 2024 dates through the services; the last step runs now, so its timer is live."""
    import time_machine

    unit_rev, dept_rev, clerk = users[Role.UNIT_REVIEWER], users[Role.DEPT_REVIEWER], users[Role.COMMITTEE_CLERK]
    path = [
        (Status.UNIT_PUBLICITY, lambda: services.application_unit_approve(application=app, actor=unit_rev)),
        (Status.DEPT_RECHECK, lambda: services.application_publicity_end(application=app)),
        (Status.COMMITTEE_REVIEW, lambda: services.application_dept_approve(application=app, actor=dept_rev)),
        (Status.COMMITTEE_PUBLICITY, lambda: services.application_committee_approve(application=app, actor=clerk)),
    ]
    if target == Status.CORRECTION:
        services.application_request_correction(
            application=app,
            actor=unit_rev,
            items=["现职称证书扫描件不清晰，请重新上传", "缺少2023年度继续教育学时证明"],
        )
        return
    steps = [step for step in path[: [s for s, _ in path].index(target) + 1]] if target in dict(path) else []
    replay_day = SUBMIT_AT
    for n, (_, step) in enumerate(steps):
        if n == len(steps) - 1 and target != Status.DEPT_RECHECK:
            step()  # the live step
            break
        replay_day += dt.timedelta(days=8)  # past any five-working-day publicity started the step before
        with time_machine.travel(replay_day, tick=False):
            step()
