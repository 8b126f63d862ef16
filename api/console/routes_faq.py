"""FAQ knowledge-base pages for admins: entries by status, editing, similar questions proposed as
drafts and published, help-desk drafts published or discarded. The same ``api.faq.service``
functions and guard as ``/api/v1/admin/faq``."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.plugins.htmx import ClientRedirect
from litestar.response import Template

from api.auth.guards import requires_admin
from api.console import forms
from api.console import service as console
from api.console.routes import page
from api.deps import Conn
from api.faq import service as faq
from api.faq.schemas import EntryIn, EntryOut, EntryPatch

EntryStatus = Literal["draft", "active", "retired"]
STATUS_LABELS = {"draft": "草稿待发布", "active": "已上线", "retired": "已下线"}
EntryId = FromPath[str]


class FaqPages(Controller):
    path = "/admin/faq"
    include_in_schema = False
    guards = [requires_admin]

    @get("/", operation_id="consoleFaq", summary="工作台：知识库")
    async def index(self, request: Request, conn: Conn,
                    status: Annotated[EntryStatus, QueryParameter(name="status")] = "draft",
                    q: Annotated[str | None, QueryParameter(name="q", max_length=100)] = None) -> Template:
        items = await faq.list_entries(conn, status=status, text=(q or "").strip() or None, limit=100, offset=0)
        if status == "active" and not q:  # live entries with similar questions waiting first
            items.sort(key=lambda e: not e.proposed_alternates)
        return page("faq.html", request, active="faq", items=items, status=status, q=q or "", labels=STATUS_LABELS)

    @post("/", operation_id="consoleFaqCreate", summary="工作台：新增问答", status_code=200)
    async def create(self, request: Request, conn: Conn) -> ClientRedirect:
        data = console.convert(forms.given(await request.form(), "question", "answer"), EntryIn)
        entry = await faq.create_entry(conn, data)
        return ClientRedirect(f"/console/admin/faq/{entry.id}")

    @get("/{entry_id:str}", operation_id="consoleFaqEntry", summary="工作台：问答详情与编辑")
    async def entry(self, request: Request, conn: Conn, entry_id: EntryId) -> Template:
        return page("faq_entry.html", request, active="faq", e=await faq.get_entry(conn, entry_id),
                    labels=STATUS_LABELS)

    @post("/{entry_id:str}", operation_id="consoleFaqUpdate", summary="工作台：修改问答", status_code=200)
    async def update(self, request: Request, conn: Conn, entry_id: EntryId) -> Template:
        data = console.convert(forms.given(await request.form(), "question", "answer"), EntryPatch)
        return _entry(request, await faq.update_entry(conn, entry_id, data), "已保存")

    @post("/{entry_id:str}/similar", operation_id="consoleFaqProposeSimilar", summary="工作台：添加相似问法（草稿）",
          status_code=200)
    async def similar(self, request: Request, conn: Conn, entry_id: EntryId) -> Template:
        # checked as a question of the entry would be (length, not blank)
        data = console.convert(forms.given(await request.form(), "question"), EntryPatch)
        if data.question is None:
            raise console.FormInvalid("请填写相似问法")
        await faq.propose_alternate(conn, entry_id, data.question.strip())
        return _entry(request, await faq.get_entry(conn, entry_id), "相似问法已存为草稿，发布后生效")

    @post("/{entry_id:str}/publish", operation_id="consoleFaqPublish", summary="工作台：发布问答", status_code=200)
    async def publish(self, request: Request, conn: Conn, entry_id: EntryId) -> Template:
        return _entry(request, await faq.publish(conn, entry_id), "已发布")

    @post("/{entry_id:str}/discard-proposals", operation_id="consoleFaqDiscardProposals",
          summary="工作台：驳回相似问法草稿", status_code=200)
    async def discard(self, request: Request, conn: Conn, entry_id: EntryId) -> Template:
        return _entry(request, await faq.discard_proposals(conn, entry_id), "已驳回待发布的相似问法")

    @post("/{entry_id:str}/retire", operation_id="consoleFaqRetire", summary="工作台：下线问答", status_code=200)
    async def retire(self, request: Request, conn: Conn, entry_id: EntryId) -> Template:
        return _entry(request, await faq.set_status(conn, entry_id, "retired"), "已下线")

    @post("/{entry_id:str}/restore", operation_id="consoleFaqRestore", summary="工作台：重新上线问答", status_code=200)
    async def restore(self, request: Request, conn: Conn, entry_id: EntryId) -> Template:
        return _entry(request, await faq.set_status(conn, entry_id, "active"), "已上线")


def _entry(request: Request, entry: EntryOut, note: str) -> Template:
    return page("_faq_entry.html", request, e=entry, labels=STATUS_LABELS, note=note)
