"""The acting subject costs a database read only for tokens acting for an enterprise: a person's
requests (the booking rush) are served without one."""

from __future__ import annotations

from typing import Any

from tests.enterprises.helpers import API, act_for, credit_code, enterprise, verified


class CountingPool:
    """The app's pool, counting the connections taken from it."""

    def __init__(self, pool: Any) -> None:
        self.pool, self.taken = pool, 0

    def acquire(self, *args: Any, **kwargs: Any) -> Any:
        self.taken += 1
        return self.pool.acquire(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.pool, name)


async def test_only_an_enterprise_token_reads_its_grant_per_request(client):
    boss = await verified(client, "boss", "王大锤", "11010519800101125")
    ent = await enterprise(client, boss, credit_code("91330300MA2ABCDE1"), "温州顺达物流有限公司")
    as_ent = await act_for(client, boss, ent)
    counting = CountingPool(client.app.state.pool)
    client.app.state.pool = counting
    try:
        taken = []
        for headers in (boss["headers"], as_ent):
            before = counting.taken
            assert (await client.get(f"{API}/applications", headers=headers)).status_code == 200
            taken.append(counting.taken - before)
    finally:
        client.app.state.pool = counting.pool
    assert taken == [1, 2]  # the request's own connection; plus the grant's read when acting for it
