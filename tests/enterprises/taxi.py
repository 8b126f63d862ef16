"""A taxi company's registration of its driver (F017), filed, with the labour contract, confirmed by the driver."""

from __future__ import annotations

from typing import Any

from stdnum.cn import uscc

from tests.applications.helpers import licence
from tests.approvals.helpers import people
from tests.enterprises.helpers import API
from tests.factories import act_as_enterprise, applicant
from tests.samples import PDF

TAXI_CO = "91330302MA2K7X1C3" + uscc.calc_check_digit("91330302MA2K7X1C3")
TAXI_CO_NAME = "温州顺风出租汽车有限公司"


async def register(client: Any, boss: dict[str, Any], driver: dict[str, Any]) -> Any:
    return await client.post(f"{API}/agency/taxi-registrations", headers=boss["headers"], json={
        "driverName": driver["identity"]["name"], "driverIdNumber": driver["identity"]["idNumber"],
        "plateNo": "浙CT1234"})


async def confirmed_registration(client: Any, db: Any, who: dict[str, Any] | None = None,
                                 boss: dict[str, Any] | None = None) -> dict[str, Any]:
    """The driver (``people``' applicant, with library licences), the company, the filing confirmed by
    the driver with the labour contract uploaded: ready to submit."""
    who = who or await people(client, db)
    if boss is None:
        for kind in ("taxi_driver_qualification", "driving_licence"):
            await licence(db, who["applicant_id"], kind, f"{kind}-wang")
        boss = await act_as_enterprise(client, await applicant(client, "taxiboss"), TAXI_CO, TAXI_CO_NAME)
    res = await register(client, boss, who["applicant"])
    assert res.status_code == 201, res.text
    filing = res.json()
    up = await client.put(f"{API}/applications/{filing['applicationId']}/materials/labour_contract",
                          headers=boss["headers"], files={"file": ("劳动合同.pdf", PDF, "application/pdf")})
    assert up.status_code == 200, up.text
    ok = await client.post(f"{API}/agency/filings/{filing['id']}/confirm", headers=who["applicant"]["headers"], json={})
    assert ok.status_code == 200, ok.text
    return {"who": who, "boss": boss, "filing": filing, "app_id": filing["applicationId"],
            "company_name": TAXI_CO_NAME, "credit_code": TAXI_CO}
