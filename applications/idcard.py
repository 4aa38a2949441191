"""身份证号 check per GB 11643-1999: 18 characters, a real birth date, and the MOD 11-2 check digit."""

import datetime as dt

from django.core.exceptions import ValidationError

# The unit's 统一社会信用代码 lives with the units (organisations); re-exported here for the callers that know it here.
from organisations.credit_code import CREDIT_SOURCE, credit_code_problem, make_credit_code, normalise_code  # noqa: F401

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


# ---------------------------------------------------------------- the other documents seed 000 一(二) admits

DOCUMENT_SOURCES = {
    "resident": SOURCE,
    "hk_macao": "港澳居民来往内地通行证（H/M 开头，后接8位或10位数字）",
    "taiwan": "台湾居民来往大陆通行证（8位数字）",
    "foreign_permanent": "外国人永久居留身份证（2017版18位，2023版以9开头18位）",
    "passport": "护照号码（5至20位字母或数字）",
}


def normalise_id(value: str) -> str:
    return normalise_code(value)


def document_problem(kind: str, value: str) -> str | None:
    """The Chinese reason a document number is invalid for its kind, or None."""
    value = normalise_id(value)
    if kind == "resident":
        return id_number_problem(value)
    if kind == "hk_macao":
        if len(value) in (9, 11) and value[0] in "HM" and value[1:].isdigit():
            return None
        return "港澳居民来往内地通行证号码应为H或M开头，后接8位或10位数字"
    if kind == "taiwan":
        return None if len(value) == 8 and value.isdigit() else "台湾居民来往大陆通行证号码应为8位数字"
    if kind == "foreign_permanent":
        if len(value) == 15 and value[:3].isalpha() and value[3:].isdigit():
            return None  # 2004 edition: 3 letters + 12 digits
        if len(value) == 18 and value[:17].isdigit() and value[17] in "0123456789X":
            expected = CHECK_CHARS[sum(int(c) * w for c, w in zip(value[:17], WEIGHTS, strict=True)) % 11]
            return None if value[17] == expected else "外国人永久居留身份证号码校验位错误"
        return "外国人永久居留身份证号码应为18位（或旧版15位：3位字母加12位数字）"
    if kind == "passport":
        return None if 5 <= len(value) <= 20 and value.isalnum() else "护照号码应为5至20位字母或数字"
    return "证件类型无效"


def validate_id_document(value: str) -> None:
    """Field-level check (the kind is checked with the number in ApplicantProfile.clean and the services)."""
    value = normalise_id(value)
    if not (5 <= len(value) <= 30 and value.isalnum()):
        raise ValidationError("证件号码应为5至30位字母或数字", code="invalid_id_number")


def id_hash(kind: str, value: str) -> str:
    """A keyed digest for exact lookup: HMAC-SHA256 over kind and normalised number (settings ID_HASH_KEY)."""
    import hashlib
    import hmac

    from django.conf import settings

    key = settings.ZHICHENG.get("ID_HASH_KEY") or settings.SECRET_KEY
    message = f"{kind}:{normalise_id(value)}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()
