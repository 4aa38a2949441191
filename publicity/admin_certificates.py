"""Admin for publications and certificates: read-only, they change only through publicity.certificates.

Loaded by `from . import admin_certificates  # noqa: F401` at the end of publicity/admin.py.
"""

from django.contrib import admin

from zhicheng.admin import ReadOnlyAdmin

from .models_certificates import Certificate, Publication


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ["document_number", "title", "date", "issuer", "tier"]
    search_fields = ["document_number", "title"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "holder_name", "series", "level", "qualified_on", "issuer", "status"]
    list_filter = ["status", "level"]
    search_fields = ["number", "holder_name"]
