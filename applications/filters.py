"""Filters of the case lists. They narrow a queryset the selector already scoped to what the user may see."""

from __future__ import annotations

import django_filters as df
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from zhicheng.models import Notification

from .idcard import id_number_problem
from .models import Application, Deadline, Material, Route, Status


def _open_deadlines():
    return Deadline.objects.filter(application=OuterRef("pk"), closed_at__isnull=True)


def _looks_like_id(value: str) -> bool:
    return id_number_problem(value) is None


class ApplicationFilter(df.FilterSet):
    status = df.MultipleChoiceFilter(choices=Status.choices, help_text="状态（可多选）")
    route = df.ChoiceFilter(choices=Route.choices)
    series = df.NumberFilter(field_name="series_id")
    level = df.NumberFilter(field_name="level_id")
    committee = df.NumberFilter(field_name="committee_id")
    office = df.NumberFilter(field_name="office_id")
    unit = df.NumberFilter(field_name="unit_id")
    region = df.NumberFilter(field_name="unit__region_id")
    cycle = df.NumberFilter(method="filter_cycle", help_text="年度，如 2024")
    submitted_after = df.DateFilter(field_name="submitted_at", lookup_expr="date__gte")
    submitted_before = df.DateFilter(field_name="submitted_at", lookup_expr="date__lte")
    created_after = df.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_before = df.DateFilter(field_name="created_at", lookup_expr="date__lte")
    overdue = df.BooleanFilter(method="filter_overdue", help_text="有已过期未办结的期限")
    provisional = df.BooleanFilter(method="filter_provisional", help_text="公示期满或期限日期为暂定")
    q = df.CharFilter(method="filter_q", help_text="姓名（包含）或完整身份证号（精确）")

    class Meta:
        model = Application
        fields: list[str] = []

    def filter_cycle(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(Q(review_cycle__year=value) | Q(initial_cycle__year=value))

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        late = Exists(_open_deadlines().filter(due_at__lt=timezone.now(), provisional=False))
        return qs.filter(late) if value else qs.exclude(late)

    def filter_provisional(self, qs, name, value):
        if value is None:
            return qs
        prov = Q(held_provisional=True) | Q(Exists(_open_deadlines().filter(provisional=True)))
        return qs.filter(prov) if value else qs.exclude(prov)

    def filter_q(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        if _looks_like_id(value.upper()):
            return qs.filter(applicant__id_number=value.upper())
        return qs.filter(Q(applicant__name__icontains=value) | Q(number=value.upper()))  # numbers are upper case


class MaterialFilter(df.FilterSet):
    application = df.NumberFilter(field_name="application_id")
    kind = df.ChoiceFilter(choices=Material.Kind.choices)

    class Meta:
        model = Material
        fields: list[str] = []


class NotificationFilter(df.FilterSet):
    unread = df.BooleanFilter(field_name="read_at", lookup_expr="isnull", help_text="仅未读")

    class Meta:
        model = Notification
        fields: list[str] = []
