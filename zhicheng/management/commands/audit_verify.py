"""`manage.py audit_verify`: recompute every audit chain (zhicheng/audit.py) and report the first broken link."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from zhicheng import audit


class Command(BaseCommand):
    help = "核对审计记录的哈希链，报告第一处断链"

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("审计哈希链由 PostgreSQL 触发器维护，只能在 PostgreSQL 上核对")
        broken = 0
        for chain in audit.REGISTRY.values():
            checked, link = audit.verify_chain(chain)
            label = chain.label or chain.table
            if link is None:
                self.stdout.write(f"{label}：{checked} 条记录，哈希链完整")
            else:
                broken += 1
                self.stdout.write(f"{label}：第一处断链 —— {link}（已核对 {checked} 条）")
        if broken:
            raise CommandError(f"{broken} 条审计链断裂")
