"""统一社会信用代码 check per GB 32100-2015: 18 characters from the code's alphabet, the 登记管理机关行政区划码, and the
MOD 31 check character."""


def normalise_code(value: str) -> str:
    """An identity number as typed, without spaces and in capitals (also used for 身份证号 and other documents)."""
    return "".join((value or "").split()).upper()


CREDIT_SOURCE = "GB 32100-2015《法人和其他组织统一社会信用代码编码规则》"
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_problem(value: str) -> str | None:
    value = normalise_code(value)
    if len(value) != 18:
        return "统一社会信用代码应为18位"
    if any(c not in CREDIT_CHARS for c in value):
        return "统一社会信用代码只能由数字和大写字母组成（不使用 I、O、Z、S、V）"
    if not value[2:8].isdigit():
        return "统一社会信用代码第3至8位应为登记管理机关行政区划码"
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(value[:17], CREDIT_WEIGHTS, strict=True))
    if CREDIT_CHARS[(31 - total % 31) % 31] != value[17]:
        return "统一社会信用代码校验位错误"
    return None


def make_credit_code(body: str) -> str:
    """A valid code from its first 17 characters (demos and tests)."""
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(body, CREDIT_WEIGHTS, strict=True))
    return body + CREDIT_CHARS[(31 - total % 31) % 31]
