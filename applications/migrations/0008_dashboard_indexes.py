"""The dashboard's and the timers' questions at scale (issue 17): cases held in a publicity by their end, cases
held provisionally, open deadlines by their last day. PostgreSQL only (partial indexes)."""

from django.db import migrations

INDEXES = [
    "CREATE INDEX IF NOT EXISTS app_held_until ON {app} (held_until) WHERE held_until IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS app_held_provisional ON {app} (id) WHERE held_provisional",
    "CREATE INDEX IF NOT EXISTS deadline_open_last_day ON {deadline} (last_day) WHERE closed_at IS NULL",
    "CREATE INDEX IF NOT EXISTS deadline_open_provisional ON {deadline} (id) WHERE closed_at IS NULL AND provisional",
]
NAMES = ["app_held_until", "app_held_provisional", "deadline_open_last_day", "deadline_open_provisional"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    tables = {
        "app": apps.get_model("applications", "Application")._meta.db_table,
        "deadline": apps.get_model("applications", "Deadline")._meta.db_table,
    }
    for sql in INDEXES:
        schema_editor.execute(sql.format(**tables))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in NAMES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("applications", "0007_scale_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
