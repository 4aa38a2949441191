"""The house, one way (issue 12 item 5; STYLE「The house」): arrows point down only, and the top calls the apps
directly — no settings hook, no signal, no import that reaches up."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# From the bottom up; each may import only those before it (zhicheng: the cross-cutting base everyone uses).
ORDER = ["zhicheng", "organisations", "applications", "publicity", "review", "operations"]
WIRING = {"zhicheng/urls.py", "zhicheng/api_urls.py", "zhicheng/web_urls.py", "zhicheng/celery.py"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _sources(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/migrations/" in rel or "/settings/" in rel or rel in WIRING:
            continue
        yield rel, path


@pytest.mark.parametrize("app", [a for a in ORDER if (ROOT / a).is_dir()])
def test_no_app_imports_an_app_above_it(app):
    above = set(ORDER[ORDER.index(app) + 1 :])
    bad = [(rel, sorted(_imports(path) & above)) for rel, path in _sources(app) if _imports(path) & above]
    assert not bad, f"{app} 向上引用了：{bad}"


def test_no_settings_hooks_or_signals_carry_rules():
    zh = settings.ZHICHENG
    assert "CALENDAR_CHANGED_HOOKS" not in zh and "DEMO_EXTENSIONS" not in zh
    for app in ORDER:
        for rel, path in _sources(app) if (ROOT / app).is_dir() else ():
            text = path.read_text(encoding="utf-8")
            assert "django.db.models.signals" not in text and "@receiver" not in text, rel


def test_the_sweep_and_the_demo_loader_sit_at_the_top():
    from operations import demo, sweep, tasks

    assert settings.CELERY_BEAT_SCHEDULE["sweep-due-deadlines"]["task"] == tasks.timers_sweep_task.name
    assert {"applications", "publicity", "review"} <= _imports(Path(sweep.__file__))
    assert {"applications", "review"} <= _imports(Path(demo.__file__))


def _state_lists(path: Path) -> list[int]:
    """Lines holding a literal collection of two or more case states (`Status.X` / `S.X`)."""
    hits = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            states = [
                e
                for e in node.elts
                if isinstance(e, ast.Attribute) and isinstance(e.value, ast.Name) and e.value.id in {"Status", "S"}
            ]
            if len(states) >= 2:
                hits.append(node.lineno)
    return hits


def test_no_workflow_state_list_outside_the_declaration_and_the_models():
    """Issue 12: every set of states (withdrawable, terminal, editable, live…) is derived in the declaration."""
    bad = []
    for app in ORDER:
        if not (ROOT / app).is_dir():
            continue
        for rel, path in _sources(app):
            if rel == "applications/workflow.py" or "models" in rel or rel.endswith("demo.py"):
                continue
            bad += [f"{rel}:{line}" for line in _state_lists(path)]
    assert not bad, f"流程环节清单只应在 applications/workflow.py 中声明：{bad}"
