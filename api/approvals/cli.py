"""``zsb verify-audit``: check every application's audit chain and the signed checkpoints of its heads
(``api/approvals/service/anchor.py``); exit 1 naming what is broken."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any


def cmd_verify_audit(args: argparse.Namespace) -> None:
    from api.approvals.service.anchor import verify_checkpoints
    from api.approvals.service.audit import verify_audit
    from api.cli_support import load_settings, require_urls, with_conn

    settings = load_settings()
    require_urls(settings)
    report = asyncio.run(with_conn(settings, verify_audit))
    checked, anchored = asyncio.run(with_conn(settings, lambda conn: verify_checkpoints(conn, settings)))
    for p in anchored:
        where = f" application {p.application_id} seq {p.seq}" if p.application_id is not None else ""
        print(f"BROKEN checkpoint {p.checkpoint_id}: {p.problem}{where}")
    if report.ok and not anchored:
        print(f"verify-audit: OK — {report.chains} chains, {report.links} events checked, "
              f"{checked} signed checkpoints")
        return
    if report.ok:
        print(f"verify-audit: {len(anchored)} problems with the signed checkpoints", file=sys.stderr)
        sys.exit(1)
    broken = sorted({(p.application_id, p.public_no or "-") for p in report.broken})
    for p in report.broken:
        print(f"BROKEN application {p.application_id} ({p.public_no or '-'}): {p.problem}"
              f" at seq {p.seq if p.seq is not None else '-'} event {p.event_id if p.event_id is not None else '-'}")
    print(f"verify-audit: {len(broken)} of {report.chains} chains broken: "
          + ", ".join(f"{app_id} ({no})" for app_id, no in broken), file=sys.stderr)
    sys.exit(1)


def cmd_anchor_audit(args: argparse.Namespace) -> None:
    from api.approvals.service.anchor import make_checkpoint
    from api.cli_support import load_settings, require_urls, with_conn

    settings = load_settings()
    require_urls(settings)
    heads = asyncio.run(with_conn(settings, lambda conn: make_checkpoint(conn, settings)))
    print(f"anchor-audit: {heads} chain heads signed" if heads else "anchor-audit: no chain moved since the last checkpoint")


def register(sub: Any) -> None:
    sub.add_parser("verify-audit", help="check the hash chains over application timelines and their signed "
                                        "checkpoints").set_defaults(fn=cmd_verify_audit)
    sub.add_parser("anchor-audit", help="sign the audit chains' heads now (the worker does it daily)").set_defaults(
        fn=cmd_anchor_audit)
