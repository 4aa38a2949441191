"""Random sequences of acts by random people: the case is always in a valid state, every refusal changes nothing,
and replaying the audit events reproduces the state (issue: case lifecycle, Done when)."""

import datetime as dt

import pytest
import time_machine
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from applications import services, workflow
from applications.models import Application, Deadline, Status
from applications.selectors import replay_status
from tests.conftest import shanghai
from tests.factories import answers
from zhicheng.errors import DomainError

ACTS = {
    "submit": lambda app, u: services.application_submit(application=app, actor=u, pledge_accepted=True),
    "unit_approve": lambda app, u: services.application_unit_approve(application=app, actor=u),
    "publicity_end": lambda app, u: services.application_publicity_end(application=app),
    "dept_approve": lambda app, u: services.application_dept_approve(application=app, actor=u),
    "committee_approve": lambda app, u: services.application_committee_approve(application=app, actor=u),
    "paper_received": lambda app, u: services.application_mark_paper_received(application=app, actor=u),
    "request_correction": lambda app, u: services.application_request_correction(
        application=app, actor=u, items=["缺少材料"], working_days=3
    ),
    "resubmit": lambda app, u: services.application_resubmit(application=app, actor=u, answers=answers(app)),
    "withdraw": lambda app, u: services.application_withdraw(application=app, actor=u),
    "reject": lambda app, u: services.application_reject(application=app, actor=u, reason="不符合条件"),
    "return": lambda app, u: services.application_return(application=app, actor=u, reason="超出受理范围"),
    "reopen": lambda app, u: services.application_reopen(application=app, actor=u),
}
PROGRESS = [
    "submit",
    "unit_approve",
    "publicity_end",
    "dept_approve",
    "committee_approve",
    "paper_received",
    "resubmit",
]
WEIGHTED_ACTS = sorted(ACTS) + PROGRESS * 4
NEXT = {
    Status.DRAFT: ("submit", "applicant"),
    Status.UNIT_REVIEW: ("unit_approve", "unit_reviewer"),
    Status.UNIT_PUBLICITY: ("publicity_end", "applicant"),
    Status.DEPT_RECHECK: ("dept_approve", "dept_reviewer"),
    Status.COMMITTEE_REVIEW: ("committee_approve", "clerk"),
    Status.COMMITTEE_PUBLICITY: ("publicity_end", "applicant"),
    Status.CORRECTION: ("resubmit", "applicant"),
    Status.RETURNED: ("reopen", "applicant"),
}
PEOPLE = ["applicant", "unit_reviewer", "dept_reviewer", "clerk", "association_clerk", "supervisor", "outsider"]
# Who is entitled to each act ("reviewer" = the reviewer of the current step); drawn often so cases get far.
RIGHT = {"submit": "applicant", "resubmit": "applicant", "withdraw": "applicant", "reopen": "applicant",
         "unit_approve": "unit_reviewer", "dept_approve": "dept_reviewer", "committee_approve": "clerk",
         "paper_received": "clerk", "request_correction": "reviewer", "reject": "reviewer", "return": "reviewer",
         "publicity_end": "applicant"}  # fmt: skip


@pytest.mark.django_db
def test_random_acts_keep_the_case_valid(world):
    class CaseMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.now = shanghai(2024, 4, 10, 9, 0)
            self.clock = time_machine.travel(self.now, tick=False)
            self.clock.start()
            self.apps = [world.draft()]
            self.people = {name: getattr(world, name, None) for name in PEOPLE}

        @rule()
        def new_case(self):
            if len(self.apps) < 4:
                self.apps.append(world.draft())

        def teardown(self):
            self.clock.stop()

        def _state(self, app):
            app = Application.objects.get(pk=app.pk)
            return (app.status, app.events.count(), Deadline.objects.filter(application=app).count())

        @rule(act=st.sampled_from(WEIGHTED_ACTS), who=st.sampled_from(PEOPLE + ["right"] * 8), n=st.integers(0, 3))
        def act(self, act, who, n):
            target = self.apps[n % len(self.apps)]
            self.people["applicant"] = target.applicant.user
            if who == "right":
                who = RIGHT[act]
                if who == "reviewer":
                    app = Application.objects.get(pk=target.pk)
                    who = "applicant"
                    if app.status in workflow.CORRECTABLE:
                        self.people["reviewer"] = world.actor_for(app)
                        who = "reviewer"
            before = self._state(target)
            try:
                ACTS[act](target, self.people[who])
            except DomainError:
                assert self._state(target) == before  # a refusal writes nothing
            else:
                assert self._state(target)[1] == before[1] + 1  # one audit event per act

        @rule(n=st.integers(0, 3))
        def progress(self, n):
            """The entitled person does the next forward act (so random runs reach the deep states too)."""
            target = Application.objects.get(pk=self.apps[n % len(self.apps)].pk)
            step = NEXT.get(target.status)
            if step is None:
                return
            act, who = step
            if act == "publicity_end":
                self.time_passes(8)
                if target.status == Status.COMMITTEE_PUBLICITY and target.paper_received_at is None:
                    act, who = "paper_received", "clerk"
            before = self._state(target)
            try:
                ACTS[act](target, target.applicant.user if who == "applicant" else self.people[who])
            except DomainError:
                assert self._state(target) == before
            else:
                assert self._state(target)[1] == before[1] + 1

        @rule(days=st.integers(min_value=1, max_value=12))
        def time_passes(self, days):
            self.clock.stop()
            self.now += dt.timedelta(days=days)
            self.clock = time_machine.travel(self.now, tick=False)
            self.clock.start()
            for dl in Deadline.objects.filter(application__in=self.apps, closed_at__isnull=True):
                services.application_abandon(deadline=dl)

        @invariant()
        def valid_and_replayable(self):
            for app in Application.objects.filter(pk__in=[a.pk for a in self.apps]):
                self.check(app)

        def check(self, app):
            assert app.status in Status.values
            assert replay_status(app.events.order_by("id")) == app.status
            in_publicity = app.status in (Status.UNIT_PUBLICITY, Status.COMMITTEE_PUBLICITY, Status.RESULT_PUBLICITY)
            assert (app.held_until is not None) == in_publicity
            assert Deadline.objects.filter(application=app, closed_at__isnull=True).count() <= 2

    CaseMachine.TestCase.settings = settings(
        max_examples=30,
        stateful_step_count=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    CaseMachine.TestCase().runTest()
