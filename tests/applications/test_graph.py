from pathlib import Path

from django.conf import settings

from applications.graph import edges, mermaid
from applications.models import Status


def test_readme_graph_is_generated_from_code():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    assert mermaid() in readme, "README 中的状态机图已过期：运行 python manage.py fsm_graph --write"


def test_every_state_is_reachable_from_draft():
    reachable, frontier = {Status.DRAFT.value}, [Status.DRAFT.value]
    graph = {}
    for source, target, _ in edges():
        graph.setdefault(source, set()).add(target)
    while frontier:
        for nxt in graph.get(frontier.pop(), ()):
            if nxt not in reachable:
                reachable.add(nxt)
                frontier.append(nxt)
    assert reachable == set(Status.values)
