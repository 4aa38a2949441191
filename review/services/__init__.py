"""The meeting (评审会议) and everything around it, one module per concern (issue 12 item 5):

- `rules`: the pure rules (pass cap, votes required, quorum, thresholds, meeting dates; docs/meetings.md);
- `meetings`: expert pools and the auditable draw, planning a meeting, its agenda, rescheduling, the reviewers'
  「审核通过」;
- `filings`: the 报备 with 市职称办 (seed 000 六(一));
- `session`: opening the meeting, attendance and quorum, the secret-ballot tally, results within the pass rate, the
  result 公示 (seed 000 六(二)).

Every act runs in one transaction, locks the meeting row, checks the actor and the state, and appends a line to
the meeting's log; the cases themselves move only through applications.services. Callers import from here.
"""

from ._common import (  # noqa: F401
    filing_days,
)
from .filings import (  # noqa: F401
    filing_accept,
    filing_return,
    filing_submit,
)
from .meetings import (  # noqa: F401
    applications_approve,
    expert_add,
    expert_conflict_declare,
    expert_exclusions,
    expert_pool_create,
    expert_replace,
    expert_set_active,
    experts_draw,
    meeting_add_cases,
    meeting_create,
    meeting_reschedule,
)
from .rules import (  # noqa: F401
    RULES_40,
    THRESHOLD_MAX_DENOMINATOR,
    MeetingRules,
    draw_panel,
    meeting_date_check,
    meeting_rules,
    meeting_threshold,
    normalised_unit_name,
    pass_cap,
    quorum_required,
    rule_filing,
    threshold_fraction,
    votes_required,
)
from .session import (  # noqa: F401
    attendance_record,
    meeting_open,
    meeting_result_publicity_start,
    results_record,
    tally_record,
    votes_record,
)
