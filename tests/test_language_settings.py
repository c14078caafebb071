"""Which language a member reads in: their own setting, their chapter's default, and the
words made below the pages (``Message``) shown in the reader's language."""

from __future__ import annotations

import pickle

import pytest

from allyship.core.access import PermissionDenied
from allyship.core.models import ValidationError
from allyship.i18n import Message, translate, translator_for
from allyship.people import language_settings as settings


def test_a_member_sets_their_own_language_and_can_go_back_to_automatic(chapter):
    assert settings.member_language(chapter.db, chapter.member.id) is None
    assert settings.set_member_language(chapter.db, chapter.member, "es") == "es"
    assert settings.member_language(chapter.db, chapter.member.id) == "es"
    assert settings.member_language(chapter.db, chapter.teammate.id) is None
    assert settings.set_member_language(chapter.db, chapter.member, None) is None
    assert settings.member_language(chapter.db, chapter.member.id) is None


@pytest.mark.parametrize("language", ["fr", "en_XA", "es; DROP TABLE members", "<b>"])
def test_only_a_language_we_have_may_be_stored(chapter, language):
    with pytest.raises(ValidationError):
        settings.set_member_language(chapter.db, chapter.member, language)
    with pytest.raises(ValidationError):
        settings.set_chapter_language(chapter.db, chapter.admin, language)
    assert settings.member_language(chapter.db, chapter.member.id) is None


def test_only_an_admin_sets_the_chapters_default(chapter):
    with pytest.raises(PermissionDenied):
        settings.set_chapter_language(chapter.db, chapter.lead, "es")
    assert settings.chapter_language(chapter.db, chapter.chapter.id) is None
    settings.set_chapter_language(chapter.db, chapter.admin, "es")
    assert settings.chapter_language(chapter.db, chapter.chapter.id) == "es"


def test_a_change_of_language_is_in_the_audit_trail(chapter):
    settings.set_member_language(chapter.db, chapter.member, "es")
    row = next(chapter.db.query(
        "SELECT * FROM audit_log WHERE table_name = 'members' AND record_id = ?"
        " ORDER BY id DESC LIMIT 1", [chapter.member.id]))
    assert '"language": "es"' in row["details"]


def test_a_message_reads_in_english_and_keeps_what_translates_it():
    message = Message("At most {limit} characters.", limit=200)
    assert message == "At most 200 characters."
    copy = pickle.loads(pickle.dumps(message))
    assert (copy.template, copy.fields) == ("At most {limit} characters.", {"limit": 200})
    assert translate(translator_for("en"), message) == "At most 200 characters."


def test_a_message_is_translated_by_its_template_with_its_fields_filled():
    tr = translator_for("es")
    # Any plain message the Spanish catalogue has.
    template = next(m.id for m in _catalogue() if m.id and isinstance(m.id, str)
                    and "{" not in m.id and m.string and m.context is None)
    assert translate(tr, Message(template)) == tr.gettext(template) != template


def _catalogue():
    from babel.messages.pofile import read_po

    from allyship.i18n.catalogues import catalogue_path
    with catalogue_path("es").open("rb") as handle:
        return read_po(handle)
