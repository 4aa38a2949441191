"""`manage.py db_grants --app-role zhicheng_app`: run as the owner role after `migrate` (README「生产部署」)."""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from zhicheng import audit


class Command(BaseCommand):
    help = "（以属主角色运行）授予应用角色所需权限：审计表只可插入和查询"

    def add_arguments(self, parser):
        parser.add_argument("--app-role", required=True, help="应用连接数据库所用的角色（不拥有任何对象）")
        parser.add_argument("--print", action="store_true", help="只打印 SQL，不执行")

    def handle(self, *args, app_role, **options):
        sql = audit.app_role_grants_sql(app_role, database=connection.settings_dict["NAME"])
        if options["print"]:
            self.stdout.write(";\n".join(sql) + ";")
            return
        with transaction.atomic(), connection.cursor() as cur:
            for statement in sql:
                cur.execute(statement)
        self.stdout.write(f"已授予角色 {app_role}：普通表增删改查，审计表（{len(audit.REGISTRY)} 张）只可插入和查询")
