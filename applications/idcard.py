"""身份证号 check per GB 11643-1999: 18 characters, a real birth date, and the MOD 11-2 check digit."""

import datetime as dt

from django.core.exceptions import ValidationError

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
SOURCE = "GB 11643-1999《公民身份号码》"


def id_number_problem(value: str) -> str | None:
    """The Chinese reason the number is invalid, or None."""
    if not isinstance(value, str) or len(value) != 18:
        return "身份证号应为18位"
    body, check = value[:17], value[17].upper()
    if not body.isdigit() or not (check.isdigit() or check == "X"):
        return "身份证号前17位应为数字，末位为数字或X"
    try:
        birth = dt.date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    except ValueError:
        return "身份证号中的出生日期不存在"
    if birth.year < 1900 or birth > dt.date.today():
        return "身份证号中的出生日期不合理"
    expected = CHECK_CHARS[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]
    if check != expected:
        return "身份证号校验位错误"
    return None


def validate_id_number(value: str) -> None:
    problem = id_number_problem(value)
    if problem:
        raise ValidationError(f"{problem}（{SOURCE}）", code="invalid_id_number")


def birth_date(value: str) -> dt.date:
    return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def make_id_number(region: str, birth: dt.date, seq: int) -> str:
    """A valid number for demos and tests: region code (6 digits), birth date, 3-digit sequence."""
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + CHECK_CHARS[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]
