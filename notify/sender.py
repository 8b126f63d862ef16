"""What every channel shares: the provider's answer, what becomes of the row, the Sender protocol.

A provider (Aliyun SMS, WeChat subscribe messages, official-account template messages) answers
one ``SendResult``. A channel (notify/channels.py) turns a claimed row into one ``Outcome``: done,
later, or (WeChat) by SMS instead; the delivery pipeline (notify/delivery.py) records it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Protocol

import msgspec
from prometheus_client import Counter

from notify.templates import EventSpec

MAX_ATTEMPTS = 10

# accepted: the provider took it; failed: it never will; retry: back off and try again; retry_later:
# the number's quota (much later); pause: no message can go out until a person fixes the account;
# no_authorisation / bad_data / not_following: WeChat will not take it, so it goes by SMS.
Verdict = Literal["accepted", "failed", "retry", "retry_later", "pause", "no_authorisation", "bad_data",
                  "not_following"]

SENT = Counter("zsb_notifications_sent_total", "Messages handed to a provider", ["channel", "provider"])
FAILED = Counter("zsb_notifications_failed_total", "Messages that failed for good", ["channel", "code"])
PAUSED = Counter("zsb_sms_channel_paused_total", "SMS channel paused for a configuration or account error",
                 ["code"])


class SendResult(msgspec.Struct, frozen=True):
    """What a provider answered for one message, whichever the channel."""

    verdict: Verdict
    code: str  # Aliyun's Code, WeChat's errcode ("0" when sent)
    message: str = ""
    ref: str | None = None  # the provider's id of the message: Aliyun's BizId, WeChat's msgid
    # True when the request may have reached the provider although we have no answer (a timeout).
    uncertain: bool = False

    @property
    def biz_id(self) -> str | None:
        """Aliyun's name for ``ref``."""
        return self.ref


class Done(msgspec.Struct, frozen=True):
    """The row's outcome: its status (final, or 'sending' until an SMS receipt) and what the provider said."""

    status: str
    provider_ref: str | None = None
    provider_status: str | None = None
    error: str | None = None
    content: str | None = None
    scrub_params: bool = False  # forget the login code once it is sent


class Later(msgspec.Struct, frozen=True):
    """Not now: the row is due again in ``seconds`` (given up after MAX_ATTEMPTS counted attempts)."""

    seconds: float
    error: str
    uncertain: bool = False  # an earlier attempt may have reached the provider: look before resending
    count_attempt: bool = True


class FallBack(msgspec.Struct, frozen=True):
    """WeChat did not take it: the message goes by SMS. A 43101 spends the template's authorisations
    (WeChat says none are left); ``give_back`` returns the one this row reserved (WeChat did not use
    it); ``unfollowed`` is the official-account openid that no longer follows."""

    reason: str
    code: str = "43101"
    unfollowed: str | None = None
    give_back: bool = False


Outcome = Done | Later | FallBack


class Sender(Protocol):
    """One channel: sends a claimed outbox row through its provider (with no connection held) and
    says what becomes of the row. Registered in ``notify.channels.CHANNELS`` under the row's channel."""

    async def send(self, ctx: dict[str, Any], row: Any, spec: EventSpec, now: datetime) -> Outcome: ...


def backoff(attempts: int) -> float:
    return float(min(15 * 2 ** max(attempts - 1, 0), 1800))
