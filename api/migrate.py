"""Plain-SQL migrations ``api/migrations/NNNN_name.sql``, applied by number under an advisory lock.

Numbers only grow. A pending migration numbered at or below the highest applied one is refused
(as Flyway does without ``outOfOrder``): a database that already ran the higher ones would apply
it in another order than a fresh database does, and the two could end with different schemas.
Give it the next number above the highest instead.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import asyncpg
import structlog

log = structlog.get_logger("zsb.migrate")

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
NAME = re.compile(r"^\d{4}_[a-z0-9_]+\.sql$")
LOCK_ID = 0x7A5B_0001  # any constant shared by every process of this product

# Files numbered per area landed out of number order, so fresh databases and older ones had applied
# them in different orders. They were renumbered in landing order (issue 18), contents unchanged;
# a ledger written before that is carried over to the new names (same checksums) before anything
# else runs. Comments inside the migrations still cite the old numbers: look them up here.
LANDING_ORDER: dict[str, str] = {
    "0010_catalogue.sql": "0006_catalogue.sql",
    "0011_applications.sql": "0007_applications.sql",
    "0040_faq_helpdesk.sql": "0008_faq_helpdesk.sql",
    "0030_appointments.sql": "0009_appointments.sql",
    "0041_chat_delivery_claim.sql": "0010_chat_delivery_claim.sql",
    "0050_ratings.sql": "0011_ratings.sql",
    "0060_complaints.sql": "0012_complaints.sql",
    "0061_disclosure.sql": "0013_disclosure.sql",
    "0020_approvals.sql": "0014_approvals.sql",
    "0051_stats_facts.sql": "0015_stats_facts.sql",
    "0052_stats_rollup_storage.sql": "0016_stats_rollup_storage.sql",
    "0015_clock_start_and_supplement_extension.sql": "0017_clock_start_and_supplement_extension.sql",
    "0006_official_account.sql": "0018_official_account.sql",
    "0042_helpdesk_callbacks.sql": "0019_helpdesk_callbacks.sql",
    "0012_material_pages.sql": "0020_material_pages.sql",
    "0043_faq_handoff_counts.sql": "0022_faq_handoff_counts.sql",
    "0044_callback_escalation.sql": "0023_callback_escalation.sql",
    "0013_application_reviews.sql": "0024_application_reviews.sql",
    "0022_exam_lapse.sql": "0025_exam_lapse.sql",
    "0014_licence_revocation.sql": "0026_licence_revocation.sql",
    "0016_withdrawn_saved_as_draft.sql": "0027_withdrawn_saved_as_draft.sql",
    "0024_case_views.sql": "0028_case_views.sql",
    "0023_delivery_followups.sql": "0029_delivery_followups.sql",
    "0070_faq_drafts.sql": "0030_faq_drafts.sql",
    "0066_follow_events_not_ahead_of_arrival.sql": "0031_follow_events_not_ahead_of_arrival.sql",
    "0064_staff_own_case.sql": "0032_staff_own_case.sql",
    "0065_delivery_views_and_public_numbers.sql": "0033_delivery_views_and_public_numbers.sql",
    "0071_faq_seeded_alternates.sql": "0034_faq_seeded_alternates.sql",
    "0062_staff_sessions.sql": "0035_staff_sessions.sql",
    "0063_staff_login_guard.sql": "0036_staff_login_guard.sql",
    "0067_chat_delivery_retries.sql": "0037_chat_delivery_retries.sql",
    "0078_workday_notices.sql": "0038_workday_notices.sql",
    "0073_staff_account_events.sql": "0039_staff_account_events.sql",
    "0074_catalogue_edits.sql": "0040_catalogue_edits.sql",
    "0075_chat_content_checks.sql": "0041_chat_content_checks.sql",
    "0076_chat_sms_replies.sql": "0042_chat_sms_replies.sql",
    "0077_chat_media.sql": "0043_chat_media.sql",
    "0080_staff_password_reset.sql": "0044_staff_password_reset.sql",
    "0081_settings_audit.sql": "0045_settings_audit.sql",
    "0079_complaint_rating_content_checks.sql": "0046_complaint_rating_content_checks.sql",
    "0082_complaint_rating_comment_checks.sql": "0047_complaint_rating_comment_checks.sql",
}

# Then, the same day, every file moved above the highest number ever used on main (0082), so that no
# database meets a file numbered below one it has applied: the 0001-0047 above and this stop's
# 0083-0085 are 0101-0147 and 0183-0185 (the number plus SHIFT). Both kinds of old name carry over.
SHIFT = 100


def shifted(name: str) -> str:
    return f"{int(name[:4]) + SHIFT:04d}{name[4:]}"


RENAMED: dict[str, str] = {old: shifted(new) for old, new in LANDING_ORDER.items()} | {
    f"{int(p.name[:4]) - SHIFT:04d}{p.name[4:]}": p.name
    for p in sorted(MIGRATIONS_DIR.glob("*.sql")) if SHIFT < int(p.name[:4]) <= 185}


_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""
_RENAME = """
UPDATE schema_migrations m SET name = r.new
FROM unnest($1::text[], $2::text[]) AS r(old, new)
WHERE m.name = r.old
"""


class OutOfOrder(Exception):
    """Pending migrations numbered at or below the highest applied one; nothing was applied."""

    def __init__(self, names: list[str], highest: str) -> None:
        self.names = names
        super().__init__(f"pending migration(s) {', '.join(names)} numbered at or below the highest "
                         f"applied one ({highest}): nothing applied; renumber them above it")


def migration_files() -> list[Path]:
    return sorted(p for p in MIGRATIONS_DIR.glob("*.sql"))


def number(name: str) -> int:
    return int(name[:4])


async def migrate(dsn: str) -> list[str]:
    """Apply every pending migration once, even when several processes start together."""
    conn = await asyncpg.connect(dsn)
    applied: list[str] = []
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", LOCK_ID)
        try:
            await conn.execute(_LEDGER)
            renamed = await conn.execute(_RENAME, list(RENAMED), list(RENAMED.values()))
            if renamed != "UPDATE 0":
                log.info("migrations_renamed", result=renamed)
            done = {r["name"]: r["checksum"] for r in await conn.fetch("SELECT name, checksum FROM schema_migrations")}
            pending = [p for p in migration_files() if p.name not in done]
            highest = max((n for n in done if NAME.match(n)), key=number, default=None)
            if highest is not None:
                late = [p.name for p in pending if number(p.name) <= number(highest)]
                if late:
                    raise OutOfOrder(late, highest)
            for path in migration_files():
                sql = path.read_text(encoding="utf-8")
                checksum = hashlib.sha256(sql.encode()).hexdigest()
                if path.name in done:
                    if done[path.name] != checksum:
                        log.warning("migration_changed_after_apply", name=path.name)
                    continue
                async with conn.transaction():
                    await conn.execute(sql)
                    await conn.execute("INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)",
                                       path.name, checksum)
                applied.append(path.name)
                log.info("migration_applied", name=path.name)
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", LOCK_ID)
    finally:
        await conn.close()
    return applied
