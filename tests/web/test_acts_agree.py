"""Pages, API and services agree on what each person may do (issue 12): for every demo case and every demo account,
the acts the case page offers (its enabled `data-act` controls) equal the ready acts `GET /api/v1/applications/{id}/`
lists, and the services accept exactly those (tried in a rolled-back transaction; a 400 for the input still
means the act was accepted, a 403 or 409 means it was not)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from rest_framework.test import APIClient

from applications import workflow
from applications.demo import accounts
from applications.models import Application
from publicity import certificates, objections
from tests.applications.test_workflow import call
from tests.web.test_pages import login
from zhicheng.errors import DomainError, PermissionDenied, TransitionConflict
from zhicheng.models import User

pytestmark = pytest.mark.django_db
ACT_ATTR = re.compile(r'data-act="([^"]+)" data-ready="1"')
# Acts whose page is not the case page (the meeting page runs them for the whole agenda).
ELSEWHERE = {n for n, a in workflow.ACTS.items() if a.surface == workflow.Surface.MEETING}


class Rollback(Exception):
    pass


def accepted(name: str, app: Application, user) -> bool:
    """Does the service take the act from this user now? Tried and rolled back."""
    try:
        with transaction.atomic():
            if name in ("objection_upheld", "objection_dismissed"):
                objection = app.objections.filter(status="open").first()
                if objection is None:
                    return False

                objections.objection_decide(
                    objection=objection, actor=user, upheld=name == "objection_upheld", reason="核实"
                )
            elif name in ("association_approve", "municipal_approve"):
                certificates.initial_approve(application=app, actor=user, document_number="镇技协〔2099〕1号")
            elif name == "revoke":
                certificates.certificate_revoke(application=app, actor=user, finding="核实造假")
            elif name == "publish":
                import datetime as dt

                certificates.publication_create(
                    actor=user, document_number="镇职称办〔2099〕1号", date=dt.date.today(), applications=[app]
                )
            else:
                call(name, app, user)
            raise Rollback
    except Rollback:
        return True
    except (PermissionDenied, TransitionConflict):
        return False
    except DomainError:
        return True  # the act was taken; the input (e.g. a missing material) was refused


@pytest.fixture
def demo(reference):
    call_command("load_demo", stdout=io.StringIO())


def test_page_api_and_services_offer_the_same_acts(demo, client):
    api = APIClient()
    users = [User.objects.get(username=acc.username) for acc in accounts()]
    cases = list(Application.objects.select_related("applicant__user", "unit", "level", "office").order_by("pk"))
    assert cases, "演示数据应包含申报"
    checked = offered = 0
    seen_acts: set[str] = set()
    for user in users:
        login(client, user)
        api.force_authenticate(user)
        for app in cases:
            page = client.get(f"/cases/{app.pk}/")
            if page.status_code == 404:  # not visible to this user: the API agrees, and nothing is offered
                assert api.get(f"/api/v1/applications/{app.pk}/").status_code == 404
                continue
            assert page.status_code == 200
            on_page = {n for group in ACT_ATTR.findall(page.content.decode()) for n in group.split()}
            body = api.get(f"/api/v1/applications/{app.pk}/").json()
            in_api = {a["act"] for a in body["acts"] if a["ready"]} - ELSEWHERE
            if not app.objections.filter(status="open").exists():
                in_api -= {"objection_upheld", "objection_dismissed"}
            assert on_page == in_api, (user.username, app.number, app.status)
            for name in sorted({a.name for a in workflow.acts_from(app.status)} - ELSEWHERE):
                act = workflow.ACTS[name]
                if act.system:
                    continue
                assert accepted(name, app, user) == (name in in_api), (user.username, app.number, name)
            checked += 1
            offered += len(on_page)
            seen_acts |= on_page
    assert checked > len(users) and offered > 10
    # the demo reaches the acts of every role: applicant, reviewers, clerk, association, supervisor
    assert {"request_correction", "reject"} <= seen_acts, seen_acts
    print(sorted(seen_acts))
