"""The whole worker is this one WorkerSettings (``zsb worker`` runs it)."""

from __future__ import annotations

from typing import Any

from arq import cron
from arq.worker import func

from api.db import create_pool
from api.identity import crypto as identity_crypto
from api.settings import Settings
from jobs import appointments, maintenance, redis_settings
from jobs import calendar as calendar_jobs
from jobs import helpdesk as helpdesk_jobs
from jobs import applications as application_jobs
from jobs import approvals as approval_jobs
from jobs import complaints as complaint_jobs
from jobs import exams as exam_jobs
from jobs import identity as identity_jobs
from jobs import licences as licence_jobs
from jobs import content_checks as content_check_jobs
from jobs import documents as document_jobs
from api.licences import numbers as licence_numbers
from jobs import ratings as rating_jobs
from jobs import rights as rights_jobs
from notify import delivery as notify_delivery, followers as notify_followers, queue as notify_queue
from notify.sms import sms_provider_for
from notify.templates import EVENTS
from wechat import gateway_for, pages as wechat_pages
from wechat.messages import messages_for

FUNCTIONS: list[Any] = [
    maintenance.purge_idempotency_keys,
    calendar_jobs.check_workday_calendar,
    helpdesk_jobs.process_wechat_push,
    func(helpdesk_jobs.check_chat_message, keep_result=0, max_tries=40),
    func(helpdesk_jobs.fetch_chat_media, keep_result=0, max_tries=40),
    func(helpdesk_jobs.sweep_chat_checks, keep_result=0),
    # keep_result=0: a finished check frees its job id for the sweeper (issue 25: complaints, ratings)
    func(content_check_jobs.check_complaint_text, keep_result=0, max_tries=40),
    func(content_check_jobs.check_rating_text, keep_result=0, max_tries=40),
    func(content_check_jobs.sweep_text_checks, keep_result=0),
    # keep_result=0: a finished send frees its job id for the sweeper; tries are counted on the row.
    func(helpdesk_jobs.deliver_chat_message, keep_result=0, max_tries=1000),
    func(helpdesk_jobs.sweep_chat_deliveries, keep_result=0),
    helpdesk_jobs.sweep_wechat_pushes,
    helpdesk_jobs.escalate_overdue_callbacks,
    application_jobs.close_unsupplemented_applications,
    approval_jobs.remind_approval_deadlines,
    rights_jobs.escalate_overdue_answers,
    licence_jobs.lapse_uncollected_pickups,
    licence_jobs.remind_expiring_licences,
    exam_jobs.lapse_overdue_exams,
    complaint_jobs.watch_complaint_deadlines,
    identity_jobs.watch_identity_documents,
    # keep_result=0: a finished send frees its job id, so the sweeper can queue the row again later;
    # retries are counted on the row (notify.sender.MAX_ATTEMPTS), not by arq.
    func(notify_delivery.send_notification, keep_result=0, max_tries=1000),
    func(notify_delivery.send_notification_batch, keep_result=0, max_tries=1000),
    func(notify_delivery.sweep_outbox, keep_result=0),
    func(notify_delivery.poll_sms_receipts, keep_result=0),
    func(notify_followers.link_wechat_follower, keep_result=0),
    func(notify_followers.link_wechat_followers, keep_result=0),
    appointments.mark_appointment_no_shows,
    appointments.send_appointment_reminders,
    appointments.fill_waitlist,
    appointments.announce_exam_batches,
    rating_jobs.send_rating_invitations,
    rating_jobs.escalate_overdue_follow_ups,
    func(document_jobs.render_document, keep_result=0, max_tries=20),
    func(document_jobs.sweep_documents, keep_result=0),
    document_jobs.anchor_audit_chain,
]

CRON_JOBS: list[Any] = [
    cron(maintenance.purge_idempotency_keys, hour={3}, minute={17}, run_at_startup=False, unique=True),
    # daily at 09:05, while someone is at work to load a missing year's notice
    cron(calendar_jobs.check_workday_calendar, hour={9}, minute={5}, unique=True),
    cron(helpdesk_jobs.sweep_wechat_pushes, second={15}, run_at_startup=False, unique=True),
    cron(helpdesk_jobs.sweep_chat_deliveries, second={55}, run_at_startup=False, unique=True),
    cron(helpdesk_jobs.sweep_chat_checks, second={25}, run_at_startup=False, unique=True),
    cron(content_check_jobs.sweep_text_checks, second={27}, run_at_startup=False, unique=True),
    # hourly: each callback past its due date (Asia/Shanghai) is escalated once
    cron(helpdesk_jobs.escalate_overdue_callbacks, minute={30}, second={35}, unique=True),
    cron(application_jobs.close_unsupplemented_applications, hour={0}, minute={20}, unique=True),
    # hourly: a reminder is per working day and each is sent once
    cron(approval_jobs.remind_approval_deadlines, minute={25}, second={5}, unique=True),
    # hourly: a re-review (F051) or 催办 answer (F109) past its working day is escalated once
    cron(rights_jobs.escalate_overdue_answers, minute={27}, second={15}, unique=True),
    # daily, after midnight Asia/Shanghai: F131 pickups past their 30 days switch to express once
    cron(licence_jobs.lapse_uncollected_pickups, hour={0}, minute={40}, unique=True),
    # daily at 09:30 Asia/Shanghai: expiry reminders 90 and 30 days before, once each (issue 22, F061/F134)
    cron(licence_jobs.remind_expiring_licences, hour={9}, minute={30}, unique=True),
    # daily, after midnight Asia/Shanghai: F123 exam cases past their year end once
    cron(exam_jobs.lapse_overdue_exams, hour={0}, minute={45}, unique=True),
    # every 15 minutes in working hours and after: the reminder and the escalation go out once each
    cron(complaint_jobs.watch_complaint_deadlines, minute={2, 17, 32, 47}, unique=True),
    # daily at 08:10 Asia/Shanghai: F090 document reviews due today reminded, overdue ones flagged, once each
    cron(identity_jobs.watch_identity_documents, hour={8}, minute={10}, unique=True),
    cron(notify_delivery.sweep_outbox, second={0}, run_at_startup=True, unique=True),
    cron(notify_delivery.poll_sms_receipts, second={30}, run_at_startup=False, unique=True),
    cron(notify_followers.link_wechat_followers, second={45}, run_at_startup=False, unique=True),
    cron(appointments.mark_appointment_no_shows, minute=set(range(0, 60, 5)), second={10}, unique=True),
    cron(appointments.send_appointment_reminders, minute={5}, second={20}, unique=True),
    cron(appointments.fill_waitlist, second={40}, unique=True),
    cron(appointments.announce_exam_batches, second={50}, unique=True),
    cron(rating_jobs.send_rating_invitations, minute=set(range(2, 60, 10)), second={25}, unique=True),
    cron(rating_jobs.escalate_overdue_follow_ups, minute={35}, second={5}, unique=True),
    # every minute: documents whose render job was lost are queued again (issue 22)
    cron(document_jobs.sweep_documents, second={35}, run_at_startup=True, unique=True),
    # daily at 01:15 Asia/Shanghai: the audit chains' heads signed (issue 22)
    cron(document_jobs.anchor_audit_chain, hour={1}, minute={15}, unique=True),
]


async def startup(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx.get("settings") or Settings.from_env()
    ctx["settings"] = settings
    wechat_pages.check_events(EVENTS)
    identity_crypto.configure(settings)  # jobs that read an identity decrypt with these keys
    licence_numbers.configure(settings)  # licences issued by jobs (an exam passed) number with it
    ctx["pool"] = await create_pool(settings.database_url or "", min_size=1, max_size=10,
                                    statement_cache_size=settings.db_statement_cache_size)
    ctx["wechat"] = gateway_for(settings)
    ctx.setdefault("sms", sms_provider_for(settings))
    ctx.setdefault("wechat_messages", messages_for(settings))
    notify_queue.use_pool(ctx["redis"])  # rows written by jobs (e.g. an SMS fallback) are queued after commit


async def shutdown(ctx: dict[str, Any]) -> None:
    await notify_queue.drain()
    pool = ctx.pop("pool", None)
    if pool is not None:
        await pool.close()


def worker_settings(settings: Settings, **overrides: Any) -> dict[str, Any]:
    """Keyword arguments for ``arq.worker.Worker`` built from our settings."""
    options: dict[str, Any] = {
        "functions": FUNCTIONS,
        "cron_jobs": CRON_JOBS,
        "on_startup": startup,
        "on_shutdown": shutdown,
        "redis_settings": redis_settings(settings.redis_url or ""),
        "ctx": {"settings": settings},
        "max_jobs": 50,
        "job_timeout": 120,
        "keep_result": 3600,
        "max_tries": 8,
        "handle_signals": True,
        # SIGTERM: stop taking jobs, let running ones finish within this grace period.
        "job_completion_wait": 30,
    }
    options.update(overrides)
    return options


class WorkerSettings:
    """For ``arq jobs.worker.WorkerSettings``; settings come from the environment."""

    functions = FUNCTIONS
    cron_jobs = CRON_JOBS
    on_startup = startup
    on_shutdown = shutdown
    max_jobs = 50
    job_completion_wait = 30
