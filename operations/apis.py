"""The working-day calendar over the API: each day's verdict for anyone signed in, and the supervisor's overrides
(operations.calendar decides who may and recomputes the periods a change moves)."""

from __future__ import annotations

import datetime as dt

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from applications import serializers as s
from applications.apis import parsed, today
from zhicheng import workdays
from zhicheng.models import CalendarDay

from . import calendar

CALENDAR_MAX_DAYS = 366


# ---------------------------------------------------------------- the working-day calendar


class CalendarQuerySerializer(serializers.Serializer):
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)

    def validate(self, attrs):
        first = attrs.get("start") or today().replace(day=1)
        last = attrs.get("end") or first + dt.timedelta(days=30)
        if last < first:
            raise serializers.ValidationError({"end": ["结束日期不得早于开始日期"]})
        if (last - first).days >= CALENDAR_MAX_DAYS:
            raise serializers.ValidationError({"end": [f"一次最多查询 {CALENDAR_MAX_DAYS} 天"]})
        if first.year < 1900 or last.year > 2200:
            raise serializers.ValidationError({"start": ["日期超出可查询范围"]})
        return {"start": first, "end": last}


class CalendarView(APIView):
    """Each day's verdict (工作日/休息日, name, source, provisional) as zhicheng.workdays decides it."""

    @extend_schema(
        parameters=[OpenApiParameter("start", OpenApiTypes.DATE), OpenApiParameter("end", OpenApiTypes.DATE)],
        responses=s.CalendarDaySerializer(many=True),
        summary="工作日历（按日）",
    )
    def get(self, request):
        q = CalendarQuerySerializer(data=request.query_params)
        q.is_valid(raise_exception=True)
        # One resolver for the whole range: it reads the overrides once per year (see workdays._Resolver).
        resolver = workdays._Resolver()
        day, days = q.validated_data["start"], []
        while day <= q.validated_data["end"]:
            info = resolver.day(day)
            days.append(
                {
                    "date": info.date,
                    "is_workday": info.is_workday,
                    "name": info.name,
                    "source": info.source,
                    "provisional": info.provisional,
                    "label": info.label,
                }
            )
            day += dt.timedelta(days=1)
        return Response(s.CalendarDaySerializer(days, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="工作日调整列表"),
    retrieve=extend_schema(summary="工作日调整"),
    create=extend_schema(summary="新增或修改某日的调整（市职称办）"),
    destroy=extend_schema(summary="删除某日的调整（市职称办）"),
)
class CalendarOverrideViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.CalendarOverrideSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_fields = {"date": ["gte", "lte"], "is_workday": ["exact"]}
    lookup_value_regex = r"\d+"
    queryset = CalendarDay.objects.order_by("-id")

    def create(self, request, *args, **kwargs):
        data = parsed(s.CalendarOverrideSerializer, request)
        day = calendar.calendar_override_set(actor=request.user, **data)
        return Response(self.get_serializer(day).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        calendar.calendar_override_delete(actor=self.request.user, day=instance)
