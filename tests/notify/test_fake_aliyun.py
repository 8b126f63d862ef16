from __future__ import annotations

from tests.fakes.aliyun import pop_signature

# Aliyun's documented SendSms GET example (SDK-NOTES): AccessKeySecret "testSecret".
DOCUMENTED = {
    "AccessKeyId": "testId", "Action": "SendSms", "Format": "XML", "OutId": "123", "PhoneNumbers": "15300000001",
    "RegionId": "cn-hangzhou", "SignName": "阿里云短信测试专用", "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466", "SignatureVersion": "1.0",
    "TemplateCode": "SMS_71390007", "TemplateParam": '{"customer":"test"}', "Timestamp": "2017-07-12T02:42:19Z",
    "Version": "2017-05-25",
}


def test_the_fake_verifies_signatures_with_the_published_test_vector():
    assert pop_signature("GET", DOCUMENTED, "testSecret") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="
    assert pop_signature("GET", DOCUMENTED, "wrongSecret") != "zJDF+Lrzhj/ThnlvIToysFRq6t4="
    assert pop_signature("GET", {**DOCUMENTED, "Signature": "ignored"}, "testSecret") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def test_the_benchmarks_asyncio_fake_checks_the_real_sdk_the_same_way(settings):
    """bench/notify_fanout.py runs the fake on its asyncio transport: the same signature check
    and the same records as the tests' threaded one."""
    import msgspec

    from notify.sms import AliyunSms
    from tests.fakes.aliyun import ACCESS_KEY_ID, ACCESS_KEY_SECRET, FakeAliyun

    fake = FakeAliyun(transport="asyncio")
    try:
        live = msgspec.structs.replace(settings, sms_provider="aliyun", aliyun_access_key_id=ACCESS_KEY_ID,
                                       aliyun_access_key_secret=ACCESS_KEY_SECRET, aliyun_sms_endpoint=fake.host,
                                       aliyun_sms_protocol="http")
        sent = AliyunSms(live).send(phone="13800001111", template="SMS_1", params={"code": "123456"}, out_id="42")
        assert sent.verdict == "accepted" and sent.biz_id
        [message] = fake.messages("13800001111")
        assert message["out_id"] == "42" and message["params"] == {"code": "123456"}
        wrong = msgspec.structs.replace(live, aliyun_access_key_secret="not-the-secret")
        refused = AliyunSms(wrong).send(phone="13800001111", template="SMS_1", params={}, out_id="43")
        assert refused.verdict == "pause" and refused.code in ("SignatureDoesNotMatch", "InvalidAccessKeySecret")
        assert fake.rejected_signatures == 1 and len(fake.messages()) == 1
    finally:
        fake.close()
