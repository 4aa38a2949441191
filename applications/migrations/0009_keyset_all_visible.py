"""The inbox's "all visible" view and its later pages walk (scope, submitted_at, id) in order (issue 17)."""

from django.db import migrations

INDEXES = [
    "CREATE INDEX IF NOT EXISTS app_submitted_desc ON {app} (submitted_at DESC, id DESC)",
    "CREATE INDEX IF NOT EXISTS app_unit_submitted ON {app} (unit_id, submitted_at DESC, id DESC)",
    "CREATE INDEX IF NOT EXISTS app_office_submitted ON {app} (office_id, submitted_at DESC, id DESC)",
]
NAMES = ["app_submitted_desc", "app_unit_submitted", "app_office_submitted"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("applications", "Application")._meta.db_table
    for sql in INDEXES:
        schema_editor.execute(sql.format(app=table))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in NAMES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("applications", "0008_dashboard_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
