"""Every console route answers every role as the console's access table says (api/console/access.py),
a route without a row fails, and each row agrees with the API's access table for the operation it
mirrors: a page never lets anyone do what the API would refuse them, nor the other way round."""

from __future__ import annotations

import re
from typing import Any

import httpx
from litestar.routes import HTTPRoute, WebSocketRoute

from api.console.access import ACCESS, POLICIES
from tests.console.helpers import account, sign_in
from tests.security import test_access_matrix as api_matrix

ROLES: dict[str, tuple[list[str], list[str]]] = {
    "approver": (["approver"], ["accept"]), "helpdesk": (["helpdesk"], []), "admin": (["admin"], []),
    "lead": (["lead"], ["decide"]),
}


def console_operations(app: Any) -> list[tuple[str, str, str]]:
    ops = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/console") or "/static" in route.path:
            continue
        for handler in route.route_handlers:
            for method in handler.http_methods:
                if method in ("HEAD", "OPTIONS"):
                    continue
                ops.append((method, route.path, str(handler.operation_id)))
    return ops


def _url(path: str) -> str:
    path = re.sub(r"\{\w+:int\}", "987654", path)
    return re.sub(r"\{\w+:str\}", "no-such-thing", path)


def _expected(policy: str, role: str) -> Any:
    allowed = POLICIES[policy]
    if role in allowed:
        return "in"
    return 401 if role == "anonymous" else 403


def _meets(expected: Any, status: int) -> bool:
    if status >= 500:
        return False
    return status not in (401, 403) if expected == "in" else status == expected


async def test_every_console_route_has_a_row_and_answers_every_role_as_it_says(client, db):
    operations = console_operations(client.app)
    ids = {op for _, _, op in operations}
    missing = sorted(ids - set(ACCESS))
    assert not missing, f"console routes without a row in api/console/access.py: {missing}"
    gone = sorted(set(ACCESS) - ids)
    assert not gone, f"rows without a console route: {gone}"
    # the help desk's live socket: a WebSocket route, guarded like the help-desk pages
    sockets = [r for r in client.app.routes if isinstance(r, WebSocketRoute) and r.path.startswith("/console")]
    assert sockets and all([g.__name__ for g in r.route_handler.guards or []] == ["requires_helpdesk_or_admin"]
                           for r in sockets)

    jars: dict[str, httpx.Cookies] = {}
    for n, (role, (roles, steps)) in enumerate(ROLES.items()):
        await account(db, phone=f"1390000{8100 + n}", roles=roles, steps=steps, name=f"{role}人员")
        client.cookies.clear()
        assert (await sign_in(client, f"1390000{8100 + n}")).status_code == 200
        jars[role] = httpx.Cookies(client.cookies)
    client.cookies.clear()
    await client.get("/console/login")  # an anonymous visitor with a CSRF cookie: the guard answers, not CSRF
    jars["anonymous"] = httpx.Cookies(client.cookies)

    wrong: list[str] = []
    # sign-out last: it ends the session the other rows use
    for method, path, op_id in sorted(operations, key=lambda o: o[2] == "consoleLogout"):
        policy = ACCESS[op_id][0]
        for role in ("anonymous", *ROLES):
            if policy == "public" and role != "anonymous":
                continue  # the sign-in pages: the same for everyone, and posting them would sign the role out
            client.cookies = httpx.Cookies(jars[role])
            headers = {"hx-request": "true", "x-csrftoken": client.cookies.get("zsb_csrf") or ""}
            res = await client.request(method, _url(path), headers=headers, data={} if method != "GET" else None)
            expected = _expected(policy, role)
            if not _meets(expected, res.status_code):
                wrong.append(f"{op_id} {method} {path} as {role}: {res.status_code}, expected {expected}")
    assert not wrong, "\n".join(wrong)


def test_each_row_lets_through_whom_the_api_operation_it_mirrors_lets_through():
    # the API table's columns for the same people: anonymous, an approver, a help-desk agent, an admin
    columns = {"anonymous": 0, "approver": 3, "helpdesk": 4, "admin": 5}
    differ = []
    for op_id, (policy, api_op) in ACCESS.items():
        if api_op is None:
            continue
        api_row = api_matrix.POLICIES[api_matrix.ACCESS[api_op]]
        for role, col in columns.items():
            api_says = "in" if api_row[col] in (api_matrix.IN, api_matrix.OWN) else api_row[col]
            if api_says != _expected(policy, role):
                differ.append(f"{op_id} ({policy}) vs {api_op} for {role}: console {_expected(policy, role)}, "
                              f"API {api_says}")
    assert not differ, "\n".join(differ)
