"""A lifecycle service's shape (issue 22): the service acts on one licence of the applicant's library."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta

from api.types import Schema

Code = Annotated[str, Meta(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$")]


class LifecycleSpec(Schema, forbid_unknown_fields=True):
    """换证 renew (opens ``opensDaysBefore`` days before expiry, F061/F134 90; F022 30), 补发 reissue
    (F150), 变更 change (the form's fields replace the licence's details, F036/F070), cancel (注销 or
    作废 at the holder's request, F029/F041/F046/F058/F070): a licence of ``licenceType``, chosen by id."""

    kind: Literal["renew", "reissue", "change", "cancel"]
    licence_type: Code
    opens_days_before: Annotated[int, Meta(ge=1, le=366)] = 90
