"""Domain errors: a rule the user broke, with a stable code, a Chinese message and the rule's source."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """Every error code the services raise (the API's `code`; tests check that none is used outside it)."""

    ADMIN_REQUIRED = "admin_required"
    ALREADY_CONFIRMED = "already_confirmed"
    ALREADY_DRAWN = "already_drawn"
    ALREADY_EXTENDED = "already_extended"
    ATTENDANCE_MISSING = "attendance_missing"
    AUTHENTICATION_FAILED = "authentication_failed"
    BAD_ACTION = "bad_action"
    BAD_DAYS = "bad_days"
    BAD_FILE = "bad_file"
    BAD_FORM = "bad_form"
    BAD_HEADER = "bad_header"
    BAD_KIND = "bad_kind"
    BAD_TALLY = "bad_tally"
    BIRTH_DATE_REQUIRED = "birth_date_required"
    CALENDAR_BAD_DATE = "calendar_bad_date"
    CALENDAR_BAD_FILE = "calendar_bad_file"
    CALENDAR_BAD_RANGE = "calendar_bad_range"
    CALENDAR_CONFLICT = "calendar_conflict"
    CALENDAR_NO_FILE = "calendar_no_file"
    CALENDAR_TOO_LARGE = "calendar_too_large"
    CALENDAR_WRONG_YEAR = "calendar_wrong_year"
    CASES_INVALID = "cases_invalid"
    CERTIFICATE_NOT_FOUND = "certificate_not_found"
    CONCURRENT = "concurrent"
    CORRECTION_ONCE = "correction_once"
    CORRECTION_UNANSWERED = "correction_unanswered"
    CONDITIONS_UNMET = "conditions_unmet"
    CONFLICT_TARGET = "conflict_target"
    DEADLINE_PASSED = "deadline_passed"
    DOCUMENT_EXISTS = "document_exists"
    DOCUMENT_REQUIRED = "document_required"
    DUPLICATE = "duplicate"
    DUPLICATE_ENTRY = "duplicate_entry"
    DUPLICATE_ID = "duplicate_id"
    DUPLICATE_PHONE = "duplicate_phone"
    DUPLICATE_UNIT = "duplicate_unit"
    EMPTY_FILE = "empty_file"
    ENCRYPTED_PDF = "encrypted_pdf"
    EXPERTS_DRAWN = "experts_drawn"
    EXPERT_INVALID = "expert_invalid"
    FILE_REQUIRED = "file_required"
    FILE_TOO_LARGE = "file_too_large"
    FILING_DECIDED = "filing_decided"
    FILING_INCOMPLETE = "filing_incomplete"
    FILING_LIVE = "filing_live"
    FILING_NOT_ACCEPTED = "filing_not_accepted"
    FILING_TOO_LATE = "filing_too_late"
    FINDING_REQUIRED = "finding_required"
    FORBIDDEN = "forbidden"
    IMPORT_INVALID = "import_invalid"
    INELIGIBLE = "ineligible"
    INVALID = "invalid"
    INVALID_CREDIT_CODE = "invalid_credit_code"
    INVALID_EMAIL = "invalid_email"
    INVALID_ID_KIND = "invalid_id_kind"
    INVALID_ID_NUMBER = "invalid_id_number"
    INVALID_PASSWORD = "invalid_password"
    INVALID_PHONE = "invalid_phone"
    ITEMS_REQUIRED = "items_required"
    MATERIALS_MISSING = "materials_missing"
    MEETING_INVALID = "meeting_invalid"
    MEETING_NOT_CLOSED = "meeting_not_closed"
    MEETING_NOT_OPEN = "meeting_not_open"
    MEETING_NOT_PLANNED = "meeting_not_planned"
    MIXED_OFFICES = "mixed_offices"
    MIXED_STATES = "mixed_states"
    MIXED_TIERS = "mixed_tiers"
    NAME_REQUIRED = "name_required"
    NONE_SELECTED = "none_selected"
    NOTHING_TO_PUBLISH = "nothing_to_publish"
    NOT_APPROVED = "not_approved"
    NOT_FOUND = "not_found"
    NOT_INITIAL = "not_initial"
    NOT_IN_PUBLICITY = "not_in_publicity"
    NOT_MEETING_DAY = "not_meeting_day"
    NOT_ON_AGENDA = "not_on_agenda"
    NOT_ON_PANEL = "not_on_panel"
    NOT_PDF = "not_pdf"
    NOT_PUBLISHED = "not_published"
    NOT_SUBMITTED = "not_submitted"
    NO_CASES = "no_cases"
    NO_CERTIFICATE = "no_certificate"
    NO_CJK_FONT = "no_cjk_font"
    NO_CYCLE = "no_cycle"
    NO_DEADLINE = "no_deadline"
    NO_DEPARTMENT = "no_department"
    NO_EXPERT = "no_expert"
    NO_FILE = "no_file"
    NO_FILING = "no_filing"
    NO_POOL = "no_pool"
    NO_PROFILE = "no_profile"
    NO_QUORUM = "no_quorum"
    NO_ROUTE = "no_route"
    NO_UNIT = "no_unit"
    NO_VOTES = "no_votes"
    OBJECTION_DECIDED = "objection_decided"
    OBJECTION_INCOMPLETE = "objection_incomplete"
    OBJECTION_INVALID = "objection_invalid"
    PASS_CAP_EXCEEDED = "pass_cap_exceeded"
    PLEDGE_REQUIRED = "pledge_required"
    POOL_EXHAUSTED = "pool_exhausted"
    POOL_EXISTS = "pool_exists"
    POOL_INVALID = "pool_invalid"
    POOL_TOO_SMALL = "pool_too_small"
    PROFILE_EXISTS = "profile_exists"
    PUBLICITY_BACKDATED = "publicity_backdated"
    PUBLICITY_EMPTY = "publicity_empty"
    PUBLICITY_MIXED = "publicity_mixed"
    PUBLICITY_OVER = "publicity_over"
    PUBLICITY_TOO_SHORT = "publicity_too_short"
    REASON_REQUIRED = "reason_required"
    SOURCE_REQUIRED = "source_required"
    TALLY_MISMATCH = "tally_mismatch"
    TOO_MANY_ROWS = "too_many_rows"
    UNIT_UNCONFIRMED = "unit_unconfirmed"
    UNREADABLE_PDF = "unreadable_pdf"
    USERNAME_REQUIRED = "username_required"
    USERNAME_TAKEN = "username_taken"
    USER_NOT_FOUND = "user_not_found"
    VOTERS_NOT_PRESENT = "voters_not_present"
    VOTES_MISSING = "votes_missing"
    VOTES_RECORDED = "votes_recorded"
    WINDOW_FIXED = "window_fixed"
    WINDOW_INHERITED = "window_inherited"
    WINDOW_ORDER = "window_order"
    WINDOW_OVERLAP = "window_overlap"
    WINDOW_YEAR = "window_year"
    WORK_PERMIT_REQUIRED = "work_permit_required"
    WRONG_ROUTE = "wrong_route"
    WRONG_STATE = "wrong_state"
    # issue 16: uploads, floods, certificate numbers
    CERTIFICATE_NUMBERS_EXHAUSTED = "certificate_numbers_exhausted"
    OBJECTION_CASE_LIMIT = "objection_case_limit"
    OBJECTION_CONTACT_LIMIT = "objection_contact_limit"
    OBJECTION_DUPLICATE = "objection_duplicate"
    PDF_ACTIVE_CONTENT = "pdf_active_content"
    PDF_INFLATED_TOO_LARGE = "pdf_inflated_too_large"
    PDF_TOO_COMPLEX = "pdf_too_complex"
    PDF_TOO_SLOW = "pdf_too_slow"
    THROTTLED = "throttled"
    TOO_MANY_PAGES = "too_many_pages"


class DomainError(Exception):
    """A rule broken by the user. The API and pages answer it with `status` and this message."""

    status = 400

    def __init__(self, code: str, message: str, *, source: str = "", fields: dict | None = None):
        super().__init__(message)
        self.code = str(code)
        self.message = message
        self.source = source
        self.fields = fields or {}

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "source": self.source, "fields": self.fields}

    def __str__(self) -> str:
        return f"{self.message}（{self.source}）" if self.source else self.message


class PermissionDenied(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class TransitionConflict(DomainError):
    """Wrong state for the act, or lost to a concurrent act."""

    status = 409


class TooManyRequests(DomainError):
    """A rate limit (issue 16): answered 429 with Retry-After where the caller knows the wait."""

    status = 429

    def __init__(self, code: str, message: str, *, wait: int = 0, **kwargs):
        super().__init__(code, message, **kwargs)
        self.wait = wait
