"""初定 to certificate through the pages: approval with its document, the printable PDFs, public verification."""

import pytest
from django.urls import reverse

from applications import materials
from applications.models import Material, Route, Status
from tests.applications.pdfs import simple_pdf
from tests.factories import submit
from tests.web.test_pages import login

pytestmark = pytest.mark.django_db


def _initial_case(world):
    app = world.draft(series_name="机械工程", level_name="助理级", route=Route.INITIAL)
    for kind in (Material.Kind.UNIT_CONSENT, Material.Kind.DIPLOMA, Material.Kind.WORK_SUMMARY):
        materials.material_upload(application=app, actor=app.applicant.user, kind=kind, name=f"{kind}.pdf",
                                  data=simple_pdf())  # fmt: skip
    return submit(app)


def test_association_approves_with_a_document_and_the_applicant_downloads(client, world, in_window):
    app = _initial_case(world)
    assert app.status == Status.ASSOCIATION_REVIEW
    login(client, world.association_clerk)
    refused = client.post(reverse("case-act", args=[app.pk, "approve"]), {})
    assert refused.status_code == 400 and "发文文号" in refused.content.decode()
    app.refresh_from_db()
    assert app.status == Status.ASSOCIATION_REVIEW
    response = client.post(reverse("case-act", args=[app.pk, "approve"]), {"document_number": "镇技协〔2024〕9号"})
    assert response.status_code == 302, response.content.decode()[:3000]
    app.refresh_from_db()
    assert app.status in (Status.APPROVED, Status.CERTIFIED)

    login(client, app.applicant.user)
    page = client.get(reverse("case-detail", args=[app.pk])).content.decode()
    assert "下载电子职称证书" in page
    form = client.get(reverse("application-form-pdf", args=[app.pk]))
    assert form.status_code == 200 and form.content.startswith(b"%PDF")
    cert = client.get(reverse("certificate-pdf", args=[app.pk]))
    assert cert.status_code == 200 and cert.content.startswith(b"%PDF")

    client.logout()
    number = app.certificate.number
    page = client.get(reverse("certificate-verify"), {"number": number, "name": app.applicant.name})
    assert page.status_code == 200 and "证书有效" in page.content.decode()
    wrong = client.get(reverse("certificate-verify"), {"number": number, "name": "别人"})
    assert wrong.status_code == 404 and "未查到" in wrong.content.decode()


def test_other_people_cannot_download_the_certificate(client, world, in_window):
    app = _initial_case(world)
    login(client, world.association_clerk)
    client.post(reverse("case-act", args=[app.pk, "approve"]), {"document_number": "镇技协〔2024〕9号"})
    response = client.get(reverse("certificate-pdf", args=[app.pk]))  # the clerk sees the case, not the certificate
    assert response.status_code == 403 and "您无权下载该电子证书" in response.content.decode()
