"""The meeting itself: opening it (an accepted 报备, on its day), attendance against the quorum, the secret-ballot
tally per case, the results within the filed pass rate, and the start of the result 公示 (seed 000 六(二))."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from applications import services as app_services
from applications import workflow
from applications.models import Application
from publicity import services as pub_services
from publicity.models import Publicity
from zhicheng.errors import DomainError, PermissionDenied, TransitionConflict

from .. import permissions as perms
from ..models import (
    Meeting,
    MeetingAttendance,
    MeetingFiling,
    MeetingResult,
    MeetingTally,
    Vote,
)
from ._common import _locked, _log, _require_clerk, _require_planned, _today, _transition, filing_days
from .rules import meeting_rules, meeting_threshold, pass_cap, quorum_required, rule_filing, votes_required

# ---------------------------------------------------------------- the meeting itself


def meeting_open(*, meeting: Meeting, actor) -> Meeting:
    """Open the meeting on its date: only with a 报备 for that date, filed ≥ 15 days before it and accepted by
    市职称办. Its cases move to 评审中 together; if one cannot, none does. Otherwise the clerk must move the date."""
    today = _today()
    with transaction.atomic():
        m = _locked(meeting)
        _require_clerk(actor, m, "召开评审会议")
        _require_planned(m, "召开")
        filing = m.filings.filter(status=MeetingFiling.Status.ACCEPTED, meeting_date=m.date).first()
        if filing is None or (m.date - filing.filed_on).days < filing_days(m):
            raise DomainError(
                "filing_not_accepted",
                f"评审会议须在召开{filing_days(m)}天前报备并经市职称办同意后方可召开（{rule_filing(m.cycle)}）；"
                "本次会议没有按期报备且已同意的报备，请调整会议日期后重新报备",
                source=rule_filing(m.cycle),
            )
        if today != m.date:
            raise DomainError("not_meeting_day", f"会议报备的召开日期为{m.date:%Y年%m月%d日}，今天不能开会",
                              source=rule_filing(m.cycle))  # fmt: skip
        for app in m.applications.order_by("pk"):
            app_services.application_meeting_open(application=app, actor=actor, meeting_id=m.pk)
        _transition(m, "open", timezone.now())
        _log(m, actor, "open", filing=filing.pk)
    return m


def _require_quorum(m: Meeting) -> MeetingAttendance:
    """Attendance must be recorded, and meet the quorum, before any vote or result (人社部令第40号)."""
    att = MeetingAttendance.objects.filter(meeting=m).first()
    rules = meeting_rules(m.cycle)
    if att is None:
        raise DomainError("attendance_missing", f"请先登记到会专家，核对到会人数后方可表决（{rules.quorum_source}）",
                          source=rules.quorum_source)  # fmt: skip
    present = att.present.count()
    if present < att.quorum:
        raise DomainError(
            "no_quorum",
            f"到会专家{present}人，少于本次会议抽取的{att.panel_size}名专家的{rules.quorum}（须不少于{att.quorum}人），"
            f"不得表决或登记结果（{rules.quorum_source}）",
            source=rules.quorum_source,
            fields={"present": present, "quorum": att.quorum},
        )
    return att


def attendance_record(*, meeting: Meeting, actor, present) -> MeetingAttendance:
    """Record who of the drawn experts is present at the open meeting (到会), with the quorum it is checked
    against: ceil(quorum × experts drawn), default 2/3 (cycle data rules["meeting"]["quorum"]). Recorded even
    when short of the quorum (it is a fact), but then no vote or result can be recorded. May be corrected until
    the first vote. Errors: PermissionDenied, TransitionConflict (not open, votes already recorded),
    DomainError (someone not on the panel)."""
    ids = {getattr(e, "pk", e) for e in present or []}
    with transaction.atomic():
        m = _locked(meeting)
        _require_clerk(actor, m, "登记到会专家")
        if m.status != Meeting.Status.OPEN:
            raise TransitionConflict(
                "meeting_not_open", f"评审会议当前为「{m.get_status_display()}」，不能登记到会专家"
            )
        if MeetingTally.objects.filter(meeting=m).exists():
            raise TransitionConflict("votes_recorded", "已开始表决，不能再更改到会专家")
        panel = set(m.experts.values_list("pk", flat=True))
        if ids - panel:
            raise DomainError("not_on_panel", "到会专家须为本次会议抽中的评审专家")
        rules = meeting_rules(m.cycle)
        quorum = quorum_required(len(panel), rules)
        att, _ = MeetingAttendance.objects.update_or_create(
            meeting=m,
            defaults={"panel_size": len(panel), "quorum": quorum, "quorum_rule": rules.quorum_source[:200],
                      "recorded_by": actor},
        )  # fmt: skip
        att.present.set(sorted(ids))
        _log(m, actor, "attendance", present=sorted(ids), panel=len(panel), quorum=quorum)
    att.quorate = len(ids) >= quorum
    return att


def _passes_with(m: Meeting, application_id: int, passed: bool) -> int:
    others = MeetingTally.objects.filter(meeting=m, passed=True).exclude(application_id=application_id).count()
    return others + passed


def _store_tally(m: Meeting, actor, application, present: int, approve: int, oppose: int, abstain: int) -> dict:
    required = votes_required(present, meeting_threshold(m))
    passed = approve >= required
    candidates = m.applications.count()
    cap = pass_cap(m.pass_rate, candidates)
    passes = _passes_with(m, application.pk, passed)
    if passed and passes > cap:
        raise _cap_error(passes, cap, m, candidates)
    rules = meeting_rules(m.cycle)
    MeetingTally.objects.update_or_create(
        meeting=m,
        application=application,
        defaults={"present": present, "approve": approve, "oppose": oppose, "abstain": abstain,
                  "required": required, "passed": passed, "rule": rules.threshold_source[:200], "recorded_by": actor},
    )  # fmt: skip
    return {"present": present, "approvals": approve, "oppose": oppose, "abstain": abstain, "required": required,
            "passed": passed}  # fmt: skip


def tally_record(*, meeting: Meeting, actor, application: Application, approve: int, oppose: int,
                 abstain: int) -> dict:  # fmt: skip
    """The secret ballot's count for one case (赞成/反对/弃权; who voted how is never recorded): one ballot per
    expert present, so the three add up to the attendance; passes with approvals ≥ ceil(threshold × present),
    default 2/3 of those present (rules["meeting"]["pass_threshold"]; the committee's own threshold if stricter).
    A second call replaces the count until the results are recorded. Refused, with nothing written, without a
    quorate attendance, or when the case would pass and so exceed floor(pass rate × candidates)."""
    counts = {"赞成": approve, "反对": oppose, "弃权": abstain}
    with transaction.atomic():
        m = _locked(meeting)
        _require_clerk(actor, m, "登记表决结果")
        if m.status != Meeting.Status.OPEN:
            raise TransitionConflict("meeting_not_open", f"评审会议当前为「{m.get_status_display()}」，不能登记表决")
        if not m.applications.filter(pk=application.pk).exists():
            raise DomainError("not_on_agenda", f"申报 {application.number} 不是本次会议的评审对象")
        att = _require_quorum(m)
        present = att.present.count()
        if any(not isinstance(v, int) or v < 0 for v in counts.values()):
            raise DomainError("bad_tally", "赞成、反对、弃权票数须为不小于0的整数")
        if sum(counts.values()) != present:
            raise DomainError(
                "tally_mismatch",
                f"无记名投票每位到会专家一票：赞成{approve}、反对{oppose}、弃权{abstain}合计{sum(counts.values())}票，"
                f"与到会专家{present}人不符（{meeting_rules(m.cycle).threshold_source}）",
                source=meeting_rules(m.cycle).threshold_source,
            )
        Vote.objects.filter(meeting=m, application=application).delete()  # a count replaces any named ballots
        tally = _store_tally(m, actor, application, present, approve, oppose, abstain)
        counted = {k: tally[k] for k in ("approvals", "oppose", "abstain", "present")}
        _log(m, actor, "tally", application=application.pk, **counted)
    return tally


def _cap_error(passes: int, cap: int, meeting: Meeting, candidates: int) -> DomainError:
    return DomainError(
        "pass_cap_exceeded",
        f"通过人数{passes}人将超过报备的通过率上限（{meeting.pass_rate}×{candidates}人，向下取整为{cap}人）"
        f"，请复议后重新登记（{rule_filing(meeting.cycle)}）",
        source=rule_filing(meeting.cycle),
        fields={"cap": cap, "passes": passes},
    )


def votes_record(*, meeting: Meeting, actor, application: Application, votes: dict) -> dict:
    """Record one case's ballots expert by expert ({expert or expert id: approve}) — where the committee votes
    openly by name; the secret ballot is recorded with `tally_record`. Every expert present votes and nobody
    else: the voters must be exactly the recorded attendance, which must meet the quorum. The count is stored as
    the case's tally (赞成/反对). A second call replaces the votes until the results are recorded; refused, with
    nothing written, when the case would pass and so bring the passes over floor(pass rate × candidates)."""
    votes = {getattr(k, "pk", k): bool(v) for k, v in (votes or {}).items()}
    with transaction.atomic():
        m = _locked(meeting)
        _require_clerk(actor, m, "登记专家表决")
        if m.status != Meeting.Status.OPEN:
            raise TransitionConflict("meeting_not_open", f"评审会议当前为「{m.get_status_display()}」，不能登记表决")
        if not m.applications.filter(pk=application.pk).exists():
            raise DomainError("not_on_agenda", f"申报 {application.number} 不是本次会议的评审对象")
        if not votes:
            raise DomainError("no_votes", "请登记到会专家的表决")
        panel = set(m.experts.values_list("pk", flat=True))
        strangers = set(votes) - panel
        if strangers:
            raise DomainError("not_on_panel", "表决人不是本次会议抽中的评审专家")
        att = _require_quorum(m)
        present_ids = set(att.present.values_list("pk", flat=True))
        if set(votes) != present_ids:
            raise DomainError(
                "voters_not_present",
                f"表决人须为全部到会专家（到会{len(present_ids)}人，本次登记{len(votes)}人）：未到会的专家不得表决，"
                f"到会专家均须表决（{meeting_rules(m.cycle).threshold_source}）",
                source=meeting_rules(m.cycle).threshold_source,
            )
        approvals = sum(1 for v in votes.values() if v)
        tally = _store_tally(m, actor, application, len(present_ids), approvals, len(votes) - approvals, 0)
        Vote.objects.filter(meeting=m, application=application).delete()
        Vote.objects.bulk_create(
            Vote(meeting=m, application=application, expert_id=eid, approve=ok, recorded_by=actor)
            for eid, ok in sorted(votes.items())
        )
        _log(m, actor, "votes", application=application.pk, approvals=approvals, present=len(present_ids))
    return {k: tally[k] for k in ("present", "approvals", "required", "passed")}


def results_record(*, meeting: Meeting, actor) -> list[MeetingResult]:
    """Close the meeting: every case's result from its tally (pass = approvals ≥ the threshold of the experts
    present, default two thirds). Refused, with nothing written, without a quorate attendance, if a case has no
    tally, or if the passes exceed floor(pass rate × candidates). Not passed is final for the cycle."""
    with transaction.atomic():
        m = _locked(meeting)
        _require_clerk(actor, m, "登记评审结果")
        if m.status != Meeting.Status.OPEN:
            raise TransitionConflict("meeting_not_open", f"评审会议当前为「{m.get_status_display()}」，不能登记结果")
        _require_quorum(m)
        apps = list(m.applications.order_by("pk"))
        tallies = {t.application_id: t for t in MeetingTally.objects.filter(meeting=m)}
        missing = [a.number for a in apps if a.pk not in tallies]
        if missing:
            raise DomainError("votes_missing", "以下申报尚未登记表决：" + "、".join(missing))
        passes = sum(1 for t in tallies.values() if t.passed)
        cap = pass_cap(m.pass_rate, len(apps))
        if passes > cap:
            raise _cap_error(passes, cap, m, len(apps))
        named: dict[int, dict[int, bool]] = {}
        for app_id, expert_id, approve in m.votes.values_list("application_id", "expert_id", "approve"):
            named.setdefault(app_id, {})[expert_id] = approve
        results = []
        for app in apps:
            t = tallies[app.pk]
            detail = {"meeting_id": m.pk, "present": t.present, "approvals": t.approve, "oppose": t.oppose,
                      "abstain": t.abstain, "required": t.required, "rule": t.rule}  # fmt: skip
            if app.pk in named:
                detail["by_expert"] = {str(k): v for k, v in sorted(named[app.pk].items())}
            app_services.application_record_result(application=app, actor=actor, passed=t.passed, votes=detail)
            results.append(MeetingResult.objects.create(meeting=m, application=app, present=t.present,
                                                        approvals=t.approve, required=t.required, passed=t.passed,
                                                        recorded_by=actor))  # fmt: skip
        _transition(m, "close", timezone.now())
        _log(m, actor, "results", passes=passes, cap=cap)
    return results


def meeting_result_publicity_start(*, meeting: Meeting, actor, working_days: int | None = None, start=None):
    """Put the meeting's passed cases in the result 公示 (default RESULT_PUBLICITY_WORKING_DAYS, 5 working days);
    an objection during it stops the case as in every 公示 (seed 000 六(二))."""
    with transaction.atomic():
        m = _locked(meeting)  # re-read under the lock: a concurrent call waits here and then finds nothing passed
        if not perms.can_manage_meeting(actor, m):
            raise PermissionDenied("forbidden", "您无权发布该会议的评审结果公示")
        if m.status != Meeting.Status.CLOSED:
            raise TransitionConflict("meeting_not_closed", "评审结果尚未登记，不能公示")
        passed = list(m.applications.filter(status__in=workflow.ACTS["result_publicity_start"].sources).order_by("pk"))
        if not passed:
            raise DomainError("nothing_to_publish", "本次会议没有待公示的通过人员")
        return pub_services.publicity_start(kind=Publicity.Kind.RESULT, applications=passed, actor=actor,
                                            working_days=working_days, start=start,
                                            title=f"{m.title}评审结果公示")  # fmt: skip
