"""Scale-out on loopback: nginx -> 2 API processes, 2 workers, pgbouncer (transaction mode) ->
one PostgreSQL, one Redis. Prints the figures; exits non-zero if an invariant broke.

    .venv/bin/python bench/scaleout.py [--small]

Needs Debian's nginx and pgbouncer (apt-get install -y nginx pgbouncer). The phases and their
checks are in tests/deploy/scaleout.py (tests/deploy/test_scaleout.py runs a small one in CI).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.deploy import scaleout  # noqa: E402

MUST_BE_ZERO = ("rush_oversold", "rush_duplicates", "rush_phantoms", "kill_oversold", "kill_duplicates",
                "kill_phantoms", "kill_after_failed", "fanout_duplicates", "fanout_lost")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true", help="the CI size")
    parser.add_argument("--server", choices=["uvicorn", "granian"], default="uvicorn")
    args = parser.parse_args()
    scale = dataclasses.replace(scaleout.SMALL if args.small else scaleout.FULL, server=args.server)
    workdir = Path(tempfile.mkdtemp(prefix="zsb-scaleout-"))
    print(f"scale-out run {scale} (logs under {workdir})", flush=True)
    figures = asyncio.run(scaleout.run(scale, workdir, scaleout.booking_rush))
    broken = [k for k in MUST_BE_ZERO if figures.values.get(k, 0) != 0]
    held, done = figures.values.get("term_held"), figures.values.get("term_completed")
    if held != done:
        broken.append("term_completed")
    if figures.values.get("kill_after_ok", 1) == 0:
        broken.append("kill_after_ok")
    if not figures.values.get("term_clean_exit"):
        broken.append("term_clean_exit")
    if figures.values.get("term_side_ok") != 40:
        broken.append("term_side_ok")
    print("\nRESULT:", "all invariants held" if not broken else f"BROKEN: {', '.join(broken)}")
    sys.exit(1 if broken else 0)


if __name__ == "__main__":
    main()
