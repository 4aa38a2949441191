"""The case workflow, declared once (issue 12).

Everything the system knows about the states of a case and the acts that move it is in this module: for every
state, its Chinese name, who acts in it and what the applicant should expect next; for every act, its source states,
its targets, who may do it (roles, resolved to the predicates of `permissions.py`), its Chinese label, the rule and
seed section it applies, the conditions that must hold (each with a Chinese explanation when it does not), the fields
it writes, and where people find it (case page, publicity, meeting, timers). The model's django-fsm transitions take
their sources and targets from here, the kernel (`services.act_run`) enforces it, pages and the API list
`available_acts` from it, notices go to the people it names, and the README graph is drawn from it.

Why a table beside django-fsm rather than only `@transition(permission=, custom=)`: the same facts are needed where
no model instance exists yet (the inbox's tabs, the graph, the set-based publicity close, the notices of a whole
chunk), and an act's "who" depends on the *locked* state (a correction is asked by whoever reviews the case now), which
a permission bound to one transition cannot express. django-fsm-2 still guards every change (protected field,
ConcurrentTransitionMixin, conditions), fed from this table.

This module imports nothing from the apps: models, permissions and services import it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone

from zhicheng.roles import Role

SEED_000 = "镇职称办〔2024〕11号"
SEED_001 = "镇技协〔2024〕1号"
JUNIOR_TIER = "初级"  # Level.Tier.JUNIOR: 初级 cases are published by the local office (下放初级, seed 000 六(二))


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    UNIT_REVIEW = "unit_review", "单位审核"
    UNIT_PUBLICITY = "unit_publicity", "单位评前公示"
    DEPT_RECHECK = "dept_recheck", "主管部门复核"
    COMMITTEE_REVIEW = "committee_review", "评委会办事机构审核"
    COMMITTEE_PUBLICITY = "committee_publicity", "评委会公示"
    AWAITING_MEETING = "awaiting_meeting", "待评审"
    IN_MEETING = "in_meeting", "评审中"
    PASSED = "passed", "评审通过"
    NOT_PASSED = "not_passed", "评审未通过"
    RESULT_PUBLICITY = "result_publicity", "评审结果公示"
    AWAITING_PUBLICATION = "awaiting_publication", "待发文"
    PUBLISHED = "published", "已发文"
    ASSOCIATION_REVIEW = "association_review", "协会审核"
    MUNICIPAL_APPROVAL = "municipal_approval", "市职称办审批"
    APPROVED = "approved", "初定已核准"
    CERTIFIED = "certified", "已发证"
    CORRECTION = "correction", "补正中"
    ABANDONED = "abandoned", "视为放弃"
    RETURNED = "returned", "已退回"
    REJECTED = "rejected", "未通过审核"
    WITHDRAWN = "withdrawn", "已撤回"
    REVOKED = "revoked", "已撤销"


class Route(models.TextChoices):
    REVIEW = "review", "职称评审"
    INITIAL = "initial", "职称初定"


class Action(models.TextChoices):
    """Every kind of audit event (ApplicationEvent.action): one per act, plus the events that are not acts."""

    CREATE = "create", "创建申报"
    SUBMIT = "submit", "提交申报"
    UNIT_APPROVE = "unit_approve", "单位审核通过并公示"
    UNIT_PUBLICITY_END = "unit_publicity_end", "单位评前公示期满"
    DEPT_APPROVE = "dept_approve", "主管部门复核通过"
    COMMITTEE_APPROVE = "committee_approve", "评委会办事机构审核通过并公示"
    COMMITTEE_PUBLICITY_END = "committee_publicity_end", "评委会公示期满且纸质材料已报送"
    MEETING_OPEN = "meeting_open", "提交评审会议"
    RECORD_RESULT = "record_result", "登记评审结果"
    RESULT_PUBLICITY_START = "result_publicity_start", "评审结果公示"
    RESULT_PUBLICITY_END = "result_publicity_end", "评审结果公示期满无异议"
    PUBLISH = "publish", "发文公布"
    ASSOCIATION_APPROVE = "association_approve", "协会审核通过"
    MUNICIPAL_APPROVE = "municipal_approve", "市职称办审批通过"
    CERTIFY = "certify", "核发电子证书"
    REQUEST_CORRECTION = "request_correction", "退回补正"
    RESUBMIT = "resubmit", "补正后重新提交"
    ABANDON_CORRECTION = "abandon_correction", "逾期未补正，视为放弃"
    ABANDON_PAPER = "abandon_paper", "逾期未报送纸质材料，视为放弃"
    RETURN_OUT_OF_SCOPE = "return_out_of_scope", "按原渠道退回"
    REOPEN = "reopen", "重新编辑退回的申报"
    REJECT = "reject", "审核不通过"
    OBJECTION_UPHELD = "objection_upheld", "异议成立"
    OBJECTION_DISMISSED = "objection_dismissed", "异议不成立"
    WITHDRAW = "withdraw", "撤回申报"
    REVOKE = "revoke", "撤销职称"
    PAPER_RECEIVED = "paper_received", "登记纸质材料收件"
    PAPER_EXTEND = "paper_extend", "延长纸质材料报送期限"
    HOLD_RECOMPUTED = "hold_recomputed", "公示期满日重新计算"
    DEADLINE_RECOMPUTED = "deadline_recomputed", "期限按正式放假安排重新计算"
    PROFILE_CHANGED = "profile_changed", "提交后修改个人信息"


S = Status


class Surface(models.TextChoices):
    """Where a person finds an act."""

    CASE = "case", "申报页面"
    PUBLICITY = "publicity", "发起公示"
    PUBLICATION = "publication", "发文"
    MEETING = "meeting", "评审会议页面"
    SYSTEM = "system", "系统定时"


# ---------------------------------------------------------------- conditions


@dataclass(frozen=True)
class Condition:
    """A fact about the case an act needs; `unmet(app, now)` is None when it holds, else a Chinese explanation."""

    code: str
    unmet: Callable[[object, dt.datetime], str | None]


def _day_of(moment: dt.datetime) -> str:
    last = timezone.localtime(moment - dt.timedelta(seconds=1))
    return f"{last:%Y年%m月%d日} 24:00"


def _publicity_unmet(app, now: dt.datetime) -> str | None:
    if app.held_until is None:
        return "公示期满时间未设定"
    if app.held_provisional:
        return f"公示期满日暂定（{_day_of(app.held_until)}）：工作日历尚无该年度放假安排，导入后确定"
    if now < app.held_until:
        return f"公示期未满：{_day_of(app.held_until)} 期满"
    if app.open_objections:
        return f"尚有 {app.open_objections} 件异议未办结"
    return None


PUBLICITY_OVER = Condition("publicity_over", _publicity_unmet)
PAPER_IN = Condition("paper_in", lambda app, now: None if app.paper_received_at else "纸质材料尚未登记")
PAPER_NOT_IN = Condition("paper_not_in", lambda app, now: "纸质材料已登记" if app.paper_received_at else None)
OPEN_OBJECTION = Condition("open_objection", lambda app, now: None if app.open_objections else "没有未办结的异议")


# ---------------------------------------------------------------- states


@dataclass(frozen=True)
class State:
    value: str
    # Who must act next in this state (they receive the notice when a case arrives); `junior_actors` replaces it
    # for 初级 cases where the seeds give the act to the local office (seed 000 六(二)).
    actors: tuple[Role, ...] = ()
    junior_actors: tuple[Role, ...] | None = None
    # Who keeps the state in their inbox's 待我办理 besides the actors (e.g. the reviewer whose 补正 is running).
    watchers: tuple[Role, ...] = ()
    # A publicity state: the Publicity.Kind value that holds cases in it, and who decides objections to it.
    publicity_kind: str = ""
    objection_decider: Role | None = None
    next_step: str = ""

    @property
    def label(self) -> str:
        return Status(self.value).label


STATES: dict[str, State] = {
    s.value: s
    for s in (
        State(S.DRAFT, (Role.APPLICANT,), next_step="完成条件预检、上传材料，签署告知承诺后提交。"),
        State(S.UNIT_REVIEW, (Role.UNIT_REVIEWER,), next_step="等待用人单位审核（真实性、完整性、时效性）。"),
        State(
            S.UNIT_PUBLICITY,
            watchers=(Role.UNIT_REVIEWER,),
            publicity_kind="unit",
            objection_decider=Role.UNIT_REVIEWER,
            next_step="单位评前公示中，不少于5个工作日；期满无异议后转主管部门复核。",
        ),
        State(S.DEPT_RECHECK, (Role.DEPT_REVIEWER,), next_step="等待行业主管部门/人社部门复核。"),
        State(S.COMMITTEE_REVIEW, (Role.COMMITTEE_CLERK,), next_step="等待评委会办事机构审核。"),
        State(
            S.COMMITTEE_PUBLICITY,
            (Role.COMMITTEE_CLERK,),
            publicity_kind="committee",
            objection_decider=Role.COMMITTEE_CLERK,
            next_step="评委会公示中；请在期限内向办事机构报送纸质材料。",
        ),
        State(S.AWAITING_MEETING, (Role.COMMITTEE_CLERK,), next_step="等待评审会议。"),
        State(S.IN_MEETING, next_step="评审会议进行中。"),
        State(S.PASSED, (Role.COMMITTEE_CLERK,), next_step="评审通过，等待评审结果公示。"),
        State(S.NOT_PASSED),
        State(
            S.RESULT_PUBLICITY,
            watchers=(Role.COMMITTEE_CLERK,),
            publicity_kind="result",
            objection_decider=Role.COMMITTEE_CLERK,
            next_step="评审结果公示中。",
        ),
        State(
            S.AWAITING_PUBLICATION,
            (Role.SUPERVISOR,),
            junior_actors=(Role.COMMITTEE_CLERK,),
            watchers=(Role.COMMITTEE_CLERK,),
            next_step="等待发文公布。",
        ),
        State(S.PUBLISHED, next_step="已发文，等待核发电子证书。"),
        State(S.ASSOCIATION_REVIEW, (Role.ASSOCIATION_CLERK,), next_step="等待协会审核。"),
        State(S.MUNICIPAL_APPROVAL, (Role.SUPERVISOR,), next_step="等待市职称办审批。"),
        State(S.APPROVED, next_step="初定已核准，等待核发电子证书。"),
        State(S.CERTIFIED, next_step="已核发电子证书，可下载。"),
        State(
            S.CORRECTION,
            (Role.APPLICANT,),
            watchers=(Role.UNIT_REVIEWER, Role.DEPT_REVIEWER, Role.ASSOCIATION_CLERK),
            next_step="请按补正通知逐项补正，并在期限内重新提交；逾期视为放弃申报。",
        ),
        State(S.ABANDONED),
        State(S.RETURNED, (Role.APPLICANT,), next_step="申报已按原渠道退回，可修改后重新提交。"),
        State(S.REJECTED),
        State(S.WITHDRAWN),
        State(S.REVOKED),
    )
}
assert set(STATES) == set(Status.values), "every state is declared"


def actors_of(state: str, tier: str) -> tuple[Role, ...]:
    """Who acts next on a case of level tier `tier` in `state` (a 初级 case may have its own)."""
    st = STATES[state]
    if st.junior_actors is not None and tier == JUNIOR_TIER:
        return st.junior_actors
    return st.actors


def state_actors(app) -> tuple[Role, ...]:
    """Who acts next on `app` in its current state."""
    return actors_of(app.status, app.level.tier)


# ---------------------------------------------------------------- acts

STATE_REVIEWER = "state_reviewer"  # `by`: whoever reviews the case in its (locked) source state


@dataclass(frozen=True)
class Act:
    name: str  # the transition method and the event's Action
    label: str  # what a button says
    sources: tuple[str, ...]
    targets: tuple[str, ...]  # empty: the act keeps the state (it records a fact)
    by: tuple[Role, ...] | str  # roles (predicates in permissions.ROLE_PREDICATES), or STATE_REVIEWER
    rule: str = ""
    conditions: tuple[Condition, ...] = ()
    fields: tuple[str, ...] = ()  # what the transition writes besides status (save(update_fields=…))
    surface: str = Surface.CASE
    graph_label: str = ""
    approve: bool = False  # the page's single 「审核通过」 button in its source state
    junior_only: tuple[Role, ...] = ()  # roles that may do it only for 初级 cases (下放初级, seed 000 六(二))
    private: bool = False  # only a wrapping service may run it (it has side effects of its own)
    notify: bool = True  # tell the applicant and the next actors (acts that keep the state usually do not)
    denied: str = ""  # the refusal to a person who may not do it, when it says more than the default

    @property
    def system(self) -> bool:
        return self.by == (Role.SYSTEM,)

    @property
    def keeps_state(self) -> bool:
        return not self.targets


CORRECTABLE = (S.UNIT_REVIEW, S.DEPT_RECHECK, S.COMMITTEE_REVIEW, S.ASSOCIATION_REVIEW, S.MUNICIPAL_APPROVAL)
HELD = tuple(s.value for s in STATES.values() if s.publicity_kind)
_HOLD_FIELDS = ("held_until", "held_provisional", "held_since", "held_working_days", "open_objections")
_RELEASE_FIELDS = ("held_until", "held_provisional")


def passed_field(state: str) -> str:
    """The case's own record that it came through publicity `state` (read by the meeting's 报备, seed 000 六(一))."""
    return f"{state}_passed_at"


SYSTEM = (Role.SYSTEM,)

_ACTS = (
    Act("submit", "签署承诺并提交申报", (S.DRAFT,), (S.UNIT_REVIEW, S.ASSOCIATION_REVIEW), (Role.APPLICANT,),
        rule=f"{SEED_000} 四、七(三)",
        fields=("submitted_at", "committee", "office", "pledge_text", "pledge_signed_at", "pledge_ip"),
        graph_label="提交"),
    Act("unit_approve", "审核通过并发起评前公示", (S.UNIT_REVIEW,), (S.UNIT_PUBLICITY,), (Role.UNIT_REVIEWER,),
        rule=f"{SEED_000} 五(一)", fields=_HOLD_FIELDS, surface=Surface.PUBLICITY, graph_label="单位审核通过",
        approve=True),
    Act("unit_publicity_end", "单位评前公示期满", (S.UNIT_PUBLICITY,), (S.DEPT_RECHECK,), SYSTEM,
        rule=f"{SEED_000} 五(一)", conditions=(PUBLICITY_OVER,),
        fields=(*_RELEASE_FIELDS, passed_field(S.UNIT_PUBLICITY)), surface=Surface.SYSTEM, graph_label="评前公示期满"),
    Act("dept_approve", "复核通过", (S.DEPT_RECHECK,), (S.COMMITTEE_REVIEW,), (Role.DEPT_REVIEWER,),
        rule=f"{SEED_000} 五(二)", graph_label="主管部门复核通过", approve=True),
    Act("committee_approve", "审核通过并发起评委会公示", (S.COMMITTEE_REVIEW,), (S.COMMITTEE_PUBLICITY,),
        (Role.COMMITTEE_CLERK,), rule=f"{SEED_000} 五(三)；附件备注3", fields=_HOLD_FIELDS,
        surface=Surface.PUBLICITY, graph_label="办事机构审核通过", approve=True),
    Act("committee_publicity_end", "评委会公示期满且纸质材料已报送", (S.COMMITTEE_PUBLICITY,), (S.AWAITING_MEETING,),
        SYSTEM, rule=f"{SEED_000} 五(三)；附件备注3", conditions=(PUBLICITY_OVER, PAPER_IN),
        fields=(*_RELEASE_FIELDS, passed_field(S.COMMITTEE_PUBLICITY)), surface=Surface.SYSTEM,
        graph_label="公示期满且纸质材料已到"),
    Act("meeting_open", "提交评审会议", (S.AWAITING_MEETING,), (S.IN_MEETING,), (Role.COMMITTEE_CLERK,),
        rule=f"{SEED_000} 六(一)", surface=Surface.MEETING, graph_label="评审会议"),
    Act("record_result", "登记评审结果", (S.IN_MEETING,), (S.PASSED, S.NOT_PASSED), (Role.COMMITTEE_CLERK,),
        rule="《职称评审管理暂行规定》（人社部令第40号）", surface=Surface.MEETING, graph_label="评审结果"),
    Act("result_publicity_start", "发布评审结果公示", (S.PASSED,), (S.RESULT_PUBLICITY,), (Role.COMMITTEE_CLERK,),
        rule=f"{SEED_000} 六(二)", fields=_HOLD_FIELDS, surface=Surface.PUBLICITY, graph_label="结果公示"),
    Act("result_publicity_end", "评审结果公示期满无异议", (S.RESULT_PUBLICITY,), (S.AWAITING_PUBLICATION,), SYSTEM,
        rule=f"{SEED_000} 六(二)", conditions=(PUBLICITY_OVER,), surface=Surface.SYSTEM, graph_label="结果公示期满",
        fields=(*_RELEASE_FIELDS, passed_field(S.RESULT_PUBLICITY))),
    Act("publish", "发文公布", (S.AWAITING_PUBLICATION,), (S.PUBLISHED,), (Role.SUPERVISOR, Role.COMMITTEE_CLERK),
        rule=f"{SEED_000} 六(二)", surface=Surface.PUBLICATION, graph_label="发文", junior_only=(Role.COMMITTEE_CLERK,),
        private=True),
    Act("association_approve", "协会审核通过", (S.ASSOCIATION_REVIEW,), (S.APPROVED, S.MUNICIPAL_APPROVAL),
        (Role.ASSOCIATION_CLERK,), rule=f"{SEED_001} 七", graph_label="协会审核通过", approve=True, private=True),
    Act("municipal_approve", "审批通过", (S.MUNICIPAL_APPROVAL,), (S.APPROVED,), (Role.SUPERVISOR,),
        rule=f"{SEED_001} 七", graph_label="市职称办审批", approve=True, private=True),
    Act("certify", "核发电子证书", (S.PUBLISHED, S.APPROVED), (S.CERTIFIED,), SYSTEM, rule=f"{SEED_000} 六(二)",
        surface=Surface.SYSTEM, graph_label="核发电子证书", private=True),
    Act("request_correction", "退回补正", CORRECTABLE, (S.CORRECTION,), STATE_REVIEWER, rule=f"{SEED_000} 五(二)",
        fields=("correction_from", "correction_items"), graph_label="退回补正"),
    Act("resubmit", "补正完毕，重新提交", (S.CORRECTION,), CORRECTABLE, (Role.APPLICANT,), rule=f"{SEED_000} 五(二)",
        fields=("correction_from", "correction_answers"), graph_label="补正后提交"),
    Act("abandon_correction", "逾期未补正，视为放弃申报", (S.CORRECTION,), (S.ABANDONED,), SYSTEM,
        rule=f"{SEED_000} 五(二)", surface=Surface.SYSTEM, graph_label="逾期未补正"),
    Act("abandon_paper", "逾期未报送纸质材料，视为放弃申报", (S.COMMITTEE_PUBLICITY,), (S.ABANDONED,), SYSTEM,
        rule=f"{SEED_000} 附件备注3", fields=_RELEASE_FIELDS, surface=Surface.SYSTEM, graph_label="逾期未交纸质材料"),
    Act("return_out_of_scope", "按原渠道退回", (S.DEPT_RECHECK, S.COMMITTEE_REVIEW, S.ASSOCIATION_REVIEW),
        (S.RETURNED,), STATE_REVIEWER, rule=f"{SEED_000} 五(三)", graph_label="按原渠道退回"),
    Act("reopen", "修改后重新提交", (S.RETURNED,), (S.DRAFT,), (Role.APPLICANT,),
        fields=("committee", "office", "submitted_at"), graph_label="重新编辑"),
    Act("reject", "不予通过", CORRECTABLE, (S.REJECTED,), STATE_REVIEWER, rule=f"{SEED_000} 五(二)(三)",
        graph_label="不予通过"),
    Act("objection_upheld", "异议成立（终止申报）", HELD, (S.REJECTED,), STATE_REVIEWER,
        rule=f"{SEED_000} 五(一)(三)", conditions=(OPEN_OBJECTION,), fields=(*_RELEASE_FIELDS, "open_objections"),
        graph_label="异议成立", private=True, denied="您无权处理该申报的异议"),
    Act("objection_dismissed", "异议不成立", HELD, (), STATE_REVIEWER, rule=f"{SEED_000} 五(一)(三)",
        conditions=(OPEN_OBJECTION,), fields=("open_objections",), private=True, notify=False,
        denied="您无权处理该申报的异议"),
    Act("withdraw", "撤回申报",
        (S.DRAFT, S.UNIT_REVIEW, S.DEPT_RECHECK, S.COMMITTEE_REVIEW, S.CORRECTION, S.ASSOCIATION_REVIEW),
        (S.WITHDRAWN,), (Role.APPLICANT,), graph_label="撤回"),
    Act("revoke", "撤销职称",
        (S.PASSED, S.RESULT_PUBLICITY, S.AWAITING_PUBLICATION, S.PUBLISHED, S.APPROVED, S.CERTIFIED), (S.REVOKED,),
        (Role.SUPERVISOR,), rule=f"{SEED_000} 七(三)", fields=_RELEASE_FIELDS, graph_label="撤销", private=True),
    Act("paper_received", "登记纸质材料已收到", (S.COMMITTEE_PUBLICITY,), (), (Role.COMMITTEE_CLERK,),
        rule=f"{SEED_000} 附件备注3", conditions=(PAPER_NOT_IN,), fields=("paper_received_at",), notify=False),
    Act("paper_extend", "延长纸质材料报送期限", (S.COMMITTEE_PUBLICITY,), (), (Role.COMMITTEE_CLERK,),
        rule=f"{SEED_000} 附件备注3", conditions=(PAPER_NOT_IN,), notify=False),
    Act("hold_recomputed", "公示期满日重新计算", HELD, (), SYSTEM, rule="工作日历变更：重新计算尚未届满的公示期",
        fields=("held_until", "held_provisional"), surface=Surface.SYSTEM, notify=False),
)  # fmt: skip
ACTS: dict[str, Act] = {a.name: a for a in _ACTS}
assert set(ACTS) <= set(Action.values), "every act has its event kind"


def act_get(name: str) -> Act:
    return ACTS[name]


def sources(name: str) -> list[str]:
    return list(ACTS[name].sources)


def targets(name: str) -> list[str]:
    act = ACTS[name]
    return list(act.targets or act.sources)


def acts_from(state: str) -> list[Act]:
    return [a for a in _ACTS if state in a.sources]


def unmet(act: Act, app, now: dt.datetime | None = None) -> list[str]:
    now = now or timezone.now()
    return [reason for c in act.conditions if (reason := c.unmet(app, now))]


def roles_for(act: Act, app) -> tuple[Role, ...]:
    """The roles that may do `act` on `app` in its current state (the state must be one of the act's sources)."""
    if act.by == STATE_REVIEWER:
        st = STATES[app.status]
        if st.objection_decider is not None:
            return (st.objection_decider,)
        return tuple(r for r in st.actors if r != Role.APPLICANT)
    roles = act.by
    if act.junior_only and app.level.tier != JUNIOR_TIER:
        roles = tuple(r for r in roles if r not in act.junior_only)
    return roles


# The main line of each route, in order (the 办件进度 stepper); side paths (补正, 退回, 撤回 …) leave it.
MAIN_LINE = {
    Route.REVIEW: (S.DRAFT, S.UNIT_REVIEW, S.UNIT_PUBLICITY, S.DEPT_RECHECK, S.COMMITTEE_REVIEW, S.COMMITTEE_PUBLICITY,
                   S.AWAITING_MEETING, S.IN_MEETING, S.PASSED, S.RESULT_PUBLICITY, S.AWAITING_PUBLICATION,
                   S.PUBLISHED, S.CERTIFIED),
    Route.INITIAL: (S.DRAFT, S.ASSOCIATION_REVIEW, S.MUNICIPAL_APPROVAL, S.APPROVED, S.CERTIFIED),
}  # fmt: skip
# The least a main-line step lasts, in working days (seed 000 五(一)(三), 六(二): 公示不少于5个工作日).
MIN_WORKING_DAYS = {S.UNIT_PUBLICITY: 5, S.COMMITTEE_PUBLICITY: 5, S.RESULT_PUBLICITY: 5}


# ---------------------------------------------------------------- derived facts (read these, never restate them)

TERMINAL = tuple(s for s in Status.values if not any(s in a.sources for a in _ACTS))
WITHDRAWABLE = ACTS["withdraw"].sources
REVOCABLE = ACTS["revoke"].sources
PUBLICITY_STATES = HELD
# Where the applicant works on the case (materials, edits): the states they submit or resubmit from.
APPLICANT_EDITS = tuple(dict.fromkeys((*ACTS["submit"].sources, *ACTS["resubmit"].sources)))
# Ended before any result (withdrawn, returned, rejected, abandoned): the level is free for a new case.
_ENDING = ("withdraw", "return_out_of_scope", "reject", "objection_upheld", "abandon_correction", "abandon_paper")
ENDED_BEFORE_RESULT = tuple(dict.fromkeys(t for name in _ENDING for t in ACTS[name].targets))
# Not a live case for the one-committee-per-level rules (applications.eligibility): a draft, or ended before a result.
NOT_LIVE = (S.DRAFT, *ENDED_BEFORE_RESULT)
# Submitted and not over: its reviewers hear of changes to the applicant's record.
LIVE_AFTER_SUBMISSION = tuple(s for s in Status.values if s != S.DRAFT and s not in TERMINAL)
# Passed: the committee's vote or the 初定 approval, and everything after it on the main line.
PASSED_ONWARDS = tuple(
    dict.fromkeys(
        (*MAIN_LINE[Route.REVIEW][MAIN_LINE[Route.REVIEW].index(S.PASSED) :],
         *MAIN_LINE[Route.INITIAL][MAIN_LINE[Route.INITIAL].index(S.APPROVED) :])
    )
)  # fmt: skip
KIND_STATE = {STATES[s].publicity_kind: s for s in HELD}
# The act that puts a case into each publicity, by publicity kind (the publicity app starts them).
OPENING_ACT = {STATES[t].publicity_kind: a.name for a in _ACTS if a.surface == Surface.PUBLICITY for t in a.targets}
# The act by which the timers end each publicity, by state.
CLOSING_ACT = {s: a.name for a in _ACTS if a.system and PUBLICITY_OVER in a.conditions for s in a.sources}


def inbox_states(roles) -> list[str]:
    """The states in which any of `roles` acts or watches, in the order of the states (the inbox's 待我办理)."""
    roles = set(roles)
    return [s.value for s in STATES.values() if roles & {*s.actors, *(s.junior_actors or ()), *s.watchers}]


@dataclass
class Offer:
    """An act a user may do on a case now, or may do once its conditions hold (`reasons` says why not yet)."""

    act: Act
    role: Role
    reasons: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.reasons

    @property
    def name(self) -> str:
        return self.act.name

    @property
    def label(self) -> str:
        return self.act.label

    def as_dict(self) -> dict:
        return {
            "act": self.act.name,
            "label": self.act.label,
            "role": self.role.value,
            "ready": self.ready,
            "reasons": self.reasons,
            "rule": self.act.rule,
            "surface": self.act.surface,
        }
