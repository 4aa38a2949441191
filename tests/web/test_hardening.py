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
