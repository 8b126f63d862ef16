"""``zsb dev``: embedded services, migrations, demo data, API and worker on one machine."""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from api.cli_support import load_settings, with_conn
from api.settings import Settings


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
               applicants: Any = (), signing_cert: str = "") -> str:
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
    if signing_cert:  # licence PDFs, decision letters and audit checkpoints are signed with its key
        kind = "" if settings.signing_cert_file else " (self-signed development certificate)"
        lines.append(f"  Signing    {signing_cert}{kind}")
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
    from api.documents import keys as document_keys
    from api.migrate import migrate
    from api.seed import DEMO_STAFF, seed

    started = time.monotonic()
    base = load_settings(env=os.environ.get("ZSB_ENV", "dev"))
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
    settings = load_settings()
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
        asyncio.run(with_conn(settings, lambda conn: seed(conn, settings)))
        applicants = _live_demo(settings)
        signing_cert = document_keys.paths(settings)[1]  # made once under var/signing unless settings name one
        exe = [sys.executable, "-m", "api.cli"]
        children.append(subprocess.Popen([*exe, "serve", "--port", str(settings.port)]))
        children.append(subprocess.Popen([*exe, "worker"]))
        url = settings.base_url
        ready = _wait_ready(f"{url}/readyz", time.monotonic() + 60)
        print(dev_banner(settings, ready=ready, seconds=time.monotonic() - started, staff=DEMO_STAFF,
                         applicants=applicants, signing_cert=signing_cert), flush=True)
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        print("zsb dev: a process exited", file=sys.stderr)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        stop()
