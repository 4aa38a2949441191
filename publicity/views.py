"""The public pages (issue 8): current 公示 lists by committee office, the objection form, certificate
verification. No login; the objector's name and contact are never shown; applicants' ID numbers never appear."""

from __future__ import annotations

from collections import OrderedDict
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect

from applications import permissions as app_perms
from applications.models import Committee, ReviewCycle, Route
from applications.views import error_context, render_case, render_page, visible_case
from zhicheng import throttle
from zhicheng.db_router import replica_reads
from zhicheng.errors import DomainError

from . import certificates, objections, public
from .forms import CertificateVerifyForm, ObjectionForm, ObjectionStatusForm
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


def _office_contact(office) -> dict:
    return {"name": office.name, "phones": office.phones, "address": office.address}


def _by_year(items, date_of) -> list[tuple[int, list]]:
    years: OrderedDict = OrderedDict()
    for item in items:
        years.setdefault(date_of(item).year, []).append(item)
    return list(years.items())


def _committees() -> list[dict]:
    """Every committee of the latest review cycle: what it accepts, where, its windows, office, phone, address."""
    cycle = ReviewCycle.objects.order_by("-year").first()
    if cycle is None:
        return []
    rows = []
    committees = (
        Committee.objects.filter(cycle=cycle)
        .select_related("office")
        .prefetch_related("windows", "levels")
        .order_by("row", "entry")
    )
    for c in committees:
        windows = [
            f"{w.start:%Y年%-m月%-d日}—{w.end:%Y年%-m月%-d日}" for w in sorted(c.windows.all(), key=lambda w: w.start)
        ]
        rows.append({
            "committee": c,
            "levels": "、".join(lv.name for lv in sorted(c.levels.all(), key=lambda lv: lv.rank)),
            "windows": windows,
            "phones": c.phones or c.office.phones,
            "address": c.office.address,
        })  # fmt: skip
    return rows


@replica_reads
def public_publicity(request):
    """The public portal (no login): current 公示 by committee with the contact for objections, 10 publicities a
    page with 50 entries each (`?office=` one committee office, `?publicity=&after=` the rest of one list); past
    公示 and the 评审结果 documents (发文) by year; every committee's windows, office, phone and address; the
    objection status lookup and certificate verification. The lists are rendered once per change (publicity.public:
    cached per office, dropped when a publicity opens or closes); a cached render runs no list query."""
    office_id = _int(request.GET.get("office")) or None
    page = max(_int(request.GET.get("page")), 1)
    publicity_id, after = _int(request.GET.get("publicity")), _int(request.GET.get("after"))
    if publicity_id:
        current = lambda: public.entries_page(publicity_id=publicity_id, after=after)  # noqa: E731
    else:
        current = lambda: public.current_page(page=page, office_id=office_id)  # noqa: E731
    following = request.GET.copy()
    following.pop("publicity", None), following.pop("after", None)
    following["page"] = page + 1
    earlier = request.GET.copy()
    earlier["page"] = page - 1
    context = {
        "title": "公示公告",
        # callables: the template calls them only when its cached fragment is missing
        "current": current,
        "current_key": public.page_key(page=page, office_id=office_id, publicity_id=publicity_id, after=after),
        "next_query": following.urlencode(),
        "prev_query": earlier.urlencode(),
        "rest": lambda: {
            "past": _by_year(public.past_publicities(), lambda p: p.starts_on),
            "publications": _by_year(public.publications(), lambda p: p.date),
            "committees": _committees(),
        },
        "rest_key": public.rest_key(),
        "cache_seconds": public.CACHE_SECONDS,
        "rest_seconds": public.REST_SECONDS,
        "receipt_form": ObjectionStatusForm(),
    }
    return render_page(request, "publicity/public_list.html", context)


def _int(value) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


def objection_new(request, entry_pk: int):
    entry = _current_entries().filter(pk=entry_pk).first()
    if entry is None:
        raise Http404("该申报不在公示期内，或公示已结束")
    form = ObjectionForm(request.POST or None)
    pub = entry.publicity
    context = {"title": "提出异议", "entry": entry, "form": form,
               "contact": _office_contact(pub.office) if pub.office_id else None}  # fmt: skip
    if request.method == "POST":
        form.is_valid()
        data = {key: form.data.get(key, "") for key in ("name", "contact", "content")}
        try:
            throttle.check("objection", request)  # the API's rate, in the same shared counter (issue 16)
            if form.errors:
                raise DomainError("invalid", "；".join(m for ms in form.errors.values() for m in ms))
            objections.objection_validate(**data, application=entry.application)
            objection = objections.objection_file(application=entry.application, **data)
        except DomainError as exc:
            context["error"] = error_context(exc)
            return render_page(request, "publicity/objection_form.html", context, status=exc.status)
        messages.success(request, f"异议已受理，回执号 {objection.receipt}。请妥善保存，凭回执号查询办理进度。")
        return redirect("objection-status", receipt=objection.receipt)
    return render_page(request, "publicity/objection_form.html", context)


def objection_thanks(request):
    return render_page(request, "publicity/objection_thanks.html", {"title": "异议已受理"})


def objection_status(request, receipt: str = ""):
    """The objector follows the objection by its receipt (case-insensitive): its status and dates, who handles
    it — never the content, the objector, or the investigation's private findings."""
    receipt = receipt or request.GET.get("receipt", "")
    form = ObjectionStatusForm({"receipt": receipt} if receipt else None)
    context = {"title": "异议办理进度", "form": form}
    if receipt:
        objection = objections.objection_by_receipt(receipt)
        if objection is None:
            context["error"] = {"message": f"未查到回执号「{receipt.strip()}」的异议，请核对后重新输入"}
            return render_page(request, "publicity/objection_status.html", context, status=404)
        pub = objection.publicity
        context.update({
            "objection": objection,
            "handler": pub.office.name if pub.office_id else (pub.unit.name if pub.unit_id else ""),
            "contact": _office_contact(pub.office) if pub.office_id else None,
        })  # fmt: skip
    return render_page(request, "publicity/objection_status.html", context)


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
