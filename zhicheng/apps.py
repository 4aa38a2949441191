from django.apps import AppConfig


class ZhichengConfig(AppConfig):
    name = "zhicheng"
    verbose_name = "系统基础"

    def ready(self):
        from .db import lookups  # noqa: F401  (registers `__any_of`)
