# State only (issue 12 item 5): these foreign keys now name `organisations.*`; the tables they point to, and the
# constraints in the database, are the same as before.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_initial"),
        ("review", "0005_filingdeadline"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="expert",
                    name="unit",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="与申报人同单位的专家自动回避",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.unit",
                        verbose_name="工作单位",
                    ),
                ),
                migrations.AlterField(
                    model_name="expertconflict",
                    name="unit",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="organisations.unit",
                        verbose_name="回避的单位",
                    ),
                ),
                migrations.AlterField(
                    model_name="expertpool",
                    name="office",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="expert_pools",
                        to="organisations.committeeoffice",
                        verbose_name="办事机构",
                    ),
                ),
                migrations.AlterField(
                    model_name="meeting",
                    name="office",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="meetings",
                        to="organisations.committeeoffice",
                        verbose_name="办事机构",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
