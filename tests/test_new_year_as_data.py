"""A new year is data, not code (issue 14, Build 8): a 2025 cycle written as data files only — cycles.yaml with its
documents, schedule_2025.yaml and rules/2025.yaml adapted from 2024 — loaded from a data directory of its own
(settings.ZHICHENG["DATA_DIR"]), runs a 评审 case from submission to the e-certificate, and every rule, refusal,
申报表 and certificate cites the 2025 documents, never the 2024 ones.

Also: no module of the apps names a 2024 document (the numbers live in data/ only).
"""

import datetime as dt
import io
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
import yaml
from django.conf import settings
from pypdf import PdfReader

from applications import services
from applications.models import Committee, ContinuingEducation, ReviewCycle, Status
from applications.reference_data import load_reference_data
from operations.sweep import timers_sweep
from publicity import certificates as certs
from publicity import services as pub
from publicity.models import Publicity
from review import services as review
from tests.conftest import shanghai
from tests.factories import level, series, submit
from tests.review.helpers import pool
from zhicheng.errors import DomainError

S = Status
BASE = Path(settings.BASE_DIR)
NOTICE_2025 = "镇职称办〔2025〕8号"  # fictional
ASSOCIATION_2025 = "镇技协〔2025〕3号"  # fictional
PUBLICATION_2025 = "镇职称办〔2025〕40号"  # fictional


def travel(*args):
    return time_machine.travel(shanghai(*args), tick=False)


def _year_2025(text: str) -> str:
    """A 2024 data file as the 2025 one would read: the documents and the dates one year on."""
    text = text.replace("镇职称办〔2024〕11号", NOTICE_2025).replace("镇技协〔2024〕1号", ASSOCIATION_2025)
    return re.sub(r"\b2024-(\d\d-\d\d)", r"2025-\1", text).replace("2024年度", "2025年度")


def write_2025_data(root: Path) -> Path:
    """data/ copied to `root`, with a 2025 review cycle added as files only."""
    shutil.copytree(BASE / "data", root, dirs_exist_ok=True)
    ref, rules = root / "reference", root / "rules"
    (ref / "schedule_2025.yaml").write_text(
        _year_2025((ref / "schedule_2024.yaml").read_text(encoding="utf-8")), encoding="utf-8"
    )
    rules_2025 = yaml.safe_load(_year_2025((rules / "2024.yaml").read_text(encoding="utf-8")))
    rules_2025["continuing_education"]["year"] = 2024
    (rules / "2025.yaml").write_text(yaml.safe_dump(rules_2025, allow_unicode=True), encoding="utf-8")
    cycles = yaml.safe_load((ref / "cycles.yaml").read_text(encoding="utf-8"))
    cycles["review_cycles"].append(
        {
            "year": 2025,
            "name": "2025年度职称评审",
            "seniority_cutoff": "2024-12-31",
            "continuing_education": {"year": 2024, "hours": 90},
            "intermediate_review_deadline": "2025-11-30",
            "source": NOTICE_2025,
            "documents": {"notice": NOTICE_2025, "association": ASSOCIATION_2025},
            "schedule": "schedule_2025.yaml",
        }
    )
    (ref / "cycles.yaml").write_text(yaml.safe_dump(cycles, allow_unicode=True), encoding="utf-8")
    return root


@pytest.fixture
def world_2025(world, settings, tmp_path):
    settings.ZHICHENG = {**settings.ZHICHENG, "DATA_DIR": str(write_2025_data(tmp_path / "data"))}
    report = load_reference_data()
    assert report.created["评审年度"] == 1
    world.cycle = ReviewCycle.objects.get(year=2025)
    assert world.cycle.documents == {"notice": NOTICE_2025, "association": ASSOCIATION_2025}
    return world


def applicant_2025(world, name: str):
    person = world.applicant(name=name)
    ContinuingEducation.objects.create(profile=person, year=2024, hours=96)  # 2025 checks 2024 (二(九))
    return person


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def assert_2025(text: str) -> None:
    assert "〔2025〕" in text and "〔2024〕" not in text, text


@pytest.mark.django_db
def test_a_2025_cycle_added_as_data_runs_a_case_to_its_certificate_citing_2025(world_2025):
    world = world_2025
    line = Committee.objects.get(cycle=world.cycle, row=1, entry=1)
    with travel(2025, 4, 10, 9):
        case = world.draft(applicant_2025(world, "钱志远"))
        with pytest.raises(DomainError) as refused:  # the pledge is unsigned: the refusal cites the case's year
            services.application_submit(application=case, actor=case.applicant.user, pledge_accepted=False)
        assert refused.value.source == f"{NOTICE_2025} 七(三)"
        case = submit(case)
        assert case.status == S.UNIT_REVIEW and case.committee == line
        assert_2025(case.pledge_text)
        assert_2025(pdf_text(certs.review_form_pdf(case)))  # the 申报表
        pub.publicity_start(kind=Publicity.Kind.UNIT, applications=[case], actor=world.unit_reviewer)
    with travel(2025, 4, 18, 9):  # 5 working days after the start: 04-11, 14, 15, 16, 17
        timers_sweep()  # the set-based close writes the rule of each case's own cycle
        case.refresh_from_db()
        assert case.status == S.DEPT_RECHECK
        services.application_dept_approve(application=case, actor=world.dept_reviewer)
        pub.publicity_start(kind=Publicity.Kind.COMMITTEE, applications=[case], actor=world.clerk)
    with travel(2025, 4, 24, 10):
        services.application_mark_paper_received(application=case, actor=world.clerk)
    with travel(2025, 4, 28, 9):  # 04-21 … 04-25
        timers_sweep()
        case.refresh_from_db()
        assert case.status == S.AWAITING_MEETING

    pool(world, others=9)
    with travel(2025, 5, 12, 9):
        m = review.meeting_create(
            actor=world.clerk,
            committee=line,
            series=series("建设工程"),
            level=level("中级"),
            date=dt.date(2025, 6, 20),
            place="镇江市人社局会议室",
            pass_rate=Decimal("1"),
            panel_size=7,
        )
        review.meeting_add_cases(meeting=m, actor=world.clerk, applications=[case])
        review.experts_draw(meeting=m, actor=world.clerk)
    with travel(2025, 6, 6, 9), pytest.raises(DomainError) as late:  # 14 days before: the 报备 is too late
        review.filing_submit(meeting=m, actor=world.clerk)
    assert late.value.source == f"{NOTICE_2025} 六(一)"
    with travel(2025, 6, 5, 9):
        filing = review.filing_submit(meeting=m, actor=world.clerk)
    with travel(2025, 6, 9, 9):
        review.filing_accept(filing=filing, actor=world.supervisor)
    with travel(2025, 6, 20, 9):
        review.meeting_open(meeting=m, actor=world.clerk)
        m.refresh_from_db()
        panel = m.draw.result
        review.attendance_record(meeting=m, actor=world.clerk, present=panel)
        review.votes_record(meeting=m, actor=world.clerk, application=case, votes=dict.fromkeys(panel, True))
        review.results_record(meeting=m, actor=world.clerk)
        m.refresh_from_db()
        review.meeting_result_publicity_start(meeting=m, actor=world.clerk)
    with travel(2025, 6, 30, 9):
        timers_sweep()
        case.refresh_from_db()
        assert case.status == S.AWAITING_PUBLICATION
    with travel(2025, 7, 7, 9):
        certs.publication_create(
            actor=world.supervisor, document_number=PUBLICATION_2025, date=dt.date(2025, 7, 7), applications=[case]
        )
    case.refresh_from_db()
    assert case.status == S.CERTIFIED

    rules = [(ev.action, ev.rule) for ev in case.events.order_by("id") if ev.rule]
    assert {a for a, _ in rules} >= {"submit", "unit_approve", "unit_publicity_end", "committee_publicity_end",
                                     "publish", "certify"}  # fmt: skip
    for action, rule in rules:
        assert "〔2024〕" not in rule, (action, rule)
        if action != "record_result":  # that one cites 人社部令第40号
            assert rule.startswith(NOTICE_2025), (action, rule)
    certificate = pdf_text(certs.certificate_pdf(case.certificate))
    assert f"{NOTICE_2025} 六(二)" in certificate and "〔2024〕" not in certificate
    assert_2025(pdf_text(certs.review_form_pdf(case)))


APPS = ("applications", "publicity", "review", "zhicheng", "operations", "organisations")


def test_no_module_names_a_2024_document():
    """The document numbers are the cycles' data (data/reference/cycles.yaml, data/rules/<year>.yaml). Migrations
    are history: what an old migration wrote as a help text is not read by any rule."""
    found = [
        f"{path.relative_to(BASE)}:{n}"
        for app in APPS
        for path in sorted((BASE / app).rglob("*.py"))
        if "migrations" not in path.parts
        for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "〔2024〕" in text
    ]
    assert found == []
