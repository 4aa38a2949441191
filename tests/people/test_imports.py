"""Excel import: a template to download, every row checked through the same services, every error named by row
and column in Chinese, nothing imported unless all rows pass (issue 13 item 5)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from applications import imports
from applications.models import ApplicantProfile
from organisations.models import OrgEvent, Unit
from tests.factories import UserFactory, grant
from tests.people.helpers import credit_code, id_number, wrong_checksum, xlsx
from zhicheng.errors import DomainError, PermissionDenied
from zhicheng.roles import Role

pytestmark = pytest.mark.django_db
UNIT_HEADER = [c.header for c in imports.UNIT_COLUMNS]
STAFF_HEADER = [c.header for c in imports.STAFF_COLUMNS]


def unit_rows(n: int) -> list[list]:
    return [[f"镇江导入测试单位{i}", credit_code(1000 + i), "企业", "是", "镇江市区", "", "", ""] for i in range(n)]


def test_the_templates_have_the_columns_the_import_reads(world, client):
    for which, columns in (("units", imports.UNIT_COLUMNS), ("staff", imports.STAFF_COLUMNS)):
        r = client.get(f"/api/v1/public/import-templates/{which}/")
        assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(io.BytesIO(r.content)).worksheets[0]
        header = [str(c.value).replace("（选填）", "") for c in sheet[1]]
        assert header == [c.header for c in columns]


def test_500_units_with_one_bad_code_import_nothing_and_name_row_and_column(world):
    from organisations import services as orgs

    orgs.department_create(actor=world.supervisor, name="镇江市人力资源和社会保障局", kind="hrss",
                           region=world.unit.region)  # fmt: skip
    rows = unit_rows(500)
    rows[316][1] = wrong_checksum(rows[316][1]) if rows[316][1][-1].isdigit() else rows[316][1][:-1] + "0"
    before = (Unit.objects.count(), OrgEvent.objects.count())
    with pytest.raises(DomainError) as err:
        imports.units_import(actor=world.supervisor, data=xlsx(UNIT_HEADER, rows))
    assert err.value.code == "import_invalid"
    assert "第318行「统一社会信用代码」列：统一社会信用代码校验位错误" in err.value.message  # header is row 1
    assert "共 500 行，其中 1 行有误，未导入任何数据" in err.value.message
    assert err.value.fields["rows"] == [
        {"row": 318, "column": "统一社会信用代码", "message": err.value.fields["rows"][0]["message"]}
    ]
    assert (Unit.objects.count(), OrgEvent.objects.count()) == before

    good = unit_rows(60)  # the same rows without the bad one import in full (fewer, to keep the suite quick)
    assert imports.units_import(actor=world.supervisor, data=xlsx(UNIT_HEADER, good)) == 60
    assert Unit.objects.filter(name__startswith="镇江导入测试单位", state=Unit.State.CONFIRMED).count() == 60


def test_every_error_is_listed_and_duplicates_inside_the_file_count(world):
    from organisations import services as orgs

    orgs.department_create(actor=world.supervisor, name="镇江市人力资源和社会保障局", kind="hrss",
                           region=world.unit.region)  # fmt: skip
    rows = unit_rows(3)
    rows[1][0] = ""  # a required cell
    rows[2][1] = rows[0][1]  # the same code twice
    rows.append(["镇江另一单位", credit_code(9), "工厂", "也许", "火星", "", "", ""])
    with pytest.raises(DomainError) as err:
        imports.units_import(actor=world.supervisor, data=xlsx(UNIT_HEADER, rows))
    message = err.value.message
    assert "第3行「单位名称」列：必填项为空" in message
    assert "第4行「统一社会信用代码」列" in message and "已登记" in message
    assert "第5行" in message and Unit.objects.filter(name__startswith="镇江导入测试单位").count() == 0


def test_staff_import_by_the_unit_hr_account(world):
    hr = grant(UserFactory(), Role.UNIT_HR, unit=world.unit)
    rows = [[f"职工{i}", "居民身份证", id_number(600 + i), f"1370000{i:04d}", f"s{i}@example.cn", "", "",
             "2020-07-01", "2020-07-01"] for i in range(20)]  # fmt: skip
    rows[7][2] = wrong_checksum(rows[7][2])
    rows[12][7] = "2020年7月"
    with pytest.raises(DomainError) as err:
        imports.staff_import(actor=hr, unit=world.unit, data=xlsx(STAFF_HEADER, rows))
    assert "第9行「证件号码」列：身份证号校验位错误" in err.value.message
    assert "第14行「入职日期」列" in err.value.message
    assert not ApplicantProfile.objects.filter(name__startswith="职工").exists()
    rows[7][2] = id_number(607)
    rows[12][7] = "2020-07-01"
    assert imports.staff_import(actor=hr, unit=world.unit, data=xlsx(STAFF_HEADER, rows)) == 20
    staff = ApplicantProfile.objects.filter(name__startswith="职工", unit=world.unit)
    assert staff.count() == 20 and not staff.first().user.has_usable_password()
    with pytest.raises(PermissionDenied):
        imports.staff_import(actor=world.unit_reviewer, unit=world.unit, data=xlsx(STAFF_HEADER, rows))


def test_a_file_that_is_not_the_template_is_refused(world):
    with pytest.raises(DomainError) as err:
        imports.units_import(actor=world.supervisor, data=b"not an excel file")
    assert err.value.code == "bad_file"
    with pytest.raises(DomainError) as err:
        imports.units_import(actor=world.supervisor, data=xlsx(["名称"], [["x"]]))
    assert err.value.code == "bad_header" and "单位名称" in err.value.message
