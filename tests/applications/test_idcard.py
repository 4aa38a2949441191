import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from applications.idcard import id_number_problem, make_id_number, validate_id_number
from applications.models import mask_id_number


@pytest.mark.parametrize(
    "value",
    ["11010519491231002X", make_id_number("321102", dt.date(1990, 5, 17), 12)],
)
def test_valid_numbers(value):
    assert id_number_problem(value) is None


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("11010519491231002", "应为18位"),
        ("1101051949123100XX", "前17位应为数字"),
        ("110105194902300021", "出生日期不存在"),  # 30 February
        ("110105194912310021", "校验位错误"),
        ("110105230012310028", "出生日期"),
    ],
)
def test_invalid_numbers(value, problem):
    assert problem in id_number_problem(value)
    with pytest.raises(ValidationError) as exc:
        validate_id_number(value)
    assert "GB 11643" in str(exc.value)


def test_mask_shows_first_six_and_last_four():
    assert mask_id_number("11010519491231002X") == "110105********002X"
