from django.apps import AppConfig


class ZhichengConfig(AppConfig):
    name = "zhicheng"
    verbose_name = "系统基础"

    def ready(self):
        from django.db.backends.signals import connection_created

        from .db import loaders, lookups  # noqa: F401  (lookups registers `__any_of`)

        connection_created.connect(loaders.use_c_timestamptz, dispatch_uid="zhicheng-c-timestamptz")
