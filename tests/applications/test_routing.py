"""Routing to the one committee of the 2024 annex (镇职称办〔2024〕11号 附件; issue 4 Done when: every line is reached,
every exclusion sends its applicant elsewhere or to a refusal)."""

import pytest

from applications.models import Application, Committee, Level, ReviewCycle, Route, Series, Specialty, Subspecialty
from applications.routing import candidate_committees, resolve, route_application
from organisations.models import Region, Unit
from tests.factories import UnitFactory, submit
from zhicheng.errors import DomainError

pytestmark = pytest.mark.django_db

EYEWEAR = "其他相关专业（眼镜、拉链、室内装饰、衡器、日用杂品、玩具等）"


def case(region="zj-urban", series="建设工程", level="中级", *, specialty=None, subspecialty=None, unit=None):
    """An unsaved 评审 application: routing needs only unit, series, specialty and level."""
    unit = unit or UnitFactory(region=Region.objects.get(code=region))
    s = Series.objects.get(name=series)
    spec = Specialty.objects.get(series=s, name=specialty) if specialty else None
    sub = Subspecialty.objects.get(specialty__series=s, name=subspecialty) if subspecialty else None
    return Application(
        unit=unit,
        route=Route.REVIEW,
        review_cycle=ReviewCycle.objects.get(year=2024),
        series=s,
        specialty=spec or (sub.specialty if sub else None),
        subspecialty=sub,
        level=Level.objects.get(name=level),
    )


# (row, entry) → an applicant who must reach that line: region code, series, level, specialty.
REACHES = [
    ((1, 1), ("jingkou", "建设工程", "中级", None)),
    ((1, 2), ("danyang", "建设工程", "助理级", None)),
    ((1, 3), ("jurong", "建设工程", "员级", None)),
    ((1, 4), ("yangzhong", "建设工程", "中级", None)),
    ((2, 1), ("zj-urban", "机械工程", "中级", None)),
    ((2, 2), ("danyang", "机械工程", "中级", None)),
    ((2, 3), ("jurong", "机械工程", "助理级", None)),
    ((2, 4), ("yangzhong", "机械工程", "中级", None)),
    ((3, 1), ("danyang", "农业工程", "中级", None)),
    ((3, 2), ("jurong", "林业工程", "中级", None)),
    ((3, 3), ("danyang", "农业技术", "助理级", None)),
    ((3, 4), ("yangzhong", "乡土人才", "员级", None)),
    ((4, 1), ("jurong", "生态环境工程", "中级", None)),
    ((4, 2), ("danyang", "自然资源工程", "助理级", None)),
    ((4, 3), ("jurong", "广播电影电视工程", "员级", None)),
    ((4, 4), ("yangzhong", "体育教练员", "助理级", None)),
    ((5, 1), ("dantu", "数字经济工程", "中级", "大数据")),
    ((6, 1), ("zj-urban", "石油化工", "中级", None)),
    ((7, 1), ("runzhou", "轻工工程", "助理级", None)),
    ((8, 1), ("danyang", "冶金工程", "中级", None)),
    ((9, 1), ("jingkou", "工艺美术", "中级", None)),
    ((10, 1), ("yangzhong", "新闻", "助理级", None)),
    ((11, 1), ("zj-urban", "数字经济工程", "中级", "网络安全")),
    ((12, 1), ("zj-urban", "党校教师", "中级", None)),
    ((13, 1), ("jurong", "律师", "中级", None)),
    ((14, 1), ("zj-urban", "公证员", "助理级", None)),
    ((15, 1), ("kaifaqu", "数字经济工程", "中级", "智能交通")),
    ((16, 1), ("danyang", "水利工程", "中级", None)),
    ((17, 1), ("zj-urban", "文博", "中级", None)),
    ((18, 1), ("zj-urban", "药学（药品）", "员级", None)),
    ((19, 1), ("runzhou", "档案", "中级", None)),
    ((20, 1), ("zj-urban", "技工学校教师", "中级", None)),
    ((21, 1), ("zj-urban", "中等职业学校教师", "中级", None)),
    ((22, 1), ("zj-urban", "中小学教师", "中级", None)),
    ((22, 2), ("danyang", "中小学教师", "中级", None)),
    ((22, 3), ("jurong", "中小学教师", "助理级", None)),
    ((22, 4), ("yangzhong", "中小学教师", "中级", None)),
    ((22, 5), ("dantu", "中小学教师", "中级", None)),
    ((22, 6), ("jingkou", "中小学教师", "员级", None)),
    ((22, 7), ("runzhou", "中小学教师", "中级", None)),
    ((22, 8), ("kaifaqu", "中小学教师", "中级", None)),
    ((23, 1), ("danyang", "建设工程", "副高级", None)),
    ((24, 1), ("zj-urban", "数字经济工程", "正高级", "电子信息")),
    ((25, 1), ("jurong", "机械工程", "副高级", None)),
    ((26, 1), ("zj-urban", "中小学教师", "副高级", None)),
    ((27, 1), ("yangzhong", "中等职业学校教师", "副高级", None)),
    ((28, 1), ("zj-urban", "社区卫生", "正高级", None)),
]


@pytest.mark.parametrize(("line", "who"), REACHES, ids=[f"row{r}-{e}" for (r, e), _ in REACHES])
def test_annex_every_line_is_reached(reference, line, who):
    region, series, level, specialty = who
    committee = route_application(case(region, series, level, specialty=specialty))
    assert (committee.row, committee.entry) == line


def test_annex_table_covers_every_line_of_2024(reference):
    lines = set(Committee.objects.filter(cycle__year=2024).values_list("row", "entry"))
    assert len(lines) == 47 and {row for row, _ in lines} == set(range(1, 29))
    assert {line for line, _ in REACHES} == lines


@pytest.mark.parametrize(
    ("region", "office"),
    [("danyang", "丹阳市人社局专技科"), ("zj-urban", "镇江市职工技术协会"), ("dantu", "镇江市职工技术协会")],
)
def test_annex_row2_machinery_intermediate_by_region(reference, region, office):
    assert route_application(case(region, "机械工程", "中级")).office.name == office


def test_annex_row3_agriculture_junior_in_yangzhong(reference):
    assert route_application(case("yangzhong", "农业工程", "助理级")).office.name == "扬中市人社局专技科"


# ---- the remarks' exclusions (不含……)

AREA_EXCLUSIONS = [
    # row 3: 不含丹阳市、扬中市初级和句容市初级、中级
    ("danyang", "农业技术", "员级", (3, 3)),
    ("yangzhong", "农业工程", "助理级", (3, 4)),
    ("jurong", "林业工程", "助理级", (3, 2)),
    ("jurong", "乡土人才", "中级", (3, 2)),
    ("danyang", "农业技术", "中级", (3, 1)),  # 丹阳市中级 is not excluded
    ("zj-urban", "农业技术", "员级", (3, 1)),
    # row 4: 不含丹阳市、句容市、扬中市初级
    ("danyang", "生态环境工程", "员级", (4, 2)),
    ("jurong", "自然资源工程", "助理级", (4, 3)),
    ("yangzhong", "广播电影电视工程", "员级", (4, 4)),
    ("yangzhong", "体育教练员", "中级", (4, 1)),
]


@pytest.mark.parametrize(("region", "series", "level", "line"), AREA_EXCLUSIONS)
def test_annex_area_exclusions_send_elsewhere(reference, region, series, level, line):
    c = case(region, series, level)
    excluded_line = Committee.objects.get(cycle__year=2024, row=line[0], entry=1)
    assert excluded_line in candidate_committees(c)  # the 镇江市 line covers the region …
    committee = route_application(c)
    assert (committee.row, committee.entry) == line  # … but the exclusion sends it to the local line


@pytest.mark.parametrize(("region", "series", "level", "line"), AREA_EXCLUSIONS[:4] + AREA_EXCLUSIONS[6:9])
def test_annex_area_exclusion_alone_refuses_the_citywide_line(reference, region, series, level, line):
    """Without the local line, the excluded 镇江市 line must not take the case: a refusal naming the remark."""
    Committee.objects.get(cycle__year=2024, row=line[0], entry=line[1]).regions.clear()
    result = resolve(case(region, series, level))
    assert result.committee is None and result.code == "excluded" and "不含" in result.reason


def test_annex_most_specific_line_wins_even_without_exclusions(reference):
    citywide = Committee.objects.get(cycle__year=2024, row=3, entry=1)
    citywide.exclusions = []
    citywide.save()
    assert (route_application(case("danyang", "农业技术", "员级")).entry) == 3  # 丹阳市 over 镇江市


@pytest.mark.parametrize(
    ("unit_kwargs", "level"),
    [
        ({"name": "江苏索普（集团）有限公司化工分厂", "short_name": "索普集团"}, "中级"),
        ({"name": "江苏索普化工股份有限公司", "short_name": "索普集团"}, "员级"),
        ({"name": "江苏恒神股份有限公司", "short_name": ""}, "助理级"),  # matched by the unit's own name
    ],
)
def test_annex_row6_self_reviewing_enterprises_refused(reference, unit_kwargs, level):
    unit = UnitFactory(region=Region.objects.get(code="zj-urban"), **unit_kwargs)
    result = resolve(case(series="石油化工", level=level, unit=unit))
    assert result.committee is None and result.code == "excluded"
    assert "不含索普集团、恒神股份本企业石油化工专业初、中级职称" in result.reason and "自主评审" in result.reason
    with pytest.raises(DomainError) as exc:
        route_application(case(series="石油化工", level=level, unit=unit))
    assert exc.value.code == "no_route" and exc.value.source == "镇职称办〔2024〕11号 附件"


def test_annex_row6_exclusion_is_only_for_petrochemistry(reference):
    unit = UnitFactory(name="索普集团机械公司", short_name="索普集团")
    assert route_application(case(series="机械工程", level="中级", unit=unit)).row == 2
    other = UnitFactory(name="镇江某化工有限公司")
    assert route_application(case(series="石油化工", level="中级", unit=other)).row == 6


@pytest.mark.parametrize(
    ("unit_name", "subspecialty", "level", "row"),
    [
        ("丹阳万新光学眼镜有限公司", EYEWEAR, "助理级", None),  # excluded: 万新光学 本企业 眼镜 初级
        ("丹阳万新光学眼镜有限公司", EYEWEAR, "员级", None),
        ("丹阳万新光学眼镜有限公司", EYEWEAR, "中级", 7),  # the exclusion is for 初级 only
        ("丹阳万新光学眼镜有限公司", "家具", "助理级", 7),  # other light-industry specialties stay
        ("丹阳某眼镜有限公司", EYEWEAR, "助理级", 7),  # other enterprises' 眼镜 stay
    ],
)
def test_annex_row7_wanxin_eyewear_junior(reference, unit_name, subspecialty, level, row):
    unit = UnitFactory(name=unit_name, region=Region.objects.get(code="danyang"))
    result = resolve(case(series="轻工工程", level=level, subspecialty=subspecialty, unit=unit))
    if row is None:
        assert result.committee is None and result.code == "excluded" and "万新光学" in result.reason
    else:
        assert result.committee.row == row


# ---- specialty restrictions and specificity


@pytest.mark.parametrize(
    ("specialty", "level", "row"),
    [
        ("网络安全", "中级", 11),
        ("智能交通", "助理级", 15),
        ("大数据", "中级", 5),
        ("电子信息", "员级", 5),
        ("人工智能", "中级", 5),
        (None, "中级", 5),  # the fallback line of rule data routing.specialty_fallback
        ("电子信息", "副高级", 24),
        ("电子信息", "正高级", 24),
    ],
)
def test_annex_digital_economy_by_specialty(reference, specialty, level, row):
    assert route_application(case("jurong", "数字经济工程", level, specialty=specialty)).row == row


@pytest.mark.parametrize(("specialty", "words"), [("大数据", "不含“大数据”"), (None, "请先选择大专业")])
def test_annex_digital_economy_senior_only_electronics(reference, specialty, words):
    result = resolve(case("zj-urban", "数字经济工程", "副高级", specialty=specialty))
    assert result.committee is None and result.code == "specialty_not_accepted" and words in result.reason


def test_annex_transport_whole_series_row15(reference):
    assert route_application(case("zj-urban", "交通运输工程", "中级")).row == 15


@pytest.mark.parametrize(("region", "area"), [("zj-urban", "镇江市直"), ("dantu", "丹徒区"), ("danyang", "丹阳市")])
def test_annex_most_specific_area_wins(reference, region, area):
    assert route_application(case(region, "中小学教师", "中级")).area == area


# ---- refusals


@pytest.mark.parametrize(
    ("series", "level", "code"),
    [
        ("会计", "中级", "not_in_schedule"),  # 以考代评: no committee
        ("会计", "副高级", "not_in_schedule"),
        ("石油化工", "副高级", "not_in_schedule"),  # the annex has no senior 石油化工 line
        ("机械工程", "正高级", "not_in_schedule"),  # row 25 takes 副高级 only
    ],
)
def test_annex_no_line_refused_with_reason(reference, series, level, code):
    result = resolve(case("zj-urban", series, level))
    assert result.committee is None and result.code == code and f"{series}{level}" in result.reason


def test_region_not_served_names_the_areas(reference):
    line = Committee.objects.get(cycle__year=2024, row=1, entry=3)  # 建设工程 句容市
    line.regions.clear()
    result = resolve(case("jurong", "建设工程", "中级"))
    assert result.code == "region_not_served" and "句容市" in result.reason and "镇江市区" in result.reason


def test_same_unit_same_series_level_same_committee(reference):
    unit = UnitFactory(region=Region.objects.get(code="yangzhong"))
    first = route_application(case(series="建设工程", level="中级", unit=unit))
    second = route_application(case(series="建设工程", level="中级", unit=unit))
    assert first == second and first.office.name == "扬中市人社局专技科"


def test_routing_queries_are_few(reference, django_assert_max_num_queries):
    c = case("danyang", "农业技术", "员级")
    c.unit = Unit.objects.select_related("region").get(pk=c.unit.pk)
    with django_assert_max_num_queries(2):
        assert route_application(c).row == 3


def test_submission_routes_to_the_local_office(world, in_window):
    unit = UnitFactory(region=Region.objects.get(code="danyang"))
    app = world.draft(world.applicant(unit=unit), series_name="机械工程")
    submit(app)
    assert (app.committee.row, app.committee.entry) == (2, 2)
    assert app.office.name == "丹阳市人社局专技科"
