"""REST API of 公示, 异议, 发文 and certificates, and the public endpoints (no login): the current 公示 lists, filing an
objection (rate-limited) and certificate verification. Adds no rule: services decide, selectors scope.

Also extends the application resource with the acts this app owns: the unit and committee approvals start a 公示,
the 初定 approvals and revocation go through the certificates module.
"""

from __future__ import annotations

import django_filters as df
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import HttpResponse
from django.urls import path, reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from applications import apis as app_apis
from applications import permissions as perms
from applications import selectors
from applications import workflow as wf
from applications.apis import act_schema, parsed
from applications.models import Application
from applications.refcache import CaseRowQuerySet
from zhicheng.api import ObjectionThrottle, PublicReadThrottle, VerifyThrottle, VisibleFirst
from zhicheng.errors import DomainError, NotFound

from . import certificates, objections, public, services
from . import serializers as s
from .models import Certificate, Objection, Publication, Publicity, PublicityEntry

ENTRY_RELATED = (
    "application__applicant",
    "application__unit",
    "application__series",
    "application__level",
    "application__specialty",
)


def _visible_pks(user):
    return selectors.application_list(user=user).values("pk")


def _resolve(user, ids: list[int]) -> list[Application]:
    """The cases named by id, each of which the user must be able to see (404 otherwise: nothing leaks)."""
    apps = list(selectors.application_list(user=user).filter(pk__in=ids).order_by("pk"))
    missing = sorted(set(ids) - {a.pk for a in apps})
    if missing:
        raise NotFound("not_found", f"申报 {missing[0]} 不存在或您无权查看", fields={"applications": missing})
    return apps


def _pdf(data: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


PDF = {(200, "application/pdf"): OpenApiTypes.BINARY}


# ---------------------------------------------------------------- the application resource, extended


class ApplicationViewSet(app_apis.ApplicationViewSet):
    def _start(self, request, kind: str) -> Response:
        app = self.get_object()
        data = parsed(s.PublicityPeriodSerializer, request)
        services.publicity_start(
            kind=kind,
            applications=[app],
            actor=request.user,
            start=data.get("start"),
            working_days=data.get("working_days"),
        )
        return self._answer(app)

    @act_schema(s.PublicityPeriodSerializer, "单位审核通过并开始评前公示（≥5个工作日）")
    @action(detail=True, methods=["post"], url_path="unit-approve")
    def unit_approve(self, request, pk=None):
        return self._start(request, Publicity.Kind.UNIT)

    @act_schema(s.PublicityPeriodSerializer, "评委会办事机构审核通过并开始公示（纸质材料10个工作日内报送）")
    @action(detail=True, methods=["post"], url_path="committee-approve")
    def committee_approve(self, request, pk=None):
        return self._start(request, Publicity.Kind.COMMITTEE)

    @act_schema(s.InitialApproveSerializer, "协会审核通过（初定：初级核准并发证，中级报市职称办）")
    @action(detail=True, methods=["post"], url_path="association-approve")
    def association_approve(self, request, pk=None):
        data = parsed(s.InitialApproveSerializer, request)
        return self._act(certificates.initial_approve, document_number=data["document_number"], date=data.get("date"))

    @act_schema(s.InitialApproveSerializer, "市职称办审批通过（初定中级，核准并发证）")
    @action(detail=True, methods=["post"], url_path="municipal-approve")
    def municipal_approve(self, request, pk=None):
        data = parsed(s.InitialApproveSerializer, request)
        return self._act(certificates.initial_approve, document_number=data["document_number"], date=data.get("date"))

    @act_schema(app_apis.s.FindingSerializer, "撤销职称：证书作废并记入诚信档案（市职称办）")
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        finding = parsed(app_apis.s.FindingSerializer, request)["finding"]
        return self._act(certificates.certificate_revoke, finding=finding)

    @extend_schema(responses=PDF, summary="下载电子职称证书（持证人、市职称办）")
    @action(detail=True, methods=["get"], url_path="certificate-pdf", filter_backends=[], pagination_class=None)
    def certificate_pdf(self, request, pk=None):
        app = self.get_object()
        cert = certificates.certificate_for_user(user=request.user, application=app)
        return _pdf(certificates.certificate_pdf(cert), f"电子职称证书_{cert.number}.pdf")

    @extend_schema(responses=PDF, summary="下载《专业技术资格初定申报表》（初定核准后）")
    @action(detail=True, methods=["get"], url_path="initial-form-pdf", filter_backends=[], pagination_class=None)
    def initial_form_pdf(self, request, pk=None):
        app = self.get_object()
        return _pdf(certificates.initial_form_pdf(app), f"专业技术资格初定申报表_{app.number}.pdf")


# ---------------------------------------------------------------- publicities and objections (signed in)


class PublicityFilter(df.FilterSet):
    kind = df.ChoiceFilter(choices=Publicity.Kind.choices)
    office = df.NumberFilter(field_name="office_id")
    unit = df.NumberFilter(field_name="unit_id")
    current = df.BooleanFilter(field_name="closed_at", lookup_expr="isnull", help_text="尚未办结")
    provisional = df.BooleanFilter(field_name="provisional")
    starts_after = df.DateFilter(field_name="starts_on", lookup_expr="gte")
    starts_before = df.DateFilter(field_name="starts_on", lookup_expr="lte")

    class Meta:
        model = Publicity
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(summary="公示列表（含可见申报的公示）"),
    retrieve=extend_schema(summary="公示详情（仅列出可见的申报）", responses=s.PublicityDetailSerializer),
    create=extend_schema(
        request=s.PublicityStartSerializer,
        responses={201: s.PublicityDetailSerializer},
        summary="批量发起公示（同一单位或同一办事机构的申报）",
    ),
)
class PublicityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.PublicitySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = PublicityFilter
    lookup_value_regex = r"\d+"
    queryset = Publicity.objects.none()

    def get_queryset(self):
        visible = _visible_pks(self.request.user)
        mine = PublicityEntry.objects.filter(publicity=OuterRef("pk"), application__in=visible)
        qs = Publicity.objects.filter(Exists(mine)).select_related("unit", "office").order_by("-id")
        if self.action != "list":
            entries = PublicityEntry.objects.filter(application__in=visible).select_related(*ENTRY_RELATED)
            qs = qs.prefetch_related(Prefetch("entries", queryset=entries.order_by("id"), to_attr="visible_entries"))
        return qs

    def get_serializer_class(self):
        return s.PublicitySerializer if self.action == "list" else s.PublicityDetailSerializer

    def create(self, request, *args, **kwargs):
        data = parsed(s.PublicityStartSerializer, request)
        apps = _resolve(request.user, data["applications"])
        pub = services.publicity_start(
            kind=data["kind"],
            applications=apps,
            actor=request.user,
            start=data.get("start"),
            working_days=data.get("working_days"),
            title=data.get("title", ""),
        )
        self.action = "retrieve"
        return Response(self.get_serializer(self.get_queryset().get(pk=pub.pk)).data, status=status.HTTP_201_CREATED)


class ObjectionFilter(df.FilterSet):
    status = df.ChoiceFilter(choices=Objection.Status.choices)
    application = df.NumberFilter(field_name="application_id")
    publicity = df.NumberFilter(field_name="publicity_id")
    filed_after = df.DateFilter(field_name="filed_at", lookup_expr="date__gte")
    filed_before = df.DateFilter(field_name="filed_at", lookup_expr="date__lte")

    class Meta:
        model = Objection
        fields: list[str] = []


def objection_scope(user):
    """The objections the user decides (and may read, with the objector's contact): per publicity kind, whoever
    the workflow names as its objection_decider; the supervisor sees all. Never one's own case, never the applicant.
    The same rule as the case page (applications.permissions.can_see_objector)."""
    qs = Objection.objects.select_related("application__applicant", "publicity")
    if perms.is_supervisor(user):
        return qs
    q = Q(pk__in=[])
    for kind, state in wf.KIND_STATE.items():
        decider = wf.STATES[state].objection_decider
        q |= Q(publicity__kind=kind) & perms.role_scope_q(user, decider, prefix="application__")
    return qs.filter(q).exclude(application__applicant__user=user)


@extend_schema_view(
    list=extend_schema(summary="异议列表（负责调查的经办人）"), retrieve=extend_schema(summary="异议详情")
)
class ObjectionViewSet(VisibleFirst, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.ObjectionSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ObjectionFilter
    lookup_value_regex = r"\d+"
    queryset = Objection.objects.none()

    def get_queryset(self):
        return objection_scope(self.request.user).order_by("-id")

    @extend_schema(request=s.ObjectionDecideSerializer, responses=s.ObjectionSerializer, summary="登记异议调查结论")
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        objection = self.get_object()
        data = parsed(s.ObjectionDecideSerializer, request)
        objections.objection_decide(
            objection=objection, actor=request.user, upheld=data["upheld"], reason=data["reason"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=objection.pk)).data)


# ---------------------------------------------------------------- publications and certificates


@extend_schema_view(
    list=extend_schema(summary="发文列表（含可见申报的发文）"),
    retrieve=extend_schema(summary="发文详情"),
    create=extend_schema(
        request=s.PublicationCreateSerializer,
        responses={201: s.PublicationSerializer},
        summary="发文公布评审结果并核发电子证书",
    ),
)
class PublicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.PublicationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_fields = {"tier": ["exact"], "date": ["gte", "lte"], "document_number": ["exact"]}
    lookup_value_regex = r"\d+"
    queryset = Publication.objects.none()

    def get_queryset(self):
        visible = _visible_pks(self.request.user)
        through = Publication.applications.through
        mine = through.objects.filter(publication=OuterRef("pk"), application__in=visible)
        apps = Application.objects.filter(pk__in=visible).only("pk", "status").order_by("pk")  # fsm reads status
        return (
            Publication.objects.filter(Exists(mine))
            .prefetch_related(Prefetch("applications", queryset=apps, to_attr="visible_apps"))
            .order_by("-id")
        )

    def create(self, request, *args, **kwargs):
        data = parsed(s.PublicationCreateSerializer, request)
        apps = _resolve(request.user, data["applications"])
        pub = certificates.publication_create(
            actor=request.user,
            document_number=data["document_number"],
            date=data["date"],
            applications=apps,
            title=data.get("title", ""),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=pub.pk)).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(summary="电子证书列表"), retrieve=extend_schema(summary="电子证书"))
class CertificateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.CertificateSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_fields = {"status": ["exact"], "number": ["exact"], "application": ["exact"]}
    lookup_value_regex = r"\d+"
    queryset = Certificate.objects.none()

    def get_queryset(self):
        return Certificate.objects.filter(application__in=_visible_pks(self.request.user)).order_by("-id")

    @extend_schema(responses=PDF, summary="下载电子证书 PDF（持证人、市职称办）")
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def pdf(self, request, pk=None):
        cert = self.get_object()
        app = Application.objects.select_related("applicant").get(pk=cert.application_id)
        cert = certificates.certificate_for_user(user=request.user, application=app)
        return _pdf(certificates.certificate_pdf(cert), f"电子职称证书_{cert.number}.pdf")


# ---------------------------------------------------------------- the public (no login)


class PublicEntryFilter(df.FilterSet):
    kind = df.ChoiceFilter(field_name="publicity__kind", choices=Publicity.Kind.choices)
    office = df.NumberFilter(field_name="publicity__office_id")
    unit = df.NumberFilter(field_name="publicity__unit_id")

    class Meta:
        model = PublicityEntry
        fields: list[str] = []


@extend_schema_view(list=extend_schema(summary="当前公示名单（公众，无需登录）", auth=[]))
class PublicPublicityViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """What the notices publish: name, unit, series, specialty, level — never an ID number or a contact."""

    serializer_class = s.PublicEntrySerializer
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicReadThrottle]
    filter_backends = [DjangoFilterBackend]
    filterset_class = PublicEntryFilter
    queryset = PublicityEntry.objects.none()

    def list(self, request, *args, **kwargs):
        # The list as it opens (no parameter: what the public portal and most callers ask for) is kept in the shared
        # cache like the /gongshi/ page and dropped by the same changes (publicity/public.py): a request then reads
        # no row (issue 17: a 7-table join planned per request was ~13 ms of CPU over HTTP). Filtered and later
        # pages are read each time: their keys are the caller's to vary, and must not fill the cache.
        if request.GET:
            return super().list(request, *args, **kwargs)
        key = f"gongshi:api:{public.rest_key()}:{request.build_absolute_uri()}"
        data = cache.get(key)
        if data is None:
            response = super().list(request, *args, **kwargs)
            if response.status_code == 200:
                cache.set(key, response.data, public.CACHE_SECONDS)
            return response
        return Response(data)

    def get_queryset(self):
        # newest first through the partial index on the current entries (publicity.0007); series, specialty and
        # level from memory (issue 17)
        return (
            CaseRowQuerySet(PublicityEntry)
            .filter(left_at__isnull=True, publicity__closed_at__isnull=True)
            .select_related("publicity__office", "publicity__unit", "application__applicant", "application__unit")
            .order_by("-id")
        )


class PublicObjectionView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ObjectionThrottle]

    @extend_schema(
        request=s.PublicObjectionSerializer,
        responses={201: s.PublicObjectionReceiptSerializer},
        auth=[],
        summary="对公示中的申报提出异议（实名，限频）",
    )
    def post(self, request):
        data = parsed(s.PublicObjectionSerializer, request)
        entry = (
            PublicityEntry.objects.filter(pk=data["entry"], left_at__isnull=True, publicity__closed_at__isnull=True)
            .select_related("application")
            .first()
        )
        if entry is None:
            raise NotFound("not_in_publicity", "该条目不在当前公示名单中", fields={"entry": ["不在公示期内"]})
        given = {key: data[key] for key in ("name", "contact", "content")}
        objections.objection_validate(**given, application=entry.application)
        objection = objections.objection_file(application=entry.application, **given)
        message = "异议已受理。我们将调查核实，异议办结前该申报不会离开公示；您的姓名和联系方式不会公开。"
        body = {"message": message, "receipt": objection.receipt,
                "status_url": reverse("objection-status", kwargs={"receipt": objection.receipt})}  # fmt: skip
        return Response(body, status=status.HTTP_201_CREATED)


class CertificateVerifyView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicReadThrottle, VerifyThrottle]

    @extend_schema(
        parameters=[
            OpenApiParameter("number", str, required=True, description="证书编号"),
            OpenApiParameter("name", str, required=True, description="持证人姓名"),
        ],
        responses=s.CertificatePublicSerializer,
        auth=[],
        summary="证书核验（公众，无需登录）",
    )
    def get(self, request):
        number = str(request.query_params.get("number", ""))[:40]
        name = str(request.query_params.get("name", ""))[:50]
        if not number.strip() or not name.strip():  # both, always: a number alone never names its holder
            message = "请填写证书编号和持证人姓名"
            raise DomainError("invalid", message, fields={"number": [message], "name": [message]})
        return Response(s.CertificatePublicSerializer(certificates.certificate_verify(number=number, name=name)).data)


ROUTES = [
    ("publicities", PublicityViewSet, "publicity"),
    ("objections", ObjectionViewSet, "objection"),
    ("publications", PublicationViewSet, "publication"),
    ("certificates", CertificateViewSet, "certificate"),
    ("public/publicities", PublicPublicityViewSet, "public-publicity"),
]
PATHS = [
    path("public/objections/", PublicObjectionView.as_view(), name="api-public-objection"),
    path("public/certificates/verify/", CertificateVerifyView.as_view(), name="api-public-verify"),
]
