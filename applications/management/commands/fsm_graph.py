from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from applications.graph import mermaid, replace_in


class Command(BaseCommand):
    help = "由代码生成申报状态机图（Mermaid）；--write 写入 README.md"

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true")

    def handle(self, *args, write=False, **options):
        if not write:
            self.stdout.write(mermaid())
            return
        readme = Path(settings.BASE_DIR) / "README.md"
        readme.write_text(replace_in(readme.read_text(encoding="utf-8")), encoding="utf-8")
        self.stdout.write("已更新 README.md 中的状态机图")
