"""`load_demo` in the demo cycle (演示年度): the demo applicant can submit today; 初定 cases wait for the association
clerk and for 市职称办; the accounts list prints the demo applicants; a second run creates nothing."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from applications import services
from applications.models import Application, InitialCycle, ReviewCycle, Route, Status
from organisations.models import OrgEvent, Unit
from tests.people.helpers import DEMO_DAY

pytestmark = pytest.mark.django_db


def test_demo_cycle_lets_the_demo_applicant_submit_and_fills_the_association_inbox(reference):
    with time_machine.travel(DEMO_DAY, tick=False):
        call_command("load_demo", stdout=io.StringIO())
        cycle = ReviewCycle.objects.get(year=DEMO_DAY.year)
        assert cycle.is_demo and "演示年度" in cycle.name and cycle.ce_year == DEMO_DAY.year - 1
        assert InitialCycle.objects.get(year=DEMO_DAY.year).is_demo
        shenbao = get_user_model().objects.get(username="shenbao")
        draft = Application.objects.get(applicant__user=shenbao, review_cycle=cycle)
        assert draft.status == Status.DRAFT
        services.application_submit(application=draft, actor=shenbao, pledge_accepted=True, ip="127.0.0.1")
        draft.refresh_from_db()
        assert draft.status == Status.UNIT_REVIEW and draft.committee.cycle == cycle

        initial = Application.objects.filter(route=Route.INITIAL, initial_cycle__is_demo=True)
        assert set(initial.values_list("status", flat=True)) == {Status.ASSOCIATION_REVIEW, Status.MUNICIPAL_APPROVAL}
        unit = Unit.objects.get(name="镇江示范建设工程有限公司")
        assert unit.state == Unit.State.CONFIRMED and OrgEvent.objects.filter(action="unit_registered").exists()
        assert unit.rolemembership_set.filter(user__username="renshi", role="unit_hr").exists()

        counts = (Application.objects.count(), OrgEvent.objects.count(), get_user_model().objects.count())
        again = io.StringIO()
        call_command("load_demo", stdout=again)
        assert (Application.objects.count(), OrgEvent.objects.count(), get_user_model().objects.count()) == counts
        assert "本次新建演示申报 0 件" in again.getvalue()

        listing = io.StringIO()
        call_command("load_demo", "--accounts", stdout=listing)
    text = listing.getvalue()
    assert "danweiguanli" in text and "renshi" in text and "演示申报人" in text
    assert "shenbao" in text and "单位审核" in text and "协会审核" in text and "市职称办审批" in text
