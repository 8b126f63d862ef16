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


def test_the_shipped_entries_hold_the_per_service_facts_once_kept_in_code():
    specs = {s.code: s for s in load_data_file()}
    assert {c for c, s in specs.items() if s.disclose} == {
        "freight-operating-permit", "dangerous-goods-permit", "oversize-transport-permit", "ship-operating-cert",
        "city-road-special-vehicle", "temporary-plate", "ride-hailing-vehicle-permit", "taxi-driver-cert",
        "ride-hailing-driver-cert"}
    assert {c for c, s in specs.items() if s.holder == "person"} == {
        "taxi-driver-cert", "ride-hailing-driver-cert", "taxi-driver-registration"}
    # F092: 网约车运输证 by the vehicle's registered owner (its ``owner`` situation), person or enterprise
    assert specs["ride-hailing-vehicle-permit"].holder == "either"
    # F092: businesses' licences and the cases acting on them are filed as enterprises (个体工商户 too)
    assert {c for c, s in specs.items() if s.holder == "enterprise"} == {
        "freight-operating-permit", "freight-vehicle-cert", "charter-filing", "repair-filing", "dangerous-goods-permit",
        "freight-operating-permit-renewal", "freight-operating-permit-change", "dangerous-goods-permit-renewal",
        "freight-vehicle-cert-cancel", "repair-filing-change", "repair-filing-cancel", "charter-filing-void",
        "open-transport-company"}  # F078: for companies and 个体工商户; it issues the permit and certificates
    assert {c for c, s in specs.items() if s.legal_person_only} == {"dangerous-goods-permit"}  # F072
    assert {c: [(v.kind, v.name) for v in s.visits] for c, s in specs.items() if s.visits} == {
        "freight-operating-permit": [("window", "道路普通货物运输经营许可")],
        "oversize-transport-permit": [("window", "超限运输车辆行驶公路许可")],
        "dangerous-goods-permit": [("inspection", "危险货物道路运输许可现场核查")],
        "ride-hailing-vehicle-permit": [("inspection", "网络预约出租汽车运输证")],
        "freight-vehicle-cert": [("inspection", "道路运输证配发")],
        "taxi-driver-cert": [("exam", "巡游出租汽车驾驶员从业资格考试")],
        "ride-hailing-driver-cert": [("exam", "网约车驾驶员从业资格考试")],
    }
    exams = {c: s.exam for c, s in specs.items() if s.exam}
    assert set(exams) == {"taxi-driver-cert", "ride-hailing-driver-cert"}
    assert exams["taxi-driver-cert"].required({"taxiQualified": "yes"}) == ["national", "regional"]  # F005
    assert exams["ride-hailing-driver-cert"].required({"taxiQualified": "yes"}) == ["regional"]  # F013
    assert exams["ride-hailing-driver-cert"].required(None) == ["national", "regional"]
    exam = specs["taxi-driver-cert"]
    assert [(v.change_cutoff, v.max_reschedules, v.horizon_limited) for v in exam.visits] == [
        ("prev_workday_17", 1, False)]  # F120: 17:00 the working day before, one change, opened in batches
    assert [(s.site, [(h.opens, h.closes, h.slot_minutes, h.capacity) for h in s.hours]) for s in exam.schedules] \
        == [("transport-school-exam-centre", [("09:00", "11:00", 120, 40), ("14:00", "16:00", 120, 40)])]
