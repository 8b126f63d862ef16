"""The ``zsb dev`` banner says which providers are live and which sandbox, and gives the
sandbox-only hints (login codes, the outbox) only in sandbox."""

from __future__ import annotations

from api.cli_dev import dev_banner
from api.seed import DEMO_STAFF
from api.settings import Settings

APPLICANTS = [("dev-demo-wang", "王师傅", "货运驾驶员")]


def test_in_sandbox_the_banner_says_so_and_shows_the_login_codes_and_the_outbox():
    text = dev_banner(Settings(env="dev"), ready=True, seconds=3.2, staff=DEMO_STAFF, applicants=APPLICANTS)
    assert "WeChat     sandbox" in text and "SMS        sandbox" in text
    assert "/dev/outbox" in text and "dev-<any name>" in text and "dev-demo-wang" in text
    assert all(phone in text for phone, *_ in DEMO_STAFF)


def test_with_live_providers_no_sandbox_hint_is_shown():
    live = Settings(env="dev", wechat_mode="live", wechat_appid="wx123", wechat_secret="s", sms_provider="aliyun",
                    aliyun_access_key_id="id", aliyun_access_key_secret="secret")
    text = dev_banner(live, ready=True, seconds=3.2, staff=DEMO_STAFF, applicants=APPLICANTS)
    assert "WeChat     LIVE, appid wx123" in text and "SMS        LIVE, Aliyun" in text
    assert "sandbox" not in text and "/dev/outbox" not in text and "dev-" not in text


def test_live_wechat_with_sandbox_sms_keeps_only_the_sms_hints():
    mixed = Settings(env="dev", wechat_mode="live", wechat_appid="wx123", wechat_secret="s")
    text = dev_banner(mixed, ready=False, seconds=60.0, staff=DEMO_STAFF, applicants=APPLICANTS)
    assert "NOT ready" in text and "/dev/outbox" in text and "SMS        sandbox" in text
    assert "dev-<any name>" not in text and "dev-demo-wang" not in text
