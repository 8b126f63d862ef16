"""Real processes on loopback: ``zsb serve`` / ``zsb worker``, Debian's pgbouncer and nginx.

Shared by tests/deploy and bench/ (scaleout, servers), so the benchmarks run the same
configuration the tests check: the shipped deploy/nginx.conf and deploy/pgbouncer/pgbouncer.ini,
with only addresses, ports and file paths rewritten for loopback.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
JWT_SECRET = "scale-out-secret-shared-by-every-api-process-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 30.0, proc: subprocess.Popen[Any] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{url}: the process exited with {proc.returncode}")
        with contextlib.suppress(Exception):
            with urllib.request.urlopen(url, timeout=2) as res:
                if res.status == 200:
                    return
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer 200 within {timeout} s")


def wait_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {port}")


def zsb_env(database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZSB_") and "proxy" not in k.lower()}
    env.update({
        "ZSB_ENV": "test", "ZSB_DATABASE_URL": database_url, "ZSB_REDIS_URL": redis_url,
        # Every API process must sign and verify with the same key, or tokens break across processes.
        "ZSB_JWT_SECRET": JWT_SECRET, "ZSB_LOG_LEVEL": "WARNING", "ZSB_LOG_JSON": "true",
        "NO_PROXY": "127.0.0.1,localhost", "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


@dataclass
class Proc:
    """A child process in its own session, so a SIGKILL takes its workers down with it."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def signal(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.popen.send_signal(sig)

    def kill_group(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(10)

    def stop(self, timeout: float = 40.0) -> int | None:
        if self.popen.poll() is None:
            self.signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill_group()
        with contextlib.suppress(ProcessLookupError):  # leftovers of a killed master
            os.killpg(self.popen.pid, signal.SIGKILL)
        return self.popen.returncode

    def tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return ""


def spawn(name: str, argv: list[str], logdir: Path, env: dict[str, str] | None = None) -> Proc:
    logdir.mkdir(parents=True, exist_ok=True)
    log = logdir / f"{name}.log"
    with open(log, "ab") as out:
        popen = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT,
                                 start_new_session=True)
    return Proc(name, popen, log)


def serve(name: str, logdir: Path, env: dict[str, str], *, port: int, workers: int = 1,
          server: str = "uvicorn", wait: bool = True) -> Proc:
    logged = (logdir / f"{name}.log").stat().st_size if (logdir / f"{name}.log").exists() else 0  # a restart appends
    proc = spawn(name, [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                        "--workers", str(workers), "--server", server], logdir, env)
    if wait:
        try:
            wait_http(f"http://127.0.0.1:{port}/readyz", 60, proc.popen)
            if server == "granian":  # /readyz came from one worker; the others may still be starting
                _wait_granian_workers(proc, workers, 60, logged)
        except Exception:
            proc.stop(5)
            raise RuntimeError(f"{name} did not start:\n{proc.tail()}") from None
    return proc


def _wait_granian_workers(proc: Proc, workers: int, timeout: float, logged: int) -> None:
    """Until granian has logged every worker started. A worker still in its lifespan start-up when
    SIGTERM comes is not stopped but killed after the grace period (GRACEFUL_SECONDS): a test that
    signalled then would wait that long for nothing, and test the kill instead of the graceful stop."""
    deadline = time.monotonic() + timeout
    while proc.log.read_bytes()[logged:].count(b"Started worker-") < workers:
        if proc.popen.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"granian did not start {workers} workers within {timeout} s")
        time.sleep(0.1)


def worker(name: str, logdir: Path, env: dict[str, str], *, burst: bool = False) -> Proc:
    return spawn(name, [sys.executable, "-m", "api.cli", "worker", *(["--burst"] if burst else [])], logdir, env)


def _readable_by_others(path: Path) -> None:
    """pgbouncer refuses to run as root and drops to another user, who must read its files."""
    for p in [path, *path.parents]:
        with contextlib.suppress(PermissionError):
            p.chmod(p.stat().st_mode | 0o055)


def bouncer_dsn(server_dsn: str, port: int) -> str:
    """``server_dsn`` (any database of the server pgbouncer fronts) as seen through pgbouncer."""
    parts = urlsplit(server_dsn)
    return urlunsplit(("postgresql", f"{parts.username or 'postgres'}@127.0.0.1:{port}", parts.path, "", ""))


def pgbouncer(workdir: Path, server_dsn: str, *, port: int | None = None, pool_size: int = 20) -> tuple[Proc, int]:
    """Debian's pgbouncer from the shipped ini (transaction mode) in front of the PostgreSQL of
    ``server_dsn``: the embedded pgserver's Unix socket, or a host and port."""
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    port = port or free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    parts = urlsplit(server_dsn)
    host = parse_qs(parts.query).get("host", [parts.hostname or "127.0.0.1"])[0]
    target = f"host={host} port={parts.port or 5432} user={parts.username or 'postgres'}"
    if parts.password:
        target += f" password={parts.password}"
    ini = (DEPLOY / "pgbouncer" / "pgbouncer.ini").read_text()
    ini = re.sub(r"(?m)^\* = .*$", f"* = {target}", ini)
    ini = re.sub(r"(?m)^listen_addr = .*$", "listen_addr = 127.0.0.1", ini)
    ini = re.sub(r"(?m)^listen_port = .*$", f"listen_port = {port}", ini)
    ini = re.sub(r"(?m)^auth_type = .*$", "auth_type = trust", ini)
    ini = re.sub(r"(?m)^auth_file = .*$", f"auth_file = {workdir / 'userlist.txt'}", ini)
    ini = re.sub(r"(?m)^default_pool_size = .*$", f"default_pool_size = {pool_size}", ini)
    ini = re.sub(r"(?m)^(logfile|pidfile|unix_socket_dir) = .*$", "", ini)
    ini += "\nunix_socket_dir =\n"
    (workdir / "userlist.txt").write_text(f'"{parts.username or "postgres"}" ""\n')
    (workdir / "pgbouncer.ini").write_text(ini)
    argv = [binary, str(workdir / "pgbouncer.ini")]
    if os.geteuid() == 0:
        user = "pgserver" if _user_exists("pgserver") else "nobody"
        argv[1:1] = ["-u", user]
        _readable_by_others(workdir)
        for f in workdir.iterdir():
            f.chmod(0o644)
    proc = spawn("pgbouncer", argv, workdir)
    wait_port(port)
    return proc, port


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def trusted_proxies() -> str:
    """ZSB_TRUSTED_PROXIES as deploy/compose.yaml ships it, with nginx's address there (its fixed
    ``ipv4_address``) rewritten to the loopback address nginx connects from here."""
    import yaml

    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    shipped = str(compose["services"]["api-1"]["environment"]["ZSB_TRUSTED_PROXIES"])
    nginx_address = compose["services"]["nginx"].get("networks", {}).get("default", {}).get("ipv4_address")
    return ",".join("127.0.0.1" if h.strip() == nginx_address else h.strip() for h in shipped.split(","))


def client_address(i: int) -> str:
    """A loopback address of its own for client ``i`` (all of 127/8 is local on Linux): clients
    that must look like different people to nginx connect from different addresses."""
    return f"127.1.{i // 200 % 250}.{i % 200 + 10}"


def nginx_conf(workdir: Path, *, port: int, upstreams: list[int], access_log: Path | None = None) -> Path:
    """The shipped deploy/nginx.conf with loopback upstreams, port and writable paths; the access
    log (in the shipped format) goes to ``access_log`` if given."""
    conf = (DEPLOY / "nginx.conf").read_text()
    params = re.search(r"(?m)^\s*server api-\d+:8000([^;]*);", conf).group(1)  # the shipped failover settings
    servers = "".join(f"        server 127.0.0.1:{p}{params};\n" for p in upstreams)
    conf = re.sub(r"(?m)^\s*server api-\d+:8000[^\n]*\n", "", conf)
    conf = conf.replace("upstream zsb_api {\n", "upstream zsb_api {\n" + servers, 1)
    conf = re.sub(r"(?m)^\s*listen 8080[^;]*;", f"        listen 127.0.0.1:{port} reuseport;", conf)
    conf = re.sub(r"(?m)^user .*;\n", "", conf)
    conf = re.sub(r"(?m)^pid .*;", f"pid {workdir / 'nginx.pid'};", conf)
    conf = re.sub(r"(?m)^(\s*)error_log [^;]*;", rf"\1error_log {workdir / 'error.log'} warn;", conf)
    conf = re.sub(r"(?m)^(\s*)access_log ([^; ]*)([^;]*);",
                  (lambda m: f"{m.group(1)}access_log {access_log}{m.group(3)};") if access_log
                  else r"\1access_log off;", conf)
    conf = re.sub(r"(?m)^worker_processes .*;", "worker_processes 1;", conf)
    for tmp in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        conf = conf.replace("http {\n", f"http {{\n    {tmp}_temp_path {workdir / (tmp + '_temp')};\n", 1)
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "nginx.conf"
    path.write_text(conf)
    return path


def nginx(workdir: Path, *, upstreams: list[int], port: int | None = None,
          access_log: Path | None = None) -> tuple[Proc, int]:
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    port = port or free_port()
    conf = nginx_conf(workdir, port=port, upstreams=upstreams, access_log=access_log)
    proc = spawn("nginx", [binary, "-c", str(conf), "-p", str(workdir), "-e", str(workdir / "error.log"),
                           "-g", "daemon off;"], workdir)
    wait_port(port)
    return proc, port


@dataclass
class Stack:
    """Everything started for one scale-out run; ``close`` stops it in reverse order."""

    procs: list[Proc] = field(default_factory=list)

    def add(self, proc: Proc) -> Proc:
        self.procs.append(proc)
        return proc

    def close(self) -> None:
        for proc in reversed(self.procs):
            proc.stop(40)
