"""Bulk import from Excel (openpyxl) with a downloadable template: units (the supervisor) and a unit's staff (its
HR account or administrator). Every row goes through the same service as the page, each in a savepoint; every
error is listed with its row and column, and unless all rows pass the whole import is rolled back (issue 13 item 5).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from organisations import services as orgs
from organisations.models import Department, Region, Unit
from zhicheng.errors import DomainError, PermissionDenied

from . import people
from . import permissions as perms
from .models import ApplicantProfile

MAX_ROWS = 5000
YES = {"是", "Y", "YES", "TRUE", "1"}
NO = {"否", "N", "NO", "FALSE", "0", ""}


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # the service's field name (DomainError.fields keys map back to the column)
    required: bool = True
    note: str = ""
    example: object = ""


UNIT_COLUMNS = [
    Column("单位名称", "name", example="镇江示例科技有限公司"),
    Column("统一社会信用代码", "credit_code", note="18位，按 GB 32100-2015 校验", example="91321100MA1EWAMP12"),
    Column("单位性质", "ownership", note="企业 / 事业单位 / 社会组织 / 人事代理机构", example="企业"),
    Column("民营企业", "is_private_enterprise", required=False, note="是 / 否（仅企业）", example="是"),
    Column(
        "地区", "region", note="镇江市区、丹阳市、句容市、扬中市、丹徒区、京口区、润州区、经开区", example="镇江市区"
    ),
    Column("主管部门", "department", required=False, note="留空则由所在地区人社部门确认", example=""),
    Column("地址", "address", required=False, example="镇江市润州区示例路1号"),
    Column("联系电话", "contact_phone", required=False, example="0511-80000000"),
]
STAFF_COLUMNS = [
    Column("姓名", "name", example="张三"),
    Column(
        "证件类型",
        "id_kind",
        note="居民身份证 / 港澳居民来往内地通行证 / 台湾居民来往大陆通行证 / 外国人永久居留身份证 / 护照",
        example="居民身份证",
    ),
    Column("证件号码", "id_number", note="居民身份证按 GB 11643-1999 校验", example="11010519491231002X"),
    Column("手机号", "phone", example="13800000000"),
    Column("电子邮箱", "email", note="用于设置密码（找回密码）", example="zhangsan@example.cn"),
    Column("出生日期", "birth_date", required=False, note="非居民身份证必填，格式 2000-01-31", example=""),
    Column("工作许可证号", "work_permit_number", required=False, note="持护照者必填", example=""),
    Column("入职日期", "employed_since", required=False, note="格式 2020-07-01", example="2020-07-01"),
    Column("参加专业技术工作日期", "work_started_on", required=False, example="2020-07-01"),
]


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def text(self) -> str:
        return f"第{self.row}行「{self.column}」列：{self.message}"

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


def template(columns: list[Column], title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append([c.header + ("" if c.required else "（选填）") for c in columns])
    for i, c in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(14, len(c.header) * 2 + 4)
    notes = wb.create_sheet("填写说明")
    notes.append(["列", "是否必填", "说明", "示例"])
    for c in columns:
        notes.append([c.header, "必填" if c.required else "选填", c.note, c.example])
    notes.append([])
    notes.append(["在第一个工作表第2行起逐行填写，表头请勿修改。任何一行有误则整批不导入，并列出每处错误的行和列。"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _rows(data: bytes, columns: list[Column]) -> list[tuple[int, dict]]:
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError, TypeError, Exception):  # noqa: BLE001 — any bad file
        raise DomainError("bad_file", "无法读取该文件，请使用下载的 Excel 模板（.xlsx）填写后上传") from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [str(h or "").replace("（选填）", "").strip() for h in next(rows, [])]
    wanted = [c.header for c in columns]
    if header[: len(wanted)] != wanted:
        raise DomainError(
            "bad_header", "表头与模板不一致，请使用下载的模板：应为 " + "、".join(wanted), fields={"header": header}
        )
    out = []
    for n, values in enumerate(rows, start=2):
        values = list(values or [])[: len(columns)]
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        values += [None] * (len(columns) - len(values))
        out.append((n, {c.field: v for c, v in zip(columns, values, strict=True)}))
        if len(out) > MAX_ROWS:
            raise DomainError("too_many_rows", f"一次最多导入{MAX_ROWS}行")
    if not out:
        raise DomainError("empty_file", "文件中没有数据行")
    return out


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value, header: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(_text(value))
    except ValueError:
        raise _FieldError(header, f"日期格式应为 2020-07-01，而不是「{_text(value)}」") from None


class _FieldError(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


def _run(columns: list[Column], rows: list[tuple[int, dict]], one_row) -> int:
    """Each row in a savepoint; any error → every error listed, all rolled back."""
    by_field = {c.field: c.header for c in columns}
    errors: list[RowError] = []
    with transaction.atomic():
        for n, values in rows:
            missing = [c for c in columns if c.required and _text(values[c.field]) == ""]
            if missing:
                errors.extend(RowError(n, c.header, "必填项为空") for c in missing)
                continue
            try:
                with transaction.atomic():
                    one_row(values)
            except _FieldError as exc:
                errors.append(RowError(n, exc.column, exc.message))
            except DomainError as exc:
                field = next((f for f in exc.fields if f in by_field), None)
                message = (
                    f"{exc.message}（{exc.source}）" if exc.source and exc.source not in exc.message else exc.message
                )
                errors.append(RowError(n, by_field.get(field, "整行"), message))
        if errors:
            shown = errors[:200]
            more = f"；另有 {len(errors) - len(shown)} 处错误未列出" if len(errors) > len(shown) else ""
            raise DomainError(
                "import_invalid",
                f"共 {len(rows)} 行，其中 {len({e.row for e in errors})} 行有误，未导入任何数据："
                + "；".join(e.text() for e in shown)
                + more,
                fields={"rows": [e.as_dict() for e in errors]},
            )
    return len(rows)


def _choice(value, choices, header: str) -> str:
    text = _text(value)
    for key, label in choices:
        if text in (key, label) or label.startswith(text) and text:
            return key
    raise _FieldError(header, f"「{text}」不是有效的{header}，应为：" + " / ".join(label for _, label in choices))


def units_import(*, actor, data: bytes) -> int:
    """The supervisor imports units (confirmed on import). Returns the number imported."""
    if not perms.is_supervisor(actor):
        raise PermissionDenied("forbidden", "只有市职称办可以批量导入单位")
    rows = _rows(data, UNIT_COLUMNS)
    regions = {r.name: r for r in Region.objects.all()}
    ownership_choices = Unit.Ownership.choices

    def one(values):
        region = regions.get(_text(values["region"]))
        if region is None:
            raise _FieldError("地区", f"「{_text(values['region'])}」不是有效的地区，应为：" + "、".join(regions))
        dept = None
        if _text(values["department"]):
            dept = Department.objects.filter(name=_text(values["department"])).first()
            if dept is None:
                raise _FieldError("主管部门", f"主管部门「{_text(values['department'])}」尚未登记")
        private = _text(values["is_private_enterprise"]).upper()
        if private not in YES | NO:
            raise _FieldError("民营企业", "应填“是”或“否”")
        orgs.unit_register(
            actor=actor,
            name=_text(values["name"]),
            credit_code=_text(values["credit_code"]),
            ownership=_choice(values["ownership"], ownership_choices, "单位性质"),
            is_private_enterprise=private in YES,
            region=region,
            department=dept,
            address=_text(values["address"]),
            contact_phone=_text(values["contact_phone"]),
            confirmed=True,
        )

    count = _run(UNIT_COLUMNS, rows, one)
    orgs.org_event(actor, "unit_imported", actor, {"rows": count})
    return count


def staff_import(*, actor, unit: Unit, data: bytes) -> int:
    """A unit's HR account or administrator imports its staff as applicants (accounts without a password: each
    person sets one through 找回密码 by e-mail). Returns the number imported."""
    if not (orgs.is_unit_hr(actor, unit) or orgs.is_unit_admin(actor, unit)):
        raise PermissionDenied("forbidden", f"只有「{unit.name}」的人事经办人或单位管理员可以导入本单位职工")
    if unit.state != Unit.State.CONFIRMED:
        raise DomainError("unit_unconfirmed", f"「{unit.name}」尚未经主管部门确认")
    rows = _rows(data, STAFF_COLUMNS)
    kinds = ApplicantProfile.IdKind.choices

    def one(values):
        birth = _date(values["birth_date"], "出生日期")
        employed = _date(values["employed_since"], "入职日期")
        started = _date(values["work_started_on"], "参加专业技术工作日期")
        profile = people.applicant_register(
            name=_text(values["name"]),
            id_kind=_choice(values["id_kind"], kinds, "证件类型"),
            id_number=_text(values["id_number"]),
            phone=_text(values["phone"]),
            email=_text(values["email"]),
            password="",
            password_usable=False,
            work_permit_number=_text(values["work_permit_number"]),
            birth_date=birth,
            unit=unit,
            actor=actor,
        )
        if employed or started:
            people.profile_update(profile=profile, actor=actor, employed_since=employed, work_started_on=started)

    count = _run(STAFF_COLUMNS, rows, one)
    orgs.org_event(actor, "staff_imported", unit, {"rows": count})
    return count
