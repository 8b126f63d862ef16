from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy import stack


@pytest.fixture
def bouncer(embedded, tmp_path: Path) -> Iterator[int]:
    """Debian's pgbouncer in transaction mode in front of the test server, with two server
    connections for more client connections, so a client's next transaction often lands on the
    other one (where its prepared statements do not exist)."""
    proc, port = stack.pgbouncer(tmp_path / "pgbouncer", embedded.database_url, pool_size=2)
    yield port
    proc.stop(10)
