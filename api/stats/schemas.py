from __future__ import annotations

from datetime import date
from typing import Literal

from api.types import Schema

Period = Literal["day", "week", "month", "quarter", "year"]


class RatingLevels(Schema, frozen=True):
    """Ratings per level: 5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意."""

    level5: int = 0
    level4: int = 0
    level3: int = 0
    level2: int = 0
    level1: int = 0


class Figures(Schema):
    """The reform figures of one period and service (or of all services / all periods when null).

    Shares are fractions (0.5 = 50 %). Cases are the applications submitted in the period (as the
    bureaus define each figure, DOMAIN.md): online = filed and decided without any window visit,
    by a subject verified when filing, and not entered for the person at a window (F083); zero
    trips = no visit of any kind (window check-in, on-site inspection, exam, in-person pick-up);
    instant = decided by the rules on submission (not merely a service declared instant);
    working days are counted on the State Council calendar from the day of submission to the day
    of decision (a same-day decision is 0), less the days the clock was legally paused (exam,
    inspection, technical assessment, supplement); exempted = materials a licence of the library
    (issued here, mirrored from the sharing service or imported) stood for, never an upload."""

    period: date | None
    service_code: str | None
    service_name: str | None
    cases: int = 0
    online_cases: int = 0
    online_share: float | None = None
    zero_trip_cases: int = 0
    zero_trip_share: float | None = None
    trips: int = 0
    average_trips: float | None = None
    instant_cases: int = 0
    instant_share: float | None = None
    decided_cases: int = 0
    average_workdays_to_decision: float | None = None
    p90_workdays_to_decision: int | None = None
    materials_applicable: int = 0
    materials_asked: int = 0
    materials_exempted: int = 0
    exempted_share: float | None = None
    ratings: int = 0
    ratings_by_level: RatingLevels = RatingLevels()
    four_stars_or_better: int = 0
    four_stars_or_better_share: float | None = None
    bad_reviews: int = 0
    bad_reviews_followed_up_on_time: int = 0
    bad_reviews_on_time_share: float | None = None
    bad_reviews_overdue: int = 0
    # electronic licences issued through cases in the period (Jining's 电子证照 figure; licences
    # brought in from other authorities are not counted)
    licences_issued: int = 0
    # help-desk consultations recorded in the period, and those a person answered (Ningbo); on the
    # all-services rows only, a consultation is not about one service
    consultations: int = 0
    consultations_answered_by_person: int = 0
    consultations_by_person_share: float | None = None


class ReformFigures(Schema):
    from_date: date
    to_date: date
    period: str
    service_code: str | None
    rows: list[Figures]        # per period and service
    periods: list[Figures]     # per period, all services
    total: Figures             # the whole range, all services


class DesignedTrip(Schema, frozen=True):
    step: str    # window_checkin | inspection | exam | pickup
    name: str    # 窗口核验, 现场核查, 考试, 窗口领证
    reason: str  # why the service cannot do without it


class ServiceTrips(Schema, frozen=True):
    code: str
    name: str
    kind: str
    is_bundle: bool
    zero_trip: bool
    trips: int   # the visits a case needs by design (跑动次数)
    visits: list[DesignedTrip]


class TripsByDesign(Schema):
    """The trips each service requires by design, from the catalogue alone (fewest first)."""

    services: list[ServiceTrips]
    zero_trip_services: int
    one_trip_services: int
    more_trip_services: int
