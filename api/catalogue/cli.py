"""The ``zsb load-workdays`` command (registered in api/cli.py)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

import msgspec


def register(sub: Any) -> None:
    p = sub.add_parser("load-workdays", help="load a year's working-day calendar from the State Council's "
                                             "holiday notice (a JSON file, as PUT /api/v1/admin/workday-notices/{year})")
    p.add_argument("year", type=int)
    p.add_argument("file", type=Path, help='{"title": ..., "holidays": [{"name": "春节", "from": ..., "to": ...}], '
                                          '"workdays": [make-up working weekend days]}')
    p.set_defaults(fn=cmd_load_workdays)


def cmd_load_workdays(args: argparse.Namespace) -> None:
    from api.catalogue.schemas import WorkdayNoticeIn
    from api.catalogue.service.calendar import load_notice
    from api.cli_support import load_settings, require_urls, with_conn
    from api.errors import DomainError

    try:
        notice = msgspec.json.decode(args.file.read_bytes(), type=WorkdayNoticeIn)
    except (OSError, msgspec.ValidationError, msgspec.DecodeError) as exc:
        sys.exit(f"zsb load-workdays: {args.file}: {exc}")
    settings = load_settings()
    require_urls(settings)
    try:
        result = asyncio.run(with_conn(settings, lambda conn: load_notice(conn, args.year, notice, loaded_by=None)))
    except DomainError as exc:
        sys.exit(f"zsb load-workdays: {exc.title} {exc.detail or ''} {exc.extra or ''}".rstrip())
    print(f"load-workdays: {result.year} {result.title}: {result.days_off} days off, "
          f"{result.make_up_workdays} make-up working days, {result.working_days} working days")
