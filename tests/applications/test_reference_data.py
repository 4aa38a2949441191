"""Reference data against the two notices: counts and a sample of rows (issue: foundation 5)."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from applications.models import (
    ApplicationWindow,
    Committee,
    InitialCycle,
    Level,
    ReviewCycle,
    Series,
    Specialty,
    Subspecialty,
)
from organisations.models import Region

pytestmark = pytest.mark.django_db
SEED_001 = Path(settings.BASE_DIR).parent / "shared" / "seeds" / "001_c28a95dd4cbf9826.txt"


def test_regions_and_levels(reference):
    assert list(Region.objects.values_list("name", flat=True)) == [
        "镇江市区", "丹阳市", "句容市", "扬中市", "丹徒区", "京口区", "润州区", "经开区"
    ]  # fmt: skip
    assert [(lv.name, lv.tier) for lv in Level.objects.all()] == [
        ("员级", "初级"), ("助理级", "初级"), ("中级", "中级"), ("副高级", "高级"), ("正高级", "高级")
    ]  # fmt: skip


def test_catalogue_counts_and_rows(reference):
    ce = Series.objects.filter(comprehensive_engineering=True)
    assert list(ce.values_list("name", flat=True)) == [
        "机械工程", "石油化工", "轻工工程", "冶金工程", "电力工程", "纺织工程", "船舶与海洋工程", "生物医药工程"
    ]  # fmt: skip
    assert Specialty.objects.filter(series__in=ce).count() == 36
    assert Subspecialty.objects.count() == 103
    mech = Specialty.objects.filter(series__name="机械工程")
    assert mech.count() == 10
    for bare in ("标准化", "科技情报信息", "技术改造", "技术咨询", "产品质量管理", "营销与招投标技术支持"):
        assert not Subspecialty.objects.filter(specialty__series__name="机械工程", specialty__name=bare).exists()
    assert Specialty.objects.filter(series__name="纺织工程", name="其他").exists()
    assert Subspecialty.objects.filter(specialty__name="机械制造").count() == 11
    assert Subspecialty.objects.filter(specialty__series__name="轻工工程").count() == 24
    assert Subspecialty.objects.filter(specialty__series__name="生物医药工程").count() == 24
    assert Subspecialty.objects.filter(name="生物3D打印").exists()
    for name in ("建设工程", "社区卫生", "中小学教师", "会计", "计算机技术与软件", "数字经济工程", "公证员"):
        assert Series.objects.filter(name=name).exists(), name


@pytest.mark.skipif(not SEED_001.exists(), reason="shared/seeds 不在仓库旁")
def test_every_subspecialty_of_seed_001_is_loaded(reference):
    text = SEED_001.read_text(encoding="utf-8")
    annex = text[text.index("系列名称\t大专业目录\t小专业目录") :].splitlines()[1:]
    rows = [
        "".join(line.split("\t")[2].split()).replace("(", "（").replace(")", "）")
        for line in annex
        if line.count("\t") >= 2 and line.split("\t")[2].strip()
    ]
    assert len(rows) == Subspecialty.objects.count() == 103
    assert set(rows) <= set(Subspecialty.objects.values_list("name", flat=True))


def test_schedule_rows(reference):
    cycle = ReviewCycle.objects.get(year=2024)
    assert Committee.objects.filter(cycle=cycle).values("row").distinct().count() == 28
    assert Committee.objects.filter(cycle=cycle).count() == 47
    row1 = Committee.objects.get(cycle=cycle, row=1, area="镇江市区")
    assert [(w.start, w.end) for w in row1.windows.all()] == [
        (dt.date(2024, 3, 15), dt.date(2024, 5, 30)),
        (dt.date(2024, 7, 1), dt.date(2024, 9, 15)),
    ]
    assert row1.office.name == "镇江市职称与执业资格评价服务中心" and row1.phones == ["84403810"]
    dy_mech = Committee.objects.get(cycle=cycle, row=2, area="丹阳市")
    assert dy_mech.office.name == "丹阳市人社局专技科"
    assert Committee.objects.get(cycle=cycle, row=2, area="镇江市区").by_notice
    assert Committee.objects.get(cycle=cycle, row=6).exclusions[0]["units"] == ["索普集团", "恒神股份"]
    assert [e["areas"] for e in Committee.objects.get(cycle=cycle, row=3, area="镇江市").exclusions] == [
        ["丹阳市", "扬中市"],
        ["句容市"],
    ]
    assert Committee.objects.get(cycle=cycle, row=7).exclusions[0]["units"] == ["万新光学"]
    assert Committee.objects.get(cycle=cycle, row=4, area="镇江市").exclusions
    row14 = Committee.objects.get(cycle=cycle, row=14)
    assert (row14.office.name, row14.inherited_from_row, row14.phones) == ("镇江市司法局", 13, ["80820823", "80820933"])
    for row, source in ((24, 23), (25, 23), (27, 26)):
        c = Committee.objects.get(cycle=cycle, row=row)
        assert c.inherited_from_row == source
        assert c.office == Committee.objects.get(cycle=cycle, row=source).office
    assert Committee.objects.filter(cycle=cycle, row=22).count() == 8
    assert list(Committee.objects.get(cycle=cycle, row=25).levels.values_list("name", flat=True)) == ["副高级"]
    assert ApplicationWindow.objects.count() == 16
    assert Committee.objects.filter(by_notice=True).count() == 32
    urban = Region.objects.get(name="京口区")
    assert row1.regions.filter(pk=urban.pk).exists()
    assert not Committee.objects.get(cycle=cycle, row=22, area="镇江市直").regions.filter(pk=urban.pk).exists()


def test_cycles(reference):
    c = ReviewCycle.objects.get(year=2024)
    assert (c.seniority_cutoff, c.ce_year, c.ce_hours, c.intermediate_deadline) == (
        dt.date(2023, 12, 31),
        2023,
        90,
        dt.date(2024, 11, 30),
    )
    i = InitialCycle.objects.get(year=2024)
    assert (i.start, i.end, i.office.name) == (dt.date(2024, 3, 20), dt.date(2024, 12, 10), "镇江市职工技术协会")
    assert i.series.count() == 8


def test_load_twice_changes_nothing(reference):
    out = io.StringIO()
    call_command("load_reference_data", stdout=out)
    assert "共变更 0 项" in out.getvalue()
    assert "系列 47" in out.getvalue() and "网络申报时间窗口 16 个" in out.getvalue()


def test_demo_is_idempotent(reference):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    # 9 + 2 初定 of the demo cycle (issue 13) + 6 of review.demo
    assert "本次新建演示申报 17 件" in text and "本次新建演示申报 0 件" in text
    from applications.models import Application

    states = set(Application.objects.values_list("status", flat=True))
    assert {"draft", "unit_review", "unit_publicity", "dept_recheck", "committee_review"} <= states
    assert {"committee_publicity", "correction"} <= states
    call_command("load_demo", "--accounts", stdout=out)
    assert "zhichengban" in out.getvalue() and "Zhicheng@2024" in out.getvalue()
