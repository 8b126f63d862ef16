from __future__ import annotations

from api.catalogue.service import load_data_file, members_applying


def test_the_company_bundle_applies_for_the_vehicle_certificate_only_with_a_vehicle():
    """F082: 车辆尚未购置的，也可先办许可证，购车后再单独申请道路运输证配发."""
    specs = {s.code: s for s in load_data_file()}
    bundle = specs["open-transport-company"]
    members = [specs[code] for code in bundle.members]
    codes = lambda answers: [m.code for m in members_applying(bundle, members, answers)]  # noqa: E731
    assert codes({"hasVehicle": "yes"}) == ["business-licence-check", "freight-operating-permit", "freight-vehicle-cert"]
    assert codes({"hasVehicle": "no"}) == ["business-licence-check", "freight-operating-permit"]
