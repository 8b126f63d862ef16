"""Licences from the provincial e-licence sharing service (issue 21; FAQ F003, F011, F025, F099): a
driving licence there exempts the material and fills the form; a vehicle licence of another plate,
an expired or a revoked licence exempts nothing; a platform that is down or slow blocks nothing; a
bad signature is refused by the platform and the adapter says so."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import asyncpg
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.clock import today
from api.licences.sources.records import Holder, SourceRefused
from api.licences.sources.share import PATH, ShareSource
from tests.factories import applicant
from tests.fakes.eshare import APP_KEY, APP_SECRET, FakeShare

API = "/api/v1"


@pytest.fixture
def share() -> Any:
    fake = FakeShare()
    yield fake
    fake.close()


@pytest.fixture
async def share_client(settings, share) -> Any:
    config = msgspec.structs.replace(settings, licence_share_url=share.url, licence_share_app_key=APP_KEY,
                                     licence_share_app_secret=APP_SECRET, licence_share_timeout_seconds=0.5)
    async with AsyncTestClient(app=create_app(config), timeout=30) as client:
        yield client


def _person(share: FakeShare, who: dict, type_code: str, number: str, name: str, **more: Any) -> str:
    return share.add(holder_id_type="resident_id", holder_id_number=who["identity"]["idNumber"],
                     holder_name=who["identity"]["name"], type_code=type_code, number=number, name=name, **more)


async def _checklist(client, who, code: str, answers: dict) -> dict:
    res = await client.post(f"{API}/services/{code}/checklist", json={"answers": answers}, headers=who["headers"])
    assert res.status_code == 200, res.text
    return res.json()


async def test_a_driving_licence_from_the_source_exempts_the_material_and_fills_the_form(share_client, share, db):
    me = await applicant(share_client, "src-driver")
    _person(share, me, "JDCJSZ", "330302199001011234", "机动车驾驶证", data={"firstIssueDate": "2015-03-01"})
    body = await _checklist(share_client, me, "taxi-driver-cert", {"household": "local"})
    materials = {m["code"]: m for m in body["materials"]}
    assert materials["driving_licence"]["exempt"] is True and body["licenceDataUnavailable"] is False
    assert "省电子证照共享平台" in materials["driving_licence"]["exemptReason"]
    fields = {f["code"]: f for f in body["fields"]}
    assert fields["firstLicenceDate"]["value"] == "2015-03-01" and fields["firstLicenceDate"]["locked"] is True
    assert fields["applicantName"]["value"] == me["identity"]["name"] and fields["applicantName"]["locked"] is True
    assert fields["idNumber"]["value"] == me["identity"]["idNumber"]
    # the request was signed, and asked by the verified person's ID for the checklist's types only
    asked = share.calls(PATH)[-1]
    assert asked.headers["x-app-key"] == APP_KEY and asked.headers["x-signature"]
    assert asked.json()["holderIdNumber"] == me["identity"]["idNumber"] and "JDCJSZ" in asked.json()["licenceTypes"]
    # a repeated open is answered from the cache, not the platform
    await _checklist(share_client, me, "taxi-driver-cert", {"household": "local"})
    assert len(share.calls(PATH)) == 1

    form = {"applicantName": fields["applicantName"]["value"], "idNumber": fields["idNumber"]["value"],
            "mobile": "13812345678", "firstLicenceDate": "2015-03-01", "deliveryAddress": "温州市鹿城区车站大道1号"}
    created = await share_client.post(f"{API}/applications", headers=me["headers"], json={
        "serviceCode": "taxi-driver-cert", "answers": {"household": "local"}, "form": form})
    assert created.status_code == 201, created.text
    slot = next(m for m in created.json()["materials"] if m["code"] == "driving_licence")
    assert slot["exempt"] is True and "机动车驾驶证（330302199001011234" in slot["exemptReason"]
    row = await db.fetchrow("SELECT source, identifier, holder_id FROM licences WHERE id = $1", slot["exemptLicenceId"])
    assert row["source"] == "share" and row["identifier"].startswith("1.2.156") and row["holder_id"] == me["user"]["id"]


async def test_a_vehicle_licence_of_another_plate_does_not_exempt(share_client, share):
    me = await applicant(share_client, "src-plate")
    _person(share, me, "JDCXSZ", "330300000012345", "机动车行驶证", subject="浙C12345", data={"vehicleType": "小型轿车"})
    spec = (await share_client.get(f"{API}/services/ride-hailing-vehicle-permit")).json()
    answers = {s["code"]: s["options"][0]["value"] for s in spec["situations"]}
    answers["owner"] = "person"
    body = await _checklist(share_client, me, "ride-hailing-vehicle-permit", answers)
    assert {f["code"]: f["value"] for f in body["fields"]}.get("plateNo") == "浙C12345"
    created = await share_client.post(f"{API}/applications", headers=me["headers"], json={
        "serviceCode": "ride-hailing-vehicle-permit", "answers": answers, "form": {"plateNo": "浙C99999"}})
    assert created.status_code == 201, created.text
    app = created.json()
    assert next(m for m in app["materials"] if m["code"] == "vehicle_licence")["exempt"] is False
    res = await share_client.patch(f"{API}/applications/{app['id']}", headers=me["headers"],
                                   json={"form": {"plateNo": "浙C12345"}})
    assert res.status_code == 200, res.text
    assert next(m for m in res.json()["materials"] if m["code"] == "vehicle_licence")["exempt"] is True


async def test_an_expired_or_revoked_licence_does_not_exempt(share_client, share):
    me = await applicant(share_client, "src-expired")
    _person(share, me, "JDCJSZ", "330302199001010001", "机动车驾驶证", status="吊销")
    _person(share, me, "JDCJSZ", "330302199001010002", "机动车驾驶证",
            valid_from=date(2014, 1, 1), valid_until=today() - timedelta(days=1))
    body = await _checklist(share_client, me, "taxi-driver-cert", {"household": "local"})
    assert next(m for m in body["materials"] if m["code"] == "driving_licence")["exempt"] is False


@pytest.mark.parametrize("fault", ["slow", "down"])
async def test_the_source_down_or_slow_asks_for_an_upload_and_blocks_nothing(share_client, share, db, fault):
    me = await applicant(share_client, f"src-{fault}")
    _person(share, me, "JDCJSZ", "330302199001019999", "机动车驾驶证")
    share.delay, share.fail_status = (3.0, None) if fault == "slow" else (0.0, 503)
    body = await _checklist(share_client, me, "taxi-driver-cert", {"household": "local"})
    # the answer came without the platform's (a slow one would have exempted the licence): no waiting
    assert body["licenceDataUnavailable"] is True
    assert next(m for m in body["materials"] if m["code"] == "driving_licence")["exempt"] is False
    created = await share_client.post(f"{API}/applications", headers=me["headers"], json={
        "serviceCode": "taxi-driver-cert", "answers": {"household": "local"}, "form": {"mobile": "13812345678"}})
    submitted = await share_client.post(f"{API}/applications/{created.json()['id']}/submit", headers=me["headers"])
    assert submitted.status_code == 200, submitted.text  # a gap notice asks for the upload; nothing 5xx
    assert any("电子证照数据暂时无法获取" in (e["note"] or "") for e in submitted.json()["timeline"])
    assert await db.fetchval("SELECT licence_data_unavailable_at IS NOT NULL FROM applications WHERE id = $1",
                             created.json()["id"])


async def test_a_bad_signature_is_refused_and_the_adapter_says_so(share):
    wrong = ShareSource(share.url, APP_KEY, "not-the-secret", timeout=1.0)
    with pytest.raises(SourceRefused) as refused:
        await wrong.fetch(Holder(id_type="resident_id", id_number="11010519491231002X", name="张三"), ["driving_licence"])
    assert "signature_invalid" in str(refused.value) and "ZSB_LICENCE_SHARE_APP_SECRET" in str(refused.value)
    right = ShareSource(share.url, APP_KEY, APP_SECRET, timeout=1.0)
    assert await right.fetch(Holder(id_type="resident_id", id_number="11010519491231002X", name="张三"),
                             ["driving_licence"]) == []


async def test_an_enterprise_subject_is_looked_up_by_its_credit_code(share_client, share, db):
    from tests.enterprises.helpers import act_for, credit_code, enterprise, verified

    rep = await verified(share_client, "src-company-rep", "王小明", "11010519800101125")
    code = credit_code("91330300MA2D5RC01")
    company = await enterprise(share_client, rep, code, "温州顺风物流有限公司")
    headers = await act_for(share_client, rep, company)
    share.add(holder_id_type="uscc", holder_id_number=code, holder_name="温州顺风物流有限公司", type_code="YYZZ",
              number=code, name="营业执照")
    res = await share_client.post(f"{API}/services/business-licence-check/checklist", json={"answers": {}},
                                  headers=headers)
    assert res.status_code == 200, res.text
    material = next(m for m in res.json()["materials"] if m["code"] == "business_licence")
    assert material["exempt"] is True and "省电子证照共享平台" in material["exemptReason"]
    assert share.calls(PATH)[-1].json()["holderIdType"] == "uscc"
    row = await db.fetchrow("SELECT enterprise_id, holder_id FROM licences WHERE id = $1", material["exemptLicenceId"])
    assert row["enterprise_id"] == company and row["holder_id"] == rep["id"]
    # the person's own checklist does not see the enterprise's licence
    mine = await share_client.post(f"{API}/services/business-licence-check/checklist", json={"answers": {}},
                                   headers=rep["headers"])
    assert next(m for m in mine.json()["materials"] if m["code"] == "business_licence")["exempt"] is False



def _probe_while_asked(share: FakeShare, dsn: str, application_id: int | None) -> list[tuple[int, bool]]:
    """Each time the platform is asked, look at the database from outside while the request waits:
    how many backends sit idle in a transaction, and whether the case's row can be locked at once."""
    seen: list[tuple[int, bool]] = []
    answer = share.routes[("POST", PATH)]

    async def look() -> tuple[int, bool]:
        conn = await asyncpg.connect(dsn)
        try:
            idle = await conn.fetchval("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                       "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'")
            free = True
            if application_id is not None:
                try:
                    async with conn.transaction():
                        await conn.execute("SELECT 1 FROM applications WHERE id = $1 FOR UPDATE NOWAIT", application_id)
                except asyncpg.LockNotAvailableError:
                    free = False
            return idle, free
        finally:
            await conn.close()

    def probing(request):
        seen.append(asyncio.run(look()))  # the fake's own thread: its own event loop
        return answer(request)

    share.route("POST", PATH)(probing)
    return seen


async def test_the_platform_is_asked_before_the_transaction_opens(share_client, share, settings):
    """A slow source holds no database connection in a transaction and no lock: while it is being
    asked (checklist and submission), no backend is idle in a transaction and the case's row is free."""
    me = await applicant(share_client, "src-outside")
    _person(share, me, "JDCJSZ", "330302199001017777", "机动车驾驶证", data={"firstIssueDate": "2015-03-01"})
    seen = _probe_while_asked(share, settings.database_url, None)
    res = await share_client.post(f"{API}/services/taxi-driver-cert/checklist", json={"answers": {"household": "local"}},
                                  headers=me["headers"])
    assert res.status_code == 200, res.text
    assert next(m for m in res.json()["materials"] if m["code"] == "driving_licence")["exempt"] is True
    assert seen == [(0, True)]

    created = await share_client.post(f"{API}/applications", headers=me["headers"], json={
        "serviceCode": "taxi-driver-cert", "answers": {"household": "local"},
        "form": {"mobile": "13812345678", "firstLicenceDate": "2015-03-01", "deliveryAddress": "温州市鹿城区车站大道1号"}})
    app_id = created.json()["id"]
    seen = _probe_while_asked(share, settings.database_url, app_id)
    res = await share_client.post(f"{API}/applications/{app_id}/submit", headers=me["headers"])
    assert res.status_code == 200, res.text
    assert seen == [(0, True)]  # asked afresh on submission, with the case's row free and no transaction open
    assert next(m for m in res.json()["materials"] if m["code"] == "driving_licence")["exempt"] is True
