"""Forms of the reviewers' pages. They only shape input; the services hold the rules."""

from __future__ import annotations

from django import forms

from applications.models import Committee, Level, Series, Status
from applications.views import CORRECTION_ITEMS
from organisations.models import CommitteeOffice, Unit


class CorrectionForm(forms.Form):
    items = forms.MultipleChoiceField(
        label="需补正的事项（一次性告知全部内容）",
        choices=[(i, i) for i in CORRECTION_ITEMS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other = forms.CharField(
        label="其他需补正的内容（每行一项）", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    working_days = forms.IntegerField(label="补正期限（工作日）", required=False, min_value=1, max_value=60)

    def all_items(self) -> list[str]:
        data = self.cleaned_data
        extra = [line.strip() for line in (data.get("other") or "").splitlines() if line.strip()]
        return [*data.get("items", []), *extra]


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}), required=False)


PER_PAGE_CHOICES = (20, 50, 100)  # the inbox's rows per page; the first is the default


class InboxFilterForm(forms.Form):
    q = forms.CharField(label="搜索（编号、姓名、单位）", required=False)
    status = forms.ChoiceField(label="环节", choices=[("", "全部环节"), *Status.choices], required=False)
    series = forms.ModelChoiceField(label="系列", queryset=Series.objects.all(), required=False, empty_label="全部系列")
    level = forms.ModelChoiceField(label="级别", queryset=Level.objects.all(), required=False, empty_label="全部级别")
    scope = forms.ChoiceField(label="范围", choices=[("mine", "待我办理"), ("all", "全部可见")], required=False)
    per_page = forms.TypedChoiceField(
        label="每页", choices=[(n, f"{n} 条") for n in PER_PAGE_CHOICES], coerce=int, required=False, empty_value=None
    )


class PaperReceiptForm(forms.Form):
    number = forms.CharField(label="申报编号", max_length=30)


class ObjectionDecisionForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label="调查结论",
        choices=[("0", "异议不成立"), ("1", "异议成立（终止申报）")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label="调查结论说明", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class MeetingForm(forms.Form):
    committee = forms.ModelChoiceField(label="评委会", queryset=Committee.objects.none(), empty_label="请选择评委会")
    series = forms.ModelChoiceField(label="系列", queryset=Series.objects.all(), empty_label="请选择系列")
    level = forms.ModelChoiceField(label="级别", queryset=Level.objects.all(), empty_label="请选择级别")
    date = forms.DateField(label="会议日期", widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label="会议地点", max_length=200)
    pass_rate = forms.DecimalField(label="评审通过率（0～1）", max_digits=4, decimal_places=3)
    panel_size = forms.IntegerField(label="评审专家人数", initial=7)
    late_reason = forms.CharField(
        label="晚于中级评审完成期限的理由（中级会议晚于11月30日时填写）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = Committee.objects.filter(office_id__in=offices).order_by("cycle", "row")


class ExpertPoolForm(forms.Form):
    office = forms.ModelChoiceField(
        label="办事机构", queryset=CommitteeOffice.objects.none(), empty_label="请选择办事机构"
    )
    series = forms.ModelChoiceField(label="系列", queryset=Series.objects.all(), empty_label="请选择系列")
    level = forms.ModelChoiceField(label="级别", queryset=Level.objects.all(), empty_label="请选择级别")
    name = forms.CharField(label="专家库名称（可不填）", max_length=200, required=False)

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        queryset = CommitteeOffice.objects.filter(pk__in=offices).order_by("name")
        self.fields["office"].queryset = queryset
        if len(offices) == 1:  # a clerk of one office files pools there; no choice to make
            self.fields["office"].initial = offices[0]
            self.fields["office"].widget = forms.HiddenInput()


class ExpertForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    unit = forms.CharField(
        label="工作单位",
        max_length=200,
        required=False,
        help_text="填写本系统登记的单位全称时自动关联该单位：与申报人同单位的专家抽取时回避",
    )
    title = forms.CharField(label="职称", max_length=50, required=False)
    specialty = forms.CharField(label="专业", max_length=100, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    id_number = forms.CharField(
        label="身份证号（选填）", max_length=18, required=False, help_text="本人为评审对象时抽取自动回避；页面不回显"
    )

    def service_kwargs(self) -> dict:
        """The service's arguments: a unit name known to the system becomes that unit, any other stays as text."""
        data = self.cleaned_data
        text = (data.get("unit") or "").strip()
        unit = Unit.objects.filter(name=text).first() if text else None
        return {
            "name": data["name"],
            "unit": unit,
            "unit_name": "" if unit else text,
            "title": data.get("title", "").strip(),
            "specialty": data.get("specialty", "").strip(),
            "phone": data.get("phone", "").strip(),
            "id_number": data.get("id_number", "").strip(),
        }


class RescheduleForm(forms.Form):
    date = forms.DateField(label="新的会议日期", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="改期理由", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    late_reason = forms.CharField(label="晚于中级评审完成期限的理由", required=False)


def form_problems(form: forms.Form) -> str:
    """The form's complaints in one Chinese line, for a DomainError shown on the page."""
    return "；".join(
        f"{form.fields[k].label if k in form.fields else ''}{'、'.join(v)}" for k, v in form.errors.items()
    )
