"""API of people and organisations (issue 13), under /api/v1/: registration, the applicant's own record
(/me/profile/), units (register, confirm, roles, staff, drafts on behalf, Excel import), windows, integrity
records and the 一票否决. Every change calls a service; a DomainError answers in the one error shape."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from organisations import services as orgs
from organisations.models import Department, Region, Unit
from zhicheng.api import RegisterThrottle
from zhicheng.errors import DomainError, NotFound, PermissionDenied
from zhicheng.roles import Role

from . import imports, integrity, people, selectors, services, windows
from . import permissions as perms
from .models import (
    ApplicantProfile,
    Application,
    ApplicationWindow,
    Committee,
    ContinuingEducation,
    Education,
    ExamPass,
    HeldTitle,
    InitialCycle,
    Level,
    ReviewCycle,
    Route,
    Series,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def parsed(serializer_class, request, **kwargs) -> dict:
    ser = serializer_class(data=request.data, **kwargs)
    ser.is_valid(raise_exception=True)
    return ser.validated_data


# ---------------------------------------------------------------- serializers


class RegisterSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, help_text="真实姓名")
    id_kind = serializers.ChoiceField(choices=ApplicantProfile.IdKind.choices, default="resident")
    id_number = serializers.CharField(max_length=30)
    work_permit_number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    birth_date = serializers.DateField(required=False, allow_null=True, default=None)
    phone = serializers.CharField(max_length=20)
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=128, write_only=True)


class StaffRegisterSerializer(RegisterSerializer):
    password = serializers.CharField(
        max_length=128, write_only=True, required=False, allow_blank=True, default="",
        help_text="留空则职工本人通过“找回密码”（电子邮箱）设置密码",
    )  # fmt: skip


class EducationSerializer(serializers.ModelSerializer):
    degree_display = serializers.CharField(source="get_degree_display", read_only=True)

    class Meta:
        model = Education
        fields = ["id", "degree", "degree_display", "graduated_on", "school", "major", "relevant", "chsi_code"]


class TitleSerializer(serializers.ModelSerializer):
    series_name = serializers.CharField(source="series.name", read_only=True)
    level_name = serializers.CharField(source="level.name", read_only=True)

    class Meta:
        model = HeldTitle
        fields = ["id", "series", "series_name", "level", "level_name", "obtained_on", "certificate_number",
                  "by_exam", "issuer", "obtained_elsewhere"]  # fmt: skip


class CeSerializer(serializers.ModelSerializer):
    hours = serializers.IntegerField(required=False, min_value=0)

    class Meta:
        model = ContinuingEducation
        fields = ["id", "year", "public_hours", "professional_hours", "hours"]


class ExamSerializer(serializers.ModelSerializer):
    series_name = serializers.CharField(source="series.name", read_only=True)
    level_name = serializers.CharField(source="level.name", read_only=True)

    class Meta:
        model = ExamPass
        fields = ["id", "series", "series_name", "level", "level_name", "passed_on", "valid_until",
                  "certificate_number"]  # fmt: skip


ENTRY_SERIALIZERS = {"educations": EducationSerializer, "titles": TitleSerializer, "ce_hours": CeSerializer,
                     "exams": ExamSerializer}  # fmt: skip


class ProfileSerializer(serializers.ModelSerializer):
    id_kind_display = serializers.CharField(source="get_id_kind_display", read_only=True)
    id_number = serializers.CharField(source="id_masked", read_only=True, help_text="掩码")
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), allow_null=True, required=False)
    unit_name = serializers.CharField(source="unit.name", read_only=True, default="")
    educations = EducationSerializer(many=True, read_only=True)
    titles = TitleSerializer(many=True, read_only=True)
    ce_hours = CeSerializer(many=True, read_only=True)
    exams = ExamSerializer(many=True, read_only=True)

    class Meta:
        model = ApplicantProfile
        fields = ["id", "name", "id_kind", "id_kind_display", "id_number", "work_permit_number", "birth_date",
                  "phone", "residence", "employment", "unit", "unit_name", "employed_since", "work_started_on",
                  "is_civil_servant", "is_retired", "is_public_institution_staff", "sanction_until",
                  "social_security_queryable", "educations", "titles", "ce_hours", "exams"]  # fmt: skip
        read_only_fields = ["id", "id_kind", "name"]


@extend_schema_serializer(component_name="UnitRecord")
class UnitSerializer(serializers.ModelSerializer):
    ownership_display = serializers.CharField(source="get_ownership_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True, default="")
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "name", "credit_code", "ownership", "ownership_display", "is_private_enterprise", "region",
                  "region_name", "department", "department_name", "address", "contact_phone", "state",
                  "state_display"]  # fmt: skip
        read_only_fields = ["state"]


class UnitRegisterSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    credit_code = serializers.CharField(max_length=30)
    ownership = serializers.ChoiceField(choices=Unit.Ownership.choices)
    is_private_enterprise = serializers.BooleanField(default=False)
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), allow_null=True, default=None)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    admin_username = serializers.CharField(max_length=150, required=False, help_text="未登录注册时：单位管理员账号")
    admin_name = serializers.CharField(max_length=50, required=False, default="")
    admin_password = serializers.CharField(max_length=128, required=False, default="", write_only=True)
    admin_phone = serializers.CharField(max_length=20, required=False, default="")
    admin_email = serializers.CharField(max_length=254, required=False, default="")


class RoleGrantSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=[(r.value, r.label) for r in orgs.UNIT_ROLES])
    username = serializers.CharField(max_length=150)
    name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="",
                                 help_text="新建账号时填写")  # fmt: skip
    password = serializers.CharField(max_length=128, required=False, allow_blank=True, default="", write_only=True)


class DraftSerializer(serializers.Serializer):
    applicant = serializers.PrimaryKeyRelatedField(queryset=ApplicantProfile.objects.all(), help_text="本单位职工")
    route = serializers.ChoiceField(choices=Route.choices, default=Route.REVIEW)
    series = serializers.PrimaryKeyRelatedField(queryset=Series.objects.all())
    level = serializers.PrimaryKeyRelatedField(queryset=Level.objects.all())
    cycle = serializers.IntegerField(required=False, allow_null=True, help_text="年度，默认当年")


class WindowSerializer(serializers.Serializer):
    committee = serializers.PrimaryKeyRelatedField(queryset=Committee.objects.all())
    start = serializers.DateField()
    end = serializers.DateField()
    document_number = serializers.CharField(max_length=100, help_text="发布文件的文号")


class IntegritySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=30)
    finding = serializers.CharField(max_length=2000)
    source_document = serializers.CharField(max_length=200)
    found_on = serializers.DateField()


class VetoSerializer(serializers.Serializer):
    finding = serializers.CharField(max_length=2000)
    source_document = serializers.CharField(max_length=200)


# ---------------------------------------------------------------- registration and the record


class RegisterView(APIView):
    """A person registers and receives a token: sign in afterwards with the ID number or phone and the password."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [RegisterThrottle]

    @extend_schema(request=RegisterSerializer, responses={201: ProfileSerializer}, auth=[], summary="申报人注册")
    def post(self, request):
        data = parsed(RegisterSerializer, request)
        profile = people.applicant_register(**data)
        token, _ = Token.objects.get_or_create(user=profile.user)
        body = ProfileSerializer(profile).data
        return Response({**body, "username": profile.user.username, "token": token.key}, status=201)


def own_profile(user) -> ApplicantProfile:
    profile = ApplicantProfile.objects.filter(user=user).first()
    if profile is None:
        raise NotFound("no_profile", "该账号没有申报人信息：请先注册（POST /api/v1/auth/register/）")
    return profile


def profile_for(request, pk=None) -> ApplicantProfile:
    if pk is None:
        return own_profile(request.user)
    profile = ApplicantProfile.objects.filter(pk=pk).first()
    if profile is None or not people.can_edit_profile(request.user, profile):
        raise NotFound("not_found", "申报人不存在或您无权查看")
    return profile


def _profile_payload(profile):
    profile = ApplicantProfile.objects.prefetch_related(
        "educations", "titles__series", "titles__level", "ce_hours", "exams__series", "exams__level"
    ).get(pk=profile.pk)
    return ProfileSerializer(profile).data


class ProfileView(APIView):
    """个人信息: GET the whole record; PATCH the basic fields (changes after a submission reach the reviewer)."""

    @extend_schema(responses=ProfileSerializer, summary="我的个人信息")
    def get(self, request, id=None):
        return Response(_profile_payload(profile_for(request, id)))

    @extend_schema(request=ProfileSerializer, responses=ProfileSerializer, summary="修改个人信息")
    def patch(self, request, id=None):
        profile = profile_for(request, id)
        ser = ProfileSerializer(profile, data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        values = {k: v for k, v in ser.validated_data.items() if k in people.PROFILE_FIELDS}
        people.profile_update(profile=profile, actor=request.user, **values)
        return Response(_profile_payload(profile))


class ProfileEntriesView(APIView):
    """POST one education / title / CE year / exam pass to the record (kind: educations, titles, ce_hours, exams)."""

    @extend_schema(
        request=EducationSerializer, responses={201: EducationSerializer}, summary="新增学历/职称/继续教育/考试记录"
    )
    def post(self, request, id=None, kind=""):
        if kind not in ENTRY_SERIALIZERS:
            raise NotFound("not_found", "没有这类记录")
        profile = profile_for(request, id)
        data = parsed(ENTRY_SERIALIZERS[kind], request)
        entry = people.profile_entry_save(profile=profile, actor=request.user, kind=kind, values=dict(data))
        return Response(ENTRY_SERIALIZERS[kind](entry).data, status=201)


class ProfileEntryView(APIView):
    def _entry(self, request, kind, entry_id):
        if kind not in ENTRY_SERIALIZERS:
            raise NotFound("not_found", "没有这类记录")
        profile = profile_for(request, None)
        model = people.ENTRIES[kind][0]
        entry = model.objects.filter(pk=entry_id, profile=profile).first()
        if entry is None:
            raise NotFound("not_found", "记录不存在")
        return profile, entry

    @extend_schema(request=EducationSerializer, responses=EducationSerializer, summary="修改一条记录")
    def patch(self, request, id, kind=""):
        profile, entry = self._entry(request, kind, id)
        ser = ENTRY_SERIALIZERS[kind](entry, data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        entry = people.profile_entry_save(
            profile=profile, actor=request.user, kind=kind, values=dict(ser.validated_data), entry=entry
        )
        return Response(ENTRY_SERIALIZERS[kind](entry).data)

    @extend_schema(request=None, responses={204: None}, summary="删除一条记录")
    def delete(self, request, id, kind=""):
        profile, entry = self._entry(request, kind, id)
        people.profile_entry_delete(profile=profile, actor=request.user, kind=kind, entry=entry)
        return Response(status=204)


# ---------------------------------------------------------------- units


def visible_units(user):
    """Units a user acts for or over: their own (any unit role), their department's, all for the supervisor."""
    qs = Unit.objects.select_related("region", "department").order_by("pk")
    if perms.is_supervisor(user):
        return qs
    q = Q(pk__in=[])
    for m in perms.memberships(user):
        if m.unit_id:
            q |= Q(pk=m.unit_id)
        if m.role == Role.DEPT_REVIEWER:
            q |= Q(department_id=m.department_id)
    return qs.filter(q)


def unit_for(request, pk) -> Unit:
    unit = visible_units(request.user).filter(pk=pk).first()
    if unit is None:
        raise NotFound("not_found", "单位不存在或您无权查看")
    return unit


class UnitsView(APIView):
    @extend_schema(
        responses=inline_serializer("UnitList", {"results": UnitSerializer(many=True)}),
        summary="我所在或所辖的单位（市职称办：全部）",
    )
    def get(self, request):
        return Response({"next": None, "previous": None, "results": UnitSerializer(visible_units(request.user),
                                                                                   many=True).data})  # fmt: skip


class UnitRegisterView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [RegisterThrottle]

    @extend_schema(
        request=UnitRegisterSerializer,
        responses={201: UnitSerializer},
        summary="单位注册：已登录者成为单位管理员；未登录时同时创建管理员账号（admin_*），返回其令牌",
    )
    def post(self, request):
        data = parsed(UnitRegisterSerializer, request)
        account = {k[len("admin_") :]: data.pop(k) for k in list(data) if k.startswith("admin_")}
        unit, token = unit_register_with_admin(actor=request.user, account=account, **data)
        return Response({**UnitSerializer(unit).data, **({"token": token} if token else {})}, status=201)


def unit_register_with_admin(*, actor, account: dict, **unit_fields):
    """The signed-in user registers the unit; an anonymous caller names the administrator account to create."""
    from django.db import transaction

    with transaction.atomic():
        token = None
        if not actor.is_authenticated:
            if not account.get("username"):
                raise DomainError(
                    "admin_required",
                    "未登录注册单位时须填写单位管理员账号、姓名和密码",
                    fields={"admin_username": ["必填"]},
                )
            actor = orgs.account_create(
                username=account["username"],
                name=account.get("name", ""),
                password=account.get("password", ""),
                phone=account.get("phone", ""),
                email=account.get("email", ""),
            )
            token = Token.objects.create(user=actor).key
        unit = orgs.unit_register(actor=actor, **unit_fields)
    return unit, token


class UnitConfirmView(APIView):
    @extend_schema(request=None, responses=UnitSerializer, summary="主管部门（或人社部门）确认单位")
    def post(self, request, id):
        unit = orgs.unit_confirm(unit=unit_for(request, id), actor=request.user)
        return Response(UnitSerializer(unit).data)


class UnitRolesView(APIView):
    @extend_schema(
        responses=inline_serializer(
            "UnitMember",
            {"username": serializers.CharField(), "name": serializers.CharField(), "role": serializers.CharField()},
            many=True,
        ),  # fmt: skip
        summary="本单位人员与角色",
    )
    def get(self, request, id):
        unit = unit_for(request, id)
        members = unit.rolemembership_set.select_related("user").order_by("role", "user__username")
        return Response([{"username": m.user.username, "name": m.user.display_name, "role": m.role} for m in members])

    @extend_schema(request=RoleGrantSerializer, responses={201: None}, summary="单位管理员指定审核人/人事经办人")
    def post(self, request, id):
        unit = unit_for(request, id)
        data = parsed(RoleGrantSerializer, request)
        user = grantee(actor=request.user, unit=unit, **{k: data[k] for k in ("username", "name", "password")})
        orgs.unit_role_grant(unit=unit, actor=request.user, user=user, role=data["role"])
        return Response({"username": user.username, "role": data["role"]}, status=201)


def grantee(*, actor, unit, username: str, name: str, password: str):
    """The named user, or a new account when a name and password are given (the unit administrator's act)."""
    if not (orgs.is_unit_admin(actor, unit) or perms.is_supervisor(actor)):
        raise PermissionDenied("forbidden", f"只有「{unit.name}」的单位管理员可以指定本单位人员")
    user = get_user_model().objects.filter(username=username.strip()).first()
    if user is not None:
        return user
    if not name.strip() or not password:
        raise DomainError("user_not_found", f"用户「{username}」不存在；新建账号请同时填写姓名和初始密码")
    return orgs.account_create(username=username, name=name, password=password)


class UnitStaffView(APIView):
    """The unit's staff (applicant records); POST registers a member of staff on their behalf (seed 000 四)."""

    @extend_schema(responses=ProfileSerializer(many=True), summary="本单位职工")
    def get(self, request, id):
        unit = unit_for(request, id)
        if not (orgs.is_unit_hr(request.user, unit) or orgs.is_unit_admin(request.user, unit)):
            raise PermissionDenied("forbidden", "只有本单位人事经办人或单位管理员可以查看职工名单")
        staff = ApplicantProfile.objects.filter(unit=unit).order_by("pk")
        return Response(ProfileSerializer(staff, many=True).data)

    @extend_schema(
        request=StaffRegisterSerializer, responses={201: ProfileSerializer}, summary="为本单位职工登记（代为申报）"
    )
    def post(self, request, id):
        unit = unit_for(request, id)
        if not orgs.is_unit_hr(request.user, unit):
            raise PermissionDenied("forbidden", "只有本单位（本人事代理机构）的人事经办人可以代为登记职工")
        data = parsed(StaffRegisterSerializer, request)
        password = data.pop("password")
        profile = people.applicant_register(
            **data, password=password, password_usable=bool(password), unit=unit, actor=request.user
        )
        return Response(ProfileSerializer(profile).data, status=201)


class UnitDraftsView(APIView):
    @extend_schema(
        request=DraftSerializer, responses={201: None}, summary="为本单位职工创建申报草稿（职工本人签署承诺后提交）"
    )
    def post(self, request, id):
        unit_for(request, id)
        data = parsed(DraftSerializer, request)
        app = draft_for(actor=request.user, **data)
        return Response({"id": app.pk, "number": app.number, "status": app.status}, status=201)


def draft_for(*, actor, applicant, route, series, level, cycle=None):
    from .apis import today

    year = cycle or today().year
    model = ReviewCycle if route == Route.REVIEW else InitialCycle
    found = model.objects.filter(year=year).first()
    if found is None:
        raise DomainError("no_cycle", f"{year}年度尚未开放{Route(route).label}")
    key = "review_cycle" if route == Route.REVIEW else "initial_cycle"
    return services.application_create(
        actor=actor, applicant=applicant, route=route, series=series, level=level, **{key: found}
    )


class UnitStaffImportView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": {"type": "object", "properties": {"file": {"type": "string",
                   "format": "binary"}}}}, responses={201: None}, summary="Excel 批量导入本单位职工")  # fmt: skip
    def post(self, request, id):
        unit = unit_for(request, id)
        upload = request.FILES.get("file")
        if upload is None:
            raise DomainError("file_required", "请上传 Excel 文件（.xlsx）")
        count = imports.staff_import(actor=request.user, unit=unit, data=upload.read())
        return Response({"imported": count}, status=201)


class UnitsImportView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": {"type": "object", "properties": {"file": {"type": "string",
                   "format": "binary"}}}}, responses={201: None}, summary="Excel 批量导入单位（市职称办）")  # fmt: skip
    def post(self, request):
        if not perms.is_supervisor(request.user):
            raise PermissionDenied("forbidden", "只有市职称办可以批量导入单位")
        upload = request.FILES.get("file")
        if upload is None:
            raise DomainError("file_required", "请上传 Excel 文件（.xlsx）")
        return Response({"imported": imports.units_import(actor=request.user, data=upload.read())}, status=201)


class ImportTemplateView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses={(200, XLSX): bytes}, summary="下载导入模板（units 或 staff）")
    def get(self, request, which):
        if which not in ("units", "staff"):
            raise NotFound("not_found", "没有这个模板")
        return template_response(which)


def template_response(which: str) -> HttpResponse:
    columns, title = (imports.UNIT_COLUMNS, "单位") if which == "units" else (imports.STAFF_COLUMNS, "职工")
    response = HttpResponse(imports.template(columns, title), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{which}_template.xlsx"'
    return response


# ---------------------------------------------------------------- windows, integrity


def window_rows(cycle: ReviewCycle | None = None) -> list[dict]:
    """Every committee line of the cycle with its window(s), office, phone and address (the public list)."""
    from .windows import committee_windows, describe

    cycle = cycle or current_cycle()
    if cycle is None:
        return []
    rows = []
    lines = (
        Committee.objects.filter(cycle=cycle).select_related("office", "cycle").prefetch_related("windows", "levels")
    )
    for line in lines.order_by("row", "entry"):
        shown = committee_windows(line)
        rows.append({
            "committee": line.pk,
            "row": line.row,
            "label": line.label,
            "area": line.area,
            "levels": "、".join(lv.name for lv in line.levels.all()),
            "by_notice": line.by_notice,
            "windows": [{"start": w.start, "end": w.end, "document_number": w.document_number} for w in shown],
            "window_text": describe(shown) or ("依据文件时间申报（待办事机构发布）" if line.by_notice else "—"),
            "office": line.office.name,
            "phones": line.phones or line.office.phones,
            "address": line.office.address,
        })  # fmt: skip
    return rows


def current_cycle():
    from .apis import today

    return ReviewCycle.objects.filter(year=today().year).first() or ReviewCycle.objects.order_by("-year").first()


class PublicWindowsView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(auth=[], responses=OpenApiTypes.OBJECT, summary="各评委会网络申报时间、受理机构、电话与地址（公开）")
    def get(self, request):
        year = request.query_params.get("cycle")
        cycle = ReviewCycle.objects.filter(year=int(year)).first() if year and year.isdigit() else None
        if year and cycle is None:
            raise NotFound("no_cycle", f"{year}年度不存在")
        cycle = cycle or current_cycle()
        body = {"cycle": cycle.year if cycle else None, "cycle_name": cycle.name if cycle else "",
                "is_demo": bool(cycle and cycle.is_demo), "rows": window_rows(cycle)}  # fmt: skip
        return Response(body)


class WindowsView(APIView):
    @extend_schema(
        request=WindowSerializer, responses={201: None}, summary="办事机构发布“依据文件时间申报”的网络申报时间"
    )
    def post(self, request):
        named = request.data.get("committee") if hasattr(request.data, "get") else None
        committee = (
            Committee.objects.filter(pk=named).select_related("office").first() if str(named).isdigit() else None
        )
        if committee is None and not perms.has_role(request.user, Role.COMMITTEE_CLERK):
            raise PermissionDenied("forbidden", "只有评委会办事机构经办人可以发布网络申报时间")
        if committee is not None and not windows.can_publish_window(request.user, committee):
            raise PermissionDenied("forbidden", f"只有{committee.office.name}的经办人可以发布该评委会的网络申报时间")
        data = parsed(WindowSerializer, request)
        window = windows.window_publish(actor=request.user, **data)
        return Response(
            {"id": window.pk, "committee": window.committee_id, "start": window.start, "end": window.end,
             "document_number": window.document_number}, status=201)  # fmt: skip


class IntegrityRecordsView(APIView):
    @extend_schema(request=IntegritySerializer, responses={201: None}, summary="市职称办录入外部认定的诚信档案")
    def post(self, request):
        if not perms.is_supervisor(request.user):
            raise PermissionDenied("forbidden", "只有市职称办可以记入诚信档案")
        record = integrity.integrity_record_create(actor=request.user, **parsed(IntegritySerializer, request))
        return Response({"id": record.pk, "expires_on": record.expires_on}, status=201)


class FraudVetoView(APIView):
    @extend_schema(request=VetoSerializer, responses={200: None}, summary="一票否决：不予通过并记入诚信档案")
    def post(self, request, id):
        app = selectors.application_get(user=request.user, pk=id)
        if app is None:
            raise NotFound("not_found", "申报不存在或您无权查看")
        app = integrity.application_fraud_veto(application=app, actor=request.user, **parsed(VetoSerializer, request))
        return Response({"id": app.pk, "status": app.status})


__all__ = ["ApplicationWindow", "Application"]
