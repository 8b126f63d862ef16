"""Each service's form published as JSON Schema, and the API refusing exactly what it refuses."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from api.catalogue.form_schema import FORMATS
from tests.factories import applicant

API = "/api/v1"
TAXI_FORM = {"applicantName": "张三", "idNumber": "11010519491231002X", "mobile": "13812345678",
             "firstLicenceDate": "2015-03-01", "deliveryAddress": "温州市鹿城区车站大道1号"}


async def test_the_taxi_form_schema_is_published_from_the_catalogue(client):
    res = await client.get(f"{API}/services/taxi-driver-cert/form-schema")
    assert res.status_code == 200, res.text
    schema = res.json()
    Draft202012Validator.check_schema(schema)
    assert schema["additionalProperties"] is False and schema["$id"] == f"{API}/services/taxi-driver-cert/form-schema"
    props = schema["properties"]
    assert set(TAXI_FORM) <= set(props)
    assert props["idNumber"]["format"] == "cn-resident-id" and props["idNumber"]["title"]
    assert props["mobile"]["pattern"] == r"^1[3-9]\d{9}$"
    assert props["firstLicenceDate"]["format"] == "date"
    assert all("x-required" in p for p in props.values())


@pytest.mark.parametrize("change, field", [
    ({"mobile": "12345"}, "mobile"),
    ({"idNumber": "110105194912310021"}, "idNumber"),  # checksum wrong: only the format says so
    ({"firstLicenceDate": "2015/03/01"}, "firstLicenceDate"),
    ({"applicantName": 42}, "applicantName"),
    ({"shoeSize": "42"}, "shoeSize"),  # not a field of this form
    ({}, None),
    ({"mobile": ""}, None),  # empty: unanswered, the pre-review's question at submission
])
async def test_the_api_refuses_a_form_exactly_when_its_published_schema_does(client, change, field):
    schema = (await client.get(f"{API}/services/taxi-driver-cert/form-schema")).json()
    form = {**TAXI_FORM, **change}
    filled = {k: v for k, v in form.items() if v not in (None, "")}
    schema_errors = {str(e.path[0]) if e.path else "*" for e in
                     Draft202012Validator(schema, format_checker=FORMATS).iter_errors(filled)}
    me = await applicant(client, "schema")
    res = await client.post(f"{API}/applications", headers=me["headers"], json={
        "serviceCode": "taxi-driver-cert", "answers": {"household": "local"}, "form": form})
    if field is None:
        assert not schema_errors and res.status_code == 201, res.text
    else:
        assert schema_errors and res.status_code == 422, res.text
        body = res.json()
        assert body["code"] == "form_invalid" and [e["field"] for e in body["errors"]] == [f"form.{field}"]


async def test_a_bundle_publishes_its_one_merged_form(client):
    services = (await client.get(f"{API}/services")).json()
    bundle = next((s for s in services if s.get("isBundle")), None)
    if bundle is None:
        pytest.fail("the shipped catalogue has no bundle")
    schema = (await client.get(f"{API}/services/{bundle['code']}/form-schema")).json()
    detail = (await client.get(f"{API}/services/{bundle['code']}")).json()
    assert set(schema["properties"]) == {f["code"] for f in detail["fields"]}


async def test_an_unknown_service_has_no_form_schema(client):
    res = await client.get(f"{API}/services/no-such-service/form-schema")
    assert res.status_code == 404 and res.json()["code"] == "service_not_found"
