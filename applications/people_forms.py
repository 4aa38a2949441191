"""Forms of the people and organisation pages (issue 13). They only shape input; the services hold every rule."""

from __future__ import annotations

from django import forms

from organisations.models import Department, Region, Unit
from organisations.services import UNIT_ROLES

from .documents import ASSOCIATION, current_cite
from .models import ApplicantProfile, Committee, ContinuingEducation, Education, ExamPass, HeldTitle, Route

DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class RegisterForm(forms.Form):
    name = forms.CharField(label="真实姓名", max_length=50)
    id_kind = forms.ChoiceField(label="证件类型", choices=ApplicantProfile.IdKind.choices)
    id_number = forms.CharField(label="证件号码", max_length=30)
    work_permit_number = forms.CharField(label="外国人来华工作许可证号（持护照者必填）", max_length=30, required=False)
    birth_date = forms.DateField(label="出生日期（非居民身份证必填）", required=False, **DATE)
    phone = forms.CharField(label="手机号", max_length=20)
    email = forms.CharField(label="电子邮箱（用于找回密码）", max_length=254)
    password = forms.CharField(label="登录密码", widget=forms.PasswordInput, required=False)
    password2 = forms.CharField(label="再次输入密码", widget=forms.PasswordInput, required=False)

    def clean(self):
        data = super().clean()
        if data.get("password") != data.get("password2"):
            self.add_error("password2", "两次输入的密码不一致")
        return data


class StaffForm(RegisterForm):
    """HR registers a member of staff; without a password the person sets one through 找回密码."""

    password = forms.CharField(label="初始密码（可留空，由职工本人通过电子邮箱设置）", widget=forms.PasswordInput,
                               required=False)  # fmt: skip
    password2 = forms.CharField(label="再次输入初始密码", widget=forms.PasswordInput, required=False)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = ApplicantProfile
        fields = ["phone", "residence", "employment", "unit", "employed_since", "work_started_on", "birth_date",
                  "work_permit_number", "is_civil_servant", "is_retired", "is_public_institution_staff",
                  "sanction_until", "social_security_queryable"]  # fmt: skip
        widgets = {
            "employed_since": DATE["widget"],
            "work_started_on": DATE["widget"],
            "birth_date": DATE["widget"],
            "sanction_until": DATE["widget"],
        }
        labels = {
            "is_retired": "本人已离退休（不得申报）",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The rules cited are those of the cycles a new application would use (cycle data, not code).
        barred = current_cite(Route.REVIEW, "一(三)")
        sanction = current_cite(Route.INITIAL, "一(三)", ASSOCIATION)
        self.fields["is_civil_servant"].label = f"本人是公务员或参照公务员法管理人员（不得申报，{barred}）"
        self.fields["sanction_until"].label = f"党纪政务行政处分影响期至（无则留空；影响期内不得初定，{sanction}）"
        self.fields["unit"].queryset = Unit.objects.filter(state=Unit.State.CONFIRMED).order_by("name")
        self.fields["unit"].empty_label = "请选择已确认的单位"


class EducationForm(forms.ModelForm):
    class Meta:
        model = Education
        fields = ["degree", "graduated_on", "school", "major", "relevant", "chsi_code"]
        widgets = {"graduated_on": DATE["widget"]}
        labels = {"chsi_code": "学信网在线验证码（学籍/学历验证报告上的验证码）"}


class TitleForm(forms.ModelForm):
    class Meta:
        model = HeldTitle
        fields = ["series", "level", "obtained_on", "certificate_number", "issuer", "by_exam", "obtained_elsewhere"]
        widgets = {"obtained_on": DATE["widget"]}


class CeForm(forms.ModelForm):
    class Meta:
        model = ContinuingEducation
        fields = ["year", "public_hours", "professional_hours"]


class ExamForm(forms.ModelForm):
    class Meta:
        model = ExamPass
        fields = ["series", "level", "passed_on", "valid_until", "certificate_number"]
        widgets = {"passed_on": DATE["widget"], "valid_until": DATE["widget"]}


ENTRY_FORMS = {"educations": EducationForm, "titles": TitleForm, "ce_hours": CeForm, "exams": ExamForm}


class UnitRegisterForm(forms.Form):
    name = forms.CharField(label="单位名称", max_length=200)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=30)
    ownership = forms.ChoiceField(label="单位性质", choices=Unit.Ownership.choices)
    is_private_enterprise = forms.BooleanField(label="民营企业", required=False)
    region = forms.ModelChoiceField(label="所在地区", queryset=Region.objects.all(), empty_label="请选择地区")
    department = forms.ModelChoiceField(
        label="行业主管部门（没有则留空，由所在地区人社部门确认）", queryset=Department.objects.all(), required=False,
        empty_label="（无主管部门）",
    )  # fmt: skip
    address = forms.CharField(label="地址", max_length=200, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)


class UnitAdminAccountForm(forms.Form):
    admin_username = forms.CharField(label="单位管理员登录用户名", max_length=150)
    admin_name = forms.CharField(label="单位管理员姓名", max_length=50)
    admin_password = forms.CharField(label="单位管理员密码", widget=forms.PasswordInput)
    admin_email = forms.CharField(label="单位管理员电子邮箱", max_length=254, required=False)


class GrantForm(forms.Form):
    role = forms.ChoiceField(label="角色", choices=[(r.value, r.label) for r in UNIT_ROLES])
    username = forms.CharField(label="登录用户名（已有账号直接填写）", max_length=150)
    name = forms.CharField(label="姓名（新建账号时填写）", max_length=50, required=False)
    password = forms.CharField(label="初始密码（新建账号时填写）", widget=forms.PasswordInput, required=False)


class DraftForm(forms.Form):
    applicant = forms.ModelChoiceField(label="职工", queryset=ApplicantProfile.objects.none(), empty_label="请选择职工")
    route = forms.ChoiceField(label="申报类型", choices=[("review", "职称评审"), ("initial", "职称初定")])
    series = forms.ModelChoiceField(label="系列", queryset=None, empty_label="请选择系列")
    level = forms.ModelChoiceField(label="申报级别", queryset=None, empty_label="请选择级别")

    def __init__(self, *args, unit=None, **kwargs):
        from .models import Level, Series

        super().__init__(*args, **kwargs)
        self.fields["applicant"].queryset = ApplicantProfile.objects.filter(unit=unit).order_by("name")
        self.fields["series"].queryset = Series.objects.all()
        self.fields["level"].queryset = Level.objects.all()


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx，按模板填写）")


class WindowForm(forms.Form):
    committee = forms.ModelChoiceField(label="受理安排", queryset=Committee.objects.none(), empty_label="请选择")
    start = forms.DateField(label="开始日期", **DATE)
    end = forms.DateField(label="截止日期", **DATE)
    document_number = forms.CharField(label="发布文件文号", max_length=100)

    def __init__(self, *args, lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = lines if lines is not None else Committee.objects.none()
        self.fields["committee"].label_from_instance = lambda c: f"第{c.row}行 {c.label}（{c.area}）"


class IntegrityForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="证件号码", max_length=30)
    finding = forms.CharField(label="认定事实", widget=forms.Textarea(attrs={"rows": 3}))
    source_document = forms.CharField(label="来源文书（名称及文号）", max_length=200)
    found_on = forms.DateField(label="认定日期（记录期3年自此日起）", **DATE)


class VetoForm(forms.Form):
    finding = forms.CharField(label="认定的弄虚作假事实", widget=forms.Textarea(attrs={"rows": 3}))
    source_document = forms.CharField(label="依据（异议调查结论或审核发现，名称及文号）", max_length=200)


class DepartmentForm(forms.Form):
    name = forms.CharField(label="部门名称", max_length=100)
    kind = forms.ChoiceField(label="部门类型", choices=Department.Kind.choices)
    region = forms.ModelChoiceField(label="地区", queryset=Region.objects.all(), empty_label="请选择地区")


class OfficeForm(forms.Form):
    office = forms.ModelChoiceField(
        label="机构", queryset=None, required=False, empty_label="（新增机构）", help_text="选择已有机构则修改它"
    )
    name = forms.CharField(label="机构名称", max_length=100)
    phones = forms.CharField(label="联系电话（多个用、分隔）", max_length=200, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)
    is_association = forms.BooleanField(label="协会（办理初定）", required=False)

    def __init__(self, *args, **kwargs):
        from organisations.models import CommitteeOffice

        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = CommitteeOffice.objects.order_by("name")


class StaffRoleForm(forms.Form):
    username = forms.CharField(label="登录用户名（已有账号直接填写）", max_length=150)
    name = forms.CharField(label="姓名（新建账号时填写）", max_length=50, required=False)
    password = forms.CharField(label="初始密码（新建账号时填写）", widget=forms.PasswordInput, required=False)
    role = forms.ChoiceField(
        label="角色",
        choices=[("dept_reviewer", "主管部门/人社部门审核人"), ("committee_clerk", "评委会办事机构经办人"),
                 ("association_clerk", "协会经办人"), ("supervisor", "市职称办监管人员")],
    )  # fmt: skip
    department = forms.ModelChoiceField(label="主管部门", queryset=Department.objects.all(), required=False)
    office_scope = forms.ModelChoiceField(label="办事机构/协会", queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        from organisations.models import CommitteeOffice

        super().__init__(*args, **kwargs)
        self.fields["office_scope"].queryset = CommitteeOffice.objects.order_by("name")
