"""What cannot run here is linted: the images cannot be built (no Docker engine), the manifests
cannot be applied (no cluster), the units cannot be started (no systemd as PID 1)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from api.cli import GRACEFUL_SECONDS
from tests.deploy.stack import DEPLOY, ROOT, nginx_conf

BIN = Path(sys.executable).parent
K8S = DEPLOY / "k8s"


def _run(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in argv], capture_output=True, text=True, cwd=ROOT, timeout=120)


def _docs(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def test_hadolint_passes_on_every_dockerfile():
    files = [DEPLOY / "Dockerfile", DEPLOY / "pgbouncer" / "Dockerfile"]
    res = _run(BIN / "hadolint", *files)
    assert res.returncode == 0, res.stdout + res.stderr


def test_the_image_is_multi_stage_slim_and_not_root():
    text = (DEPLOY / "Dockerfile").read_text()
    stages = re.findall(r"(?m)^FROM (\S+)", text)
    assert len(stages) == 2 and stages[-1].endswith("-slim-bookworm"), stages
    final = text.split("\nFROM ")[-1]
    assert re.search(r"(?m)^USER 10001", final)
    assert "apt-get" not in final and "gcc" not in final and "build-essential" not in final
    assert "COPY --from=build /opt/venv /opt/venv" in final


def test_yamllint_passes_on_all_yaml():
    res = _run(BIN / "yamllint", "-s", "-c", ROOT / ".yamllint.yaml", ".")
    assert res.returncode == 0, res.stdout + res.stderr


def test_kubernetes_manifests_validate_strictly():
    manifests = sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
    res = _run(BIN / "kubernetes-validate", "--strict", "--quiet", "-k", "1.30.0", *manifests)
    assert res.returncode == 0, res.stdout + res.stderr
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    # The migration Job runs before the rollout, on its own; everything else goes through kustomize.
    assert listed == {p.name for p in manifests} - {"migrate-job.yaml"}


def test_kubernetes_has_what_a_rollout_needs():
    kinds = {(d["kind"], d["metadata"]["name"]): d for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml"
             for d in _docs(p)}
    api = kinds[("Deployment", "zsb-api")]["spec"]["template"]["spec"]
    (container,) = api["containers"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["resources"]["requests"]["cpu"] and container["resources"]["requests"]["memory"]
    assert api["terminationGracePeriodSeconds"] > GRACEFUL_SECONDS + 5  # preStop sleep + graceful window
    worker = kinds[("Deployment", "zsb-worker")]["spec"]["template"]["spec"]
    assert worker["containers"][0]["args"] == ["worker"]
    assert worker["containers"][0]["livenessProbe"]["exec"]["command"] == ["zsb", "worker", "--check"]
    assert worker["terminationGracePeriodSeconds"] > 30  # jobs/worker.py job_completion_wait
    assert kinds[("HorizontalPodAutoscaler", "zsb-api")]["spec"]["minReplicas"] >= 2
    assert ("PodDisruptionBudget", "zsb-api") in kinds and ("Service", "zsb-api") in kinds
    ingress = kinds[("Ingress", "zsb")]["spec"]
    assert ingress["tls"][0]["secretName"]
    job = kinds[("Job", "zsb-migrate")]["spec"]["template"]["spec"]["containers"][0]
    assert job["args"] == ["migrate"]
    assert any(e["name"] == "ZSB_DATABASE_URL" and "MIGRATE" in e["valueFrom"]["secretKeyRef"]["key"]
               for e in job["env"])
    config = kinds[("ConfigMap", "zsb-config")]["data"]
    assert config["ZSB_DB_STATEMENT_CACHE_SIZE"] == "0"
    secret = kinds[("Secret", "zsb-secrets")]["stringData"]
    assert not set(secret) & set(config)  # each setting has one home
    assert all(v == "" or "CHANGE-ME" in v for v in secret.values()), "only placeholders in git"


def test_compose_runs_two_apis_two_workers_behind_nginx_and_pgbouncer():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"api-1", "api-2", "worker-1", "worker-2", "postgres", "redis", "nginx", "pgbouncer",
            "migrate"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    for name in ("api-1", "api-2", "worker-1", "worker-2"):
        env = services[name]["environment"]
        assert "@pgbouncer:6432/" in env["ZSB_DATABASE_URL"] and env["ZSB_DB_STATEMENT_CACHE_SIZE"] == "0"
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["stop_grace_period"] == "40s"
    assert "@postgres:5432/" in services["migrate"]["environment"]["ZSB_DATABASE_URL"]
    assert services["migrate"]["command"] == ["migrate"]
    upstreams = re.findall(r"(?m)^\s*server (api-\d+):8000", (DEPLOY / "nginx.conf").read_text())
    assert upstreams == ["api-1", "api-2"]


def test_nginx_accepts_the_shipped_config(tmp_path):
    conf = nginx_conf(tmp_path, port=18080, upstreams=[18001, 18002])
    res = _run(shutil.which("nginx") or "/usr/sbin/nginx", "-t", "-c", conf, "-p", tmp_path,
               "-e", tmp_path / "error.log")
    assert res.returncode == 0, res.stderr


def test_systemd_units_verify(tmp_path):
    zsb = BIN / "zsb"
    for unit in (DEPLOY / "systemd").glob("*.service"):
        text = unit.read_text().replace("/opt/zsb/venv/bin/zsb", str(zsb))
        name = unit.name.replace("@.service", "@1.service")
        (tmp_path / name).write_text(text)
    units = sorted(str(p) for p in tmp_path.glob("*.service"))
    res = _run(shutil.which("systemd-analyze") or "/usr/bin/systemd-analyze", "verify", "--man=no", *units)
    assert res.returncode == 0 and not res.stderr.strip(), res.stderr
    for unit in (DEPLOY / "systemd").glob("*.service"):
        text = unit.read_text()
        if "serve" in text or "worker" in text.split("ExecStart=")[1].split("\n")[0]:
            stop = int(re.search(r"TimeoutStopSec=(\d+)", text).group(1))
            assert stop > GRACEFUL_SECONDS, unit.name
