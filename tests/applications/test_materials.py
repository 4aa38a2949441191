"""Uploads: PDF only by content; every bad file refused in Chinese with the case unchanged (issue: case lifecycle 3)."""

import pytest
from django.core.files.storage import default_storage

from applications.materials import material_delete, material_upload
from applications.models import Material
from tests.applications.pdfs import encrypted_pdf, simple_pdf
from tests.applications.test_transitions import assert_refused
from zhicheng.errors import DomainError, PermissionDenied, TransitionConflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world, in_window):
    app = world.draft()
    material_upload(application=app, actor=app.applicant.user, kind="diploma", name="毕业证.pdf", data=simple_pdf(2))
    return app


def test_good_pdf_stored_under_generated_name(draft, settings):
    m = Material.objects.get(application=draft)
    assert m.pages == 2 and m.original_name == "毕业证.pdf"
    assert "毕业证" not in m.file.name and m.file.name.endswith(".pdf")
    assert str(settings.MEDIA_ROOT) in m.file.path and "static" not in m.file.path


BAD = {
    "renamed_exe": ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "not_pdf"),
    "docx": ("申报表.docx", b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 200, "not_pdf"),
    "zero_bytes": ("empty.pdf", b"", "empty_file"),
    "encrypted": ("locked.pdf", None, "encrypted_pdf"),
    "truncated": ("cut.pdf", None, "unreadable_pdf"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_uploads_refused(draft, case):
    name, data, code = BAD[case]
    if case == "encrypted":
        data = encrypted_pdf()
    if case == "truncated":
        data = simple_pdf(3)[:150]
    files_before = stored_files()
    events_before = list(draft.events.values_list("pk", flat=True))
    with pytest.raises(DomainError) as exc:
        material_upload(application=draft, actor=draft.applicant.user, kind="other", name=name, data=data)
    assert exc.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)  # a Chinese message
    assert "五(三)" in exc.value.source
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert list(draft.events.values_list("pk", flat=True)) == events_before
    assert Material.objects.filter(application=draft).count() == 1
    assert stored_files() == files_before


def stored_files():
    root = default_storage.path("materials")
    import os

    return sorted(os.path.join(d, f) for d, _, files in os.walk(root) for f in files)


def test_oversize_refused(draft, settings):
    settings.ZHICHENG = {**settings.ZHICHENG, "MATERIAL_MAX_BYTES": 300}
    with pytest.raises(DomainError) as exc:
        material_upload(application=draft, actor=draft.applicant.user, kind="other", name="big.pdf", data=simple_pdf(5))
    assert exc.value.code == "file_too_large" and "超过上限" in exc.value.message
    assert Material.objects.filter(application=draft).count() == 1


def test_path_in_name_is_stripped(draft):
    m = material_upload(
        application=draft, actor=draft.applicant.user, kind="other", name="../../etc/passwd.pdf", data=simple_pdf()
    )
    assert m.original_name == "passwd.pdf"
    assert ".." not in m.file.name


def test_only_applicant_uploads_and_only_while_editable(world, draft):
    assert_refused(
        draft,
        lambda: material_upload(
            application=draft, actor=world.unit_reviewer, kind="other", name="a.pdf", data=simple_pdf()
        ),
        PermissionDenied,
    )
    from tests.factories import submit

    submit(draft)  # uploads the rest of the 评审 materials list first (issue 14)
    kept = draft.materials.count()
    assert_refused(
        draft,
        lambda: material_upload(
            application=draft, actor=draft.applicant.user, kind="other", name="a.pdf", data=simple_pdf()
        ),
        TransitionConflict,
    )
    m = draft.materials.first()
    with pytest.raises(TransitionConflict):
        material_delete(material=m, actor=draft.applicant.user)
    assert draft.materials.count() == kept
