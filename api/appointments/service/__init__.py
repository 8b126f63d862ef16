"""Appointments' services on the booking core (booking.py): booking, cancelling, rescheduling and the
exam sessions staff assign (reservations), and the sites and opening schedules admins edit (sites).
Other areas import the names below."""

from __future__ import annotations

# the booking core's and check-in's names the routes, console and jobs call through ``service``
from api.appointments.booking import DEFAULT_POLICY, Policy
from api.appointments.checkin import check_in, check_in_desk
from api.appointments.service.reservations import (
    service_name, book_online, prepare_booking, take_seat, get_for_user, qr_png, list_for_user, free_seat, cancel,
    cancel_exam_bookings, reschedule, assign_exam_slot,
)
from api.appointments.service.sites import (
    SiteNotFound, ScheduleNotFound, ScheduleInvalid, ScheduleTaken, SiteIn, ScheduleIn, site, update_site,
    add_schedule, update_schedule, delete_schedule,
)
