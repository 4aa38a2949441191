# State only (issue 12 item 5): these foreign keys now name `organisations.*`; the tables they point to, and the
# constraints in the database, are the same as before.
# The moved models leave this app's state; their rows stay where they are.

import django.db.models.deletion
import pgtrigger.migrations
from django.db import migrations, models

# pgtrigger drops a trigger but leaves its function; nothing calls these two any more. (Going back, RemoveTrigger's
# reverse recreates function and trigger together.)
OLD_FUNCTIONS = ["pgtrigger_org_event_append_only_update_fb1c1", "pgtrigger_org_event_append_only_delete_04718"]


def drop_old_trigger_functions(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in OLD_FUNCTIONS:
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0010_merge_scale_people_audit"),
        ("organisations", "0001_initial"),
        ("publicity", "0008_organisations_moved"),
        ("review", "0006_organisations_moved"),
    ]

    operations = [
        # OrgEvent's old append-only triggers (ids from the `applications` label); organisations 0001 installed the
        # same pair under the new label, so the table is never unprotected.
        pgtrigger.migrations.RemoveTrigger(model_name="orgevent", name="org_event_append_only_update"),
        pgtrigger.migrations.RemoveTrigger(model_name="orgevent", name="org_event_append_only_delete"),
        migrations.RunPython(drop_old_trigger_functions, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="rolemembership",
                    name="office",
                ),
                migrations.AlterField(
                    model_name="committee",
                    name="office",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="committees",
                        to="organisations.committeeoffice",
                        verbose_name="受理单位机构",
                    ),
                ),
                migrations.AlterField(
                    model_name="application",
                    name="office",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="applications",
                        to="organisations.committeeoffice",
                        verbose_name="受理机构",
                    ),
                ),
                migrations.AlterField(
                    model_name="initialcycle",
                    name="office",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        to="organisations.committeeoffice",
                        verbose_name="受理协会",
                    ),
                ),
                migrations.RemoveField(
                    model_name="department",
                    name="region",
                ),
                migrations.RemoveField(
                    model_name="unit",
                    name="department",
                ),
                migrations.RemoveField(
                    model_name="rolemembership",
                    name="department",
                ),
                migrations.RemoveField(
                    model_name="orgevent",
                    name="actor",
                ),
                migrations.RemoveField(
                    model_name="unit",
                    name="region",
                ),
                migrations.RemoveField(
                    model_name="rolemembership",
                    name="unit",
                ),
                migrations.RemoveField(
                    model_name="rolemembership",
                    name="user",
                ),
                migrations.RemoveField(
                    model_name="unit",
                    name="confirmed_by",
                ),
                migrations.RemoveField(
                    model_name="unit",
                    name="registered_by",
                ),
                migrations.AlterField(
                    model_name="applicantprofile",
                    name="unit",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="staff",
                        to="organisations.unit",
                        verbose_name="工作单位/人事代理机构",
                    ),
                ),
                migrations.AlterField(
                    model_name="application",
                    name="unit",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="applications",
                        to="organisations.unit",
                        verbose_name="申报单位",
                    ),
                ),
                migrations.AlterField(
                    model_name="committee",
                    name="regions",
                    field=models.ManyToManyField(to="organisations.region", verbose_name="覆盖地区"),
                ),
                migrations.DeleteModel(
                    name="CommitteeOffice",
                ),
                migrations.DeleteModel(
                    name="Department",
                ),
                migrations.DeleteModel(
                    name="OrgEvent",
                ),
                migrations.DeleteModel(
                    name="Region",
                ),
                migrations.DeleteModel(
                    name="RoleMembership",
                ),
                migrations.DeleteModel(
                    name="Unit",
                ),
            ],
            database_operations=[],
        ),
    ]
