"""Each transition tells the people who must act next: in-app, email on commit, SMS through the backend."""

import logging

import pytest
from django.core import mail

from applications import services
from tests.factories import submit
from zhicheng.models import Notification

pytestmark = pytest.mark.django_db


def test_submit_tells_unit_reviewer_and_applicant(
    world, in_window, django_capture_on_commit_callbacks, caplog, eager_tasks
):
    world.unit_reviewer.phone = "13800000001"
    world.unit_reviewer.save()
    app = world.draft()
    with caplog.at_level(logging.INFO, logger="zhicheng.notify"), django_capture_on_commit_callbacks(execute=True):
        submit(app)
    recipients = set(Notification.objects.values_list("recipient_id", flat=True))
    assert recipients == {world.unit_reviewer.pk, app.applicant.user_id}
    assert world.dept_reviewer.pk not in recipients
    assert {e for m in mail.outbox for e in m.to} == {world.unit_reviewer.email, app.applicant.user.email}
    assert "单位审核" in mail.outbox[0].subject
    assert "13800000001" in caplog.text and "【职称评审】" in caplog.text


def test_nothing_sent_when_refused(world, in_window, django_capture_on_commit_callbacks, eager_tasks):
    app = submit(world.draft())
    mail.outbox.clear()
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.PermissionDenied):
        services.application_unit_approve(application=app, actor=world.clerk)
    assert Notification.objects.count() == before and mail.outbox == []


def test_correction_notice_carries_items(world, in_window):
    app = submit(world.draft())
    services.application_request_correction(application=app, actor=world.unit_reviewer, items=["缺少学历证书"])
    note = Notification.objects.filter(recipient=app.applicant.user).order_by("-id").first()
    assert "补正中" in note.title
    assert "缺少学历证书" in note.body and "逾期视为放弃申报" in note.body
