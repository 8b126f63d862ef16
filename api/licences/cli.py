"""``zsb licences import FILE``: load trusted licence data (CSV or JSON Lines) into the import
store, row by row, printing each rejected row's line and reason (registered in api/cli.py)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from api.cli_support import load_settings, require_urls, with_conn


def register(sub: Any) -> None:
    p = sub.add_parser("licences", help="trusted licence data: bulk import")
    commands = p.add_subparsers(dest="licences_command", required=True)
    imp = commands.add_parser("import", help="load licences from a CSV or JSON Lines file (GB/T 36903 fields, "
                                             "README 'Trusted licence data'); idempotent by identifier")
    imp.add_argument("file", type=Path)
    imp.set_defaults(fn=cmd_import)


def cmd_import(args: argparse.Namespace) -> None:
    from api.identity import crypto
    from api.licences import imports

    if not args.file.is_file():
        sys.exit(f"zsb licences import: no such file: {args.file}")
    settings = load_settings()
    require_urls(settings)
    crypto.configure(settings)
    rows = imports.rows_of(args.file)
    report = asyncio.run(with_conn(settings, lambda conn: imports.import_rows(conn, rows)))
    for line, reason in report.rejected:
        print(f"{args.file}:{line}: rejected: {reason}")
    print(f"licences import: {report.inserted} new, {report.updated} updated, {report.unchanged} unchanged, "
          f"{len(report.rejected)} rejected")
    if report.rejected:
        sys.exit(2)
