"""Applications: the public case API other areas build on (cases: the state machine's one door, gap
notices, trips), the applicant's side (journey: drafts, submission, views, progress; upload and
materials: files and pages; supplement: the one-time extension; withdrawal), the pages as rows
(pages) and the automatic review's runs (review_runs). Other areas import the names below."""

from __future__ import annotations

from api.applications.service.cases import (
    RESULT_FOR_STATUS, APPROVED_REASON, EVENT_FOR_STATUS, ApplicationNotFound, TransitionRefused, GapNoticeRequired,
    GapsInvalid, Case, Gap, OFFICE_CLOSES, clock_starts_on, PUBLIC_NO_TRIES, append_event, move, lock, lock_case,
    get_case, service_name, patch_form, transition, create_gap_notice, record_trip, close_unsupplemented,
)
from api.applications.service.pages import (
    page_url, material_out, pages_by_material, pages_of, page_count, sync_first_page, replace_with_one, append,
    remove, reorder, get_page,
)
from api.applications.service.review_runs import LOOKUPS, gather, run_and_store, latest
from api.applications.service.journey import (
    CompanyOnly, FormInvalid, GapsRemain, NotEditable, owned, readable, sync_materials, create,
    update, submit, view, mine, my_licences,
)
from api.applications.service.progress import PublicNoMistyped, progress, progress_qr
from api.applications.service.upload import (
    MaterialNotFound, MaterialNotRequested, MaterialExempt, FileTooLarge, FileEmpty, FileTypeRefused,
    UploadMalformed, sniff, file_part, changeable, receive_file, material_file,
)
from api.applications.service.materials import (
    TooManyPages, PageNotFound, PageOrderInvalid, add_page, remove_page, reorder_pages, page_file,
)
from api.applications.service.supplement import (
    SupplementNotPending, SupplementDeadlinePassed, ExtensionAlreadyUsed, extend,
)
from api.applications.service.withdrawal import withdraw, save_as_draft
from api.applications.service.subject import HolderKindMismatch, belongs, enterprise_of
from api.applications.service.pauses import (
    KIND_LABELS, ClockAlreadyPaused, ClockNotPaused, ClockNotRunning, start_pause, end_pause, open_pause, pauses_of,
    expected_due, paused_workdays, clock_of,
)
from api.applications.service.gap_rules import (
    GapNoticeNewItems, GapOverrideLeadOnly, create_later_gap_notice, additions_of, count_additions,
)
from api.applications.service.rereview import (
    RereviewNotAvailable, RereviewAlreadyRequested, RereviewNotFound, RereviewNotYours, RereviewDecided,
    RereviewChecksInvalid, request as request_rereview, decide as decide_rereview, of_case as rereviews_of,
    open_for as open_rereviews, escalate_overdue as escalate_rereviews,
)
