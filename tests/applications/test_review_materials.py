"""Issue 14, Build 6: the 评审 materials list is cycle data per series and level, checked at submission."""

import pytest

from applications import services
from applications.materials import material_upload, missing_materials, review_material_items
from applications.models import Status
from tests.applications.pdfs import simple_pdf
from tests.factories import review_materials, submit
from zhicheng.errors import DomainError

pytestmark = pytest.mark.django_db


def _upload(app, kind):
    material_upload(application=app, actor=app.applicant.user, kind=kind, name=f"{kind}.pdf", data=simple_pdf())


def test_issue_bullet_a_review_case_needs_its_materials(world, in_window):
    """Issue bullet: a 评审 case was submitted and carried to the committee with zero files."""
    app = world.draft()
    with pytest.raises(DomainError) as exc:
        services.application_submit(application=app, actor=app.applicant.user, pledge_accepted=True)
    assert exc.value.code == "materials_missing"
    for label in ("专业技术资格评审申报表", "学历（学位）证书", "现有职称证书", "继续教育证明", "业绩成果材料或代表作",
                  "年度考核表"):  # fmt: skip
        assert label in exc.value.message
    assert "镇职称办〔2024〕11号 四(一)" in exc.value.source and "二(九)" in exc.value.source
    app.refresh_from_db()
    assert app.status == Status.DRAFT
    submit(app)  # with one file per item
    assert app.status == Status.UNIT_REVIEW


def test_one_kind_of_an_item_is_enough_and_young_talent_needs_no_title(world, in_window):
    app = world.draft()
    for kind in ("application_form", "diploma", "title_certificate", "continuing_education", "annual_appraisal"):
        _upload(app, kind)
    assert missing_materials(app) == ["业绩成果材料或代表作（论文论著）"]
    _upload(app, "paper")  # 代表作 instead of 业绩成果
    assert missing_materials(app) == []
    app.young_talent_direct = True
    assert "title_certificate" not in {i["code"] for i in review_material_items(app)}


def test_the_list_is_per_series_and_level_data(world, in_window):
    junior = world.draft(level_name="员级")
    assert [i["code"] for i in review_material_items(junior)] == ["application_form", "diploma", "annual_appraisal"]
    cycle = world.cycle
    cycle.rules["materials"]["by_series"] = {"建设工程": {"中级": ["application_form"]}}
    cycle.save()
    app = world.draft()
    assert [i["label"] for i in review_material_items(app)] == ["专业技术资格评审申报表"]
    del cycle.rules["materials"]
    cycle.save()
    assert review_material_items(world.draft()) == []  # a cycle that lists none asks for none


def test_the_precheck_page_lists_what_is_missing(world, in_window):
    app = review_materials(world.draft())
    assert missing_materials(app) == []
