"""Audit anchoring (issue 22): the chains' heads signed daily by a job with the document key; `zsb
verify-audit` checks the signed checkpoints and fails when an event before one is edited even with the
chain (and the decisions' recorded heads) recomputed, which the chain check alone cannot see."""

from __future__ import annotations

import asyncio
import os
import sys

from arq import create_pool

from jobs import redis_settings
from tests.approvals.helpers import decided_case
from tests.conftest import JWT_SECRET
from tests.factories import run_jobs

TRIGGERS = (("application_events", "application_events_append_only"), ("audit_chain", "audit_chain_append_only"),
            ("approval_decisions", "approval_decisions_append_only"),
            ("audit_checkpoint_heads", "audit_checkpoint_heads_append_only"),
            ("audit_checkpoints", "audit_checkpoints_append_only"))


async def verify_audit(settings) -> tuple[int, str]:
    env = {**os.environ, "ZSB_DATABASE_URL": settings.database_url, "ZSB_REDIS_URL": settings.redis_url,
           "ZSB_JWT_SECRET": JWT_SECRET, "ZSB_ENV": "test", "ZSB_VAR_DIR": settings.var_dir}
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "api.cli", "verify-audit", env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await proc.communicate()
    return proc.returncode, out.decode()


async def _anchor(settings) -> None:
    """The daily job, through the queue."""
    arq = await create_pool(redis_settings(settings.redis_url))
    await arq.enqueue_job("anchor_audit_chain", _job_id=f"anchor-{os.urandom(4).hex()}")
    await arq.aclose()
    await run_jobs(settings)


async def _rewrite_history(db, app_id: int) -> None:
    """What someone with write access to the database might do: change an event and recompute every
    link after it, and the heads the decisions recorded, so that the chain check passes again."""
    async with db.transaction():
        for table, trigger in TRIGGERS:
            await db.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        await db.execute("UPDATE application_events SET note = '不予许可' WHERE id = (SELECT min(id) FROM "
                         "application_events WHERE application_id = $1 AND to_status = 'approved')", app_id)
        await db.execute(f"""
            DO $$
            DECLARE r record; prev text := repeat('0', 64); h text;
            BEGIN
                FOR r IN SELECT c.event_id, ev FROM audit_chain c JOIN application_events ev ON ev.id = c.event_id
                         WHERE c.application_id = {int(app_id)} ORDER BY c.seq LOOP
                    h := audit_hash(prev, audit_event_content(r.ev));
                    UPDATE audit_chain SET prev_hash = prev, hash = h WHERE event_id = r.event_id;
                    prev := h;
                END LOOP;
            END $$""")
        await db.execute("UPDATE approval_decisions d SET chain_hash = c.hash FROM audit_chain c "
                         "WHERE c.application_id = d.application_id AND c.seq = d.chain_seq AND d.application_id = $1",
                         app_id)
        for table, trigger in TRIGGERS:
            await db.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")


async def test_verify_audit_fails_when_history_before_a_signed_checkpoint_is_rewritten(client, db, settings):
    app_id, _ = await decided_case(client, db)
    await _anchor(settings)
    cp = await db.fetchrow("SELECT * FROM audit_checkpoints")
    assert cp["heads"] >= 1
    assert await db.fetchval("SELECT seq FROM audit_checkpoint_heads WHERE application_id = $1", app_id) == \
        await db.fetchval("SELECT max(seq) FROM audit_chain WHERE application_id = $1", app_id)
    await _anchor(settings)  # nothing moved since: no second checkpoint
    assert await db.fetchval("SELECT count(*) FROM audit_checkpoints") == 1
    code, out = await verify_audit(settings)
    assert code == 0 and "1 signed checkpoints" in out, out

    await _rewrite_history(db, app_id)
    code, out = await verify_audit(settings)
    assert code != 0, out
    assert "event_altered" not in out and "decision_unanchored" not in out  # the chain alone looks fine
    assert f"anchored_link_changed application {app_id}" in out, out

    # and copying the new heads into the checkpoint needs a signature nobody without the key can make
    async with db.transaction():
        await db.execute("ALTER TABLE audit_checkpoint_heads DISABLE TRIGGER audit_checkpoint_heads_append_only")
        await db.execute("UPDATE audit_checkpoint_heads h SET hash = c.hash FROM audit_chain c "
                         "WHERE c.application_id = h.application_id AND c.seq = h.seq")
        await db.execute("ALTER TABLE audit_checkpoint_heads ENABLE TRIGGER audit_checkpoint_heads_append_only")
    code, out = await verify_audit(settings)
    assert code != 0 and "digest_mismatch" in out, out
