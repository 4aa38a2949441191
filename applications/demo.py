"""Demo organisations, one account per role, and demo cases in a spread of states (`load_demo`).

Cases are submitted on a 2024 date inside their committee's window (the clock is moved for that step only, so the
2024 rules apply); every later step runs at the real time, so publicities and deadlines tick live in the demo.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.module_loading import import_string

from zhicheng.roles import Role

from . import services
from .idcard import make_id_number
from .models import (
    ApplicantProfile,
    Application,
    CommitteeOffice,
    ContinuingEducation,
    Department,
    Education,
    HeldTitle,
    InitialCycle,
    Level,
    Region,
    ReviewCycle,
    Route,
    Series,
    Status,
    Unit,
)

DEMO_PASSWORD = "Zhicheng@2024"
SUBMIT_AT = dt.datetime(2024, 4, 10, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
# How the counts returned by settings.ZHICHENG["DEMO_EXTENSIONS"] are shown ("cases" adds to the case count).
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
    user, created = User.objects.get_or_create(
        username=username, defaults={"last_name": last, "first_name": first, "email": f"{username}@demo.zj.cn"}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.is_staff = user.is_superuser = staff
        user.save()
    elif (user.last_name, user.first_name) != (last, first):  # e.g. an older demo's 「刘洁（可登录后台）」
        user.last_name, user.first_name = last, first
        user.save(update_fields=["last_name", "first_name"])
    return user


def _org():
    urban = Region.objects.get(code="zj-urban")
    dept, _ = Department.objects.get_or_create(
        name="镇江市工业和信息化局", defaults={"kind": Department.Kind.INDUSTRY, "region": urban}
    )
    unit, _ = Unit.objects.get_or_create(
        name="镇江示范建设工程有限公司",
        defaults={
            "region": urban,
            "ownership": Unit.Ownership.ENTERPRISE,
            "is_private_enterprise": True,
            "department": dept,
            "credit_code": "91321100MA1DEMO01X",
        },
    )
    return dept, unit


def _profile(user, name: str, unit: Unit, seq: int) -> ApplicantProfile:
    profile, created = ApplicantProfile.objects.get_or_create(
        user=user,
        defaults={
            "name": name,
            "id_number": make_id_number("321102", dt.date(1990, 3, 1) + dt.timedelta(days=seq * 37), seq),
            "unit": unit,
            "phone": f"1380511{seq:04d}",
            "employed_since": dt.date(2016, 7, 1),
            "work_started_on": dt.date(2016, 7, 1),
        },
    )
    if created:
        Education.objects.create(
            profile=profile,
            degree=Education.Degree.BACHELOR,
            graduated_on=dt.date(2016, 6, 30),
            school="江苏科技大学",
            major="土木工程",
        )
        HeldTitle.objects.create(
            profile=profile,
            series=Series.objects.get(name="建设工程"),
            level=Level.objects.get(name="助理级"),
            obtained_on=dt.date(2018, 12, 20),
            certificate_number=f"JS2018ZL{seq:06d}",
        )
        ContinuingEducation.objects.create(profile=profile, year=2023, hours=96)
    return profile


def accounts() -> list[DemoAccount]:
    return [
        DemoAccount("shenbao", "申报人 王建华", Role.APPLICANT, "镇江示范建设工程有限公司"),
        DemoAccount("danwei", "单位审核人 李敏", Role.UNIT_REVIEWER, "镇江示范建设工程有限公司"),
        DemoAccount("zhuguan", "主管部门审核人 张强", Role.DEPT_REVIEWER, "镇江市工业和信息化局"),
        DemoAccount("pingwei", "评委会经办人 陈静", Role.COMMITTEE_CLERK, "镇江市职称与执业资格评价服务中心"),
        DemoAccount("xiehui", "协会经办人 周洋", Role.ASSOCIATION_CLERK, "镇江市职工技术协会"),
        DemoAccount("zhichengban", "市职称办 刘洁", Role.SUPERVISOR, "镇江市职称办"),
    ]


@transaction.atomic
def load_demo(stdout=None) -> dict[str, int]:
    """Accounts and cases (see the module doc), then each of settings.ZHICHENG["DEMO_EXTENSIONS"] (dotted paths to
    `callable(stdout=None) -> dict[str, int]`, run in this transaction; apps above this one add their data that
    way, so this module imports none of them). Returns what was created: accounts, cases and the extensions' counts."""
    dept, unit = _org()
    office = CommitteeOffice.objects.get(name="镇江市职称与执业资格评价服务中心")
    association = CommitteeOffice.objects.get(name="镇江市职工技术协会")
    scopes = {
        Role.APPLICANT: {},
        Role.UNIT_REVIEWER: {"unit": unit},
        Role.DEPT_REVIEWER: {"department": dept},
        Role.COMMITTEE_CLERK: {"office": office},
        Role.ASSOCIATION_CLERK: {"office": association},
        Role.SUPERVISOR: {},
    }
    users = {}
    for acc in accounts():
        person = acc.name.split(" ")[1]
        user = _user(acc.username, person[:1], person[1:], staff=acc.role == Role.SUPERVISOR)
        services.role_grant(user=user, role=acc.role, **scopes[acc.role])
        users[acc.role] = user
    _profile(users[Role.APPLICANT], "王建华", unit, 1)
    created = 0
    if not Application.objects.filter(unit=unit).exists():
        created = _demo_cases(unit, users)
    result = {"accounts": len(users), "cases": created}
    for path in settings.ZHICHENG.get("DEMO_EXTENSIONS", []):
        for key, count in import_string(path)(stdout=stdout).items():
            result[key] = result.get(key, 0) + count
    return result


def summary(result: dict[str, int]) -> str:
    """The command's one line about what `load_demo` created."""
    parts = [f"账号 {result['accounts']} 个", f"本次新建演示申报 {result['cases']} 件"]
    for key, count in result.items():
        if key not in ("accounts", "cases"):
            label, measure = EXTENSION_COUNT_LABELS.get(key, (key, "项"))
            parts.append(f"{label} {count} {measure}")
    return "演示数据就绪：" + "，".join(parts)


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
    applicant_user = users[Role.APPLICANT]
    cases = [(applicant_user.applicant_profile, Status.DRAFT)]
    for i, (name, target) in enumerate(plan, start=2):
        user = _user(f"demo{i:02d}", name[0], name[1:])
        services.role_grant(user=user, role=Role.APPLICANT)
        cases.append((_profile(user, name, unit, i), target))

    for profile, target in cases:
        app = services.application_create(
            actor=profile.user, route=Route.REVIEW, series=construction, level=middle, review_cycle=cycle
        )
        if target == Status.DRAFT:
            continue
        with time_machine.travel(SUBMIT_AT, tick=False):
            services.application_submit(application=app, actor=profile.user, pledge_accepted=True, ip="127.0.0.1")
        _advance(app, target, users)
    # One 初定 case waiting for the association.
    mech = Series.objects.get(name="机械工程")
    user = _user("demo20", "何", "平")
    services.role_grant(user=user, role=Role.APPLICANT)
    profile = _profile(user, "何平", unit, 20)
    services.application_create(
        actor=user, route=Route.INITIAL, series=mech, level=Level.objects.get(name="助理级"), initial_cycle=initial
    )
    return len(cases) + 1


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
