"""The rule engine of SPEC §3, one table-driven test per rule, both ways, named after the rule's source section
(seed000 = 镇职称办〔2024〕11号, seed001 = 镇技协〔2024〕1号)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications import eligibility, services
from applications.eligibility import check_submission, evaluate, full_years, precheck
from applications.models import (
    Application,
    ApplicationWindow,
    Committee,
    ContinuingEducation,
    Education,
    ExamPass,
    HeldTitle,
    InitialCycle,
    IntegrityRecord,
    ReviewCycle,
    Route,
    Specialty,
    Status,
)
from organisations.models import Region, Unit
from tests.conftest import shanghai
from tests.factories import UnitFactory, level, series, submit
from zhicheng.errors import DomainError

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 4, 10)  # inside row 1's first window and the 初定 window
S000, S001 = "镇职称办〔2024〕11号", "镇技协〔2024〕1号"


def person(world, *, degree="bachelor", graduated=dt.date(2015, 6, 30), relevant=True, titles=None, ce=96, **kw):
    """An applicant with exactly one education, the given titles [(series, level, obtained_on)] and 2023 CE hours."""
    profile = world.applicant(**kw)
    Education.objects.filter(profile=profile).delete()
    HeldTitle.objects.filter(profile=profile).delete()
    ContinuingEducation.objects.filter(profile=profile).delete()
    if degree:
        Education.objects.create(
            profile=profile, degree=degree, graduated_on=graduated, school="江苏大学", major="机械", relevant=relevant
        )
    for s, lv, on in [("建设工程", "助理级", dt.date(2016, 12, 1))] if titles is None else titles:
        HeldTitle.objects.create(profile=profile, series=series(s), level=level(lv), obtained_on=on)
    if ce is not None:
        ContinuingEducation.objects.create(profile=profile, year=2023, hours=ce)
    return profile


def check(profile, series_name="建设工程", level_name="中级", route=Route.REVIEW, today=TODAY, **kw):
    specialty = kw.pop("specialty", None)
    s = series(series_name)
    return precheck(
        profile=profile,
        route=route,
        series=s,
        level=level(level_name),
        specialty=Specialty.objects.get(series=s, name=specialty) if specialty else None,
        today=today,
        **kw,
    )


def codes(result) -> set[str]:
    return {f.code for f in result.failures}


def failure(result, code):
    return next(f for f in result.failures if f.code == code)


def passed(result) -> set[str]:
    return {p.code for p in result.passed}


# ---------------------------------------------------------------- the healthy case


def test_healthy_applicant_passes_every_rule_with_its_source(world):
    result = check(person(world))
    assert result.eligible and result.failures == []
    assert passed(result) == {
        "employment_scope", "residence_scope", "civil_servant", "retired", "integrity_record", "exam_only",
        "level_by_level", "seniority", "continuing_education", "route", "window", "one_committee_per_level",
        "unit_same_committee",
    }  # fmt: skip
    assert all(p.source.startswith(f"{S000} ") and p.title for p in result.passed)  # document and section
    assert (result.committee.row, result.committee.entry) == (
        1,
        1,
    ) and result.office_name == "镇江市职称与执业资格评价服务中心"


# ---------------------------------------------------------------- seed 000 一 / seed 001 一: who may apply


@pytest.mark.parametrize(
    ("employment", "unit_ownership", "fails"),
    [
        ("contract", Unit.Ownership.ENTERPRISE, set()),
        ("freelancer", Unit.Ownership.HR_AGENCY, set()),
        ("none", Unit.Ownership.ENTERPRISE, {"employment_scope"}),
        ("freelancer", Unit.Ownership.ENTERPRISE, {"freelancer_via_agency"}),
    ],
)
def test_seed000_s1_1_employed_or_freelancing_in_zhenjiang(world, employment, unit_ownership, fails):
    unit = UnitFactory(ownership=unit_ownership)
    result = check(person(world, employment=employment, unit=unit))
    assert codes(result) == fails
    if "employment_scope" in fails:
        assert failure(result, "employment_scope").source == f"{S000} 一(一)"
    if "freelancer_via_agency" in fails:
        assert failure(result, "freelancer_via_agency").source == f"{S000} 四"


@pytest.mark.parametrize(
    ("residence", "ok"),
    [
        ("mainland", True),
        ("hmt", True),
        ("foreign_work_permit", True),
        ("foreign_permanent", True),
        ("foreign_js_talent", True),
        ("foreign_other", False),
    ],
)
@pytest.mark.parametrize(("route", "series_name", "level_name", "source"), [
    (Route.REVIEW, "建设工程", "中级", f"{S000} 一(二)"),
    (Route.INITIAL, "机械工程", "助理级", f"{S001} 一(二)"),
])  # fmt: skip
def test_seed000_s1_2_residence_statuses(world, residence, ok, route, series_name, level_name, source):
    result = check(person(world, residence=residence), series_name, level_name, route)
    assert ("residence_scope" in passed(result)) is ok
    assert ("residence_scope" in codes(result)) is not ok
    if not ok:
        assert (
            failure(result, "residence_scope").source == source
            and "工作许可证" in failure(result, "residence_scope").message
        )


@pytest.mark.parametrize(
    ("route", "series_name", "level_name", "source"),
    [(Route.REVIEW, "建设工程", "中级", f"{S000} 一(三)"), (Route.INITIAL, "机械工程", "助理级", f"{S001} 一(三)")],
)
@pytest.mark.parametrize(("flags", "fails"), [
    ({}, set()),
    ({"is_civil_servant": True}, {"civil_servant"}),
    ({"is_retired": True}, {"retired"}),
    ({"is_civil_servant": True, "is_retired": True}, {"civil_servant", "retired"}),
])  # fmt: skip
def test_seed000_s1_3_civil_servants_and_retirees_barred(world, route, series_name, level_name, source, flags, fails):
    result = check(person(world, **flags), series_name, level_name, route)
    assert codes(result) == fails
    assert all(failure(result, code).source == source for code in fails)


def test_seed000_s1_3_barred_categories_are_data(world):
    """A 2025 cycle may add a barred category without code: the engine reads `barred` from the rule data."""
    cycle = ReviewCycle.objects.get(year=2024)
    cycle.rules["barred"].append(
        {"code": "public_institution_test", "field": "is_public_institution_staff", "title": "测试类别",
         "message": "测试：事业单位在编人员不得申报", "source": "测试文件 一"}
    )  # fmt: skip
    cycle.save()
    result = check(person(world, is_public_institution_staff=True))
    assert (
        codes(result) == {"public_institution_test"}
        and failure(result, "public_institution_test").source == "测试文件 一"
    )


@pytest.mark.parametrize(
    ("sanction_until", "route", "fails"),
    [
        (None, Route.INITIAL, set()),
        (dt.date(2024, 4, 9), Route.INITIAL, set()),  # ended yesterday
        (dt.date(2024, 4, 10), Route.INITIAL, {"sanction_in_effect"}),  # the last day still counts
        (dt.date(2025, 1, 1), Route.INITIAL, {"sanction_in_effect"}),
        (dt.date(2025, 1, 1), Route.REVIEW, set()),  # the notice bars 初定 only
    ],
)
def test_seed001_s1_3_sanction_blocks_initial(world, sanction_until, route, fails):
    profile = person(world, sanction_until=sanction_until)
    initial = route == Route.INITIAL
    result = check(profile, "机械工程" if initial else "建设工程", "助理级" if initial else "中级", route)
    assert codes(result) == fails
    if fails:
        f = failure(result, "sanction_in_effect")
        assert f.source == f"{S001} 一(三)" and "影响期" in f.message


# ---------------------------------------------------------------- seed 000 七(三): integrity record


@pytest.mark.parametrize(
    ("expires_on", "blocked"),
    [(dt.date(2026, 5, 1), True), (dt.date(2024, 4, 11), True), (dt.date(2024, 4, 10), False)],  # expires that day
)
@pytest.mark.parametrize(("route", "series_name", "level_name"), [
    (Route.REVIEW, "建设工程", "中级"), (Route.INITIAL, "机械工程", "助理级"),
])  # fmt: skip
def test_seed000_s7_3_integrity_record_blocks_any_application(
    world, expires_on, blocked, route, series_name, level_name
):
    profile = person(world)
    IntegrityRecord.objects.create(
        id_number=profile.id_number,
        name=profile.name,
        finding="学历造假",
        found_on=dt.date(expires_on.year - 3, expires_on.month, expires_on.day),
        expires_on=expires_on,
        created_by=world.supervisor,
    )
    result = check(profile, series_name, level_name, route)
    assert ("integrity_record" in codes(result)) is blocked
    assert ("integrity_record" in passed(result)) is not blocked
    if blocked:
        f = failure(result, "integrity_record")
        assert f.source == f"{S000} 七(三)" and f"{expires_on:%Y年%m月%d日}前不得申报" in f.message


# ---------------------------------------------------------------- seed 000 二(五)(六): exam-only titles


@pytest.mark.parametrize(
    ("series_name", "level_name", "exam", "source"),
    [
        ("会计", "中级", "全国会计专业技术资格考试", f"{S000} 二(五)"),
        ("经济", "助理级", "全国经济专业技术资格考试", f"{S000} 二(五)"),
        ("卫生技术", "员级", "全国卫生专业技术资格考试", f"{S000} 二(五)"),
        ("通信", "中级", "全国通信专业技术人员职业水平考试", f"{S000} 二(五)"),
        ("计算机技术与软件", "副高级", "全国计算机技术与软件专业技术资格（水平）考试", f"{S000} 二(六)"),
        ("计算机技术与软件", "员级", "全国计算机技术与软件专业技术资格（水平）考试", f"{S000} 二(六)"),
    ],
)
def test_seed000_s2_5_exam_only_refused_with_the_exam_to_take(world, series_name, level_name, exam, source):
    f = failure(check(person(world), series_name, level_name), "exam_only")
    assert f.source == source and exam in f.message and "以考代评" in f.message


@pytest.mark.parametrize(
    ("series_name", "level_name"),
    [("会计", "副高级"), ("经济", "正高级"), ("建设工程", "中级"), ("船舶与海洋工程", "中级")],
)
def test_seed000_s2_5_not_exam_only(world, series_name, level_name):
    """Senior 会计/经济 are reviewed (with an exam, below); 船舶与海洋工程 is not the exam series 船舶."""
    assert "exam_only" in passed(check(person(world), series_name, level_name))


def test_seed001_s4_1_exam_only_for_initial_too(world):
    f = failure(check(person(world), "会计", "助理级", Route.INITIAL), "exam_only")
    assert f.source == f"{S001} 四(一)" and "不再进行初定" in f.message


@pytest.mark.parametrize(
    ("exam", "ok"),
    [
        (None, False),
        ({"level": "副高级", "passed_on": dt.date(2023, 9, 1), "valid_until": dt.date(2026, 12, 31)}, True),
        ({"level": "副高级", "passed_on": dt.date(2023, 9, 1), "valid_until": None}, True),
        ({"level": "副高级", "passed_on": dt.date(2020, 9, 1), "valid_until": dt.date(2023, 12, 31)}, False),
        ({"level": "中级", "passed_on": dt.date(2023, 9, 1), "valid_until": None}, False),  # not the senior exam
    ],
)
@pytest.mark.parametrize("series_name", ["会计", "统计", "审计", "经济"])
def test_seed000_s2_5_senior_needs_a_valid_exam(world, exam, ok, series_name):
    profile = person(world, titles=[(series_name, "中级", dt.date(2017, 1, 1))])
    if exam:
        ExamPass.objects.create(profile=profile, series=series(series_name), **{**exam, "level": level(exam["level"])})
    result = check(profile, series_name, "副高级")
    assert ("senior_exam_required" in passed(result)) is ok
    if not ok:
        f = failure(result, "senior_exam_required")
        assert f.source == f"{S000} 二(五)" and "有效期" in f.message


def test_seed000_s2_5_senior_exam_not_asked_of_other_series(world):
    result = check(person(world, titles=[("建设工程", "中级", dt.date(2017, 1, 1))]), "建设工程", "副高级")
    assert "senior_exam_required" not in codes(result) | passed(result)


# ---------------------------------------------------------------- seed 000 二(一): level by level, young talent


@pytest.mark.parametrize(
    ("level_name", "held", "ok"),
    [
        ("中级", [("建设工程", "助理级", dt.date(2016, 12, 1))], True),
        ("中级", [("机械工程", "助理级", dt.date(2016, 12, 1))], True),  # same series not required (data)
        # issue 14: 逐级 by tiers — 员级 is 初级 but not enough for 中级, which needs 助理级
        ("中级", [("机械工程", "员级", dt.date(2016, 12, 1))], False),
        ("中级", [], False),
        ("中级", [("建设工程", "助理级", dt.date(2024, 5, 1))], False),  # not yet held on the application day
        ("副高级", [("建设工程", "助理级", dt.date(2010, 1, 1))], False),
        ("副高级", [("建设工程", "中级", dt.date(2015, 1, 1))], True),
        ("正高级", [("建设工程", "中级", dt.date(2010, 1, 1))], False),
        ("正高级", [("建设工程", "副高级", dt.date(2015, 1, 1))], True),
        ("助理级", [], True),
    ],
)
def test_seed000_s2_1_level_by_level(world, level_name, held, ok):
    result = check(person(world, titles=held), "建设工程", level_name)
    assert ("level_by_level" in passed(result)) is ok
    if not ok:
        f = failure(result, "level_by_level")
        assert f.source == f"{S000} 二(一)" and "逐级申报" in f.message


def test_seed000_s2_1_same_series_is_configurable(world):
    cycle = ReviewCycle.objects.get(year=2024)
    cycle.rules["level_by_level"]["same_series"] = True
    cycle.save()
    result = check(person(world, titles=[("机械工程", "助理级", dt.date(2016, 1, 1))]), "建设工程", "中级")
    assert "level_by_level" in codes(result)


@pytest.mark.parametrize(
    ("private", "level_name", "series_name", "fails"),
    [
        (True, "中级", "建设工程", set()),  # the exception: no 初级 needed
        (False, "中级", "建设工程", {"young_talent_direct", "level_by_level"}),
        (True, "副高级", "建设工程", {"young_talent_direct", "level_by_level", "window"}),  # row 23: by notice
        (True, "中级", "会计", {"young_talent_direct", "level_by_level", "exam_only", "route"}),
    ],
)
def test_seed000_s2_1_private_enterprise_young_talent_direct_intermediate(
    world, private, level_name, series_name, fails
):
    unit = UnitFactory(is_private_enterprise=private)
    profile = person(world, titles=[], unit=unit, work_started_on=dt.date(2016, 7, 1))
    result = check(profile, series_name, level_name, young_talent_direct=True)
    assert codes(result) - {"seniority", "senior_exam_required"} == fails
    if not fails:
        assert {"young_talent_direct", "level_by_level", "seniority"} <= passed(result)
    else:
        assert failure(result, "young_talent_direct").source == f"{S000} 二(一)"


# ---------------------------------------------------------------- seed 000 二(八): seniority to the cut-off


@pytest.mark.parametrize(
    ("degree", "graduated", "held_since", "ok"),
    [
        ("bachelor", dt.date(2015, 6, 30), dt.date(2019, 12, 31), True),  # exactly 4 years on 2023-12-31
        ("bachelor", dt.date(2015, 6, 30), dt.date(2020, 1, 1), False),  # one day short at the cut-off
        ("junior_college", dt.date(2012, 6, 30), dt.date(2019, 6, 1), True),
        ("master", dt.date(2018, 6, 30), dt.date(2021, 12, 31), True),  # 硕士: 2 years
        ("master", dt.date(2018, 6, 30), dt.date(2022, 1, 1), False),
        ("secondary", dt.date(2005, 6, 30), dt.date(2010, 1, 1), False),  # 中专 cannot apply for 中级 (default data)
    ],
)
def test_seed000_s2_8_seniority_counts_to_the_cutoff(world, degree, graduated, held_since, ok):
    profile = person(world, degree=degree, graduated=graduated, titles=[("建设工程", "助理级", held_since)])
    result = check(profile)
    assert ("seniority" in passed(result)) is ok
    if not ok:
        assert failure(result, "seniority").source.startswith(f"{S000} 二(八)")


@pytest.mark.parametrize(("graduated", "ok"), [(dt.date(2024, 3, 1), True), (dt.date(2024, 6, 30), False)])
def test_seed000_s2_8_intermediate_degrees_count_to_the_application_day(world, graduated, ok):
    """A master's degree shortens 中级 seniority to 2 years, but only once it is held on the application day."""
    profile = person(world, titles=[("建设工程", "助理级", dt.date(2021, 1, 1))])
    Education.objects.create(
        profile=profile, degree="master", graduated_on=graduated, school="东南大学", major="土木", relevant=True
    )
    assert ("seniority" in passed(check(profile))) is ok


def test_seed000_s2_8_seniority_years_are_editable_data(world):
    profile = person(world, titles=[("建设工程", "助理级", dt.date(2021, 1, 1))])
    assert "seniority" in codes(check(profile))  # bachelor: 4 years by default, 2 held
    cycle = ReviewCycle.objects.get(year=2024)
    cycle.rules["seniority"]["levels"]["中级"]["years"]["bachelor"] = 2
    cycle.save()
    assert "seniority" in passed(check(profile))


@pytest.mark.parametrize(
    ("work_started_on", "degree", "ok"),
    [
        (dt.date(2018, 7, 1), "bachelor", True),  # 5 years of work to the cut-off (1 + 4, default data)
        (dt.date(2019, 7, 1), "bachelor", False),
        (dt.date(2021, 7, 1), "master", True),
        (None, "bachelor", False),
    ],
)
def test_seed000_s2_8_young_talent_seniority_counts_work(world, work_started_on, degree, ok):
    profile = person(world, titles=[], degree=degree, graduated=dt.date(2018, 6, 30), work_started_on=work_started_on)
    profile.employed_since = None
    profile.save()
    result = check(profile, young_talent_direct=True)
    assert ("seniority" in passed(result)) is ok


def test_full_years():
    assert full_years(dt.date(2019, 12, 31), dt.date(2023, 12, 31)) == 4
    assert full_years(dt.date(2020, 1, 1), dt.date(2023, 12, 31)) == 3
    assert full_years(dt.date(2020, 2, 29), dt.date(2024, 2, 28)) == 3
    assert full_years(dt.date(2025, 1, 1), dt.date(2023, 12, 31)) == 0


# ---------------------------------------------------------------- seed 000 二(九): continuing education


@pytest.mark.parametrize(("hours", "ok"), [(90, True), (120, True), (89, False), (None, False)])
def test_seed000_s2_9_continuing_education_90_hours_in_2023(world, hours, ok):
    result = check(person(world, ce=hours))
    assert ("continuing_education" in passed(result)) is ok
    if not ok:
        f = failure(result, "continuing_education")
        assert f.source == f"{S000} 二(九)" and "90学时" in f.message


def test_seed001_s5_3_continuing_education_not_required_for_initial(world):
    result = check(person(world, ce=None), "机械工程", "助理级", Route.INITIAL)
    assert result.eligible and "continuing_education" not in passed(result)


def test_rule_data_agrees_with_the_cycle(reference):
    cycle = ReviewCycle.objects.get(year=2024)
    ce = cycle.rules["continuing_education"]
    assert (ce["year"], ce["hours"]) == (cycle.ce_year, cycle.ce_hours) == (2023, 90)
    assert cycle.seniority_cutoff == dt.date(2023, 12, 31)


# ---------------------------------------------------------------- seed 000 四: one committee


def _live_app(world, profile, *, status=Status.UNIT_REVIEW, committee_row=(1, 1), series_name="建设工程"):
    app = services.application_create(
        actor=profile.user, route=Route.REVIEW, series=series(series_name), level=level("中级"),
        review_cycle=ReviewCycle.objects.get(year=2024),
    )  # fmt: skip
    committee = Committee.objects.get(cycle__year=2024, row=committee_row[0], entry=committee_row[1])
    # Stands for a case routed earlier (e.g. under other reference data): set directly, not through a service.
    Application.objects.filter(pk=app.pk).update(status=status, committee=committee, office=committee.office)
    return app


@pytest.mark.parametrize(
    ("status", "row", "fails"),
    [
        (Status.UNIT_REVIEW, (1, 2), True),  # live at another committee
        (Status.NOT_PASSED, (1, 2), True),  # the year's chance at that level is used
        (Status.UNIT_REVIEW, (1, 1), False),  # same committee
        (Status.WITHDRAWN, (1, 2), False),
        (Status.RETURNED, (1, 2), False),
        (Status.REJECTED, (1, 2), False),
        (Status.ABANDONED, (1, 2), False),
    ],
)
def test_seed000_s4_one_committee_per_level_per_year(world, status, row, fails):
    profile = person(world)
    _live_app(world, profile, status=status, committee_row=row)
    result = check(profile)
    assert ("one_committee_per_level" in codes(result)) is fails
    if fails:
        assert failure(result, "one_committee_per_level").source == f"{S000} 四"
    else:
        assert "one_committee_per_level" in passed(result)


@pytest.mark.parametrize(
    ("row", "same_unit", "fails"), [((1, 2), True, True), ((1, 1), True, False), ((1, 2), False, False)]
)
def test_seed000_s4_one_unit_one_committee_per_series_and_level(world, row, same_unit, fails):
    colleague = person(world, unit=world.unit if same_unit else UnitFactory())
    _live_app(world, colleague, committee_row=row)
    result = check(person(world))
    assert ("unit_same_committee" in codes(result)) is fails
    if fails:
        assert "统一报送同一评委会" in failure(result, "unit_same_committee").message


# ---------------------------------------------------------------- annex: route and window


def test_seed000_annex_no_route_is_a_failure_with_the_reason(world):
    unit = UnitFactory(name="江苏索普化工股份有限公司", short_name="索普集团")
    result = check(person(world, unit=unit), "石油化工", "中级")
    f = failure(result, "route")
    assert f.source == f"{S000} 附件" and "索普集团" in f.message
    assert result.committee is None and "自主评审" in result.no_route_reason
    assert "window" not in codes(result) | passed(result)  # no committee, no window to check


@pytest.mark.parametrize(
    ("day", "ok"),
    [
        (dt.date(2024, 3, 14), False),
        (dt.date(2024, 3, 15), True),
        (dt.date(2024, 5, 30), True),
        (dt.date(2024, 6, 15), False),  # between row 1's two windows
        (dt.date(2024, 7, 1), True),
        (dt.date(2024, 9, 15), True),
        (dt.date(2024, 9, 16), False),
    ],
)
def test_seed000_annex_row1_two_windows(world, day, ok):
    result = check(person(world), today=day)
    assert ("window" in passed(result)) is ok
    if not ok:
        f = failure(result, "window")
        assert f.source == f"{S000} 附件"
        assert "2024年03月15日至2024年05月30日；2024年07月01日至2024年09月15日" in f.message


def test_seed000_annex_by_notice_window_published_later(world):
    profile = person(world, unit=UnitFactory(region=Region.objects.get(code="jingkou")))
    f = failure(check(profile, "机械工程", "中级"), "window")
    assert "依据文件时间申报" in f.message and "镇江市职工技术协会" in f.message
    committee = Committee.objects.get(cycle__year=2024, row=2, entry=1)
    ApplicationWindow.objects.create(
        committee=committee, start=dt.date(2024, 4, 1), end=dt.date(2024, 6, 30), source="办事机构发布"
    )
    assert "window" in passed(check(profile, "机械工程", "中级"))
    assert "window" in codes(check(profile, "机械工程", "中级", today=dt.date(2024, 7, 1)))


@pytest.mark.parametrize(
    ("day", "ok"), [(dt.date(2024, 3, 19), False), (dt.date(2024, 3, 20), True), (dt.date(2024, 12, 10), True),
                    (dt.date(2024, 12, 11), False)]
)  # fmt: skip
def test_seed001_s8_initial_window(world, day, ok):
    result = check(person(world), "机械工程", "助理级", Route.INITIAL, today=day)
    assert ("window" in passed(result)) is ok
    if not ok:
        assert (
            failure(result, "window").source == f"{S001} 八" and "2024年12月10日" in failure(result, "window").message
        )


# ---------------------------------------------------------------- seed 001 二 and 三: 初定


INITIAL_TABLE = [
    # degree, graduated, relevant, work started, proposed level (None: none yet), basis section
    ("junior_college", dt.date(2022, 6, 30), True, dt.date(2022, 7, 1), "员级", "二(一)"),
    ("secondary", dt.date(2021, 6, 30), True, dt.date(2021, 7, 1), "员级", "二(一)"),
    ("junior_college", dt.date(2023, 6, 30), True, dt.date(2023, 7, 1), None, None),  # 见习 not yet 1 year
    ("junior_college", dt.date(2018, 6, 30), True, dt.date(2018, 7, 1), "助理级", "二(一)"),  # the 2019 variant
    ("junior_college", dt.date(2018, 6, 30), False, dt.date(2018, 7, 1), "员级", "二(一)"),  # not 专业对口
    ("junior_college", dt.date(2020, 6, 30), True, dt.date(2020, 7, 1), "员级", "二(一)"),  # after 2019-12-31
    ("junior_college", dt.date(2019, 12, 31), True, dt.date(2021, 5, 1), "员级", "二(一)"),  # 3 years not yet
    ("bachelor", dt.date(2015, 6, 30), True, dt.date(2015, 7, 1), "助理级", "二(二)"),
    ("bachelor", dt.date(2023, 6, 30), True, dt.date(2023, 7, 1), None, None),
    ("master", dt.date(2023, 6, 30), True, dt.date(2023, 7, 1), "助理级", "二(三)"),
    ("second_bachelor", dt.date(2023, 6, 30), True, dt.date(2023, 7, 1), "助理级", "二(三)"),
    ("master", dt.date(2016, 6, 30), True, dt.date(2016, 7, 1), "中级", "二(三)"),  # the 2019 variant
    ("master", dt.date(2016, 6, 30), False, dt.date(2016, 7, 1), "助理级", "二(三)"),
    ("master", dt.date(2021, 6, 30), True, dt.date(2021, 7, 1), "助理级", "二(三)"),
    ("doctor", dt.date(2023, 6, 30), True, dt.date(2023, 7, 1), "中级", "二(四)"),
]


@pytest.mark.parametrize(("degree", "graduated", "relevant", "work", "proposed", "section"), INITIAL_TABLE)
def test_seed001_s2_initial_level_proposed_with_its_basis(world, degree, graduated, relevant, work, proposed, section):
    profile = person(world, degree=degree, graduated=graduated, relevant=relevant, titles=[], work_started_on=work)
    result = check(profile, "机械工程", "员级", Route.INITIAL)
    if proposed is None:
        assert result.proposed_initial_level is None and "initial_level" in codes(result)
        assert failure(result, "initial_level").source == f"{S001} 二" and "满1年后" in result.initial_basis
        return
    assert result.proposed_initial_level.name == proposed
    assert result.initial_basis.endswith(f"（{S001} {section}）")
    for name, rank in (("员级", 1), ("助理级", 2), ("中级", 3)):
        higher = check(profile, "机械工程", name, Route.INITIAL)
        assert ("initial_level" in codes(higher)) is (rank > result.proposed_initial_level.rank)


def test_seed001_s2_too_high_level_refused_with_the_allowed_one(world):
    result = check(person(world), "机械工程", "中级", Route.INITIAL)
    f = failure(result, "initial_level")
    assert f.source == f"{S001} 二" and "最高级别为助理级" in f.message and "不能申报中级" in f.message


def test_seed001_s2_2019_variant_is_configurable(world):
    profile = person(
        world, degree="master", graduated=dt.date(2020, 6, 30), titles=[], work_started_on=dt.date(2020, 7, 1)
    )
    assert check(profile, "机械工程", "中级", Route.INITIAL).proposed_initial_level.name == "助理级"
    cycle = InitialCycle.objects.get(year=2024)
    variant = next(e for e in cycle.rules["initial_levels"] if e["id"] == "二(三)括号")
    variant["graduated_on_or_before"] = "2020-12-31"
    cycle.save()
    result = check(profile, "机械工程", "中级", Route.INITIAL)
    assert result.proposed_initial_level.name == "中级" and "initial_level" in passed(result)


@pytest.mark.parametrize(("series_name", "ok"), [("机械工程", True), ("电力工程", True), ("建设工程", False)])
def test_seed001_s3_initial_only_for_comprehensive_engineering(world, series_name, ok):
    result = check(person(world), series_name, "助理级", Route.INITIAL)
    assert ("initial_series_scope" in passed(result)) is ok
    if not ok:
        assert failure(result, "initial_series_scope").source == f"{S001} 三"


# ---------------------------------------------------------------- all failures at once, and the submission


def test_precheck_reports_all_five_failures_each_with_its_source(world):
    profile = person(world, is_civil_servant=True, is_retired=True, residence="foreign_other", ce=40)
    IntegrityRecord.objects.create(
        id_number=profile.id_number, name=profile.name, finding="论文造假", found_on=dt.date(2023, 1, 5),
        expires_on=dt.date(2026, 1, 5), created_by=world.supervisor,
    )  # fmt: skip
    result = check(profile)
    assert not result.eligible
    assert [(f.code, f.source) for f in result.failures] == [
        ("residence_scope", f"{S000} 一(二)"),
        ("civil_servant", f"{S000} 一(三)"),
        ("retired", f"{S000} 一(三)"),
        ("integrity_record", f"{S000} 七(三)"),
        ("continuing_education", f"{S000} 二(九)"),
    ]
    assert all(f.message for f in result.failures)
    assert result.as_dict()["failures"][0]["code"] == "residence_scope"


def test_submission_refused_with_every_failure_and_nothing_changes(world, in_window):
    app = world.draft(person(world, is_retired=True, ce=10))
    events = app.events.count()
    with pytest.raises(DomainError) as exc:
        services.application_submit(application=app, actor=app.applicant.user, pledge_accepted=True)
    assert exc.value.code == "ineligible"
    assert [r["code"] for r in exc.value.fields["rules"]] == ["retired", "continuing_education"]
    assert "离退休人员" in exc.value.message and "90学时" in exc.value.message
    app.refresh_from_db()
    assert app.status == Status.DRAFT and app.committee is None and app.events.count() == events


def test_submission_outside_the_window_refused_with_its_dates(world):
    with time_machine.travel(shanghai(2024, 4, 10, 9), tick=False):
        app = world.draft(person(world))
    with time_machine.travel(shanghai(2024, 6, 10, 9), tick=False):
        with pytest.raises(DomainError) as exc:
            services.application_submit(application=app, actor=app.applicant.user, pledge_accepted=True)
        assert [r["code"] for r in exc.value.fields["rules"]] == ["window"]
        assert "2024年07月01日" in exc.value.message
    with time_machine.travel(shanghai(2024, 7, 1, 9), tick=False):
        submit(app)
    assert app.status == Status.UNIT_REVIEW and app.committee.row == 1


def test_check_submission_on_a_saved_draft(world, in_window):
    app = world.draft(person(world))
    assert check_submission(app, today=TODAY) == [] and evaluate(app, today=TODAY) == []
    assert check_submission(app, today=dt.date(2024, 6, 1))[0].code == "window"


def test_evaluate_writes_nothing_and_reads_modestly(world):
    profile = person(world, titles=[("建设工程", "中级", dt.date(2017, 1, 1))])
    with CaptureQueriesContext(connection) as ctx:
        result = check(profile, "会计", "副高级")
    statements = [q["sql"].split()[0].upper() for q in ctx.captured_queries]
    assert set(statements) == {"SELECT"}
    assert len(statements) <= 15, statements
    assert {"senior_exam_required", "route"} <= codes(result)


def test_missing_rule_data_is_a_failure_not_a_pass(world):
    cycle = ReviewCycle.objects.get(year=2024)
    cycle.rules = {}
    cycle.save()
    result = check(person(world))
    assert [f.code for f in result.failures] == ["rules_missing"] and not result.eligible


def test_every_rule_has_a_source_in_the_rule_data(reference):
    for cycle in (ReviewCycle.objects.get(year=2024), InitialCycle.objects.get(year=2024)):
        route = Route.REVIEW if isinstance(cycle, ReviewCycle) else Route.INITIAL
        for rule in eligibility.rules_for(cycle.rules):
            if route in rule.routes and rule.code not in {e["code"] for e in cycle.rules["barred"]}:
                assert cycle.rules["sources"].get(rule.code), (cycle, rule.code)


def test_precheck_without_a_unit_explains_instead_of_crashing(world):
    profile = person(world)
    profile.unit = None
    profile.save()
    result = check(profile)
    assert {"employment_scope", "route"} <= codes(result)
    assert "工作单位" in failure(result, "employment_scope").message and "工作单位" in result.no_route_reason
