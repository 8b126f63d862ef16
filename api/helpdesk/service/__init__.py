"""The help desk: the agents' side (agents: the queue, claiming, replying within WeChat's rules,
transfer, resolve; sms: answering by SMS once WeChat's window has closed), what users send and its
delivery (inbox), a user's consultation history (history) and the phone call-backs (callbacks).
Other areas import the names below."""

from __future__ import annotations

from api.helpdesk.service.agents import (
    REPLY_WINDOW, REPLIES_PER_WINDOW, CALLBACK_WORKDAYS, ConversationNotFound, ConversationTaken,
    NotYourConversation, TransferRefused, ConversationResolved, conversation_out, conversation_row,
    list_conversations, get_conversation, claim, reply, transfer, resolve, canned,
)
from api.helpdesk.service.history import MyConversationNotFound, messages, conversations, conversation
from api.helpdesk.service.inbox import (
    ASK_FOR_PERSON, NON_TEXT, accept_push, verify_push_url, store_push, receive, handle_push, Delivery, deliver,
    deliveries_due, unprocessed_pushes,
)
from api.helpdesk.service.sms import SMS_REPLIES_PER_DAY, SmsReplyNotNeeded, SmsReplyNoPhone, SmsReplyLimit, sms_reply
from api.helpdesk.service.callbacks import (
    MAX_ATTEMPTS, CaseNotFound, CaseNotLinked, CallbackNotFound, CallbackTaken, NotYourCallback, CallbackClosed,
    ReopenRefused, HandoverRefused, link_case, list_callbacks, get_callback, claim_callback, record_outcome,
    grant_extension, escalate_overdue_callbacks,
)
