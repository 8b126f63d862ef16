"""Who the client is comes from the connecting address, or from X-Forwarded-For written by a proxy
the API trusts by address: never from a header the client wrote (tests/deploy/test_edge.py runs
the attack through the shipped nginx.conf)."""

from __future__ import annotations

import re

import pytest
import yaml

from api.settings import Settings, SettingsError
from tests.deploy.stack import DEPLOY


@pytest.mark.parametrize("value", ["*", "127.0.0.1, *"])
def test_trusting_every_address_is_refused(value):
    with pytest.raises(SettingsError, match="ZSB_TRUSTED_PROXIES"):
        Settings.from_env({"ZSB_TRUSTED_PROXIES": value})


def _shipped_trusted_proxies() -> dict[str, str]:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    config = next(d for d in yaml.safe_load_all((DEPLOY / "k8s" / "configmap.yaml").read_text()) if d)
    systemd = re.search(r"(?m)^ZSB_TRUSTED_PROXIES=(.*)$", (DEPLOY / "systemd" / "zsb.env.example").read_text())
    return {"compose": compose["services"]["api-1"]["environment"]["ZSB_TRUSTED_PROXIES"],
            "k8s": config["data"]["ZSB_TRUSTED_PROXIES"], "systemd": systemd.group(1)}


def test_every_shipped_deployment_trusts_only_its_proxy_and_sets_the_header_it_reads():
    for where, value in _shipped_trusted_proxies().items():
        Settings.from_env({"ZSB_TRUSTED_PROXIES": value})  # accepted: addresses or networks only
        assert "*" not in value, where
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    nginx_address = compose["services"]["nginx"]["networks"]["default"]["ipv4_address"]
    assert _shipped_trusted_proxies()["compose"] == nginx_address
    nginx = (DEPLOY / "nginx.conf").read_text()
    assert re.search(r"(?m)^\s*proxy_set_header X-Forwarded-For \$remote_addr;", nginx)
    assert "$proxy_add_x_forwarded_for" not in nginx
