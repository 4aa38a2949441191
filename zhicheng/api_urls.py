"""REST API routes under /api/ (issue: REST API): /api/v1/…, the OpenAPI schema and the offline Swagger UI.

The application resource is the most derived class: the publicity app adds the acts it owns (unit-approve,
committee-approve) to the applications one, so one URL carries every act on a case.
"""

import functools

from django.conf import settings
from django.http import JsonResponse
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from applications import apis as app_apis
from applications import people_apis as people
from operations import apis as calendar_apis
from publicity import apis as pub_apis
from review import apis as review_apis
from zhicheng.api import NotFoundView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("applications", pub_apis.ApplicationViewSet, basename="application")
router.register("materials", app_apis.MaterialViewSet, basename="material")
router.register("notifications", app_apis.NotificationViewSet, basename="notification")
router.register("calendar/overrides", calendar_apis.CalendarOverrideViewSet, basename="calendar-override")
for prefix, viewset in [
    ("reference/regions", app_apis.RegionViewSet),
    ("reference/levels", app_apis.LevelViewSet),
    ("reference/series", app_apis.SeriesViewSet),
    ("reference/specialties", app_apis.SpecialtyViewSet),
    ("reference/subspecialties", app_apis.SubspecialtyViewSet),
    ("reference/departments", app_apis.DepartmentViewSet),
    ("reference/units", app_apis.UnitViewSet),
    ("reference/offices", app_apis.OfficeViewSet),
    ("reference/committees", app_apis.CommitteeViewSet),
    ("reference/review-cycles", app_apis.ReviewCycleViewSet),
    ("reference/initial-cycles", app_apis.InitialCycleViewSet),
]:
    router.register(prefix, viewset, basename=prefix.replace("/", "-"))
for prefix, viewset, basename in pub_apis.ROUTES + review_apis.ROUTES:
    router.register(prefix, viewset, basename=basename)

v1 = [
    path("auth/token/", app_apis.TokenView.as_view(), name="api-token"),
    path("me/", app_apis.MeView.as_view(), name="api-me"),
    path("precheck/", app_apis.PrecheckView.as_view(), name="api-precheck"),
    path("calendar/days/", calendar_apis.CalendarView.as_view(), name="api-calendar-days"),
    # people and organisations (issue 13)
    path("auth/register/", people.RegisterView.as_view(), name="api-register"),
    path("auth/register-unit/", people.UnitRegisterView.as_view(), name="api-register-unit"),
    path("public/windows/", people.PublicWindowsView.as_view(), name="api-public-windows"),
    path("public/import-templates/<slug:which>/", people.ImportTemplateView.as_view(), name="api-import-template"),
    path("me/profile/", people.ProfileView.as_view(), name="api-profile"),
    *[
        p
        for kind in people.ENTRY_SERIALIZERS
        for p in (
            path(f"me/profile/{kind}/", people.ProfileEntriesView.as_view(), {"kind": kind}),
            path(f"me/profile/{kind}/<int:id>/", people.ProfileEntryView.as_view(), {"kind": kind}),
            path(f"profiles/<int:id>/{kind}/", people.ProfileEntriesView.as_view(), {"kind": kind}),
        )
    ],
    path("profiles/<int:id>/", people.ProfileView.as_view(), name="api-staff-profile"),
    path("units/", people.UnitsView.as_view(), name="api-units"),
    path("units/import/", people.UnitsImportView.as_view(), name="api-units-import"),
    path("units/<int:id>/confirm/", people.UnitConfirmView.as_view(), name="api-unit-confirm"),
    path("units/<int:id>/roles/", people.UnitRolesView.as_view(), name="api-unit-roles"),
    path("units/<int:id>/staff/", people.UnitStaffView.as_view(), name="api-unit-staff"),
    path("units/<int:id>/staff/import/", people.UnitStaffImportView.as_view(), name="api-unit-staff-import"),
    path("units/<int:id>/drafts/", people.UnitDraftsView.as_view(), name="api-unit-drafts"),
    path("windows/", people.WindowsView.as_view(), name="api-windows"),
    path("integrity-records/", people.IntegrityRecordsView.as_view(), name="api-integrity-records"),
    path("applications/<int:id>/fraud-veto/", people.FraudVetoView.as_view(), name="api-fraud-veto"),
    *pub_apis.PATHS,
    path("", include(router.urls)),
]


def docs_sign_in(view):
    """Production (ZHICHENG["API_DOCS_REQUIRE_LOGIN"]): the schema and Swagger UI only for a signed-in user."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if settings.ZHICHENG.get("API_DOCS_REQUIRE_LOGIN") and not request.user.is_authenticated:
            body = {"code": "not_authenticated", "message": "API 文档需登录后查看", "source": "", "fields": {}}
            return JsonResponse(body, status=401, json_dumps_params={"ensure_ascii": False})
        return view(request, *args, **kwargs)

    return wrapped


urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", docs_sign_in(SpectacularAPIView.as_view()), name="api-schema"),
    # The split form serves its start-up script as a file: the pages' CSP allows no inline script.
    path("docs/", docs_sign_in(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    re_path(r"^.*/$", NotFoundView.as_view()),  # the error shape for any other path (after APPEND_SLASH)
]
