from django.core.management.base import BaseCommand
from django.db.models import Count

from applications.models import ApplicationWindow, Committee, Series, Specialty, Subspecialty
from applications.reference_data import load_reference_data


class Command(BaseCommand):
    help = "载入两份通知中的参考数据（地区、级别、专业目录、申报计划安排表、年度）；可重复执行"

    def handle(self, *args, **options):
        report = load_reference_data()
        parts = "，".join(f"{k} {v}" for k, v in report.loaded.items())
        self.stdout.write(f"已读取：{parts}")
        rows = Committee.objects.values("cycle", "row").distinct().count()
        by_notice = Committee.objects.filter(by_notice=True).count()
        self.stdout.write(
            "库中现有：系列 {}（其中综合工程 {}），大专业 {}，小专业 {}，申报计划安排表 {} 行 / {} 条受理安排"
            "（依据文件时间申报 {} 条），网络申报时间窗口 {} 个".format(
                Series.objects.count(),
                Series.objects.filter(comprehensive_engineering=True).count(),
                Specialty.objects.count(),
                Subspecialty.objects.count(),
                rows,
                Committee.objects.count(),
                by_notice,
                ApplicationWindow.objects.aggregate(n=Count("pk"))["n"],
            )
        )
        created = "，".join(f"{k} {v}" for k, v in report.created.items()) or "无"
        updated = "，".join(f"{k} {v}" for k, v in report.updated.items()) or "无"
        self.stdout.write(f"本次新增：{created}；本次更新：{updated}；共变更 {report.changes} 项")
