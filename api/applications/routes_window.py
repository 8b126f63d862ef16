from __future__ import annotations

from litestar import Controller, post
from litestar.params import JSONBody

from api.applications.schemas_window import WindowEntryIn, WindowEntryOut
from api.applications.service import window_entry
from api.auth.guards import requires_approver
from api.deps import AppSettings, Conn, CurrentUser, Now
from api.idempotency import IdempotencyKey, run_once
from api.storage import storage_for


class WindowEntryController(Controller):
    """F083: a case entered for a person at a window, into their own account (approvers, leads, admins)."""

    path = "/staff/window-entries"
    tags = ["applications"]
    guards = [requires_approver]

    @post("/", operation_id="enterApplicationAtWindow", summary="窗口代为录入申请（申请人手机核对后提交）")
    async def enter(self, data: JSONBody[WindowEntryIn], conn: Conn, user: CurrentUser, settings: AppSettings,
                    now: Now, idempotency_key: IdempotencyKey = None) -> WindowEntryOut:
        return await run_once(conn, user_id=user.id, scope="window_entry", key=idempotency_key, payload=data,
                              action=lambda: window_entry.enter_for(conn, user, data, storage_for(settings), now=now),
                              result_type=WindowEntryOut)
