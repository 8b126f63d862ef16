"""create_app(settings) -> Litestar: plugins, lifespan, routers and the error map."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

import redis.asyncio as aioredis
from arq import create_pool as create_arq_pool
from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.plugins.problem_details import ProblemDetailsPlugin
from litestar.plugins.prometheus import PrometheusConfig
from litestar.stores.redis import RedisStore
from litestar.stores.registry import StoreRegistry

from api import errors, logging
from api.appointments.routes import (AppointmentAdminController, AppointmentController, SitesController,
                                     WaitlistController)
from api.auth import ended
from api.auth.routes import AdminStaffController, AuthController, MeController
from api.auth.routes_accounts import MyAccountController
from api.auth.tokens import jwt_auth
from api.identity import crypto as identity_crypto
from api.identity.routes import MyIdentityController
from api.identity.routes_staff import MyIdentityDocumentController, StaffIdentityController
from api.enterprises.routes import ActingSubjectController, EnterpriseController, StaffEnterpriseController
from api.agency.routes import AgencyController
from api.agency.routes_staff import AgencyTaskController
from api.agency.routes_taxi import StaffTaxiDeregistrationController, TaxiDeregistrationController
from api.applications.routes import ApplicationController, LicenceController, ProgressController
from api.approvals.routes import CaseAccessLogController, TaskController
from api.approvals.routes_pauses import TaskPauseController
from api.approvals.routes_thread import CaseThreadController, TaskThreadController
from api.approvals.routes_urging import CaseUrgingController, UrgingController
from api.approvals.routes_site_checks import CaseSiteCheckController, SiteCheckController
from api.applications.routes_rights import CaseRightsController, RereviewController
from api.applications.routes_window import WindowEntryController
from api.stats.routes_rights import RightsFiguresController
from api.catalogue.routes import CatalogueAdminController, CatalogueController
from api.console import setup as console
from api.complaints.routes import ComplaintAdminController, ComplaintController
from api.disclosure.routes import LicenceQrController, PublicDecisionsController, VerifyController
from api.files.routes import DownloadController
from api.licences.routes import DeliveryController, LicenceLifecycleController, MyDeliveryController
from api.licences import numbers as licence_numbers
from api.documents.routes import ApplicationDocumentController, DocumentController, LicenceDocumentController
from api.messages.routes import (
    NotificationsController,
    SmsChannelController,
    SubscribeKitController,
    dev_outbox_json,
    dev_outbox_page,
)
from api.official_account.routes import OfficialAccountPushController
from api.db import create_pool
from api.deps import DEPENDENCIES
from api.faq import index as faq_index
from api.faq.routes import FaqAdminController, FaqController
from api.helpdesk.live import channels_plugin
from api.helpdesk.routes import (
    ChatController, HeldMessagesController, HelpdeskController, WechatPushController, helpdesk_live,
)
from api.helpdesk.routes_assist import AssistController, TaskStewardController
from api.openapi import declare_errors
from api.ops.routes import MetricsController, healthz, readyz
from api.routing import under
from api.ratings.routes import RatingAdminController, RatingController
from api.stats.routes import StatsController
from api.settings import Settings
from jobs import redis_settings
from notify import queue as notify_queue
from notify.templates import EVENTS
from wechat import gateway_for, pages as wechat_pages

JSON_BODY_LIMIT = 256 * 1024

API_CONTROLLERS: list = [
    AuthController,
    MeController,
    MyAccountController,
    MyIdentityController,
    MyIdentityDocumentController,
    StaffIdentityController,
    EnterpriseController,
    AgencyController,
    AgencyTaskController,
    TaxiDeregistrationController,
    StaffTaxiDeregistrationController,
    ActingSubjectController,
    StaffEnterpriseController,
    AdminStaffController,
    FaqController,
    FaqAdminController,
    ChatController,
    HelpdeskController,
    HeldMessagesController,
    AssistController,
    TaskStewardController,
    helpdesk_live,
    SitesController,
    AppointmentController,
    WaitlistController,
    AppointmentAdminController,
    CatalogueController,
    CatalogueAdminController,
    ApplicationController,
    LicenceController,
    ProgressController,
    WindowEntryController,
    TaskController,
    TaskPauseController,
    CaseThreadController,
    TaskThreadController,
    CaseUrgingController,
    UrgingController,
    CaseSiteCheckController,
    SiteCheckController,
    CaseRightsController,
    RereviewController,
    RightsFiguresController,
    DeliveryController,
    MyDeliveryController,
    LicenceLifecycleController,
    CaseAccessLogController,
    ComplaintController,
    ComplaintAdminController,
    PublicDecisionsController,
    LicenceQrController,
    LicenceDocumentController,
    ApplicationDocumentController,
    DocumentController,
    NotificationsController,
    SubscribeKitController,
    DownloadController,
    SmsChannelController,
    RatingController,
    RatingAdminController,
    StatsController,
]

ROOT_HANDLERS: list = [
    healthz,
    readyz,
    VerifyController,
    WechatPushController,
    OfficialAccountPushController,
    dev_outbox_page,
    dev_outbox_json,
]


def configure_process(settings: Settings) -> None:
    """What an app's settings set for the whole process. create_app calls it; whoever serves an app
    built earlier again, after other apps were built (the tests reuse one), calls it first."""
    logging.configure(settings.log_level, settings.log_json)
    identity_crypto.configure(settings)  # ID numbers are encrypted with these settings' keys
    licence_numbers.configure(settings)  # the issuing authority's code in licence numbers


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    wechat_pages.check_events(EVENTS)  # a message opening a page the mini-program lacks stops start-up
    configure_process(settings)
    auth = jwt_auth(settings)
    redis = aioredis.Redis.from_url(settings.redis_url or "redis://localhost:6379", socket_timeout=2,
                                    socket_connect_timeout=2)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncGenerator[None, None]:
        state = app.state
        state.pool = await create_pool(settings.database_url or "", min_size=settings.db_pool_min,
                                       max_size=settings.db_pool_max,
                                       statement_cache_size=settings.db_statement_cache_size)
        state.replica_pool = (
            # min_size=0: a replica that is down must not stop the API starting (reads fall back).
            await create_pool(settings.database_replica_url, min_size=0, max_size=settings.db_pool_max,
                              statement_cache_size=settings.db_statement_cache_size)
            if settings.database_replica_url else None
        )
        state.arq = await create_arq_pool(redis_settings(settings.redis_url or ""))
        notify_queue.use_pool(state.arq)
        faq_index.preload()  # the FAQ's jieba dictionary and encoder load while nobody waits
        try:
            yield
        finally:
            await notify_queue.drain()
            notify_queue.use_pool(None)
            await state.arq.aclose()
            await redis.aclose()
            ended.forget(redis)  # this run's copy of the ended accounts goes with it
            if state.replica_pool is not None:
                await state.replica_pool.close()
            await state.pool.close()

    prometheus = PrometheusConfig(app_name="zsb", group_path=True, excluded_http_methods=[])

    app = Litestar(
        # under(): the controllers carry the prefix themselves; a Router around them is deep-copied per app
        route_handlers=[*under("/api/v1", API_CONTROLLERS), *ROOT_HANDLERS, MetricsController,
                        *console.routes(settings)],
        lifespan=[lifespan],
        dependencies=DEPENDENCIES,
        state=State({"settings": settings, "redis": redis, "wechat": gateway_for(settings), "jwt_auth": auth}),
        on_app_init=[auth.on_app_init],
        plugins=[ProblemDetailsPlugin(errors.problem_details_config()), channels_plugin(settings.redis_url or ""),
                 console.htmx_plugin()],
        template_config=console.template_config(),
        exception_handlers=errors.exception_handlers(),
        middleware=[logging.RequestIdMiddleware, prometheus.middleware],
        stores=StoreRegistry(default_factory=lambda name: RedisStore(redis, namespace=f"zsb:{name}")),
        cors_config=CORSConfig(allow_origins=[]),
        openapi_config=OpenAPIConfig(
            title="掌上办 API", version="1.0.0", path="/schema",
            description="交通运输“掌上办”后端接口：登录、办事指南、申请、审批、预约、智能客服、评价与统计。",
            render_plugins=([ScalarRenderPlugin(), SwaggerRenderPlugin(path="/swagger")]
                            if (settings.env != "production" if settings.docs_ui is None else settings.docs_ui)
                            else [JsonRenderPlugin()]),
        ),
        # JSON bodies: the biggest (a catalogue edit) is a few KiB. Upload routes raise their own limit
        # (materials, complaint attachments); nginx and the Ingress refuse the same sizes first.
        request_max_body_size=JSON_BODY_LIMIT,
        # None: keep the root handler api.logging.configure() installed. Litestar's default config
        # would replace it with a plain formatter, and then library logs would skip the masking.
        logging_config=None,
        debug=False,
    )
    declare_errors(app)  # every route's error responses and their problem codes, in the OpenAPI
    return app

