"""Forms of the applicant's pages. They only shape input; every rule lives in the services."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from zhicheng import workdays

from .documents import current_cite
from .models import Level, Material, Route, Series, Specialty, Subspecialty
from .selectors import cycle_current


class ApplicationStartForm(forms.Form):
    """Step 1 of the wizard: route, series → 大专业 → 小专业 (htmx cascade), level."""

    route = forms.ChoiceField(label="申报类型", choices=Route.choices, widget=forms.RadioSelect, initial=Route.REVIEW)
    series = forms.ModelChoiceField(label="系列", queryset=Series.objects.all(), empty_label="请选择系列")
    specialty = forms.ModelChoiceField(
        label="大专业", queryset=Specialty.objects.none(), required=False, empty_label="（不区分大专业）"
    )
    subspecialty = forms.ModelChoiceField(
        label="小专业", queryset=Subspecialty.objects.none(), required=False, empty_label="（不区分小专业）"
    )
    level = forms.ModelChoiceField(label="申报级别", queryset=Level.objects.all(), empty_label="请选择级别")
    young_talent_direct = forms.BooleanField(label="民营企业优秀青年人才，直接申报中级", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rule = current_cite(Route.REVIEW, "二(一)")  # the cycle a new application would use
        self.fields["young_talent_direct"].label = f"民营企业优秀青年人才，直接申报中级（{rule}）"
        data = self.data or {}
        series_id = data.get("series") or None
        specialty_id = data.get("specialty") or None
        if series_id:
            self.fields["specialty"].queryset = Specialty.objects.filter(series_id=series_id)
        if specialty_id:
            self.fields["subspecialty"].queryset = Subspecialty.objects.filter(specialty_id=specialty_id)
        for name in ("series", "specialty", "subspecialty"):
            self.fields[name].widget.attrs["id"] = f"id_{name}"

    def cycles(self) -> dict:
        today = workdays.local_date(timezone.now())
        return {
            "review_cycle": cycle_current(Route.REVIEW, today),
            "initial_cycle": cycle_current(Route.INITIAL, today),
        }


class MaterialUploadForm(forms.Form):
    kind = forms.ChoiceField(label="材料类别", choices=Material.Kind.choices)
    file = forms.FileField(label="PDF 文件", help_text="仅限 PDF，按内容识别；单个文件不超过上限")


class SubmitForm(forms.Form):
    pledge = forms.BooleanField(
        label="我已阅读并签署以上告知承诺书",
        required=False,  # the service refuses an unsigned pledge with its own message and source
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}), required=False)
