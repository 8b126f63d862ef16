"""The signing key comes from settings (issue 22): the configured key and certificate sign, a document
checks only against the certificate it was signed with, and production never falls back to a
self-signed development certificate."""

from __future__ import annotations

import asyncio

import msgspec
import pytest

from api.documents import keys, sign
from api.documents.render import draw_and_sign
from api.settings import Settings

CONTENT = {"layout": "licence", "title": "道路运输证", "number": "330300-2026-YZ-000001X", "holder": "温州顺达物流有限公司",
           "holderId": None, "lines": [["车牌号", "浙C40001"]], "validity": "2026年12月6日至2032年12月5日",
           "authority": "市交通运输局", "issuedOn": "2026年12月6日", "verifyUrl": "http://127.0.0.1:8000/verify/x"}


async def test_the_configured_key_signs_and_only_its_certificate_validates(tmp_path):
    bureau = Settings(env="test", jwt_secret="x" * 40, var_dir=str(tmp_path / "bureau"))
    key_file, cert_file = keys.ensure_dev_certificate(bureau)  # stands for the bureau's CA-issued pair
    configured = Settings(env="test", jwt_secret="x" * 40, var_dir=str(tmp_path / "elsewhere"),
                          signing_key_file=str(key_file), signing_cert_file=str(cert_file))
    assert keys.paths(configured) == (str(key_file), str(cert_file))
    assert not (tmp_path / "elsewhere" / "signing").exists()  # no development pair made beside it
    signed = await asyncio.to_thread(draw_and_sign, CONTENT, configured)  # as the job runs it: in a thread
    assert (await sign.check(signed, str(cert_file))).valid
    other = keys.ensure_dev_certificate(Settings(env="test", jwt_secret="x" * 40, var_dir=str(tmp_path / "other")))[1]
    checked = await sign.check(signed, str(other))
    assert checked.intact and not checked.trusted and not checked.valid


def test_production_without_a_configured_key_refuses_to_sign(tmp_path):
    production = msgspec.structs.replace(Settings(env="test", jwt_secret="x" * 40, var_dir=str(tmp_path)),
                                         env="production")
    with pytest.raises(keys.SigningKeyMissing):
        keys.document_key(production)
    assert not (tmp_path / "signing").exists()
