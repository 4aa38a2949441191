"""REST API of the committee's side: meetings and their acts, 报备 (filings), expert pools and experts, votes and
results. Each list starts from review.selectors; each act calls review.services and lets its DomainError answer."""

from __future__ import annotations

import django_filters as df
from django.db.models import Prefetch, Q
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from applications import permissions as perms
from applications import selectors as app_selectors
from applications.apis import parsed
from applications.models import Application
from applications.serializers import ApplicationSerializer
from organisations.models import Unit
from publicity import serializers as pub_s
from zhicheng.api import VisibleFirst
from zhicheng.errors import DomainError, NotFound
from zhicheng.roles import Role

from . import selectors, services
from . import serializers as s
from .models import Expert, ExpertPool, Meeting, MeetingFiling

ID = r"\d+"


def _cases(user, ids: list[int]) -> list[Application]:
    apps = list(app_selectors.application_list(user=user).filter(pk__in=ids).order_by("pk"))
    missing = sorted(set(ids) - {a.pk for a in apps})
    if missing:
        raise NotFound("not_found", f"申报 {missing[0]} 不存在或您无权查看", fields={"applications": missing})
    return apps


class MeetingFilter(df.FilterSet):
    status = df.ChoiceFilter(choices=Meeting.Status.choices)
    committee = df.NumberFilter(field_name="committee_id")
    office = df.NumberFilter(field_name="office_id")
    series = df.NumberFilter(field_name="series_id")
    level = df.NumberFilter(field_name="level_id")
    cycle = df.NumberFilter(field_name="cycle__year")
    date_after = df.DateFilter(field_name="date", lookup_expr="gte")
    date_before = df.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Meeting
        fields: list[str] = []


def meeting_act(request=None, response=s.MeetingDetailSerializer, summary=""):
    return extend_schema(request=request, responses={200: response}, summary=summary)


@extend_schema_view(
    list=extend_schema(summary="评审会议列表（办事机构经办人、市职称办）"),
    retrieve=extend_schema(summary="评审会议详情", responses=s.MeetingDetailSerializer),
    create=extend_schema(
        request=s.MeetingCreateSerializer,
        responses={201: s.MeetingDetailSerializer},
        summary="安排评审会议（并登记报备期限）",
    ),
)
class MeetingViewSet(VisibleFirst, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.MeetingSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = MeetingFilter
    lookup_value_regex = ID
    queryset = Meeting.objects.none()

    def get_queryset(self):
        qs = selectors.meeting_list(user=self.request.user).prefetch_related(
            Prefetch("applications", queryset=Application.objects.only("pk", "status")),  # fsm reads status
            Prefetch("experts", queryset=Expert.objects.only("pk")),
        )
        if self.action != "list":
            qs = qs.prefetch_related("filings")
        return qs.order_by("-id")

    def get_serializer_class(self):
        return s.MeetingSerializer if self.action == "list" else s.MeetingDetailSerializer

    def _answer(self, meeting, code=200):
        return Response(s.MeetingDetailSerializer(self.get_queryset().get(pk=meeting.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        data = parsed(s.MeetingCreateSerializer, request)
        meeting = services.meeting_create(actor=request.user, **data)
        return self._answer(meeting, status.HTTP_201_CREATED)

    @meeting_act(s.CasesSerializer, summary="安排评审对象")
    @action(detail=True, methods=["post"], url_path="add-cases")
    def add_cases(self, request, pk=None):
        meeting = self.get_object()
        apps = _cases(request.user, parsed(s.CasesSerializer, request)["applications"])
        services.meeting_add_cases(meeting=meeting, actor=request.user, applications=apps)
        return self._answer(meeting)

    @meeting_act(s.DrawInputSerializer, summary="随机抽取评审专家（同单位回避，记录种子）")
    @action(detail=True, methods=["post"], url_path="draw-experts")
    def draw_experts(self, request, pk=None):
        meeting = self.get_object()
        data = parsed(s.DrawInputSerializer, request)
        services.experts_draw(meeting=meeting, actor=request.user, seed=data["seed"] or None, size=data.get("size"))
        return self._answer(meeting)

    @meeting_act(s.ReplaceSerializer, summary="替换抽中的专家（须说明理由）")
    @action(detail=True, methods=["post"], url_path="replace-expert")
    def replace_expert(self, request, pk=None):
        meeting = self.get_object()
        data = parsed(s.ReplaceSerializer, request)
        expert = Expert.objects.filter(pk=data["expert"], pool__office_id=meeting.office_id).first()
        if expert is None:
            raise DomainError("not_on_panel", "该专家不是本次会议抽中的专家", fields={"expert": ["专家不存在"]})
        services.expert_replace(meeting=meeting, actor=request.user, expert=expert, reason=data["reason"])
        return self._answer(meeting)

    @meeting_act(s.RescheduleSerializer, summary="会议改期（原报备失效）")
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        meeting = self.get_object()
        data = parsed(s.RescheduleSerializer, request)
        services.meeting_reschedule(meeting=meeting, actor=request.user, date=data["date"], reason=data["reason"],
                                    late_reason=data["late_reason"])  # fmt: skip
        return self._answer(meeting)

    @meeting_act(s.NoteSerializer, s.FilingSerializer, summary="向市职称办报备（会议15天前）")
    @action(detail=True, methods=["post"])
    def file(self, request, pk=None):
        meeting = self.get_object()
        filing = services.filing_submit(
            meeting=meeting, actor=request.user, note=parsed(s.NoteSerializer, request)["note"]
        )
        return Response(s.FilingSerializer(filing).data, status=status.HTTP_201_CREATED)

    @meeting_act(None, summary="召开评审会议（报备已同意且满15天）")
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        meeting = self.get_object()
        services.meeting_open(meeting=meeting, actor=request.user)
        return self._answer(meeting)

    @meeting_act(s.AttendanceInputSerializer, s.AttendanceSerializer, summary="登记到会专家（核对到会人数）")
    @action(detail=True, methods=["post"], url_path="record-attendance")
    def record_attendance(self, request, pk=None):
        meeting = self.get_object()
        data = parsed(s.AttendanceInputSerializer, request)
        att = services.attendance_record(meeting=meeting, actor=request.user, present=data["present"])
        return Response(s.AttendanceSerializer(att).data)

    @meeting_act(s.TallyInputSerializer, s.TallyCountSerializer, summary="登记一件申报的无记名投票计票结果")
    @action(detail=True, methods=["post"], url_path="record-tally")
    def record_tally(self, request, pk=None):
        meeting = self.get_object()
        data = parsed(s.TallyInputSerializer, request)
        app = meeting.applications.filter(pk=data["application"]).first()
        if app is None:
            raise DomainError("not_on_agenda", "该申报不是本次会议的评审对象", fields={"application": ["不在议程中"]})
        tally = services.tally_record(meeting=meeting, actor=request.user, application=app, approve=data["approve"],
                                      oppose=data["oppose"], abstain=data["abstain"])  # fmt: skip
        return Response(s.TallyCountSerializer(tally).data)

    @meeting_act(s.VotesSerializer, s.TallySerializer, summary="登记一件申报的专家表决（记名；须与到会专家一致）")
    @action(detail=True, methods=["post"], url_path="record-votes")
    def record_votes(self, request, pk=None):
        meeting = self.get_object()
        data = parsed(s.VotesSerializer, request)
        app = meeting.applications.filter(pk=data["application"]).first()
        if app is None:
            raise DomainError("not_on_agenda", "该申报不是本次会议的评审对象", fields={"application": ["不在议程中"]})
        votes = {v["expert"]: v["approve"] for v in data["votes"]}
        tally = services.votes_record(meeting=meeting, actor=request.user, application=app, votes=votes)
        return Response(s.TallySerializer(tally).data)

    @meeting_act(None, s.ResultSerializer(many=True), summary="登记评审结果（不超过报备的通过率）")
    @action(detail=True, methods=["post"], url_path="record-results")
    def record_results(self, request, pk=None):
        meeting = self.get_object()
        results = services.results_record(meeting=meeting, actor=request.user)
        return Response(s.ResultSerializer(results, many=True).data)

    @meeting_act(pub_s.PublicityPeriodSerializer, pub_s.PublicitySerializer, summary="评审结果公示")
    @action(detail=True, methods=["post"], url_path="result-publicity")
    def result_publicity(self, request, pk=None):
        meeting = self.get_object()
        data = parsed(pub_s.PublicityPeriodSerializer, request)
        pub = services.meeting_result_publicity_start(
            meeting=meeting, actor=request.user, working_days=data.get("working_days"), start=data.get("start")
        )
        return Response(pub_s.PublicitySerializer(pub).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.VoteSerializer(many=True), summary="专家表决记录")
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def votes(self, request, pk=None):
        meeting = self.get_object()
        return Response(s.VoteSerializer(meeting.votes.order_by("application_id", "expert_id"), many=True).data)

    @extend_schema(responses=s.ResultSerializer(many=True), summary="评审结果")
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def results(self, request, pk=None):
        meeting = self.get_object()
        rows = meeting.results.select_related("application").order_by("id")
        return Response(s.ResultSerializer(rows, many=True).data)

    @extend_schema(responses=ApplicationSerializer(many=True), summary="可列入本次会议的待评审申报")
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def candidates(self, request, pk=None):
        meeting = self.get_object()
        visible = app_selectors.application_list(user=request.user).values("pk")
        qs = (
            selectors.meeting_candidates(meeting=meeting)
            .filter(pk__in=visible)
            .select_related(
                "unit__region",
                "series",
                "level",
                "specialty",
                "subspecialty",
                "committee",
                "office",
                "review_cycle",
                "initial_cycle",
            )
        )
        return Response(ApplicationSerializer(qs, many=True, context=self.get_serializer_context()).data)


def filing_scope(user):
    qs = MeetingFiling.objects.select_related("meeting")
    if perms.is_supervisor(user):
        return qs
    offices = [m.office_id for m in perms.memberships(user) if m.role == Role.COMMITTEE_CLERK]
    return qs.filter(meeting__office_id__in=offices)


class FilingFilter(df.FilterSet):
    status = df.ChoiceFilter(choices=MeetingFiling.Status.choices)
    meeting = df.NumberFilter(field_name="meeting_id")
    meeting_after = df.DateFilter(field_name="meeting_date", lookup_expr="gte")
    meeting_before = df.DateFilter(field_name="meeting_date", lookup_expr="lte")

    class Meta:
        model = MeetingFiling
        fields: list[str] = []


@extend_schema_view(list=extend_schema(summary="会议报备列表"), retrieve=extend_schema(summary="会议报备"))
class FilingViewSet(VisibleFirst, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.FilingSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = FilingFilter
    lookup_value_regex = ID
    queryset = MeetingFiling.objects.none()

    def get_queryset(self):
        return filing_scope(self.request.user).order_by("-id")

    @extend_schema(request=None, responses=s.FilingSerializer, summary="同意报备（市职称办）")
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        filing = services.filing_accept(filing=self.get_object(), actor=request.user)
        return Response(self.get_serializer(filing).data)

    @extend_schema(request=s.FilingReturnSerializer, responses=s.FilingSerializer, summary="退回报备（市职称办）")
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        filing = self.get_object()
        reason = parsed(s.FilingReturnSerializer, request)["reason"]
        return Response(
            self.get_serializer(services.filing_return(filing=filing, actor=request.user, reason=reason)).data
        )


@extend_schema_view(
    list=extend_schema(summary="评审专家库列表"),
    retrieve=extend_schema(summary="评审专家库"),
    create=extend_schema(summary="建立评审专家库（办事机构经办人）", responses={201: s.ExpertPoolSerializer}),
)
class ExpertPoolViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.ExpertPoolSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_fields = {"office": ["exact"], "series": ["exact"], "level": ["exact"]}
    lookup_value_regex = ID
    queryset = ExpertPool.objects.none()

    def get_queryset(self):
        return selectors.expert_pool_list(user=self.request.user).order_by("-id")

    def create(self, request, *args, **kwargs):
        data = parsed(s.ExpertPoolSerializer, request)
        pool = services.expert_pool_create(actor=request.user, **data)
        return Response(self.get_serializer(pool).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="评审专家列表"),
    retrieve=extend_schema(summary="评审专家"),
    create=extend_schema(summary="添加评审专家（办事机构经办人）", responses={201: s.ExpertSerializer}),
)
class ExpertViewSet(
    VisibleFirst, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.ExpertSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_fields = {"pool": ["exact"], "active": ["exact"]}
    lookup_value_regex = ID
    queryset = Expert.objects.none()

    def get_queryset(self):
        pools = selectors.expert_pool_list(user=self.request.user).values("pk")
        return Expert.objects.filter(Q(pool__in=pools)).order_by("-id")

    def create(self, request, *args, **kwargs):
        data = parsed(s.ExpertSerializer, request)
        expert = services.expert_add(actor=request.user, **data)
        return Response(self.get_serializer(expert).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ActiveSerializer, responses=s.ExpertSerializer, summary="专家在库/出库")
    @action(detail=True, methods=["post"], url_path="set-active")
    def set_active(self, request, pk=None):
        expert = self.get_object()
        active = parsed(s.ActiveSerializer, request)["active"]
        return Response(
            self.get_serializer(services.expert_set_active(actor=request.user, expert=expert, active=active)).data
        )

    @extend_schema(request=s.ConflictInputSerializer, responses={201: s.ConflictSerializer}, summary="登记专家申请回避")
    @action(detail=True, methods=["post"], url_path="declare-conflict")
    def declare_conflict(self, request, pk=None):
        expert = self.get_object()
        data = parsed(s.ConflictInputSerializer, request)
        app = None
        if data.get("application"):
            app = app_selectors.application_list(user=request.user).filter(pk=data["application"]).first()
            if app is None:
                raise NotFound("not_found", "申报不存在或您无权查看", fields={"application": ["申报不存在或无权查看"]})
        unit = Unit.objects.filter(pk=data["unit"]).first() if data.get("unit") else None
        if data.get("unit") and unit is None:
            raise NotFound("not_found", "单位不存在", fields={"unit": ["单位不存在"]})
        conflict = services.expert_conflict_declare(
            actor=request.user, expert=expert, reason=data["reason"], application=app, unit=unit
        )
        return Response(s.ConflictSerializer(conflict).data, status=status.HTTP_201_CREATED)


ROUTES = [
    ("meetings", MeetingViewSet, "meeting"),
    ("filings", FilingViewSet, "filing"),
    ("expert-pools", ExpertPoolViewSet, "expert-pool"),
    ("experts", ExpertViewSet, "expert"),
]
