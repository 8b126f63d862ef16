"""The demo's 代办 and taxi registration (issue 20), each waiting for the person it is filed for, so a
reviewer sees them from both sides: 郑七 files 城市道路特种车辆通行 "为他人代办" for 吴六 and uploads the
signed authorisation letter — 吴六's 待确认事项 holds it until he confirms with the SMS code (F093);
周五's 温州顺风出租汽车有限公司 registers 赵一 as its driver with the labour contract — 赵一 confirms it on
the phone (F017). Through the API like the rest of the demo; skipped when already made."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from stdnum.cn import uscc

from api.demo import enterprises

AGENT, PRINCIPAL, PRINCIPAL_PHONE = "dev-demo-zheng", "dev-demo-wu", "13700000016"
TAXI_BOSS, DRIVER = "dev-demo-zhou", "dev-demo-zhao"  # 赵一's phone is bound by the 经办人 scenario
TAXI_CO_NAME = "温州顺风出租汽车有限公司"
TAXI_CO = "91330302MA2DEM07T" + uscc.calc_check_digit("91330302MA2DEM07T")


async def seed(d: Any, people: Any) -> None:
    # 代办 (F093): filed, letter uploaded, the SMS code sent; waits for 吴六
    if not await d.call("GET", "/agency/filings", AGENT, 200):
        await d.call("POST", "/me/phone", PRINCIPAL, 200, json={"code": f"dev-{PRINCIPAL_PHONE}"})
        form = {"companyName": "温州顺达物流有限公司", "plateNo": "浙C6D888", "cityRoute": "瓯江路—学院路",
                "startDate": (d.today + timedelta(days=7)).isoformat(),
                "endDate": (d.today + timedelta(days=37)).isoformat()}
        filed = await d.call("POST", "/agency/filings", AGENT, 201, json={
            "serviceCode": "city-road-special-vehicle", "form": form, "principalName": people[0][PRINCIPAL],
            "principalIdNumber": people[1][PRINCIPAL], "principalPhone": PRINCIPAL_PHONE})
        await d.call("POST", f"/agency/filings/{filed['id']}/letter", AGENT, 200,
                     files={"file": ("授权委托书.jpg", d.jpg, "image/jpeg")})
        d.count("agency_filings")
    # taxi registration (F017): filed by the company with the labour contract; waits for 赵一
    company = await enterprises.as_company(d, TAXI_BOSS, people, TAXI_CO, TAXI_CO_NAME)
    if not await d.call("GET", "/agency/taxi-registrations", company, 200):
        filed = await d.call("POST", "/agency/taxi-registrations", company, 201, json={
            "driverName": people[0][DRIVER], "driverIdNumber": people[1][DRIVER], "plateNo": "浙CT6688"})
        await d.call("PUT", f"/applications/{filed['applicationId']}/materials/labour_contract", company, 200,
                     files={"file": ("劳动合同.jpg", d.jpg, "image/jpeg")})
        d.count("taxi_registrations")
