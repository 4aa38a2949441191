"""The Chinese admin: every registered model's list opens for staff, and records of acts cannot be added or edited."""

import pytest
from django.contrib import admin
from django.urls import reverse

from zhicheng.admin import ReadOnlyAdmin

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser("admin", "admin@example.cn", "pass-1234")
    client.force_login(user)
    return client


def test_every_changelist_opens_in_chinese(staff, world):
    for model in admin.site._registry:
        meta = model._meta
        response = staff.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        assert response.status_code == 200, meta.label
    assert "职称评审业务系统" in staff.get(reverse("admin:index")).content.decode()


def test_records_of_acts_are_read_only(staff, world):
    read_only = [m for m, a in admin.site._registry.items() if isinstance(a, ReadOnlyAdmin)]
    labels = {m._meta.label for m in read_only}
    assert {"publicity.Publicity", "publicity.Objection", "publicity.Certificate", "review.Meeting"} <= labels
    for model in read_only:
        meta = model._meta
        assert staff.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add")).status_code == 403, meta.label
