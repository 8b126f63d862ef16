"""Complaint and FAQ pages over HTTP: a complaint about a staff member never offered to them, assigned
and closed only once answered; FAQ entries created live, edited, help-desk drafts published, similar
questions discarded, retired and restored."""

from __future__ import annotations

from tests.complaints.helpers import citizen, file
from tests.console.helpers import account, post, sign_in


async def test_a_complaint_about_a_staff_member_is_never_offered_to_them_and_closes_only_once_answered(client, db):
    zhang = await citizen(client, "zhang")
    accused = await account(db, phone="13900008701", roles=["approver"], steps=["accept"], name="受理员 钱涛")
    colleague = await account(db, phone="13900008702", roles=["approver"], steps=["accept"], name="受理员 吴敏")
    body = await file(client, zhang, targetType="staff", targetId=accused, text="审批人员吃拿卡要，态度很差。")
    await account(db, phone="13900008703", roles=["lead"], steps=["decide"], name="分管领导")
    await sign_in(client, "13900008703")  # leads handle complaints too, as the API lets them
    page = await client.get(f"/console/admin/complaints/{body['id']}")
    assert page.status_code == 200 and f'<option value="{colleague}"' in page.text
    assert f'<option value="{accused}"' not in page.text
    refused = await post(client, f"/console/admin/complaints/{body['id']}/assign", {"assignee_id": str(accused)})
    assert refused.status_code == 422
    early = await post(client, f"/console/admin/complaints/{body['id']}/close", {})
    assert early.status_code == 409
    assigned = await post(client, f"/console/admin/complaints/{body['id']}/assign",
                          {"assignee_id": str(colleague), "note": "请核实"})
    assert assigned.status_code == 200 and "已分派" in assigned.text and "受理员 吴敏" in assigned.text
    short = await post(client, f"/console/admin/complaints/{body['id']}/answer", {"text": "好"})
    assert short.status_code == 422 and "内容" in short.text
    answered = await post(client, f"/console/admin/complaints/{body['id']}/answer", {"text": "已调查核实并严肃处理。"})
    assert answered.status_code == 200 and "已答复" in answered.text
    assert (await post(client, f"/console/admin/complaints/{body['id']}/close", {"note": "办结"})).status_code == 200
    assert await db.fetchval("SELECT status FROM complaints WHERE id = $1", body["id"]) == "closed"
    queue = await client.get("/console/admin/complaints?status=closed")
    assert body["publicNo"] in queue.text


async def test_faq_entries_are_created_edited_published_and_retired_from_the_console(client, db):
    await account(db, phone="13900008711", roles=["admin"], name="管理员")
    await sign_in(client, "13900008711")
    made = await post(client, "/console/admin/faq", {"question": "临牌过期了还能开吗？", "answer": "不能，请重新申领临时号牌。"})
    entry = await db.fetchrow("SELECT id, status FROM faq_entries WHERE question = '临牌过期了还能开吗？'")
    assert made.status_code == 200 and made.headers["hx-redirect"] == f"/console/admin/faq/{entry['id']}"
    assert entry["status"] == "active"
    edited = await post(client, f"/console/admin/faq/{entry['id']}", {"question": "临时号牌过期了还能上路吗？",
                                                                        "answer": "不能上路，请重新申领临时号牌。"})
    assert edited.status_code == 200 and "已保存" in edited.text
    await post(client, f"/console/admin/faq/{entry['id']}/similar", {"question": "临牌到期还能开吗"})
    discarded = await post(client, f"/console/admin/faq/{entry['id']}/discard-proposals")
    assert discarded.status_code == 200 and "已驳回" in discarded.text
    row = await db.fetchrow("SELECT question, alternates, proposed_alternates FROM faq_entries WHERE id = $1", entry["id"])
    assert row["question"] == "临时号牌过期了还能上路吗？" and not row["proposed_alternates"] and not row["alternates"]
    retired = await post(client, f"/console/admin/faq/{entry['id']}/retire")
    assert "已下线" in retired.text
    assert "临时号牌过期了还能上路吗？" in (await client.get("/console/admin/faq?status=retired")).text
    assert "已上线" in (await post(client, f"/console/admin/faq/{entry['id']}/restore")).text

    # a navigator's answer is a draft until an admin publishes it
    draft = await db.fetchval("INSERT INTO faq_entries (id, question, answer, source, status) VALUES "
                              "('H-TEST-1', '道路运输证丢了怎么补？', '在掌上办申请补证即可。', 'helpdesk', 'draft') RETURNING id")
    drafts = await client.get("/console/admin/faq")  # drafts first
    assert "道路运输证丢了怎么补？" in drafts.text
    published = await post(client, f"/console/admin/faq/{draft}/publish")
    assert published.status_code == 200 and "已发布" in published.text
    assert await db.fetchval("SELECT status FROM faq_entries WHERE id = $1", draft) == "active"
    assert (await post(client, "/console/admin/faq/NO-SUCH/publish")).status_code == 404
    assert (await post(client, "/console/admin/faq/H-TEST-1/similar", {"question": "x"})).status_code == 422
