"""办件进度 (issue 15 item 3): every step of the route, done ones with actor and 依据, the current one with who acts
and its deadline, future ones with their earliest dates; the paper-materials checklist during the committee 公示."""

import pytest
import time_machine

from applications.models import Status
from tests.applications.test_workflow import START, reach
from tests.web.test_pages import login

pytestmark = pytest.mark.django_db
S = Status


def test_stepper_of_a_case_in_committee_publicity(world, client):
    with time_machine.travel(START, tick=False) as clock:
        app = reach(world, S.COMMITTEE_PUBLICITY, clock)
        login(client, app.applicant.user)
        html = client.get(f"/cases/{app.pk}/").content.decode()
    stepper = html[html.index('id="stepper"') :]
    stepper = stepper[: stepper.index("</section>")]
    for label in ("单位审核", "单位评前公示", "主管部门复核", "评委会公示", "待评审", "评审结果公示", "已发证"):
        assert label in stepper
    assert stepper.count("已完成") == 5 and stepper.count("当前环节") == 1
    assert "依据：镇职称办〔2024〕11号 五(一)" in stepper
    assert "办理人：评委会办事机构经办人" in stepper and "还剩" in stepper
    assert "预计最早" in stepper  # the future steps carry their earliest dates
    assert "纸质材料报送清单" in stepper and "专业技术资格评审申报表" in stepper and "附件备注3" in stepper
