import datetime as dt
import json
from pathlib import Path

import yaml
from django.core.management.base import BaseCommand, CommandError

from operations import calendar
from zhicheng import workdays
from zhicheng.errors import DomainError


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期“{value}”格式错误，应为 YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "工作日历：is 日期 | add 日期 N | between 日期 日期 | import 文件"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("is", help="某日是否工作日")
        p.add_argument("date")
        p = sub.add_parser("add", help="自某日次日起算第 N 个工作日")
        p.add_argument("date")
        p.add_argument("n", type=int)
        p = sub.add_parser("between", help="两日之间（不含起日、含止日）的工作日数")
        p.add_argument("start")
        p.add_argument("end")
        p = sub.add_parser("import", help="导入某年的放假安排（YAML 或 JSON）")
        p.add_argument("file")

    def handle(self, *args, action, **opts):
        if action == "is":
            info = workdays.day_info(_date(opts["date"]))
            self.stdout.write(info.label)
        elif action == "add":
            if opts["n"] < 1:
                raise CommandError("N 必须为正整数")
            end = workdays.add_workdays(_date(opts["date"]), opts["n"])
            self.stdout.write(f"{end.last_day.isoformat()}{' 暂定' if end.provisional else ''}")
        elif action == "between":
            count, provisional = workdays.workdays_between(_date(opts["start"]), _date(opts["end"]))
            self.stdout.write(f"{count}{' 暂定' if provisional else ''}")
        else:
            path = Path(opts["file"])
            if not path.exists():
                raise CommandError(f"文件不存在：{path}")
            text = path.read_text(encoding="utf-8")
            try:
                data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
            except (ValueError, yaml.YAMLError) as exc:
                raise CommandError(f"文件无法解析：{exc}") from None
            if not isinstance(data, dict):
                raise CommandError("文件内容应为一个对象（含 year、source、holidays、workdays）")
            try:
                year, count = calendar.calendar_year_import(actor=None, data=data)
            except DomainError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"已导入 {year.year} 年放假安排（{year.source}）：{count} 天")
