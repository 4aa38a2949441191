"""Hardening of the pages (issue 16): the same visibility as the API, material headers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from applications.materials import material_upload
from tests.applications.pdfs import simple_pdf
from tests.factories import submit
from tests.web.test_pages import login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("route", ["material-download", "material-view"])
def test_reviewers_cannot_fetch_a_drafts_materials_through_the_pages(client, world, route):
    app = world.draft()
    material = material_upload(
        application=app, actor=app.applicant.user, kind="diploma", name="毕业证.pdf", data=simple_pdf()
    )
    for reviewer in (world.unit_reviewer, world.dept_reviewer):
        login(client, reviewer)
        assert client.get(reverse(route, args=[material.pk])).status_code == 404
        assert client.get(f"/api/v1/materials/{material.pk}/download/").status_code == 404
    login(client, app.applicant.user)
    mine = client.get(reverse(route, args=[material.pk]))
    assert mine.status_code == 200 and mine["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in mine["Content-Security-Policy"]


def test_reviewer_fetches_materials_once_the_case_is_submitted(client, world, in_window):
    app = world.draft()
    material = material_upload(
        application=app, actor=app.applicant.user, kind="diploma", name="毕业证.pdf", data=simple_pdf()
    )
    submit(app)
    login(client, world.unit_reviewer)
    response = client.get(reverse("material-download", args=[material.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]


def _certificate(world):
    from publicity import certificates as certs
    from tests.publicity.test_certificates import initial_case

    app = initial_case(world, name="张晓明")
    certs.initial_approve(application=app, actor=world.association_clerk, document_number="镇技协〔2024〕22号")
    app.refresh_from_db()
    return app.certificate


def test_verification_page_needs_number_and_name_and_every_miss_reads_the_same(client, world, in_window):
    cert = _certificate(world)
    url = reverse("certificate-verify")
    found = client.get(url, {"number": cert.number, "name": "张晓明"})
    assert found.status_code == 200 and "证书有效" in found.content.decode()
    misses = [
        client.get(url, {"number": cert.number}),
        client.get(url, {"number": cert.number, "name": "李四"}),
        client.get(url, {"number": "321120242999999", "name": "张晓明"}),
        client.get(url, {"name": "张晓明"}),
    ]
    assert {r.status_code for r in misses} == {404}
    for r in misses:
        page = r.content.decode()
        assert "未查到与该证书编号（及姓名）相符的电子职称证书" in page
        assert "证书有效" not in page and cert.document_number not in page and cert.series not in page


def test_verification_page_is_throttled(client, world, in_window, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "verify": "3/hour"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    url = reverse("certificate-verify")
    codes = [client.get(url, {"number": f"32112024200000{i}", "name": "某"}).status_code for i in range(4)]
    assert codes == [404, 404, 404, 429]
