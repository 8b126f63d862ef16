"""The shipped similar questions reach a database seeded before them, once each."""

from __future__ import annotations

from api.faq.entries import load_similar
from api.faq.seed import seed_faq


async def test_shipped_similar_questions_join_old_databases_once_and_an_editors_deletion_stays(db, settings):
    shipped = load_similar()["F001"]
    assert len(shipped) >= 5
    # A database seeded before similar questions shipped: the entry holds its editors' three only.
    await db.execute("DELETE FROM faq_seeded_alternates")
    await db.execute("UPDATE faq_entries SET alternates = alternates[1:3] WHERE id = 'F001'")
    await seed_faq(db, settings)
    alternates = await db.fetchval("SELECT alternates FROM faq_entries WHERE id = 'F001'")
    assert alternates[3:] == list(shipped) and len(alternates) == 3 + len(shipped)

    # An editor drops one; seeding again (every deploy) does not bring it back, nor doubles any.
    await db.execute("UPDATE faq_entries SET alternates = array_remove(alternates, $1) WHERE id = 'F001'", shipped[0])
    await seed_faq(db, settings)
    again = await db.fetchval("SELECT alternates FROM faq_entries WHERE id = 'F001'")
    assert shipped[0] not in again and len(again) == len(alternates) - 1
