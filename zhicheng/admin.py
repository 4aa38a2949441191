from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import CalendarDay, CalendarYear, User

admin.site.site_header = "职称评审业务系统"
admin.site.site_title = "职称评审业务系统"
admin.site.index_title = "后台管理"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of acts: shown to staff, changed only through the services, never by editing rows."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("联系方式", {"fields": ("phone",)}),)
    list_display = ("username", "last_name", "first_name", "phone", "is_staff")


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    """Calendar changes reach every running period, so they go through the calendar services (page and API), which
    recompute and record them; the admin only shows the days."""

    list_display = ("date", "is_workday", "name", "source")
    list_filter = ("is_workday",)
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    list_display = ("year", "source", "imported_at")
