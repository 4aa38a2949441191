"""The admin shows organisations, roles and their change trail; it changes them only through the services (issue 13
item 3): rows are read-only, and the one action (confirm a unit) calls `services.unit_confirm` with the signed-in
user."""

from django.contrib import admin, messages

from zhicheng.admin import ReadOnlyAdmin
from zhicheng.errors import DomainError

from . import services
from .models import CommitteeOffice, Department, OrgEvent, RoleMembership, Unit


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("name", "credit_code", "ownership", "is_private_enterprise", "region", "department", "state")
    list_filter = ("state", "ownership", "region")
    search_fields = ("name", "credit_code")
    actions = ["confirm"]

    @admin.action(description="确认所选单位（主管部门或市职称办）")
    def confirm(self, request, queryset):
        for unit in queryset.filter(state=Unit.State.PENDING):
            try:
                services.unit_confirm(unit=unit, actor=request.user)
            except DomainError as exc:
                self.message_user(request, f"{unit.name}：{exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"已确认 {unit.name}")

    def has_change_permission(self, request, obj=None):
        return obj is None and request.user.is_staff  # the changelist (for the action), never the row form


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "region")
    list_filter = ("kind", "region")


@admin.register(CommitteeOffice)
class CommitteeOfficeAdmin(ReadOnlyAdmin):
    list_display = ("name", "phones", "address", "is_association")


@admin.register(RoleMembership)
class RoleMembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "role", "unit", "department", "office")
    list_filter = ("role",)
    search_fields = ("user__username",)


@admin.register(OrgEvent)
class OrgEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "target_label", "actor_name")
    list_filter = ("action",)
