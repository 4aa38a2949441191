"""The state machine drawn from the code itself (Mermaid), so the README's graph cannot drift."""

from __future__ import annotations

from django_fsm import State

from .models import Application, Status

START, END = "<!-- fsm-graph:start -->", "<!-- fsm-graph:end -->"
ACTION_LABELS = {
    "submit": "提交",
    "unit_approve": "单位审核通过",
    "unit_publicity_end": "评前公示期满",
    "dept_approve": "主管部门复核通过",
    "committee_approve": "办事机构审核通过",
    "committee_publicity_end": "公示期满且纸质材料已到",
    "meeting_open": "评审会议",
    "record_result": "评审结果",
    "result_publicity_start": "结果公示",
    "result_publicity_end": "结果公示期满",
    "publish": "发文",
    "association_approve": "协会审核通过",
    "municipal_approve": "市职称办审批",
    "certify": "核发电子证书",
    "request_correction": "退回补正",
    "resubmit": "补正后提交",
    "abandon_correction": "逾期未补正",
    "abandon_paper": "逾期未交纸质材料",
    "return_out_of_scope": "按原渠道退回",
    "reopen": "重新编辑",
    "reject": "不予通过",
    "objection_upheld": "异议成立",
    "withdraw": "撤回",
    "revoke": "撤销",
}


def edges() -> list[tuple[str, str, str]]:
    field = Application._meta.get_field("status")
    result = set()
    for t in field.get_all_transitions(Application):
        targets = t.target.allowed_states if isinstance(t.target, State) else [t.target]
        for target in targets:
            result.add((str(t.source), str(target), t.name))
    return sorted(result)


def mermaid() -> str:
    lines = ["```mermaid", "stateDiagram-v2"]
    for value, label in Status.choices:
        lines.append(f"    {value}: {label}")
    lines.append("    [*] --> draft")
    for source, target, name in edges():
        lines.append(f"    {source} --> {target}: {ACTION_LABELS.get(name, name)}")
    lines.append("```")
    return "\n".join(lines)


def replace_in(text: str) -> str:
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{mermaid()}\n{END}{tail}"
