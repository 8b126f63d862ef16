"""The console's CSRF token belongs to one signed-in session (issue 17 item 13).

The attack: someone fetches the login page for a valid token pair of their own, plants that
cookie in a signed-in admin's browser (a sibling subdomain can set cookies for /console) and
has the browser post a form carrying the same token. A double-submit check alone accepts it.
"""

from __future__ import annotations

from api.console.session import CSRF_COOKIE, SESSION_COOKIE
from tests.console.helpers import account, post, sign_in

DOMAIN = "testserver.local"


async def _token_of_a_fresh_visit(client) -> str:
    """What an attacker gets by opening the login page themselves (without the victim's cookies)."""
    saved = dict(client.cookies)
    client.cookies.clear()
    await client.get("/console/login")
    token = client.cookies.get(CSRF_COOKIE)
    client.cookies.clear()
    for name, value in saved.items():
        client.cookies.set(name, value, domain=DOMAIN, path="/console")
    assert token and token != saved.get(CSRF_COOKIE)
    return token


def _plant(client, token: str) -> None:
    client.cookies.delete(CSRF_COOKIE)
    client.cookies.set(CSRF_COOKIE, token, domain=DOMAIN, path="/console")


async def _site_id(db) -> int:
    return await db.fetchval("SELECT id FROM appt_sites WHERE code = 'city-service-centre'")


async def test_a_token_from_someone_elses_visit_is_refused_with_a_planted_cookie(client, db):
    await account(db, phone="13900006101", roles=["admin"], name="赵管理")
    assert (await sign_in(client, "13900006101")).status_code == 200
    forged = await _token_of_a_fresh_visit(client)
    _plant(client, forged)
    site = await _site_id(db)
    before = await db.fetchval("SELECT count(*) FROM appt_slots WHERE site_id = $1", site)
    res = await client.post("/console/admin/slots",
                            data={"site_id": str(site), "date_from": "2027-03-01", "date_to": "2027-03-05",
                                  "_csrf_token": forged})
    assert res.status_code == 403 and "页面已过期" in res.text
    assert await db.fetchval("SELECT count(*) FROM appt_slots WHERE site_id = $1", site) == before
    # the same in the htmx header
    res = await client.post("/console/admin/slots", data={"site_id": str(site), "date_from": "2027-03-01"},
                            headers={"x-csrftoken": forged, "hx-request": "true"})
    assert res.status_code == 403
    res = await client.post("/console/logout", data={"_csrf_token": forged}, follow_redirects=False)
    assert res.status_code == 403  # not even a forced sign-out
    assert (await client.get("/console/", follow_redirects=False)).status_code == 200


async def test_a_token_planted_before_sign_in_is_replaced_at_sign_in(client, db):
    await account(db, phone="13900006102", roles=["admin"])
    forged = await _token_of_a_fresh_visit(client)
    _plant(client, forged)
    await sign_in(client, "13900006102")  # the login form itself carries the planted pair
    assert client.cookies.get(CSRF_COOKIE) != forged  # the session got a token of its own
    site = await _site_id(db)
    _plant(client, forged)
    res = await client.post("/console/admin/slots", data={"site_id": str(site), "date_from": "2027-03-01"},
                            headers={"x-csrftoken": forged, "hx-request": "true"})
    assert res.status_code == 403


async def test_the_page_restores_the_sessions_token_after_a_planted_cookie(client, db):
    await account(db, phone="13900006103", roles=["admin"])
    await sign_in(client, "13900006103")
    own = client.cookies.get(CSRF_COOKIE)
    _plant(client, await _token_of_a_fresh_visit(client))
    page = await client.get("/console/admin/slots")
    assert page.status_code == 200 and own in page.text  # the form carries the session's token
    assert client.cookies.get(CSRF_COOKIE) == own  # and the cookie is set back to it
    site = await _site_id(db)
    res = await post(client, "/console/admin/slots", {"site_id": str(site), "date_from": "2027-03-01",
                                                      "date_to": "2027-03-02"})
    assert res.status_code == 200, res.text


async def test_two_signed_in_sessions_cannot_use_each_others_tokens(client, db):
    await account(db, phone="13900006104", roles=["admin"])
    await account(db, phone="13900006105", roles=["admin"])
    await sign_in(client, "13900006104")
    first = {SESSION_COOKIE: client.cookies.get(SESSION_COOKIE), CSRF_COOKIE: client.cookies.get(CSRF_COOKIE)}
    client.cookies.clear()
    await sign_in(client, "13900006105")
    second_token = client.cookies.get(CSRF_COOKIE)
    assert second_token != first[CSRF_COOKIE]
    # the first session with the second session's token (cookie and header alike)
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, first[SESSION_COOKIE], domain=DOMAIN, path="/console")
    client.cookies.set(CSRF_COOKIE, second_token, domain=DOMAIN, path="/console")
    res = await client.post("/console/logout", headers={"x-csrftoken": second_token}, follow_redirects=False)
    assert res.status_code == 403
    _plant(client, first[CSRF_COOKIE])
    res = await client.post("/console/logout", headers={"x-csrftoken": first[CSRF_COOKIE]}, follow_redirects=False)
    assert res.status_code == 303
