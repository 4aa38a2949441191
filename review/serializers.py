"""API shapes of meetings, their 报备, expert pools and experts, votes and results."""

from __future__ import annotations

from rest_framework import serializers

from applications.models import Committee, Level, Series
from organisations.models import CommitteeOffice, Unit

from .models import (
    Expert,
    ExpertConflict,
    ExpertDraw,
    ExpertPool,
    Meeting,
    MeetingAttendance,
    MeetingFiling,
    MeetingResult,
    MeetingTally,
    Vote,
)


class MeetingSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    committee_label = serializers.SerializerMethodField()
    office_name = serializers.CharField(source="office.name", read_only=True)
    series_name = serializers.CharField(source="series.name", read_only=True)
    level_name = serializers.CharField(source="level.name", read_only=True)
    applications = serializers.SerializerMethodField()
    experts = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "title",
            "committee",
            "committee_label",
            "office",
            "office_name",
            "cycle",
            "series",
            "series_name",
            "level",
            "level_name",
            "date",
            "place",
            "pass_rate",
            "panel_size",
            "status",
            "status_display",
            "applications",
            "experts",
            "created_at",
            "opened_at",
            "closed_at",
        ]
        read_only_fields = fields

    def get_committee_label(self, m) -> str:
        return f"{m.committee.row}. {m.committee.label}（{m.committee.area}）"

    def get_applications(self, m) -> list[int]:
        return sorted(a.pk for a in m.applications.all())

    def get_experts(self, m) -> list[int]:
        return sorted(e.pk for e in m.experts.all())


class DrawSerializer(serializers.ModelSerializer):
    replacements = serializers.ListField(child=serializers.DictField(), read_only=True, help_text="替换记录（只追加）")

    class Meta:
        model = ExpertDraw
        fields = ["id", "pool", "seed", "size", "pool_snapshot", "excluded", "result", "replacements", "drawn_at"]
        read_only_fields = fields


class FilingSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    meeting_title = serializers.CharField(source="meeting.title", read_only=True)

    class Meta:
        model = MeetingFiling
        fields = [
            "id",
            "meeting",
            "meeting_title",
            "meeting_date",
            "filed_on",
            "filed_at",
            "qualification_review",
            "pre_review_publicity",
            "expert_draw",
            "pass_rate",
            "candidates",
            "cap",
            "note",
            "status",
            "status_display",
            "decided_at",
            "return_reason",
        ]
        read_only_fields = fields


class AttendanceSerializer(serializers.ModelSerializer):
    present = serializers.SerializerMethodField()
    quorate = serializers.SerializerMethodField()

    class Meta:
        model = MeetingAttendance
        fields = ["present", "panel_size", "quorum", "quorum_rule", "quorate", "recorded_at"]
        read_only_fields = fields

    def get_present(self, att) -> list[int]:
        return sorted(att.present.values_list("pk", flat=True))

    def get_quorate(self, att) -> bool:
        return att.present.count() >= att.quorum


class MeetingTallySerializer(serializers.ModelSerializer):
    class Meta:
        model = MeetingTally
        fields = ["application", "present", "approve", "oppose", "abstain", "required", "passed", "rule"]
        read_only_fields = fields


class MeetingDetailSerializer(MeetingSerializer):
    draw = serializers.SerializerMethodField()
    log = serializers.ListField(child=serializers.DictField(), read_only=True, help_text="办理记录（只追加）")
    filings = FilingSerializer(many=True, read_only=True)
    attendance = serializers.SerializerMethodField()
    tallies = MeetingTallySerializer(many=True, read_only=True)
    date_warnings = serializers.SerializerMethodField(help_text="会议日期的提醒：已不能按期报备、非工作日")

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "late_reason", "draw", "filings", "attendance", "tallies",
                  "date_warnings", "log"]  # fmt: skip
        read_only_fields = fields

    def get_draw(self, m) -> dict | None:
        draw = ExpertDraw.objects.filter(meeting=m).first()
        return None if draw is None else DrawSerializer(draw).data

    def get_attendance(self, m) -> dict | None:
        att = MeetingAttendance.objects.filter(meeting=m).first()
        return None if att is None else AttendanceSerializer(att).data

    def get_date_warnings(self, m) -> list[str]:
        from .services import meeting_date_check

        if m.status != Meeting.Status.PLANNED:
            return []
        return meeting_date_check(cycle=m.cycle, level=m.level, date=m.date, late_reason=m.late_reason)[1]


class MeetingCreateSerializer(serializers.Serializer):
    committee = serializers.PrimaryKeyRelatedField(queryset=Committee.objects.select_related("cycle"))
    series = serializers.PrimaryKeyRelatedField(queryset=Series.objects.all())
    level = serializers.PrimaryKeyRelatedField(queryset=Level.objects.all())
    date = serializers.DateField()
    place = serializers.CharField(max_length=200)
    pass_rate = serializers.DecimalField(max_digits=4, decimal_places=3, min_value=0, max_value=1)
    panel_size = serializers.IntegerField(min_value=1, max_value=99, default=7)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    late_reason = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default="", help_text="中级会议晚于完成期限时的理由"
    )


class CasesSerializer(serializers.Serializer):
    applications = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=500)


class DrawInputSerializer(serializers.Serializer):
    seed = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    size = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=99)


class ReplaceSerializer(serializers.Serializer):
    expert = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=2000)


class RescheduleSerializer(serializers.Serializer):
    date = serializers.DateField()
    reason = serializers.CharField(max_length=2000)
    late_reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class AttendanceInputSerializer(serializers.Serializer):
    present = serializers.ListField(
        child=serializers.IntegerField(min_value=1), max_length=99, help_text="到会专家编号"
    )


class TallyInputSerializer(serializers.Serializer):
    application = serializers.IntegerField(min_value=1)
    approve = serializers.IntegerField(min_value=0, max_value=99, help_text="赞成票")
    oppose = serializers.IntegerField(min_value=0, max_value=99, help_text="反对票")
    abstain = serializers.IntegerField(min_value=0, max_value=99, help_text="弃权票")


class TallyCountSerializer(serializers.Serializer):
    present = serializers.IntegerField()
    approvals = serializers.IntegerField()
    oppose = serializers.IntegerField()
    abstain = serializers.IntegerField()
    required = serializers.IntegerField()
    passed = serializers.BooleanField()


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class FilingReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="退回理由")


class VoteInputSerializer(serializers.Serializer):
    expert = serializers.IntegerField(min_value=1)
    approve = serializers.BooleanField()


class VotesSerializer(serializers.Serializer):
    application = serializers.IntegerField(min_value=1)
    votes = VoteInputSerializer(many=True, min_length=1, max_length=99)


class TallySerializer(serializers.Serializer):
    present = serializers.IntegerField()
    approvals = serializers.IntegerField()
    required = serializers.IntegerField()
    passed = serializers.BooleanField()


class VoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Vote
        fields = ["id", "application", "expert", "approve", "recorded_at"]
        read_only_fields = fields


class ResultSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="application.number", read_only=True)

    class Meta:
        model = MeetingResult
        fields = ["id", "application", "number", "present", "approvals", "required", "passed", "recorded_at"]
        read_only_fields = fields


class ExpertPoolSerializer(serializers.ModelSerializer):
    office = serializers.PrimaryKeyRelatedField(queryset=CommitteeOffice.objects.all())
    series = serializers.PrimaryKeyRelatedField(queryset=Series.objects.all())
    level = serializers.PrimaryKeyRelatedField(queryset=Level.objects.all())
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    class Meta:
        model = ExpertPool
        fields = ["id", "office", "series", "level", "name"]
        read_only_fields = ["id"]
        validators: list = []


class ExpertSerializer(serializers.ModelSerializer):
    pool = serializers.PrimaryKeyRelatedField(queryset=ExpertPool.objects.all())
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    active = serializers.BooleanField(read_only=True)
    id_number = serializers.CharField(
        max_length=18,
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="身份证号（选填，不回显）：本人为评审对象时回避",
    )

    class Meta:
        model = Expert
        fields = ["id", "pool", "name", "unit", "unit_name", "title", "specialty", "phone", "active", "id_number"]
        read_only_fields = ["id", "active"]


class ConflictInputSerializer(serializers.Serializer):
    application = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    unit = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    reason = serializers.CharField(max_length=300)


class ConflictSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExpertConflict
        fields = ["id", "expert", "application", "unit", "reason", "declared_at"]
        read_only_fields = fields


class ActiveSerializer(serializers.Serializer):
    active = serializers.BooleanField()
