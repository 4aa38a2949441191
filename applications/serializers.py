"""API shapes of the case and its reference data. Read shapes only show; input shapes only parse — every change goes
through a service (applications/apis.py). `status` is read-only everywhere."""

from __future__ import annotations

import datetime as dt

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from organisations.models import CommitteeOffice, Department, Region, Unit
from zhicheng.api import LeanRepresentation
from zhicheng.models import CalendarDay, Notification
from zhicheng.roles import Role

from . import permissions as perms
from . import refcache
from .models import (
    Application,
    ApplicationEvent,
    ApplicationWindow,
    Committee,
    Deadline,
    InitialCycle,
    Level,
    Material,
    ReviewCycle,
    Route,
    Series,
    Specialty,
    Subspecialty,
)
from .models.case import mask_id_number

# ---------------------------------------------------------------- reference data (read)


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name"]


class LevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Level
        fields = ["id", "code", "name", "tier", "rank"]


class SeriesSerializer(serializers.ModelSerializer):
    class Meta:
        model = Series
        fields = ["id", "name", "aliases", "source", "comprehensive_engineering"]


class SpecialtySerializer(serializers.ModelSerializer):
    class Meta:
        model = Specialty
        fields = ["id", "series", "name"]


class SubspecialtySerializer(serializers.ModelSerializer):
    class Meta:
        model = Subspecialty
        fields = ["id", "specialty", "name"]


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "kind", "region"]


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name", "short_name", "region", "ownership", "is_private_enterprise", "department"]


class OfficeSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommitteeOffice
        fields = ["id", "name", "phones"]


class WindowSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApplicationWindow
        fields = ["start", "end", "source"]


class CommitteeSerializer(serializers.ModelSerializer):
    office_name = serializers.CharField(source="office.name", read_only=True)
    cycle_year = serializers.IntegerField(source="cycle.year", read_only=True)
    windows = WindowSerializer(many=True, read_only=True)
    levels = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    series = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    regions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Committee
        fields = [
            "id",
            "cycle_year",
            "row",
            "entry",
            "label",
            "area",
            "office",
            "office_name",
            "phones",
            "remarks",
            "by_notice",
            "levels",
            "series",
            "regions",
            "windows",
        ]


class ReviewCycleSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewCycle
        fields = ["id", "year", "name", "seniority_cutoff", "ce_year", "ce_hours", "intermediate_deadline", "source"]


class InitialCycleSerializer(serializers.ModelSerializer):
    class Meta:
        model = InitialCycle
        fields = ["id", "year", "name", "start", "end", "source", "office"]


# ---------------------------------------------------------------- the case (read)


class Ref(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ApplicantSerializer(serializers.Serializer):
    name = serializers.CharField()
    id_number = serializers.SerializerMethodField(help_text="申报人本人、其案件的审核人和市职称办可见全号，其余掩码")

    def get_id_number(self, profile) -> str:
        app = self.context.get("application")
        user = self.context["request"].user
        if app is not None and perms.can_see_full_id(user, app):
            return profile.id_number
        return profile.masked_id_number


def _ref(obj) -> dict | None:
    return None if obj is None else {"id": obj.pk, "name": str(getattr(obj, "name", None) or obj)}


def _committee_ref(c) -> dict | None:
    return None if c is None else {"id": c.pk, "name": f"{c.row}. {c.label}（{c.area}）"}


class ApplicationSerializer(LeanRepresentation, serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    route_display = serializers.CharField(source="get_route_display", read_only=True)
    applicant = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()
    series = serializers.SerializerMethodField()
    specialty = serializers.SerializerMethodField()
    subspecialty = serializers.SerializerMethodField()
    level = serializers.SerializerMethodField()
    committee = serializers.SerializerMethodField()
    office = serializers.SerializerMethodField()
    cycle_year = serializers.IntegerField(read_only=True)
    region = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "number",
            "status",
            "status_display",
            "route",
            "route_display",
            "cycle_year",
            "applicant",
            "unit",
            "region",
            "series",
            "specialty",
            "subspecialty",
            "level",
            "committee",
            "office",
            "young_talent_direct",
            "correction_items",
            "held_until",
            "held_provisional",
            "open_objections",
            "paper_received_at",
            "submitted_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ApplicantSerializer)
    def get_applicant(self, app):
        # ApplicantSerializer's fields, without building a serializer per row (issue 17: that was most of a page)
        profile, user = app.applicant, perms.unwrapped(self.context["request"].user)
        full = perms.can_see_full_id(user, app)
        return {"name": profile.name, "id_number": profile.id_number if full else profile.masked_id_number}

    @extend_schema_field(Ref)
    def get_unit(self, app):
        return _ref(app.unit)

    @extend_schema_field(Ref(allow_null=True))
    def get_region(self, app):
        return _ref(app.unit.region)

    @extend_schema_field(Ref)
    def get_series(self, app):
        return _ref(app.series)

    @extend_schema_field(Ref(allow_null=True))
    def get_specialty(self, app):
        return _ref(app.specialty)

    @extend_schema_field(Ref(allow_null=True))
    def get_subspecialty(self, app):
        return _ref(app.subspecialty)

    @extend_schema_field(Ref)
    def get_level(self, app):
        return _ref(app.level)

    @extend_schema_field(Ref(allow_null=True))
    def get_committee(self, app):
        return _committee_ref(app.committee)

    @extend_schema_field(Ref(allow_null=True))
    def get_office(self, app):
        return _ref(app.office)


class _RowApplicant:
    __slots__ = ("user_id",)

    def __init__(self, user_id):
        self.user_id = user_id


class _RowUnit:
    __slots__ = ("department_id",)

    def __init__(self, department_id):
        self.department_id = department_id


class _RowCase:
    """What the permission predicates read of a case, built from a values() row (no model instance)."""

    __slots__ = ("pk", "status", "unit_id", "office_id", "applicant", "unit")

    def __init__(self, row: dict):
        self.pk, self.status, self.unit_id, self.office_id = row["id"], row["status"], row["unit_id"], row["office_id"]
        self.applicant = _RowApplicant(row["applicant__user_id"])
        self.unit = _RowUnit(row["unit__department_id"])


class ApplicationRows:
    """ApplicationSerializer's output for a page of cases, from `values()` rows and the reference rows in memory
    (issue 17: building three model instances per row and walking the serializer's fields was most of an API
    list's time). The output is the serializer's, field for field (tests/api/test_lean_rows.py compares them);
    the serializer's own field objects format the dates."""

    SIMPLE = ("number", "young_talent_direct", "correction_items", "held_provisional", "open_objections")
    DATES = ("held_until", "paper_received_at", "submitted_at", "created_at", "updated_at")
    # Read as the database's text and parsed by datetime.fromisoformat (C), not through the driver's and Django's
    # Python loaders (a fifth of an API list's time, issue 17). Not the two the list may be ordered by: the cursor
    # takes its position from the row's own value.
    TEXT_DATES = ("held_until", "paper_received_at", "submitted_at")
    COLUMNS = (
        "id", "status", "route", "unit_id", "office_id", "committee_id", "series_id", "specialty_id",
        "subspecialty_id", "level_id", "review_cycle_id", "initial_cycle_id", *SIMPLE,
        "created_at", "updated_at",  # DATES less TEXT_DATES
        "applicant__name", "applicant__id_number", "applicant__user_id", "unit__name", "unit__department_id",
        "unit__region_id",
    )  # fmt: skip

    _fields = None  # the serializer's plain fields (no request in them), built once per process

    def __init__(self, request):
        from django.utils import timezone
        from rest_framework.settings import api_settings

        self.user = perms.unwrapped(request.user)
        self._full: dict[tuple, bool] = {}
        self._refs: dict[tuple, dict | None] = {}
        self._years: dict[tuple, int] = {}
        if ApplicationRows._fields is None:
            ApplicationRows._fields = ApplicationSerializer().fields
        self.fields = ApplicationRows._fields
        # the reference tables as they are now (a key missing from a copy reloads it, as refcache.get does)
        self.tables = {m: refcache.rows(m) for m in (Committee, CommitteeOffice, InitialCycle, Level, Region,
                                                      ReviewCycle, Series, Specialty, Subspecialty)}  # fmt: skip
        self.status_label = {k: str(v) for k, v in Application._meta.get_field("status").flatchoices}
        self.route_label = {k: str(v) for k, v in Application._meta.get_field("route").flatchoices}
        exact = (serializers.CharField, serializers.BooleanField, serializers.IntegerField, serializers.JSONField)
        self._as_is = {
            n for n in self.SIMPLE if type(self.fields[n]) in exact and not getattr(self.fields[n], "binary", False)
        }
        # DRF's DateTimeField.to_representation for the default ISO 8601 format, with the zone looked up once
        plain = api_settings.DATETIME_FORMAT.lower() == "iso-8601" and not any(
            hasattr(self.fields[n], "format") for n in self.DATES
        )
        self.tz = timezone.get_current_timezone() if plain else None

    def _get(self, model, pk):
        if pk is None:
            return None
        found = self.tables[model].get(pk)
        return found if found is not None else refcache.get(model, pk)

    def _ref(self, model, pk):
        # one {"id", "name"} per reference row and page (the same rows recur on every line)
        key = (model, pk)
        if key not in self._refs:
            row = self._get(model, pk)
            self._refs[key] = _committee_ref(row) if model is Committee else _ref(row)
        return self._refs[key]

    def _when_text(self, name, text):
        if text is None:
            return None
        value = dt.datetime.fromisoformat(text)
        if value.tzinfo is None:  # SQLite keeps UTC without an offset
            value = value.replace(tzinfo=dt.UTC)
        return self._when(name, value)

    def _when(self, name, value):
        if value is None:
            return None
        if self.tz is None or not isinstance(value, dt.datetime) or value.tzinfo is None:
            return self.fields[name].to_representation(value)
        text = value.astimezone(self.tz).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    def _year(self, review_cycle_id, initial_cycle_id):
        key = (review_cycle_id, initial_cycle_id)
        year = self._years.get(key)
        if year is None:
            cycle = self._get(ReviewCycle, review_cycle_id) or self._get(InitialCycle, initial_cycle_id)
            year = self._years[key] = cycle.year
        return year

    def row(self, r: dict) -> dict:
        # the predicate reads only these columns: asked once per distinct combination on the page
        key = (r["status"] == "draft", r["unit_id"], r["office_id"], r["unit__department_id"],
               r["applicant__user_id"] == self.user.pk)  # fmt: skip
        full = self._full.get(key)
        if full is None:
            full = self._full[key] = perms.can_see_full_id(self.user, _RowCase(r))
        number = r["applicant__id_number"]
        ref, simple, when = self._ref, self._simple, self._when
        status, route = r["status"], r["route"]
        return {  # ApplicationSerializer.Meta.fields, in its order
            "id": r["id"],
            "number": simple("number", r["number"]),
            "status": status,
            "status_display": self.status_label.get(status, status),
            "route": route,
            "route_display": self.route_label.get(route, route),
            "cycle_year": self._year(r["review_cycle_id"], r["initial_cycle_id"]),
            "applicant": {"name": r["applicant__name"], "id_number": number if full else mask_id_number(number)},
            "unit": {"id": r["unit_id"], "name": r["unit__name"]},
            "region": ref(Region, r["unit__region_id"]),
            "series": ref(Series, r["series_id"]),
            "specialty": ref(Specialty, r["specialty_id"]),
            "subspecialty": ref(Subspecialty, r["subspecialty_id"]),
            "level": ref(Level, r["level_id"]),
            "committee": ref(Committee, r["committee_id"]),
            "office": ref(CommitteeOffice, r["office_id"]),
            "young_talent_direct": simple("young_talent_direct", r["young_talent_direct"]),
            "correction_items": simple("correction_items", r["correction_items"]),
            "held_until": self._when_text("held_until", r["held_until_text"]),
            "held_provisional": simple("held_provisional", r["held_provisional"]),
            "open_objections": simple("open_objections", r["open_objections"]),
            "paper_received_at": self._when_text("paper_received_at", r["paper_received_at_text"]),
            "submitted_at": self._when_text("submitted_at", r["submitted_at_text"]),
            "created_at": when("created_at", r["created_at"]),
            "updated_at": when("updated_at", r["updated_at"]),
        }

    def _simple(self, name, value):
        if value is None:
            return None
        # the database already gives these fields' representation (str, bool, int, the JSON value) as is
        return value if name in self._as_is else self.fields[name].to_representation(value)


class MaterialSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = Material
        fields = [
            "id",
            "application",
            "kind",
            "kind_display",
            "original_name",
            "size",
            "sha256",
            "pages",
            "uploaded_at",
            "download",
        ]
        read_only_fields = fields

    def get_download(self, m) -> str:
        return f"/api/v1/materials/{m.pk}/download/"


class MaterialUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Material.Kind.choices)
    file = serializers.FileField(help_text="PDF，按内容识别")


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationEvent
        fields = ["id", "action", "actor", "actor_role", "from_status", "to_status", "reason", "rule", "created_at"]
        read_only_fields = fields

    def get_actor(self, ev) -> str:
        return ev.actor_name or (ev.actor.display_name if ev.actor_id else "系统")


class DeadlineSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Deadline
        fields = [
            "id",
            "kind",
            "kind_display",
            "due_at",
            "last_day",
            "provisional",
            "working_days",
            "extended",
            "extension_reason",
            "closed_at",
            "outcome",
        ]
        read_only_fields = fields


class RuleFailureSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    source = serializers.CharField()


class RuleCheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    source = serializers.CharField()
    detail = serializers.CharField(allow_blank=True, help_text="规则所用的数值，如“资历 7 年 ≥ 4 年”")


class EligibilitySerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    failures = RuleFailureSerializer(many=True)
    missing_materials = serializers.ListField(child=serializers.CharField())


class PrecheckCommitteeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    row = serializers.IntegerField()
    area = serializers.CharField()
    label = serializers.CharField()


class PrecheckResultSerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    failures = RuleFailureSerializer(many=True)
    passed = RuleCheckSerializer(many=True)
    proposed_initial_level = serializers.CharField(allow_null=True)
    initial_basis = serializers.CharField(allow_blank=True)
    committee = PrecheckCommitteeSerializer(allow_null=True)
    office = serializers.CharField(allow_blank=True)
    no_route_reason = serializers.CharField(allow_blank=True)


# ---------------------------------------------------------------- inputs (parsed, then handed to a service)


class ResubmitSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.CharField(max_length=1000, allow_blank=True),
        required=False,
        default=dict,
        help_text="补正事项（原文或序号）→ 补正说明；已上传该类新材料的事项可不填",
    )


class ActSerializer(serializers.Serializer):
    act = serializers.CharField(help_text="act name as declared in the workflow (applications/workflow.py)")
    label = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)
    ready = serializers.BooleanField(help_text="false: the act's conditions do not hold yet (see reasons)")
    reasons = serializers.ListField(child=serializers.CharField())
    rule = serializers.CharField()
    surface = serializers.CharField()


class ApplicationDetailSerializer(ApplicationSerializer):
    """One case, with the acts the requesting user may do on it now (the same list as the case page's buttons)."""

    acts = serializers.SerializerMethodField()

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "acts"]
        read_only_fields = fields

    @extend_schema_field(ActSerializer(many=True))
    def get_acts(self, app):
        from .services import available_acts  # late: services import the models this module serializes

        request = self.context.get("request")
        user = getattr(request, "user", None)
        return [o.as_dict() for o in available_acts(user, app)] if user is not None else []


class ApplicationCreateSerializer(serializers.Serializer):
    route = serializers.ChoiceField(choices=Route.choices, default=Route.REVIEW)
    series = serializers.PrimaryKeyRelatedField(queryset=Series.objects.all())
    level = serializers.PrimaryKeyRelatedField(queryset=Level.objects.all())
    specialty = serializers.PrimaryKeyRelatedField(queryset=Specialty.objects.all(), required=False, allow_null=True)
    subspecialty = serializers.PrimaryKeyRelatedField(
        queryset=Subspecialty.objects.all(), required=False, allow_null=True
    )
    cycle = serializers.IntegerField(
        required=False, allow_null=True, min_value=2000, max_value=2100, help_text="年度，默认当年"
    )
    young_talent_direct = serializers.BooleanField(default=False)


class PrecheckInputSerializer(ApplicationCreateSerializer):
    pass


class SubmitSerializer(serializers.Serializer):
    pledge_accepted = serializers.BooleanField(help_text="已阅读并签署告知承诺书")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True, default="")


class RequiredReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class FindingSerializer(serializers.Serializer):
    finding = serializers.CharField(max_length=4000, help_text="认定事实（撤销职称并记入诚信档案）")


class CorrectionSerializer(serializers.Serializer):
    items = serializers.ListField(
        child=serializers.CharField(max_length=500), max_length=100, help_text="一次性列明需补正的全部内容"
    )
    working_days = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=60)


class PaperExtendSerializer(serializers.Serializer):
    working_days = serializers.IntegerField(min_value=1, max_value=20)
    reason = serializers.CharField(max_length=2000)


# ---------------------------------------------------------------- calendar and notifications


class CalendarDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    is_workday = serializers.BooleanField()
    name = serializers.CharField(allow_blank=True)
    source = serializers.CharField(allow_blank=True)
    provisional = serializers.BooleanField()
    label = serializers.CharField()


class RequiredBooleanField(serializers.BooleanField):
    """A boolean that must be sent: DRF otherwise reads a form field left out of a multipart body as false
    (issue 16: a body without `is_workday` created a holiday)."""

    default_empty_html = serializers.empty


class CalendarOverrideSerializer(serializers.ModelSerializer):
    is_workday = RequiredBooleanField(help_text="true：调休上班日；false：放假日")
    name = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    source = serializers.CharField(
        max_length=200, help_text="依据文件，如 国务院办公厅关于当年部分节假日安排的通知文号"
    )

    class Meta:
        model = CalendarDay
        fields = ["id", "date", "is_workday", "name", "source", "updated_at"]
        read_only_fields = ["id", "updated_at"]
        extra_kwargs = {"date": {"validators": []}}


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "title", "body", "link", "created_at", "read_at"]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.BINARY)
class BinaryField(serializers.Field):
    pass
