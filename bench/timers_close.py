"""Benchmark (not a test): 50,000 cases whose unit publicity ends at the same moment, closed by the timer sweep.

    .venv/bin/python bench/timers_close.py [--cases 50000] [--baseline 1000]

Uses PostgreSQL from DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench_timers; the database is created
if missing, migrated, and emptied at each run). One case is brought into its publicity through the services and
cloned; then one `timers_sweep` runs, and the script prints how long it took until every case had moved with its
audit event, and the rate per second. `--baseline N` also times N cases through the per-case service.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_timers"


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--baseline", type=int, default=300, help="cases through the per-case service (0: skip)")
    parser.add_argument("--repeat", type=int, default=1, help="measure the close this many times (fresh data)")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        sys.exit("此基准只在 PostgreSQL 上运行：请设置 DATABASE_URL=postgres://…")
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhicheng.settings.test"
    os.environ.setdefault("CELERY_BROKER_URL", "memory://")

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    import time_machine
    from django.db import connection
    from django.utils import timezone

    from applications import counters
    from applications.models import Application, ApplicationEvent
    from operations.sweep import timers_sweep
    from publicity import services as pub
    from publicity.models import Publicity, PublicityEntry
    from tests.conftest import shanghai
    from tests.factories import World, submit
    from zhicheng.models import Notification

    def publicity_of(n: int, world: World) -> Publicity:
        """One case through the services, cloned to n cases in the same publicity, ending a second ago."""
        with time_machine.travel(shanghai(2024, 4, 10, 9), tick=False):
            template = submit(world.draft())
            p = pub.publicity_start(kind=Publicity.Kind.UNIT, applications=[template], actor=world.unit_reviewer)
        template.refresh_from_db()
        fields = {
            f.attname: getattr(template, f.attname)
            for f in Application._meta.concrete_fields
            if f.name not in ("id", "number", "created_at", "updated_at")
        }
        clones = Application.objects.bulk_create(
            (Application(**fields, number=f"B{p.pk:03d}{i:07d}") for i in range(n - 1)), batch_size=5000
        )
        PublicityEntry.objects.bulk_create(
            (PublicityEntry(publicity=p, application=a) for a in clones), batch_size=5000
        )
        ends = timezone.now()
        Publicity.objects.filter(pk=p.pk).update(ends_at=ends)
        Application.objects.filter(publicity_entries__publicity=p).update(held_until=ends)
        counters.rebuild()  # the clones skipped the services: count them as they stand (issue 17)
        return p

    def audited(p: Publicity) -> int:
        return ApplicationEvent.objects.filter(
            application__publicity_entries__publicity=p, action="unit_publicity_end", actor__isnull=True
        ).count()

    def fresh_world() -> World:
        call_command("flush", interactive=False, verbosity=0)
        call_command("load_reference_data", stdout=io.StringIO())
        return World()

    pg = connection.cursor().connection.info.server_version
    py = f"{platform.python_implementation()} {platform.python_version()}"
    print(f"机器：{platform.node()}，{os.cpu_count()} 核，{py}，PostgreSQL {pg // 10000}.{pg % 10000}")
    rates = []
    for run in range(1, args.repeat + 1):
        world = fresh_world()
        t0 = time.perf_counter()
        big = publicity_of(args.cases, world)
        setup = time.perf_counter() - t0
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")  # settled tables, as in a running system (not timed)
        notes_before = Notification.objects.count()

        t0 = time.perf_counter()
        counts = timers_sweep()
        elapsed = time.perf_counter() - t0

        moved = Application.objects.filter(publicity_entries__publicity=big, status="dept_recheck").count()
        events = audited(big)
        notes = Notification.objects.count() - notes_before
        big.refresh_from_db()
        assert moved == events == args.cases == counts["moved"], (moved, events, counts)
        assert big.closed_at is not None
        drift = counters.drift()
        assert drift == [], drift[:5]  # the close moved the counters in its own statements
        rates.append(args.cases / elapsed)
        print(f"第 {run} 次：准备 {args.cases} 件公示案件 {setup:.1f} 秒（不计入）")
        print(f"  集合式办结（timers_sweep）：{moved} 件转入主管部门复核，{events} 条办理记录，{notes} 条站内通知")
        print(f"  用时 {elapsed:.2f} 秒，{rates[-1]:,.0f} 件/秒（含审计记录与案件计数；计数与重新统计一致）")
    if len(rates) > 1:
        print(f"中位数 {statistics.median(rates):,.0f} 件/秒，最好 {max(rates):,.0f} 件/秒")
    if args.baseline:
        small = publicity_of(args.baseline, world)
        t0 = time.perf_counter()
        pub.publicity_close(publicity=small, set_based=False)
        per_case = time.perf_counter() - t0
        assert audited(small) == args.baseline
        print(f"对照：逐件服务 {args.baseline} 件，用时 {per_case:.2f} 秒，{args.baseline / per_case:,.0f} 件/秒")


if __name__ == "__main__":
    main()
