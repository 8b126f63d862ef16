"""Licence numbers by rule (issue 22): authority code, year, type code, a sequence per type and year,
a check character; unique and never reused; numbers of the old form still verify."""

from __future__ import annotations

import re

import pytest

from api.licences import numbers
from tests.factories import applicant
from tests.licences.helpers import COMPANY, OWNER, apply, operator_company, verify


def test_the_check_character_catches_a_mistyped_or_swapped_character():
    number = numbers.format_number("330300", 2026, "YZ", 123)
    assert re.fullmatch(r"330300-2026-YZ-000123[0-9A-Z]", number)
    assert numbers.normalise(number.lower()) == number
    body = number[:-1]
    for i, ch in enumerate(body):
        if ch == "-":
            continue
        wrong = body[:i] + ("1" if ch != "1" else "2") + body[i + 1:] + number[-1]
        assert numbers.normalise(wrong) is None, wrong
    swapped = number.replace("000123", "000213")
    assert numbers.normalise(swapped) is None
    assert numbers.normalise("WZ-20261206-7K3M9QX48-ROAD_TRANSPO") == "WZ-20261206-7K3M9QX48-ROAD_TRANSPO"


async def test_issued_licences_are_numbered_per_type_and_year_in_sequence_and_old_numbers_still_verify(client, db):
    me = await applicant(client, "docs1")
    uid = me["user"]["id"]
    me = await operator_company(client, db, me)
    old_id = await db.fetchval("INSERT INTO licences (holder_id, type, name, number, valid_from, enterprise_id) VALUES "
                               "($1, 'road_transport_certificate', '道路运输证', 'WZ-20250101-000001-ROAD_TRANSPO', "
                               "'2025-01-01', $2) RETURNING id", uid, me["enterprise_id"])
    issued = []
    for plate in ("浙C30001", "浙C30002"):
        res = await apply(client, me, "freight-vehicle-cert", OWNER, {**COMPANY, "plateNo": plate, "totalMassTons": 18})
        assert res["status"] == "approved", res
        issued.append(res["licences"][0]["number"])
    year = await db.fetchval("SELECT extract(year FROM now() AT TIME ZONE 'Asia/Shanghai')::int")
    first, second = issued
    assert first.startswith(f"330300-{year}-YZ-") and numbers.normalise(first) == first
    assert int(second.split("-")[3][:-1]) == int(first.split("-")[3][:-1]) + 1
    assert await db.fetchval("SELECT last_value FROM licence_number_sequences WHERE type_code = 'YZ' AND year = $1",
                             year) == int(second.split("-")[3][:-1])
    # the old number is untouched and its licence still verifies
    assert (await verify(client, me, old_id))["number"] == "WZ-20250101-000001-ROAD_TRANSPO"
    assert (await verify(client, me, old_id))["genuine"] is True


async def test_a_number_taken_by_a_rolled_back_issue_is_never_given_to_another_licence(client, db):
    me = await operator_company(client, db, await applicant(client, "docs2"))
    year = await db.fetchval("SELECT extract(year FROM now() AT TIME ZONE 'Asia/Shanghai')::int")
    await db.execute("INSERT INTO licence_number_sequences VALUES ('YZ', $1, 41)", year)
    res = await apply(client, me, "freight-vehicle-cert", OWNER, {**COMPANY, "plateNo": "浙C30003", "totalMassTons": 18})
    assert res["licences"][0]["number"].startswith(f"330300-{year}-YZ-000042")
    with pytest.raises(Exception):
        async with db.transaction():
            taken = await numbers.next_number(db, licence_type="road_transport_certificate",
                                              on=__import__("datetime").date(year, 6, 1))
            assert taken.startswith(f"330300-{year}-YZ-000043")
            raise RuntimeError("roll back")
    again = await apply(client, me, "freight-vehicle-cert", OWNER, {**COMPANY, "plateNo": "浙C30004", "totalMassTons": 18})
    assert again["licences"][0]["number"].startswith(f"330300-{year}-YZ-000043")
    assert await db.fetchval("SELECT count(DISTINCT number) = count(*) FROM licences") is True
