"""The admin shows applicants and integrity records read-only (issue 13 item 3); organisations and roles are in
organisations/admin.py."""

from django.contrib import admin

from zhicheng.admin import ReadOnlyAdmin

from .models import ApplicantProfile, IntegrityRecord


@admin.register(ApplicantProfile)
class ApplicantProfileAdmin(ReadOnlyAdmin):
    list_display = ("name", "id_kind", "id_masked", "unit", "phone")
    search_fields = ("name",)
    exclude = ("id_number", "id_hash")


@admin.register(IntegrityRecord)
class IntegrityRecordAdmin(ReadOnlyAdmin):
    list_display = ("name", "found_on", "expires_on", "source_document", "created_by")
