"""Open publicities by their end and last day (issue 17: the public page and the dashboard find them through an
index instead of reading every publicity). PostgreSQL only (partial indexes)."""

from django.db import migrations

INDEXES = [
    "CREATE INDEX IF NOT EXISTS publicity_open_ends ON {pub} (ends_at) WHERE closed_at IS NULL",
    "CREATE INDEX IF NOT EXISTS publicity_open_last_day ON {pub} (last_day) WHERE closed_at IS NULL",
]
NAMES = ["publicity_open_ends", "publicity_open_last_day"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("publicity", "Publicity")._meta.db_table
    for sql in INDEXES:
        schema_editor.execute(sql.format(pub=table))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in NAMES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("publicity", "0004_filing_filed_at")]
    operations = [migrations.RunPython(forwards, backwards)]
