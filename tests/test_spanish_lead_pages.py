"""Team progress and Organisation in another language: every word a lead, a chapter admin,
an organisation admin and a region lead meet — tabs, filters, figures, notes, tables and
the charts' titles, axes, legends and tooltips — in Spanish and in the pseudo-locale, and
a chart's rows the same in every language."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from apptest_helpers import open_org_tab, persona
from i18n_helpers import PSEUDO, data_strings, open_in, shown_texts, untranslated

from allyship.charts import builders, chart_words, progress_charts
from allyship.core.safe_text import inert
from allyship.i18n import translator_for
from allyship.metrics import disclosure, org_figures, overview, scopes
from allyship.metrics.overview import Headline
from allyship.metrics.periods import Period

LANGUAGES = ("en_XA", "es")
# Values of Vega-Lite's own settings in a chart spec (filters, time units, orientations,
# stacking, colours, the calculate steps that put categories into words): code the
# browser reads, never shown as such. Their words are checked where they are shown:
# titles, axes, legends, tooltips, and the categories' sort orders and domains.
VEGA_SYNTAX = {"timeUnit", "filter", "orient", "anchor", "op", "as", "groupby", "order",
               "contains", "width", "calculate", "fold", "align", "fontWeight",
               "interpolate", "stroke", "color", "value", "stack", "window"}
# The pseudo-locale writes dates with its base language's CLDR names (English): they are
# Babel's, not messages left untranslated.
CLDR_ENGLISH = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Jan", "Feb", "Mar", "Apr",
                "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
# Words Spanish shares with English (the handout's "ideas" in responsibility 6).
SHARED_WORDS = {"ideas"}
# The demo organisation's name, shown escaped for Markdown (so not matched as data).
ORG_NAME = {"Audubon", "Society", "DEMO"}
TABS = ("Participation", "Responsibilities", "Members and time", "Next steps")


def chart_syntax(at) -> set[str]:  # noqa: ANN001 - an AppTest
    """The values of Vega-Lite settings in the charts the last run drew."""
    found: set[str] = set()

    def walk(value: object, key: str | None = None) -> None:
        if isinstance(value, dict):
            for k, item in value.items():
                walk(item, k)
        elif isinstance(value, list):
            for item in value:
                walk(item, key)
        elif isinstance(value, str) and key in VEGA_SYNTAX:
            found.add(value)

    for chart in at.get("vega_lite_chart"):
        walk(json.loads(chart.proto.spec))
    return found


def english_left(at, language: str, demo_db, allowed=()) -> list[str]:  # noqa: ANN001
    """What the page's main part still shows untranslated."""
    syntax = chart_syntax(at)
    texts = [t for t in shown_texts(at.main) if t not in syntax]
    allow = set(allowed) | (CLDR_ENGLISH if language == PSEUDO else SHARED_WORDS)
    return untranslated(texts, language, data=data_strings(demo_db), allowed=allow)


def tab_labels(language: str) -> list[str]:
    tr = translator_for(language)
    return [tr.gettext(t) for t in TABS]


# --- Team progress ---------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ["lead", "admin"])
def test_team_progress_every_tab_and_its_tables_in_the_language(demo_db, role, language):
    at = open_in(demo_db, role, language, "pages/team_progress.py")
    assert [t.label for t in at.tabs] == tab_labels(language)
    charts = 0
    for label, key in zip(tab_labels(language), ("part", "coverage", "consistency", "follow")):
        at.session_state["tp_tab"] = label  # what clicking the tab sets
        at.session_state[f"chart_table_open_{key}"] = True  # "Show as table" opened
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.dataframe, label  # the chart's table is drawn
        charts += len(at.get("vega_lite_chart"))
        assert english_left(at, language, demo_db) == [], label
    assert charts == 6


@pytest.mark.parametrize("language", LANGUAGES)
def test_team_progress_for_each_team_and_period_in_the_language(demo_db, language):
    at = open_in(demo_db, "admin", language, "pages/team_progress.py")
    for i in range(len(at.selectbox(key="tp_team").options)):
        at.selectbox(key="tp_team").select_index(i).run()
        assert not at.exception, [e.value for e in at.exception]
        assert english_left(at, language, demo_db) == [], at.selectbox(key="tp_team").value
    shown = at.selectbox(key="tp_period").options
    assert len(shown) == 6  # since the programme began, four lengths, custom dates
    for i in range(len(shown) - 1):
        at.selectbox(key="tp_period").select_index(i).run()
        assert not at.exception, [e.value for e in at.exception]
        assert english_left(at, language, demo_db) == [], shown[i]


@pytest.mark.parametrize("language", LANGUAGES)
def test_custom_dates_and_their_refusal_in_the_language(demo_db, language):
    at = open_in(demo_db, "lead", language, "pages/team_progress.py")
    at.selectbox(key="tp_period").set_value("Custom dates").run()  # its key in the address
    assert not at.exception, [e.value for e in at.exception]
    assert english_left(at, language, demo_db) == []
    end = at.date_input(key="tp_to").value
    at.date_input(key="tp_from").set_value(end - timedelta(days=7))
    at.date_input(key="tp_to").set_value(end - timedelta(days=21)).run()
    assert at.error, "dates the wrong way round are refused"
    assert english_left(at, language, demo_db) == []


def test_team_progress_in_spanish_reads_spanish(demo_db):
    at = open_in(demo_db, "lead", "es", "pages/team_progress.py")
    assert at.title[0].value == "Progreso del equipo"
    assert [m.label for m in at.metric][:3] == ["Participación semanal", "Integrantes constantes",
                                               "Responsabilidades practicadas"]
    assert at.selectbox(key="tp_period").value == "Last 12 weeks"  # the address keeps its key
    assert "Últimas 12 semanas" in at.selectbox(key="tp_period").options
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["title"]["text"] == "Participación semanal"
    assert spec["config"]["locale"]["time"]["shortMonths"][11] == "dic"
    text = " ".join(m.value for m in at.markdown)
    assert "Responsabilidades menos practicadas" in text and "acciones en el período" in text


# --- Organisation ------------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ["organisation", "region"])
def test_organisation_every_tab_in_the_language(demo_db, role, language):
    at = open_in(demo_db, role, language, "pages/organisation.py")
    tr = translator_for(language)
    expected = [tr.gettext("Progress"), tr.gettext("Report")]
    assert [t.label for t in at.tabs] == expected + (
        [tr.gettext("Chapters")] if role == "organisation" else [])
    assert at.table
    charts = len(at.get("vega_lite_chart"))  # none while the totals drawn are withheld
    assert charts == (1 if role == "organisation" else 0)
    assert english_left(at, language, demo_db, ORG_NAME) == []
    # One chapter over time, the chart's table, and a report prepared.
    at.session_state["org_chapter_open"] = True
    at.session_state["chart_table_open_org_weekly"] = True
    at.session_state["chart_table_open_org_chapter_weekly"] = True
    at.run()
    assert len(at.get("vega_lite_chart")) == charts + 1
    assert english_left(at, language, demo_db, ORG_NAME) == []
    open_org_tab(at, "Report")  # drawn only while open
    at.button(key="org_rep_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("download_button")) == 3
    assert english_left(at, language, demo_db, ORG_NAME) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_organisation_changes_confirmed_in_the_language(demo_db, language):
    at = open_org_tab(open_in(demo_db, "organisation", language, "pages/organisation.py"),
                      "Chapters")
    at.text_input(key="org_rg_name").set_value("East")
    next(b for b in at.button if b.label == translator_for(language).gettext("Add region")
         ).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.success and english_left(at, language, demo_db, ORG_NAME) == []


def test_organisation_in_spanish_reads_spanish(demo_db):
    at = open_in(demo_db, "organisation", "es", "pages/organisation.py")
    rows = [name for table in at.table for name in table.value.index]
    assert inert("North (todos los capítulos)") in rows
    assert inert("Otros (capítulos pequeños)") in rows
    columns = at.table[0].value.columns
    assert "Integrantes activos/as" in columns and "Nota" in columns
    assert any("Total no mostrado" in i.value for i in at.info)


# --- the charts -------------------------------------------------------------------------

@pytest.fixture
def demo_frames(demo_db):
    db, lead = persona(demo_db, "lead")
    try:
        yield overview.team_progress(db, lead, scopes.Scope(lead.chapter_id),
                                     Period.last_weeks(12, date.today()))
    finally:
        db.conn.close()


FRAME_OF = {"participation": "participation", "responsibility_actions": "responsibilities",
            "coverage": "responsibilities", "consistency": "consistency",
            "follow_through": "follow_through", "minutes": "minutes"}


def titles(spec: object) -> list[str]:
    """Every title and subtitle in a spec."""
    found: list[str] = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "title" and isinstance(value, str):
                found.append(value)
            elif key == "title" and isinstance(value, dict):
                found += [value["text"], value.get("subtitle") or ""]
            else:
                found += titles(value)
    elif isinstance(spec, list):
        for item in spec:
            found += titles(item)
    return [t for t in found if t]


@pytest.mark.parametrize("kind", list(FRAME_OF))
def test_a_chart_in_spanish_has_spanish_words_and_the_same_rows(demo_frames, kind):
    frame = demo_frames.columns[FRAME_OF[kind]].frame
    es = translator_for("es")
    english = progress_charts.prepare(kind, frame)
    spanish = progress_charts.prepare(kind, frame, es)
    assert spanish.columns == english.columns  # the data never depend on the reader
    assert spanish.to_dict()["datasets"] == english.to_dict()["datasets"]
    shown, source = titles(spanish.spec), titles(english.spec)
    assert len(shown) == len(source) and shown != source
    assert shown == [es.gettext(t) for t in source]
    groups = list(dict.fromkeys(frame["group"])) if "group" in frame else []
    assert spanish.description == chart_words.describe(kind, groups, es)
    assert spanish.description.startswith(("Gráfico", "Mapa"))
    # The Altair builder in Spanish is the same chart, and valid Vega-Lite.
    assert builders.BUILDERS[kind](frame, es).to_dict() == spanish.to_dict()
    # English is as it was.
    assert builders.BUILDERS[kind](frame).to_dict() == english.to_dict()


def test_a_charts_categories_are_put_into_words_by_the_chart_not_the_rows(demo_frames):
    es = translator_for("es")
    chart = progress_charts.prepare("coverage", demo_frames.columns["responsibilities"], es)
    assert chart.spec["encoding"]["y"]["sort"][0] == "1. Reconocer el privilegio"
    assert chart.columns["label"][0] == "1. Acknowledge privilege"  # the rows as stored
    steps = progress_charts.prepare("follow_through", demo_frames.columns["follow_through"], es)
    assert steps.spec["encoding"]["color"]["scale"]["domain"] == ["Hecho", "Abierto", "Vencido"]
    assert "Todo el capítulo" in steps.spec["encoding"]["y"]["sort"]
    assert "Whole chapter" in steps.columns["group"]


@pytest.mark.slow
def test_a_spanish_chart_draws_spanish_dates_labels_and_decimal_marks(demo_frames):
    import vl_convert

    es = translator_for("es")

    def drawn(kind: str) -> list[str]:
        chart = progress_charts.prepare(kind, demo_frames.columns[FRAME_OF[kind]], es)
        return re.findall(r"<text[^>]*>([^<]*)</text>", vl_convert.vegalite_to_svg(
            chart.to_dict()))

    months = {"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov",
              "dic"}
    coverage = drawn("coverage")
    assert any(t.split()[-1] in months for t in coverage)
    assert "1. Reconocer el privilegio" in coverage and "Cobertura de las responsabilidades" \
        in coverage
    assert "Todo el capítulo" in drawn("participation")
    assert {"Hecho", "Abierto", "Vencido"} <= set(drawn("follow_through"))


def test_a_charts_table_in_spanish():
    import pandas as pd

    es = translator_for("es")
    frame = pd.DataFrame({"week": pd.to_datetime(["2026-11-30", "2026-12-07"]),
                          "minutes": [150, 30], "actions": [3, 1], "actions_with_minutes": [2, 1],
                          "members": [2, 1], "in_progress": [False, True]})
    table = progress_charts.table_columns("minutes", frame, es)
    assert list(table) == ["Semana del", "Horas", "Acciones", "Acciones con minutos"]
    assert table["Semana del"] == ["lun 30 nov 2026", "lun 7 dic 2026 (en curso)"]
    assert list(progress_charts.table_columns("minutes", frame)) == [
        "Week of", "Hours", "Actions", "Actions with minutes"]
    assert progress_charts.table_columns("minutes", frame)["Week of"] == [
        "Mon 30 Nov 2026", "Mon 07 Dec 2026 (in progress)"]


def test_the_group_words_the_charts_translate_are_the_figures_own():
    assert set(chart_words.GROUP_WORDS) == {scopes.WHOLE_CHAPTER, disclosure.OTHER_LABEL,
                                            org_figures.OTHER_CHAPTERS}
    es = translator_for("es")
    assert chart_words.group_name(es, "North (all chapters)") == "North (todos los capítulos)"
    assert chart_words.group_name(es, "Robins") == "Robins"  # a name people gave
    assert chart_words.group_name(None, "Whole chapter") == "Whole chapter"


def test_headline_figures_in_spanish_numbers_and_words():
    es = translator_for("es")
    same = Headline("minutes", "Time invested", 750, 750, "minutes", "Minutes recorded.")
    shown = same.shown(es)
    assert (shown["label"], shown["value"], shown["delta_description"]) == (
        "Tiempo dedicado", "12,5 h", "sin cambios")
    up = Headline("participation", "Weekly participation", 0.7, 0.6, "share", "")
    assert (up.shown(es)["value"], up.shown(es)["delta"]) == ("70\xa0%", "+10 pts")
    fewer = Headline("minutes", "Time invested", 60, 330, "minutes", "")
    assert fewer.shown(es)["delta"] == "-4,5 h"
    assert up.display == "70%" and up.delta_display == "+10 pts"  # English unchanged
