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
