from django.contrib import admin, messages

from applications.deadlines import provisional_waiting
from zhicheng.admin import ReadOnlyAdmin

from .models import Objection, Publicity, PublicityEntry


class EntryInline(admin.TabularInline):
    model = PublicityEntry
    extra = 0
    fields = ["application", "left_at", "outcome"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Publicity)
class PublicityAdmin(ReadOnlyAdmin):
    """Read-only: publicities start and close through the services, never by editing rows."""

    list_display = ["title", "kind", "starts_on", "last_day", "provisional", "closed_at"]
    list_filter = ["kind", "provisional", ("closed_at", admin.EmptyFieldListFilter)]
    search_fields = ["title"]
    inlines = [EntryInline]

    def changelist_view(self, request, extra_context=None):
        for row in provisional_waiting():
            messages.warning(
                request,
                f"{row['cases']} 件申报的期限落在 {row['year']} 年，该年度放假安排尚未导入，期限暂定、不会到期。",
            )
        return super().changelist_view(request, extra_context)


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    """Staff only. The objector's name and contact are private: never shown on public pages. Decided through
    publicity.services.objection_decide, not here."""

    list_display = ["__str__", "application", "publicity", "filed_at", "status", "decided_at"]
    list_filter = ["status"]


from . import admin_certificates  # noqa: E402,F401
