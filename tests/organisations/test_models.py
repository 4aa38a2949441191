"""The moved models (issue 12 item 5): same tables and constraint names, OrgEvent still append-only in the
database, content types and admin pages under the new app label, old import paths still working."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from organisations import services
from organisations.models import CommitteeOffice, Department, OrgEvent, Region, RoleMembership, Unit

MOVED = [Region, Department, Unit, CommitteeOffice, RoleMembership, OrgEvent]


def test_moved_models_keep_their_tables_and_constraint_names():
    assert {m._meta.label: m._meta.db_table for m in MOVED} == {
        "organisations.Region": "applications_region",
        "organisations.Department": "applications_department",
        "organisations.Unit": "applications_unit",
        "organisations.CommitteeOffice": "applications_committeeoffice",
        "organisations.RoleMembership": "applications_rolemembership",
        "organisations.OrgEvent": "applications_orgevent",
    }
    assert [c.name for c in Unit._meta.constraints] == ["uniq_unit_credit_code"]
    assert [c.name for c in RoleMembership._meta.constraints] == ["uniq_role_membership", "role_scope_matches"]
    assert [i.name for i in OrgEvent._meta.indexes] == ["application_target__7e4ae4_idx"]


def test_the_apps_above_use_the_organisations_directly():
    """The models live in organisations only: no copy or alias of them in applications (the shims are gone)."""
    import importlib.util

    from applications import models as app_models

    assert not any(hasattr(app_models, m.__name__) for m in MOVED)
    assert importlib.util.find_spec("applications.orgs") is None
    assert {f.related_model for f in app_models.Application._meta.fields if f.name in ("unit", "office")} == {
        Unit,
        CommitteeOffice,
    }


@pytest.mark.django_db
def test_content_types_and_permissions_are_under_the_new_label():
    ct = ContentType.objects.get_for_model(Unit)
    assert (ct.app_label, ct.model) == ("organisations", "unit")
    assert not ContentType.objects.filter(app_label="applications", model__in=[m._meta.model_name for m in MOVED])
    assert ct.permission_set.filter(codename="view_unit").exists()


@pytest.mark.django_db
def test_admin_lists_them_under_organisations(client, django_user_model, world):
    client.force_login(django_user_model.objects.create_superuser("admin", "admin@example.cn", "pass-1234"))
    for model in MOVED[1:]:
        url = reverse(f"admin:organisations_{model._meta.model_name}_changelist")
        assert url.startswith("/admin/organisations/")
        assert client.get(url).status_code == 200
        assert client.get(reverse(f"admin:organisations_{model._meta.model_name}_add")).status_code == 403


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_refuses_update_and_delete_of_org_events(world):
    event = services.org_event(world.supervisor, "department_created", world.department, {"kind": "industry"})
    for sql in (
        "UPDATE applications_orgevent SET target_label = 'tampered' WHERE id = %s",
        "DELETE FROM applications_orgevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError) as exc, transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [event.pk])
        assert "pgtrigger" in str(exc.value) and "applications_orgevent" in str(exc.value)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'applications_orgevent'::regclass AND NOT tgisinternal"
            " ORDER BY tgname"
        )
        names = [r[0] for r in cur.fetchall()]
    assert names == ["pgtrigger_org_event_append_only_delete_d122f", "pgtrigger_org_event_append_only_update_12240"]
    event.refresh_from_db()
    assert event.target_label == str(world.department)
