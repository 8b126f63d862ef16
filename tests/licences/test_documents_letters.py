"""Written decisions as signed documents (issue 22, F104): a refusal's 不予行政许可决定书 names the
reasons, the catalogue's legal basis and the remedies (行政复议 within 60 days, 行政诉讼 within 6
months) and is announced in the decision message; a return for materials gets its 一次性告知书."""

from __future__ import annotations

import io

import pypdf

from api.documents import keys, sign
from tests.approvals.helpers import people, submitted
from tests.factories import run_jobs

API = "/api/v1"


def _text(pdf: bytes) -> str:
    return "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")


async def _letters(client, who, app_id: int) -> list[dict]:
    res = await client.get(f"{API}/applications/{app_id}/documents", headers=who["applicant"]["headers"])
    assert res.status_code == 200, res.text
    return res.json()


async def test_a_refusal_delivers_a_signed_decision_letter_naming_the_reasons_basis_and_remedies(client, db, settings):
    who = await people(client, db)
    app_id = await submitted(db, who["applicant_id"])
    tid = (await client.get(f"{API}/tasks", headers=who["accept"]["headers"])).json()["items"][0]["id"]
    res = await client.post(f"{API}/tasks/{tid}/decision", headers=who["accept"]["headers"],
                            json={"decision": "reject", "reason": "专用停车场地面积不足，不符合许可条件"})
    assert res.status_code == 200, res.text

    # the decision message names the letter and the remedies
    told = await db.fetchval("SELECT content FROM notifications WHERE user_id = $1 AND event = 'approval_result' "
                             "AND channel = 'inapp'", who["applicant_id"])
    for words in ("不予许可", "专用停车场地面积不足", "不予行政许可决定书", "60日内申请行政复议", "6个月内"):
        assert words in told, (words, told)

    letters = await _letters(client, who, app_id)
    assert [(d["kind"], d["status"]) for d in letters] == [("refusal", "pending")]
    await run_jobs(settings)
    letters = await _letters(client, who, app_id)
    assert letters[0]["status"] == "ready"
    pdf = await client.get(letters[0]["url"], headers=who["applicant"]["headers"])
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert (await sign.check(pdf.content, keys.paths(settings)[1])).valid
    text = _text(pdf.content)
    for words in ("不予行政许可决定书", "专用停车场地面积不足，不符合许可条件", "《道路危险货物运输管理规定》",
                  "60日内", "行政复议", "6个月内", "行政诉讼", "市交通运输局", "危险货物道路运输许可"):
        assert words in text, words
    # the same letter again on a retried look, and nobody else sees it
    assert await db.fetchval("SELECT count(*) FROM documents WHERE application_id = $1", app_id) == 1
    res = await client.get(letters[0]["url"], headers=who["accept"]["headers"])
    assert res.status_code == 404


async def test_a_return_for_materials_gets_its_one_time_notice_as_a_signed_document(client, db, settings):
    who = await people(client, db)
    app_id = await submitted(db, who["applicant_id"])
    await db.execute("INSERT INTO application_materials (application_id, material_code, name, required) VALUES "
                     "($1, 'parking_proof', '停车场地产权或租赁证明', true)", app_id)
    tid = (await client.get(f"{API}/tasks", headers=who["accept"]["headers"])).json()["items"][0]["id"]
    res = await client.post(f"{API}/tasks/{tid}/decision", headers=who["accept"]["headers"],
                            json={"decision": "return", "reason": "材料不全",
                                  "missing": [{"code": "parking_proof", "message": "租赁合同已过期，请上传有效合同"}]})
    assert res.status_code == 200, res.text
    await run_jobs(settings)
    letters = await _letters(client, who, app_id)
    assert [(d["kind"], d["status"]) for d in letters] == [("gap_notice", "ready")]
    pdf = (await client.get(letters[0]["url"], headers=who["applicant"]["headers"])).content
    assert (await sign.check(pdf, keys.paths(settings)[1])).valid
    text = _text(pdf)
    for words in ("一次性告知书", "停车场地产权或租赁证明", "租赁合同已过期，请上传有效合同", "逾期未补正"):
        assert words in text, words
