"""FAQ F141 "每一次咨询都会完整记录，您可以在“我的—咨询记录”中查看历史对话": the user reads every
consultation, in the app and on WeChat, resolved ones included, page by page."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from api.app import create_app
from tests.factories import bearer, run_jobs, staff
from tests.helpdesk.helpers import UNSURE
from tests.wechat.pushes import encrypted, push, push_settings, text_xml

API = "/api/v1"


async def test_my_consultation_record_holds_every_conversation_from_app_and_wechat(settings, wechat, db):
    live = push_settings(settings, wechat)
    async with AsyncTestClient(app=create_app(live)) as client:
        login = (await client.post(f"{API}/auth/wechat", json={"code": "wx-hist"})).json()  # openid o-hist
        me = bearer(login["accessToken"])
        agent = await staff(client, db, phone="13900005001", roles=["helpdesk"], name="导航员 陈静")
        await client.post(f"{API}/chat/messages", headers=me, json={"text": "转人工"})
        first = await db.fetchval("SELECT id FROM conversations WHERE user_id = $1", login["user"]["id"])
        await client.post(f"{API}/helpdesk/conversations/{first}/claim", headers=agent["headers"])
        await client.post(f"{API}/helpdesk/conversations/{first}/reply", headers=agent["headers"],
                          json={"text": "您好，请问您要办理什么业务？"})
        await client.post(f"{API}/helpdesk/conversations/{first}/resolve", headers=agent["headers"])
        query, body = encrypted(text_xml("o-hist", UNSURE, 8501))  # later, on WeChat
        assert (await push(client, query, body)).text == "success"
        await run_jobs(live)

        mine = (await client.get(f"{API}/chat/conversations", headers=me)).json()
        assert [(c["channel"], c["status"]) for c in mine] == [("wechat", "waiting"), ("app", "resolved")]
        assert mine[1]["id"] == first and mine[1]["messageCount"] == 2 and mine[1]["firstText"] == "转人工"
        paged = (await client.get(f"{API}/chat/conversations", params={"limit": 1, "offset": 1}, headers=me)).json()
        assert [c["id"] for c in paged] == [first]
        old = (await client.get(f"{API}/chat/conversations/{first}", headers=me)).json()
        assert [(m["sender"], m["text"]) for m in old["messages"]] == [
            ("user", "转人工"), ("agent", "您好，请问您要办理什么业务？")]

        # the message stream pages back through every conversation, oldest first in each page
        seen: list[int] = []
        page = (await client.get(f"{API}/chat/messages", params={"limit": 2}, headers=me)).json()
        while page:
            seen = [m["id"] for m in page] + seen
            page = (await client.get(f"{API}/chat/messages", params={"limit": 2, "before": page[0]["id"]},
                                     headers=me)).json()
        everything = await db.fetch("SELECT m.id FROM chat_messages m JOIN conversations c ON c.id = m.conversation_id "
                                    "WHERE c.user_id = $1 ORDER BY m.id", login["user"]["id"])
        assert seen == [r["id"] for r in everything] and len(seen) >= 3

        stranger = bearer((await client.post(f"{API}/auth/wechat", json={"code": "wx-other"})).json()["accessToken"])
        nosy = await client.get(f"{API}/chat/conversations/{first}", headers=stranger)
        assert nosy.status_code == 404 and nosy.json()["code"] == "my_conversation_not_found"
        assert (await client.get(f"{API}/chat/conversations", headers=stranger)).json() == []
