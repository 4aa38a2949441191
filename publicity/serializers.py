"""API shapes of publicities, objections, publications and certificates. The public shapes carry only what the
notices publish (name, unit, series, specialty, level) — never an ID number or contact details."""

from __future__ import annotations

from rest_framework import serializers

from zhicheng.api import LeanRepresentation

from .models import Certificate, Objection, Publication, Publicity, PublicityEntry


class PublicityEntrySerializer(serializers.ModelSerializer):
    application = serializers.IntegerField(source="application_id")
    number = serializers.CharField(source="application.number")
    name = serializers.CharField(source="application.applicant.name")
    unit = serializers.CharField(source="application.unit.name")
    series = serializers.CharField(source="application.series.name")
    level = serializers.CharField(source="application.level.name")
    status = serializers.CharField(source="application.status")

    class Meta:
        model = PublicityEntry
        fields = ["id", "application", "number", "name", "unit", "series", "level", "status", "left_at", "outcome"]
        read_only_fields = fields


class PublicitySerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, default=None)
    office_name = serializers.CharField(source="office.name", read_only=True, default=None)

    class Meta:
        model = Publicity
        fields = [
            "id",
            "kind",
            "kind_display",
            "title",
            "unit",
            "unit_name",
            "office",
            "office_name",
            "starts_on",
            "working_days",
            "last_day",
            "ends_at",
            "provisional",
            "created_at",
            "closed_at",
        ]
        read_only_fields = fields


class PublicityDetailSerializer(PublicitySerializer):
    entries = PublicityEntrySerializer(source="visible_entries", many=True, read_only=True)

    class Meta(PublicitySerializer.Meta):
        fields = [*PublicitySerializer.Meta.fields, "entries"]
        read_only_fields = fields


class PublicityStartSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Publicity.Kind.choices)
    applications = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=500)
    start = serializers.DateField(required=False, allow_null=True, help_text="默认今天，不得早于今天")
    working_days = serializers.IntegerField(required=False, allow_null=True, min_value=5, max_value=30)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class PublicityPeriodSerializer(serializers.Serializer):
    start = serializers.DateField(required=False, allow_null=True, help_text="默认今天，不得早于今天")
    working_days = serializers.IntegerField(required=False, allow_null=True, min_value=5, max_value=30)


class ObjectionSerializer(serializers.ModelSerializer):
    """For the clerk who investigates (and the supervisor): the objector's name and contact are shown to them only."""

    status_display = serializers.CharField(source="get_status_display", read_only=True)
    number = serializers.CharField(source="application.number", read_only=True)
    applicant_name = serializers.CharField(source="application.applicant.name", read_only=True)

    class Meta:
        model = Objection
        fields = [
            "id",
            "publicity",
            "application",
            "number",
            "applicant_name",
            "name",
            "contact",
            "content",
            "filed_at",
            "status",
            "status_display",
            "decided_at",
            "decision_reason",
        ]
        read_only_fields = fields


class ObjectionDecideSerializer(serializers.Serializer):
    upheld = serializers.BooleanField(help_text="true：异议成立，终止申报；false：异议不成立")
    reason = serializers.CharField(max_length=4000, help_text="调查结论")


class PublicEntrySerializer(LeanRepresentation, serializers.ModelSerializer):
    """One line of a current 公示 as the notices publish it."""

    name = serializers.CharField(source="application.applicant.name")
    unit = serializers.CharField(source="application.unit.name")
    series = serializers.CharField(source="application.series.name")
    specialty = serializers.CharField(source="application.specialty.name", default="")
    level = serializers.CharField(source="application.level.name")
    publicity_title = serializers.CharField(source="publicity.title")
    publicity_kind = serializers.CharField(source="publicity.get_kind_display")
    publisher = serializers.SerializerMethodField()
    starts_on = serializers.DateField(source="publicity.starts_on")
    last_day = serializers.DateField(source="publicity.last_day")

    class Meta:
        model = PublicityEntry
        fields = [
            "id",
            "name",
            "unit",
            "series",
            "specialty",
            "level",
            "publicity_title",
            "publicity_kind",
            "publisher",
            "starts_on",
            "last_day",
        ]
        read_only_fields = fields

    def get_publisher(self, entry) -> str:
        pub = entry.publicity
        return pub.office.name if pub.office_id else (pub.unit.name if pub.unit_id else "")


class PublicObjectionSerializer(serializers.Serializer):
    entry = serializers.IntegerField(min_value=1, help_text="公示名单中的条目编号（id）")
    name = serializers.CharField(max_length=50, help_text="异议人实名（不公开）")
    contact = serializers.CharField(max_length=100, help_text="联系方式（不公开）")
    content = serializers.CharField(max_length=4000)


class PublicObjectionReceiptSerializer(serializers.Serializer):
    message = serializers.CharField()
    receipt = serializers.CharField(help_text="受理回执号：凭它在公示页面查询异议办理进度")
    status_url = serializers.CharField(help_text="异议办理进度页面")


class CertificatePublicSerializer(serializers.Serializer):
    number = serializers.CharField()
    holder_name = serializers.CharField()
    series = serializers.CharField()
    specialty = serializers.CharField(allow_blank=True)
    level = serializers.CharField()
    qualified_on = serializers.DateField()
    issuer = serializers.CharField()
    document_number = serializers.CharField()
    status = serializers.CharField()
    valid = serializers.BooleanField()


class CertificateSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    pdf = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "number",
            "application",
            "holder_name",
            "series",
            "specialty",
            "level",
            "qualified_on",
            "issuer",
            "document_number",
            "status",
            "status_display",
            "issued_at",
            "revoked_at",
            "pdf",
        ]
        read_only_fields = fields

    def get_pdf(self, cert) -> str:
        return f"/api/v1/certificates/{cert.pk}/pdf/"


class PublicationSerializer(serializers.ModelSerializer):
    applications = serializers.SerializerMethodField()

    class Meta:
        model = Publication
        fields = ["id", "document_number", "title", "date", "issuer", "tier", "applications", "created_at"]
        read_only_fields = fields

    def get_applications(self, pub) -> list[int]:
        # Only the cases the reader may see (prefetched as `visible_apps`).
        return [a.pk for a in getattr(pub, "visible_apps", [])]


class PublicationCreateSerializer(serializers.Serializer):
    document_number = serializers.CharField(max_length=100)
    date = serializers.DateField()
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    applications = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=1000)


class InitialApproveSerializer(serializers.Serializer):
    document_number = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text="最终核准时必填（发文文号）"
    )
    date = serializers.DateField(required=False, allow_null=True)
