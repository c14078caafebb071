"""A reflection shared with partners is read by the partners the author had when it was
shared — not by a later partner, and not by a former one. Circle posts, by contrast, are
the circle's record: a newcomer reads what the circle's active members shared before they
joined; someone who leaves reads nothing more, and what they shared leaves with them."""

from __future__ import annotations

from datetime import date

from allyship.core.models import ActionDraft, MemberDraft, ReflectionDraft
from allyship.db import migrations, store
from allyship.peers import circles, partners
from allyship.people import roster
from allyship.practice import journal

TODAY = date.today()


def _partner_up(db, a, b) -> int:  # noqa: ANN001
    p = partners.invite(db, a, b.id)
    partners.respond(db, b, p.id, True)
    return p.id


def _share(db, who, text: str) -> int:  # noqa: ANN001
    journal.save_reflection(db, who, ReflectionDraft(TODAY, {1: text}), today=TODAY)
    [mine] = [r for r in journal.my_reflections(db, who, TODAY) if r.answer == text]
    partners.share_reflection(db, who, mine.id, True)
    return mine.id


def _read(db, reader, author) -> list[str]:  # noqa: ANN001
    return [r.answer for r in partners.partner_view(db, reader, author.id).reflections]


def test_a_later_partner_does_not_read_a_reflection_shared_with_an_earlier_one(chapter):
    db, mo, bea, xan = chapter.db, chapter.member, chapter.teammate, chapter.other
    first = _partner_up(db, mo, bea)
    _share(db, mo, "REFLECTION-CANARY for Bea")
    assert _read(db, bea, mo) == ["REFLECTION-CANARY for Bea"]

    partners.end(db, mo, first)
    _partner_up(db, mo, xan)

    assert _read(db, xan, mo) == []
    assert partners.shared_reflections(db, xan, mo.id) == []
    # The author still sees it as shared (with the partner they shared it with).
    assert [r.answer for r in partners.shared_reflections(db, mo)] == [
        "REFLECTION-CANARY for Bea"]


def test_partners_at_sharing_time_read_it_and_a_reshare_reaches_todays_partners(chapter):
    db, mo, bea, xan = chapter.db, chapter.member, chapter.teammate, chapter.other
    _partner_up(db, mo, bea)
    reflection = _share(db, mo, "shared with Bea only")
    _partner_up(db, mo, xan)  # two partners now; the reflection was shared before Xan
    assert _read(db, bea, mo) == ["shared with Bea only"]
    assert _read(db, xan, mo) == []
    # Sharing it again, on purpose, shares it with the partners the author has now.
    partners.share_reflection(db, mo, reflection, False)
    assert _read(db, bea, mo) == []
    partners.share_reflection(db, mo, reflection, True)
    assert _read(db, bea, mo) == _read(db, xan, mo) == ["shared with Bea only"]
    # Editing its words un-shares it, and its audience with it.
    journal.save_reflection(db, mo, ReflectionDraft(TODAY, {1: "new words"}), today=TODAY)
    assert db.execute("SELECT partners_see, audience_partners FROM reflections WHERE id = ?",
                      [reflection]).fetchone() == (0, None)


def test_reflections_already_shared_keep_the_partners_the_author_has_at_migration(tmp_path):
    db = store.connect(tmp_path / "old.db", migrate=False)
    step = next(i for i, m in enumerate(migrations.MIGRATIONS)
                if m.__name__.endswith("fix_reflection_audience"))
    while store.schema_version(db) < step:
        migrations.MIGRATIONS[store.schema_version(db)](db)
        db.execute(f"PRAGMA user_version = {store.schema_version(db) + 1}")
    ch = roster.create_chapter(db, "Old")
    admin = roster.bootstrap_admin(db, ch, MemberDraft("Ada Admin", "ada@example.org"))
    mo, bea = (roster.add_member(db, admin, MemberDraft(n, f"{n.lower()}@example.org"))
               for n in ("Mo", "Bea"))
    _partner_up(db, mo, bea)
    db.execute("INSERT INTO reflections (member_id, week_start, question, answer, visibility,"
               " updated_at, partners_see) VALUES (?, ?, 1, 'old share', 'private', ?, 1)",
               [mo.id, TODAY.isoformat(), TODAY.isoformat()])
    store.apply_migrations(db)
    assert db.execute("SELECT audience_partners FROM reflections").fetchone()[0] == f",{bea.id},"
    db.conn.close()


def test_circle_newcomers_read_what_the_circle_shared_before_they_joined(chapter):
    db, mo, oz, bea = chapter.db, chapter.member, chapter.other, chapter.teammate
    circle = circles.start_circle(db, mo, "Tuesday circle", "weekly", [oz.id])
    circles.respond(db, oz, circle.id, True)
    journal.log_action(db, oz, ActionDraft(TODAY, "CIRCLE-HISTORY from Oz", (2,),
                                           visibility="circle"), today=TODAY)
    circles.invite(db, mo, circle.id, [bea.id])
    circles.respond(db, bea, circle.id, True)
    seen = {a.description for _, a in journal.list_shared_actions(db, bea)}
    assert "CIRCLE-HISTORY from Oz" in seen
    circles.leave(db, bea, circle.id)
    assert "CIRCLE-HISTORY from Oz" not in {
        a.description for _, a in journal.list_shared_actions(db, bea)}
