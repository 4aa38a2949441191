"""Issue 14: 逐级 by tiers, the same-level rule by tiers, the held title after certification, the pre-check's
catalogue check and the one `cycle_current` (Builds 7 and 8)."""

import datetime as dt

import pytest

from applications import eligibility, selectors
from applications.models import Application, Committee, HeldTitle, ReviewCycle, Route, Specialty
from publicity import certificates as certs
from tests.applications.test_eligibility import TODAY, check, codes, failure, passed, person
from tests.factories import level, series
from tests.publicity.test_certificates import initial_case
from zhicheng.errors import DomainError

pytestmark = pytest.mark.django_db


def test_issue_bullet_a_junior_holder_does_not_pass_the_precheck_for_intermediate(world):
    """Issue bullet: a 员级 holder passed the pre-check for 中级 (2024.yaml listed 员级 as enough)."""
    result = check(person(world, titles=[("建设工程", "员级", dt.date(2016, 12, 1))]), "建设工程", "中级")
    f = failure(result, "level_by_level")
    assert "助理级" in f.message and "员级与助理级同属初级" in f.message
    assert f.source == "镇职称办〔2024〕11号 二(一)"
    ok = check(person(world, titles=[("建设工程", "助理级", dt.date(2016, 12, 1))]), "建设工程", "中级")
    assert "level_by_level" in passed(ok)


def test_tiers_are_cycle_data():
    rules = ReviewCycle.objects.get(year=2024).rules
    assert rules["tiers"]["levels"]["初级"] == ["员级", "助理级"]
    assert eligibility.tier_of(rules, "员级") == eligibility.tier_of(rules, "助理级") == "初级"
    assert eligibility.tier_of(rules, "中级") == "中级"
    assert rules["level_by_level"]["prerequisites"]["中级"] == ["助理级"]


def test_issue_bullet_one_person_two_junior_cases_with_two_committees(world):
    """Issue bullet: one person had a 员级 and a 助理级 case with two committees in one year."""
    profile = person(world, titles=[])
    app = Application.objects.create(
        applicant=profile, unit=profile.unit, route=Route.REVIEW, review_cycle=ReviewCycle.objects.get(year=2024),
        series=series("建设工程"), level=level("员级"), status="unit_review", number="ZJ2024PS999999",
    )  # fmt: skip
    result = check(profile, "建设工程", "助理级")
    assert result.committee is not None
    other = Committee.objects.filter(cycle__year=2024).exclude(pk=result.committee.pk).first()
    Application.objects.filter(pk=app.pk).update(committee=other, office=other.office)
    result = check(profile, "建设工程", "助理级")
    f = failure(result, "one_committee_per_level")
    assert "同一职称层级（初级）" in f.message and "员级" in f.message
    # a 中级 case is another tier: not affected
    assert "one_committee_per_level" not in codes(check(profile, "建设工程", "中级"))


def test_issue_bullet_certification_records_the_held_title(world, in_window):
    """Issue bullet: a certified title is never recorded as held, so next year's 逐级 check refuses its holder."""
    app = initial_case(world, "助理级")
    HeldTitle.objects.filter(profile=app.applicant).delete()
    certs.initial_approve(application=app, actor=world.association_clerk, document_number="镇技协〔2024〕21号")
    app.refresh_from_db()
    held = HeldTitle.objects.get(profile=app.applicant)
    assert (held.series.name, held.level.name) == ("机械工程", "助理级")
    assert held.certificate_number == app.certificate.number
    assert held.obtained_on == dt.date(2024, 4, 10)
    # next year's 逐级 check for 中级 finds it
    result = check(app.applicant, "机械工程", "中级", today=dt.date(2024, 4, 11))
    assert "level_by_level" in passed(result)


def test_issue_bullet_precheck_refuses_a_specialty_outside_the_series(world):
    """Issue bullet: the pre-check accepted a 大专业 not in the chosen series (creating the draft refuses it)."""
    foreign = Specialty.objects.exclude(series=series("建设工程")).first()
    with pytest.raises(DomainError) as exc:
        eligibility.precheck(profile=person(world), route=Route.REVIEW, series=series("建设工程"),
                             level=level("中级"), specialty=foreign, today=TODAY)  # fmt: skip
    assert exc.value.code == "invalid" and exc.value.fields == {"specialty": ["大专业不属于所选系列"]}


def test_precheck_api_refuses_a_specialty_outside_the_series(world):
    from rest_framework.test import APIClient

    profile = person(world)
    client = APIClient()
    client.force_authenticate(profile.user)
    foreign = Specialty.objects.exclude(series=series("建设工程")).first()
    body = {"route": "review", "series": series("建设工程").pk, "level": level("中级").pk, "specialty": foreign.pk}
    response = client.post("/api/v1/precheck/", body, format="json")
    assert response.status_code == 400, response.content
    assert "大专业不属于所选系列" in response.content.decode()


def test_one_cycle_current_for_every_front_door():
    cycle = ReviewCycle.objects.get(year=2024)
    assert selectors.cycle_current(Route.REVIEW, dt.date(2024, 5, 1)) == cycle
    assert selectors.cycle_current(Route.REVIEW, dt.date(2026, 5, 1)) == cycle  # latest earlier one
    assert selectors.cycle_current(Route.INITIAL, dt.date(2024, 5, 1)).year == 2024
    later = ReviewCycle.objects.create(year=2025, name="2025年度职称评审", seniority_cutoff=dt.date(2024, 12, 31),
                                       ce_year=2024, ce_hours=90, intermediate_deadline=dt.date(2025, 11, 30),
                                       source="测试")  # fmt: skip
    assert selectors.cycle_current(Route.REVIEW, dt.date(2025, 3, 1)) == later
    assert selectors.cycle_current(Route.REVIEW, dt.date(2024, 12, 31)) == cycle
