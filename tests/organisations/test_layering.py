"""`organisations` sits below the case apps (STYLE「The house」, issue 12 item 5): nothing in it, migrations included,
imports applications, publicity, review or operations (also not by `import_module("…")`)."""

from __future__ import annotations

import ast
from pathlib import Path

import organisations

ABOVE = ("applications", "publicity", "review", "operations")
ROOT = Path(organisations.__file__).parent


def _imports(path: Path) -> list[str]:
    """Every module the file names in an import statement or in `import_module("…")` / `__import__("…")`."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.append(node.args[0].value)
    return names


def _upward(names: list[str]) -> list[str]:
    return [n for n in names if n.split(".")[0] in ABOVE]


def test_organisations_imports_nothing_from_the_apps_above_it():
    files = sorted(ROOT.rglob("*.py"))
    assert ROOT / "models.py" in files and ROOT / "services.py" in files
    seen, upward = set(), {}
    for path in files:
        names = _imports(path)
        seen.update(names)
        if _upward(names):
            upward[str(path.relative_to(ROOT))] = _upward(names)
    assert "zhicheng.roles" in seen  # the scan reads real imports
    assert upward == {}


def test_the_scan_catches_an_upward_import(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from applications.models import Unit\nimport review.services\n"
        "import importlib\nimportlib.import_module('publicity.models')\nfrom . import models\n",
        encoding="utf-8",
    )
    assert _upward(_imports(probe)) == ["applications.models", "review.services", "publicity.models"]
