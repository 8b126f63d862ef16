"""Licences at the edge: the paper licence's delivery (EMS, re-shipping, window pickup), as staff
and the applicant see and change it. The electronic licence itself: ``api.applications.schemas.LicenceOut``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from msgspec import Meta

from api.auth.schemas import PostalAddress
from api.types import Input, Name, ResidentId, Schema, is_resident_id

SiteCode = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9-]{1,63}$", description="领证网点")]
TrackingNo = Annotated[str, Meta(pattern=r"^[A-Z0-9]{8,30}$", description="快递单号（EMS）")]


class DeliveryOut(Schema):
    id: int
    application_id: int
    public_no: str | None
    service_name: str
    method: str
    address: str | None
    status: str
    tracking_no: str | None
    applicant: str | None
    created_at: datetime
    handled_at: datetime | None
    # F131 窗口自取: the window, its last day, who collected (a proxy's name and ID masked)
    site_code: str | None = None
    site_name: str | None = None
    site_address: str | None = None
    held_until: date | None = None
    collected_by: str | None = None
    proxy_name: str | None = None
    proxy_id_number: str | None = None
    lapsed_at: datetime | None = None


class HandOverIn(Input):
    """Who collects at the window (F131): the applicant with their ID card, or a proxy with their
    own ID card and the applicant's signed authorisation letter (checked by staff)."""

    collector: Literal["applicant", "proxy"] = "applicant"
    proxy_name: Name | None = None
    proxy_id_number: ResidentId | None = None
    letter_checked: bool = False

    def __post_init__(self) -> None:
        if self.collector == "applicant":
            if self.proxy_name is not None or self.proxy_id_number is not None:
                raise ValueError("本人领取不填写代领人信息 (proxyName, proxyIdNumber)")
            return
        if not (self.proxy_name or "").strip() or self.proxy_id_number is None:
            raise ValueError("代领须填写代领人姓名和身份证号 (proxyName, proxyIdNumber)")
        self.proxy_name = self.proxy_name.strip()
        self.proxy_id_number = self.proxy_id_number.upper()
        if not is_resident_id(self.proxy_id_number):
            raise ValueError("代领人身份证号不正确（校验位或出生日期有误） (proxyIdNumber)")


class ShipmentIn(Input):
    tracking_no: TrackingNo


class ReshipmentIn(Input):
    """F130: the shipment was lost (确认寄丢) or came back (退回); the licence goes out again, free,
    under a new EMS number — to a corrected address when the old one was wrong."""

    tracking_no: TrackingNo
    reason: Literal["lost", "returned"]
    address: PostalAddress | None = None


class DeliveryChangeIn(Input):
    """F129 修改收件地址 before the licence is shipped: a new postal address (快递送达), or a window
    to collect it at instead (窗口自取, a site code)."""

    method: Literal["express", "pickup"]
    address: PostalAddress | None = None
    pickup_site: SiteCode | None = None

    def __post_init__(self) -> None:
        if self.method == "express":
            self.address = (self.address or "").strip()
            if len(self.address) < 5 or self.pickup_site is not None:
                raise ValueError("快递送达须填写完整的收件地址，不填领证网点 (address)")
        elif self.pickup_site is None or self.address is not None:
            raise ValueError("窗口自取须选择领证网点，不填收件地址 (pickupSite)")


class ShipmentOut(Schema):
    tracking_no: str
    reason: str | None  # None: the first shipment; lost / returned: why it was sent again
    shipped_at: datetime


class MyDeliveryOut(Schema):
    """The applicant's own view (办件详情): how the paper licence comes, its EMS numbers, and
    whether the address may still be changed."""

    application_id: int
    method: str
    status: str  # planned (not decided yet), pending, shipped, picked_up
    status_label: str
    address: str | None = None
    tracking_no: str | None = None
    shipments: list[ShipmentOut] = []
    site_code: str | None = None
    site_name: str | None = None
    site_address: str | None = None
    held_until: date | None = None
    can_change: bool = False


class LicenceVoidIn(Input):
    """作废 by staff (issue 22): why the licence stops being valid, shown to its holder and on /verify's record."""

    reason: Annotated[str, Meta(min_length=2, max_length=200, pattern=r"\S")]


class LicenceActionOut(Schema):
    """A lifecycle service a holder may apply for on one of their licences (换证、补发、变更、注销)."""

    service_code: str
    service_name: str
    kind: str
    available: bool  # False: not yet (a renewal before its window) or no longer (the licence is not in force)
    opens_on: date | None = None  # a renewal: the first day it may be applied for
