"""Verified persons: the identity record (one verified person <-> one account) and face verification.

Other domains call ``api.identity.service`` (``record_verified``, ``identity_of``, ``verified_identity``,
``id_number_of``) and the gate below (F088: ``require_verified``, 409 ``identity_required``). Nothing
here imports ``api.settings`` (which imports ``crypto``).
"""

from api.identity.forms import applicant_of
from api.identity.gate import require_verified, require_verified_claim
from api.identity.service import id_number_of, identity_of, verified_identity
from api.identity.window import account_by_phone

__all__ = ["applicant_of", "account_by_phone", "id_number_of", "identity_of", "require_verified", "require_verified_claim",
           "verified_identity"]
