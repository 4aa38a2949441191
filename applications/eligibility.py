"""Eligibility (申报条件), SPEC §3: a rule engine over the cycle's rule data (data/rules/<year>.yaml, loaded into
ReviewCycle.rules / InitialCycle.rules). Every rule that fails is reported — never only the first — with a stable
code, a Chinese message a non-lawyer understands, and its source (document and section).

`precheck` answers "我能申报吗？" for a prospective application at any time; `check_submission` runs the same rules
authoritatively at submission (services.application_submit). Nothing here writes to the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cached_property

from zhicheng.errors import DomainError

from . import routing, windows
from . import workflow as wf
from .models import (
    Application,
    Committee,
    ContinuingEducation,
    Education,
    ExamPass,
    HeldTitle,
    IntegrityRecord,
    Level,
    Route,
)
from .selectors import cycle_current

SEED_000 = "镇职称办〔2024〕11号"
SEED_001 = "镇技协〔2024〕1号"
# A case in these states holds no committee for seed 000 四 (one committee per level per year).


@dataclass(frozen=True)
class RuleFailure:
    code: str
    message: str
    source: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class RuleCheck:
    """A rule that was checked and passed."""

    code: str
    title: str
    source: str
    detail: str = ""  # the value the rule used, e.g. "资历 7 年 ≥ 4 年"

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class PrecheckResult:
    eligible: bool
    failures: list[RuleFailure]
    passed: list[RuleCheck]
    proposed_initial_level: Level | None = None
    initial_basis: str = ""
    committee: Committee | None = None
    no_route_reason: str = ""
    office_name: str = ""

    def as_dict(self) -> dict:
        committee = self.committee
        return {
            "eligible": self.eligible,
            "failures": [f.as_dict() for f in self.failures],
            "passed": [p.as_dict() for p in self.passed],
            "proposed_initial_level": self.proposed_initial_level.name if self.proposed_initial_level else None,
            "initial_basis": self.initial_basis,
            "committee": None
            if committee is None
            else {"id": committee.pk, "row": committee.row, "area": committee.area, "label": committee.label},
            "office": self.office_name,
            "no_route_reason": self.no_route_reason,
        }


# ---------------------------------------------------------------- helpers


def full_years(start: dt.date, end: dt.date) -> int:
    """Whole years from `start` to `end` (the anniversary itself counts)."""
    if end < start:
        return 0
    years = end.year - start.year
    return years - 1 if (end.month, end.day) < (start.month, start.day) else years


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, month=3, day=1)


def _d(day: dt.date) -> str:
    return f"{day:%Y年%m月%d日}"


def _degree_label(value: str) -> str:
    return Education.Degree(value).label if value in Education.Degree.values else value


SKIP = object()  # the rule does not apply to this case (not listed as passed)


@dataclass
class _Outcome:
    message: str
    source: str = ""
    code: str = ""


@dataclass(frozen=True)
class _Passed:
    """A rule passed, with the value it used (shown by the pre-check)."""

    detail: str


class _Case:
    """One application being judged, with what the rules read, each read once."""

    def __init__(self, application: Application, today: dt.date):
        self.app = application
        self.today = today
        self.profile = application.applicant
        self.is_review = application.route == Route.REVIEW
        if self.is_review:
            self.cycle = application.review_cycle if application.review_cycle_id else None
        else:
            self.cycle = application.initial_cycle if application.initial_cycle_id else None
        self.rules: dict = (self.cycle.rules if self.cycle is not None else None) or {}
        self.unit = application.unit if application.unit_id else None
        self.series = application.series
        self.level = application.level
        self.proposal: InitialProposal | None = None

    def source(self, code: str) -> str:
        return self.rules.get("sources", {}).get(code) or self.rules.get("document", "")

    @cached_property
    def levels(self) -> dict[str, Level]:
        return {lv.name: lv for lv in Level.objects.all()}

    @cached_property
    def titles(self) -> list[HeldTitle]:
        return list(HeldTitle.objects.filter(profile_id=self.profile.pk).select_related("series", "level"))

    @cached_property
    def educations(self) -> list[Education]:
        return list(Education.objects.filter(profile_id=self.profile.pk))

    @cached_property
    def route(self) -> routing.RouteResult | None:
        return routing.resolve(self.app) if self.is_review and self.cycle is not None else None

    @property
    def series_names(self) -> set[str]:
        return {self.series.name, *(self.series.aliases or [])}

    def exam_only_entry(self) -> dict | None:
        for entry in self.rules.get("exam_only", []):
            if entry.get("series") in self.series_names and self.level.name in entry.get("levels", []):
                return entry
        return None

    def young_talent_problems(self) -> list[str]:
        conf = self.rules.get("young_talent_direct") or {}
        problems = []
        allowed = conf.get("levels", ["中级"])
        if self.level.name not in allowed:
            problems.append(f"民营企业优秀青年人才只可直接申报{'、'.join(allowed)}，不能直接申报{self.level.name}")
        if self.unit is None or not self.unit.is_private_enterprise:
            name = self.unit.name if self.unit is not None else "（未填写）"
            problems.append(f"直接申报中级仅适用于民营企业的优秀青年人才，您所在单位「{name}」不是民营企业")
        if self.exam_only_entry() is not None:
            problems.append(f"{self.series.name}{self.level.name}属“以考代评”的职称，不适用直接申报")
        max_age = conf.get("max_age")
        born = self.profile.birth if max_age else None
        if max_age and born is None:
            problems.append("请在个人信息中填写出生日期，以便核对直接申报中级的年龄条件")
        elif max_age:
            age = full_years(born, self.today)
            if age > max_age:
                problems.append(f"直接申报中级的青年人才年龄不超过{max_age}周岁，您现年{age}周岁")
        return problems

    @cached_property
    def young_talent_exception(self) -> bool:
        return bool(self.is_review and self.app.young_talent_direct and not self.young_talent_problems())

    def prerequisite_titles(self) -> list[HeldTitle]:
        conf = self.rules.get("level_by_level") or {}
        wanted = set(conf.get("prerequisites", {}).get(self.level.name, []))
        return [
            t
            for t in self.titles
            if t.level.name in wanted
            and t.obtained_on <= self.today
            and (not conf.get("same_series") or t.series_id == self.series.pk)
        ]

    def tier_of(self, level_name: str) -> str:
        return tier_of(self.rules, level_name)

    def tier_levels(self, level_name: str) -> list[str]:
        """The levels of the same 职称层级 as `level_name` (员级 and 助理级 are both 初级)."""
        tier = self.tier_of(level_name)
        return list((self.rules.get("tiers") or {}).get("levels", {}).get(tier, [level_name]))

    def counted_educations(self, until: dt.date) -> list[Education]:
        return [e for e in self.educations if e.graduated_on <= until]

    def work_start(self) -> dt.date | None:
        return self.profile.work_started_on or self.profile.employed_since


def tier_of(rules: dict, level_name: str) -> str:
    """The 职称层级 (初级/中级/高级) a level belongs to, by the cycle's `tiers` data; the level itself if unlisted."""
    for tier, members in ((rules or {}).get("tiers") or {}).get("levels", {}).items():
        if level_name in members:
            return tier
    return level_name


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    check: Callable[[_Case], object]
    routes: tuple[str, ...] = (Route.REVIEW, Route.INITIAL)
    source: str = ""  # when the rule data gives it with the rule (barred categories); else rules["sources"][code]


# ---------------------------------------------------------------- the rules, in the order they are reported


def _employment_scope(case: _Case):
    scope = case.rules.get("scope") or {}
    if case.profile.employment not in scope.get("employment_permitted", []):
        return (
            "申报人须在镇江的企事业单位从事专业技术工作并签订劳动（聘用）合同，或在镇江从事自由职业；"
            "您的就业方式为“未在镇江就业”"
        )
    if case.unit is None:
        return "请填写您的工作单位（自由职业者填写人事代理机构），职称经所在单位申报"
    return None


def _residence_scope(case: _Case):
    scope = case.rules.get("scope") or {}
    if case.profile.residence not in scope.get("residence_permitted", []):
        return (
            "外籍人员须持有外国人来华工作许可证、外国人永久居留身份证或江苏省海外高层次人才居住证之一方可申报；"
            f"您登记的身份为“{case.profile.get_residence_display()}”"
        )
    return None


def _freelancer_via_agency(case: _Case):
    if case.profile.employment != "freelancer":
        return SKIP
    allowed = (case.rules.get("scope") or {}).get("freelancer_unit_ownership", [])
    if case.unit is not None and case.unit.ownership not in allowed:
        return f"自由职业者须通过人事代理机构申报，您填写的「{case.unit.name}」不是人事代理机构"
    return None


def _barred_rule(entry: dict, default_source: str) -> Rule:
    def check(case: _Case):
        return entry["message"] if getattr(case.profile, entry["field"]) else None

    return Rule(entry["code"], entry["title"], check, source=entry.get("source") or default_source)


def _sanction_in_effect(case: _Case):
    until = case.profile.sanction_until
    if until is not None and until >= case.today:
        return f"您受到的党纪、政务或行政处分尚在影响期内（至{_d(until)}），影响期内不得初定专业技术资格"
    return None


def _integrity_record(case: _Case):
    record = (
        IntegrityRecord.objects.filter(id_number=case.profile.id_number, expires_on__gt=case.today)
        .order_by("-expires_on")
        .first()
    )
    if record is not None:
        return (
            f"您有职称申报评审诚信档案记录（{_d(record.found_on)}认定，记录期3年），"
            f"{_d(record.expires_on)}前不得申报职称评审或初定"
        )
    return None


def _initial_series_scope(case: _Case):
    accepted = list(case.cycle.series.all())
    if all(s.pk != case.series.pk for s in accepted):
        names = "、".join(s.name for s in accepted)
        return f"本年度职称初定仅受理综合工程的{names}专业，{case.series.name}不在初定范围内"
    return None


def _exam_only(case: _Case):
    entry = case.exam_only_entry()
    if entry is None:
        return None
    doing = "评审" if case.is_review else "初定"
    message = (
        f"{case.series.name}{case.level.name}实行全国统一考试（以考代评），考试合格即取得相应职称，不再进行{doing}；"
        f"请报名参加{entry['exam']}"
    )
    if case.app.young_talent_direct:
        message += "（民营企业优秀青年人才直接申报中级同样不适用）"
    return _Outcome(message, entry.get("source", ""))


def _senior_exam_required(case: _Case):
    conf = case.rules.get("senior_exam_required") or {}
    if case.series.name not in conf.get("series", []) or case.level.name not in conf.get("levels", []):
        return SKIP
    exams = ExamPass.objects.filter(
        profile_id=case.profile.pk,
        series_id=case.series.pk,
        level__name__in=conf.get("exam_levels", []),
        passed_on__lte=case.today,
    )
    if any(e.valid_until is None or e.valid_until >= case.today for e in exams):
        return None
    expired = max((e.valid_until for e in exams if e.valid_until), default=None)
    message = (
        f"申报{case.series.name}{case.level.name}评审，须参加国家统一组织的{case.series.name}高级资格考试，"
        "成绩达到合格线并在有效期内"
    )
    if expired is not None:
        message += f"；您的考试成绩有效期已于{_d(expired)}届满"
    else:
        message += "；未查到您的考试合格记录"
    return message


def _level_by_level(case: _Case):
    conf = case.rules.get("level_by_level") or {}
    wanted = conf.get("prerequisites", {}).get(case.level.name, [])
    if not wanted or case.prerequisite_titles():
        return None
    if case.young_talent_exception:
        return None
    held = "、".join(f"{t.series.name}{t.level.name}" for t in case.titles) or "无"
    series_note = f"{case.series.name}系列的" if conf.get("same_series") else ""
    wanted_text = "或".join(f"{case.tier_of(w)}（{w}）" if case.tier_of(w) != w else w for w in wanted)
    lower = [t for t in case.titles if t.level.name not in wanted and case.tier_of(t.level.name) in
             {case.tier_of(w) for w in wanted}]  # fmt: skip
    note = ""
    if lower:
        names = "、".join(sorted({t.level.name for t in lower}))
        note = f"；{names}与{'、'.join(wanted)}同属{case.tier_of(wanted[0])}，但须先取得{'或'.join(wanted)}方可逐级申报"
    return (
        f"职称须逐级申报：申报{case.level.name}须已取得{series_note}{wanted_text}职称（您已取得的职称：{held}）{note}"
        + ("；民营企业优秀青年人才可直接申报中级（以考代评的除外）" if case.level.name == "中级" else "")
    )


def _young_talent_direct(case: _Case):
    if not case.app.young_talent_direct:
        return SKIP
    problems = case.young_talent_problems()
    return "；".join(problems) if problems else None


def _seniority(case: _Case):
    table = case.rules.get("seniority") or {}
    cutoff = case.cycle.seniority_cutoff
    held = case.prerequisite_titles()
    direct = case.young_talent_exception and not held
    spec = table.get("young_talent_direct") if direct else table.get("levels", {}).get(case.level.name)
    if not spec:
        return SKIP
    until = case.today if table.get("degree_counts_until", {}).get(case.level.name) == "application_day" else cutoff
    educations = case.counted_educations(until)
    if not educations:
        return f"请填写学历学位信息（截至{_d(until)}已取得的学历方可计入），以便核对资历条件"
    years_needed = spec.get("years", {})
    usable = [e for e in educations if years_needed.get(e.degree) is not None]
    if not usable:
        degrees = "、".join(_degree_label(e.degree) for e in educations)
        return f"按资格条件，{degrees}学历不能申报{case.level.name}"
    if spec.get("counted_from") == "previous_level":
        if not held:
            return SKIP  # reported by level_by_level
        top = max(t.level.rank for t in held)
        title = min((t for t in held if t.level.rank == top), key=lambda t: t.obtained_on)
        have = full_years(title.obtained_on, cutoff)
        best = min(usable, key=lambda e: years_needed[e.degree])
        need = years_needed[best.degree]
        if have >= need:
            return _Passed(f"资历 {have} 年 ≥ {need} 年（取得{title.level.name}后，截至{_d(cutoff)}）")
        return (
            f"资历不足：{_degree_label(best.degree)}学历申报{case.level.name}，须取得{title.level.name}职称后满{need}年；"
            f"您于{_d(title.obtained_on)}取得{title.level.name}，至资历截止日{_d(cutoff)}满{have}年"
        )
    start_of_work = case.work_start()
    shortfalls = []
    for edu in usable:
        need = years_needed[edu.degree]
        if need == 0:
            return _Passed(f"资历：{_degree_label(edu.degree)}学历无年限要求")
        if start_of_work is None:
            shortfalls.append(
                (need, f"请填写参加专业技术工作日期，{_degree_label(edu.degree)}学历须从事专业技术工作满{need}年")
            )
            continue
        start = max(edu.graduated_on, start_of_work)
        have = full_years(start, cutoff)
        if have >= need:
            return _Passed(f"资历 {have} 年 ≥ {need} 年（自{_d(start)}至{_d(cutoff)}）")
        shortfalls.append(
            (
                need - have,
                f"资历不足：{_degree_label(edu.degree)}学历申报{case.level.name}"
                f"{'（民营企业优秀青年人才直接申报）' if direct else ''}须从事专业技术工作满{need}年；"
                f"自{_d(start)}起至资历截止日{_d(cutoff)}满{have}年",
            )
        )
    return min(shortfalls, key=lambda pair: pair[0])[1]


def _continuing_education(case: _Case):
    conf = case.rules.get("continuing_education") or {}
    year = conf.get("year", case.cycle.ce_year)
    hours = conf.get("hours", case.cycle.ce_hours)
    if not hours:
        return SKIP
    record = ContinuingEducation.objects.filter(profile_id=case.profile.pk, year=year).first()
    have = record.hours if record else 0
    if have >= hours:
        split = f"，公需科目{record.public_hours}、专业科目{record.professional_hours}" if record.public_hours else ""
        return _Passed(f"{year} 年继续教育 {have}/{hours} 学时{split}")
    return f"{year}年度继续教育须满{hours}学时（含公需科目和专业科目），您登记的为{have}学时"


@dataclass(frozen=True)
class InitialProposal:
    level: Level | None
    basis: str
    source: str
    hint: str = ""


def propose_initial_level(case: _Case) -> InitialProposal:
    """The highest 初定 level the education and years allow (seed 001 二), with the rule that gives it."""
    document = case.rules.get("document", SEED_001)
    start_of_work = case.work_start()
    best: tuple[int, str, str] | None = None
    hints: list[tuple[dt.date, str]] = []
    for edu in case.counted_educations(case.today):
        for entry in case.rules.get("initial_levels", []):
            if edu.degree not in entry.get("degrees", []):
                continue
            latest = entry.get("graduated_on_or_before")
            if latest and edu.graduated_on > dt.date.fromisoformat(str(latest)):
                continue
            if entry.get("relevant") and not edu.relevant:
                continue
            level = case.levels.get(entry["level"])
            if level is None:
                continue
            source = f"{document} {entry.get('section', entry.get('id', ''))}"
            basis = f"按{_degree_label(edu.degree)}学历（{_d(edu.graduated_on)}毕业）：{entry['text']}"
            need = int(entry.get("min_years") or 0)
            if need:
                if start_of_work is None:
                    hints.append((dt.date.max, f"请填写参加专业技术工作日期（{entry['text']}）"))
                    continue
                start = max(edu.graduated_on, start_of_work)
                if full_years(start, case.today) < need:
                    ready = add_years(start, need)
                    hints.append((ready, f"{_d(ready)}满{need}年后，可依据“{entry['text']}”初定{level.name}"))
                    continue
            if best is None or level.rank > best[0]:
                best = (level.rank, basis, source)
    hint = min(hints)[1] if hints else ""
    if best is None:
        return InitialProposal(None, "", case.source("initial_level"), hint)
    level = next(lv for lv in case.levels.values() if lv.rank == best[0])
    return InitialProposal(level, best[1], best[2], hint)


def _initial_level(case: _Case):
    proposal = case.proposal
    if proposal.level is None:
        message = "根据您填写的学历和见习（工作）年限，目前尚不符合任何初定档次"
        if not case.educations:
            message = "请填写学历学位信息，初定级别须与学历、资历条件对应"
        elif proposal.hint:
            message += f"；{proposal.hint}"
        return _Outcome(message, case.source("initial_level"))
    if case.level.rank > proposal.level.rank:
        return _Outcome(
            f"初定级别须与学历、资历条件对应：您可初定的最高级别为{proposal.level.name}（{proposal.basis}），"
            f"不能申报{case.level.name}",
            case.source("initial_level"),
        )
    return None


def _route(case: _Case):
    result = case.route
    if result is None or result.ok:
        return None
    return _Outcome(result.reason, result.source)


def _window(case: _Case):
    if not case.is_review:
        cycle = case.cycle
        if cycle.start <= case.today <= cycle.end:
            return None
        return f"本年度职称初定的申报期限为{_d(cycle.start)}至{_d(cycle.end)}，今天（{_d(case.today)}）不在申报期限内"
    if case.route is None or not case.route.ok:
        return SKIP
    committee = case.route.committee
    found = windows.committee_windows(committee)
    where = f"{committee.office.name}（附件第{committee.row}行，{committee.area}）"
    if not found:
        return f"{where}的网络申报时间为“依据文件时间申报”，办事机构尚未发布本年度申报时间，请关注其通知后再提交"
    if windows.open_window(found, case.today) is not None:
        return None
    return f"{where}的网络申报时间为{windows.describe(found)}，今天（{_d(case.today)}）不在申报时间内"


def _live_elsewhere(case: _Case, **filters):
    app = case.app
    qs = (
        Application.objects.filter(
            review_cycle_id=case.cycle.pk,
            level__name__in=case.tier_levels(case.level.name),
            committee__isnull=False,
            **filters,
        )
        .exclude(status__in=wf.NOT_LIVE)
        .exclude(committee_id=case.route.committee.pk)
        .select_related("committee__office")
    )
    if app.pk is not None:
        qs = qs.exclude(pk=app.pk)
    return qs.first()


def _one_committee_per_level(case: _Case):
    if case.route is None or not case.route.ok:
        return SKIP
    other = _live_elsewhere(case, applicant_id=case.profile.pk)
    if other is None:
        return None
    tier = case.tier_of(case.level.name)
    return (
        f"同一年度同一职称层级（{tier}）只能向一个评委会申报：您的{other.series.name}{other.level.name}申报"
        f"（{other.number}）"
        f"已报送{other.committee.office.name}，不能再向{case.route.committee.office.name}申报"
    )


def _unit_same_committee(case: _Case):
    if case.route is None or not case.route.ok or case.unit is None:
        return SKIP
    other = _live_elsewhere(case, unit_id=case.unit.pk, series_id=case.series.pk, specialty_id=case.app.specialty_id)
    if other is None:
        return None
    return (
        f"同一单位申报相同系列（专业）相同层级的人员应统一报送同一评委会：{case.unit.name}本年度的"
        f"{case.series.name}{case.level.name}已报送{other.committee.office.name}（{other.number}），"
        f"本申报将报送{case.route.committee.office.name}，请与单位核实"
    )


_REVIEW = (Route.REVIEW,)
_INITIAL = (Route.INITIAL,)
BARRED = object()  # where the data-driven barred categories go in the order
RULES: list[Rule | object] = [
    Rule("employment_scope", "在镇江就业（劳动/聘用合同或自由职业）", _employment_scope),
    Rule("residence_scope", "身份类别属于申报范围", _residence_scope),
    Rule("freelancer_via_agency", "自由职业者经人事代理机构申报", _freelancer_via_agency),
    BARRED,
    Rule("sanction_in_effect", "不在党纪、政务、行政处分影响期内", _sanction_in_effect, _INITIAL),
    Rule("integrity_record", "无有效的职称申报评审诚信档案记录", _integrity_record),
    Rule("initial_series_scope", "属于本年度初定的专业范围", _initial_series_scope, _INITIAL),
    Rule("exam_only", "不属于以考代评的职称", _exam_only),
    Rule("senior_exam_required", "高级职称考评结合：考试成绩合格且在有效期内", _senior_exam_required, _REVIEW),
    Rule("level_by_level", "逐级申报", _level_by_level, _REVIEW),
    Rule("young_talent_direct", "民营企业优秀青年人才直接申报中级", _young_talent_direct, _REVIEW),
    Rule("seniority", "资历（任职年限）", _seniority, _REVIEW),
    Rule("continuing_education", "继续教育学时", _continuing_education, _REVIEW),
    Rule("initial_level", "初定级别与学历、资历对应", _initial_level, _INITIAL),
    Rule("route", "有受理的评委会", _route, _REVIEW),
    Rule("window", "在网络申报时间内", _window),
    Rule("one_committee_per_level", "同一年度同一层级只向一个评委会申报", _one_committee_per_level, _REVIEW),
    Rule("unit_same_committee", "同一单位同系列同层级报送同一评委会", _unit_same_committee, _REVIEW),
]


def rules_for(case_or_rules) -> list[Rule]:
    data = case_or_rules.rules if isinstance(case_or_rules, _Case) else case_or_rules
    out: list[Rule] = []
    for rule in RULES:
        if rule is BARRED:
            default_source = data.get("sources", {}).get("barred_category", "")
            out.extend(_barred_rule(entry, default_source) for entry in data.get("barred", []))
        else:
            out.append(rule)
    return out


def _run(application: Application, today: dt.date) -> tuple[list[RuleFailure], list[RuleCheck], _Case]:
    case = _Case(application, today)
    if case.cycle is None:
        doing = "评审" if case.is_review else "初定"
        return [RuleFailure("no_cycle", f"请选择职称{doing}年度", "")], [], case
    if not case.rules:
        return (
            [
                RuleFailure(
                    "rules_missing",
                    f"{case.cycle.name}的申报条件规则数据尚未配置，暂不能核对申报条件，请联系市职称办",
                    f"data/rules/{'' if case.is_review else 'initial_'}{case.cycle.year}.yaml",
                )
            ],
            [],
            case,
        )
    if not case.is_review:
        case.proposal = propose_initial_level(case)
    failures: list[RuleFailure] = []
    passed: list[RuleCheck] = []
    for rule in rules_for(case):
        if application.route not in rule.routes:
            continue
        outcome = rule.check(case)
        if outcome is SKIP:
            continue
        default_source = rule.source or case.source(rule.code)
        if outcome is None or isinstance(outcome, _Passed):
            detail = outcome.detail if outcome is not None else ""
            passed.append(RuleCheck(rule.code, rule.title, default_source, detail))
        elif isinstance(outcome, _Outcome):
            failures.append(RuleFailure(outcome.code or rule.code, outcome.message, outcome.source or default_source))
        else:
            failures.append(RuleFailure(rule.code, str(outcome), default_source))
    return failures, passed, case


def evaluate(application: Application, *, today: dt.date) -> list[RuleFailure]:
    """Every rule the application fails, in a stable order. Reads only."""
    return _run(application, today)[0]


def check_submission(application: Application, *, today: dt.date) -> list[RuleFailure]:
    """The authoritative check at submission: all of SPEC §3, including the committee's window on `today`."""
    return evaluate(application, today=today)


def catalogue_problems(series, specialty=None, subspecialty=None) -> dict[str, list[str]]:
    """The catalogue checks of creating a draft (Application.clean), for the pre-check: same fields, same words."""
    problems: dict[str, list[str]] = {}
    if specialty is not None and specialty.series_id != series.pk:
        problems["specialty"] = ["大专业不属于所选系列"]
    if subspecialty is not None and subspecialty.specialty_id != getattr(specialty, "pk", None):
        problems["subspecialty"] = ["小专业不属于所选大专业"]
    return problems


def precheck(
    *,
    profile,
    route: str,
    series,
    level,
    specialty=None,
    subspecialty=None,
    cycle=None,
    young_talent_direct: bool = False,
    today: dt.date,
) -> PrecheckResult:
    """ "我能申报吗？" for a prospective application, without saving anything: every failure with its source, the
    rules passed, the proposed 初定 level with its basis, and the committee (or why there is none) for 评审.
    Errors: DomainError("invalid") for a 大专业 outside the series or a 小专业 outside the 大专业, as when
    creating the draft."""
    problems = catalogue_problems(series, specialty, subspecialty)
    if problems:
        raise DomainError(
            "invalid", "申报信息有误：" + "；".join(m for v in problems.values() for m in v), fields=problems
        )
    cycle = cycle or cycle_current(route, today)
    app = Application(
        applicant=profile,
        route=route,
        review_cycle=cycle if route == Route.REVIEW else None,
        initial_cycle=cycle if route == Route.INITIAL else None,
        series=series,
        specialty=specialty,
        subspecialty=subspecialty,
        level=level,
        young_talent_direct=young_talent_direct,
    )
    if profile.unit_id:
        app.unit = profile.unit
    failures, passed, case = _run(app, today)
    result = PrecheckResult(eligible=not failures, failures=failures, passed=passed)
    if route == Route.REVIEW and case.cycle is not None and case.rules:
        if case.route is not None and case.route.ok:
            result.committee = case.route.committee
            result.office_name = case.route.committee.office.name
        elif case.route is not None:
            result.no_route_reason = case.route.reason
    elif route == Route.INITIAL and case.cycle is not None:
        result.office_name = case.cycle.office.name
        proposal = case.proposal
        if proposal is not None:
            result.proposed_initial_level = proposal.level
            result.initial_basis = f"{proposal.basis}（{proposal.source}）" if proposal.level else proposal.hint
    return result
