"""``zsb identity rekey``: re-encrypt ID numbers under the current key (registered in api/cli.py).

Rotation: put a new ``kid:base64key`` first in ZSB_IDENTITY_KEYS, keeping the old ones; restart; run
this; then the old keys may be dropped (README, "Real-name identity").
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from api.cli_support import load_settings, require_urls, with_conn


def register(sub: Any) -> None:
    p = sub.add_parser("identity", help="real-name identity: key rotation")
    commands = p.add_subparsers(dest="identity_command", required=True)
    rekey = commands.add_parser("rekey", help="re-encrypt every stored ID number under the first key of "
                                              "ZSB_IDENTITY_KEYS (after adding a new key)")
    rekey.set_defaults(fn=cmd_rekey)


def cmd_rekey(args: argparse.Namespace) -> None:
    from api.identity import crypto
    from api.identity.service import rekey

    settings = load_settings()
    require_urls(settings)
    crypto.configure(settings)
    count = asyncio.run(with_conn(settings, rekey))
    print(f"identity rekey: {count} re-encrypted under key {crypto.active().current}")
