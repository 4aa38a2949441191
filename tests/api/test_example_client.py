"""The client script of examples/ carries one case from submission to certificate through the API alone, against
a live server (issue: REST API, Done when 4). The clock moves in this process, which the live server shares, and
the timer sweep runs where celery beat would."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest
import time_machine

from operations.sweep import timers_sweep

pytestmark = pytest.mark.postgres
SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "api_client.py"


def load_example():
    spec = importlib.util.spec_from_file_location("api_client", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db(transaction=True)
def test_example_client_carries_a_case_to_its_certificate(live_server, reference):
    from tests.factories import World

    world = World()
    client = load_example()
    api = client.Api(live_server.url)
    for role, user in [
        ("unit", world.unit_reviewer),
        ("dept", world.dept_reviewer),
        ("clerk", world.clerk),
        ("supervisor", world.supervisor),
    ]:
        user.set_password("pass-1234")
        user.save(update_fields=["password"])
        api.login(role, user.username, "pass-1234")
    lines: list[str] = []
    profile = client.register_applicant(api, unit_name=world.unit.name, seq=7, log=lines.append)
    assert profile["unit"] == world.unit.pk and profile["ce_hours"][0]["hours"] == 96
    traveller = time_machine.travel(dt.datetime(2024, 4, 10, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    clock = traveller.start()

    def advance(moment: str) -> None:
        clock.move_to(dt.datetime.fromisoformat(moment))
        timers_sweep()

    try:
        result = client.carry_case(api, advance, log=lines.append)
    finally:
        traveller.stop()
    assert result["application"]["status"] == "certified"
    assert result["verification"]["valid"] is True
    assert result["certificate"]["holder_name"] == "示例申报人"
    assert any("电子证书" in line for line in lines) and any("资历 7 年 ≥ 4 年" in line for line in lines)
