"""The first 市职称办 account: granted by the system once, with an audit row; any later one by a supervisor."""

import pytest

from organisations import services as orgs
from organisations.models import OrgEvent, RoleMembership
from tests.factories import UserFactory
from zhicheng.errors import PermissionDenied
from zhicheng.roles import Role

pytestmark = pytest.mark.django_db


def test_first_supervisor_is_bootstrapped_once_and_audited():
    first, second = UserFactory(), UserFactory()
    m = orgs.supervisor_bootstrap(user=first)
    assert m.role == Role.SUPERVISOR and orgs.supervisor_bootstrap(user=first) == m  # idempotent
    ev = OrgEvent.objects.get(action="role_granted", target_id=first.pk)
    assert ev.actor is None and "系统初始化" in ev.data["reason"]
    with pytest.raises(PermissionDenied) as exc:
        orgs.supervisor_bootstrap(user=second)
    assert "须由现有市职称办人员指定" in exc.value.message
    assert not RoleMembership.objects.filter(user=second).exists()
    orgs.staff_role_grant(actor=first, user=second, role=Role.SUPERVISOR)
    assert RoleMembership.objects.filter(user=second, role=Role.SUPERVISOR).exists()
