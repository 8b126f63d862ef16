"""F108: the progress QR and the licence QR lead a phone camera to a page, WeChat's browser to the
mini-program (a URL Link made through the WeChat API, cached), and programs to the JSON."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.clock import today
from tests.applications.helpers import submitted_temporary_plate
from tests.conftest import live_settings
from tests.disclosure.helpers import holders, licence, verification_link
from tests.factories import applicant
from wechat import pages

API = "/api/v1"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
           "User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"}
# WeChat's scanner opens the link in its own browser, which says MicroMessenger.
IN_WECHAT = {"Accept": BROWSER["Accept"],
             "User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 "
                           "MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN"}
# wx.request from inside the mini-program: also MicroMessenger, but asking for no HTML.
MINIPROGRAM_REQUEST = {"User-Agent": IN_WECHAT["User-Agent"] + " miniProgram/wx-test-app"}


@pytest.fixture
async def scanner(settings, wechat) -> AsyncIterator[AsyncTestClient]:
    """The API with the real WeChat SDK pointed at the fake, sharing the test's database and Redis."""
    async with AsyncTestClient(app=create_app(live_settings(settings, wechat)), timeout=30) as test_client:
        yield test_client


async def test_the_progress_qr_opens_a_page_in_a_browser_and_the_miniprogram_in_wechat(client, scanner, wechat):
    number = (await submitted_temporary_plate(client, await applicant(client, "scan")))["publicNo"]
    url = f"{API}/progress/{number}"

    page = await scanner.get(url, headers=BROWSER)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html; charset=utf-8")
    facts = (await scanner.get(url)).json()  # what a program sees
    assert number in page.text and facts["statusLabel"] in page.text and facts["serviceName"] in page.text
    assert "温州大件运输有限公司" not in page.text  # the form's contents are not the public's
    assert "Accept" in page.headers["vary"] and wechat.urllinks == []

    opened = await scanner.get(url, headers=IN_WECHAT, follow_redirects=False)
    assert opened.status_code == 302 and opened.headers["location"] == "https://wxaurl.cn/fake000001"
    assert len(wechat.urllinks) == 1
    made = wechat.urllinks[0]
    assert made["path"] == pages.PROGRESS and parse_qs(made["query"]) == {"no": [number]}
    assert made["expire_type"] == 1 and made["expire_interval"] == 30

    again = await scanner.get(url, headers=IN_WECHAT, follow_redirects=False)
    assert again.headers["location"] == "https://wxaurl.cn/fake000001" and len(wechat.urllinks) == 1  # cached

    for headers in ({}, {"Accept": "application/json"}, MINIPROGRAM_REQUEST):
        data = await scanner.get(url, headers=headers)
        assert data.status_code == 200 and data.json()["publicNo"] == number, headers
    assert len(wechat.urllinks) == 1


MISTYPED = "WZ-20260101-XXXXXXXXX"  # the right shape, but X is no Crockford character: no case has it


async def test_a_mistyped_number_gets_a_page_in_a_browser_and_a_problem_for_programs(client):
    page = await client.get(f"{API}/progress/{MISTYPED}", headers=BROWSER)
    assert page.status_code in (400, 404) and page.headers["content-type"].startswith("text/html")
    assert "没有查到该办件" in page.text
    problem = await client.get(f"{API}/progress/{MISTYPED}")
    assert problem.status_code == page.status_code and problem.json()["code"]


async def test_when_wechat_cannot_make_the_link_the_scan_still_shows_the_page(client, scanner, wechat):
    number = (await submitted_temporary_plate(client, await applicant(client, "nolink")))["publicNo"]
    wechat.miniprogram_pages.discard(pages.PROGRESS)  # an older release without the page: 40165
    page = await scanner.get(f"{API}/progress/{number}", headers=IN_WECHAT, follow_redirects=False)
    assert page.status_code == 200 and number in page.text and wechat.urllinks == []


async def test_the_licence_qr_opens_the_miniprogram_verification_page_in_wechat(client, db, scanner, wechat):
    who = await holders(client, db)
    lic = await licence(db, who["driver"]["user"]["id"], "taxi_driver_qualification", "QC-9",
                        name="巡游出租汽车驾驶员从业资格证", valid_until=today() + timedelta(days=30))
    token = (await verification_link(client, who["driver"], lic))["token"]

    opened = await scanner.get(f"/verify/{token}", headers=IN_WECHAT, follow_redirects=False)
    assert opened.status_code == 302 and opened.headers["location"].startswith("https://wxaurl.cn/")
    assert wechat.urllinks[0]["path"] == pages.LICENCE_VERIFY
    assert parse_qs(wechat.urllinks[0]["query"]) == {"token": [token]}
    page = await scanner.get(f"/verify/{token}", headers=BROWSER)
    assert page.status_code == 200 and "证照真实有效" in page.text

    # an altered code is refused before any link is made
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    refused = await scanner.get(f"/verify/{altered}", headers=IN_WECHAT, follow_redirects=False)
    assert refused.status_code == 400 and len(wechat.urllinks) == 1


async def test_the_acceptance_notice_carries_the_progress_qr(client, db):
    from api.applications import service as applications

    me = await applicant(client, "accepted")
    case = await submitted_temporary_plate(client, me)
    staff_id = await db.fetchval("SELECT id FROM users WHERE phone = '13900000002'")
    await applications.transition(db, case["id"], "accepted", actor_id=staff_id, note="受理")
    inbox = (await client.get(f"{API}/me/notifications", headers=me["headers"])).json()["items"]
    [notice] = [n for n in inbox if n["event"] == "application_accepted"]
    assert notice["progressUrl"] == f"{API}/progress/{case['publicNo']}"
    qr = await client.get(notice["progressQrUrl"])
    assert qr.status_code == 200 and qr.content.startswith(b"\x89PNG")
    page = await client.get(notice["progressUrl"], headers=BROWSER)
    assert page.status_code == 200 and case["publicNo"] in page.text
