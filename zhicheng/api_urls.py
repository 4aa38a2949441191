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
from publicity import apis as pub_apis
from review import apis as review_apis
from zhicheng.api import NotFoundView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("applications", pub_apis.ApplicationViewSet, basename="application")
router.register("materials", app_apis.MaterialViewSet, basename="material")
router.register("notifications", app_apis.NotificationViewSet, basename="notification")
router.register("calendar/overrides", app_apis.CalendarOverrideViewSet, basename="calendar-override")
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
    path("calendar/days/", app_apis.CalendarView.as_view(), name="api-calendar-days"),
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
