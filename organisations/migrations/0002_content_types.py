# The moved models keep their content types (and so their permissions and admin history): relabel the rows that
# `applications` created. On a fresh database there are none yet; post_migrate creates them under this label.

from django.db import migrations

MODELS = ["region", "department", "unit", "committeeoffice", "rolemembership", "orgevent"]


def _relabel(apps, schema_editor, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if ContentType.objects.using(db).filter(app_label=new, model=model).exists():
            continue  # already created under the new label (e.g. migrate ran with the app before this migration)
        ContentType.objects.using(db).filter(app_label=old, model=model).update(app_label=new)


def forwards(apps, schema_editor):
    _relabel(apps, schema_editor, "applications", "organisations")


def backwards(apps, schema_editor):
    _relabel(apps, schema_editor, "organisations", "applications")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("organisations", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
