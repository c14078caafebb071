"""Reports in the reader's language: the chapter report (HTML with its charts, Markdown,
CSV), the organisation report, the report command's --lang and the Chapter report page,
in Spanish and in the pseudo-locale, leave no English outside what people wrote — with
the same figures as in English, the same CSV columns, and a completed period's report
the same file every time it is made in a language.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel import Locale
from click.testing import CliRunner
from apptest_helpers import persona
from i18n_helpers import PSEUDO, data_strings, open_in, shown_texts, untranslated

from allyship import cli
from allyship.core.models import Member, week_start
from allyship.db import store
from allyship.i18n import available_languages, translator_for
from allyship.people import language_settings
from allyship.reports import chapter_report, org_report, setup_code_sheet, wording

pytestmark = pytest.mark.slow  # each test builds reports over the demo chapter

TODAY = date.today()
# The eight complete weeks before this one: a completed period.
START = week_start(TODAY) - timedelta(weeks=8)
END = week_start(TODAY) - timedelta(days=1)
LANGUAGES = ["es", PSEUDO]
# Day and month names come from CLDR for the language's locale; the pseudo-locale
# formats dates as English does (its words are the catalogue's, its dates are not).
CLDR_NAMES = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Jan", "Feb", "Mar", "Apr",
              "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
PAGE = "pages/chapter_report.py"
# The report language choice names each language in itself ("español"); the helpers read
# words as ASCII letters, so such a name reaches them in pieces.
LANGUAGE_NAME_PIECES = {piece for code in available_languages()
                        for piece in re.findall(r"[A-Za-z]+",
                                                Locale.parse(code).get_display_name(code))}


class _Text(HTMLParser):
    """The text a reader sees in an HTML report: every text node (SVG titles and
    descriptions too), the stylesheet left out."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skip = False

    def handle_starttag(self, tag, attrs) -> None:
        self._skip = tag in ("style", "script")
        self.texts += [v for k, v in attrs if k in ("aria-label", "alt", "title") and v]

    def handle_endtag(self, tag) -> None:
        self._skip = False

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(data)


def html_texts(html: bytes) -> list[str]:
    parser = _Text()
    parser.feed(html.decode())
    return parser.texts


def md_texts(md: bytes) -> list[str]:
    """The Markdown's lines with its escapes undone (so data reads as stored)."""
    return [re.sub(r"\\(.)", r"\1", line) for line in md.decode().splitlines() if line.strip()]


def admin_of(path: Path) -> tuple[object, Member]:
    db, admin = persona(path, "admin")
    return db, admin


def report(path: Path, language: str | None, today: date = TODAY):
    db, admin = admin_of(path)
    tr = None if language is None else translator_for(language)
    return chapter_report.assemble(db, admin, start=START, end=END, today=today, tr=tr)


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


# --- the chapter report ---------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("fmt", ["html", "md"])
def test_the_chapter_report_has_no_english_left_outside_what_people_wrote(demo_db, language,
                                                                           fmt):
    rendered = chapter_report.render(report(demo_db, language), fmt)
    texts = html_texts(rendered) if fmt == "html" else md_texts(rendered)
    allowed = CLDR_NAMES if language == PSEUDO else set()
    assert untranslated(texts, language, data=data_strings(demo_db), allowed=allowed) == []


def test_each_format_writes_in_the_reports_language_or_the_one_it_is_given(demo_db):
    english, spanish = report(demo_db, None), report(demo_db, "es")
    assert spanish.language == "es"
    assert '<html lang="es">' in chapter_report.render(spanish, "html").decode()
    assert '<html lang="en">' in chapter_report.render(english, "html").decode()
    # Given another translator, a format writes in it (the partner voice section keeps
    # the language the report was assembled in: the page assembles in the one chosen).
    written = chapter_report.render(english, "md", translator_for("es")).decode()
    assert "## Cifras principales" in written and "## Headline figures" not in written


def test_the_spanish_report_gives_the_same_figures_as_the_english(demo_db):
    english, spanish = report(demo_db, None), report(demo_db, "es")
    en_rows, es_rows = rows(chapter_report.render(english, "csv")), \
        rows(chapter_report.render(spanish, "csv"))
    assert len(en_rows) == len(es_rows)
    for en, es in zip(en_rows, es_rows):
        words = {"name"} | ({"change"} if en["change"] == "No comparison" else set())
        assert {k: v for k, v in en.items() if k not in words} == \
               {k: v for k, v in es.items() if k not in words}
    html = chapter_report.render(spanish, "html").decode()
    tr = translator_for("es")
    for h in spanish.headlines:
        assert wording.figure(tr, h, h.value) in html
    assert "lun " in html and ("," in wording.hours(tr, 750))  # "12,5 h": Spanish numbers


def test_csv_columns_are_the_same_in_every_language(demo_db):
    headers = {language: chapter_report.render(report(demo_db, language), "csv")
               .decode("utf-8-sig").splitlines()[0] for language in ("en", "es", PSEUDO)}
    assert len(set(headers.values())) == 1
    assert headers["es"].split(",") == chapter_report.CSV_COLUMNS
    sections = {language: [r["section"] for r in rows(chapter_report.render(
        report(demo_db, language), "csv"))] for language in ("en", "es")}
    assert sections["en"] == sections["es"]


def test_a_completed_periods_spanish_report_is_the_same_file_but_for_its_generated_line(demo_db):
    first = report(demo_db, "es")
    again, later = report(demo_db, "es"), report(demo_db, "es", TODAY + timedelta(days=1))
    for fmt in ("html", "md", "csv"):
        made = chapter_report.render(first, fmt)
        assert chapter_report.render(again, fmt) == made
        other = chapter_report.render(later, fmt)
        if fmt == "csv":
            assert other == made  # no generated line in the figures
            continue
        assert other != made
        prepared = re.compile(rb"preparado el [^<\n]*")
        assert len(prepared.findall(made)) == 1
        assert prepared.sub(b"", other) == prepared.sub(b"", made)


# --- the organisation report ----------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
def test_the_organisation_report_has_no_english_left_outside_names(demo_db, language):
    db = store.connect(demo_db)
    operator = Member(0, 0, None, "operator", "", "member", True, "org_admin", None)
    assembled = org_report.assemble(db, operator, start=START, end=END, today=TODAY)
    tr = translator_for(language)
    allowed = CLDR_NAMES if language == PSEUDO else set()
    # Inside the chart Vega writes its own descriptions of axes, legends and points for
    # screen readers, in English ("X-axis titled … for a discrete scale with 8 values",
    # "group: …"); the titles and words it quotes are ours and are checked as drawn text.
    html = re.sub(rb"<svg.*?</svg>", lambda m: re.sub(rb'aria-[a-z]+="[^"]*"', b"", m.group()),
                  org_report.render(assembled, "html", tr), flags=re.S)
    for texts in (html_texts(html), md_texts(org_report.render(assembled, "md", tr))):
        assert untranslated(texts, language, data=data_strings(demo_db), allowed=allowed) == []
    assert org_report.render(assembled, "csv", tr).splitlines()[0] == \
        org_report.render(assembled, "csv").splitlines()[0]


# --- the command line -----------------------------------------------------------------------

def run_report(path: Path, out: Path, *args: str):
    chapter = str(admin_of(path)[1].chapter_id)  # the demo holds the organisation's chapters
    return CliRunner().invoke(cli.main, ["report", "--db", str(path), "--chapter", chapter,
                                         "--from", START.isoformat(), "--to", END.isoformat(),
                                         "--format", "md", "--out", str(out), *args])


def test_report_lang_es_writes_the_report_in_spanish(demo_db, tmp_path):
    result = run_report(demo_db, tmp_path / "r.md", "--lang", "es")
    assert result.exit_code == 0, result.output
    written = (tmp_path / "r.md").read_bytes()
    assert b"informe del cap\xc3\xadtulo" in written and b"## Cifras principales" in written
    assert untranslated(md_texts(written), "es", data=data_strings(demo_db)) == []
    assert "report written to" in result.output  # the operator's messages stay English


def test_report_is_written_in_the_chapters_language_unless_told_otherwise(demo_db, tmp_path):
    db, admin = admin_of(demo_db)
    language_settings.set_chapter_language(db, admin, "es")
    db.conn.close()
    assert run_report(demo_db, tmp_path / "chapter.md").exit_code == 0
    assert b"## Cifras principales" in (tmp_path / "chapter.md").read_bytes()
    assert run_report(demo_db, tmp_path / "en.md", "--lang", "en").exit_code == 0
    assert b"## Headline figures" in (tmp_path / "en.md").read_bytes()


def test_report_help_says_what_lang_does():
    result = CliRunner().invoke(cli.main, ["report", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "--lang" in text and "default: the chapter's default language, else English" in text


# --- the page -------------------------------------------------------------------------------

def page_texts(at) -> list[str]:
    """Every word the page shows, its charts and their "Show as table" included."""
    return shown_texts(at.main)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ["lead", "admin"])
def test_the_chapter_report_page_has_no_english_left(demo_db, role, language):
    at = open_in(demo_db, role, language, PAGE)
    assert not at.exception
    allowed = (CLDR_NAMES if language == PSEUDO else set()) | LANGUAGE_NAME_PIECES
    data = data_strings(demo_db)
    assert untranslated(page_texts(at), language, data=data, allowed=allowed) == []
    # Custom dates: the date fields, and a report of other weeks.
    at.selectbox(key="cr_period").set_value("Custom dates").run()
    assert not at.exception
    assert untranslated(page_texts(at), language, data=data, allowed=allowed) == []


def test_the_report_language_opens_on_the_sessions_and_offers_each_language_by_its_name(
        demo_db):
    at = open_in(demo_db, "lead", "es", PAGE)
    choice = at.selectbox(key="cr_lang")
    assert choice.value == "es"
    assert choice.options == ["English", "español"]
    choice.set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Informe del capítulo"  # the page stays in its language


# --- the set-up code sheet ------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
def test_the_set_up_code_sheet_speaks_the_language_it_is_given(language):
    from datetime import datetime
    from types import SimpleNamespace

    slip = SimpleNamespace(member=SimpleNamespace(name="Ana Ruiz", email="ana@example.org"),
                           code="K7P-4QX", expires_at=datetime(2026, 12, 9, 14, 5))
    sheet = setup_code_sheet.sheet_html([slip, slip], chapter="Riverbend", address="",
                                        issued_on=datetime(2026, 12, 7, 9),
                                        tr=translator_for(language))
    allowed = (CLDR_NAMES if language == PSEUDO else set()) | {"UTC"}
    assert untranslated(html_texts(sheet.encode()), language,
                        data=["Ana Ruiz", "ana@example.org", "K7P-4QX", "Riverbend"],
                        allowed=allowed) == []
    assert f'<html lang="{language.replace("_", "-")}">' in sheet
