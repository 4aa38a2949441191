"""The current entries newest first (issue 17: the public API's list walked the whole entry table backwards,
2.1 M rows at provincial scale, to find the ~2 % still in a publicity). A partial index on the id of the entries
with no `left_at`: the set-based close costs nothing more (an entry that leaves is no longer in it).
PostgreSQL only (partial index)."""

from django.db import migrations

NAME = "publicity_entry_current_id"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("publicity", "PublicityEntry")._meta.db_table
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON {table} (id) WHERE left_at IS NULL")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("publicity", "0008_organisations_moved")]
    operations = [migrations.RunPython(forwards, backwards)]
