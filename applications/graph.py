"""The state graph drawn from the workflow declaration itself (Mermaid), so the README's graph cannot drift."""

from __future__ import annotations

from . import workflow
from .workflow import Status

START, END = "<!-- fsm-graph:start -->", "<!-- fsm-graph:end -->"


def edges() -> list[tuple[str, str, str]]:
    """(source, target, act) for every act that changes the state; acts that only record a fact are left out."""
    return sorted({(s, t, a.name) for a in workflow.ACTS.values() for s in a.sources for t in a.targets})


def mermaid() -> str:
    lines = ["```mermaid", "stateDiagram-v2"]
    for value, label in Status.choices:
        lines.append(f"    {value}: {label}")
    lines.append("    [*] --> draft")
    for source, target, name in edges():
        act = workflow.ACTS[name]
        lines.append(f"    {source} --> {target}: {act.graph_label or act.label}")
    lines.append("```")
    return "\n".join(lines)


def replace_in(text: str) -> str:
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{mermaid()}\n{END}{tail}"
