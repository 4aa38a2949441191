"""Indexes for provincial scale (issue 17): each role's scope with the inbox's default order (keyset), the API's
`-id` order per scope, and name search through pg_trgm. PostgreSQL only; SQLite searches with a plain icontains."""

from django.db import migrations

INDEXES = [
    # inbox page: scope = (unit | office | all), status IN (...), ORDER BY submitted_at DESC, id DESC
    "CREATE INDEX IF NOT EXISTS app_unit_status_sub ON {app} (unit_id, status, submitted_at DESC, id DESC)",
    "CREATE INDEX IF NOT EXISTS app_office_status_sub ON {app} (office_id, status, submitted_at DESC, id DESC)",
    "CREATE INDEX IF NOT EXISTS app_status_sub ON {app} (status, submitted_at DESC, id DESC)",
    # API list: ORDER BY id DESC within a scope (cursor pagination)
    "CREATE INDEX IF NOT EXISTS app_unit_id_desc ON {app} (unit_id, id DESC)",
    "CREATE INDEX IF NOT EXISTS app_office_id_desc ON {app} (office_id, id DESC)",
    "CREATE INDEX IF NOT EXISTS app_applicant_id_desc ON {app} (applicant_id, id DESC)",
    # search: names by substring (>= 3 characters) and by prefix (shorter)
    "CREATE INDEX IF NOT EXISTS profile_name_trgm ON {profile} USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS profile_name_prefix ON {profile} (name varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS app_number_upper ON {app} (upper(number))",
]
DROP = [
    "app_unit_status_sub", "app_office_status_sub", "app_status_sub", "app_unit_id_desc", "app_office_id_desc",
    "app_applicant_id_desc", "profile_name_trgm", "profile_name_prefix", "app_number_upper",
]  # fmt: skip


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    tables = {
        "app": apps.get_model("applications", "Application")._meta.db_table,
        "profile": apps.get_model("applications", "ApplicantProfile")._meta.db_table,
    }
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for sql in INDEXES:
        schema_editor.execute(sql.format(**tables))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in DROP:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("applications", "0006_case_counters")]
    operations = [migrations.RunPython(forwards, backwards)]
