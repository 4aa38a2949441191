from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import CalendarChange, CalendarDay, CalendarYear, User

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
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "name", "source")
    list_filter = ("is_workday",)
    date_hierarchy = "date"

    # Through the services, so that every open period is recomputed and the change recorded.
    def save_model(self, request, obj, form, change):
        from . import workdays

        if change and "date" in form.changed_data:
            workdays.calendar_day_delete(day=CalendarDay.objects.get(pk=obj.pk), actor=request.user)
        saved = workdays.calendar_day_set(date=obj.date, is_workday=obj.is_workday, name=obj.name, source=obj.source,
                                          actor=request.user)  # fmt: skip
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        from . import workdays

        workdays.calendar_day_delete(day=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(CalendarChange)
class CalendarChangeAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "summary", "source", "actor")


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "source", "imported_at")
