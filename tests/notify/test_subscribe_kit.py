"""F125: GET /wechat/subscribe-templates tells the mini-program which (≤ 3) templates to request at a
moment and how many messages the user has left of each; the ids are the registered ones (a setting)."""

from __future__ import annotations

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.messages.service import SUBSCRIBE_SCENES
from api.settings import Settings, SettingsError
from tests.conftest import live_settings, live_sms_settings
from tests.factories import applicant, run_jobs
from tests.notify.helpers import accepted

KIT = "/api/v1/wechat/subscribe-templates"


async def test_each_scene_names_at_most_three_templates_with_what_the_user_has_left(client):
    me = await applicant(client, "kit")
    for scene in SUBSCRIBE_SCENES:
        res = await client.get(KIT, params={"scene": scene}, headers=me["headers"])
        assert res.status_code == 200, (scene, res.text)
        body = res.json()
        assert 1 <= len(body["templateIds"]) <= 3 and body["templateIds"] == [t["templateId"] for t in body["templates"]]
        assert all(t["remaining"] == 0 and t["title"] for t in body["templates"])

    submit = (await client.get(KIT, params={"scene": "submit"}, headers=me["headers"])).json()["templateIds"]
    assert submit == ["tmpl-progress", "tmpl-material-gap", "tmpl-result"]
    # the user allowed the first twice and refused the third
    for _ in range(2):
        res = await client.post("/api/v1/me/subscriptions", headers=me["headers"],
                                json={"templateIds": submit[:1], "rejectedIds": submit[2:]})
        assert res.status_code == 200, res.text
    left = {t["templateId"]: t for t in (await client.get(KIT, params={"scene": "submit"},
                                                            headers=me["headers"])).json()["templates"]}
    assert left["tmpl-progress"]["remaining"] == 2 and not left["tmpl-progress"]["rejected"]
    assert left["tmpl-result"]["remaining"] == 0 and left["tmpl-result"]["rejected"]


async def test_an_unknown_scene_or_no_login_is_refused(client):
    me = await applicant(client, "kit2")
    assert (await client.get(KIT, params={"scene": "lottery"}, headers=me["headers"])).status_code == 400
    assert (await client.get(KIT, params={"scene": "submit"})).status_code == 401


async def test_registered_ids_come_from_the_setting_and_reach_wechat(settings, wechat, fake_aliyun, db):
    registered = msgspec.structs.replace(settings, wechat_template_ids="progress=Xq9-registered-progress-id")
    async with AsyncTestClient(app=create_app(registered), timeout=30) as client:
        me = await applicant(client, "registered")
        kit = (await client.get(KIT, params={"scene": "submit"}, headers=me["headers"])).json()
        assert kit["templateIds"][0] == "Xq9-registered-progress-id"
        # the built-in name is no registered id any more
        old = await client.post("/api/v1/me/subscriptions", headers=me["headers"], json={"templateIds": ["tmpl-progress"]})
        assert old.status_code == 422 and old.json()["code"] == "unknown_template"
        res = await client.post("/api/v1/me/subscriptions", headers=me["headers"],
                                json={"templateIds": ["Xq9-registered-progress-id"]})
        assert res.json()["items"] == [{"templateId": "Xq9-registered-progress-id", "remaining": 1}]
    await accepted(db, me["user"]["id"], "accepted:registered")
    await run_jobs(live_settings(live_sms_settings(registered, fake_aliyun), wechat))
    [sent] = wechat.subscribe_sent
    assert sent["template_id"] == "Xq9-registered-progress-id"


def test_a_malformed_or_unknown_template_setting_stops_start_up():
    for value in ("progress", "lottery=abc", "progress=a,result=a"):
        with pytest.raises(SettingsError, match="ZSB_WECHAT_TEMPLATE_IDS"):
            Settings.from_env({"ZSB_WECHAT_TEMPLATE_IDS": value})
