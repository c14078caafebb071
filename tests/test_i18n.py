"""Translators, formats, negotiation, direction and the pseudo-locale: one immutable
translator per language, passed explicitly, so two sessions in two languages never
meet."""

from __future__ import annotations

import builtins
import locale
import threading
from datetime import date

import pytest
from babel.messages.pofile import read_po

from allyship.i18n import PSEUDO_LOCALE, direction, handout, negotiate, translator_for
from allyship.i18n import formatting as fmt
from allyship.i18n.catalogues import LOCALE_DIR, TEMPLATE
from allyship.i18n.negotiation import match, normalise, parse_accept_language
from allyship.i18n.pseudo import END, START, is_pseudo, pseudo

DAY = date(2026, 12, 7)
ES, EN = translator_for("es"), translator_for("en")


# --- formats -----------------------------------------------------------------------------

@pytest.mark.parametrize("language, day, short", [
    ("en", "Mon 7 Dec 2026", "7 Dec"),
    ("es", "lun 7 dic 2026", "7 dic"),
])
def test_days_are_written_the_languages_way(language, day, short):
    tr = translator_for(language)
    assert fmt.format_day(tr, DAY) == day
    assert fmt.format_short_day(tr, DAY) == short


@pytest.mark.parametrize("language, minutes, shown", [
    ("en", 750, "12.5 h"), ("es", 750, "12,5 h"),
    ("en", 45, "45 min"), ("es", 45, "45 min"),
    ("en", 119, "119 min"), ("es", 120, "2,0 h"),
    ("en", 6000, "100.0 h"), ("es", 90000, "1.500,0 h"),
])
def test_time_is_minutes_under_two_hours_then_hours_in_the_languages_decimals(
        language, minutes, shown):
    assert fmt.format_minutes(translator_for(language), minutes) == shown


@pytest.mark.parametrize("language, number, decimal, percent", [
    ("en", "12,345", "1,234.5", "42%"),
    ("es", "12.345", "1.234,5", "42\xa0%"),
])
def test_numbers_use_the_languages_separators(language, number, decimal, percent):
    tr = translator_for(language)
    assert fmt.format_number(tr, 12345) == number
    assert fmt.format_decimal(tr, 1234.5) == decimal
    assert fmt.format_percent(tr, 0.42) == percent


@pytest.mark.parametrize("n, english, spanish", [
    (0, "0 weeks", "0 semanas"),
    (1, "1 week", "1 semana"),
    (2, "2 weeks", "2 semanas"),
    (21, "21 weeks", "21 semanas"),
    (1_000_000, "1,000,000 weeks", "1.000.000 de semanas"),  # CLDR's "many" in Spanish
])
def test_spanish_plurals_follow_its_three_forms(n, english, spanish):
    assert fmt.count_weeks(EN, n) == english
    assert fmt.count_weeks(ES, n) == spanish


def test_counts_of_actions_and_members_in_spanish():
    assert [fmt.count_actions(ES, n) for n in (1, 3)] == ["1 acción", "3 acciones"]
    assert [fmt.count_members(ES, n) for n in (1, 3)] == ["1 integrante", "3 integrantes"]


# --- negotiation -------------------------------------------------------------------------

AVAILABLE = ("en", "es", "fr_CA")


@pytest.mark.parametrize("member, browser, chapter, chosen", [
    ("es", ["en-US"], "fr_CA", "es"),          # the member's own setting first
    (None, ["es-MX", "en"], "en", "es"),       # then the browser, by language
    (None, ["de-DE", "fr-CA"], "es", "fr_CA"),  # the first browser language we have
    (None, ["de-DE"], "es", "es"),             # then the chapter's default
    (None, [], None, "en"),                    # then English
    ("de", "de-AT", "it", "en"),               # nothing we have: English
    ("pt", ["es"], None, "es"),                # a setting we cannot honour falls through
    (None, "es-419", None, "es"),              # one browser tag as a string
])
def test_the_language_is_member_then_browser_then_chapter_then_english(
        member, browser, chapter, chosen):
    assert negotiate(AVAILABLE, member=member, browser=browser, chapter=chapter) == chosen


def test_a_regional_variant_is_chosen_exactly_when_there_is_one():
    assert match("es-MX", ("en", "es", "es_MX")) == "es_MX"
    assert match("es-AR", ("en", "es", "es_MX")) == "es"
    assert match("fr", ("en", "fr_CA")) is None  # a base never picks someone's region


@pytest.mark.parametrize("tag, normal", [
    ("es-mx", "es_MX"), ("ES", "es"), ("zh-hant-tw", "zh_Hant_TW"), ("es-419", "es_419"),
    ("", ""),
])
def test_tags_are_normalised_as_catalogue_directories(tag, normal):
    assert normalise(tag) == normal


def test_accept_language_is_read_most_wanted_first():
    header = "fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5, it;q=0"
    assert parse_accept_language(header) == ["fr-CH", "fr", "en", "de"]
    assert parse_accept_language(None) == []
    assert parse_accept_language("es;q=oops, en") == ["en"]


# --- direction ---------------------------------------------------------------------------

@pytest.mark.parametrize("tag, way", [
    ("ar", "rtl"), ("he", "rtl"), ("fa", "rtl"), ("ur", "rtl"), ("ar-EG", "rtl"),
    ("en", "ltr"), ("es", "ltr"), ("en_XA", "ltr"), ("xx-nope", "ltr"),
])
def test_the_writing_direction_comes_from_cldr(tag, way):
    assert direction(tag) == way


def test_a_translator_knows_its_direction_without_code_per_language():
    assert translator_for("es").dir == "ltr"
    # Arabic has no catalogue yet: its translator falls back to English, which is ltr;
    # a catalogue named "ar" is all it takes for ar's own rtl (see direction above).
    assert translator_for("ar").language == "en" and translator_for("ar").dir == "ltr"


# --- pseudo-locale -----------------------------------------------------------------------

def test_pseudo_text_is_accented_marked_and_a_third_longer():
    text = "Log actions for this week"
    shown = pseudo(text)
    assert is_pseudo(shown) and shown.startswith(START) and shown.endswith(END)
    assert len(shown) >= 1.3 * len(text)
    assert not any(c.isascii() and c.isalpha() for c in shown)
    assert not is_pseudo(text)


@pytest.mark.parametrize("text, kept", [
    ("{count} weeks", ["{count}"]),
    ("Hello %(name)s, %d left", ["%(name)s", "%d"]),
    ("See [the guide](https://example.org/guide) now", ["](https://example.org/guide)"]),
    ("<b>Bold</b> &amp; `code`", ["<b>", "</b>", "&amp;", "`code`"]),
])
def test_pseudo_keeps_placeholders_markup_and_links(text, kept):
    shown = pseudo(text)
    assert all(k in shown for k in kept), shown


def test_the_pseudo_locale_translates_every_message_of_the_template():
    tr = translator_for(PSEUDO_LOCALE)
    with (LOCALE_DIR / TEMPLATE).open("rb") as handle:
        template = [m for m in read_po(handle) if m.id]
    for message in template:
        if (message.context or "").startswith("CLDR"):
            continue  # patterns for Babel, kept as written
        if isinstance(message.id, tuple):
            shown = tr.npgettext(message.context, *message.id, 2) if message.context \
                else tr.ngettext(*message.id, 2)
        else:
            shown = tr.pgettext(message.context, message.id) if message.context \
                else tr.gettext(message.id)
        assert is_pseudo(shown), message.id
    assert tr.gettext("A string nobody marked") == "A string nobody marked"  # shows up


def test_the_pseudo_locale_formats_like_english_and_fills_its_placeholders():
    tr = translator_for(PSEUDO_LOCALE)
    assert fmt.format_day(tr, DAY) == "Mon 7 Dec 2026"
    assert is_pseudo(fmt.count_weeks(tr, 3)) and "3" in fmt.count_weeks(tr, 3)
    assert is_pseudo(handout.plan_prompt(tr, "supports_goal", "Audubon goal"))
    assert "Audubon goal" in handout.plan_prompt(tr, "supports_goal", "Audubon goal")


# --- one translator per session ----------------------------------------------------------

def test_translators_are_shared_per_language_and_immutable():
    assert translator_for("es") is translator_for("es-ES") is ES
    assert translator_for("en") is not ES
    with pytest.raises(AttributeError):
        ES.language = "en"  # type: ignore[misc]


def test_two_sessions_in_two_languages_in_two_threads_never_see_each_others_words():
    barrier, results = threading.Barrier(2), {}

    def session(language: str) -> None:
        tr = translator_for(language)  # what each session holds
        barrier.wait()
        seen = set()
        for _ in range(300):
            seen.add(handout.responsibility(tr, 5).title)
            seen.add(fmt.format_day(tr, DAY))
            seen.add(fmt.count_weeks(tr, 3))
        results[language] = seen

    threads = [threading.Thread(target=session, args=(lang,)) for lang in ("es", "en")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results["es"] == {"Recibir la crítica", "lun 7 dic 2026", "3 semanas"}
    assert results["en"] == {"Receive criticism", "Mon 7 Dec 2026", "3 weeks"}


def test_nothing_process_wide_is_installed():
    before = locale.setlocale(locale.LC_ALL)
    translator_for("es").gettext("Member")
    fmt.format_day(ES, DAY)
    assert "_" not in vars(builtins)
    assert locale.setlocale(locale.LC_ALL) == before


def test_a_constant_marked_with_n_is_translated_where_it_is_shown():
    from allyship.i18n import N_

    constant = N_("{count} week")  # as a module constant would be marked
    assert constant == "{count} week"
    assert ES.ngettext(constant, "{count} weeks", 1) == "{count} semana"
