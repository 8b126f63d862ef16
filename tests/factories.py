"""Plain async factories for tests: people and their tokens."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from stdnum.cn import ric, uscc

from api.auth import service as auth
from api.settings import Settings

STAFF_PASSWORD = "staff-password-2026"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华建国志红玉兰"
REGIONS = ("110101", "110102", "110105", "110106", "110108", "310101", "310104", "310110", "120101", "110107")


def person_of(name: str) -> tuple[str, str]:
    """A deterministic person for a login name: a Chinese name and a valid resident ID (python-stdnum
    ``cn.ric``: region, birth date, check digit) whose sequence digits the sandbox verifies (never
    998/999); distinct names give distinct numbers (a hash over 144 million of them)."""
    h = int(hashlib.sha256(name.encode()).hexdigest(), 16)
    person = SURNAMES[h % len(SURNAMES)] + GIVEN[(h >> 8) % len(GIVEN)] + GIVEN[(h >> 16) % len(GIVEN)]
    born = datetime.date(1960, 1, 1) + datetime.timedelta(days=(h >> 24) % 14600)
    first17 = f"{REGIONS[(h >> 40) % 10]}{born:%Y%m%d}{(h >> 48) % 990:03d}"
    return person, first17 + ric.calc_check_digit(first17 + "0")


async def verify(client: Any, tokens: dict[str, Any], name: str, *, person: str | None = None,
                 id_number: str | None = None) -> dict[str, Any]:
    """Verify a logged-in account (``tokens``: its login answer) through the face flow of the API
    (POST /me/identity/verifications, then its result; the sandbox or the fake WeChat decides) as
    ``person_of(name)``, or ``person`` / ``id_number``. Returns ``tokens`` with the fresh pair the
    verification issued (its access token carries the verified claim), ``headers`` and ``identity``
    (``{"name", "idNumber"}``). An account already verified keeps its tokens."""
    cname, number = person_of(name)
    cname, number = person or cname, id_number or number
    started = await client.post("/api/v1/me/identity/verifications", json={"name": cname, "idNumber": number},
                                headers=bearer(tokens["accessToken"]))
    if not (started.status_code == 409 and started.json()["code"] == "identity_already_verified"):
        assert started.status_code == 201, started.text
        done = await client.post(f"/api/v1/me/identity/verifications/{started.json()['id']}/result",
                                 headers=bearer(tokens["accessToken"]))
        assert done.status_code == 200, done.text
        tokens.update(done.json()["tokens"])
    tokens["identity"] = {"name": cname, "idNumber": number}
    tokens["headers"] = bearer(tokens["accessToken"])
    return tokens


async def window_verified(client: Any, clerk: dict[str, Any], account: dict[str, Any], name: str) -> dict[str, Any]:
    """Verify an account with no WeChat (a staff member's, an SMS login) as ``person_of(name)`` the way
    such a person is: at a window, by another staff member (``clerk``: a staff login) who saw the ID card.
    The database holds it at once; the account's next tokens carry the claim."""
    cname, number = person_of(name)
    res = await client.post("/api/v1/staff/identity/window-verifications", headers=clerk["headers"],
                            json={"userId": account["user"]["id"], "name": cname, "idType": "resident_id",
                                  "idNumber": number})
    assert res.status_code == 201, res.text
    return {"name": cname, "idNumber": number}


async def applicant(client: Any, name: str = "zhang", *, verified: bool = True, person: str | None = None,
                    id_number: str | None = None) -> dict[str, Any]:
    """Log in through the sandbox WeChat login and, unless ``verified=False``, verify the account
    through the sandbox face flow (``verify``). Returns the token pair with ``headers`` and
    ``identity`` (``{"name", "idNumber"}``; None when unverified)."""
    res = await client.post("/api/v1/auth/wechat", json={"code": f"dev-{name}"})
    assert res.status_code == 200, res.text
    body = res.json()
    body["identity"] = None
    body["headers"] = bearer(body["accessToken"])
    if verified:
        await verify(client, body, name, person=person, id_number=id_number)
    return body


def credit_code_of(name: str, kind: str = "company") -> str:
    """A deterministic valid unified social credit code for a test's enterprise ``name`` (python-stdnum
    ``cn.uscc``: 91 a company, 92 an individual business; characters 9-11 "MA2", which the sandbox
    registry confirms); distinct names give distinct codes (one enterprise per code)."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    h = int(hashlib.sha256(name.encode()).hexdigest(), 16)
    first17 = ("91" if kind == "company" else "92") + "330300MA2" + "".join(
        alphabet[(h >> (5 * i)) % len(alphabet)] for i in range(6))
    return first17 + uscc.calc_check_digit(first17)


async def act_as_enterprise(client: Any, who: dict[str, Any], credit_code: str, name: str,
                            kind: str = "company") -> dict[str, Any]:
    """``who`` (verified by ``applicant``) registers the enterprise as its legal representative (the
    sandbox registry confirms codes whose characters 9-11 are not MA0/MA8/MA9, README "Enterprises")
    and switches to it (F091): a copy of ``who`` whose ``headers`` act for it, with ``enterprise_id``."""
    res = await client.post("/api/v1/enterprises", headers=who["headers"], json={
        "creditCode": credit_code, "name": name, "kind": kind, "legalRepName": who["identity"]["name"],
        "legalRepIdNumber": who["identity"]["idNumber"]})
    assert res.status_code == 201 and res.json()["status"] == "verified", res.text
    switched = await client.post("/api/v1/me/subjects/switch", headers=who["headers"],
                                 json={"enterpriseId": res.json()["id"]})
    assert switched.status_code == 200, switched.text
    return {**who, "headers": bearer(switched.json()["accessToken"]), "enterprise_id": res.json()["id"]}


async def staff(client: Any, db: Any, *, phone: str, roles: list[str], steps: list[str] | None = None,
                name: str = "工作人员") -> dict[str, Any]:
    """Create a staff account directly in the database, then log in through the API."""
    await auth.create_staff(db, auth.staff_from_args(phone=phone, password=STAFF_PASSWORD, name=name,
                                                     roles=roles, steps=steps or []))
    res = await client.post("/api/v1/auth/staff-login", json={"phone": phone, "password": STAFF_PASSWORD})
    assert res.status_code == 200, res.text
    body = res.json()
    body["headers"] = bearer(body["accessToken"])
    return body


async def run_jobs(settings: Settings, **ctx: Any) -> None:
    """Drain the job queue with a real arq worker on the test's Redis and database.

    First sweeps the outbox (rows written outside a request, e.g. through the ``db`` fixture,
    were never queued), then runs the real job functions until no job is due and none is running.
    Jobs deferred to later (a retry with backoff, quiet hours) stay queued. Quiet hours are off
    unless a test passes ``quiet_hours=(22, 8)`` and a ``clock``; ``ctx`` may also replace
    providers (``sms``, ``wechat_messages``) or ``notify_lease_seconds``.
    """
    import asyncio
    import uuid

    from arq import create_pool
    from arq.constants import default_queue_name
    from arq.utils import timestamp_ms
    from arq.worker import Worker

    from jobs import redis_settings
    from jobs.worker import worker_settings
    from notify import queue as notify_queue

    previous = notify_queue._pool
    arq = await create_pool(redis_settings(settings.redis_url or ""))
    await arq.enqueue_job("sweep_outbox", _job_id=f"sweep:{uuid.uuid4().hex}")
    worker = Worker(**worker_settings(settings, burst=False, ctx={"settings": settings, "quiet_hours": None, **ctx},
                                      handle_signals=False, poll_delay=0.02, cron_jobs=[],
                                      job_completion_wait=0))
    main = asyncio.create_task(worker.main())
    try:
        idle = 0
        while idle < 3:  # three quiet looks in a row: nothing due, nothing running
            await asyncio.sleep(0.05)
            if main.done():
                main.result()  # start-up failed: raise it
            due = await arq.zcount(default_queue_name, "-inf", timestamp_ms())
            running = any(not t.done() for t in worker.tasks.values())
            idle = idle + 1 if due == 0 and not running else 0
    finally:
        main.cancel()
        await asyncio.gather(main, return_exceptions=True)
        await worker.close()
        await arq.aclose()
        notify_queue.use_pool(previous)


async def stream_into(app: Any, path: str, headers: dict[str, str], chunks: Any, *, method: str = "POST",
                      query: dict[str, str] | None = None) -> tuple[int, dict[str, Any], int]:
    """Send the chunks (an iterator) straight into the ASGI app, so a test sees how much of a body
    the app read before refusing it: (status, JSON body or {"text": ...}, chunks read)."""
    import json
    from urllib.parse import urlencode

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": path, "raw_path": path.encode(), "root_path": "",
             "query_string": urlencode(query or {}).encode(),
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
             "client": ("127.0.0.1", 50001), "server": ("testserver", 80), "state": {}}
    read = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal read
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        read += 1
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, json.loads(body) if body.startswith(b"{") else {"text": body.decode()}, read
