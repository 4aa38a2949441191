from django.core.management.base import BaseCommand

from applications.demo import DEMO_PASSWORD, accounts, applicant_accounts, summary
from operations.demo import demo_load
from zhicheng.roles import Role


class Command(BaseCommand):
    help = "创建演示单位、每个角色一个演示账号和若干处于不同环节的演示申报；可重复执行"

    def add_arguments(self, parser):
        parser.add_argument("--accounts", action="store_true", help="只打印演示账号")

    def handle(self, *args, accounts_only=False, **options):
        if not options.get("accounts"):
            result = demo_load(stdout=self.stdout)
            self.stdout.write(summary(result))
            return
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for acc in accounts():
            admin = "，可登录后台 /admin/" if acc.role == Role.SUPERVISOR else ""  # is_staff says it, not the name
            self.stdout.write(f"  {acc.role.label:<16} {acc.username:<12} {acc.name}（{acc.scope}{admin}）")
        rows = applicant_accounts()
        if rows:
            self.stdout.write("演示申报人（同一密码；也可用证件号码或手机号登录）：")
            for username, name, phone, cases in rows:
                self.stdout.write(f"  {username:<10} {name:<4} 手机 {phone}  {cases}")
        self.stdout.write("新用户可在 /register/ 注册申报人、在 /units/register/ 注册单位。")
