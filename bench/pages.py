"""Every inbox (API and page), the searches, the dashboard and the public pages, timed in-process (issue 17).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench1m .venv/bin/python bench/pages.py [--requests 200]

Run it on a set built by bench/scale_data.py. Each role logs in through the login page (the bench users, see
scale_data.py). For every request it prints: the queries per request (and how many are COUNT), p50/p95 over
`--requests` timed requests after a warm-up, the raw SQL of that request re-run with EXPLAIN ANALYZE (planning +
execution, summed over its queries) and the ratio, and for each inbox the Django admin changelist of the same list
(a plain ModelAdmin with the same scope, states and order; its search over the applicant's name) timed the same way.
Then the bench moves a few cases through the services and checks the counters against a recount (no drift).
Figures go to stdout as a Markdown table and to var/bench/pages-<cases>.json.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhicheng.settings.test")
os.environ.setdefault("ZHICHENG_PUBLIC_API_RATE", "1000000/min")  # the bench is one client; do not throttle it

PASSWORD = "bench-pass-17"


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def timed(fn, n: int, warm: int = 5) -> list[float]:
    for _ in range(warm):
        fn()
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def explain_ms(sqls: list[str]) -> float:
    """Planning + execution of each captured statement, re-run with EXPLAIN ANALYZE (second run: warm cache)."""
    from django.db import connection

    total = 0.0
    for sql in sqls:
        head = sql.lstrip().lstrip("(").split(None, 1)[0].upper()
        if head not in ("SELECT", "WITH"):
            continue
        best = None
        for _ in range(3):
            with connection.cursor() as cur:
                cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
                plan = cur.fetchone()[0]
                plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
                ms = plan.get("Planning Time", 0) + plan.get("Execution Time", 0)
                best = ms if best is None else min(best, ms)
        total += best
    return total


def capture(fn):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    sqls = [q["sql"] for q in ctx.captured_queries]
    return response, sqls


def main(argv=None) -> int:  # noqa: C901 — a script, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--only", default="", help="run only rows whose label contains this")
    parser.add_argument("--no-admin", action="store_true")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.conf import settings
    from django.contrib import admin
    from django.db import connection
    from django.db.models import Q
    from django.test import Client, RequestFactory

    from applications import counters, selectors, workflow
    from applications.models import ApplicantProfile, Application
    from organisations.models import RoleMembership
    from review.forms import PER_PAGE_CHOICES
    from review.views import INBOX_PAGE
    from zhicheng.models import User
    from zhicheng.roles import Role

    settings.ALLOWED_HOSTS = ["*"]
    n_cases = Application.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with connection.cursor() as cur:
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database())), count(*) FROM "
                    "applications_application")  # fmt: skip
        size, n_cases = cur.fetchone()
    print(f"# bench/pages.py on {connection.settings_dict['NAME']}: {n_cases} cases, {size}; "
          f"load {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}", flush=True)  # fmt: skip

    roles = {
        "unit reviewer": ("bench_unit", Role.UNIT_REVIEWER),
        "dept reviewer": ("bench_dept", Role.DEPT_REVIEWER),
        "committee clerk": ("bench_clerk", Role.COMMITTEE_CLERK),
        "association clerk": ("bench_assoc", Role.ASSOCIATION_CLERK),
        "supervisor": ("bench_supervisor", Role.SUPERVISOR),
    }

    # A name that exists in each scope (3 characters: the trigram path) and a 2-character prefix.
    def a_name(user, length=3):
        q = selectors.application_visibility_q(user)
        qs = Application.objects.exclude(status="draft").order_by("-id")
        if q is not None:
            qs = qs.filter(q)
        pid = qs.values_list("applicant_id", flat=True).first()
        names = ApplicantProfile.objects.filter(pk=pid).values_list("name", flat=True)
        name = names.first() or "王"
        return name if length >= len(name) else name[:length]

    # The Django admin changelist of the same list (peer): scope, default states, default order, 100 per page.
    class BenchAdmin(admin.ModelAdmin):
        list_display = ("number", "applicant", "unit", "series", "level", "status", "submitted_at")
        list_select_related = ("applicant", "unit", "series", "level")
        search_fields = ("applicant__name",)
        ordering = ("-submitted_at", "-id")
        list_per_page = INBOX_PAGE  # the same rows per page as the inbox it is compared with
        bench_user = None

        def get_queryset(self, request):
            qs = super().get_queryset(request).exclude(status="draft")
            q = selectors.application_visibility_q(self.bench_user)
            qs = qs if q is None else qs.filter(q)
            roles = {m.role for m in RoleMembership.objects.filter(user=self.bench_user)}
            states = workflow.inbox_states(roles - {Role.APPLICANT})
            return qs.filter(status__in=states) if states and not request.GET.get("q") else qs

    if admin.site.is_registered(Application):
        admin.site.unregister(Application)
    admin.site.register(Application, BenchAdmin)  # before the first request builds the admin's URLs
    model_admin = admin.site._registry[Application]
    superuser = User.objects.filter(username="bench_admin").first() or User.objects.create_superuser(
        "bench_admin", password=PASSWORD
    )
    factory = RequestFactory()
    clients = {}
    for label, (username, _) in roles.items():
        c = Client()
        r = c.post("/login/", {"username": username, "password": PASSWORD})
        if r.status_code != 302:
            raise SystemExit(f"{username} 登录失败：HTTP {r.status_code}")
        clients[label] = c
    public = Client()

    def admin_view(user, params):
        def call():
            model_admin.bench_user = user
            request = factory.get("/admin/applications/application/", params)
            request.user = superuser
            response = model_admin.changelist_view(request)
            response.render()
            return response

        return call

    results = []

    def measure(label, fn, *, peer=None, expect=200):
        if args.only and args.only not in label:
            return
        fn()  # the process's first use loads the reference rows: not what a request costs
        response, sqls = capture(fn)
        status = getattr(response, "status_code", 200)
        if status != expect:
            raise SystemExit(f"{label}: HTTP {status}")
        times = timed(fn, args.requests)
        raw = explain_ms(sqls)
        row = {
            "label": label,
            "queries": len(sqls),
            "counts": sum(1 for s in sqls if "COUNT(" in s.upper()),
            "case_counts": sum(1 for s in sqls if "COUNT(" in s.upper() and 'FROM "applications_application"' in s),
            "p50": statistics.median(times),
            "p95": pct(times, 95),
            "raw_sql_ms": raw,
            "ratio_raw": pct(times, 95) / raw if raw else None,
        }
        if peer is not None and not args.no_admin:
            _, peer_sqls = capture(peer)
            peer_times = timed(peer, max(20, args.requests // 10), warm=2)
            row["admin_p50"] = statistics.median(peer_times)
            row["admin_p95"] = pct(peer_times, 95)
            row["admin_queries"] = len(peer_sqls)
            row["admin_speedup"] = row["admin_p50"] / row["p50"]
        results.append(row)
        print(_line(row), flush=True)

    print("| request | queries (COUNT) | p50 ms | p95 ms | raw SQL ms | p95 / raw | admin p50 ms | admin ÷ ours |")
    print("|---|---|---|---|---|---|---|---|")
    for label, client in clients.items():
        user = User.objects.get(username=roles[label][0])
        name3, name2 = a_name(user, 3), a_name(user, 2)
        measure(f"{label}: API inbox", lambda c=client: c.get("/api/v1/applications/"))
        measure(f"{label}: API search name ({name3})", lambda c=client, n=name3: c.get("/api/v1/applications/",
                                                                                         {"q": n}))  # fmt: skip
        measure(f"{label}: inbox page", lambda c=client: c.get("/inbox/"), peer=admin_view(user, {}))
        measure(f"{label}: inbox page, search ({name3})", lambda c=client, n=name3: c.get("/inbox/", {"q": n}),
                peer=admin_view(user, {"q": name3}))  # fmt: skip
        measure(f"{label}: inbox page, search ({name2})", lambda c=client, n=name2: c.get("/inbox/", {"q": n}))
        if label == "committee clerk":  # the busiest default page, at the most rows a reviewer may choose
            measure(f"{label}: inbox page, {PER_PAGE_CHOICES[-1]} per page",
                    lambda c=client: c.get("/inbox/", {"per_page": PER_PAGE_CHOICES[-1]}))  # fmt: skip
        found = re.search(r'href="\?([^"]+)" rel="next"', client.get("/inbox/", {"scope": "all"}).content.decode())
        cursor = html.unescape(found.group(1)) if found else ""
        if cursor:
            measure(f"{label}: inbox page 2 (all visible, cursor)", lambda c=client, q=cursor: c.get(f"/inbox/?{q}"))
        number = (
            Application.objects.filter(selectors.application_visibility_q(user) or Q(), number__isnull=False)
            .values_list("number", flat=True)
            .first()
        )
        if number:
            measure(f"{label}: inbox page, case number", lambda c=client, q=number: c.get("/inbox/", {"q": q}))
    # The framework's floor: the same signed-in client on a path no view answers (all middleware, the sign-in
    # statement, the Chinese 404 in the API's JSON shape or as a page). No list page can cost less than this.
    unit = clients["unit reviewer"]
    measure("floor: the smallest signed-in API answer (/api/v1/me/)", lambda: unit.get("/api/v1/me/"))
    measure("floor: signed-in page request, no view work (404)", lambda: unit.get("/bench-floor/"), expect=404)
    measure("supervisor: dashboard", lambda: clients["supervisor"].get("/dashboard/"))
    measure("public: /gongshi/", lambda: public.get("/gongshi/"))
    measure("public: /gongshi/ page 2", lambda: public.get("/gongshi/", {"page": 2}))
    measure("public: API current publicity list", lambda: public.get("/api/v1/public/publicities/"))

    # The bench's own moves, then the reconciliation: counters must equal a recount.
    from applications import services

    dept = User.objects.get(username="bench_dept")
    moved = 0
    scope = selectors.application_visibility_q(dept)
    for app in Application.objects.filter(scope, status="dept_recheck").order_by("id")[:20]:
        services.application_dept_approve(application=app, actor=dept)
        moved += 1
    t = time.perf_counter()
    drift = counters.drift()
    print(f"\nbench moves: {moved} dept approvals; reconciliation: {len(drift)} drifting counters "
          f"({(time.perf_counter() - t):.1f} s to recount)", flush=True)  # fmt: skip
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"pages-{n_cases}.json"
    path.write_text(json.dumps({"cases": n_cases, "size": size, "load": os.getloadavg(), "rows": results,
                                "moved": moved, "drift": drift}, ensure_ascii=False, indent=1))  # fmt: skip
    print(f"written {path}")
    return 1 if drift else 0


def _line(r: dict) -> str:
    admin = f"{r['admin_p50']:.1f} | {r['admin_speedup']:.1f}×" if "admin_p50" in r else "— | —"
    ratio = f"{r['ratio_raw']:.1f}×" if r["ratio_raw"] else "—"
    return (f"| {r['label']} | {r['queries']} ({r['counts']}) | {r['p50']:.1f} | {r['p95']:.1f} | "
            f"{r['raw_sql_ms']:.1f} | {ratio} | {admin} |")  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
