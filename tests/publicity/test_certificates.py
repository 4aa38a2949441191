"""初定 approvals, e-certificates (number, PDF with an embedded Chinese font), public verification, revocation."""

import datetime as dt
import io
import re
import subprocess

import pytest
from PIL import Image
from pypdf import PdfReader

from applications.materials import material_upload
from applications.models import ApplicationEvent, Education, IntegrityRecord, Status
from publicity import certificates as certs
from publicity.models import Certificate, Publication
from tests.applications.pdfs import simple_pdf
from tests.factories import submit
from zhicheng.errors import DomainError, NotFound, PermissionDenied, TransitionConflict

pytestmark = pytest.mark.django_db
S = Status


def initial_case(world, level_name="助理级", **profile):
    person = world.applicant(**profile)
    if level_name == "中级":  # 博士 → 中级 (seed 001 二(四))
        Education.objects.create(
            profile=person,
            degree=Education.Degree.DOCTOR,
            graduated_on=dt.date(2020, 6, 30),
            school="东南大学",
            major="机械工程",
        )
    app = world.draft(person, series_name="机械工程", level_name=level_name, route="initial")
    for kind in ("unit_consent", "diploma", "work_summary"):
        material_upload(application=app, actor=app.applicant.user, kind=kind, name=f"{kind}.pdf", data=simple_pdf())
    return submit(app)


def test_association_approves_junior_and_the_certificate_is_issued(world, in_window):
    app = initial_case(world)
    with pytest.raises(PermissionDenied):
        certs.initial_approve(application=app, actor=world.clerk, document_number="镇技协〔2024〕21号")
    assert app.status == S.ASSOCIATION_REVIEW and not Certificate.objects.exists()
    with pytest.raises(DomainError):  # the approval is a document: its number is required
        certs.initial_approve(application=app, actor=world.association_clerk)
    certs.initial_approve(application=app, actor=world.association_clerk, document_number="镇技协〔2024〕21号")
    app.refresh_from_db()
    assert app.status == S.CERTIFIED
    cert = app.certificate
    assert re.fullmatch(r"3211" r"2024" r"2" r"\d{6}", cert.number)
    assert cert.issuer == "镇江市职工技术协会" and cert.document_number == "镇技协〔2024〕21号"
    assert cert.level == "助理级" and cert.series == "机械工程" and cert.holder_name == app.applicant.name
    assert str(cert.qualified_on) == "2024-04-10"
    ev = ApplicationEvent.objects.get(application=app, action="certify")
    assert ev.data == {"certificate_number": cert.number} and ev.actor is None
    # the next one in the same year and level takes the next serial, and the same document may list it
    other = initial_case(world)
    certs.initial_approve(application=other, actor=world.association_clerk, document_number="镇技协〔2024〕21号")
    other.refresh_from_db()
    # issue 16: the serial is scrambled — same prefix, six digits that do not follow from the neighbour's
    assert other.certificate.number[:-6] == cert.number[:-6] and other.certificate.number != cert.number
    assert int(other.certificate.number[-6:]) != int(cert.number[-6:]) + 1
    assert Publication.objects.get().applications.count() == 2
    assert certs.certificate_issue(application=other) == other.certificate  # idempotent


def test_intermediate_initial_goes_on_to_the_municipal_office(world, in_window):
    app = initial_case(world, level_name="中级")
    certs.initial_approve(application=app, actor=world.association_clerk)
    app.refresh_from_db()
    assert app.status == S.MUNICIPAL_APPROVAL and not Certificate.objects.exists()
    with pytest.raises(PermissionDenied):
        certs.initial_approve(application=app, actor=world.association_clerk, document_number="镇职称办〔2024〕30号")
    certs.initial_approve(application=app, actor=world.supervisor, document_number="镇职称办〔2024〕30号")
    app.refresh_from_db()
    assert app.status == S.CERTIFIED
    assert app.certificate.issuer == certs.MUNICIPAL_OFFICE and app.certificate.number[8] == "3"


def test_certificate_not_issued_before_approval(world, in_window):
    app = initial_case(world)
    with pytest.raises(TransitionConflict):
        certs.certificate_issue(application=app)
    with pytest.raises(TransitionConflict):
        certs.initial_form_pdf(app)
    assert not Certificate.objects.exists() and app.status == S.ASSOCIATION_REVIEW


def test_public_verification_shows_only_the_certificate(world, in_window):
    app = initial_case(world, name="张晓明")
    certs.initial_approve(application=app, actor=world.association_clerk, document_number="镇技协〔2024〕22号")
    app.refresh_from_db()
    number = app.certificate.number
    seen = certs.certificate_verify(number=number, name="张晓明")
    assert seen["status"] == "有效" and seen["valid"] is True and seen["holder_name"] == "张晓明"
    assert set(seen) == set(certs.PUBLIC_FIELDS) | {"valid"}
    assert app.applicant.id_number not in str(seen) and app.unit.name not in str(seen)
    assert certs.certificate_verify(number=f" {number} ", name=" 张晓明 ")["number"] == number
    for kwargs in (
        {"number": number, "name": "李四"},
        {"number": "321120242999999", "name": "张晓明"},
        {"number": ""},
        {"number": number},  # issue 16: a number alone never names its holder
        {"number": number, "name": ""},
    ):
        with pytest.raises(NotFound) as exc:
            certs.certificate_verify(**kwargs)
        assert exc.value.message == "未查到与该证书编号（及姓名）相符的电子职称证书"


def test_revocation_verifies_as_revoked_and_opens_an_integrity_record(world, in_window):
    app = initial_case(world, name="王建国")
    certs.initial_approve(application=app, actor=world.association_clerk, document_number="镇技协〔2024〕23号")
    app.refresh_from_db()
    with pytest.raises(PermissionDenied):
        certs.certificate_revoke(application=app, actor=world.association_clerk, finding="学历造假")
    assert certs.certificate_verify(number=app.certificate.number, name="王建国")["status"] == "有效"
    certs.certificate_revoke(application=app, actor=world.supervisor, finding="伪造学历证书")
    app.refresh_from_db()
    seen = certs.certificate_verify(number=app.certificate.number, name="王建国")
    assert seen["status"] == "已撤销" and seen["valid"] is False
    assert app.status == S.REVOKED and app.certificate.revoked_at is not None
    record = IntegrityRecord.objects.get(id_number=app.applicant.id_number)
    assert str(record.found_on) == "2024-04-10" and str(record.expires_on) == "2027-04-10"


def test_only_the_holder_and_the_supervisor_download(world, in_window):
    app = initial_case(world)
    certs.initial_approve(application=app, actor=world.association_clerk, document_number="镇技协〔2024〕24号")
    assert certs.certificate_for_user(user=app.applicant.user, application=app) == app.certificate
    assert certs.certificate_for_user(user=world.supervisor, application=app) == app.certificate
    with pytest.raises(PermissionDenied):
        certs.certificate_for_user(user=world.outsider, application=app)


def _png_of_page_one(pdf: bytes, tmp_path) -> Image.Image:
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")], check=True)
    return Image.open(next(tmp_path.glob("p*.png"))).convert("L")


def _dark_pixels(image: Image.Image) -> int:
    return sum(image.histogram()[:128])


def test_certificate_pdf_embeds_a_chinese_font_and_renders(world, in_window, tmp_path):
    app = initial_case(world, name="欧阳思远")
    certs.initial_approve(application=app, actor=world.association_clerk, document_number="镇技协〔2024〕25号")
    app.refresh_from_db()
    pdf = certs.certificate_pdf(app.certificate)
    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert "欧阳思远" in text and "专业技术资格证书" in text and app.certificate.number in text
    fonts = reader.pages[0]["/Resources"]["/Font"]
    descriptors = [f.get_object().get("/FontDescriptor") for f in fonts.values()]
    assert any(d is not None and "/FontFile2" in d.get_object() for d in descriptors)  # embedded TrueType
    image = _png_of_page_one(pdf, tmp_path)
    dark = _dark_pixels(image)
    assert dark > 2000, "rendered page is blank"
    assert len(pdf) < 400_000  # a subset, not the whole 20 MB font


def test_initial_form_pdf_has_two_copies(world, in_window, tmp_path):
    app = initial_case(world, name="钱学敏")
    certs.initial_approve(application=app, actor=world.association_clerk, document_number="镇技协〔2024〕26号")
    app.refresh_from_db()
    certs.certificate_pdf(app.certificate)  # another subset of the same font first: the two must not mix
    pdf = certs.initial_form_pdf(app)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    for i, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert "专业技术资格初定申报表" in text and "钱学敏" in text and f"第{i}份" in text
        assert "单位负责人签字" in text and "一式2份" in text and "身份证号" in text and "申报人签字" in text
    assert _dark_pixels(_png_of_page_one(pdf, tmp_path)) > 2000
