"""Golden tests of the working-day calendar (SPEC §5; issue: foundation)."""

import datetime as dt

import pytest
from django.core.management import call_command

from zhicheng import workdays
from zhicheng.errors import DomainError
from zhicheng.models import CalendarDay, CalendarYear

D = dt.date.fromisoformat
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2024-09-30", 5, "2024-10-12"),  # National Day, then Saturday 10-12 is a 调休 workday
        ("2024-02-08", 5, "2024-02-21"),  # Spring Festival; Sunday 02-18 is a workday
        ("2024-12-27", 10, "2025-01-13"),  # across the year and New Year's Day
        ("2024-03-15", 10, "2024-03-29"),
        ("2024-05-06", 1, "2024-05-07"),
    ],
)
def test_add_workdays_golden(start, n, expected):
    end = workdays.add_workdays(D(start), n)
    assert end.last_day == D(expected)
    assert end.provisional is False


def test_period_ends_at_midnight_after_last_day_shanghai():
    end = workdays.add_workdays(D("2024-09-30"), 5)
    assert end.ends_at.isoformat() == "2024-10-13T00:00:00+08:00"


@pytest.mark.parametrize("day", ["2024-02-04", "2024-09-29", "2024-10-12", "2024-02-18"])
def test_adjusted_weekend_workdays(day):
    info = workdays.day_info(D(day))
    assert info.is_workday
    assert "调休" in info.name


@pytest.mark.parametrize("day", [f"2024-10-0{i}" for i in range(1, 8)])
def test_national_day_is_off(day):
    info = workdays.day_info(D(day))
    assert not info.is_workday
    assert info.name == "国庆节"


def test_plain_weekend_and_weekday():
    assert not workdays.is_workday(D("2024-06-15"))  # Saturday
    assert workdays.is_workday(D("2024-06-14"))


def test_unknown_year_is_provisional_until_imported():
    end = workdays.add_workdays(D("2027-01-29"), 5)
    assert end.provisional is True
    assert end.last_day == D("2027-02-05")  # weekends alone
    assert workdays.year_known(2027) is False
    workdays.calendar_import_year(
        data={
            "year": 2027,
            "source": "国办发明电〔2026〕测试号",
            "holidays": [{"start": "2027-02-05", "end": "2027-02-11", "name": "春节"}],
            "workdays": [{"date": "2027-02-14", "name": "春节调休上班"}],
        }
    )
    assert workdays.year_known(2027) is True
    end = workdays.add_workdays(D("2027-01-29"), 5)
    assert end.provisional is False
    assert end.last_day == D("2027-02-12")  # 02-01..04 count 4, 02-05..11 off, Friday 02-12 is the fifth
    assert workdays.day_info(D("2027-02-14")).is_workday


def test_override_beats_library():
    CalendarDay.objects.create(date=D("2024-06-14"), is_workday=False, name="测试停工", source="测试文件")
    info = workdays.day_info(D("2024-06-14"))
    assert not info.is_workday and info.source == "测试文件"


def test_workdays_between():
    assert workdays.workdays_between(D("2024-09-30"), D("2024-10-12")) == (5, False)
    assert workdays.workdays_between(D("2024-10-12"), D("2024-09-30")) == (-5, False)
    assert workdays.workdays_between(D("2024-10-01"), D("2024-10-01")) == (0, False)


def test_bad_import_writes_nothing():
    with pytest.raises(DomainError) as exc:
        workdays.calendar_import_year(
            data={"year": 2027, "source": "x", "holidays": [{"date": "2028-01-01", "name": "元旦"}]}
        )
    assert "不属于 2027 年" in exc.value.message
    assert not CalendarDay.objects.exists() and not CalendarYear.objects.exists()


def test_command_add_prints_golden(capsys):
    call_command("workdays", "add", "2024-09-30", "5")
    assert capsys.readouterr().out.strip() == "2024-10-12"
    call_command("workdays", "add", "2027-03-01", "5")
    assert capsys.readouterr().out.strip() == "2027-03-08 暂定"


def test_command_is_and_between(capsys):
    call_command("workdays", "is", "2024-10-01")
    assert capsys.readouterr().out.strip() == "休息日（国庆节）"
    call_command("workdays", "is", "2024-02-04")
    assert capsys.readouterr().out.strip() == "工作日（春节调休上班）"
    call_command("workdays", "between", "2024-09-30", "2024-10-12")
    assert capsys.readouterr().out.strip() == "5"


def test_command_import_file(tmp_path, capsys):
    f = tmp_path / "2027.yaml"
    f.write_text(
        "year: 2027\nsource: 国办发明电〔2026〕测试号\nholidays:\n  - {date: 2027-01-01, name: 元旦}\nworkdays: []\n",
        encoding="utf-8",
    )
    call_command("workdays", "import", str(f))
    assert "已导入 2027 年放假安排" in capsys.readouterr().out
    assert workdays.day_info(D("2027-01-01")).name == "元旦"
