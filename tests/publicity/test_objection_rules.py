"""Objections under the one workflow (issue 12 regressions): who sees the objector, on the page and in the API alike;
an objection to a case whose title was revoked is decided without a 500."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from applications.models import ApplicationEvent, Status
from publicity import certificates, objections
from publicity import services as pub
from publicity.models import Objection
from tests.applications.test_workflow import START, reach
from tests.web.test_pages import login
from zhicheng.errors import TransitionConflict

pytestmark = pytest.mark.django_db
S = Status


def _objection(app):
    return objections.objection_file(
        application=app, name="王五", contact="13912345678", content="该申报人业绩材料与事实不符"
    )


def test_objector_contact_only_for_the_decider_and_the_supervisor(world, client):
    """Unit 评前公示: the unit reviewer decides; the department reviewer and the clerk may see the case but not
    the objector — neither on the case page nor through GET /api/v1/objections/{id}/."""
    with time_machine.travel(START, tick=False) as clock:
        app = reach(world, S.UNIT_REVIEW, clock)
        pub.publicity_start(kind="unit", applications=[app], actor=world.unit_reviewer)
        objection = _objection(app)
        api = APIClient()
        for user, sees in (
            (world.unit_reviewer, True),
            (world.supervisor, True),
            (world.dept_reviewer, False),
            (world.clerk, False),
            (app.applicant.user, False),
        ):
            login(client, user)
            page = client.get(f"/cases/{app.pk}/")
            assert page.status_code == 200, user
            api.force_authenticate(user)
            answer = api.get(f"/api/v1/objections/{objection.pk}/")
            assert ("13912345678" in page.content.decode()) is sees, user
            assert (answer.status_code == 200) is sees, (user, answer.status_code)
            if sees:
                assert answer.json()["contact"] == "13912345678"


def test_objection_to_a_revoked_case_is_decided_without_a_500(world, client):
    """Filed during the result 公示, then the title revoked: the objection is moot, and deciding it answers 409 on
    the page and in the API, changing nothing."""
    with time_machine.travel(START, tick=False) as clock:
        app = reach(world, S.PASSED, clock)
        pub.publicity_start(kind="result", applications=[app], actor=world.clerk)
        objection = _objection(app)
        certificates.certificate_revoke(application=app, actor=world.supervisor, finding="学历造假")
        assert Objection.objects.get(pk=objection.pk).status == Objection.Status.MOOT
        events = ApplicationEvent.objects.filter(application=app).count()
        with pytest.raises(TransitionConflict):
            objections.objection_decide(objection=objection, actor=world.clerk, upheld=True, reason="属实")
        api = APIClient()
        api.force_authenticate(world.clerk)
        r = api.post(f"/api/v1/objections/{objection.pk}/decide/", {"upheld": True, "reason": "属实"}, format="json")
        assert r.status_code == 409 and r.json()["code"]
        login(client, world.clerk)
        page = client.post(f"/objections/{objection.pk}/decide/", {"upheld": "1", "reason": "属实"})
        assert page.status_code in (302, 409)
        assert ApplicationEvent.objects.filter(application=app).count() == events


def test_objection_decided_when_the_case_left_its_publicity_otherwise_is_409(world):
    """A legacy open objection on a case that is no longer in a 公示: the kernel's wrong-state 409, not a 500."""
    with time_machine.travel(START, tick=False) as clock:
        app = reach(world, S.PASSED, clock)
        pub.publicity_start(kind="result", applications=[app], actor=world.clerk)
        objection = _objection(app)
        certificates.certificate_revoke(application=app, actor=world.supervisor, finding="学历造假")
        Objection.objects.filter(pk=objection.pk).update(status=Objection.Status.OPEN)  # as before this fix
        clock.move_to(START + dt.timedelta(days=1))
        with pytest.raises(TransitionConflict) as exc:
            objections.objection_decide(objection=objection, actor=world.clerk, upheld=False, reason="不属实")
        assert exc.value.status == 409 and "已撤销" in exc.value.message
