"""Licences: the library of electronic licences (library: issuing a decided case's licences, revoking
what they replace), and the paper licence after the decision: the staff's delivery (delivery), the
applicant's side (my_delivery) and the window pickup (pickup). Other areas import the names below."""

from __future__ import annotations

from api.licences.service.library import (
    licence_period, SUBJECT_FIELD, CANCELLING, issue_licences, of_application, of_holder,
)
from api.licences.service.pickup import (
    HOLD_DAYS, PICKUP_CHOICE, ProxyLetterRequired, PickupNotChosen, chose_pickup, prepare, site, collector_note,
    check_collector, lapse_uncollected, authorisation_letter,
)
from api.licences.service.delivery import (
    RESHIP_NOTES, DeliveryNotFound, DeliveryDone, TrackingNoInUse, NotShippedYet, prepare_delivery, delivery_out,
    list_deliveries, ship, hand_over, reship,
)
from api.licences.service.my_delivery import (
    LicenceAlreadyShipped, LicenceAlreadyCollected, NoPaperLicence, PickupOnly, PickupSiteUnknown, STATUS_LABELS,
    change_delivery,
)
