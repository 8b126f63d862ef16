"""Who may open each console page: one row per route (its operation id), the roles let through and
the API operation it mirrors. ``tests/console/test_access_table.py`` signs in as every role and
checks each route answers as its row says, that every console route has a row, and that each row
agrees with the API's own access table for the operation it mirrors (tests/security/test_access_matrix.py)."""

from __future__ import annotations

STAFF_ROLES = ("approver", "helpdesk", "admin", "lead")
# policy -> the staff roles it lets through ("public" lets everyone, signed in or not)
POLICIES: dict[str, frozenset[str]] = {
    "public": frozenset(("anonymous", *STAFF_ROLES)),
    "staff": frozenset(STAFF_ROLES),
    "approver": frozenset(("approver", "lead", "admin")),
    "helpdesk": frozenset(("helpdesk", "admin")),
    "admin_lead": frozenset(("admin", "lead")),
    "admin": frozenset(("admin",)),
}

# operation id -> (policy, the API operation doing the same, or None for a console-only page)
ACCESS: dict[str, tuple[str, str | None]] = {
    # sign-in and home
    "consoleLoginPage": ("public", None), "consoleLogin": ("public", "authStaffLogin"),
    "consoleLogout": ("public", "authLogout"),
    "consoleStaffPassword": ("public", "authStaffPassword"), "consoleHome": ("staff", None),
    # approvals
    "consoleTasks": ("approver", "listTasks"), "consoleTask": ("approver", "getTask"),
    "consoleTaskMaterial": ("approver", "getTaskMaterial"), "consoleTaskMaterialPage": ("approver", "getTaskMaterialPage"),
    "consoleTaskAgencyLetter": ("approver", "getTaskAgencyLetter"),  # issue 20 (F093)
    "consoleTaskClaim": ("approver", "claimTask"), "consoleTaskDecision": ("approver", "decideTask"),
    "consoleTasksBatch": ("approver", "decideTasksInBatch"),
    "consoleTaskPause": ("approver", "pauseTaskClock"), "consoleTaskResume": ("approver", "resumeTaskClock"),
    "consoleTaskMessage": ("approver", "postTaskMessage"),
    "consoleExamInvitations": ("approver", "listTasks"),
    # F071: on-site checks after a repair filing (issue 23)
    "consoleSiteChecks": ("approver", "listSiteChecks"), "consoleSiteCheckVisit": ("approver", "agreeSiteVisit"),
    "consoleSiteCheckResult": ("approver", "recordSiteCheckResult"),
    # F051 manual re-review and F109 催办 (issue 23). The 催办 page lists the urgings the caller may
    # answer (answerUrging's scope); leads and admins also see there GET /urgings' 效能督查 list.
    "consoleRereviews": ("approver", "listRereviews"), "consoleRereviewDecision": ("approver", "decideRereview"),
    "consoleUrgings": ("approver", "answerUrging"), "consoleUrgingAnswer": ("approver", "answerUrging"),
    "consoleExamSlot": ("approver", "assignTaskExamSlot"), "consoleExamResult": ("approver", "recordExamResult"),
    # delivery and the window
    "consoleDeliveries": ("approver", "listDeliveries"), "consoleShipLicence": ("approver", "shipLicence"),
    "consoleReshipLicence": ("approver", "reshipLicence"), "consoleHandOverLicence": ("approver", "handOverLicence"),
    # issue 22: printing a case's signed licence (F045 permit, F057 charter plate) and letters
    "consoleCaseDocuments": ("approver", None), "consolePrintDocument": ("approver", None),
    "consoleCheckIn": ("staff", None), "consoleCheckInByCode": ("staff", "checkInByCode"),
    # real-name identity at the window (issue 19)
    "consoleIdentityWindow": ("approver", None), "consoleIdentityWindowVerify": ("approver", "windowVerifyIdentity"),
    "consoleIdentityDocuments": ("approver", "listIdentityDocuments"),
    "consoleIdentityDocument": ("approver", "getIdentityDocument"),
    "consoleIdentityDocumentPhoto": ("approver", "getIdentityDocumentPhoto"),
    "consoleIdentityDocumentApprove": ("approver", "approveIdentityDocument"),
    "consoleIdentityDocumentRefuse": ("approver", "refuseIdentityDocument"),
    # help desk
    "consoleHelpdesk": ("helpdesk", "helpdeskConversations"), "consoleHelpdeskQueue": ("helpdesk", "helpdeskConversations"),
    "consoleConversation": ("helpdesk", "helpdeskConversation"), "consoleConversationClaim": ("helpdesk", "helpdeskClaim"),
    "consoleConversationReply": ("helpdesk", "helpdeskReply"),
    "consoleConversationSmsReply": ("helpdesk", "helpdeskSmsReply"),
    "consoleConversationTransfer": ("helpdesk", "helpdeskTransfer"),
    "consoleConversationResolve": ("helpdesk", "helpdeskResolve"),
    "consoleConversationLinkCase": ("helpdesk", "helpdeskLinkCase"), "consoleCanned": ("helpdesk", "helpdeskCanned"),
    "consoleCallbacks": ("helpdesk", "helpdeskCallbacks"), "consoleCallback": ("helpdesk", "helpdeskCallback"),
    "consoleCallbackClaim": ("helpdesk", "helpdeskCallbackClaim"),
    "consoleCallbackOutcome": ("helpdesk", "helpdeskCallbackOutcome"),
    # admins and leads
    "consoleBadRatings": ("admin_lead", "adminListRatings"), "consoleRating": ("admin_lead", "adminGetRating"),
    "consoleRatingCallBack": ("admin_lead", "recordRatingCallBack"),
    "consoleRatingFollowUp": ("admin_lead", "recordRatingFollowUp"),
    "consoleReformFigures": ("admin_lead", "reformFigures"),
    "consoleSlots": ("admin", "generateSlots"), "consoleSlotsGenerate": ("admin", "generateSlots"),
    "consoleSite": ("admin", None), "consoleSiteSave": ("admin", None), "consoleScheduleAdd": ("admin", None),
    "consoleScheduleSave": ("admin", None), "consoleScheduleDelete": ("admin", None),
    "consoleSettingsAudit": ("admin", None),
    "consoleComplaints": ("admin_lead", "adminListComplaints"), "consoleComplaint": ("admin_lead", "adminGetComplaint"),
    "consoleComplaintAssign": ("admin_lead", "assignComplaint"),
    "consoleComplaintAnswer": ("admin_lead", "answerComplaint"),
    "consoleComplaintClose": ("admin_lead", "closeComplaint"),
    "consoleFaq": ("admin", "adminFaqList"), "consoleFaqCreate": ("admin", "adminFaqCreate"),
    "consoleFaqEntry": ("admin", "adminFaqList"), "consoleFaqUpdate": ("admin", "adminFaqUpdate"),
    "consoleFaqProposeSimilar": ("admin", None), "consoleFaqPublish": ("admin", "adminFaqPublish"),
    "consoleFaqDiscardProposals": ("admin", "adminFaqDiscardProposals"),
    "consoleFaqRetire": ("admin", "adminFaqRetire"), "consoleFaqRestore": ("admin", "adminFaqRestore"),
    "consoleCatalogue": ("admin", None), "consoleCatalogueService": ("admin", None),
    "consoleCatalogueSave": ("admin", "adminSaveService"),
    "consoleWorkdays": ("admin", None), "consoleWorkdaySet": ("admin", "adminSetWorkday"),
    "consoleSmsChannel": ("admin", "adminSmsChannel"), "consoleSmsChannelResume": ("admin", "adminSmsChannelResume"),
    "consoleCaseViews": ("admin", "adminListCaseViews"),
    "consoleStaff": ("admin", None), "consoleStaffCreate": ("admin", None), "consoleStaffMember": ("admin", None),
    "consoleStaffRoles": ("admin", None), "consoleStaffDisable": ("admin", None), "consoleStaffEnable": ("admin", None),
    "consoleStaffPasswordReset": ("admin", "adminResetStaffPassword"),
}
