"""The e-certificate PDF (issue 15): its QR code decodes to the verification URL of its number (zbarimg from Debian's
zbar-tools), a revoked one prints 已撤销 (text layer and rendered), every issuer name of the schedule stays inside the
frame, and the number carries the cycle's year, not the year it is issued in."""

import datetime as dt
import re
import shutil
import subprocess
from urllib.parse import urlencode

import pytest
import time_machine
import yaml

from publicity import certificates as certs
from publicity.models import Certificate
from tests.conftest import shanghai
from tests.publicity.test_certificates import initial_case
from zhicheng.settings.base import BASE_DIR

pytestmark = pytest.mark.django_db
FRAME_RIGHT, FRAME_LEFT = 547, 48  # the inner frame of certificate_pdf, in points


def _need(tool: str):
    if shutil.which(tool) is None:
        pytest.skip(f"需要 {tool}（Debian：apt-get install zbar-tools poppler-utils）")


def _certified(world):
    app = initial_case(world)
    certs.initial_approve(application=app, actor=world.association_clerk, document_number="镇技协〔2024〕21号")
    return Certificate.objects.get(application=app)


def _render(pdf: bytes, tmp_path, dpi=150) -> str:
    path = tmp_path / "cert.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(path), str(tmp_path / "page")], check=True)
    return str(tmp_path / "page.png")


def test_qr_code_decodes_to_the_verification_url_of_the_number(world, in_window, tmp_path):
    _need("zbarimg"), _need("pdftoppm")
    cert = _certified(world)
    image = _render(certs.certificate_pdf(cert), tmp_path)
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", image], capture_output=True, text=True, check=True)
    assert decoded.stdout.strip() == certs.certificate_verify_url(cert)
    query = urlencode({"number": cert.number, "name": cert.holder_name})
    assert decoded.stdout.strip() == f"http://127.0.0.1:8000/verify/?{query}"


def test_revoked_certificate_prints_revoked(world, in_window, tmp_path):
    _need("pdftotext")
    cert = _certified(world)
    path = tmp_path / "valid.pdf"
    path.write_bytes(certs.certificate_pdf(cert))
    valid_text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "已撤销" not in valid_text
    certs.certificate_revoke(application=cert.application, actor=world.supervisor, finding="伪造学历证书")
    cert.refresh_from_db()
    path.write_bytes(certs.certificate_pdf(cert))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "已撤销" in text and "本证书已于2024年04月10日撤销，不再有效" in text
    _render(path.read_bytes(), tmp_path, dpi=40)  # and it renders


def _issuers() -> list[str]:
    schedule = yaml.safe_load((BASE_DIR / "data/reference/schedule_2024.yaml").read_text(encoding="utf-8"))
    names = {e["office"] for row in schedule["rows"] for e in row["entries"] if e.get("office")}
    return sorted(names | {certs.MUNICIPAL_OFFICE}, key=len)


def test_every_issuer_of_the_schedule_stays_inside_the_frame(world, in_window, tmp_path):
    _need("pdftotext")
    cert = _certified(world)
    path = tmp_path / "c.pdf"
    for issuer in _issuers():
        cert.issuer = issuer
        path.write_bytes(certs.certificate_pdf(cert))
        html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True)
        words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)</word>', html.stdout)
        assert words
        for x_min, x_max, word in words:
            assert float(x_min) > FRAME_LEFT and float(x_max) < FRAME_RIGHT, (issuer, word, x_min, x_max)
        flat = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout)
        assert issuer.replace(" ", "") in flat, issuer  # printed whole, not cut


def test_number_uses_the_cycle_year_not_the_issue_year(world, in_window):
    app = initial_case(world)
    assert app.cycle_year == 2024
    with time_machine.travel(shanghai(2026, 3, 2, 10, 0), tick=False):
        certs.initial_approve(
            application=app, actor=world.association_clerk, document_number="镇技协〔2026〕3号",
            date=dt.date(2026, 3, 2),
        )  # fmt: skip
    cert = Certificate.objects.get(application=app)
    assert cert.number.startswith("32112024"), cert.number
