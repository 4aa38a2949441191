"""Factories and a small world of people for tests. Cases are made and moved only through the services."""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from django.contrib.auth import get_user_model

from applications import services
from applications.idcard import make_id_number
from applications.models import (
    ApplicantProfile,
    Application,
    ContinuingEducation,
    Education,
    HeldTitle,
    InitialCycle,
    Level,
    ReviewCycle,
    Route,
    Series,
    Status,
)
from organisations.models import CommitteeOffice, Department, Region, RoleMembership, Unit
from zhicheng.roles import Role

_seq = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.cn")
    password = factory.PostGenerationMethodCall("set_password", "pass-1234")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"测试主管部门{n}")
    kind = Department.Kind.INDUSTRY
    region = factory.LazyFunction(lambda: Region.objects.get(code="zj-urban"))


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"镇江测试科技有限公司{n}")
    region = factory.LazyFunction(lambda: Region.objects.get(code="zj-urban"))
    ownership = Unit.Ownership.ENTERPRISE
    is_private_enterprise = True
    department = factory.SubFactory(DepartmentFactory)


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicantProfile

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"申报人{n}")
    id_number = factory.LazyFunction(lambda: make_id_number("321102", dt.date(1990, 5, 17), next(_seq) % 1000))
    unit = factory.SubFactory(UnitFactory)
    employed_since = dt.date(2015, 7, 1)
    work_started_on = dt.date(2015, 7, 1)


def level(name: str) -> Level:
    return Level.objects.get(name=name)


def series(name: str) -> Series:
    return Series.objects.get(name=name)


def grant(user, role: Role, **scope):
    """Test set-up: a role membership written directly (the services that grant roles are tested on their own)."""
    RoleMembership.objects.get_or_create(user=user, role=role, **scope)
    if hasattr(user, "_zc_roles"):
        del user._zc_roles
    return user


class World:
    """A unit with its reviewers, its department, the committee clerk of 建设工程 (镇江市区), the association
    clerk and a supervisor; `applicant()` adds an applicant who may apply for 建设工程 中级 in 2024."""

    def __init__(self):
        self.unit = UnitFactory()
        self.department = self.unit.department
        self.office = CommitteeOffice.objects.get(name="镇江市职称与执业资格评价服务中心")
        self.association = CommitteeOffice.objects.get(name="镇江市职工技术协会")
        self.unit_reviewer = grant(UserFactory(), Role.UNIT_REVIEWER, unit=self.unit)
        self.dept_reviewer = grant(UserFactory(), Role.DEPT_REVIEWER, department=self.department)
        self.clerk = grant(UserFactory(), Role.COMMITTEE_CLERK, office=self.office)
        self.association_clerk = grant(UserFactory(), Role.ASSOCIATION_CLERK, office=self.association)
        self.supervisor = grant(UserFactory(), Role.SUPERVISOR)
        self.outsider = UserFactory()
        self.cycle = ReviewCycle.objects.get(year=2024)
        self.initial_cycle = InitialCycle.objects.get(year=2024)

    def applicant(self, **profile_kwargs) -> ApplicantProfile:
        profile = ProfileFactory(unit=profile_kwargs.pop("unit", self.unit), **profile_kwargs)
        grant(profile.user, Role.APPLICANT)
        Education.objects.create(
            profile=profile,
            degree=Education.Degree.BACHELOR,
            graduated_on=dt.date(2015, 6, 30),
            school="江苏大学",
            major="土木工程",
        )
        HeldTitle.objects.create(
            profile=profile, series=series("建设工程"), level=level("助理级"), obtained_on=dt.date(2016, 12, 1)
        )
        ContinuingEducation.objects.create(profile=profile, year=2023, hours=96)
        return profile

    def draft(self, profile=None, *, series_name="建设工程", level_name="中级", route=Route.REVIEW) -> Application:
        profile = profile or self.applicant()
        return services.application_create(
            actor=profile.user,
            route=route,
            series=series(series_name),
            level=level(level_name),
            review_cycle=self.cycle,
            initial_cycle=self.initial_cycle,
        )

    def actor_for(self, app: Application):
        return {
            Status.UNIT_REVIEW: self.unit_reviewer,
            Status.DEPT_RECHECK: self.dept_reviewer,
            Status.COMMITTEE_REVIEW: self.clerk,
            Status.ASSOCIATION_REVIEW: self.association_clerk,
            Status.MUNICIPAL_APPROVAL: self.supervisor,
        }[app.status]


def review_materials(app: Application) -> Application:
    """Upload one small PDF for each item of the case's 评审 materials list still without a file (issue 14: the
    list is checked at submission), as the applicant does."""
    from applications.materials import material_upload, review_material_items
    from tests.applications.pdfs import simple_pdf

    have = set(app.materials.values_list("kind", flat=True))
    for item in review_material_items(app):
        if have.intersection(item["kinds"]):
            continue
        kind = item["kinds"][0]
        material_upload(application=app, actor=app.applicant.user, kind=kind, name=f"{kind}.pdf", data=simple_pdf())
    return app


def submit(app: Application) -> Application:
    if app.route == Route.REVIEW:
        review_materials(app)
    services.application_submit(application=app, actor=app.applicant.user, pledge_accepted=True, ip="127.0.0.1")
    app.refresh_from_db()
    return app


def answers(app: Application) -> dict[str, str]:
    """A written answer for every item of the case's running 补正 (seed 000 五(二): each item must be answered)."""
    app = Application.objects.get(pk=app.pk)
    return {item: "已按要求补正" for item in app.correction_items}
