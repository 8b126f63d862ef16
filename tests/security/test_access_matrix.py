"""Who may call what: every operation in the OpenAPI, in every role, against a table written here by
hand. A route without an entry fails the test, so a new route cannot ship without a decision.

Applicant B, staff looking through applicant routes, and an approver of another step never learn
that A's case, file, booking, rating, complaint, licence or notification exists: 404, never 403.
"""

from __future__ import annotations

import re
from typing import Any

from tests.applications.helpers import licence
from tests.security.world import API, JPG, build

ROLES = ("anonymous", "applicant_a", "applicant_b", "approver_other_step", "helpdesk", "admin")

# Expected outcome per role. "in": let through (neither 401 nor 403, never 5xx; the handler may still
# say 400/404/409 about the made-up input); "own": A reaching A's thing (not 401/403/404).
IN, OWN = "in", "own"
POLICIES: dict[str, tuple[Any, ...]] = {
    #          anonymous  A    B    approver helpdesk admin
    "public": (IN, IN, IN, IN, IN, IN),
    "login": (401, IN, IN, IN, IN, IN),
    "owner": (401, OWN, 404, 404, 404, 404),  # A's thing through an applicant route
    "approver": (401, 403, 403, IN, 403, IN),
    "helpdesk": (401, 403, 403, 403, IN, IN),
    "staff": (401, 403, 403, IN, IN, IN),
    "admin": (401, 403, 403, 403, 403, IN),
    "wechat": (403,) * 6,  # WeChat's signature, not a login, decides: unsigned is refused for everyone
}

ACCESS: dict[str, str] = {
    # auth and me
    "authLogout": "public", "authRefresh": "public", "authSmsCode": "public", "authSmsLogin": "public",
    "authStaffLogin": "public", "authStaffPassword": "public", "authWechat": "public", "bindPhone": "login",
    "getMe": "login", "getMyAddress": "login", "setMyAddress": "login",
    # issue 19: window verification and document review (approvers, leads, admins), the person's upload
    "uploadIdentityDocument": "login", "listMyIdentityDocuments": "login", "windowVerifyIdentity": "approver",
    "listIdentityDocuments": "approver",
    "getIdentityDocument": "approver", "getIdentityDocumentPhoto": "approver", "approveIdentityDocument": "approver",
    "refuseIdentityDocument": "approver",
    # FAQ and chat
    "faqAsk": "public", "faqFeedback": "login", "faqList": "public",
    "adminFaqList": "admin", "adminFaqCreate": "admin", "adminFaqHandoffs": "admin", "adminFaqRestore": "admin",
    "adminFaqRetire": "admin", "adminFaqHandoffReviewed": "admin", "adminFaqUpdate": "admin",
    "adminFaqPublish": "admin", "adminFaqDiscardProposals": "admin",
    "chatMessages": "login", "chatSend": "login", "chatMyConversations": "login", "chatMyConversation": "owner",
    # help desk
    "helpdeskCanned": "helpdesk", "helpdeskClaim": "helpdesk", "helpdeskConversation": "helpdesk",
    "helpdeskConversations": "helpdesk", "helpdeskReply": "helpdesk", "helpdeskResolve": "helpdesk",
    "helpdeskTransfer": "helpdesk",
    "helpdeskLinkCase": "helpdesk", "helpdeskSupplementExtension": "helpdesk", "helpdeskCallbacks": "helpdesk",
    "helpdeskCallback": "helpdesk", "helpdeskCallbackClaim": "helpdesk", "helpdeskCallbackOutcome": "helpdesk",
    "helpdeskOverdueCallbacks": "helpdesk",  # and leads: tests/helpdesk/test_callbacks.py
    # issue 23: 帮办代办 and 服务管家 (F139)
    "assistRequest": "login", "assistMyRequests": "login", "assistMyRequest": "login", "assistAskSteward": "login",
    "assistMySteward": "login", "assistCaseSteward": "owner", "assistTaskSteward": "staff",
    # catalogue
    "serviceChecklist": "login", "getService": "public", "listServices": "public", "getServiceFormSchema": "public",
    "adminSaveService": "admin", "adminSetWorkday": "admin", "adminLoadWorkdayNotice": "admin",
    "adminResetStaffPassword": "admin",
    # applications
    "listApplications": "login", "createApplication": "login", "getApplication": "owner",
    "updateApplication": "owner", "getMaterialFile": "owner", "uploadMaterial": "owner",
    "submitApplication": "owner", "withdrawApplication": "owner", "requestSupplementExtension": "owner",
    "enterApplicationAtWindow": "approver",  # issue 27 / F083: window staff enter a case for the person
    "listLicences": "login",
    "addMaterialPage": "owner", "getMaterialPage": "owner", "deleteMaterialPage": "owner",
    "reorderMaterialPages": "owner",
    "getProgress": "public", "getProgressQr": "public",
    # approvals
    "decideTasksInBatch": "approver", "claimTask": "approver", "decideTask": "approver",
    "recordExamResult": "approver", "assignTaskExamSlot": "approver", "getTask": "approver",
    "listTasks": "approver", "getTaskMaterial": "approver", "getTaskMaterialPage": "approver", "releaseTask": "approver",
    "listDeliveries": "approver", "handOverLicence": "approver", "shipLicence": "approver",
    "getPickupAuthorisationLetter": "owner",
    "getApplicationAccessLog": "owner", "adminListCaseViews": "admin",  # F145 staff looks at a case
    "reshipLicence": "approver", "getMyDelivery": "owner", "changeMyDelivery": "owner",
    # complaints and disclosure
    "getComplaintAttachment": "owner", "getMyComplaint": "owner", "listMyComplaints": "login",
    "fileComplaint": "login", "rateComplaintAnswer": "owner", "uploadComplaintAttachment": "login",
    "answerComplaint": "admin", "assignComplaint": "admin", "closeComplaint": "admin",
    "adminGetComplaint": "admin", "adminListComplaints": "admin",
    "listHeldComplaintTexts": "admin", "releaseComplaintText": "admin",  # issue 25: leads too
    "listPublicDecisions": "public", "getLicenceVerificationLink": "owner", "getLicenceQr": "owner",
    "verifyLicence": "public",
    # issue 22: signed documents (licence PDF versions, a case's decision letters), the holder's only
    "listLicenceDocuments": "owner", "downloadLicenceDocument": "owner", "listApplicationDocuments": "owner",
    "downloadDocument": "owner",
    # issue 22: the holder's lifecycle services on a licence; voiding by leads (and admins)
    "listLicenceActions": "owner", "voidLicence": "admin",
    # notifications
    "listNotifications": "login", "readNotification": "owner", "readAllNotifications": "login",
    "addSubscriptions": "login",
    # appointments (and ratings, complaints below): the enterprise roles' table of their owner routes is
    # tests/enterprises/test_subject_bookings.py (an owner route here without a row there fails)
    "listSites": "login", "listSlots": "login", "listMyAppointments": "login", "bookAppointment": "login",
    "cancelAppointment": "owner", "checkInAppointment": "staff", "checkInByCode": "staff",
    "getAppointment": "owner", "getAppointmentQr": "owner", "rescheduleAppointment": "owner",
    "joinWaitlist": "login",
    "assignExamSlot": "approver", "generateSlots": "admin",
    # ratings and stats
    "appendRatingComment": "owner", "listMyRatings": "login", "createRating": "login",
    "recordRatingCallBack": "admin", "recordRatingFollowUp": "admin", "getRatingPolicy": "admin",
    "setRatingPolicy": "admin", "adminListRatings": "admin", "adminGetRating": "admin", "voidRating": "admin",
    "listHeldRatingTexts": "admin", "releaseRatingText": "admin",  # issue 25: leads too
    "reformFigures": "admin", "tripsByDesign": "admin",
    # issue 23: the case's clock and its pauses (F106), manual re-review (F051), the rights figures
    "getApplicationClock": "owner", "requestRereview": "owner", "listRereviews": "approver",
    "decideRereview": "approver", "pauseTaskClock": "approver", "resumeTaskClock": "approver",
    "rightsFigures": "admin", "urgeApplication": "owner", "listApplicationUrgings": "owner",
    "answerUrging": "approver", "listUrgings": "admin",  # issue 23: 催办 (F109); 效能督查 for leads and admins
    "listUrgingsToAnswer": "approver",  # an approver's phone: the unanswered urgings of their steps
    # issue 23: on-site checks after 一类/二类 repair filings (F071); the company sees its own filing's
    "listSiteChecks": "approver", "agreeSiteVisit": "approver", "recordSiteCheckResult": "approver",
    "listApplicationSiteChecks": "owner",
    # ops and WeChat
    "healthz": "public", "readyz": "public", "wechatPushVerify": "wechat", "wechatPush": "wechat",
    "wechatOfficialAccountPushVerify": "wechat", "wechatOfficialAccountPush": "wechat",
    # issue 23: 联系审批人员 (F102): the case's applicant and the staff of its step
    "listApplicationMessages": "owner", "postApplicationMessage": "owner", "listTaskMessages": "approver",
    "postTaskMessage": "approver",
    "adminSmsChannel": "admin", "adminSmsChannelResume": "admin",
    # issue 25: wx.uploadFile's POST twin, signed links for wx.downloadFile (the signature is the permission)
    "uploadMaterialByPost": "owner", "getMaterialDownloadLink": "owner", "getMaterialPageDownloadLink": "owner",
    "downloadSignedFile": "public", "getSubscribeTemplates": "login", "helpdeskSmsReply": "helpdesk",
    "helpdeskMessageMedia": "helpdesk",
    "helpdeskHeldMessages": "admin", "helpdeskReleaseHeldMessage": "admin",  # and leads: test_content_checks.py
    # issue 19: the person's own identity and face verification (another's attempt id is 404)
    "getMyIdentity": "login", "startFaceVerification": "login", "checkFaceVerification": "login",
    # issue 19: the account's own phone and life (merging by binding, changing the phone, closing)
    "bindPhoneBySms": "login", "changePhone": "login", "startAccountFaceCheck": "login", "closeAccount": "login",
    # issue 20: enterprises (legal representative's and 经办人's routes: someone else's enterprise is 404,
    # tests/enterprises/test_isolation.py), the acting subject, staff's review of business-licence photos
    "registerEnterprise": "login", "listMyEnterprises": "login", "getMyEnterprise": "login",
    "uploadBusinessLicencePhoto": "login", "listEnterpriseAgents": "login", "grantEnterpriseAgent": "login",
    "changeEnterpriseAgent": "login", "revokeEnterpriseAgent": "login", "listEnterpriseGrantEvents": "login",
    "listMySubjects": "login", "switchSubject": "login",
    # issue 20 (F093): 代办 — the agent's or the principal's own filing (anyone else's is 404,
    # tests/enterprises/test_agency_filing.py)
    "fileForAnother": "login", "listMyAgencyFilings": "login", "listAgencyRequests": "login",
    "getAgencyFiling": "login", "uploadAuthorisationLetter": "login", "confirmAgency": "login",
    "refuseAgency": "login", "registerTaxiDriver": "login", "listTaxiRegistrations": "login",
    "getTaskAgencyLetter": "approver",  # the 代办 letter on a task, for its step's approvers
    # F020: ending a taxi registration — the company's or the driver's own (tests/enterprises/test_taxi_deregistration.py)
    "deregisterTaxiDriver": "login", "requestTaxiDeregistration": "login", "listMyTaxiDeregistrations": "login",
    "listTaxiDeregistrationRequests": "approver", "getTaxiDeregistrationProof": "approver",
    "deregisterTaxiDriverByBureau": "approver", "refuseTaxiDeregistration": "approver",
    "getTaxiServiceCard": "login",  # F021: the driver's or the registering company's card, else 404
    "listEnterpriseReviews": "approver", "getBusinessLicencePhoto": "approver", "approveEnterprise": "approver",
    "refuseEnterprise": "approver",
}

# Where a row of POLICIES is not the whole truth for one operation, written out with the reason.
OVERRIDES: dict[str, dict[str, Any]] = {
    # A staff session cannot act for an enterprise (its authority is its account's): 403 for staff.
    "switchSubject": {"approver_other_step": 403, "helpdesk": 403, "admin": 403},
    # A's complaint has no attachment: A gets 404 like everyone, and nobody learns more.
    "getComplaintAttachment": {"applicant_a": 404},
    # A's licence came from another source (no case of ours issued it): no signed file of ours, 404 for
    # A as for everyone; document 987654 does not exist either.
    "downloadLicenceDocument": {"applicant_a": 404},
    "downloadDocument": {"applicant_a": 404},
    # Staff read a whole case through the applicant route only when it concerns them: an approver of
    # a step it is or was at (or who acted on it), a lead, an admin. A's case is a draft at no step:
    # the approver of another step and the help-desk agent (public progress only) get 404 like B.
    # tests/applications/test_staff_access.py walks the approver of the case's own step.
    "getApplication": {"admin": IN},
    "getApplicationClock": {"admin": IN},  # read like the case itself (issue 23)
    "getMaterialFile": {"admin": IN},
    "getMaterialPage": {"admin": IN},
    "getMaterialDownloadLink": {"admin": IN},
    "getMaterialPageDownloadLink": {"admin": IN},
}

# Valid bodies for the owner routes: a body error must not answer before the ownership check would.
BODIES: dict[str, dict[str, Any]] = {
    "updateApplication": {"json": {"form": {"mobile": "13900001111"}}},
    "uploadMaterial": {"files": {"file": ("me.jpg", JPG, "image/jpeg")}},
    "uploadMaterialByPost": {"files": {"file": ("me.jpg", JPG, "image/jpeg")}},
    "addMaterialPage": {"files": {"file": ("page.jpg", JPG, "image/jpeg")}},
    "reorderMaterialPages": {"json": {"order": [1]}},  # A's photo has one page when A gets here
    "withdrawApplication": {"json": {"reason": "不办了"}},
    "requestRereview": {"json": {"reason": "核查结果有误"}},
    "requestSupplementExtension": {"json": {"reason": "营业执照正在变更，需要更多时间"}},
    "rescheduleAppointment": {"json": {"slotId": 0}},  # filled with a real slot below
    "appendRatingComment": {"json": {"text": "补充说明"}},
    "postApplicationMessage": {"json": {"text": "表格填错了，请退回修改"}},
    "rateComplaintAnswer": {"json": {"level": 5}},
    "changeMyDelivery": {"json": {"method": "express", "address": "温州市鹿城区人民路100号"}},
}


def _expected(operation_id: str) -> dict[str, Any]:
    row = dict(zip(ROLES, POLICIES[ACCESS[operation_id]]))
    row.update(OVERRIDES.get(operation_id, {}))
    return row


def _meets(expected: Any, status: int) -> bool:
    if status >= 500:
        return False
    if expected == IN:
        return status not in (401, 403)
    if expected == OWN:
        return status not in (401, 403, 404)
    return status == expected


async def test_every_operation_answers_every_role_as_the_table_says(client, db):
    world = await build(client, db)
    world.ids["licence"] = await licence(db, world.users["a"], "taxi_driver", "TX-0001", name="出租车驾驶员证")
    world.ids["notification"] = await db.fetchval(
        "SELECT id FROM notifications WHERE user_id = $1 ORDER BY id LIMIT 1", world.users["a"])
    assert world.ids["notification"], "the booking should have told A"
    values = {"application_id": world.ids["application"], "material_code": world.ids["material"],
              "appointment_id": world.ids["appointment"], "rating_id": world.ids["rating"],
              "complaint_id": world.ids["complaint"], "conversation_id": world.ids["conversation"],
              "licence_id": world.ids["licence"], "notification_id": world.ids["notification"],
              "attachment_id": 987654, "page_no": 1, "code": "taxi-driver-cert", "public_no": "WZ-20260101-000001",
              "token": "not-a-token", "day": "2026-10-01", "year": 2027}
    BODIES["rescheduleAppointment"] = {"json": {"slotId": world.ids["slot"] + 1}}

    schema = client.app.openapi_schema.to_schema()
    operations = [(method.upper(), path, op["operationId"]) for path, ops in schema["paths"].items()
                  for method, op in ops.items() if method in ("get", "post", "put", "patch", "delete")]
    missing = sorted(op_id for _, _, op_id in operations if op_id not in ACCESS)
    assert not missing, f"operations without an access decision in ACCESS: {missing}"
    # and the other way: a row whose route has gone (renamed or dropped by mistake) fails too
    gone = sorted(set(ACCESS) - {op_id for _, _, op_id in operations})
    assert not gone, f"rows in ACCESS without an operation in the API: {gone}"

    wrong: list[str] = []
    # A goes last, so A's own changes (withdraw, cancel) cannot hide what the others would see.
    order = ("anonymous", "applicant_b", "approver_other_step", "helpdesk", "admin", "applicant_a")
    for method, path, op_id in operations:
        url = path
        for name, value in values.items():
            url = url.replace("{" + name + "}", str(value))
        url = re.sub(r"\{\w*id\}", "987654", url).replace("{", "").replace("}", "")  # others: made up
        body = BODIES.get(op_id, {"json": {}} if method != "GET" else {})
        expected = _expected(op_id)
        for role in order:
            res = await client.request(method, url, headers=world.roles[role], **body)
            if not _meets(expected[role], res.status_code):
                wrong.append(f"{op_id} {method} {url} as {role}: {res.status_code}, expected {expected[role]}"
                             f" ({res.text[:120]})")
    assert not wrong, "\n".join(wrong)


async def test_lists_show_b_nothing_of_a(client, db):
    world = await build(client, db)
    b = world.roles["applicant_b"]
    for path in ("/applications", "/appointments", "/ratings", "/complaints", "/me/notifications",
                 "/chat/messages", "/chat/conversations", "/licences"):
        res = await client.get(f"{API}{path}", headers=b)
        assert res.status_code == 200, (path, res.text)
        body = res.json()
        items = body if isinstance(body, list) else next((v for v in body.values() if isinstance(v, list)), [])
        assert items == [], (path, body)
    # and A does see them, so the emptiness above is about B, not about the lists
    a = world.roles["applicant_a"]
    for path in ("/applications", "/appointments", "/ratings", "/complaints"):
        res = await client.get(f"{API}{path}", headers=a)
        assert str(world.ids[{"/applications": "application", "/appointments": "appointment",
                              "/ratings": "rating", "/complaints": "complaint"}[path]]) in res.text, path
