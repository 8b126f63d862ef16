"""The ``zsb`` command."""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
from pathlib import Path
from typing import Any

from api.cli_dev import cmd_dev
from api.cli_support import load_settings, require_urls, with_conn
from api.settings import Settings


def cmd_migrate(args: argparse.Namespace) -> None:
    from api.migrate import OutOfOrder, migrate

    settings = load_settings()
    require_urls(settings)
    try:
        applied = asyncio.run(migrate(settings.database_url or ""))
    except OutOfOrder as exc:
        sys.exit(f"zsb migrate: {exc}")
    print(f"migrations applied: {len(applied)}" + (f" ({', '.join(applied)})" if applied else ""))


def cmd_seed(args: argparse.Namespace) -> None:
    from api.seed import seed

    settings = load_settings()
    require_urls(settings)
    asyncio.run(with_conn(settings, lambda conn: seed(conn, settings)))
    print("seed: done")


def cmd_create_staff(args: argparse.Namespace) -> None:
    import msgspec

    from api.auth import service as auth

    settings = load_settings()
    require_urls(settings)
    try:
        staff = auth.staff_from_args(phone=args.phone, password=args.password, name=args.name,
                                     roles=[r.strip() for r in args.role.split(",") if r.strip()],
                                     steps=[s.strip() for s in (args.steps or "").split(",") if s.strip()])
    except msgspec.ValidationError as exc:
        sys.exit(f"zsb create-staff: {exc}")
    user = asyncio.run(with_conn(settings, lambda conn: auth.create_staff(conn, staff)))
    print(f"staff {user.id}: {user.name} {','.join(user.roles)}")


# Seconds an API process gets after SIGTERM to finish in-flight requests before it is killed;
# deploy/ gives every process manager (Kubernetes, systemd, compose) more than this.
GRACEFUL_SECONDS = 30


def granian_app() -> Any:
    """The app for granian, which (unlike uvicorn) does not apply X-Forwarded-* by itself: behind
    nginx or an ingress every client would otherwise share the proxy's address (and its rate limit)."""
    from granian.utils.proxies import wrap_asgi_with_proxy_headers

    from api.app import create_app

    settings = load_settings()
    trusted = [h.strip() for h in settings.trusted_proxies.split(",") if h.strip()]
    return wrap_asgi_with_proxy_headers(create_app(settings), trusted_hosts=trusted)


def cmd_serve(args: argparse.Namespace) -> None:
    """N API processes on one port. SIGTERM: stop accepting, finish in-flight requests (up to
    GRACEFUL_SECONDS), then run the lifespan shutdown, which closes the database and Redis pools."""
    settings = load_settings()
    require_urls(settings)
    host, port = args.host or settings.host, args.port or settings.port
    if args.server == "granian":
        from granian import Granian
        from granian.constants import Interfaces

        Granian("api.cli:granian_app", address=host, port=port, interface=Interfaces.ASGI, factory=True,
                workers=args.workers, log_access=False, backlog=2048,
                workers_kill_timeout=GRACEFUL_SECONDS, respawn_failed_workers=True).serve()
    else:
        import uvicorn

        uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=args.workers,
                    log_config=None, access_log=False, timeout_graceful_shutdown=GRACEFUL_SECONDS,
                    lifespan="on", backlog=2048,
                    proxy_headers=True, forwarded_allow_ips=settings.trusted_proxies)


def _worker_health_key() -> str:
    # One key per worker host (pod): arq's default key is shared, so any live worker would make
    # every other one look alive to its liveness probe.
    return f"arq:health-check:{socket.gethostname()}"


def cmd_worker(args: argparse.Namespace) -> None:
    """The arq worker. SIGTERM: it stops taking jobs and gives running ones up to
    ``job_completion_wait`` seconds (jobs/worker.py) before cancelling them (arq retries those)."""
    from arq.worker import Worker, async_check_health

    from api import logging
    from jobs import redis_settings
    from jobs.worker import worker_settings

    settings = load_settings()
    require_urls(settings)
    if args.check:
        sys.exit(asyncio.run(async_check_health(redis_settings(settings.redis_url or ""), _worker_health_key())))
    logging.configure(settings.log_level, settings.log_json)
    # The key lives health_check_interval + 1 s: refreshed every 30 s, a hung worker shows within a minute.
    worker = Worker(**worker_settings(settings, burst=args.burst, health_check_key=_worker_health_key(),
                                      health_check_interval=30))
    worker.run()


def cmd_openapi(args: argparse.Namespace) -> None:
    """Write the OpenAPI document (the committed contract, openapi.json) or check the code against it."""
    from api import contract
    from api.app import create_app

    app = create_app(Settings(env="test"))  # the document does not depend on the environment's services
    if args.check:
        broken = contract.check(app)
        for line in broken:
            print(f"breaking: {line}", file=sys.stderr)
        sys.exit(1 if broken else 0)
    text = contract.render(contract.document(app))
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"openapi: wrote {args.output}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zsb", description="掌上办 backend")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("dev", help="run everything locally (embedded PostgreSQL and Redis)").set_defaults(fn=cmd_dev)
    p = sub.add_parser("serve", help="run the API")
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    # granian by default: with two processes on two cores it served this app 1.6-1.9x faster
    # (README, "What one 2-core node handles"); uvicorn stays for those who know it.
    p.add_argument("--server", choices=["granian", "uvicorn"], default="granian")
    p.set_defaults(fn=cmd_serve)
    p = sub.add_parser("worker", help="run the job worker")
    p.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    p.add_argument("--check", action="store_true", help="exit 0 if this host's worker is alive (liveness probe)")
    p.set_defaults(fn=cmd_worker)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(fn=cmd_migrate)
    sub.add_parser("seed", help="load the shipped data (and demo staff outside production)").set_defaults(fn=cmd_seed)
    p = sub.add_parser("create-staff", help="create or update a staff account")
    p.add_argument("--phone", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--role", required=True, help="comma-separated: approver,helpdesk,admin,lead")
    p.add_argument("--name", required=True)
    p.add_argument("--steps", help="approval steps for approvers: accept,review,decide")
    p.set_defaults(fn=cmd_create_staff)
    p = sub.add_parser("openapi", help="write the OpenAPI document (make openapi), or --check it against openapi.json")
    p.add_argument("--output", default=str(Path(__file__).resolve().parents[1] / "openapi.json"),
                   help="file to write, - for stdout (default: the committed openapi.json)")
    p.add_argument("--check", action="store_true", help="exit 1 if the code breaks the committed contract")
    p.set_defaults(fn=cmd_openapi)
    for register in _extensions():
        register(sub)
    return parser


def _extensions() -> list[Any]:
    """Domain commands (import-faq, faq-eval, verify-audit, demo-data ...) register themselves here."""
    from api.approvals import cli as approvals_cli
    from api.catalogue import cli as catalogue_cli
    from api.faq import cli as faq_cli
    from api.identity import cli as identity_cli
    from api.licences import cli as licences_cli
    from api.stats import cli as stats_cli

    return [faq_cli.register, approvals_cli.register, stats_cli.register, catalogue_cli.register,
            identity_cli.register, licences_cli.register]


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    args.fn(args)


if __name__ == "__main__":
    main()
