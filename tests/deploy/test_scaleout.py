"""A small scale-out run in CI (bench/scaleout.py is the full one): real nginx, two API processes,
two workers, pgbouncer in transaction mode, one PostgreSQL, one Redis, a fake Aliyun."""

from __future__ import annotations

import pytest

from tests.deploy import scaleout

pytestmark = pytest.mark.serial  # make test runs these alone (see the Makefile)


@pytest.mark.slow
@pytest.mark.timeout(240)
async def test_two_apis_and_two_workers_behind_nginx_and_pgbouncer_lose_and_oversell_nothing(tmp_path):
    figures = (await scaleout.run(scaleout.SMALL, tmp_path, scaleout.booking_rush)).values
    small = scaleout.SMALL
    for rush in ("rush", "kill"):
        assert figures[f"{rush}_oversold"] == 0
        assert figures[f"{rush}_duplicates"] == 0
        assert figures[f"{rush}_phantoms"] == 0
        assert figures[f"{rush}_booked"].startswith(f"{small.capacity} of {small.capacity} ")
        assert set(figures[f"{rush}_statuses"]) <= {201, 409}, figures[f"{rush}_statuses"]
    # one API process dead: the other answered everything that came after
    assert figures["kill_after_ok"] > 0 and figures["kill_after_failed"] == 0
    # SIGTERM: everything in flight at that process completed; nginx kept answering meanwhile
    assert figures["term_held"] == small.in_flight == figures["term_completed"]
    assert figures["term_clean_exit"] and figures["term_side_ok"] == 40
    # the fan-out: both workers, one restarted part-way, nothing twice, nothing lost
    assert figures["fanout_messages"] == small.messages
    assert figures["fanout_duplicates"] == 0 and figures["fanout_lost"] == 0
    assert figures["fanout_worker_exit"] == 0
