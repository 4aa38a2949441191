"""Personal data never reaches the logs (issue 16): the formatter of every handler masks 身份证号 and mobile
numbers and drops the value of the search parameter `q` from logged URLs (access logs included)."""

from __future__ import annotations

import logging
import re

# 18-character ID numbers (17 digits and a digit or X); not inside a longer run of digits.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{4})\d{10}(\d{3}[\dXx])(?![0-9A-Za-z])")
# Mainland mobile numbers, optionally with +86 / 86; not inside a longer run of digits.
MOBILE = re.compile(r"(?<!\d)((?:\+?86[- ]?)?1[3-9]\d)[- ]?\d{4}[- ]?(\d{4})(?!\d)")
# ?q=… / &q=… in a logged URL, also URL-encoded (%3F / %26) and in JSON-ish "q": "…".
QUERY_Q = re.compile(r"((?:[?&]|%3[Ff]|%26)q(?:=|%3[Dd]))[^&\s\"']*")


def mask(text: str) -> str:
    text = QUERY_Q.sub(r"\1[已隐去]", text)
    text = ID_NUMBER.sub(r"\1**********\2", text)
    return MOBILE.sub(r"\1****\2", text)


class MaskingFormatter(logging.Formatter):
    """Masks the formatted line (message, arguments and traceback alike). A formatter, not a filter: the record is
    left as it was for any other handler (a test's capture), only what this handler writes is masked."""

    def format(self, record: logging.LogRecord) -> str:
        return mask(super().format(record))
