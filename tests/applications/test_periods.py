"""Issue 14, Build 8: the publicity length, the paper and correction days and the 15 days read from one place."""

import datetime as dt

import pytest

from applications import services
from applications.models import Deadline
from applications.periods import cycle_periods
from publicity import services as pub
from publicity.models import Publicity
from tests.factories import submit
from zhicheng import workdays
from zhicheng.errors import DomainError

pytestmark = pytest.mark.django_db


def test_the_2024_periods_come_from_the_cycle_data(world):
    p = cycle_periods(world.cycle)
    assert (p.publicity_min_working_days, p.paper_working_days, p.filing_days_before) == (5, 10, 15)
    assert (p.correction_min_working_days, p.correction_max_working_days) == (1, 60)
    assert p.sources["filing_days_before"].startswith("镇职称办〔2024〕11号 六(一)")


def test_changing_the_data_changes_the_periods(world, in_window):
    world.cycle.rules["periods"].update(
        publicity_min_working_days={"value": 7}, correction_max_working_days={"value": 20}
    )
    world.cycle.save()
    app = submit(world.draft())
    with pytest.raises(DomainError) as exc:
        pub.publicity_start(kind=Publicity.Kind.UNIT, applications=[app], actor=world.unit_reviewer, working_days=6)
    assert "不得少于7个工作日" in exc.value.message
    p = pub.publicity_start(kind=Publicity.Kind.UNIT, applications=[app], actor=world.unit_reviewer)
    assert p.working_days == 7 and p.last_day == workdays.add_workdays(dt.date(2024, 4, 10), 7).last_day
    other = submit(world.draft())
    with pytest.raises(DomainError) as exc:
        services.application_request_correction(
            application=other, actor=world.unit_reviewer, items=["缺学历证书"], working_days=30
        )
    assert "1～20 个工作日" in exc.value.message
    services.application_request_correction(application=other, actor=world.unit_reviewer, items=["缺学历证书"])
    assert Deadline.objects.get(application=other).working_days == 10
