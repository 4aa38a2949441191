"""REST API of the case (issue: REST API), under /api/v1/. It adds no rule of its own: every list starts from the
selector that narrows to what the user may see, every change calls a service and lets its DomainError answer
(400/403/404/409 in the one error shape of zhicheng/api.py). `status` is never writable.

The publicity and review apps extend the application resource with the acts they own (unit-approve,
committee-approve …): see publicity/apis.py; zhicheng/api_urls.py registers the most derived class.
"""

from __future__ import annotations

import datetime as dt

from django.http import FileResponse
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from organisations.models import CommitteeOffice, Department, Region, Unit
from zhicheng import throttle, workdays
from zhicheng.api import VisibleFirst
from zhicheng.authentication import token_expired
from zhicheng.errors import DomainError, NotFound, PermissionDenied
from zhicheng.models import Notification
from zhicheng.views import ip_lockout_response

from . import eligibility, selectors, services
from . import permissions as perms
from . import serializers as s
from .filters import ApplicationFilter, MaterialFilter, NotificationFilter
from .materials import can_download, material_delete, material_upload, missing_materials
from .models import (
    ApplicantProfile,
    Application,
    Committee,
    InitialCycle,
    Level,
    Material,
    ReviewCycle,
    Route,
    Series,
    Specialty,
    Subspecialty,
)

FILTERS = [DjangoFilterBackend, OrderingFilter]


def today() -> dt.date:
    return workdays.local_date(timezone.now())


def parsed(serializer_class, request) -> dict:
    ser = serializer_class(data=request.data)
    ser.is_valid(raise_exception=True)
    return ser.validated_data


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


# ---------------------------------------------------------------- the case


def visible_applications(user):
    """The selector's scope, with what the API shapes read (flat query count per page)."""
    return selectors.application_list(user=user)


def act_schema(request=None, summary: str = "", description: str = ""):
    return extend_schema(
        request=request, responses={200: s.ApplicationSerializer}, summary=summary, description=description
    )


@extend_schema_view(
    list=extend_schema(summary="申报列表（仅限可见范围）"),
    retrieve=extend_schema(summary="申报详情"),
    create=extend_schema(
        request=s.ApplicationCreateSerializer,
        responses={201: s.ApplicationSerializer},
        summary="新建申报草稿（申报人）",
    ),
)
class ApplicationViewSet(VisibleFirst, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Applications: each transition is a POST action named after the act."""

    serializer_class = s.ApplicationSerializer
    filter_backends = FILTERS
    filterset_class = ApplicationFilter
    ordering_fields = ["id", "created_at", "updated_at"]
    ordering = ["-id"]
    lookup_value_regex = r"\d+"
    queryset = Application.objects.none()  # the schema's model; requests use get_queryset

    def get_queryset(self):
        return visible_applications(self.request.user)

    def filter_queryset(self, queryset):
        # A list with none of the filters' parameters (the inbox as it opens, its next pages) gets only the default
        # order: building the FilterSet is a fifth of such a request's time (issue 17). Any known parameter, valid
        # or not, goes through the filters as before (an invalid value is still a 400).
        params = self.request.query_params
        if self.action == "list" and not any(k in ApplicationFilter.base_filters or k == "ordering" for k in params):
            return queryset.order_by(*self.ordering)
        return super().filter_queryset(queryset)

    def get_serializer_class(self):
        # one case (retrieve, or the answer to an act) carries the acts the user may do on it now
        return s.ApplicationSerializer if self.action == "list" else s.ApplicationDetailSerializer

    def list(self, request, *args, **kwargs):
        # ApplicationSerializer's rows built from values() (issue 17): same filters, order, cursor and shape
        kind = s.ApplicationRows
        rows = selectors.application_rows(user=request.user, columns=kind.COLUMNS, texts=kind.TEXT_DATES)
        rows = self.filter_queryset(rows)
        page = self.paginate_queryset(rows)
        shape = s.ApplicationRows(request)
        return self.get_paginated_response([shape.row(r) for r in page])

    def _answer(self, app: Application, code: int = 200) -> Response:
        fresh = self.get_queryset().filter(pk=app.pk).first()
        if fresh is None:  # the act took the case out of the actor's sight (e.g. back to draft)
            fresh = visible_applications(app.applicant.user).get(pk=app.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def _act(self, service, **kwargs) -> Response:
        app = self.get_object()
        service(application=app, actor=self.request.user, **kwargs)
        return self._answer(app)

    def create(self, request, *args, **kwargs):
        data = parsed(s.ApplicationCreateSerializer, request)
        year = data.pop("cycle", None)
        route = data.pop("route")
        if year:
            model = ReviewCycle if route == Route.REVIEW else InitialCycle
            cycle = model.objects.filter(year=year).first()
        else:
            cycle = selectors.cycle_current(route, today())
            year = cycle.year if cycle else today().year
        cycles = {"review_cycle" if route == Route.REVIEW else "initial_cycle": cycle}
        if not any(cycles.values()):
            raise DomainError("no_cycle", f"{year}年度尚未开放{Route(route).label}", fields={"cycle": ["年度不存在"]})
        app = services.application_create(actor=request.user, route=route, **cycles, **data)
        return self._answer(app, status.HTTP_201_CREATED)

    # ---- the applicant

    @act_schema(s.SubmitSerializer, "签署告知承诺并提交（申报人）")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        data = parsed(s.SubmitSerializer, request)
        return self._act(services.application_submit, pledge_accepted=data["pledge_accepted"], ip=client_ip(request))

    @act_schema(s.ResubmitSerializer, "补正后重新提交（申报人；每项补正事项须上传该类新材料或填写说明）")
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        return self._act(services.application_resubmit, answers=parsed(s.ResubmitSerializer, request)["answers"])

    @act_schema(s.ReasonSerializer, "撤回申报（申报人，评委会受理前）")
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._act(services.application_withdraw, reason=parsed(s.ReasonSerializer, request)["reason"])

    @act_schema(None, "重新编辑被退回的申报（申报人）")
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._act(services.application_reopen)

    # ---- reviewers

    @act_schema(s.CorrectionSerializer, "退回补正：一次性列明全部补正事项（审核人）")
    @action(detail=True, methods=["post"], url_path="request-correction")
    def request_correction(self, request, pk=None):
        data = parsed(s.CorrectionSerializer, request)
        return self._act(
            services.application_request_correction, items=data["items"], working_days=data.get("working_days")
        )

    @act_schema(s.RequiredReasonSerializer, "不予通过（审核人）")
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._act(services.application_reject, reason=parsed(s.RequiredReasonSerializer, request)["reason"])

    @act_schema(s.RequiredReasonSerializer, "按原渠道退回（超出受理范围或受理错误）")
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._act(services.application_return, reason=parsed(s.RequiredReasonSerializer, request)["reason"])

    @act_schema(None, "主管部门复核通过")
    @action(detail=True, methods=["post"], url_path="dept-approve")
    def dept_approve(self, request, pk=None):
        return self._act(services.application_dept_approve)

    @act_schema(None, "登记纸质材料收件（评委会办事机构）")
    @action(detail=True, methods=["post"], url_path="paper-received")
    def paper_received(self, request, pk=None):
        return self._act(services.application_mark_paper_received)

    @act_schema(s.PaperExtendSerializer, "延长纸质材料报送期限（一次）")
    @action(detail=True, methods=["post"], url_path="paper-extend")
    def paper_extend(self, request, pk=None):
        data = parsed(s.PaperExtendSerializer, request)
        return self._act(services.application_paper_extend, working_days=data["working_days"], reason=data["reason"])

    # ---- what belongs to the case (read)

    @extend_schema(responses=s.EventSerializer(many=True), summary="办理记录")
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        app = self.get_object()
        return Response(s.EventSerializer(selectors.application_events(application=app), many=True).data)

    @extend_schema(responses=s.DeadlineSerializer(many=True), summary="办理期限")
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def deadlines(self, request, pk=None):
        app = self.get_object()
        return Response(s.DeadlineSerializer(app.deadlines.order_by("due_at", "id"), many=True).data)

    @extend_schema(responses=s.MaterialSerializer(many=True), summary="申报材料")
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def materials(self, request, pk=None):
        app = self.get_object()
        return Response(s.MaterialSerializer(app.materials.order_by("kind", "id"), many=True).data)

    @extend_schema(responses=s.EligibilitySerializer, summary="申报条件核查（按今天）")
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def eligibility(self, request, pk=None):
        app = self.get_object()
        failures = eligibility.evaluate(app, today=today())
        body = {
            "eligible": not failures,
            "failures": [f.as_dict() for f in failures],
            "missing_materials": missing_materials(app),
        }
        return Response(s.EligibilitySerializer(body).data)


class PrecheckView(APIView):
    """“我能申报吗？” — every rule with its source, before anything is saved."""

    @extend_schema(request=s.PrecheckInputSerializer, responses=s.PrecheckResultSerializer, summary="申报预检")
    def post(self, request):
        data = parsed(s.PrecheckInputSerializer, request)
        profile = ApplicantProfile.objects.filter(user=request.user).select_related("unit").first()
        if profile is None:
            raise PermissionDenied("no_profile", "请先完善申报人信息后再预检")
        route, year = data["route"], data.get("cycle")
        cycle = None
        if year:
            model = ReviewCycle if route == Route.REVIEW else InitialCycle
            cycle = model.objects.filter(year=year).first()
            if cycle is None:
                raise DomainError(
                    "no_cycle", f"{year}年度尚未开放{Route(route).label}", fields={"cycle": ["年度不存在"]}
                )
        result = eligibility.precheck(
            profile=profile,
            route=route,
            series=data["series"],
            level=data["level"],
            specialty=data.get("specialty"),
            subspecialty=data.get("subspecialty"),
            cycle=cycle,
            young_talent_direct=data["young_talent_direct"],
            today=today(),
        )
        return Response(s.PrecheckResultSerializer(result.as_dict()).data)


# ---------------------------------------------------------------- materials


@extend_schema_view(
    list=extend_schema(summary="材料列表（仅限可见的申报）"),
    retrieve=extend_schema(summary="材料信息"),
    destroy=extend_schema(summary="删除材料（申报人，草稿或补正中）", responses={204: None}),
)
class MaterialViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.MaterialSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = MaterialFilter
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    lookup_value_regex = r"\d+"
    queryset = Material.objects.none()

    def get_queryset(self):
        visible = selectors.application_list(user=self.request.user).values("pk")
        return Material.objects.filter(application__in=visible).order_by("-id")

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "MaterialUpload",
                {
                    "application": serializers.IntegerField(),
                    "kind": serializers.ChoiceField(choices=Material.Kind.choices),
                    "file": serializers.FileField(),
                },
            )
        },
        responses={201: s.MaterialSerializer},
        summary="上传 PDF 材料（申报人，草稿或补正中）",
    )
    def create(self, request, *args, **kwargs):
        app_id = str(request.data.get("application") or "")
        app = selectors.application_get(user=request.user, pk=app_id) if app_id.isdigit() and len(app_id) < 19 else None
        if app is None:
            raise NotFound("not_found", "申报不存在或您无权查看", fields={"application": ["申报不存在或无权查看"]})
        ser = s.MaterialUploadSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        upload = ser.validated_data["file"]
        material = material_upload(
            application=app, actor=request.user, kind=ser.validated_data["kind"], name=upload.name, data=upload.read()
        )
        return Response(s.MaterialSerializer(material).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        material_delete(material=instance, actor=self.request.user)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY}, summary="下载材料")
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def download(self, request, pk=None):
        material = self.get_object()
        if not can_download(request.user, material):
            raise PermissionDenied("forbidden", "您无权下载该材料")
        return FileResponse(
            material.file.open("rb"),
            as_attachment=True,
            filename=material.original_name,
            content_type="application/pdf",
        )


# ---------------------------------------------------------------- reference data (read)


def reference_viewset(model, serializer, *, filters: dict | None = None, related=(), name: str):
    attrs = {
        "queryset": model.objects.select_related(*related).order_by("id"),
        "serializer_class": serializer,
        "filter_backends": [DjangoFilterBackend],
        "filterset_fields": filters or {},
        "lookup_value_regex": r"\d+",
        "__doc__": f"{name}（参考数据，只读）",
    }
    return extend_schema_view(list=extend_schema(summary=f"{name}列表"), retrieve=extend_schema(summary=name))(
        type(f"{model.__name__}ViewSet", (viewsets.ReadOnlyModelViewSet,), attrs)
    )


RegionViewSet = reference_viewset(Region, s.RegionSerializer, name="地区")
LevelViewSet = reference_viewset(
    Level, s.LevelSerializer, filters={"tier": ["exact"], "name": ["exact"]}, name="职称级别"
)
SeriesViewSet = reference_viewset(Series, s.SeriesSerializer, filters={"name": ["exact"]}, name="职称系列")
SpecialtyViewSet = reference_viewset(Specialty, s.SpecialtySerializer, filters={"series": ["exact"]}, name="大专业")
SubspecialtyViewSet = reference_viewset(
    Subspecialty, s.SubspecialtySerializer, filters={"specialty": ["exact"]}, name="小专业"
)
DepartmentViewSet = reference_viewset(
    Department, s.DepartmentSerializer, filters={"region": ["exact"]}, name="主管部门"
)
UnitViewSet = reference_viewset(
    Unit,
    s.UnitSerializer,
    filters={"region": ["exact"], "department": ["exact"], "name": ["icontains"]},
    name="用人单位",
)
OfficeViewSet = reference_viewset(CommitteeOffice, s.OfficeSerializer, name="评委会办事机构")
ReviewCycleViewSet = reference_viewset(
    ReviewCycle, s.ReviewCycleSerializer, filters={"year": ["exact"]}, name="评审年度"
)
InitialCycleViewSet = reference_viewset(
    InitialCycle, s.InitialCycleSerializer, filters={"year": ["exact"]}, name="初定年度"
)


class CommitteeViewSet(viewsets.ReadOnlyModelViewSet):
    """评委会受理安排（申报计划安排表，只读）。"""

    serializer_class = s.CommitteeSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_fields = {"cycle__year": ["exact"], "office": ["exact"], "levels": ["exact"], "series": ["exact"]}
    lookup_value_regex = r"\d+"
    queryset = (
        Committee.objects.select_related("office", "cycle")
        .prefetch_related("windows", "levels", "series", "regions")
        .order_by("id")
    )


# ---------------------------------------------------------------- notifications, the user, tokens


class NotificationViewSet(VisibleFirst, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The user's own in-app notifications."""

    serializer_class = s.NotificationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = NotificationFilter
    lookup_value_regex = r"\d+"
    queryset = Notification.objects.none()

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user).order_by("-id")

    @extend_schema(request=None, responses=s.NotificationSerializer, summary="标为已读")
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        note = self.get_object()
        if note.read_at is None:
            Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=timezone.now())
            note.refresh_from_db()
        return Response(self.get_serializer(note).data)

    @extend_schema(
        request=None,
        responses=inline_serializer("ReadAll", {"updated": serializers.IntegerField()}),
        summary="全部标为已读",
    )
    @action(detail=False, methods=["post"], url_path="read-all", filter_backends=[], pagination_class=None)
    def read_all(self, request):
        n = self.get_queryset().filter(read_at__isnull=True).update(read_at=timezone.now())
        return Response({"updated": n})


class MeView(APIView):
    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "id": serializers.IntegerField(),
                "username": serializers.CharField(),
                "display_name": serializers.CharField(),
                "roles": inline_serializer(
                    "MeRole",
                    {
                        "role": serializers.CharField(),
                        "role_display": serializers.CharField(),
                        "unit": serializers.IntegerField(allow_null=True),
                        "department": serializers.IntegerField(allow_null=True),
                        "office": serializers.IntegerField(allow_null=True),
                    },
                    many=True,
                ),
            },
        ),
        summary="当前用户与角色",
    )
    def get(self, request):
        user = request.user
        roles = [
            {
                "role": m.role,
                "role_display": m.get_role_display(),
                "unit": m.unit_id,
                "department": m.department_id,
                "office": m.office_id,
            }
            for m in perms.memberships(user)
        ]
        return Response({"id": user.pk, "username": user.username, "display_name": user.display_name, "roles": roles})


class TokenView(APIView):
    """Integrations sign in once with a username and password and use `Authorization: Token <key>` after."""

    permission_classes = [AllowAny]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        request=inline_serializer(
            "TokenRequest", {"username": serializers.CharField(), "password": serializers.CharField()}
        ),
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
        auth=[],
        summary="获取令牌",
    )
    def post(self, request):
        verdict = throttle.login_ip_verdict(request)
        if verdict is not None:
            return ip_lockout_response(request, verdict)
        ser = AuthTokenSerializer(data=request.data, context={"request": request._request})
        if not ser.is_valid():
            throttle.login_failed(request)
            raise DomainError("authentication_failed", "用户名或密码错误，或账户已被锁定")
        token, _ = Token.objects.get_or_create(user=ser.validated_data["user"])
        if token_expired(token):  # an expired token is replaced, never extended
            token.delete()
            token = Token.objects.create(user=ser.validated_data["user"])
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None}, summary="作废当前令牌")
    def delete(self, request):
        if not request.user.is_authenticated:
            self.permission_denied(request)
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]
