"""The catalogues: every language's ``.po`` compiles and is complete against the template
(no fuzzy, no missing, placeholders kept), the template matches the code, compiled ``.mo``
files are used only when up to date, and a new language is a new catalogue and nothing
else."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from allyship.i18n import catalogues
from allyship.i18n.catalogues import (
    LOCALE_DIR,
    SOURCE_LANGUAGE,
    available_languages,
    catalogue_path,
    make_translator,
)
from allyship.i18n.checks import catalogue_problems, message_key

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = LOCALE_DIR / catalogues.TEMPLATE
LANGUAGES = [lang for lang in available_languages() if lang != SOURCE_LANGUAGE]
# The extract command of docs/translating.md, as arguments.
EXTRACT = ["pybabel", "-q", "extract", "-F", "babel.cfg", "-k", "Message", "-c", "Translators:",
           "-w", "88",
           "--project", "Allyship Accountability Dashboard"]


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def test_spanish_is_a_shipped_language():
    assert "es" in LANGUAGES


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_shipped_catalogue_is_complete_with_nothing_fuzzy(language):
    assert catalogue_problems(read(TEMPLATE), read(catalogue_path(language), language)) == []


def spanish_with(change: Callable[[Catalog], object]) -> Catalog:
    catalogue = read(catalogue_path("es"), "es")
    change(catalogue)
    return catalogue


@pytest.mark.parametrize("change, problem", [
    (lambda c: c.delete("Acknowledge privilege", context="responsibility 1 title"), "missing"),
    (lambda c: c.get("Acknowledge privilege", context="responsibility 1 title").flags.add(
        "fuzzy"), "fuzzy"),
    (lambda c: setattr(c.get("Acknowledge privilege", context="responsibility 1 title"),
                       "string", ""), "untranslated"),
    (lambda c: setattr(c.get("{count} week"), "string", ("{count} semana", "{n} semanas",
                                                          "{count} semanas")), "placeholders"),
    (lambda c: setattr(c.get("{count} week"), "string", ("{count} semana", "{count} semanas")),
     "plural forms"),
    (lambda c: setattr(c.get("How does your personal motivation help support your {goal}?",
                             context="plan field supports_goal"), "string", "¿Cómo?"),
     "placeholders"),
    (lambda c: c.add("Gone from the code", "Ya no está"), "not in the template"),
    (lambda c: setattr(c.get("EEE d MMM y", context="CLDR date pattern"), "string",
                       "d 'de' MMM"), "date pattern fields"),
    (lambda c: setattr(c.get("EEE d MMM y", context="CLDR date pattern"), "string",
                       "EEE d MMMMMMMMMM y"), "not a CLDR date pattern"),
], ids=["missing", "fuzzy", "empty", "renamed-field", "too-few-plurals", "dropped-field",
        "leftover", "date-loses-fields", "date-unreadable"])
def test_the_completeness_check_fails_on_a_broken_catalogue(change, problem):
    problems = catalogue_problems(read(TEMPLATE), spanish_with(change))
    assert problems and all(problem in p for p in problems), problems


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_documented_compile_command_compiles_every_message(language, tmp_path):
    out = tmp_path / "allyship.mo"
    result = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "compile", "--statistics",
         "-D", "allyship", "-l", language, "-i", str(catalogue_path(language)),
         "-o", str(out)], capture_output=True, text=True, timeout=60, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr
    total = sum(1 for m in read(TEMPLATE) if m.id)
    assert f"{total} of {total} messages (100%) translated" in result.stderr
    assert out.stat().st_size > 0


@pytest.mark.slow
def test_the_template_holds_exactly_the_messages_in_the_code(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    fresh = tmp_path / "messages.pot"
    assert CommandLineInterface().run([*EXTRACT, "-o", str(fresh), "."]) in (0, None)
    committed = {message_key(m) for m in read(TEMPLATE) if m.id}
    extracted = {message_key(m) for m in read(fresh) if m.id}
    assert sorted(map(str, extracted - committed)) == [], "new messages: run pybabel extract"
    assert sorted(map(str, committed - extracted)) == [], "gone from the code: run extract"


# --- loading -----------------------------------------------------------------------------

def small_catalogue(tmp_path: Path, language: str, translations: dict[str, str]) -> Path:
    """``<tmp_path>/<language>/LC_MESSAGES/allyship.po`` holding ``translations``."""
    catalogue = Catalog(locale=language)
    for english, text in translations.items():
        catalogue.add(english, text)
    path = catalogue_path(language, tmp_path)
    path.parent.mkdir(parents=True)
    with path.open("wb") as handle:
        write_po(handle, catalogue)
    return path


def test_a_catalogue_without_a_compiled_file_is_compiled_on_load(tmp_path):
    small_catalogue(tmp_path, "fr", {"Log actions": "Noter des actions"})
    assert make_translator("fr", tmp_path).gettext("Log actions") == "Noter des actions"


def test_an_up_to_date_compiled_file_is_used_and_a_stale_one_is_not(tmp_path):
    po = small_catalogue(tmp_path, "fr", {"Log actions": "Noter des actions"})
    mo = po.with_suffix(".mo")
    other = Catalog(locale="fr")  # says something else, so which file was read shows
    other.add("Log actions", "Depuis le .mo")
    with mo.open("wb") as handle:
        write_mo(handle, other)
    newer, older = po.stat().st_mtime + 10, po.stat().st_mtime - 10
    os.utime(mo, (newer, newer))
    assert make_translator("fr", tmp_path).gettext("Log actions") == "Depuis le .mo"
    os.utime(mo, (older, older))
    assert make_translator("fr", tmp_path).gettext("Log actions") == "Noter des actions"


def test_a_new_language_is_a_new_catalogue_and_nothing_else(tmp_path):
    shutil.copy(TEMPLATE, tmp_path / catalogues.TEMPLATE)
    small_catalogue(tmp_path, "fr", {"{count} week": "{count} semaine"})
    assert available_languages(tmp_path) == ("en", "fr")
    assert available_languages(tmp_path, include_pseudo=True) == ("en", "fr", "en_XA")
    french = make_translator("fr", tmp_path)
    assert french.locale.language == "fr"
    assert french.gettext("{count} week") == "{count} semaine"
    assert french.gettext("Not in the catalogue") == "Not in the catalogue"


def test_a_right_to_left_language_is_a_catalogue_too(tmp_path):
    small_catalogue(tmp_path, "ar", {"Log actions": "تسجيل الأنشطة"})
    arabic = make_translator("ar", tmp_path)
    assert (arabic.dir, arabic.gettext("Log actions")) == ("rtl", "تسجيل الأنشطة")
    assert make_translator("es", tmp_path).dir == "ltr"


def test_english_is_the_source_and_needs_no_catalogue(tmp_path):
    english = make_translator("en", tmp_path)
    assert english.gettext("Log actions") == "Log actions"
    assert english.ngettext("{count} week", "{count} weeks", 2) == "{count} weeks"
    assert english.pgettext("role lead", "Team lead") == "Team lead"


def test_the_shipped_spanish_compiles_in_memory():
    compiled = catalogues.compile_po(catalogue_path("es").read_bytes(), "es")
    assert compiled[:4] in (b"\xde\x12\x04\x95", b"\x95\x04\x12\xde")  # gettext's magic
    assert make_translator("es").pgettext("role member", "Member") == "Integrante"
