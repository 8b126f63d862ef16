"""PAdES signatures on the documents' PDFs (pyHanko), and their check.

``sign`` adds one PAdES baseline signature (``ETSI.CAdES.detached``, SHA-256) by the bureau's
document key (``api.documents.keys``) covering the whole file: a PDF reader shows who signed and
that nothing changed since; any changed byte breaks it. ``check`` is pyHanko's validator against a
trusted certificate (the configured one; a CA-issued certificate's root in production).
"""

from __future__ import annotations

import io
from typing import Any, NamedTuple

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from api.documents.keys import DocumentKey


SIGNATURE_BYTES = 16384  # the CMS container: an RSA-4096 signature with a chain of a few certificates fits


class Checked(NamedTuple):
    valid: bool  # intact, cryptographically valid, trusted, covering the whole file
    intact: bool
    trusted: bool
    signer: str
    problem: str | None = None


def sign(pdf: bytes, key: DocumentKey, *, reason: str, location: str) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name="BureauSignature", subfilter=fields.SigSeedSubFilter.PADES,
                                        md_algorithm="sha256", reason=reason, location=location)
    # a fixed reservation instead of pyHanko's estimate, which signs a dummy first (a second signature)
    return signers.sign_pdf(writer, meta, signer=key.signer, bytes_reserved=SIGNATURE_BYTES).getvalue()


async def check(pdf: bytes, cert_file: str) -> Checked:
    """pyHanko's validation of the document's one signature, trusting only ``cert_file``."""
    root: Any = load_cert_from_pemder(cert_file)
    try:
        sigs = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
        if len(sigs) != 1:
            return Checked(False, False, False, "", f"{len(sigs)} signatures")
        status = await async_validate_pdf_signature(sigs[0], ValidationContext(trust_roots=[root]))
    except Exception as exc:  # a broken file is a failed check, whatever pyHanko raises
        return Checked(False, False, False, "", f"{type(exc).__name__}: {exc}")
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    return Checked(bool(status.bottom_line and whole), bool(status.intact), bool(status.trusted),
                   status.signing_cert.subject.human_friendly if status.signing_cert else "")
