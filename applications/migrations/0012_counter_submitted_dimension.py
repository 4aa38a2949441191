"""The counters' submitted-month × region dimension (issue 17: the dashboard's 12-month trend reads it instead of
grouping the cases), filled here from the cases once; the kernel and the set-based close keep it from then on."""

from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

REGION_SPAN = 1_000_000  # applications.counters.REGION_SPAN


def fill(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    CaseCounter = apps.get_model("applications", "CaseCounter")
    CaseCounter.objects.filter(dimension="submitted").delete()
    rows = (
        Application.objects.filter(submitted_at__isnull=False)
        .annotate(m=TruncMonth("submitted_at"))
        .values_list("m", "unit__region_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    out: dict = {}
    for month, region, status, n in rows:
        month = timezone.localtime(month) if timezone.is_aware(month) else month
        key = (month.year * 100 + month.month) * REGION_SPAN + (region or 0)
        out[(key, status)] = out.get((key, status), 0) + n
    CaseCounter.objects.bulk_create(
        [CaseCounter(dimension="submitted", key=k, status=s, n=n) for (k, s), n in out.items()], batch_size=5000
    )


def unfill(apps, schema_editor):
    apps.get_model("applications", "CaseCounter").objects.filter(dimension="submitted").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0011_organisations_moved"),
    ]

    operations = [
        migrations.AlterField(
            model_name="casecounter",
            name="dimension",
            field=models.CharField(
                choices=[
                    ("all", "全部"),
                    ("unit", "单位"),
                    ("department", "主管部门"),
                    ("region", "地区"),
                    ("office", "受理机构"),
                    ("committee", "评委会"),
                    ("series", "系列"),
                    ("month", "创建月份"),
                    ("submitted", "提交月份与地区"),
                ],
                max_length=12,
                verbose_name="维度",
            ),
        ),
        migrations.AlterField(
            model_name="casecounter",
            name="key",
            field=models.BigIntegerField(
                help_text="所属对象的编号（无则为 0），月份为 YYYYMM，提交月份与地区为 YYYYMM × 1000000 + 地区编号",
                verbose_name="维度取值",
            ),
        ),
        migrations.RunPython(fill, unfill),
    ]
