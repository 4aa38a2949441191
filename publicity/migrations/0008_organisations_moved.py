# State only (issue 12 item 5): these foreign keys now name `organisations.*`; the tables they point to, and the
# constraints in the database, are the same as before.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_initial"),
        ("publicity", "0007_delete_filingdeadline"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="publicity",
                    name="office",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="publicities",
                        to="organisations.committeeoffice",
                        verbose_name="评委会办事机构",
                    ),
                ),
                migrations.AlterField(
                    model_name="publicity",
                    name="unit",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="publicities",
                        to="organisations.unit",
                        verbose_name="公示单位",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
