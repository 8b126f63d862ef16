"""The ``zsb`` command."""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from api.settings import Settings, SettingsError


def _settings(**overrides: Any) -> Settings:
    try:
        return Settings.from_env(**overrides)
    except SettingsError as exc:
        sys.exit(f"zsb: {exc}")


def _require_urls(settings: Settings) -> None:
    if not settings.database_url or not settings.redis_url:
        sys.exit("zsb: ZSB_DATABASE_URL and ZSB_REDIS_URL must be set (or use `zsb dev`)")


async def _with_conn(settings: Settings, fn: Any) -> Any:
    from api.db import create_pool, transaction

    pool = await create_pool(settings.database_url or "", min_size=1, max_size=2,
                             statement_cache_size=settings.db_statement_cache_size)
    try:
        async with transaction(pool) as conn:
            return await fn(conn)
    finally:
        await pool.close()


def cmd_migrate(args: argparse.Namespace) -> None:
    from api.migrate import OutOfOrder, migrate

    settings = _settings()
    _require_urls(settings)
    try:
        applied = asyncio.run(migrate(settings.database_url or ""))
    except OutOfOrder as exc:
        sys.exit(f"zsb migrate: {exc}")
    print(f"migrations applied: {len(applied)}" + (f" ({', '.join(applied)})" if applied else ""))


def cmd_seed(args: argparse.Namespace) -> None:
    from api.seed import seed

    settings = _settings()
    _require_urls(settings)
    asyncio.run(_with_conn(settings, lambda conn: seed(conn, settings)))
    print("seed: done")


def cmd_create_staff(args: argparse.Namespace) -> None:
    import msgspec

    from api.auth import service as auth

    settings = _settings()
    _require_urls(settings)
    try:
        staff = auth.staff_from_args(phone=args.phone, password=args.password, name=args.name,
                                     roles=[r.strip() for r in args.role.split(",") if r.strip()],
                                     steps=[s.strip() for s in (args.steps or "").split(",") if s.strip()])
    except msgspec.ValidationError as exc:
        sys.exit(f"zsb create-staff: {exc}")
    user = asyncio.run(_with_conn(settings, lambda conn: auth.create_staff(conn, staff)))
    print(f"staff {user.id}: {user.name} {','.join(user.roles)}")


# Seconds an API process gets after SIGTERM to finish in-flight requests before it is killed;
# deploy/ gives every process manager (Kubernetes, systemd, compose) more than this.
GRACEFUL_SECONDS = 30


def granian_app() -> Any:
    """The app for granian, which (unlike uvicorn) does not apply X-Forwarded-* by itself: behind
    nginx or an ingress every client would otherwise share the proxy's address (and its rate limit)."""
    from granian.utils.proxies import wrap_asgi_with_proxy_headers

    from api.app import create_app

    settings = _settings()
    trusted = [h.strip() for h in settings.trusted_proxies.split(",") if h.strip()]
    return wrap_asgi_with_proxy_headers(create_app(settings), trusted_hosts=trusted)


def cmd_serve(args: argparse.Namespace) -> None:
    """N API processes on one port. SIGTERM: stop accepting, finish in-flight requests (up to
    GRACEFUL_SECONDS), then run the lifespan shutdown, which closes the database and Redis pools."""
    settings = _settings()
    _require_urls(settings)
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

    settings = _settings()
    _require_urls(settings)
    if args.check:
        sys.exit(asyncio.run(async_check_health(redis_settings(settings.redis_url or ""), _worker_health_key())))
    logging.configure(settings.log_level, settings.log_json)
    # The key lives health_check_interval + 1 s: refreshed every 30 s, a hung worker shows within a minute.
    worker = Worker(**worker_settings(settings, burst=args.burst, health_check_key=_worker_health_key(),
                                      health_check_interval=30))
    worker.run()


def _wait_ready(url: str, deadline: float) -> bool:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as res:
                if res.status == 200:
                    return True
        except Exception:  # not up yet
            pass
        time.sleep(0.3)
    return False


def dev_banner(settings: Settings, *, ready: bool, seconds: float, staff: Any,
               applicants: Any = ()) -> str:
    """What ``zsb dev`` prints: where things are, which providers are live and which sandbox, and
    the hints that only hold in sandbox (login codes, the outbox) only there."""
    url = settings.base_url
    wechat_sandbox = settings.wechat_mode == "sandbox"
    sms_sandbox = settings.sms_provider == "sandbox"
    providers = [
        f"WeChat     {'sandbox (nothing sent; login codes dev-<name>)' if wechat_sandbox else 'LIVE, appid ' + settings.wechat_appid}",
        f"Official   {'account ' + settings.wechat_oa_appid if settings.wechat_oa_appid else 'no official account configured'}",
        f"SMS        {'sandbox (recorded, nothing sent)' if sms_sandbox else 'LIVE, Aliyun ' + settings.aliyun_sms_endpoint}",
        f"Storage    {'S3 bucket ' + settings.s3_bucket if settings.s3_bucket else 'directory ' + settings.storage_path}",
    ]
    lines = [f"掌上办 is {'ready' if ready else 'NOT ready (see the log above)'} in {seconds:.1f} s",
             f"  API        {url}/api/v1",
             f"  API docs   {url}/schema  (Swagger: {url}/schema/swagger)",
             f"  Console    {url}/console"]
    if settings.env == "dev" and sms_sandbox:
        lines.append(f"  Outbox     {url}/dev/outbox   (sandbox SMS and WeChat messages, login codes)")
    lines.append(f"  Health     {url}/readyz")
    lines += ["  Providers:"] + [f"    {p}" for p in providers]
    if wechat_sandbox:
        lines.append('  Applicant  POST /api/v1/auth/wechat {"code": "dev-<any name>"}')
        if applicants:
            lines.append("  Demo applicants (WeChat login code):")
            lines += [f"    {name:<8} {code:<16} {what}" for code, name, what in applicants]
    lines.append("  Staff logins (phone / password):")
    lines += [f"    {name:<10} {phone} / {password}  ({','.join(roles)})" for phone, password, name, roles, _ in staff]
    lines.append("Ctrl-C stops everything.")
    return "\n" + "\n".join(lines) + "\n"


def _live_demo(settings: Settings) -> Any:
    """The living demo (api/demo/live.py) in sandbox WeChat; its applicants for the banner."""
    from api.demo.live import DEMO_APPLICANTS, DemoFailed, seed_live

    if settings.env != "dev" or settings.wechat_mode != "sandbox":
        return ()
    try:
        made = asyncio.run(seed_live(settings))
    except DemoFailed as exc:  # the product still runs; the demo says what it could not do
        print(f"zsb dev: the living demo stopped: {exc}", file=sys.stderr)
        return ()
    print("zsb dev: living demo " + (", ".join(f"{k} {v}" for k, v in sorted(made.items())) or "already there"))
    return DEMO_APPLICANTS


def cmd_dev(args: argparse.Namespace) -> None:
    """Embedded services, migrations, demo data, API and worker; Ctrl-C stops everything."""
    from api import devservices
    from api.migrate import migrate
    from api.seed import DEMO_STAFF, seed

    started = time.monotonic()
    base = _settings(env=os.environ.get("ZSB_ENV", "dev"))
    var = Path(base.var_dir)
    var.mkdir(parents=True, exist_ok=True)
    secret_file = var / "jwt_secret"
    if not os.environ.get("ZSB_JWT_SECRET"):
        if not secret_file.exists():
            secret_file.write_text(secrets.token_urlsafe(48))
        os.environ["ZSB_JWT_SECRET"] = secret_file.read_text().strip()
    embedded = devservices.start(var, database_url=base.database_url, redis_url=base.redis_url)
    os.environ["ZSB_DATABASE_URL"] = embedded.database_url
    os.environ["ZSB_REDIS_URL"] = embedded.redis_url
    os.environ.setdefault("ZSB_LOG_JSON", "false")
    settings = _settings()
    children: list[subprocess.Popen[bytes]] = []
    stopping = False

    def stop(*_: Any) -> None:
        nonlocal stopping
        if stopping:
            return
        stopping = True
        print("\nzsb dev: stopping ...", flush=True)
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
        embedded.stop()
        print("zsb dev: stopped", flush=True)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        asyncio.run(migrate(settings.database_url or ""))
        asyncio.run(_with_conn(settings, lambda conn: seed(conn, settings)))
        applicants = _live_demo(settings)
        exe = [sys.executable, "-m", "api.cli"]
        children.append(subprocess.Popen([*exe, "serve", "--port", str(settings.port)]))
        children.append(subprocess.Popen([*exe, "worker"]))
        url = settings.base_url
        ready = _wait_ready(f"{url}/readyz", time.monotonic() + 60)
        print(dev_banner(settings, ready=ready, seconds=time.monotonic() - started, staff=DEMO_STAFF,
                         applicants=applicants), flush=True)
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        print("zsb dev: a process exited", file=sys.stderr)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        stop()


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
    from api.stats import demo as stats_demo

    return [faq_cli.register, approvals_cli.register, stats_demo.register, catalogue_cli.register]


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    args.fn(args)


if __name__ == "__main__":
    main()
