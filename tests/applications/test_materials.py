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

    submit(draft)
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
    assert draft.materials.count() == 1


# ---------------------------------------------------------------- hostile uploads (issue 16)


@pytest.fixture(scope="module")
def corpus():
    from tests.applications.pdfs import hostile_corpus

    return hostile_corpus()


@pytest.mark.parametrize(
    "case",
    [
        "decompression_bomb", "150000_pages", "150000_pages_flat_array", "javascript", "javascript_hex_name",
        "launch", "uri", "embedded_file",
        "html_inside", "pdf_zip_polyglot", "truncated", "garbage_structure",
    ],
)  # fmt: skip
def test_hostile_upload_refused_quickly_in_chinese_nothing_stored(draft, corpus, case, client, settings):
    import time

    # The time budget is the guarantee: on a loaded machine a slow check is cut off, never left running.
    settings.ZHICHENG = {**settings.ZHICHENG, "MATERIAL_PARSE_SECONDS": 1.2}

    data, code = corpus[case]
    files_before = stored_files()
    client.force_login(draft.applicant.user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.get("/api/v1/me/")  # a process's first request imports the URLconf and views: not the upload's cost
    started = time.monotonic()
    r = client.post(
        "/api/v1/materials/",
        {"application": draft.pk, "kind": "other", "file": SimpleUploadedFile("x.pdf", data, "application/pdf")},
    )
    elapsed = time.monotonic() - started
    assert r.status_code == 400, r.content[:300]
    body = r.json()
    assert body["code"] in (code, "pdf_too_slow")  # the named rule; on a busy machine possibly the time budget
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])
    if body["code"] == "pdf_active_content":
        assert "规则：" in body["message"]
    assert elapsed < 2, f"{case} took {elapsed:.2f}s"
    assert Material.objects.filter(application=draft).count() == 1
    assert stored_files() == files_before


def test_parse_time_budget_kills_a_stuck_parser(draft, settings, monkeypatch):
    import time

    from applications import materials

    settings.ZHICHENG = {**settings.ZHICHENG, "MATERIAL_PARSE_SECONDS": 0.5}
    monkeypatch.setattr(materials, "_analyse", lambda data, limits: time.sleep(30))
    started = time.monotonic()
    with pytest.raises(DomainError) as exc:
        material_upload(application=draft, actor=draft.applicant.user, kind="other", name="a.pdf", data=simple_pdf())
    assert exc.value.code == "pdf_too_slow" and time.monotonic() - started < 5


def test_no_text_extraction_and_no_row_lock_while_parsing(draft, monkeypatch):
    from pypdf import PageObject

    from applications import materials

    def no_text(*args, **kwargs):
        raise AssertionError("text extracted at upload")

    monkeypatch.setattr(PageObject, "extract_text", no_text)
    seen = {}
    real = materials.inspect_pdf

    def spy(data):
        from django.db import connection

        seen["in_atomic"] = connection.in_atomic_block and len(connection.savepoint_ids) > 0
        return real(data)

    monkeypatch.setattr(materials, "inspect_pdf", spy)
    material_upload(application=draft, actor=draft.applicant.user, kind="other", name="b.pdf", data=simple_pdf(1))
    assert seen == {"in_atomic": False}  # the test's own transaction wraps everything; no atomic() of the service
