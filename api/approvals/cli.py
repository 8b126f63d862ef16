"""``zsb verify-audit``: check every application's audit chain; exit 1 naming the broken ones."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any


def cmd_verify_audit(args: argparse.Namespace) -> None:
    from api.approvals.service.audit import verify_audit
    from api.cli_support import load_settings, require_urls, with_conn

    settings = load_settings()
    require_urls(settings)
    report = asyncio.run(with_conn(settings, verify_audit))
    if report.ok:
        print(f"verify-audit: OK — {report.chains} chains, {report.links} events checked")
        return
    broken = sorted({(p.application_id, p.public_no or "-") for p in report.broken})
    for p in report.broken:
        print(f"BROKEN application {p.application_id} ({p.public_no or '-'}): {p.problem}"
              f" at seq {p.seq if p.seq is not None else '-'} event {p.event_id if p.event_id is not None else '-'}")
    print(f"verify-audit: {len(broken)} of {report.chains} chains broken: "
          + ", ".join(f"{app_id} ({no})" for app_id, no in broken), file=sys.stderr)
    sys.exit(1)


def register(sub: Any) -> None:
    sub.add_parser("verify-audit", help="check the hash chains over application timelines").set_defaults(
        fn=cmd_verify_audit)
