"""Materials in an S3-compatible store (moto's server stands in for it, boto3 talks to it for real)."""

from __future__ import annotations

import boto3
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from api.app import create_app
from tests.applications.helpers import TAXI_FORM, upload
from tests.factories import applicant
from tests.samples import JPG

API = "/api/v1"


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


async def test_materials_go_to_the_s3_bucket_and_come_back_to_their_owner_only(settings, s3_server):
    s3 = msgspec.structs.replace(settings, s3_endpoint=s3_server, s3_bucket="zsb-materials",
                                 s3_access_key="testing", s3_secret_key="testing")
    raw = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    raw.create_bucket(Bucket="zsb-materials")
    async with AsyncTestClient(app=create_app(s3)) as client:
        me = await applicant(client, "s3user")
        other = await applicant(client, "s3other")
        created = await client.post(f"{API}/applications", headers=me["headers"], json={
            "serviceCode": "taxi-driver-cert", "answers": {"household": "local"}, "form": TAXI_FORM})
        assert created.status_code == 201, created.text
        app_id = created.json()["id"]
        assert (await upload(client, me["headers"], app_id, "photo", JPG, "me.jpg")).status_code == 200
        keys = [o["Key"] for o in raw.list_objects_v2(Bucket="zsb-materials").get("Contents", [])]
        assert len(keys) == 1
        assert raw.get_object(Bucket="zsb-materials", Key=keys[0])["Body"].read() == JPG
        mine = await client.get(f"{API}/applications/{app_id}/materials/photo", headers=me["headers"])
        theirs = await client.get(f"{API}/applications/{app_id}/materials/photo", headers=other["headers"])
        assert mine.status_code == 200 and mine.content == JPG
        assert theirs.status_code == 404
        # a re-upload replaces the object; the old one is removed once the new one is committed
        assert (await upload(client, me["headers"], app_id, "photo", JPG + b"2", "me2.jpg")).status_code == 200
        keys = [o["Key"] for o in raw.list_objects_v2(Bucket="zsb-materials").get("Contents", [])]
        assert len(keys) == 1
        assert raw.get_object(Bucket="zsb-materials", Key=keys[0])["Body"].read() == JPG + b"2"
