"""Enterprises (F091-F092): registration (registry or photo review), 经办人 grants, the acting subject.
Other areas import the names below."""

from __future__ import annotations

from api.enterprises.service.registration import (
    KIND_OF_PREFIX, checked_code, enterprise_out, register, mine, one, represented, enterprise_holder,
)
from api.enterprises.service.review import upload_photo, queue, photo, approve, refuse
from api.enterprises.service.agents import grant as grant_services, change, revoke, agents, grant_events
from api.enterprises.service.acting import NOTHING, grant_from, grant, subjects, switch, acted_as
from api.enterprises.service.owning import owning_subject, owning_subjects
