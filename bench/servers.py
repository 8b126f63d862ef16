"""granian or uvicorn for this app? Same app, same PostgreSQL and Redis, same load.

    .venv/bin/python bench/servers.py [--seconds 8] [--connections 64] [--rounds 2]

Starts the embedded PostgreSQL and Redis, then for each server and process count runs `zsb serve`
and drives it with wrk (Debian's `wrk` package) on two routes: GET /healthz (the server and
framework alone) and GET /api/v1/me (JWT check + one PostgreSQL transaction). Rounds alternate
the servers so background load on a shared machine hits both alike; the best round is reported.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api import devservices  # noqa: E402
from api.migrate import migrate  # noqa: E402
from tests.deploy import stack  # noqa: E402


def wrk(url: str, *, seconds: int, connections: int, headers: dict[str, str]) -> dict[str, float]:
    argv = [shutil.which("wrk") or "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for k, v in headers.items():
        argv += ["-H", f"{k}: {v}"]
    out = subprocess.run([*argv, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    socket_errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return {"rps": rps, "p50_ms": ms("50%"), "p99_ms": ms("99%"), "errors": errors + socket_errors}


def login_token(port: int) -> str:
    res = httpx.post(f"http://127.0.0.1:{port}/api/v1/auth/wechat", json={"code": "dev-bench"}, timeout=10)
    res.raise_for_status()
    return res.json()["accessToken"]


async def fresh_database(server_dsn: str, name: str) -> str:
    admin = await asyncpg.connect(server_dsn)
    await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    await admin.execute(f"CREATE DATABASE {name}")
    await admin.close()
    dsn = server_dsn.replace("/postgres?", f"/{name}?", 1)
    await migrate(dsn)
    return dsn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", default="1,2", help="process counts to try")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench/servers.py needs wrk: apt-get install -y wrk")

    work = Path(tempfile.mkdtemp(prefix="zsb-bench-servers-"))
    services = devservices.start(work / "services")
    results: dict[str, list[dict[str, float]]] = {}
    try:
        dsn = asyncio.run(fresh_database(services.database_url, "bench_servers"))
        env = stack.zsb_env(dsn, services.redis_url, ZSB_DB_POOL_MAX="20")
        for round_no in range(args.rounds):
            for workers in [int(w) for w in args.workers.split(",")]:
                for server in ("uvicorn", "granian"):
                    port = stack.free_port()
                    proc = stack.serve(f"{server}-{workers}", work / "logs", env, port=port, workers=workers,
                                       server=server)
                    try:
                        token = login_token(port)
                        for route, headers in (("/healthz", {}), ("/api/v1/me", {"Authorization": f"Bearer {token}"})):
                            wrk(f"http://127.0.0.1:{port}{route}", seconds=2, connections=args.connections,
                                headers=headers)  # warm-up
                            figures = wrk(f"http://127.0.0.1:{port}{route}", seconds=args.seconds,
                                          connections=args.connections, headers=headers)
                            key = f"{server} x{workers} {route}"
                            results.setdefault(key, []).append(figures)
                            print(f"round {round_no + 1}: {key:<28} {figures['rps']:>8.0f} req/s  "
                                  f"p50 {figures['p50_ms']:6.1f} ms  p99 {figures['p99_ms']:6.1f} ms  "
                                  f"errors {figures['errors']}", flush=True)
                    finally:
                        proc.stop()
    finally:
        services.stop()

    print(f"\nbest of {args.rounds} rounds, {args.connections} connections, wrk -t1 on the same host:")
    print(f"{'server':<28} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    best = {k: max(v, key=lambda f: f["rps"]) for k, v in results.items()}
    for key, f in best.items():
        print(f"{key:<28} {f['rps']:>8.0f} {f['p50_ms']:>8.1f} {f['p99_ms']:>8.1f} {f['errors']:>7}")
    print()
    for workers in args.workers.split(","):
        for route in ("/healthz", "/api/v1/me"):
            u, g = best[f"uvicorn x{workers} {route}"], best[f"granian x{workers} {route}"]
            faster = "granian" if g["rps"] > u["rps"] else "uvicorn"
            ratio = max(g["rps"], u["rps"]) / max(1.0, min(g["rps"], u["rps"]))
            print(f"x{workers} {route:<12} faster: {faster} ({ratio:.2f}x)")
    (work / "results.json").write_text(json.dumps(best, indent=2))
    print(f"\nraw figures: {work / 'results.json'}")


if __name__ == "__main__":
    main()
