"""Error codes are one enum (issue 12): every code a service raises is a member of `zhicheng.errors.Code`."""

import ast
from pathlib import Path

from django.conf import settings

from zhicheng.errors import Code

ERRORS = {"DomainError", "PermissionDenied", "TransitionConflict", "NotFound"}
APPS = ("applications", "publicity", "review", "zhicheng")


def _raised_codes():
    for app in APPS:
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name not in ERRORS:
                    continue
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    yield path.name, first.value
                elif isinstance(first, ast.Attribute) and getattr(first.value, "id", "") == "Code":
                    yield path.name, first.attr.lower()


def test_every_raised_code_is_in_the_enum():
    unknown = sorted({(f, c) for f, c in _raised_codes() if c not in Code._value2member_map_})
    assert unknown == []
