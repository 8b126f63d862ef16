"""The reform figures (改革成效) computed in SQL (figures), and the bulk demo data (demo). Other areas
import the names below."""

from __future__ import annotations

from api.stats.service.figures import (
    CALENDAR_FIRST, CALENDAR_LAST, MAX_RANGE_DAYS, RangeInvalid, seed_workday_calendar, rebuild_rollups, reform,
)
from api.stats.service.design import trips_by_design
from api.stats.service.demo import CHUNK, LEVEL_WEIGHTS, load, vacuum_after_load
