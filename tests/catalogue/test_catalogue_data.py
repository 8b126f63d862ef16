from __future__ import annotations

from api.catalogue.service import load_data_file

DOMAIN_SERVICES = {
    "taxi-driver-cert", "ride-hailing-driver-cert", "taxi-driver-registration",
    "ride-hailing-vehicle-permit", "freight-operating-permit", "freight-vehicle-cert",
    "oversize-transport-permit", "charter-filing", "ship-operating-cert", "repair-filing",
    "dangerous-goods-permit", "open-transport-company", "bulky-cargo",
}


async def test_every_service_of_the_domain_table_is_seeded_with_its_steps(db):
    codes = {r["code"] for r in await db.fetch("SELECT code FROM services")}
    assert DOMAIN_SERVICES <= codes
    without_steps = await db.fetch("SELECT code FROM services s WHERE NOT EXISTS "
                                   "(SELECT 1 FROM service_steps t WHERE t.service_code = s.code)")
    assert not without_steps
    members = await db.fetch("SELECT member_code FROM bundle_members WHERE bundle_code = 'bulky-cargo' ORDER BY position")
    assert [m["member_code"] for m in members] == ["oversize-transport-permit", "city-road-special-vehicle",
                                                   "temporary-plate"]


def test_the_catalogue_uses_the_faq_figures():
    specs = {s.code: s for s in load_data_file()}
    oversize = specs["oversize-transport-permit"]
    assert (oversize.kind, oversize.auto_decide, oversize.legal_days) == ("instant", True, 15)  # F044
    assessment = next(o for s in oversize.situations for o in s.options if o.promised_days)
    assert assessment.promised_days == 10 and assessment.instant is False  # F044
    assert len(oversize.materials) == 5  # F043: 12 cut to 5 (one more only when an escort is needed)
    dg = specs["dangerous-goods-permit"]
    assert (dg.promised_days, dg.legal_days, dg.zero_trip, dg.visit_steps) == (10, 20, False, ["inspection"])  # F074/76
    assert specs["open-transport-company"].promised_days == 5  # F080
    assert specs["freight-operating-permit"].kind == "instant"  # F034
    assert specs["ship-operating-cert"].rules[0].days == 90  # F061
    assert specs["taxi-driver-cert"].visit_steps == ["exam"]  # F007
    for spec in specs.values():
        for material in spec.materials:
            assert set(material.types) <= {"jpg", "png", "pdf"} and material.max_bytes == 10 * 1024 * 1024  # F101
