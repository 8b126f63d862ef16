"""FAQ F101 "支持JPG、PNG图片和PDF文件，单个文件不超过10MB，一项材料可传多页": a material is one or
more pages, added, listed, fetched, reordered and removed through the API while the case is with
the applicant; PUT keeps meaning "this one file is the whole material"."""

from __future__ import annotations

from api.app import create_app
from api.applications import service
from tests.applications.helpers import add_page, files_in, pages_url, registration_draft, stored_keys
from tests.factories import applicant, stream_into
from tests.samples import JPG, PDF, PNG

API = "/api/v1"
NAME = "劳动合同或经营合同"
TAXI_FORM = {"applicantName": "张三", "idNumber": "11010519491231002X", "mobile": "13812345678",
             "firstLicenceDate": "2015-03-01", "deliveryAddress": "温州市鹿城区车站大道1号"}


def material(view: dict, code: str) -> dict:
    return next(m for m in view["materials"] if m["code"] == code)


async def test_a_material_takes_several_pages_that_are_listed_fetched_reordered_and_removed(client, db, settings):
    me = await applicant(client, "pages")
    h = me["headers"]
    app_id = await registration_draft(client, h)

    for number, (content, name) in enumerate([(JPG, "p1.jpg"), (PNG, "p2.png"), (PDF, "p3.pdf")], start=1):
        res = await add_page(client, h, app_id, "labour_contract", content, name)
        assert res.status_code == 201, res.text
        assert res.json()["pageCount"] == number and res.json()["uploaded"] is True

    view = (await client.get(f"{API}/applications/{app_id}", headers=h)).json()
    contract = material(view, "labour_contract")
    assert [(p["pageNo"], p["contentType"], p["sizeBytes"], p["originalName"]) for p in contract["pages"]] == [
        (1, "image/jpeg", len(JPG), "p1.jpg"), (2, "image/png", len(PNG), "p2.png"),
        (3, "application/pdf", len(PDF), "p3.pdf")]
    assert all(p["uploadedAt"] for p in contract["pages"])
    assert contract["contentType"] == "image/jpeg"  # the single-file fields describe page 1
    second = await client.get(contract["pages"][1]["url"], headers=h)
    assert second.status_code == 200 and second.content == PNG
    assert second.headers["content-type"] == "image/png"

    # the PDF first: [3, 1, 2]
    reordered = await client.put(f"{pages_url(app_id, 'labour_contract')}/order", headers=h, json={"order": [3, 1, 2]})
    assert reordered.status_code == 200, reordered.text
    assert [p["contentType"] for p in reordered.json()["pages"]] == ["application/pdf", "image/jpeg", "image/png"]
    assert [r["content_type"] for r in await db.fetch(
        "SELECT content_type FROM application_material_pages WHERE application_id = $1 ORDER BY page_no",
        app_id)] == ["application/pdf", "image/jpeg", "image/png"]
    # the route mobile clients already use serves the first page
    single = await client.get(f"{API}/applications/{app_id}/materials/labour_contract", headers=h)
    assert single.status_code == 200 and single.content == PDF

    jpg_key = await db.fetchval("SELECT storage_key FROM application_material_pages WHERE application_id = $1 "
                                "AND content_type = 'image/jpeg'", app_id)
    assert jpg_key in files_in(settings)
    removed = await client.delete(f"{pages_url(app_id, 'labour_contract')}/2", headers=h)
    assert removed.status_code == 200, removed.text
    assert [(p["pageNo"], p["contentType"]) for p in removed.json()["pages"]] == [
        (1, "application/pdf"), (2, "image/png")]
    assert jpg_key not in files_in(settings)  # the removed page's file is gone
    assert files_in(settings) == await stored_keys(db, app_id)
    assert (await client.get(f"{pages_url(app_id, 'labour_contract')}/3", headers=h)).json()["code"] == \
        "material_page_not_found"
    notes = [r["note"] for r in await db.fetch(
        "SELECT note FROM application_events WHERE application_id = $1 AND kind = 'material' ORDER BY id", app_id)]
    assert notes == [f"上传材料：{NAME}（第1页）", f"上传材料：{NAME}（第2页）", f"上传材料：{NAME}（第3页）",
                     f"调整材料页顺序：{NAME}", f"删除材料页：{NAME}（第2页）"]

    # PUT: this one file is the whole material — every page and its file is replaced
    put = await client.put(f"{API}/applications/{app_id}/materials/labour_contract", headers=h,
                           files={"file": ("whole.jpg", JPG, "image/jpeg")})
    assert put.status_code == 200, put.text
    assert put.json()["pageCount"] == 1 and put.json()["pages"][0]["originalName"] == "whole.jpg"
    assert await db.fetchval("SELECT count(*) FROM application_material_pages WHERE application_id = $1", app_id) == 1
    assert files_in(settings) == await stored_keys(db, app_id)


async def test_a_page_order_that_is_not_every_page_once_is_refused(client, db):
    me = await applicant(client, "order")
    h = me["headers"]
    app_id = await registration_draft(client, h)
    for content in (JPG, PNG):
        assert (await add_page(client, h, app_id, "labour_contract", content)).status_code == 201
    url = f"{pages_url(app_id, 'labour_contract')}/order"
    for order in ([1], [1, 1], [2, 3], [1, 2, 3]):
        res = await client.put(url, headers=h, json={"order": order})
        assert (res.status_code, res.json()["code"]) == (422, "page_order_invalid"), order
    assert (await client.put(url, headers=h, json={"order": [0, 1]})).status_code == 400
    assert [r["content_type"] for r in await db.fetch(
        "SELECT content_type FROM application_material_pages WHERE application_id = $1 ORDER BY page_no",
        app_id)] == ["image/jpeg", "image/png"]


async def test_a_twenty_first_page_is_refused_and_nothing_is_stored(client, db, settings):
    me = await applicant(client, "many")
    h = me["headers"]
    app_id = await registration_draft(client, h)
    for _ in range(20):
        assert (await add_page(client, h, app_id, "labour_contract", JPG)).status_code == 201
    extra = await add_page(client, h, app_id, "labour_contract", PNG)
    assert (extra.status_code, extra.json()["code"]) == (422, "too_many_pages"), extra.text
    assert "20页" in extra.json()["title"]
    assert await db.fetchval("SELECT max(page_no) FROM application_material_pages WHERE application_id = $1",
                             app_id) == 20
    assert len(files_in(settings)) == 20 and files_in(settings) == await stored_keys(db, app_id)


async def test_every_page_is_held_to_the_f101_formats_and_size_and_a_refusal_leaves_nothing(client, db, settings):
    me = await applicant(client, "strict")
    h = me["headers"]
    app_id = await registration_draft(client, h)
    ten_mb = JPG + b"\x00" * (10 * 1024 * 1024 - len(JPG))
    fits = await add_page(client, h, app_id, "labour_contract", ten_mb, "scan.jpg")
    assert fits.status_code == 201, fits.text
    assert fits.json()["pages"][0]["sizeBytes"] == 10 * 1024 * 1024

    too_big = await add_page(client, h, app_id, "labour_contract", ten_mb + b"\x00", "big.jpg")
    assert (too_big.status_code, too_big.json()["code"], too_big.json()["field"]) == (413, "file_too_large", "file")
    assert "10MB" in too_big.json()["title"]
    disguised = await client.post(pages_url(app_id, "labour_contract"), headers=h,
                                  files={"file": ("photo.jpg", b"MZ\x90\x00 not an image", "image/jpeg")})
    assert (disguised.status_code, disguised.json()["code"]) == (422, "file_type_refused")
    assert "JPG" in disguised.json()["title"] and "PDF" in disguised.json()["title"]
    # the driving licence takes pictures only
    pdf_for_picture = await add_page(client, h, app_id, "driving_licence", PDF, "licence.pdf")
    assert (pdf_for_picture.status_code, pdf_for_picture.json()["code"]) == (422, "file_type_refused")
    empty = await add_page(client, h, app_id, "labour_contract", b"")
    assert (empty.status_code, empty.json()["code"]) == (422, "file_empty")
    not_multipart = await client.post(pages_url(app_id, "labour_contract"), headers=h, content=JPG)
    assert (not_multipart.status_code, not_multipart.json()["code"]) == (400, "upload_malformed")
    unknown = await add_page(client, h, app_id, "no_such_material", JPG)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "material_not_found")

    assert await db.fetchval("SELECT count(*) FROM application_material_pages WHERE application_id = $1", app_id) == 1
    assert await db.fetchval("SELECT count(*) FROM application_events WHERE application_id = $1 "
                             "AND kind = 'material'", app_id) == 1
    assert files_in(settings) == await stored_keys(db, app_id)


async def test_the_same_idempotency_key_adds_one_page(client, db):
    me = await applicant(client, "retry")
    h = me["headers"]
    app_id = await registration_draft(client, h)
    first = await add_page(client, h, app_id, "labour_contract", JPG, **{"Idempotency-Key": "page-1"})
    again = await add_page(client, h, app_id, "labour_contract", JPG, **{"Idempotency-Key": "page-1"})
    assert first.status_code == 201 and again.status_code == 201
    assert first.json() == again.json()
    assert await db.fetchval("SELECT count(*) FROM application_material_pages WHERE application_id = $1", app_id) == 1


async def test_pages_change_only_in_a_draft_or_for_what_the_gap_notice_asks(client, db, settings):
    me = await applicant(client, "supplementer")
    h = me["headers"]
    created = await client.post(f"{API}/applications", headers=h, json={
        "serviceCode": "taxi-driver-cert", "answers": {"household": "nonlocal"}, "form": TAXI_FORM})
    app_id = created.json()["id"]
    for code in ("id_card", "driving_licence"):
        assert (await add_page(client, h, app_id, code, JPG)).status_code == 201
    assert (await add_page(client, h, app_id, "driving_licence", PNG)).status_code == 201  # front and back

    submitted = await client.post(f"{API}/applications/{app_id}/submit", headers=h)
    assert submitted.json()["status"] == "needs_supplement", submitted.text
    # the pre-review counts pages as uploads: only what has no page is asked for
    assert {g["code"] for g in submitted.json()["gapNotice"]["gaps"]} == {"photo", "residence_permit"}

    # supplementing: what the notice asks for takes pages, what it does not ask for stays as it was
    assert (await add_page(client, h, app_id, "residence_permit", JPG)).status_code == 201
    assert (await add_page(client, h, app_id, "residence_permit", PNG)).status_code == 201
    whole = await client.put(f"{API}/applications/{app_id}/materials/driving_licence", headers=h,
                             files={"file": ("f.jpg", JPG, "application/octet-stream")})  # PUT follows the same rule
    for res in (await add_page(client, h, app_id, "driving_licence", JPG),
                await client.delete(f"{pages_url(app_id, 'driving_licence')}/1", headers=h),
                await client.put(f"{pages_url(app_id, 'driving_licence')}/order", headers=h, json={"order": [2, 1]}),
                whole):
        assert (res.status_code, res.json()["code"]) == (409, "material_not_requested"), res.text
    assert await db.fetchval("SELECT count(*) FROM application_material_pages WHERE application_id = $1 "
                             "AND material_code = 'driving_licence'", app_id) == 2
    assert (await add_page(client, h, app_id, "photo", JPG)).status_code == 201
    again = await client.post(f"{API}/applications/{app_id}/submit", headers=h)
    assert again.status_code == 200 and again.json()["status"] == "submitted", again.text

    # submitted: no page changes at all
    for res in (await add_page(client, h, app_id, "photo", JPG),
                await client.delete(f"{pages_url(app_id, 'residence_permit')}/2", headers=h),
                await client.put(f"{pages_url(app_id, 'residence_permit')}/order", headers=h, json={"order": [2, 1]})):
        assert (res.status_code, res.json()["code"]) == (409, "application_not_editable"), res.text
    assert await db.fetchval("SELECT count(*) FROM application_material_pages WHERE application_id = $1", app_id) == 6
    assert files_in(settings) == await stored_keys(db, app_id)


async def test_a_material_that_stops_applying_takes_its_pages_and_their_files(client, db, settings):
    me = await applicant(client, "mover")
    h = me["headers"]
    app_id = (await client.post(f"{API}/applications", headers=h, json={
        "serviceCode": "taxi-driver-cert", "answers": {"household": "nonlocal"}, "form": TAXI_FORM})).json()["id"]
    for content in (JPG, PNG):
        assert (await add_page(client, h, app_id, "residence_permit", content)).status_code == 201
    assert len(files_in(settings)) == 2
    moved = await client.patch(f"{API}/applications/{app_id}", headers=h, json={"answers": {"household": "local"}})
    assert moved.status_code == 200, moved.text
    assert "residence_permit" not in {m["code"] for m in moved.json()["materials"]}
    assert await db.fetchval("SELECT count(*) FROM application_material_pages WHERE application_id = $1", app_id) == 0
    assert files_in(settings) == set()


async def test_someone_elses_pages_do_not_exist_for_another_applicant(client, db):
    owner = await applicant(client, "page-owner")
    other = await applicant(client, "page-other")
    app_id = await registration_draft(client, owner["headers"])
    assert (await add_page(client, owner["headers"], app_id, "labour_contract", JPG)).status_code == 201
    h = other["headers"]
    url = pages_url(app_id, "labour_contract")
    responses = [await add_page(client, h, app_id, "labour_contract", PNG), await client.get(f"{url}/1", headers=h),
                 await client.delete(f"{url}/1", headers=h),
                 await client.put(f"{url}/order", headers=h, json={"order": [1]})]
    assert [(r.status_code, r.json()["code"]) for r in responses] == [(404, "application_not_found")] * 4
    assert await db.fetchval("SELECT count(*) FROM application_material_pages WHERE application_id = $1", app_id) == 1


async def test_staff_reviewing_the_case_see_every_page(client, db):
    from tests.approvals.helpers import people

    who = await people(client, db)
    h = who["applicant"]["headers"]
    app_id = (await client.post(f"{API}/applications", headers=h, json={
        "serviceCode": "taxi-driver-cert", "answers": {"household": "local"}, "form": TAXI_FORM})).json()["id"]
    for content in (JPG, PNG, JPG + b"\x02"):
        assert (await add_page(client, h, app_id, "driving_licence", content)).status_code == 201
    async with db.transaction():
        await service.transition(db, app_id, "submitted", actor_id=who["applicant_id"])

    approver = who["accept"]["headers"]
    case = await client.get(f"{API}/applications/{app_id}", headers=approver)
    assert case.status_code == 200, case.text
    licence = material(case.json(), "driving_licence")
    assert [p["pageNo"] for p in licence["pages"]] == [1, 2, 3]
    fetched = [await client.get(p["url"], headers=approver) for p in licence["pages"]]
    assert [(r.status_code, r.content) for r in fetched] == [(200, JPG), (200, PNG), (200, JPG + b"\x02")]
    # the task the approver decides on shows the material as uploaded (pages only, no PUT)
    task = (await client.get(f"{API}/tasks", headers=approver)).json()["items"][0]
    detail = (await client.get(f"{API}/tasks/{task['id']}", headers=approver)).json()
    in_task = next(m for m in detail["materials"] if m["code"] == "driving_licence")
    assert in_task["state"] == "uploaded" and [p["pageNo"] for p in in_task["pages"]] == [1, 2, 3]
    second = await client.get(in_task["pages"][1]["url"], headers=approver)
    assert (second.status_code, second.content) == (200, PNG)
    missing = await client.get(f"{API}/tasks/{task['id']}/materials/driving_licence/pages/4", headers=approver)
    assert missing.status_code == 404
    other_step = await client.get(in_task["pages"][1]["url"], headers=who["review"]["headers"])
    assert other_step.status_code == 403
    # the console's task page shows every page, each fetched through the console
    from tests.console.helpers import sign_in

    assert (await sign_in(client, "13900001001")).status_code == 200
    page = await client.get(f"/console/tasks/{task['id']}")
    links = [f"/console/tasks/{task['id']}/materials/driving_licence/pages/{n}" for n in (1, 2, 3)]
    assert page.status_code == 200 and all(link in page.text for link in links) and "共 3 页" in page.text
    assert (await client.get(links[2])).content == JPG + b"\x02"
    # an approver of a step the case never reached sees nothing
    outsider = await client.get(licence["pages"][0]["url"], headers=who["review"]["headers"])
    assert (outsider.status_code, outsider.json()["code"]) == (404, "application_not_found")


CHUNK = 64 * 1024


async def _post_stream(app, path: str, headers: dict[str, str], chunks, method: str = "POST") -> tuple[int, dict, int]:
    return await stream_into(app, path, headers, chunks, method=method)


def _endless_jpg():
    yield (b'--B\r\nContent-Disposition: form-data; name="file"; filename="huge.jpg"\r\n'
           b"Content-Type: image/jpeg\r\n\r\n" + JPG)
    while True:
        yield b"\x00" * CHUNK


async def test_an_oversize_upload_is_stopped_before_or_while_reading_it(client, db, settings):
    me = await applicant(client, "huge")
    app_id = await registration_draft(client, me["headers"])
    path = pages_url(app_id, "labour_contract")
    headers = {"authorization": me["headers"]["Authorization"], "content-type": "multipart/form-data; boundary=B"}

    app = create_app(settings)  # on the test's own loop (the client runs its app on another)
    async with app.lifespan():
        # announced: refused from the Content-Length, not one chunk taken off the wire
        status, problem, read = await _post_stream(app, path, {**headers, "content-length": str(50 * 1024 * 1024)},
                                                   _endless_jpg())
        assert (status, problem["code"], read) == (413, "file_too_large", 0), problem
        assert "10MB" in problem["title"]
        # streamed without a length: reading stops just past 10 MB
        status, problem, read = await _post_stream(app, path, {**headers, "transfer-encoding": "chunked"},
                                                   _endless_jpg())
        assert (status, problem["code"]) == (413, "file_too_large"), problem
        assert 10 * 1024 * 1024 // CHUNK <= read <= 10 * 1024 * 1024 // CHUNK + 3
        # the single-file route has the same limit
        single = f"{API}/applications/{app_id}/materials/labour_contract"
        status, problem, read = await _post_stream(app, single, {**headers, "content-length": str(50 * 1024 * 1024)},
                                                   _endless_jpg(), method="PUT")
        assert (status, problem["code"], read) == (413, "file_too_large", 0), problem
    assert await db.fetchval("SELECT count(*) FROM application_material_pages WHERE application_id = $1", app_id) == 0
    assert files_in(settings) == set()
