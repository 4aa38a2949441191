"""The public pages (issue 8): current 公示 lists by committee office, the objection form, certificate
verification. No login; the objector's name and contact are never shown; applicants' ID numbers never appear."""

from __future__ import annotations

from collections import OrderedDict
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect

from applications import permissions as app_perms
from applications.models import Route
from applications.views import error_context, render_case, render_page, visible_case
from zhicheng import throttle
from zhicheng.errors import DomainError

from . import certificates, services
from .forms import CertificateVerifyForm, ObjectionForm
from .models import PublicityEntry


def _current_entries():
    return (
        PublicityEntry.objects.filter(left_at__isnull=True, publicity__closed_at__isnull=True)
        .select_related(
            "publicity__office", "publicity__unit", "application__applicant", "application__unit",
            "application__series", "application__specialty", "application__level", "application__committee",
        )
        .order_by("publicity__office__name", "publicity__unit__name", "publicity_id", "application__number")
    )  # fmt: skip


def public_publicity(request):
    groups: OrderedDict = OrderedDict()
    for entry in _current_entries():
        pub = entry.publicity
        owner = pub.office.name if pub.office_id else (pub.unit.name if pub.unit_id else "")
        group = groups.setdefault(owner, OrderedDict())
        group.setdefault(pub, []).append(entry)
    context = {"title": "公示", "groups": [(owner, list(pubs.items())) for owner, pubs in groups.items()]}
    return render_page(request, "publicity/public_list.html", context)


def objection_new(request, entry_pk: int):
    entry = _current_entries().filter(pk=entry_pk).first()
    if entry is None:
        raise Http404("该申报不在公示期内")
    form = ObjectionForm(request.POST or None)
    context = {"title": "提出异议", "entry": entry, "form": form}
    if request.method == "POST":
        form.is_valid()
        data = form.cleaned_data
        try:
            throttle.check("objection", request)  # the API's rate, in the same shared counter (issue 16)
            if form.errors:
                raise DomainError("invalid", "；".join(m for ms in form.errors.values() for m in ms))
            services.objection_file(
                application=entry.application, name=data.get("name", ""), contact=data.get("contact", ""),
                content=data.get("content", ""),
            )  # fmt: skip
        except DomainError as exc:
            context["error"] = error_context(exc)
            return render_page(request, "publicity/objection_form.html", context, status=exc.status)
        return redirect("objection-thanks")
    return render_page(request, "publicity/objection_form.html", context)


def objection_thanks(request):
    return render_page(request, "publicity/objection_thanks.html", {"title": "异议已受理"})


def certificate_verify(request):
    """Anyone checks a certificate by its number and the holder's name: 有效 or 已撤销, and only what it prints."""
    form = CertificateVerifyForm(request.GET or None)
    context = {"title": "证书核验", "form": form}
    if form.is_valid() and (form.cleaned_data.get("number") or form.cleaned_data.get("name")):
        data = form.cleaned_data
        try:
            throttle.check("verify", request)
            result = certificates.certificate_verify(number=data["number"], name=data.get("name", ""))
        except DomainError as exc:
            context["error"] = error_context(exc)
            return render_page(request, "publicity/certificate_verify.html", context, status=exc.status)
        context["result"] = result
        context["fields"] = [(label, result.get(key, "")) for key, label in certificates.PUBLIC_FIELDS.items()]
        context["checked"] = True
    return render_page(request, "publicity/certificate_verify.html", context)


# ---------------------------------------------------------------- printable PDFs


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def application_form_pdf(request, pk: int):
    """The printable 申报表 of a case that the user may view: the 初定申报表 of an approved 初定 case (seed 001 六),
    or the 评审申报表 of a submitted 评审 case (the 身份证号 as the viewer may see it)."""
    app = visible_case(request, pk)
    try:
        if app.route == Route.INITIAL:
            data, name = certificates.initial_form_pdf(app), "专业技术资格初定申报表"
        else:
            full_id = app_perms.can_see_full_id(request.user, app)
            data, name = certificates.review_form_pdf(app, full_id=full_id), "专业技术资格评审申报表"
    except DomainError as exc:
        return render_case(request, app, error=exc)
    return _pdf(data, f"{name}_{app.number}.pdf")


@login_required
def certificate_pdf(request, pk: int):
    app = visible_case(request, pk)
    try:
        cert = certificates.certificate_for_user(user=request.user, application=app)
    except DomainError as exc:
        return render_case(request, app, error=exc)
    return _pdf(certificates.certificate_pdf(cert), f"电子职称证书_{cert.number}.pdf")
