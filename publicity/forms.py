"""Forms of the public pages."""

from __future__ import annotations

from django import forms


class ObjectionForm(forms.Form):
    name = forms.CharField(label="实名", max_length=50, required=False)
    contact = forms.CharField(label="联系方式", max_length=100, required=False, help_text="仅用于调查核实，不公开")
    content = forms.CharField(
        label="异议内容", widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=4000
    )


class CertificateVerifyForm(forms.Form):
    number = forms.CharField(label="证书编号", max_length=60, required=False)
    name = forms.CharField(label="持证人姓名", max_length=50, required=False)


class ObjectionStatusForm(forms.Form):
    receipt = forms.CharField(label="异议回执号", max_length=30, required=False)
