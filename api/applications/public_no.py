"""Public case numbers (办件编号): printed on every message and behind the QR code of 扫码查进度.

A number is ``WZ-<date>-<8 random characters><1 check character>``, e.g. ``WZ-20261206-7K3M9QX48``:
the random part makes a case's number unguessable from its neighbours' (the public progress page
answers anyone who has the number), the date keeps it readable, the check character catches a
mistyped number before any database look-up. The characters are Crockford's base 32 (digits and
letters without I, L, O, U), so what people read out or type back is unambiguous; ``normalise``
reads i/l as 1 and o as 0 the way Crockford's decoding does. The check character is ISO 7064's
hybrid system over that alphabet (python-stdnum's ``mod_37_36`` takes any alphabet); it detects
every single wrong character.

Numbers given before this scheme (``WZ-<date>-<6-digit sequence>``, issue 17 item 12) stay valid:
they carry no check character, so they are looked up as they are.
"""

from __future__ import annotations

import re
import secrets
from datetime import date

from stdnum.iso7064 import mod_37_36

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32
RANDOM_LENGTH = 8  # 32**8 ≈ 1.1e12 numbers a day against ~150 cases a day
_NEW = re.compile(rf"^WZ-(\d{{8}})-([{ALPHABET}]{{{RANDOM_LENGTH}}})([{ALPHABET}])$")
_LEGACY = re.compile(r"^WZ-\d{8}-\d{6}$")
_CROCKFORD_READS = str.maketrans({"I": "1", "L": "1", "O": "0"})


def check_character(digits: str, random_part: str) -> str:
    return mod_37_36.calc_check_digit(digits + random_part, alphabet=ALPHABET)


def new(day: date) -> str:
    """A fresh number for a case submitted on ``day`` (unique only with the database's index:
    the caller retries on a collision)."""
    digits = f"{day:%Y%m%d}"
    random_part = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return f"WZ-{digits}-{random_part}{check_character(digits, random_part)}"


def normalise(raw: str) -> str | None:
    """The number as stored, or None when it cannot be one (bad shape or a wrong check character)."""
    text = raw.strip().upper()
    text = text[:3] + text[3:].translate(_CROCKFORD_READS)
    if _LEGACY.match(text):
        return text
    found = _NEW.match(text)
    if found is None or check_character(found[1], found[2]) != found[3]:
        return None
    return text
