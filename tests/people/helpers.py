"""Shared pieces of the issue-13 tests: the demo cycle on a fixed day, valid codes, Excel files."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from applications.idcard import make_credit_code, make_id_number

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEMO_DAY = dt.datetime(2026, 6, 15, 10, 0, tzinfo=SHANGHAI)  # inside the demo cycle's windows


def id_number(seq: int, born=dt.date(1990, 5, 17)) -> str:
    return make_id_number("321102", born, seq % 1000)


def wrong_checksum(value: str) -> str:
    last = value[-1]
    return value[:-1] + ("1" if last != "1" else "2")


def credit_code(seq: int) -> str:
    return make_credit_code(f"91321100MA1{seq:06d}")


def xlsx(header: list[str], rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
