from django.contrib import admin

from zhicheng.admin import ReadOnlyAdmin

from .models import (
    Expert,
    ExpertConflict,
    ExpertDraw,
    ExpertPool,
    FilingDeadline,
    Meeting,
    MeetingAttendance,
    MeetingFiling,
    MeetingResult,
    MeetingTally,
    Vote,
)


class ExpertInline(admin.TabularInline):
    model = Expert
    extra = 0
    fields = ["name", "unit", "unit_name", "title", "specialty", "phone", "active"]


@admin.register(ExpertPool)
class ExpertPoolAdmin(admin.ModelAdmin):
    list_display = ["__str__", "office", "series", "level"]
    list_filter = ["office", "level"]
    inlines = [ExpertInline]


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["name", "pool", "unit", "title", "active"]
    list_filter = ["pool", "active"]
    search_fields = ["name", "unit__name", "unit_name"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["title", "date", "place", "office", "status", "pass_rate"]
    list_filter = ["status", "office"]
    date_hierarchy = "date"


@admin.register(ExpertDraw)
class ExpertDrawAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "seed", "size", "drawn_by", "drawn_at"]


@admin.register(MeetingFiling)
class MeetingFilingAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "meeting_date", "filed_on", "status", "cap", "decided_by"]
    list_filter = ["status"]


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "application", "expert", "approve"]


@admin.register(MeetingResult)
class MeetingResultAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "application", "present", "approvals", "required", "passed"]
    list_filter = ["passed"]


@admin.register(ExpertConflict)
class ExpertConflictAdmin(ReadOnlyAdmin):
    list_display = ["expert", "application", "unit", "reason", "declared_by", "declared_at"]


@admin.register(MeetingAttendance)
class MeetingAttendanceAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "panel_size", "quorum", "recorded_by", "recorded_at"]


@admin.register(MeetingTally)
class MeetingTallyAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "application", "present", "approve", "oppose", "abstain", "required", "passed"]


@admin.register(FilingDeadline)
class FilingDeadlineAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "due_at", "reminded_at", "alerted_at", "filed_at", "accepted_at"]
    list_select_related = ["meeting"]
