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
