"""The bureau's document signing key and certificate (licence PDFs, decision letters, audit checkpoints).

Production names PEM files in ``ZSB_SIGNING_KEY_FILE`` and ``ZSB_SIGNING_CERT_FILE`` (the key may be
encrypted: ``ZSB_SIGNING_KEY_PASSWORD``). Elsewhere, when they are unset, a self-signed development
certificate is made once under ``<var_dir>/signing/`` (``make dev`` makes it at start; tests under
their temporary var dir) and kept: documents signed with it verify against that file. Its subject
says what it is, so nobody mistakes it for the bureau's. README "Signed documents" tells how to put a
CA-issued (or SM2) certificate in its place.
"""

from __future__ import annotations

import datetime
import os
import threading
from pathlib import Path
from typing import Any, NamedTuple

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from pyhanko.sign import signers
from pyhanko.sign.general import get_pyca_cryptography_hash

DEV_SUBJECT = "掌上办开发用文书签名证书（自签名）"  # a CN holds at most 64 characters
_cache: dict[tuple[str, str], DocumentKey] = {}
_lock = threading.Lock()


class _LoadedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner parses its private key again for every signature (about 150 ms for an
    RSA key, cryptography checking the key each time); this one signs with the key loaded once."""

    loaded_key: Any = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        digest = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(self.loaded_key, rsa.RSAPrivateKey):
            return self.loaded_key.sign(data, padding.PKCS1v15(), digest)
        if mechanism == "ecdsa" and isinstance(self.loaded_key, ec.EllipticCurvePrivateKey):
            return self.loaded_key.sign(data, ec.ECDSA(digest))
        return super().sign_raw(data, digest_algorithm)


class SigningKeyMissing(RuntimeError):
    """Production without ZSB_SIGNING_KEY_FILE / ZSB_SIGNING_CERT_FILE: nothing is signed."""


class DocumentKey(NamedTuple):
    signer: Any  # pyhanko SimpleSigner: PAdES signatures
    private_key: Any  # cryptography private key: audit checkpoints
    certificate: x509.Certificate
    cert_path: str

    @property
    def cert_der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    def sign_digest(self, data: bytes) -> bytes:
        if isinstance(self.private_key, rsa.RSAPrivateKey):
            return self.private_key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        return self.private_key.sign(data, ec.ECDSA(hashes.SHA256()))


def verify_digest(cert_der: bytes, data: bytes, signature: bytes) -> bool:
    """Whether ``signature`` over ``data`` was made by the key of the certificate ``cert_der``."""
    public = x509.load_der_x509_certificate(cert_der).public_key()
    try:
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        else:
            public.verify(signature, data, ec.ECDSA(hashes.SHA256()))
    except Exception:  # InvalidSignature, or a key of another kind
        return False
    return True


def dev_paths(settings: Any) -> tuple[Path, Path]:
    folder = Path(settings.var_dir) / "signing"
    return folder / "dev-key.pem", folder / "dev-cert.pem"


def ensure_dev_certificate(settings: Any) -> tuple[Path, Path]:
    """Make the self-signed development key and certificate once (idempotent, safe across processes:
    each file appears whole by rename, the certificate last)."""
    key_path, cert_path = dev_paths(settings)
    if cert_path.exists() and key_path.exists():
        return key_path, cert_path
    key_path.parent.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "市交通运输局"),
                      x509.NameAttribute(NameOID.COMMON_NAME, DEV_SUBJECT)])
    now = datetime.datetime.now(datetime.timezone.utc)
    usage = x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                          encipher_only=False, decipher_only=False)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage, critical=True)
            .sign(key, hashes.SHA256()))
    if cert_path.exists() and key_path.exists():  # another process was quicker
        return key_path, cert_path
    tag = f".{os.getpid()}.{threading.get_ident()}.tmp"
    Path(str(key_path) + tag).write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                            serialization.NoEncryption()))
    os.chmod(str(key_path) + tag, 0o600)
    os.replace(str(key_path) + tag, key_path)
    Path(str(cert_path) + tag).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    os.replace(str(cert_path) + tag, cert_path)
    return key_path, cert_path


def paths(settings: Any) -> tuple[str, str]:
    """(key file, certificate file) the settings name, or the development pair outside production."""
    if settings.signing_key_file and settings.signing_cert_file:
        return settings.signing_key_file, settings.signing_cert_file
    if settings.env == "production":
        raise SigningKeyMissing("ZSB_SIGNING_KEY_FILE / ZSB_SIGNING_CERT_FILE are required in production")
    key_path, cert_path = ensure_dev_certificate(settings)
    return str(key_path), str(cert_path)


def forget_loaded() -> None:
    """Forget the keys loaded so far: the next use loads them from their files again (the tests make a
    new development pair in the same folder for each test)."""
    with _lock:
        _cache.clear()


def document_key(settings: Any) -> DocumentKey:
    """The signing key of these settings, loaded once per process."""
    key_file, cert_file = paths(settings)
    with _lock:
        found = _cache.get((key_file, cert_file))
        if found is None:
            password = settings.signing_key_password.encode() if settings.signing_key_password else None
            loaded = signers.SimpleSigner.load(key_file, cert_file, key_passphrase=password)
            if loaded is None:  # pyHanko logs why and returns None
                raise SigningKeyMissing(f"cannot load the signing key {key_file} with certificate {cert_file}")
            private_key = serialization.load_pem_private_key(Path(key_file).read_bytes(), password=password)
            signer = _LoadedKeySigner(signing_cert=loaded.signing_cert, signing_key=loaded.signing_key,
                                      cert_registry=loaded.cert_registry)
            signer.loaded_key = private_key
            certificate = x509.load_pem_x509_certificate(Path(cert_file).read_bytes())
            found = _cache[(key_file, cert_file)] = DocumentKey(signer, private_key, certificate, cert_file)
        return found
