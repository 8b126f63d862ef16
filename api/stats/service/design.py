"""The trips each service requires by design (跑动次数): the one reform figure the product itself
determines, read from the catalogue alone. A trip is a visit the service cannot do without — a
window check of originals, an on-site inspection, an exam, an in-person pick-up — and each is
named with its reason, so a bureau can say which services are zero-trip, one-trip, and why."""

from __future__ import annotations

from typing import Any

from api.catalogue import service as catalogue
from api.catalogue.schemas import ServiceSpec
from api.stats.schemas import DesignedTrip, ServiceTrips, TripsByDesign

# why each kind of visit is needed, in the words a bureau publishes
REASONS: dict[str, str] = {
    "window_checkin": "到窗口核验原件",
    "inspection": "现场核查（车辆、场地或设备须实地查看）",
    "exam": "本人参加考试",
    "pickup": "到窗口领取实体证件",
}
VISIT_NAMES: dict[str, str] = {"window_checkin": "窗口核验", "inspection": "现场核查", "exam": "考试",
                               "pickup": "窗口领证"}


def _trips(spec: ServiceSpec) -> ServiceTrips:
    visits = [DesignedTrip(step=s, name=VISIT_NAMES[s], reason=REASONS[s]) for s in spec.visit_steps]
    return ServiceTrips(code=spec.code, name=spec.name, kind=spec.kind, is_bundle=spec.is_bundle,
                        zero_trip=spec.zero_trip, trips=len(visits), visits=visits)


async def trips_by_design(conn: Any) -> TripsByDesign:
    """Every active service and bundle with its designed trips, and how many are zero-, one- and
    more-trip services (the catalogue as it stands now, admin edits included)."""
    services = sorted((_trips(s) for s in await catalogue.all_specs(conn) if s.active),
                      key=lambda s: (s.trips, s.code))
    return TripsByDesign(services=services, zero_trip_services=sum(s.trips == 0 for s in services),
                         one_trip_services=sum(s.trips == 1 for s in services),
                         more_trip_services=sum(s.trips > 1 for s in services))
