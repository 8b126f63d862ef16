"""One list names the mini-program's pages (wechat/pages.py); an event whose WeChat message would
open any other page stops the API and the worker from starting."""

from __future__ import annotations

import msgspec
import pytest

from api.app import create_app
from jobs import worker
from notify import templates
from wechat import pages


def test_every_event_sent_on_wechat_opens_a_listed_page():
    pages.check_events(templates.EVENTS)
    assert {spec.wechat_page for spec in templates.EVENTS.values() if "wechat" in spec.channels} <= pages.PAGES


@pytest.fixture
def unlisted_page(monkeypatch):
    spec = msgspec.structs.replace(templates.EVENTS["application_submitted"], wechat_page="pages/apply/detail")
    monkeypatch.setitem(templates.EVENTS, "application_submitted", spec)


def test_an_event_pointing_at_an_unlisted_page_stops_the_api_starting(settings, unlisted_page):
    with pytest.raises(pages.UnknownPage, match="application_submitted -> pages/apply/detail"):
        create_app(settings)


async def test_an_event_pointing_at_an_unlisted_page_stops_the_worker_starting(settings, unlisted_page):
    with pytest.raises(pages.UnknownPage, match="pages/apply/detail"):
        await worker.startup({"settings": settings})


def test_a_link_to_an_unlisted_page_is_refused_before_asking_wechat():
    with pytest.raises(pages.UnknownPage):
        pages.checked("pages/nowhere/index")
    assert pages.checked(pages.PROGRESS) == "pages/progress/index"


def test_a_message_about_a_case_opens_that_case():
    assert pages.link(pages.APPLICATION_DETAIL, {"publicNo": "WZ-20261206-9VW4DQD5F", "serviceName": "x"}) == \
        "pages/applications/detail?no=WZ-20261206-9VW4DQD5F"
    assert pages.link(pages.APPLICATION_DETAIL, {}) == "pages/applications/detail"  # nothing to name: the page
    assert pages.link(pages.CHAT, {"publicNo": "WZ-1"}) == "pages/chat/index"  # the chat reads no query
